import { OptionsError, Random, ValidationError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { readLabels, readPoints, type PointsInput } from './kmeans-input';
import { checkLabelCount } from './quality-common';
import { checkCallbacks, checkSeed, describeValue } from './checks';

/**
 * Largest number of points for which {@link silhouetteScore} computes the
 * exact score (it costs O(n²·d) time); above it, pass `sampleSize`.
 *
 * @example
 * ```ts
 * import { SILHOUETTE_EXACT_LIMIT } from '@marksman/segmentation';
 * SILHOUETTE_EXACT_LIMIT; // => 20000
 * ```
 */
export const SILHOUETTE_EXACT_LIMIT = 20_000;

/** Options of {@link silhouetteScore}. */
export interface SilhouetteOptions {
  /**
   * Score a random subset of this many points (distances within the subset
   * only, as scikit-learn's `sample_size`). Required when n exceeds
   * {@link SILHOUETTE_EXACT_LIMIT}; at most that limit.
   */
  readonly sampleSize?: number | undefined;
  /** Seed of the subset draw (a safe integer; default 0). */
  readonly seed?: number;
  /** Stops the computation (checked every few hundred rows). */
  readonly signal?: AbortSignal | undefined;
}

interface ResolvedSilhouetteOptions {
  sampleSize: number | undefined;
  seed: number;
  signal: AbortSignal | undefined;
}

const DEFAULTS: Readonly<ResolvedSilhouetteOptions> = Object.freeze({ sampleSize: undefined, seed: 0, signal: undefined });

/**
 * Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distance: for
 * each point, a = mean distance to the other points of its cluster, b =
 * the smallest mean distance to the points of another cluster, s = (b − a) /
 * max(a, b), and s = 0 for a point alone in its cluster. Ranges from −1 to
 * 1; higher is better. Equals scikit-learn's `silhouette_score` (to rounding).
 *
 * Exact up to {@link SILHOUETTE_EXACT_LIMIT} points: O(n²·d) time but only
 * O(n·m) memory (no n × n matrix; each pair is visited once). Larger data
 * need `sampleSize`: the score of a seeded random subset, an unbiased-in-
 * practice estimate whose error shrinks like 1/√sampleSize.
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}
 * @param labels - cluster label (any integers) of each point
 * @param options - see {@link SilhouetteOptions}
 * @throws `ValidationError` `E_TOO_LARGE` (n above the exact limit without `sampleSize`), `E_LABEL_COUNT`
 *   unless 2 ≤ clusters ≤ n − 1 (in the subset when sampling), `E_LABELS`, `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`
 * @throws `OptionsError` `E_OPTION_RANGE` for a bad `sampleSize`, `E_SEED`, `E_OPTION_TYPE` (signal not an AbortSignal)
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { silhouetteScore } from '@marksman/segmentation';
 * silhouetteScore([[0], [2], [10], [12]], [0, 0, 1, 1]); // => 0.798
 * ```
 */
export function silhouetteScore(data: PointsInput, labels: ArrayLike<number>, options?: SilhouetteOptions): number {
  const source = 'silhouetteScore';
  const o = resolveOptions<ResolvedSilhouetteOptions>(source, DEFAULTS, options);
  checkSeed(source, o.seed);
  checkCallbacks(source, undefined, o.signal);
  const { values, n, d } = readPoints(data, source);
  const { ids, m } = readLabels(labels, n, source);
  if (o.sampleSize === undefined) {
    if (n > SILHOUETTE_EXACT_LIMIT) {
      throw new ValidationError(
        'E_TOO_LARGE',
        `${source}: the exact silhouette of ${n} points costs O(n²); above ${SILHOUETTE_EXACT_LIMIT} points pass { sampleSize } (e.g. 10000) for a seeded estimate.`,
        { source, field: 'data' },
      );
    }
    checkLabelCount(m, n, source);
    return silhouetteOf(values, d, ids, m, null, o.signal, source);
  }
  const size = o.sampleSize;
  if (!Number.isSafeInteger(size) || size < 2 || size > Math.min(n, SILHOUETTE_EXACT_LIMIT)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: sampleSize must be an integer from 2 to min(n, ${SILHOUETTE_EXACT_LIMIT}) = ${Math.min(n, SILHOUETTE_EXACT_LIMIT)}, got ${describeValue(size)}.`, { source, field: 'sampleSize' });
  }
  const rows = new Random(o.seed).sample(n, size);
  // Re-number the clusters present in the subset.
  const remap = new Int32Array(m).fill(-1);
  const sub = new Int32Array(size);
  let present = 0;
  for (let t = 0; t < size; t++) {
    const g = ids[rows[t]!]!;
    if (remap[g] === -1) remap[g] = present++;
    sub[t] = remap[g]!;
  }
  checkLabelCount(present, size, source);
  return silhouetteOf(values, d, sub, present, rows, o.signal, source);
}

/**
 * Silhouette over the points `rows` (all points when null), whose dense
 * labels are `ids` (indexed like `rows`). Sums of distances from each point
 * to each cluster are accumulated pairwise (each pair once).
 */
function silhouetteOf(values: Float64Array, d: number, ids: Int32Array, m: number, rows: Int32Array | null, signal: AbortSignal | undefined, source: string): number {
  const n = ids.length;
  // Contiguous copy of the points in play.
  const X = new Float64Array(n * d);
  if (rows === null) X.set(values.subarray(0, n * d));
  else for (let t = 0; t < n; t++) X.set(values.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
  const counts = new Float64Array(m);
  for (let i = 0; i < n; i++) counts[ids[i]!]!++;
  const sums = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    if ((i & 255) === 0) throwIfAborted(signal, source);
    const gi = ids[i]!;
    const oi = i * d;
    const si = i * m;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = X[oi + t]! - X[oj + t]!;
        s += v * v;
      }
      const dist = Math.sqrt(s);
      const q = si + ids[j]!;
      sums[q] = sums[q]! + dist;
      const r = j * m + gi;
      sums[r] = sums[r]! + dist;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const g = ids[i]!;
    const own = counts[g]!;
    if (own <= 1) continue; // a point alone in its cluster scores 0
    const a = sums[i * m + g]! / (own - 1);
    let b = Infinity;
    for (let h = 0; h < m; h++) {
      if (h === g) continue;
      const v = sums[i * m + h]! / counts[h]!;
      if (v < b) b = v;
    }
    const den = a > b ? a : b;
    if (den > 0) total += (b - a) / den;
  }
  return total / n;
}
