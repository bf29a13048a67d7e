import { OptionsError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { MAX_ITERATIONS, MAX_RESTARTS, checkCallbacks, checkSeed, describeValue } from './checks';
import { kmeans } from './kmeans';
import { checkInt } from './kmeans-setup';
import { readPoints, type PointMatrix, type PointsInput } from './kmeans-input';
import { calinskiHarabasz } from './quality-calinski-harabasz';
import { daviesBouldin } from './quality-davies-bouldin';
import { SILHOUETTE_EXACT_LIMIT, silhouetteScore } from './quality-silhouette';

/** A cluster-quality score that {@link chooseK} can compute. */
export type ChooseKMetric = 'silhouette' | 'calinskiHarabasz' | 'daviesBouldin';

/** Options of {@link chooseK}. */
export interface ChooseKOptions {
  /** Smallest and largest k to try, inclusive, at most n (default [2, min(10, n − 1)]; k = 1 gets inertia only). */
  readonly kRange?: readonly [number, number];
  /** Scores to compute and vote with (default all three). With none, the elbow of the inertia curve decides. */
  readonly metrics?: readonly ChooseKMetric[];
  /** k-means restarts per k (1 to 10,000; default 3). */
  readonly nInit?: number;
  /** Seed for k-means and the silhouette sample (a safe integer; default 0). */
  readonly seed?: number;
  /** k-means iteration limit (1 to 1,000,000; default 300). */
  readonly maxIterations?: number;
  /** k-means tolerance (default 1e-4, relative to the mean feature variance). */
  readonly tolerance?: number;
  /** k-means algorithm (default `'lloyd'`). */
  readonly algorithm?: 'lloyd' | 'elkan';
  /**
   * Points used for the silhouette (default: all when n ≤
   * {@link SILHOUETTE_EXACT_LIMIT}, else a seeded sample of 5,000).
   */
  readonly silhouetteSampleSize?: number | undefined;
  /** Stops before the first fit, between fits and inside them (throws `AbortError` `E_ABORTED`); abort it from `onProgress`. */
  readonly signal?: AbortSignal | undefined;
  /** Called after each k with the row just computed. */
  readonly onProgress?: ((row: ChooseKRow) => void) | undefined;
}

interface ResolvedChooseKOptions {
  kRange: readonly [number, number];
  metrics: readonly ChooseKMetric[];
  nInit: number;
  seed: number;
  maxIterations: number;
  tolerance: number;
  algorithm: 'lloyd' | 'elkan';
  silhouetteSampleSize: number | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((row: ChooseKRow) => void) | undefined;
}

const ALL_METRICS: readonly ChooseKMetric[] = Object.freeze(['silhouette', 'calinskiHarabasz', 'daviesBouldin'] as const);

const DEFAULTS: Readonly<ResolvedChooseKOptions> = Object.freeze({
  kRange: Object.freeze([2, 10]) as unknown as readonly [number, number],
  metrics: ALL_METRICS,
  nInit: 3,
  seed: 0,
  maxIterations: 300,
  tolerance: 1e-4,
  algorithm: 'lloyd',
  silhouetteSampleSize: undefined,
  signal: undefined,
  onProgress: undefined,
});

/** One row of the {@link chooseK} table. */
export interface ChooseKRow {
  /** Number of clusters. */
  readonly k: number;
  /** Best k-means inertia over the restarts (decreases with k). */
  readonly inertia: number;
  /** Iterations of the kept k-means run. */
  readonly iterations: number;
  /** Whether the kept run converged. */
  readonly converged: boolean;
  /** Mean silhouette (higher is better), or null when not requested or k = 1. */
  readonly silhouette: number | null;
  /** Calinski-Harabasz index (higher is better), or null. */
  readonly calinskiHarabasz: number | null;
  /** Davies-Bouldin index (lower is better), or null. */
  readonly daviesBouldin: number | null;
}

/** What {@link chooseK} returns. */
export interface ChooseKResult {
  /** One row per k, in increasing k. */
  readonly table: ChooseKRow[];
  /** The suggested number of clusters. */
  readonly recommendedK: number;
  /** A sentence saying which scores pointed where and how the choice was made. */
  readonly reason: string;
  /** The best k by each requested score. */
  readonly bestBy: Partial<Record<ChooseKMetric, number>>;
  /** The elbow of the inertia curve (largest distance below the chord, Satopää et al. 2011's "kneedle"), or null with fewer than 3 k values. */
  readonly elbowK: number | null;
}

const LABEL: Record<ChooseKMetric, string> = { silhouette: 'silhouette', calinskiHarabasz: 'Calinski-Harabasz', daviesBouldin: 'Davies-Bouldin' };

/**
 * Runs {@link kmeans} for every k in a range and tabulates inertia and the
 * cluster-quality scores, then recommends a k: each requested score votes
 * for its best k (highest silhouette, highest Calinski-Harabasz, lowest
 * Davies-Bouldin); the k with most votes wins, a tie goes to the
 * silhouette's choice when it is among the tied, else to the smallest tied
 * k. Without scores, the elbow of the inertia curve is used. Cost: the
 * k-means fits, plus O(n²·d) per k for an exact silhouette (sampled above
 * {@link SILHOUETTE_EXACT_LIMIT} points).
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput} (standardize features first)
 * @param options - see {@link ChooseKOptions}
 * @throws `OptionsError` `E_OPTION_RANGE` for a bad `kRange` (also one above n), metric, sample size, `nInit`,
 *   `maxIterations`, `tolerance` or `algorithm`; `E_SEED`; `E_OPTION_TYPE` (onProgress not a function, signal not an
 *   AbortSignal); plus everything {@link kmeans} throws
 * @example
 * ```ts
 * import { chooseK } from '@marksman/segmentation';
 * const rows = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
 * const result = chooseK(rows, { kRange: [2, 5], seed: 1 });
 * result.recommendedK; // => 3
 * result.table.length; // => 4
 * ```
 */
export function chooseK(data: PointsInput, options?: ChooseKOptions): ChooseKResult {
  const source = 'chooseK';
  const o = resolveOptions<ResolvedChooseKOptions>(source, DEFAULTS, options);
  const { values, n, d } = readPoints(data, source);
  // The default range stops at n − 1 on small data; a range the caller gives is taken as is.
  const range: readonly [number, number] = options?.kRange === undefined ? [2, Math.max(2, Math.min(10, n - 1))] : o.kRange;
  if (!Array.isArray(range as unknown) || range.length !== 2 || !Number.isSafeInteger(range[0]) || !Number.isSafeInteger(range[1]) || range[0] < 1 || range[1] < range[0]) {
    const shown = Array.isArray(range as unknown) ? `[${Array.from(range as readonly unknown[], describeValue).join(', ')}]` : describeValue(range);
    throw new OptionsError('E_OPTION_RANGE', `${source}: kRange must be [min, max] with integers 1 ≤ min ≤ max, got ${shown}.`, { source, field: 'kRange' });
  }
  if (range[1] > n) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: kRange goes to ${range[1]}, but ${n} point(s) make at most ${n} clusters.`, { source, field: 'kRange' });
  }
  const metrics: readonly ChooseKMetric[] = o.metrics;
  if (!Array.isArray(o.metrics as unknown) || metrics.some((m) => !ALL_METRICS.includes(m))) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: metrics must be a list of ${ALL_METRICS.join(', ')}.`, { source, field: 'metrics' });
  }
  checkInt(o.nInit, 'nInit', source, MAX_RESTARTS);
  checkInt(o.maxIterations, 'maxIterations', source, MAX_ITERATIONS);
  if (typeof o.tolerance !== 'number' || !Number.isFinite(o.tolerance) || o.tolerance < 0) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: tolerance must be a finite number ≥ 0, got ${describeValue(o.tolerance)}.`, { source, field: 'tolerance' });
  }
  if (o.algorithm !== 'lloyd' && o.algorithm !== 'elkan') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: algorithm must be 'lloyd' or 'elkan', got ${describeValue(o.algorithm)}.`, { source, field: 'algorithm' });
  }
  checkSeed(source, o.seed);
  checkCallbacks(source, o.onProgress, o.signal);
  if (o.silhouetteSampleSize !== undefined && (!Number.isSafeInteger(o.silhouetteSampleSize) || o.silhouetteSampleSize < 2)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: silhouetteSampleSize must be an integer ≥ 2, got ${describeValue(o.silhouetteSampleSize)}.`, { source, field: 'silhouetteSampleSize' });
  }
  if (metrics.length > 0 && range[1] > n - 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: cluster-quality scores need k ≤ n − 1 = ${n - 1}, but kRange goes to ${range[1]}.`, { source, field: 'kRange' });
  }
  let sampleSize = o.silhouetteSampleSize;
  if (sampleSize === undefined && n > SILHOUETTE_EXACT_LIMIT) sampleSize = 5000;
  const matrix: PointMatrix = { values, columns: d };

  const table: ChooseKRow[] = [];
  for (let k = range[0]; k <= range[1]; k++) {
    throwIfAborted(o.signal, source);
    const model = kmeans(matrix, k, { nInit: o.nInit, seed: o.seed, maxIterations: o.maxIterations, tolerance: o.tolerance, algorithm: o.algorithm, signal: o.signal });
    const scored = k >= 2;
    const row: ChooseKRow = {
      k,
      inertia: model.inertia,
      iterations: model.iterations,
      converged: model.converged,
      silhouette: scored && metrics.includes('silhouette') ? silhouetteScore(matrix, model.labels, { sampleSize, seed: o.seed, signal: o.signal }) : null,
      calinskiHarabasz: scored && metrics.includes('calinskiHarabasz') ? calinskiHarabasz(matrix, model.labels) : null,
      daviesBouldin: scored && metrics.includes('daviesBouldin') ? daviesBouldin(matrix, model.labels) : null,
    };
    table.push(row);
    o.onProgress?.(row);
  }

  const bestBy: Partial<Record<ChooseKMetric, number>> = {};
  const parts: string[] = [];
  for (const m of metrics) {
    let best: ChooseKRow | null = null;
    for (const row of table) {
      const v = row[m];
      if (v === null) continue;
      const b = best === null ? null : best[m]!;
      if (b === null || (m === 'daviesBouldin' ? v < b : v > b)) best = row;
    }
    if (best !== null) {
      bestBy[m] = best.k;
      parts.push(`${LABEL[m]} is ${m === 'daviesBouldin' ? 'lowest' : 'highest'} at k = ${best.k} (${round(best[m]!)})`);
    }
  }
  const elbowK = elbow(table);
  const votes = new Map<number, number>();
  for (const k of Object.values(bestBy)) votes.set(k, (votes.get(k) ?? 0) + 1);
  let recommendedK: number;
  let reason: string;
  if (votes.size === 0) {
    recommendedK = elbowK ?? table[0]!.k;
    reason = elbowK === null ? `only k = ${recommendedK} was tried.` : `no scores were requested; the inertia curve bends most at k = ${elbowK} (elbow).`;
  } else {
    const top = Math.max(...votes.values());
    const tied = [...votes.entries()].filter(([, v]) => v === top).map(([k]) => k).sort((a, b) => a - b);
    const sil = bestBy.silhouette;
    recommendedK = tied.length > 1 && sil !== undefined && tied.includes(sil) ? sil : tied[0]!;
    const total = Object.keys(bestBy).length;
    const agree = `k = ${recommendedK} is the choice of ${top} of ${total} score${total === 1 ? '' : 's'}`;
    const tie = tied.length > 1 ? ` (a tie between k = ${tied.join(', ')}, broken ${sil !== undefined && tied.includes(sil) ? 'in favour of the silhouette' : 'towards fewer clusters'})` : '';
    reason = `${parts.join('; ')}: ${agree}${tie}.${elbowK !== null ? ` The inertia elbow is at k = ${elbowK}.` : ''}`;
  }
  return { table, recommendedK, reason, bestBy, elbowK };
}

function round(v: number): string {
  return Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** k whose inertia lies farthest below the straight line from the first to the last point (both axes scaled to [0, 1]). */
function elbow(table: readonly ChooseKRow[]): number | null {
  if (table.length < 3) return null;
  const first = table[0]!;
  const last = table[table.length - 1]!;
  const dk = last.k - first.k;
  const di = first.inertia - last.inertia;
  if (!(di > 0)) return null;
  let best: number | null = null;
  let bestGap = 0;
  for (const row of table) {
    const x = (row.k - first.k) / dk;
    const y = (first.inertia - row.inertia) / di;
    const gap = y - x;
    if (gap > bestGap) {
      bestGap = gap;
      best = row.k;
    }
  }
  return best;
}
