// Set-up shared by kmeans and miniBatchKMeans: option checks, starting
// centers, and one pass for the column means, the spread and the padded copy.
import { OptionsError, Random, ValidationError } from '@marksman/core';
import { assertFinite, readPoints, readWeights, type PointsInput } from './kmeans-input';
import { paddedStride } from './kmeans-kernels';
import { checkSeed, describeValue } from './checks';

/** The options both k-means functions share. @internal */
export interface CommonFitOptions {
  readonly tolerance: number;
  readonly init: unknown;
  readonly seed: number;
  readonly sampleWeights: ArrayLike<number> | undefined;
}

/** One fit's data, ready for the kernels. @internal */
export interface FitData {
  readonly n: number;
  readonly d: number;
  /** Padded stride (a multiple of 4). */
  readonly P: number;
  /** The points with stride P (the caller's array when d = P; never written). */
  readonly X: Float64Array;
  readonly w: Float64Array;
  readonly mu: Float64Array;
  /** Σ wᵢ‖xᵢ − μ‖² (inertia = this + the kernels' sum of reduced distances). */
  readonly spread: number;
  /** Absolute tolerance on Σ‖Δc‖²: tolerance × mean per-feature variance. */
  readonly tol: number;
  readonly rng: Random;
}

/**
 * Checks k and the shared options, reads the points and weights, and makes
 * one pass for the means, the spread and (when d is not a multiple of 4) a
 * padded copy. @internal
 */
export function setUpFit(data: PointsInput, k: number, o: CommonFitOptions, source: string): FitData {
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: k must be a positive integer, got ${describeValue(k)}.`, { source, field: 'k' });
  }
  if (typeof o.tolerance !== 'number' || !(o.tolerance >= 0) || !Number.isFinite(o.tolerance)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: tolerance must be a finite number ≥ 0, got ${describeValue(o.tolerance)}.`, { source, field: 'tolerance' });
  }
  if (!Array.isArray(o.init) && o.init !== 'k-means++' && o.init !== 'random') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: init must be 'k-means++', 'random' or an array of k centers.`, { source, field: 'init' });
  }
  const rng = new Random(checkSeed(source, o.seed));
  const { values, n, d } = readPoints(data, source, 'data', false);
  if (k > n) {
    throw new ValidationError('E_K_TOO_LARGE', `${source}: k = ${k} clusters cannot be formed from ${n} point(s); lower k.`, { source, field: 'k' });
  }
  const w = o.sampleWeights === undefined ? new Float64Array(n).fill(1) : readWeights(o.sampleWeights, n, source);
  // Padded stride; the caller's array is used as is when no padding is needed (never written).
  const P = paddedStride(d);
  const { X, mu, varSum } = prepare(values, n, d, P, source);
  const spread = o.sampleWeights === undefined ? varSum : weightedSpread(X, n, P, d, w, mu);
  return { n, d, P, X, w, mu, spread, tol: (o.tolerance * varSum) / (n * d), rng };
}

/** Throws OptionsError E_OPTION_RANGE unless v is an integer from 1 to `max` (default: any safe integer). @internal */
export function checkInt(v: number, field: string, source: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(v) || v < 1 || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max.toLocaleString('en-US')}`;
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be ${range}, got ${describeValue(v)}.`, { source, field });
  }
}

/** k starting centers given by the caller, checked and padded to stride P. @internal */
export function readInit(init: readonly (readonly number[])[], k: number, d: number, P: number, source: string): Float64Array {
  if (init.length !== k) {
    throw new ValidationError('E_INIT', `${source}: init has ${init.length} centers but k = ${k}.`, { source, field: 'init' });
  }
  const out = new Float64Array(k * P);
  for (let c = 0; c < k; c++) {
    const row = init[c];
    if (!Array.isArray(row) || row.length !== d || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ValidationError('E_INIT', `${source}: init center ${c} must be ${d} finite numbers.`, { source, field: 'init', row: c });
    }
    for (let j = 0; j < d; j++) out[c * P + j] = row[j]!;
  }
  return out;
}

/** Counts distinct rows with positive weight, stopping at `limit`. O(n·limit·d) at worst. @internal */
export function countDistinctUpTo(X: Float64Array, n: number, P: number, w: Float64Array, limit: number): number {
  const seen: number[] = [];
  for (let i = 0; i < n && seen.length < limit; i++) {
    if (!(w[i]! > 0)) continue;
    let dup = false;
    for (const s of seen) {
      let same = true;
      for (let j = 0; j < P; j++) {
        if (X[i * P + j] !== X[s * P + j]) {
          same = false;
          break;
        }
      }
      if (same) {
        dup = true;
        break;
      }
    }
    if (!dup) seen.push(i);
  }
  return seen.length;
}

/** k rows drawn at random without replacement. @internal */
export function randomInit(X: Float64Array, n: number, P: number, k: number, rng: Random): Float64Array {
  const idx = rng.sample(n, k);
  const out = new Float64Array(k * P);
  for (let c = 0; c < k; c++) out.set(X.subarray(idx[c]! * P, idx[c]! * P + P), c * P);
  return out;
}

/**
 * One pass for the column means and the total squared deviation (sums
 * shifted by the first row, so they stay accurate far from the origin), and
 * the NaN/±Infinity check of a PointMatrix (a non-finite sum sends us to find
 * the culprit). When d is not a multiple of 4, a zero-padded copy with
 * stride P; otherwise the caller's array itself.
 * @internal
 */
export function prepare(values: Float64Array, n: number, d: number, P: number, source: string): { X: Float64Array; mu: Float64Array; varSum: number } {
  const s1 = new Float64Array(d);
  const s2 = new Float64Array(d);
  const x0 = values.subarray(0, d);
  if (d === 8) {
    const a0 = x0[0]!, a1 = x0[1]!, a2 = x0[2]!, a3 = x0[3]!, a4 = x0[4]!, a5 = x0[5]!, a6 = x0[6]!, a7 = x0[7]!;
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
    for (let o = 0; o < n * 8; o += 8) {
      const v0 = values[o]! - a0, v1 = values[o + 1]! - a1, v2 = values[o + 2]! - a2, v3 = values[o + 3]! - a3;
      const v4 = values[o + 4]! - a4, v5 = values[o + 5]! - a5, v6 = values[o + 6]! - a6, v7 = values[o + 7]! - a7;
      p0 += v0; p1 += v1; p2 += v2; p3 += v3; p4 += v4; p5 += v5; p6 += v6; p7 += v7;
      q0 += v0 * v0; q1 += v1 * v1; q2 += v2 * v2; q3 += v3 * v3; q4 += v4 * v4; q5 += v5 * v5; q6 += v6 * v6; q7 += v7 * v7;
    }
    s1.set([p0, p1, p2, p3, p4, p5, p6, p7]);
    s2.set([q0, q1, q2, q3, q4, q5, q6, q7]);
  } else {
    for (let o = 0; o < n * d; o += d) {
      for (let j = 0; j < d; j++) {
        const v = values[o + j]! - x0[j]!;
        s1[j] = s1[j]! + v;
        s2[j] = s2[j]! + v * v;
      }
    }
  }
  const mu = new Float64Array(P);
  let varSum = 0;
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(s2[j]!)) {
      assertFinite(values, d, source);
      throw new ValidationError('E_NOT_FINITE', `${source}: the values of column ${j} are too large to square and add up; rescale the data.`, { source, field: 'data' });
    }
    const m = s1[j]! / n;
    mu[j] = x0[j]! + m;
    varSum += Math.max(0, s2[j]! - n * m * m);
  }
  if (d === P) return { X: values, mu, varSum };
  const X = new Float64Array(n * P);
  for (let i = 0, o = 0, q = 0; i < n; i++, o += d, q += P) for (let j = 0; j < d; j++) X[q + j] = values[o + j]!;
  return { X, mu, varSum };
}

/** Σ wᵢ‖xᵢ − μ‖² (with unit weights this is `prepare`'s varSum). @internal */
export function weightedSpread(X: Float64Array, n: number, P: number, d: number, w: Float64Array, mu: Float64Array): number {
  let spread = 0;
  for (let i = 0, q = 0; i < n; i++, q += P) {
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      const v = X[q + j]! - mu[j]!;
      s2 += v * v;
    }
    spread += w[i]! * s2;
  }
  return spread;
}
