import { OptionsError, ValidationError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { MAX_ITERATIONS, MAX_RESTARTS, checkCallbacks, describeValue } from './checks';
import { checkInt, countDistinctUpTo, randomInit, readInit, setUpFit } from './kmeans-setup';
import { elkanRun } from './kmeans-elkan';
import { readPoints, type PointsInput } from './kmeans-input';
import { createLloydWasm } from './kmeans-wasm';
import { lloydRun, type KMeansProgress, type RunResult, type RunSetup } from './kmeans-lloyd';
import { kmeansPlusPlus, seedingTrials } from './kmeans-plusplus';

/** How {@link kmeans} places its first centers. */
export type KMeansInit = 'k-means++' | 'random' | readonly (readonly number[])[];

/** Options of {@link kmeans}. Every field is optional. */
export interface KMeansOptions {
  /** Restarts from different seedings (1 to 10,000); the one with the lowest inertia is kept (default 1, as scikit-learn's `n_init='auto'` with k-means++). Ignored when `init` gives the centers. */
  readonly nInit?: number;
  /** Iteration limit per restart (1 to 1,000,000; default 300). */
  readonly maxIterations?: number;
  /**
   * Stop when Σ‖Δc‖² between two iterations is ≤ `tolerance` × the mean
   * per-feature variance of the data (default 1e-4; scikit-learn's `tol`).
   * A fit also stops as soon as no point changes cluster.
   */
  readonly tolerance?: number;
  /** Seed of the random stream (a safe integer; default 0). Same seed, same result. */
  readonly seed?: number;
  /** One non-negative weight per point (default: all 1). */
  readonly sampleWeights?: ArrayLike<number> | undefined;
  /**
   * `'lloyd'` (default) or `'elkan'` (triangle-inequality bounds, O(n·k)
   * extra memory). Both give the same result up to ties. Elkan pays off when
   * distances are expensive and many iterations run (measured about 3×
   * faster at d = 32, k = 32, 50 iterations); at d ≤ 8 or when a fit
   * converges in a few iterations Lloyd is as fast or faster.
   */
  readonly algorithm?: 'lloyd' | 'elkan';
  /** `'k-means++'` (default, greedy), `'random'` (k distinct rows), or k starting centers. */
  readonly init?: KMeansInit;
  /** Stops the fit before it starts and between iterations (throws `AbortError` `E_ABORTED`); abort it from `onProgress`. */
  readonly signal?: AbortSignal | undefined;
  /** Called after every iteration of every restart. */
  readonly onProgress?: ((progress: KMeansProgress) => void) | undefined;
}

interface ResolvedKMeansOptions {
  nInit: number;
  maxIterations: number;
  tolerance: number;
  seed: number;
  sampleWeights: ArrayLike<number> | undefined;
  algorithm: 'lloyd' | 'elkan';
  init: KMeansInit;
  signal: AbortSignal | undefined;
  onProgress: ((progress: KMeansProgress) => void) | undefined;
}

const DEFAULTS: Readonly<ResolvedKMeansOptions> = Object.freeze({
  nInit: 1,
  maxIterations: 300,
  tolerance: 1e-4,
  seed: 0,
  sampleWeights: undefined,
  algorithm: 'lloyd',
  init: 'k-means++',
  signal: undefined,
  onProgress: undefined,
});

/** The plain-object form of a {@link KMeansModel} (see {@link KMeansModel.toJSON}). */
export interface KMeansModelJSON {
  /** Cluster of each training point. */
  readonly labels: readonly number[];
  /** k centers, each with one value per feature. */
  readonly centroids: readonly (readonly number[])[];
  /** Weighted sum of squared distances of the training points to their centers. */
  readonly inertia: number;
  /** Iterations run by the kept restart. */
  readonly iterations: number;
  /** Whether the kept restart stopped by a convergence rule. */
  readonly converged: boolean;
}

/**
 * A fitted k-means clustering: the training labels, the centers and fit
 * statistics, and {@link KMeansModel.predict} for new points. Made by
 * {@link kmeans} or restored with {@link KMeansModel.fromJSON}.
 *
 * @example
 * ```ts
 * import { kmeans, KMeansModel } from '@marksman/segmentation';
 * const model = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2, { seed: 1 });
 * KMeansModel.fromJSON(model.toJSON()).inertia === model.inertia; // => true
 * ```
 */
export class KMeansModel {
  /** Cluster (0..k-1) of each training point. */
  readonly labels: Int32Array;
  /** k centers in the data's units, one array of d values each. */
  readonly centroids: number[][];
  /** Σ wᵢ‖xᵢ − c(xᵢ)‖² over the training points (the quantity k-means minimises). */
  readonly inertia: number;
  /** Iterations run by the kept restart. */
  readonly iterations: number;
  /** True when the kept restart stopped because no label changed or the centers moved less than the tolerance; false when it hit `maxIterations`. */
  readonly converged: boolean;

  /**
   * @param labels - cluster of each training point (an Int32Array of integers in [0, k))
   * @param centroids - k ≥ 1 centers of equal length, finite numbers
   * @param inertia - training inertia (finite, ≥ 0)
   * @param iterations - iterations run (a safe integer ≥ 0)
   * @param converged - whether a convergence rule stopped the fit
   * @throws `ValidationError` `E_MODEL_PARTS` naming the argument that breaks these rules
   */
  constructor(labels: Int32Array, centroids: number[][], inertia: number, iterations: number, converged: boolean) {
    if (!(labels instanceof Int32Array)) {
      throw new ValidationError('E_MODEL_PARTS', `KMeansModel: labels must be an Int32Array, got ${describeValue(labels)}.`, { source: 'KMeansModel', field: 'labels' });
    }
    checkModelParts('KMeansModel', 'E_MODEL_PARTS', { labels, centroids, inertia, iterations, converged });
    this.labels = labels;
    this.centroids = centroids;
    this.inertia = inertia;
    this.iterations = iterations;
    this.converged = converged;
  }

  /**
   * The nearest center of each point (Euclidean; the lower index wins a
   * tie). O(n·k·d).
   *
   * @param data - points with the same features as the centers, in any layout of {@link PointsInput} (records: the same field names as at fit)
   * @throws `ValidationError` `E_EMPTY`, `E_RAGGED`, `E_NOT_FINITE`, `E_POINTS_TYPE`, or `E_DIMENSION` when the feature count differs
   * @example
   * ```ts
   * import { kmeans } from '@marksman/segmentation';
   * const model = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2, { seed: 1 });
   * const [a, b] = model.predict([[1, 1], [9, 9]]);
   * a === model.labels[0] && b === model.labels[2]; // => true
   * ```
   */
  predict(data: PointsInput): Int32Array {
    const { values, n, d } = readPoints(data, 'KMeansModel.predict');
    const k = this.centroids.length;
    const dim = this.centroids[0]!.length;
    if (d !== dim) {
      throw new ValidationError('E_DIMENSION', `KMeansModel.predict: points have ${d} features but the model was fitted on ${dim}.`, { source: 'KMeansModel.predict', field: 'data' });
    }
    const C = new Float64Array(k * d);
    this.centroids.forEach((c, i) => C.set(c, i * d));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      let bl = 0;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = values[i * d + j]! - C[c * d + j]!;
          s += t * t;
        }
        if (s < best) {
          best = s;
          bl = c;
        }
      }
      out[i] = bl;
    }
    return out;
  }

  /**
   * A plain, JSON-safe copy of the model.
   *
   * @example
   * ```ts
   * import { kmeans } from '@marksman/segmentation';
   * kmeans([[0], [1], [10], [11]], 2, { seed: 1 }).toJSON().centroids.length; // => 2
   * ```
   */
  toJSON(): KMeansModelJSON {
    return {
      labels: Array.from(this.labels),
      centroids: this.centroids.map((c) => c.slice()),
      inertia: this.inertia,
      iterations: this.iterations,
      converged: this.converged,
    };
  }

  /**
   * Restores a model saved with {@link KMeansModel.toJSON}.
   *
   * @param json - the saved form
   * @throws `ValidationError` `E_MODEL_JSON` naming the field when the object is not a saved model: centroids
   *   missing, ragged or not finite; a label that is not an integer in [0, k); inertia not a finite number ≥ 0;
   *   iterations not a safe integer ≥ 0; converged not a boolean
   * @example
   * ```ts
   * import { KMeansModel } from '@marksman/segmentation';
   * const m = KMeansModel.fromJSON({ labels: [0, 1], centroids: [[0], [10]], inertia: 0, iterations: 1, converged: true });
   * Array.from(m.predict([[2], [7]])); // => [0, 1]
   * ```
   */
  static fromJSON(json: KMeansModelJSON): KMeansModel {
    const source = 'KMeansModel.fromJSON';
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new ValidationError('E_MODEL_JSON', `${source}: expected { labels, centroids, inertia, iterations, converged }, got ${describeValue(json)}.`, { source, field: 'json' });
    }
    checkModelParts(source, 'E_MODEL_JSON', json);
    return new KMeansModel(Int32Array.from(json.labels), json.centroids.map((r) => r.slice()), json.inertia, json.iterations, json.converged);
  }
}

/**
 * Checks the parts of a {@link KMeansModel}: k ≥ 1 centroids of one length
 * d ≥ 1, finite; labels integers in [0, k); inertia finite ≥ 0; iterations a
 * safe integer ≥ 0; converged a boolean. Throws `ValidationError` `code`
 * naming the field.
 */
function checkModelParts(source: string, code: string, parts: { readonly labels: unknown; readonly centroids: unknown; readonly inertia: unknown; readonly iterations: unknown; readonly converged: unknown }): void {
  const bad = (field: string, what: string): never => {
    throw new ValidationError(code, `${source}: ${field} ${what}.`, { source, field });
  };
  const c = parts.centroids;
  if (!Array.isArray(c) || c.length === 0) bad('centroids', 'must be a non-empty array of centers');
  const rows = c as unknown[];
  const d = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0;
  if (d === 0) bad('centroids', 'must hold centers with at least one value each');
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d) bad('centroids', `row ${i} must hold ${d} values, like row 0`);
    (row as unknown[]).forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('centroids', `row ${i}, column ${j} is ${describeValue(v)}, not a finite number`);
    });
  });
  const labels = parts.labels;
  if (!(Array.isArray(labels) || labels instanceof Int32Array)) bad('labels', `must be an array of cluster indexes, got ${describeValue(labels)}`);
  const k = rows.length;
  const list = labels as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= k) bad('labels', `entry ${i} is ${describeValue(v)}, not a cluster index in [0, ${k})`);
  }
  if (typeof parts.inertia !== 'number' || !Number.isFinite(parts.inertia) || parts.inertia < 0) bad('inertia', `is ${describeValue(parts.inertia)}, not a finite number ≥ 0`);
  if (!Number.isSafeInteger(parts.iterations) || (parts.iterations as number) < 0) bad('iterations', `is ${describeValue(parts.iterations)}, not an integer ≥ 0`);
  if (typeof parts.converged !== 'boolean') bad('converged', `is ${describeValue(parts.converged)}, not true or false`);
}

/**
 * k-means clustering (Lloyd's algorithm by default, Elkan's as an option),
 * seeded by greedy k-means++ with 2 + ⌊ln k⌋ candidates per step, with
 * `nInit` restarts keeping the lowest inertia.
 *
 * Semantics follow scikit-learn's `KMeans` so inertia can be compared: the
 * data are centered before fitting (precision); the tolerance is relative
 * to the mean per-feature variance; a fit stops when no label changes or
 * Σ‖Δc‖² ≤ tol, and then labels are recomputed against the final centers;
 * an emptied cluster takes the point farthest from its center.
 * Deterministic for a seed. Cost O(n·k·d) per iteration; working memory
 * O(n·log k) for k-means++ and O(n·k) more with Elkan. A `PointMatrix`
 * whose column count is a multiple of 4 is read in place (never copied or
 * written); other shapes are copied once into a padded Float64Array.
 * For millions of points on data without clear clusters, where Lloyd needs
 * many iterations, {@link miniBatchKMeans} trades a little inertia for time.
 *
 * Lloyd's assignment step and the scoring of k-means++ candidates run in a
 * small WebAssembly SIMD module built at run time where the runtime allows it
 * (64 points or more, at most 32 padded columns): the padded data and weights
 * are copied once per fit into its memory (n·(8·columns + 12) bytes more, and
 * n·(12 + 12·c) for k-means++, c = 2 + ⌊ln k⌋ rounded up to even: 60 bytes per
 * point at k = 8), and the results are identical, bit for bit, to the
 * typed-array fallback used everywhere else.
 *
 * @param data - points as rows (one array of numbers per point), records (named numeric fields, features in sorted name order) or `{ values: Float64Array, columns }` (row-major); see {@link PointsInput}
 * @param k - number of clusters, 1 ≤ k ≤ number of distinct points
 * @param options - see {@link KMeansOptions}
 * @returns a {@link KMeansModel} with `labels`, `centroids`, `inertia`, `iterations`, `converged` and `predict`
 * @throws `ValidationError` `E_EMPTY` (no points), `E_RAGGED`, `E_NOT_FINITE` (NaN or ±Infinity), `E_POINTS_TYPE`,
 *   `E_K_TOO_LARGE` (k above the number of distinct points), `E_WEIGHTS`, `E_INIT` (bad starting centers)
 * @throws `OptionsError` `E_OPTION_RANGE` (k or an option out of range), `E_OPTION_UNKNOWN`, `E_SEED`,
 *   `E_OPTION_TYPE` (onProgress not a function, signal not an AbortSignal)
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { kmeans } from '@marksman/segmentation';
 * const model = kmeans([[1, 1], [1, 2], [9, 9], [9, 10]], 2, { seed: 7 });
 * model.inertia; // => 1
 * model.labels[0] === model.labels[1] && model.labels[0] !== model.labels[2]; // => true
 * model.converged; // => true
 * ```
 */
export function kmeans(data: PointsInput, k: number, options?: KMeansOptions): KMeansModel {
  const source = 'kmeans';
  const o = resolveOptions<ResolvedKMeansOptions>(source, DEFAULTS, options);
  checkInt(o.nInit, 'nInit', source, MAX_RESTARTS);
  checkInt(o.maxIterations, 'maxIterations', source, MAX_ITERATIONS);
  if (o.algorithm !== 'lloyd' && o.algorithm !== 'elkan') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: algorithm must be 'lloyd' or 'elkan', got ${describeValue(o.algorithm)}.`, { source, field: 'algorithm' });
  }
  checkCallbacks(source, o.onProgress, o.signal);
  throwIfAborted(o.signal, source);
  const { n, d, P, X, w, mu, spread, tol, rng } = setUpFit(data, k, o, source);

  let givenInit: Float64Array | null = null;
  if (Array.isArray(o.init)) {
    givenInit = readInit(o.init as readonly (readonly number[])[], k, d, P, source);
  }
  if (o.init !== 'k-means++') {
    const distinct = countDistinctUpTo(X, n, P, w, k);
    if (distinct < k) {
      throw new ValidationError('E_K_TOO_LARGE', `${source}: the data hold only ${distinct} distinct point(s) with positive weight, fewer than k = ${k}; lower k.`, { source, field: 'k' });
    }
  }

  const runs = givenInit === null ? o.nInit : 1;
  // Lloyd's assignment step in WebAssembly SIMD where available: the data are copied once for all restarts.
  // k-means++ scores its candidates there too (with Elkan as well: the scoring dominates a short fit).
  const seedTrials = givenInit === null && o.init === 'k-means++' && k > 1 ? seedingTrials(k) : 0;
  const wasm = o.algorithm === 'lloyd' || k === 1 || seedTrials > 0 ? createLloydWasm(X, n, P, k, w, seedTrials) : null;
  let best: RunResult | null = null;
  for (let r = 0; r < runs; r++) {
    const runRng = rng.fork();
    let init: Float64Array;
    let initLabels: Int32Array | null = null;
    if (givenInit !== null) init = givenInit;
    else if (o.init === 'random') init = randomInit(X, n, P, k, runRng);
    else ({ centers: init, labels: initLabels } = kmeansPlusPlus(X, n, P, k, w, runRng, source, wasm?.seeding ?? null));
    const setup: RunSetup = { X, n, P, k, w, mu, spread, maxIterations: o.maxIterations, tol, run: r, source, signal: o.signal, onProgress: o.onProgress, wasm };
    const result = o.algorithm === 'elkan' && k > 1 ? elkanRun(setup, init) : lloydRun(setup, init, initLabels);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  const b = best!;
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = b.centers[c * P + j]!;
    centroids.push(row);
  }
  return new KMeansModel(b.labels, centroids, b.inertia, b.iterations, b.converged);
}
