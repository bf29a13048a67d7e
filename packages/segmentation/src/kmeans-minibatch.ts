import { OptionsError, ValidationError, throwIfAborted, type Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { KMeansModel, type KMeansInit } from './kmeans';
import type { PointsInput } from './kmeans-input';
import { assignPoints } from './kmeans-kernels';
import { kmeansPlusPlus } from './kmeans-plusplus';
import { checkInt, countDistinctUpTo, randomInit, readInit, setUpFit, weightedSpread } from './kmeans-setup';
import { MAX_ITERATIONS, MAX_RESTARTS, checkCallbacks, describeValue } from './checks';

/** Progress of a {@link miniBatchKMeans} fit, reported after every step. */
export interface MiniBatchProgress {
  /** 1-based mini-batch step. */
  readonly step: number;
  /** Σ wᵢ·D(xᵢ)² over the batch, before the update, divided by the batch size. */
  readonly batchInertia: number;
  /** Exponentially weighted average of `batchInertia` that early stopping watches (null at step 1, which it skips). */
  readonly smoothedInertia: number | null;
  /** Centers moved to a random batch point in this step because they had gathered too little weight. */
  readonly reassigned: number;
  /** Σ‖new center − old center‖² in this step, in the data's squared units. */
  readonly centerShift: number;
}

/** Options of {@link miniBatchKMeans}. Every field is optional. */
export interface MiniBatchKMeansOptions {
  /** Points drawn (with replacement, uniformly) per step (default 1024; at most the number of points). */
  readonly batchSize?: number;
  /** Passes over the data at most (1 to 1,000,000): the fit stops after ⌊maxIterations · n / batchSize⌋ steps (default 100). */
  readonly maxIterations?: number;
  /**
   * Stop when the smoothed batch inertia has not reached a new minimum for
   * this many consecutive steps (default 10; null turns it off).
   */
  readonly maxNoImprovement?: number | null;
  /** Stop when Σ‖Δc‖² in a step is ≤ `tolerance` × the mean per-feature variance (default 0: off). */
  readonly tolerance?: number;
  /** Points (drawn without replacement) on which each k-means++ or random start is chosen (default 3 × batchSize, at least 3k; at most n). */
  readonly initSize?: number;
  /** Starts tried (1 to 10,000); the one with the lowest inertia on a held-out sample of `initSize` points is kept (default 3). Ignored when `init` gives the centers. */
  readonly nInit?: number;
  /**
   * A center whose accumulated weight falls below this fraction of the
   * largest one is moved to a random point of the current batch; checked
   * every 10·k drawn points and whenever a center has no weight yet (default
   * 0.01; 0 turns it off).
   */
  readonly reassignmentRatio?: number;
  /** Seed of the random stream (a safe integer; default 0). Same seed, same result. */
  readonly seed?: number;
  /** One non-negative weight per point (default: all 1). */
  readonly sampleWeights?: ArrayLike<number> | undefined;
  /** `'k-means++'` (default, greedy, on `initSize` points), `'random'`, or k starting centers. */
  readonly init?: KMeansInit;
  /** Stops the fit before it starts and between steps (throws `AbortError` `E_ABORTED`); abort it from `onProgress`. */
  readonly signal?: AbortSignal | undefined;
  /** Called after every step. */
  readonly onProgress?: ((progress: MiniBatchProgress) => void) | undefined;
}

interface Resolved {
  batchSize: number;
  maxIterations: number;
  maxNoImprovement: number | null;
  tolerance: number;
  initSize: number | undefined;
  nInit: number;
  reassignmentRatio: number;
  seed: number;
  sampleWeights: ArrayLike<number> | undefined;
  init: KMeansInit;
  signal: AbortSignal | undefined;
  onProgress: ((progress: MiniBatchProgress) => void) | undefined;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  batchSize: 1024,
  maxIterations: 100,
  maxNoImprovement: 10,
  tolerance: 0,
  initSize: undefined,
  nInit: 3,
  reassignmentRatio: 0.01,
  seed: 0,
  sampleWeights: undefined,
  init: 'k-means++',
  signal: undefined,
  onProgress: undefined,
});

/**
 * Mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010),
 * with scikit-learn's `MiniBatchKMeans` conventions: each step draws
 * `batchSize` points, assigns them to the nearest center, and moves each
 * center to the weighted mean of every point it has received so far (a
 * per-center learning rate of 1 / accumulated weight); centers that gather
 * too little weight are moved to random batch points; the fit stops early
 * when the smoothed batch inertia stops improving. The starting centers come
 * from greedy k-means++ on a sample of `initSize` points, the best of `nInit`
 * on another sample. Finally every point is labelled with its nearest center
 * and the exact inertia is computed, in one pass over the data.
 *
 * Use it when the data are too large for {@link kmeans} to be quick: a step
 * costs O(batchSize·k·d) whatever n is, and the fit reads the whole data
 * only twice (the column means, the final labels). The inertia is usually a
 * little higher than a full k-means fit's (measured in
 * `benchmarks/segmentation/kmeans.bench.ts`). Deterministic for a seed.
 * `iterations` of the result counts mini-batch steps, and `converged` says
 * whether an early-stopping rule (no improvement, tolerance) ended the fit
 * before the step limit.
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}
 * @param k - number of clusters, 1 ≤ k ≤ number of distinct points
 * @param options - see {@link MiniBatchKMeansOptions}
 * @returns a {@link KMeansModel} (labels of every point, centroids, inertia, steps, whether it stopped early)
 * @throws `ValidationError` `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`, `E_K_TOO_LARGE`, `E_WEIGHTS`, `E_INIT`
 * @throws `OptionsError` `E_OPTION_RANGE` (k or an option out of range), `E_OPTION_UNKNOWN`, `E_SEED`,
 *   `E_OPTION_TYPE` (onProgress not a function, signal not an AbortSignal)
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { miniBatchKMeans } from '@marksman/segmentation';
 * const rows = Array.from({ length: 400 }, (_, i) => [i % 2 === 0 ? 0 : 10, i % 3]);
 * const model = miniBatchKMeans(rows, 2, { batchSize: 64, seed: 3 });
 * model.labels[0] !== model.labels[1]; // => true
 * model.centroids.map((c) => c[0]).sort((a, b) => a! - b!); // => [0, 10]
 * ```
 */
export function miniBatchKMeans(data: PointsInput, k: number, options?: MiniBatchKMeansOptions): KMeansModel {
  const source = 'miniBatchKMeans';
  const o = resolveOptions<Resolved>(source, DEFAULTS, options);
  checkInt(o.batchSize, 'batchSize', source);
  checkInt(o.maxIterations, 'maxIterations', source, MAX_ITERATIONS);
  checkInt(o.nInit, 'nInit', source, MAX_RESTARTS);
  if (o.maxNoImprovement !== null) checkInt(o.maxNoImprovement, 'maxNoImprovement', source);
  if (o.initSize !== undefined) checkInt(o.initSize, 'initSize', source);
  if (typeof o.reassignmentRatio !== 'number' || !(o.reassignmentRatio >= 0 && o.reassignmentRatio <= 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: reassignmentRatio must be in [0, 1], got ${describeValue(o.reassignmentRatio)}.`, { source, field: 'reassignmentRatio' });
  }
  checkCallbacks(source, o.onProgress, o.signal);
  throwIfAborted(o.signal, source);
  const { n, d, P, X, w, mu, spread, tol, rng } = setUpFit(data, k, o, source);
  const B = Math.min(o.batchSize, n);

  let centers: Float64Array;
  if (Array.isArray(o.init)) {
    centers = readInit(o.init as readonly (readonly number[])[], k, d, P, source);
  } else {
    if (o.init === 'random' && countDistinctUpTo(X, n, P, w, k) < k) {
      throw new ValidationError('E_K_TOO_LARGE', `${source}: the data hold fewer than k = ${k} distinct points with positive weight; lower k.`, { source, field: 'k' });
    }
    const initSize = Math.min(n, o.initSize ?? Math.max(3 * B, 3 * k));
    if (initSize < k) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: initSize (${initSize}) must be at least k = ${k}.`, { source, field: 'initSize' });
    }
    centers = chooseStart(X, n, P, k, w, mu, initSize, o.nInit, o.init as 'k-means++' | 'random', rng, source);
  }

  const nSteps = Math.max(1, Math.floor((o.maxIterations * n) / B));
  const alpha = Math.min(1, (2 * B) / (n + 1));
  const counts = new Float64Array(k); // weight each center has received
  let next: Float64Array = new Float64Array(k * P);
  const sums = new Float64Array(k * P);
  const bw = new Float64Array(k);
  const batch = new Int32Array(B);
  const labelsB = new Int32Array(B);
  const near = new Float64Array(1);
  const Xb = new Float64Array(B * P);
  const wb = new Float64Array(B).fill(1);
  const sink = new Float64Array(1);
  const weighted = o.sampleWeights !== undefined;
  let sinceReassign = 0;
  let smoothed: number | null = null;
  let smoothedMin = Infinity;
  let noImprovement = 0;
  let step = 0;
  let stoppedEarly = false;
  while (step < nSteps) {
    throwIfAborted(o.signal, source);
    sinceReassign += B;
    let reassignNow = false;
    if (sinceReassign >= 10 * k || counts.includes(0)) {
      reassignNow = true;
      sinceReassign = 0;
    }
    // Random rows are cache (and TLB) misses, which dominate a step. Draw the batch; touch the
    // first and last element of each row (a row may straddle two cache lines) in a loop so short
    // that dozens of misses are in flight at once; copy the rows, now in cache, to Xb; then assign
    // the batch with the typed-array kernel, which also sums it per center. (On 1M × 8 blobs this
    // made a step about twice as fast as reading each row inside the distance loop.)
    for (let b = 0; b < B; b++) batch[b] = rng.int(n);
    let touch = 0;
    for (let b = 0; b < B; b++) touch += X[batch[b]! * P]! + X[batch[b]! * P + P - 1]!;
    sink[0] = touch;
    for (let b = 0, ob = 0; b < B; b++, ob += P) {
      const i = batch[b]!;
      for (let j = 0, oi = i * P; j < P; j++) Xb[ob + j] = X[oi + j]!;
    }
    // (Without weights wb stays all 1: a second random read per point would cost as much as the row.)
    if (weighted) for (let b = 0; b < B; b++) wb[b] = w[batch[b]!]!;
    const spreadB = weightedSpread(Xb, B, P, P, wb, mu); // the kernel returns the batch inertia less this
    assignPoints(Xb, B, P, centers, k, wb, labelsB, sums, bw, mu, near);
    const batchInertia = Math.max(0, spreadB + near[0]!);
    // Each center moves to the weighted mean of all the points it has received.
    for (let c = 0; c < k; c++) {
      const q = c * P;
      if (bw[c]! > 0) {
        const before = counts[c]!;
        const total = before + bw[c]!;
        for (let j = 0; j < P; j++) next[q + j] = (centers[q + j]! * before + sums[q + j]!) / total;
        counts[c] = total;
      } else {
        for (let j = 0; j < P; j++) next[q + j] = centers[q + j]!;
      }
    }
    const reassigned = reassignNow && o.reassignmentRatio > 0 ? reassignLight(Xb, P, k, wb, counts, next, o.reassignmentRatio, rng) : 0;
    let shift = 0;
    for (let q = 0; q < k * P; q++) {
      const t = next[q]! - centers[q]!;
      shift += t * t;
    }
    [centers, next] = [next, centers];
    step++;

    // Early stopping on the smoothed batch inertia (the first step is skipped: it measures the start).
    const mean = batchInertia / B;
    let stop = false;
    if (step > 1) {
      smoothed = smoothed === null ? mean : smoothed * (1 - alpha) + mean * alpha;
      if (tol > 0 && shift <= tol) {
        stop = true;
      } else {
        if (smoothed < smoothedMin) {
          smoothedMin = smoothed;
          noImprovement = 0;
        } else {
          noImprovement++;
        }
        if (o.maxNoImprovement !== null && noImprovement >= o.maxNoImprovement) stop = true;
      }
    }
    o.onProgress?.({ step, batchInertia: mean, smoothedInertia: smoothed, reassigned, centerShift: shift });
    if (stop) {
      stoppedEarly = true;
      break;
    }
  }

  const labels = new Int32Array(n);
  assignPoints(X, n, P, centers, k, w, labels, null, null, mu, near);
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) centroids.push(Array.from(centers.subarray(c * P, c * P + d)));
  return new KMeansModel(labels, centroids, Math.max(0, spread + near[0]!), step, stoppedEarly);
}

/**
 * The best of `nInit` starts (k-means++ or random on `initSize` points drawn
 * without replacement), judged by inertia on another sample of `initSize`
 * points. When a sample holds fewer than k distinct points of positive
 * weight, k-means++ runs on all the data instead (which throws
 * E_K_TOO_LARGE if they too hold fewer).
 */
function chooseStart(
  X: Float64Array,
  n: number,
  P: number,
  k: number,
  w: Float64Array,
  mu: Float64Array,
  initSize: number,
  nInit: number,
  init: 'k-means++' | 'random',
  rng: Random,
  source: string,
): Float64Array {
  const pick = (idx: Int32Array | null): { Xs: Float64Array; ws: Float64Array } => {
    if (idx === null) return { Xs: X, ws: w };
    const Xs = new Float64Array(idx.length * P);
    const ws = new Float64Array(idx.length);
    idx.forEach((i, r) => {
      Xs.set(X.subarray(i * P, i * P + P), r * P);
      ws[r] = w[i]!;
    });
    return { Xs, ws };
  };
  const all = initSize === n;
  const valid = pick(all ? null : rng.sample(n, initSize));
  const labels = new Int32Array(initSize);
  const near = new Float64Array(1);
  let best: Float64Array | null = null;
  let bestInertia = Infinity;
  for (let r = 0; r < nInit; r++) {
    const runRng = rng.fork();
    const { Xs, ws } = pick(all ? null : runRng.sample(n, initSize));
    let c: Float64Array;
    if (init === 'random') {
      c = randomInit(Xs, initSize, P, k, runRng);
    } else {
      try {
        c = kmeansPlusPlus(Xs, initSize, P, k, ws, runRng, source).centers;
      } catch (e) {
        if (all || !(e instanceof ValidationError) || e.code !== 'E_K_TOO_LARGE') throw e;
        c = kmeansPlusPlus(X, n, P, k, w, runRng, source).centers;
      }
    }
    // Inertia on the held-out sample, less its spread (the same for every start).
    assignPoints(valid.Xs, initSize, P, c, k, valid.ws, labels, null, null, mu, near);
    if (best === null || near[0]! < bestInertia) {
      best = c;
      bestInertia = near[0]!;
    }
  }
  return best!;
}

/**
 * Moves the centers whose accumulated weight is below `ratio` × the largest
 * (at most half a batch of them, the lightest first) to distinct random
 * batch points of positive weight, and gives them the smallest weight among
 * the other centers, so they are not moved again at once. Returns how many
 * moved.
 */
function reassignLight(Xb: Float64Array, P: number, k: number, wb: Float64Array, counts: Float64Array, centers: Float64Array, ratio: number, rng: Random): number {
  let max = 0;
  for (let c = 0; c < k; c++) if (counts[c]! > max) max = counts[c]!;
  let light: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c]! < ratio * max) light.push(c);
  if (light.length === 0) return 0;
  const limit = Math.floor(0.5 * wb.length);
  if (light.length > limit) light = light.sort((a, b) => counts[a]! - counts[b]! || a - b).slice(0, limit);
  const candidates: number[] = [];
  for (let b = 0; b < wb.length; b++) if (wb[b]! > 0) candidates.push(b);
  const m = Math.min(light.length, candidates.length);
  if (m === 0) return 0;
  light = light.slice(0, m);
  const chosen = rng.sample(candidates.length, m);
  let keep = Infinity;
  const isLight = new Uint8Array(k);
  for (const c of light) isLight[c] = 1;
  for (let c = 0; c < k; c++) if (isLight[c] === 0 && counts[c]! < keep) keep = counts[c]!;
  light.forEach((c, t) => {
    const b = candidates[chosen[t]!]!;
    centers.set(Xb.subarray(b * P, b * P + P), c * P);
    counts[c] = keep;
  });
  return m;
}
