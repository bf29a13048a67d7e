// The k-means fits run both in Chromium (page.ts) and in Node
// (kmeansChromium.test.ts): deterministic data from @marksman/core's seeded
// generator, so both sides see the same numbers.
import { Random } from '@marksman/core';
import { kmeans } from '@marksman/segmentation';

/** One fit: data shape, k, restarts, seed. */
export interface KMeansCase {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly nInit: number;
  readonly seed: number;
}

/** Stride 8 (the fast path), padded strides, and k = 21 (five candidates: three lane pairs, one lane padding). */
export const CASES: readonly KMeansCase[] = [
  { n: 20_000, d: 8, k: 8, nInit: 2, seed: 1 },
  { n: 9_999, d: 5, k: 21, nInit: 1, seed: 2 },
  { n: 4_001, d: 11, k: 3, nInit: 3, seed: 3 },
];

/**
 * Blobs with bell-shaped noise (the sum of four uniforms), row-major. Only
 * +, −, × and / are used: they are exactly rounded everywhere, whereas
 * Math.log and the other transcendental functions differ in the last bits
 * between JavaScript engines (Node 20 and Chromium 156 give different
 * Math.log values), so Random.normal would give each side different data.
 */
export function caseData(c: KMeansCase): Float64Array {
  const rng = new Random(1000 + c.seed);
  const centers = Array.from({ length: 12 * c.d }, () => rng.uniform(-10, 10));
  const values = new Float64Array(c.n * c.d);
  for (let i = 0; i < c.n; i++) {
    const g = rng.int(12);
    for (let j = 0; j < c.d; j++) values[i * c.d + j] = centers[g * c.d + j]! + 1.5 * (rng.next() + rng.next() + rng.next() + rng.next() - 2);
  }
  return values;
}

/** What a fit reports, JSON-safe; the inertia's bits as a hex string so that equality is exact. */
export interface FitSummary {
  labels: number[];
  centroids: number[][];
  inertiaBits: string;
  iterations: number;
}

export function bits(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return b.getBigUint64(0).toString(16);
}

/** Fits every case with this runtime's `kmeans` (the page bundles the built package, the Node test the sources). */
export function fitCases(): FitSummary[] {
  return CASES.map((c) => {
    const model = kmeans({ values: caseData(c), columns: c.d }, c.k, { nInit: c.nInit, seed: c.seed });
    return { labels: Array.from(model.labels), centroids: model.centroids, inertiaBits: bits(model.inertia), iterations: model.iterations };
  });
}
