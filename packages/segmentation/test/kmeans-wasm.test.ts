// The WebAssembly SIMD assignment kernel against the typed-array kernels it
// replaces: the same float64 operations in the same order, so every result
// must be identical, bit for bit (not merely close).
import { Random } from '@marksman/core';
import { kmeans, type KMeansModel, type KMeansOptions, type PointMatrix } from '@marksman/segmentation';
import { afterEach, describe, expect, it } from 'vitest';
import { assignPoints, paddedStride } from '../src/kmeans-kernels';
import { createLloydWasm, setKMeansWasmEnabled } from '../src/kmeans-wasm';

afterEach(() => {
  setKMeansWasmEnabled(true);
});

/** Both paths on the same frozen input. */
function bothPaths(data: PointMatrix, k: number, options: KMeansOptions): { simd: KMeansModel; plain: KMeansModel } {
  setKMeansWasmEnabled(true);
  const simd = kmeans(data, k, options);
  setKMeansWasmEnabled(false);
  const plain = kmeans(data, k, options);
  setKMeansWasmEnabled(true);
  return { simd, plain };
}

function expectIdentical(a: KMeansModel, b: KMeansModel): void {
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect(a.centroids).toEqual(b.centroids);
  expect(a.iterations).toBe(b.iterations);
  expect(a.converged).toBe(b.converged);
  expect(Object.is(a.inertia, b.inertia)).toBe(true);
}

/** n × d points: Gaussian blobs, or small integers (many exact ties) when `grid`. */
function points(seed: number, n: number, d: number, grid: boolean): PointMatrix {
  const rng = new Random(seed);
  const values = new Float64Array(n * d);
  const centers = Array.from({ length: 5 * d }, () => rng.uniform(-5, 5));
  for (let i = 0; i < n; i++) {
    const g = rng.int(5);
    for (let j = 0; j < d; j++) values[i * d + j] = grid ? rng.int(3) : rng.normal(centers[g * d + j]!, 1);
  }
  return Object.freeze({ values, columns: d });
}

describe('kmeans WebAssembly SIMD kernel', () => {
  it('is used in this runtime for inputs of at least 64 points and strides up to 32', () => {
    const n = 64;
    const X = new Float64Array(n * 8);
    const w = new Float64Array(n).fill(1);
    expect(createLloydWasm(X, n, 8, 3, w)).not.toBeNull();
    expect(createLloydWasm(X, 63, 8, 3, w)).toBeNull(); // too small: typed arrays
    expect(createLloydWasm(new Float64Array(n * 36), n, 36, 3, w)).toBeNull(); // too wide
    setKMeansWasmEnabled(false);
    expect(createLloydWasm(X, n, 8, 3, w)).toBeNull(); // switched off
  });

  it.each([
    [1, 501],
    [3, 700],
    [4, 335],
    [5, 640],
    [8, 1003],
    [8, 1002],
    [12, 257],
    [17, 300],
  ])('gives the same fit as the typed-array kernels (d = %i, n = %i, k-means++, nInit 3)', (d, n) => {
    const data = points(d * 1000 + n, n, d, false);
    const { simd, plain } = bothPaths(data, 5, { seed: 7, nInit: 3, maxIterations: 50 });
    expectIdentical(simd, plain);
    expect(simd.iterations).toBeGreaterThan(1);
  });

  it.each([2, 4, 8, 9])('breaks exact ties like the typed-array kernels, lowest center first (d = %i, integer grid)', (d) => {
    const data = points(d, 999, d, true);
    const init = Array.from({ length: 6 }, (_, c) => Array.from({ length: d }, (_, j) => (c * j) % 3));
    const { simd, plain } = bothPaths(data, 6, { init, maxIterations: 20 });
    expectIdentical(simd, plain);
    // Centers 0 and 3 coincide (so do 1 and 4, 2 and 5): every point is tied and takes the lower one.
    const P = paddedStride(d);
    const n = 999;
    const X = new Float64Array(n * P);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * P + j] = data.values[i * d + j]!;
    const centers = new Float64Array(6 * P);
    for (let c = 0; c < 6; c++) for (let j = 0; j < d; j++) centers[c * P + j] = (c * j) % 3;
    for (let j = 0; j < d; j++) centers[3 * P + j] = centers[j]!;
    const kernel = createLloydWasm(X, n, P, 6, new Float64Array(n).fill(1))!;
    kernel.assign(centers, new Float64Array(P), false, new Float64Array(1));
    const labels = Array.from(kernel.labels);
    expect(labels.every((l) => l !== 3)).toBe(true);
    expect(labels.filter((l) => l === 0).length).toBeGreaterThan(0);
    const plainLabels = new Int32Array(n);
    assignPoints(X, n, P, centers, 6, new Float64Array(n).fill(1), plainLabels, null, null, new Float64Array(P), new Float64Array(1));
    expect(labels).toEqual(Array.from(plainLabels));
  });

  it('matches with sample weights, random init, and clusters that empty out', () => {
    const data = points(11, 801, 6, false);
    const rng = new Random(3);
    const sampleWeights = Object.freeze(Array.from({ length: 801 }, (_, i) => (i % 7 === 0 ? 0 : rng.uniform(0.1, 3))));
    let r = bothPaths(data, 4, { seed: 5, init: 'random', nInit: 2, sampleWeights });
    expectIdentical(r.simd, r.plain);
    // A far-away center receives no point and is re-seeded from the farthest point.
    const init = [[0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], [-1, 0, 1, 0, -1, 0], [1e6, 1e6, 1e6, 1e6, 1e6, 1e6]];
    r = bothPaths(data, 4, { init, sampleWeights, maxIterations: 30 });
    expectIdentical(r.simd, r.plain);
    expect(r.simd.iterations).toBeGreaterThan(1);
  });

  it('assigns, counts changes and accumulates exactly like assignPoints at one step', () => {
    // Integer coordinates (exact arithmetic, many ties) and Gaussian ones (where the order of the sums shows).
    const cases = [[8, 301, true], [8, 300, false], [7, 299, false], [3, 300, true], [4, 201, false], [10, 129, false], [12, 131, true]] as const;
    for (const [d, n, grid] of cases) {
      const P = paddedStride(d);
      const rng = new Random(d);
      const k = 4;
      const X = new Float64Array(n * P);
      const draw = (): number => (grid ? rng.int(4) - 1.5 : rng.normal(0, 1));
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * P + j] = draw();
      const w = Float64Array.from({ length: n }, () => rng.int(3));
      const centers = new Float64Array(k * P);
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centers[c * P + j] = draw();
      const mu = new Float64Array(P);
      for (let j = 0; j < d; j++) mu[j] = 0.25 * j;
      const labels = new Int32Array(n).fill(2);
      const sums = new Float64Array(k * P);
      const wsum = new Float64Array(k);
      const near = new Float64Array(1);
      const changed = assignPoints(X, n, P, centers, k, w, labels, sums, wsum, mu, near);
      const simd = createLloydWasm(X, n, P, k, w)!;
      simd.labels.fill(2);
      const out = new Float64Array(1);
      expect(simd.assign(centers, mu, true, out)).toBe(changed);
      expect(Array.from(simd.labels)).toEqual(Array.from(labels));
      expect(Array.from(simd.sums)).toEqual(Array.from(sums));
      expect(Array.from(simd.wsum)).toEqual(Array.from(wsum));
      expect(Object.is(out[0], near[0])).toBe(true);
      // Without accumulation the sums are left alone and nothing changes the second time.
      simd.sums.fill(-1);
      expect(simd.assign(centers, mu, false, out)).toBe(0);
      expect(Array.from(simd.sums).every((v) => v === -1)).toBe(true);
      expect(Object.is(out[0], near[0])).toBe(true);
      // With one point of weight 1 the total is that point's distance itself, bits and all
      // (in a long sum, rounding of the total hides the order of each point's terms).
      for (let i = n - 12; i < n; i++) {
        const one = new Float64Array(n);
        one[i] = 1;
        assignPoints(X, n, P, centers, k, one, labels, null, null, mu, near);
        createLloydWasm(X, n, P, k, one)!.assign(centers, mu, false, out);
        expect(Object.is(out[0], near[0])).toBe(true);
      }
    }
  });
});
