// The stride-8 k-means++ first pass and scorer for up to four candidates, and the
// WebAssembly SIMD scorer, against the general loops they replace: the same float64 operations in the same order, so the
// chosen centres, the first assignment and the final models must be
// identical, bit for bit.
import { Random } from '@marksman/core';
import { kmeans, type KMeansModel, type PointMatrix } from '@marksman/segmentation';
import { afterEach, describe, expect, it } from 'vitest';
import { sqDist } from '../src/kmeans-kernels';
import { firstDistances, firstDistances8, kmeansPlusPlus, seedingTrials, setSeedingFastPathEnabled } from '../src/kmeans-plusplus';
import { createLloydWasm } from '../src/kmeans-wasm';

afterEach(() => {
  setSeedingFastPathEnabled(true);
});

/** n × 8 points: Gaussian blobs, or small integers (many exact ties) when `grid`. */
function points8(seed: number, n: number, grid: boolean): Float64Array {
  const rng = new Random(seed);
  const centers = Array.from({ length: 6 * 8 }, () => rng.uniform(-8, 8));
  const X = new Float64Array(n * 8);
  for (let i = 0; i < n; i++) {
    const g = rng.int(6);
    for (let j = 0; j < 8; j++) X[i * 8 + j] = grid ? rng.int(3) : rng.normal(centers[g * 8 + j]!, 1);
  }
  return X;
}

function weights(seed: number, n: number, kind: 'ones' | 'mixed'): Float64Array {
  const rng = new Random(seed);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = kind === 'ones' ? 1 : i % 7 === 0 ? 0 : 0.25 + 2 * rng.next();
  return w;
}

function seedBoth(X: Float64Array, k: number, w: Float64Array, seed: number): { fast: ReturnType<typeof kmeansPlusPlus>; plain: ReturnType<typeof kmeansPlusPlus> } {
  const n = X.length / 8;
  setSeedingFastPathEnabled(true);
  const fast = kmeansPlusPlus(X, n, 8, k, w, new Random(seed), 'test');
  setSeedingFastPathEnabled(false);
  const plain = kmeansPlusPlus(X, n, 8, k, w, new Random(seed), 'test');
  setSeedingFastPathEnabled(true);
  return { fast, plain };
}

function expectSameModel(a: KMeansModel, b: KMeansModel): void {
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect(a.centroids).toEqual(b.centroids);
  expect(a.iterations).toBe(b.iterations);
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
}

describe('k-means++ seeding: stride-8 scorer for up to four candidates', () => {
  // k = 2 → 2 candidates per step, 3..7 → 3, 8..20 → 4, 21 → 5 (general loop on both sides).
  const ks = [2, 3, 5, 8, 12, 20, 21];

  it('chooses the same centres and first assignment as the general loop (blobs, grid ties, zero and fractional weights)', () => {
    let compared = 0;
    for (const grid of [false, true]) {
      const X = points8(grid ? 5 : 4, 2500, grid);
      for (const kind of ['ones', 'mixed'] as const) {
        const w = weights(7, 2500, kind);
        const copyX = X.slice(), copyW = w.slice();
        for (const k of ks) {
          for (const seed of [1, 2]) {
            const { fast, plain } = seedBoth(X, k, w, seed);
            expect(fast.centers.length).toBe(k * 8);
            expect(Array.from(fast.centers)).toEqual(Array.from(plain.centers));
            expect(fast.labels.every((g, i) => g === plain.labels[i])).toBe(true);
            compared++;
          }
        }
        expect(X.every((v, i) => Object.is(v, copyX[i]))).toBe(true);
        expect(w.every((v, i) => Object.is(v, copyW[i]))).toBe(true);
      }
    }
    expect(compared).toBe(2 * 2 * ks.length * 2);
  });

  it('first pass: the stride-8 loop gives the same distances, block sums and potential, bit for bit', () => {
    const n = 5000;
    const X = points8(9, n, false);
    const w = weights(2, n, 'mixed');
    const center = X.slice(17 * 8, 18 * 8);
    const blocks = Math.ceil(n / 1024);
    const a = { closest: new Float64Array(n), blockSum: new Float64Array(blocks) };
    const b = { closest: new Float64Array(n), blockSum: new Float64Array(blocks) };
    const potA = firstDistances8(X, n, w, center, a.closest, a.blockSum);
    const potB = firstDistances(X, n, 8, w, center, b.closest, b.blockSum);
    expect(Object.is(potA, potB)).toBe(true);
    expect(potA).toBeGreaterThan(0);
    expect(a.closest.every((v, i) => Object.is(v, b.closest[i]))).toBe(true);
    expect(a.blockSum.every((v, i) => Object.is(v, b.blockSum[i]))).toBe(true);
    expect(a.closest[17]).toBe(0);
  });

  it('centres are data points, and each point is labelled with its nearest centre (lower index on ties)', () => {
    const X = points8(8, 1500, false);
    const w = weights(3, 1500, 'mixed');
    const { fast } = seedBoth(X, 8, w, 4);
    const rows = new Set<string>();
    for (let i = 0; i < 1500; i++) rows.add(Array.from(X.subarray(i * 8, i * 8 + 8)).join());
    for (let c = 0; c < 8; c++) expect(rows.has(Array.from(fast.centers.subarray(c * 8, c * 8 + 8)).join())).toBe(true);
    for (let i = 0; i < 1500; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < 8; c++) {
        let d = 0;
        for (let j = 0; j < 8; j++) d += (X[i * 8 + j]! - fast.centers[c * 8 + j]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      // The seeding's distances are summed in another order; allow only rounding-level near-ties to differ.
      if (fast.labels[i] !== best) {
        let d = 0;
        for (let j = 0; j < 8; j++) d += (X[i * 8 + j]! - fast.centers[fast.labels[i]! * 8 + j]!) ** 2;
        expect(d).toBeLessThanOrEqual(bestD * (1 + 1e-12));
      }
    }
  });

  it('gives identical kmeans models with the scorer on and off (d = 8, and d = 6 padded to stride 8)', () => {
    for (const d of [8, 6]) {
      const rng = new Random(20 + d);
      const values = new Float64Array(3000 * d);
      const mu = Array.from({ length: 5 * d }, () => rng.uniform(-6, 6));
      for (let i = 0; i < 3000; i++) {
        const g = rng.int(5);
        for (let j = 0; j < d; j++) values[i * d + j] = rng.normal(mu[g * d + j]!, 1);
      }
      const data: PointMatrix = Object.freeze({ values, columns: d });
      for (const k of [3, 8]) {
        setSeedingFastPathEnabled(true);
        const fast = kmeans(data, k, { seed: 11, nInit: 2 });
        setSeedingFastPathEnabled(false);
        const plain = kmeans(data, k, { seed: 11, nInit: 2 });
        expectSameModel(fast, plain);
      }
    }
  });
});

describe('k-means++ seeding: the WebAssembly SIMD scorer', () => {
  /** n points of stride P (d real columns, zero padding): Gaussian blobs, or a small integer grid with many exact ties. */
  function padded(seed: number, n: number, d: number, P: number, grid: boolean): Float64Array {
    const rng = new Random(seed);
    const mu = Array.from({ length: 7 * d }, () => rng.uniform(-6, 6));
    const X = new Float64Array(n * P);
    for (let i = 0; i < n; i++) {
      const g = rng.int(7);
      for (let j = 0; j < d; j++) X[i * P + j] = grid ? rng.int(3) : rng.normal(mu[g * d + j]!, 1);
    }
    return X;
  }

  // k = 2 → 2 candidates (one pair), 5 → 3 (padded pair), 8 → 4, 21 → 5 (three pairs, padded), 60 → 6.
  it.each([
    [4, 4],
    [8, 8],
    [6, 8],
    [11, 12],
    [30, 32],
  ])('chooses the same centres, potentials and first assignment as the typed-array loops (d = %i, stride %i)', (d, P) => {
    const n = 1501;
    let compared = 0;
    for (const grid of [false, true]) {
      const X = padded(d * 10 + P, n, d, P, grid);
      for (const kind of ['ones', 'mixed'] as const) {
        const w = weights(d, n, kind);
        for (const k of [2, 5, 8, 21, 60]) {
          if (grid && k > 50) continue; // the 3^d grid of d = 4 holds fewer distinct points
          const kernel = createLloydWasm(X, n, P, k, w, seedingTrials(k))!;
          expect(kernel.seeding).not.toBeNull();
          const simd = kmeansPlusPlus(X, n, P, k, w, new Random(k), 'test', kernel.seeding);
          const plain = kmeansPlusPlus(X, n, P, k, w, new Random(k), 'test');
          expect(Array.from(simd.centers)).toEqual(Array.from(plain.centers));
          expect(Array.from(simd.labels)).toEqual(Array.from(plain.labels));
          // The kernel's nearest distances are those of the typed-array path, bit for bit.
          const closest = new Float64Array(n);
          for (let i = 0; i < n; i++) closest[i] = sqDist(X, i, plain.centers, plain.labels[i]!, P);
          expect(kernel.seeding!.closest.every((v, i) => Object.is(v, closest[i]))).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(16);
  });

  it('refuses too few distinct points with the same typed error', () => {
    const n = 100;
    const X = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) X[i * 4] = i % 3;
    const w = new Float64Array(n).fill(1);
    const kernel = createLloydWasm(X, n, 4, 5, w, seedingTrials(5))!;
    expect(() => kmeansPlusPlus(X, n, 4, 5, w, new Random(1), 'test', kernel.seeding)).toThrow(expect.objectContaining({ code: 'E_K_TOO_LARGE' }));
  });

  it('is not built for more than 16 candidates (k above e¹⁴), where the typed-array scorer runs', () => {
    const X = new Float64Array(64 * 8);
    const w = new Float64Array(64).fill(1);
    expect(createLloydWasm(X, 64, 8, 3, w, 17)!.seeding).toBeNull();
    expect(createLloydWasm(X, 64, 8, 3, w, 16)!.seeding).not.toBeNull();
    expect(createLloydWasm(X, 64, 8, 3, w)!.seeding).toBeNull();
  });
});
