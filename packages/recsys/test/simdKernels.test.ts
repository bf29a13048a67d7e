// The WebAssembly SIMD kernels of ALS (float32) against plain float64
// arithmetic on random systems: the Gram matrix, conjugate-gradient rows
// (the same steps as ALS's typed-array path, and convergence to the exact
// solution), rows without entries, overflow, and batch scoring. The factor
// counts cover one chunk (4), a single pass (8), odd chunk counts (12, 100)
// and the 64 that ALS uses by default; row lengths 0–9 cover the kernels'
// four-entry groups and their remainders.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { loadSimdKernels } from '../src/simdKernels';
import type { SimdKernels } from '../src/simdKernels';

/** Bump allocator over a kernels instance's memory (float32 slots). */
function arena(k: SimdKernels, slots: number) {
  const pages = Math.ceil((slots * 4) / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  let next = 0;
  const f32 = () => new Float32Array(k.memory.buffer);
  const i32 = () => new Int32Array(k.memory.buffer);
  return {
    /** Copies `values` in; returns the slot offset. */
    put(values: ArrayLike<number>, ints = false): number {
      const at = next;
      next += values.length + 4 - (values.length % 4);
      if (ints) i32().set(values, at);
      else f32().set(values, at);
      return at;
    },
    read: (at: number, n: number) => Float64Array.from(f32().subarray(at, at + n)),
  };
}

/** G = FᵀF + λI in float64 from float32 rows. */
function gram64(F: Float32Array, n: number, f: number, lambda: number): Float64Array {
  const G = new Float64Array(f * f);
  for (let r = 0; r < n; r++) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) G[a * f + b]! += F[r * f + a]! * F[r * f + b]!;
  for (let a = 0; a < f; a++) G[a * f + a]! += lambda;
  return G;
}

/** A = G + Σ α·w yyᵀ and b = Σ (1 + α·w) y for one row. */
function system(G: Float64Array, F: Float32Array, idx: number[], w: number[], f: number, alpha: number) {
  const A = Float64Array.from(G);
  const b = new Float64Array(f);
  idx.forEach((i, t) => {
    for (let q = 0; q < f; q++) {
      b[q]! += (1 + alpha * w[t]!) * F[i * f + q]!;
      for (let s = 0; s < f; s++) A[q * f + s]! += alpha * w[t]! * F[i * f + q]! * F[i * f + s]!;
    }
  });
  return { A, b };
}

const matVec = (A: Float64Array, x: Float64Array, f: number) => Float64Array.from({ length: f }, (_, q) => x.reduce((s, v, j) => s + A[q * f + j]! * v, 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, j) => s + v * b[j]!, 0);

/** `steps` CG steps from x0 in float64 (the algorithm of ALS's typed-array path). */
function cg64(A: Float64Array, b: Float64Array, x0: ArrayLike<number>, f: number, steps: number): Float64Array {
  const x = Float64Array.from(x0);
  const Ax = matVec(A, x, f);
  const r = b.map((v, q) => v - Ax[q]!);
  const p = Float64Array.from(r);
  let rs = dot(r, r);
  for (let it = 0; it < steps && rs > 1e-20; it++) {
    const ap = matVec(A, p, f);
    const pap = dot(p, ap);
    if (!(pap > 0)) break;
    const step = rs / pap;
    for (let q = 0; q < f; q++) {
      x[q]! += step * p[q]!;
      r[q]! -= step * ap[q]!;
    }
    const rsNew = dot(r, r);
    for (let q = 0; q < f; q++) p[q] = r[q]! + (rsNew / rs) * p[q]!;
    rs = rsNew;
  }
  return x;
}

/** The exact solution of A x = b (Gaussian elimination with partial pivoting, float64). */
function solve64(A0: Float64Array, b0: Float64Array, f: number): Float64Array {
  const A = Float64Array.from(A0);
  const b = Float64Array.from(b0);
  for (let c = 0; c < f; c++) {
    let piv = c;
    for (let r = c + 1; r < f; r++) if (Math.abs(A[r * f + c]!) > Math.abs(A[piv * f + c]!)) piv = r;
    for (let s = 0; s < f; s++) [A[c * f + s], A[piv * f + s]] = [A[piv * f + s]!, A[c * f + s]!];
    [b[c], b[piv]] = [b[piv]!, b[c]!];
    for (let r = c + 1; r < f; r++) {
      const m = A[r * f + c]! / A[c * f + c]!;
      for (let s = c; s < f; s++) A[r * f + s]! -= m * A[c * f + s]!;
      b[r]! -= m * b[c]!;
    }
  }
  const x = new Float64Array(f);
  for (let r = f - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < f; c++) s -= A[r * f + c]! * x[c]!;
    x[r] = s / A[r * f + r]!;
  }
  return x;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, j) => Math.max(m, Math.abs(v - b[j]!)), 0);

describe.each([4, 8, 12, 64, 100])('ALS SIMD kernels, %i factors', (f) => {
  const rng = new Random(f);
  const nF = 37; // 9 blocks of four rows and one left over
  const F = Float32Array.from({ length: nF * f }, () => rng.next() - 0.3);
  const lambda = 0.5;
  const alpha = 1.5;
  // Rows with 0–9 entries (one of them empty), random distinct columns and weights.
  const rows = Array.from({ length: 10 }, (_, len) => {
    const idx = Array.from({ length: nF }, (_, i) => i).sort(() => rng.next() - 0.5).slice(0, len);
    return { idx, w: idx.map(() => 0.5 + 2 * rng.next()) };
  });
  const X0 = Float32Array.from({ length: rows.length * f }, () => 0.2 * rng.next());

  function run(k: SimdKernels, steps: number, X: Float32Array = X0) {
    const a = arena(k, nF * f + f * f + 3 * f + X.length + 200);
    const fAt = a.put(F);
    const gAt = a.put(new Float32Array(f * f));
    k.gram(fAt * 4, nF, gAt * 4, lambda);
    const indptr = [0];
    for (const r of rows) indptr.push(indptr[indptr.length - 1]! + r.idx.length);
    const ptrAt = a.put(indptr, true);
    const idxAt = a.put(rows.flatMap((r) => r.idx), true);
    const wAt = a.put(rows.flatMap((r) => r.w));
    const xAt = a.put(X);
    const [rAt, pAt, apAt] = [a.put(new Float32Array(f)), a.put(new Float32Array(f)), a.put(new Float32Array(f))];
    const nonFinite = k.cgRows(gAt * 4, fAt * 4, ptrAt * 4, idxAt * 4, wAt * 4, rows.length, xAt * 4, rAt * 4, pAt * 4, apAt * 4, alpha, steps);
    return { G: a.read(gAt, f * f), X: a.read(xAt, X.length), nonFinite };
  }

  it('gram is FᵀF + λI, exactly symmetric', () => {
    const { G } = run(loadSimdKernels(f)!, 1);
    const G64 = gram64(F, nF, f, lambda);
    expect(maxDiff(G, G64)).toBeLessThan(1e-5 * maxAbs(G64));
    for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) expect(G[a * f + b]).toBe(G[b * f + a]);
  });

  it('cgRows takes the same conjugate-gradient steps as float64 arithmetic, and converges to the exact solution', () => {
    const k = loadSimdKernels(f)!;
    expect(k.factors).toBe(f);
    const G64 = gram64(F, nF, f, lambda);
    for (const steps of [1, 3]) {
      const { X, nonFinite } = run(k, steps);
      expect(nonFinite).toBe(0);
      rows.forEach((r, j) => {
        const got = X.subarray(j * f, (j + 1) * f);
        if (r.idx.length === 0) return expect(maxAbs(got)).toBe(0);
        const { A, b } = system(G64, F, r.idx, r.w, f, alpha);
        const want = cg64(A, b, X0.subarray(j * f, (j + 1) * f), f, steps);
        expect(maxDiff(got, want)).toBeLessThan(1e-4 * maxAbs(want));
      });
    }
    // CG reaches the solution in at most f steps (in exact arithmetic); float32 gets close.
    const { X } = run(k, 2 * f);
    rows.forEach((r, j) => {
      if (r.idx.length === 0) return;
      const { A, b } = system(G64, F, r.idx, r.w, f, alpha);
      const exact = solve64(A, b, f);
      expect(maxDiff(X.subarray(j * f, (j + 1) * f), exact)).toBeLessThan(1e-3 * maxAbs(exact));
    });
  });

  it('cgRows marks a row whose residual overflows as all NaN, counts it, and leaves the other rows finite', () => {
    const X = Float32Array.from(X0);
    X.fill(3e38, 5 * f, 6 * f);
    const { X: out, nonFinite } = run(loadSimdKernels(f)!, 3, X);
    expect(nonFinite).toBe(1);
    rows.forEach((_, j) => {
      const row = Array.from(out.subarray(j * f, (j + 1) * f));
      if (j === 5) expect(row.every((v) => Number.isNaN(v))).toBe(true);
      else expect(row.every((v) => Number.isFinite(v))).toBe(true);
    });
  });

  it('score is every user vector times every item vector', () => {
    const k = loadSimdKernels(f)!;
    const a = arena(k, 3 * f + nF * f + 3 * nF + 100);
    const uAt = a.put(F.subarray(0, 3 * f));
    const yAt = a.put(F);
    const outAt = a.put(new Float32Array(3 * nF));
    k.score(uAt * 4, 3, yAt * 4, nF, outAt * 4);
    const got = a.read(outAt, 3 * nF);
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < nF; i++) {
        const want = dot(F.subarray(b * f, (b + 1) * f), F.subarray(i * f, (i + 1) * f));
        expect(Math.abs(got[b * nF + i]! - want)).toBeLessThan(1e-5 * f);
      }
    }
  });
});
