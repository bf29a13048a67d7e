import { ConvergenceError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { MAX_ITERATIONS, checkBoolean, checkInt, checkNumber } from './internal/checks';
import { JsonReader, argmaxRow, classIndex, notFitted, paramsFromJSON, paramsToJSON, probaColumn, probaRows, resolveFit } from './internal/estimator';
import { readFitFeatures, readPredictFeatures } from './internal/features';
import { lbfgs } from './internal/lbfgs';
import type { LbfgsPairs } from './internal/lbfgs';
import { TABLE_BYTES, borrowLogisticKernel, ensureBytes, returnLogisticKernel } from './internal/logistic-kernel';
import type { LogisticKernel } from './internal/logistic-kernel';
import { checkClassWeight, encodeLabels, readSampleWeight, requireTwoClasses, rowWeights } from './internal/targets';
import type { ClassWeight } from './internal/targets';
import type { ClassLabel, Classifier, FeatureInput, LearnerFitOptions, LabelInput } from './types';

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * Inverse strength of the L2 penalty, as scikit-learn's `C` (default 1): the fit minimises
   * `C · Σ wᵢ · logloss(i) + ½ ‖coefficients‖²`, the intercept not penalised. A finite number > 0.
   */
  readonly C?: number;
  /** Fit an intercept per class (default true). */
  readonly fitIntercept?: boolean;
  /** Most optimiser iterations (1 to 1,000,000; default 1,000). */
  readonly maxIter?: number;
  /**
   * Stop when no entry of the gradient of the objective per unit of weight (in standardised
   * coordinates, see the class notes) exceeds `tol` (default 1e-8, a finite number > 0; at 1e-8 the
   * coefficients come within about 1e-7 of the optimum on ordinarily scaled data), or when the
   * objective stops decreasing in double precision (a relative decrease below 64 machine epsilons,
   * the `ftol` scikit-learn gives scipy), where the gradient has reached its rounding floor.
   */
  readonly tol?: number;
  /** Class weights: `null` (default), `'balanced'` or a weight per label, such as `{ '1': 5 }`. */
  readonly classWeight?: null | 'balanced' | Readonly<Record<string, number>>;
}

/** The plain-object form of a fitted {@link LogisticRegression}. */
export interface LogisticRegressionJSON {
  /** Format tag. */
  readonly type: 'marksman.LogisticRegression';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with. */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** Class labels, sorted. */
  readonly classes: ClassLabel[];
  /** Coefficients: one row of `featureNames.length` numbers (binary) or one row per class. */
  readonly coefficients: number[][];
  /** Intercepts, one per row of `coefficients`. */
  readonly intercepts: number[];
  /** Optimiser iterations of the fit. */
  readonly nIter: number;
  /** Whether the fit reached `tol` (or the objective's rounding floor). */
  readonly converged: boolean;
}

interface Settings {
  readonly C: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly classWeight: ClassWeight;
}

interface Fitted {
  readonly names: readonly string[];
  readonly classes: readonly ClassLabel[];
  /** K rows × p, row-major (K = 1 for two classes). */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly nIter: number;
  readonly converged: boolean;
}

const DEFAULTS: Readonly<Settings> = Object.freeze({ C: 1, fitIntercept: true, maxIter: 1000, tol: 1e-8, classWeight: null });
const NAME = 'LogisticRegression';

/** Above this, the penalty alone decides: every coefficient is 0 to working precision. */
const OVERWHELMING_PENALTY = 1e100;

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * A centre (weighted mean; 0 without an intercept) above this many weighted
 * standard deviations makes a feature's column copied standardised, so that
 * the products never subtract large, nearly equal numbers; below it the
 * column is read as given with its centre and scale folded into the
 * coefficients (no copy).
 */
const FOLD_LIMIT = 1e3;

/** Rows per block of the two-class evaluation: the block's slice of every column stays in cache between the two products. */
const BLOCK = 512;

/**
 * The columns as the optimiser sees them: standardised value of row i,
 * feature j = (src[j][i] − shift[j]) · scale[j]. `mu`, `sd` are the weighted
 * means (0 without an intercept) and standard deviations (1 where a feature
 * is constant). O(n · p), plus a copy of each column whose centre is far
 * from 0 against its spread.
 */
interface Standardised {
  readonly mu: Float64Array;
  readonly sd: Float64Array;
  readonly src: readonly Float64Array[];
  readonly shift: Float64Array;
  readonly scale: Float64Array;
}

/** Weighted mean and standard deviation of a column from its sums of d = x − x0: s1 = Σ w·d, s2 = Σ w·d². */
function columnScale(x0: number, s1: number, s2: number, S: number, centre: boolean): { m: number; sd: number } {
  const dm = centre ? s1 / S : 0;
  const v = s2 - dm * s1;
  const sd = Math.sqrt(v / S);
  return { m: x0 + dm, sd: sd > 0 && Number.isFinite(sd) ? sd : 1 };
}

/** Whether a column with this centre and spread is read as given (its centre and scale folded into the coefficients). */
const folds = (m: number, sd: number): boolean => Math.abs(m) <= FOLD_LIMIT * sd;

function standardise(columns: readonly Float64Array[], n: number, w: Float64Array, S: number, centre: boolean): Standardised {
  const p = columns.length;
  const mu = new Float64Array(p);
  const sd = new Float64Array(p);
  const shift = new Float64Array(p);
  const scale = new Float64Array(p);
  const src: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const col = columns[j]!;
    // One pass: weighted sums of d = x − x₀ and d² (shifted by the first value, so no cancellation for data far
    // from 0), two rows at a time into separate sums. The centre and scale only precondition the problem (the answer
    // is mapped back with the same numbers), so this accuracy is ample.
    const x0 = centre ? col[0]! : 0;
    let s1a = 0;
    let s1b = 0;
    let s2a = 0;
    let s2b = 0;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const da = col[i]! - x0;
      const db = col[i + 1]! - x0;
      const wa = w[i]! * da;
      const wb = w[i + 1]! * db;
      s1a += wa;
      s1b += wb;
      s2a += wa * da;
      s2b += wb * db;
    }
    if (i < n) {
      const d = col[i]! - x0;
      s1a += w[i]! * d;
      s2a += w[i]! * d * d;
    }
    const { m, sd: sdev } = columnScale(x0, s1a + s1b, s2a + s2b, S, centre);
    mu[j] = m;
    sd[j] = sdev;
    const inv = 1 / sdev;
    if (folds(m, sdev)) {
      src.push(col);
      shift[j] = m;
      scale[j] = inv;
    } else {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (col[i]! - m) * inv;
      src.push(out);
      scale[j] = 1;
    }
  }
  return { mu, sd, src, shift, scale };
}

/**
 * `standardise` for features already copied into the kernel's memory: the
 * sums come from its SIMD `moments` pass, and a column that does not fold
 * is standardised in place there (the caller's columns are not copied
 * again). `src` is the caller's columns, unread by the kernel's evaluation.
 */
function standardiseInKernel(k: LogisticKernel, km: KernelLayout, columns: readonly Float64Array[], n: number, S: number, centre: boolean): Standardised {
  const p = columns.length;
  const mem = k.memory.buffer;
  const x0 = new Float64Array(mem, km.x0At, p);
  for (let j = 0; j < p; j++) x0[j] = centre ? columns[j]![0]! : 0;
  k.moments(km.xAt, km.nPad, p, km.wAt, km.x0At, km.momAt);
  const sums = new Float64Array(mem, km.momAt, 2 * p);
  const mu = new Float64Array(p);
  const sd = new Float64Array(p);
  const shift = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const { m, sd: sdev } = columnScale(x0[j]!, sums[2 * j]!, sums[2 * j + 1]!, S, centre);
    mu[j] = m;
    sd[j] = sdev;
    const inv = 1 / sdev;
    if (folds(m, sdev)) {
      shift[j] = m;
      scale[j] = inv;
    } else {
      const xk = new Float64Array(mem, km.xAt + 8 * km.nPad * j, n);
      for (let i = 0; i < n; i++) xk[i] = (xk[i]! - m) * inv;
      scale[j] = 1;
    }
  }
  return { mu, sd, src: columns, shift, scale };
}

/** The standardised table row-major (row i at i·p), for the softmax's row-at-a-time loop. */
function rowMajor(t: Standardised, n: number): Float64Array {
  const p = t.src.length;
  const out = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const col = t.src[j]!;
    const m = t.shift[j]!;
    const a = t.scale[j]!;
    for (let i = 0, at = j; i < n; i++, at += p) out[at] = (col[i]! - m) * a;
  }
  return out;
}

/**
 * z[i − lo] += Σⱼ v[j] · cols[j][i] for rows lo ≤ i < hi, four columns per
 * pass over the block.
 */
function addProducts(z: Float64Array, cols: readonly Float64Array[], v: Float64Array, lo: number, hi: number): void {
  const p = cols.length;
  let j = 0;
  for (; j + 4 <= p; j += 4) {
    const a = cols[j]!;
    const b = cols[j + 1]!;
    const c = cols[j + 2]!;
    const d = cols[j + 3]!;
    const ta = v[j]!;
    const tb = v[j + 1]!;
    const tc = v[j + 2]!;
    const td = v[j + 3]!;
    for (let i = lo, k = 0; i < hi; i++, k++) z[k]! += ta * a[i]! + tb * b[i]! + tc * c[i]! + td * d[i]!;
  }
  for (; j < p; j++) {
    const a = cols[j]!;
    const ta = v[j]!;
    for (let i = lo, k = 0; i < hi; i++, k++) z[k]! += ta * a[i]!;
  }
}

/** acc[j] += Σᵢ r[i − lo] · cols[j][i] for rows lo ≤ i < hi, four columns per pass over the block. */
function crossProducts(acc: Float64Array, cols: readonly Float64Array[], r: Float64Array, lo: number, hi: number): void {
  const p = cols.length;
  let j = 0;
  for (; j + 4 <= p; j += 4) {
    const a = cols[j]!;
    const b = cols[j + 1]!;
    const c = cols[j + 2]!;
    const d = cols[j + 3]!;
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let sd = 0;
    for (let i = lo, k = 0; i < hi; i++, k++) {
      const ri = r[k]!;
      sa += ri * a[i]!;
      sb += ri * b[i]!;
      sc += ri * c[i]!;
      sd += ri * d[i]!;
    }
    acc[j]! += sa;
    acc[j + 1]! += sb;
    acc[j + 2]! += sc;
    acc[j + 3]! += sd;
  }
  for (; j < p; j++) {
    const a = cols[j]!;
    let sa = 0;
    for (let i = lo, k = 0; i < hi; i++, k++) sa += r[k]! * a[i]!;
    acc[j]! += sa;
  }
}

/** Byte offsets of the two-class fit's arrays in the kernel's memory, and views of the two it shares with JavaScript. */
interface KernelLayout {
  readonly nPad: number;
  readonly yAt: number;
  readonly wAt: number;
  readonly xAt: number;
  readonly zAt: number;
  readonly rAt: number;
  readonly vAt: number;
  readonly accAt: number;
  /** Per feature: the shift x0 of the `moments` pass (p numbers), then its two sums (2p). */
  readonly x0At: number;
  readonly momAt: number;
  /** Where the subsample's labels, weights and columns go (see `subsample`). */
  readonly subAt: number;
  /** Coefficients per feature in the units of `src` (written by JavaScript before each evaluation). */
  readonly v: Float64Array;
  /** Gradient sums per feature, then Σ r (written by the kernel). */
  readonly acc: Float64Array;
}

/** The rows an evaluation of the two-class objective reads: in the kernel's memory (at the byte offsets) or as JavaScript columns. */
interface Rows {
  readonly n: number;
  /** Columns as `Standardised.src` reads them (the JavaScript loop). */
  readonly src: readonly Float64Array[];
  /** Class codes (0, 1 for two classes). */
  readonly y: Int32Array;
  readonly w: Float64Array;
  /** Σ w. */
  readonly S: number;
  readonly xAt: number;
  readonly yAt: number;
  readonly wAt: number;
  readonly nPad: number;
}

/**
 * A two-class fit on this many rows or more first runs L-BFGS on every
 * SUBSAMPLE_STRIDE-th row, to SUBSAMPLE_TOL, and continues on all rows from
 * there with the curvature pairs it gathered: on 100,000 × 20 that replaces
 * about four evaluations on all rows by eight on an eighth of them. The
 * answer obeys the same stopping rule on all rows as without.
 */
const SUBSAMPLE_FROM = 40_000;
const SUBSAMPLE_STRIDE = 8;
const SUBSAMPLE_TOL = 1e-5;

/** Rows of the warm start's subsample (0: none). */
const subsampleRows = (n: number): number => (n >= SUBSAMPLE_FROM ? Math.ceil(n / SUBSAMPLE_STRIDE) : 0);

/**
 * Rows 0, SUBSAMPLE_STRIDE, 2·SUBSAMPLE_STRIDE, …: copied from the kernel's
 * columns into its memory at `km.subAt` (padded with zero rows), or
 * gathered into JavaScript columns; null when those rows all have weight 0.
 */
function subsample(all: Rows, nSub: number, k: LogisticKernel | null, km: KernelLayout | null): Rows | null {
  const p = all.src.length;
  const step = SUBSAMPLE_STRIDE;
  const y = new Int32Array(nSub);
  const w = new Float64Array(nSub);
  let S = 0;
  for (let t = 0, i = 0; t < nSub; t++, i += step) {
    y[t] = all.y[i]!;
    w[t] = all.w[i]!;
    S += all.w[i]!;
  }
  if (!(S > 0)) return null; // every sampled row has weight 0: no warm start
  if (k === null || km === null) {
    const src = all.src.map((col) => {
      const out = new Float64Array(nSub);
      for (let t = 0, i = 0; t < nSub; t++, i += step) out[t] = col[i]!;
      return out;
    });
    return { n: nSub, src, y, w, S, xAt: 0, yAt: 0, wAt: 0, nPad: 0 };
  }
  const mem = k.memory.buffer;
  const nPad = padRows(nSub);
  const yAt = km.subAt;
  const wAt = yAt + 8 * nPad;
  const xAt = wAt + 8 * nPad;
  const yk = new Float64Array(mem, yAt, nPad);
  for (let t = 0; t < nSub; t++) yk[t] = y[t]!;
  yk.fill(0, nSub);
  const wk = new Float64Array(mem, wAt, nPad);
  wk.set(w);
  wk.fill(0, nSub);
  for (let j = 0; j < p; j++) {
    const from = new Float64Array(mem, km.xAt + 8 * km.nPad * j, all.n);
    const to = new Float64Array(mem, xAt + 8 * nPad * j, nPad);
    for (let t = 0, i = 0; t < nSub; t++, i += step) to[t] = from[i]!;
    to.fill(0, nSub);
  }
  return { n: nSub, src: all.src, y, w, S, xAt, yAt, wAt, nPad };
}

/** Largest kernel memory a fit asks for (1 GiB); a larger problem runs the JavaScript loop. */
const MAX_KERNEL_BYTES = 2 ** 30;

/** Rows padded to a multiple of 4, the kernel's step (padding rows have weight 0 and features 0). */
const padRows = (n: number): number => (n + 3) & ~3;

function kernelBytes(n: number, p: number, nSub: number): number {
  const nPad = padRows(n);
  return TABLE_BYTES + 8 * (nPad * (p + 2) + padRows(nSub) * (p + 2) + 2 * Math.min(nPad, BLOCK) + 5 * p + 1);
}

/** A kernel instance with memory for an n × p fit (and its subsample of nSub rows), or null (no WebAssembly SIMD, or the problem too large). */
function kernelFor(n: number, p: number, nSub: number): LogisticKernel | null {
  const bytes = kernelBytes(n, p, nSub);
  if (bytes > MAX_KERNEL_BYTES) return null;
  const k = borrowLogisticKernel();
  if (k === null) return null;
  try {
    ensureBytes(k, bytes);
  } catch {
    return null; // memory refused: the JavaScript loop needs none beyond the data
  }
  return k;
}

/**
 * Copies labels (as 0/1), weights and the feature columns into the
 * kernel's memory, each padded with zero rows to a multiple of 4.
 */
function layout(k: LogisticKernel, src: readonly Float64Array[], yc: Int32Array, w: Float64Array, n: number): KernelLayout {
  const p = src.length;
  const nPad = padRows(n);
  const yAt = TABLE_BYTES;
  const wAt = yAt + 8 * nPad;
  const xAt = wAt + 8 * nPad;
  const zAt = xAt + 8 * nPad * p;
  const rAt = zAt + 8 * Math.min(nPad, BLOCK);
  const vAt = rAt + 8 * Math.min(nPad, BLOCK);
  const accAt = vAt + 8 * p;
  const x0At = accAt + 8 * (p + 1);
  const momAt = x0At + 8 * p;
  const subAt = momAt + 16 * p;
  const mem = k.memory.buffer;
  const yk = new Float64Array(mem, yAt, nPad);
  // Two classes: the codes are 0 and 1. Copied by `set`, not a loop: code after a long loop in a function called once
  // a fit ran from code compiled during that loop (on-stack replacement) without feedback, which gave up there each fit.
  yk.set(yc.subarray(0, n));
  yk.fill(0, n);
  const wk = new Float64Array(mem, wAt, nPad);
  wk.set(w);
  wk.fill(0, n);
  for (let j = 0; j < p; j++) {
    const xk = new Float64Array(mem, xAt + 8 * nPad * j, nPad);
    xk.set(src[j]!);
    xk.fill(0, n);
  }
  return { nPad, yAt, wAt, xAt, zAt, rAt, vAt, accAt, x0At, momAt, subAt, v: new Float64Array(mem, vAt, p), acc: new Float64Array(mem, accAt, p + 1) };
}

/**
 * Logistic regression with an L2 penalty and sample weights, the model of
 * scikit-learn's `LogisticRegression(penalty="l2", solver="lbfgs")`: two
 * classes give one coefficient vector (for the second class), more give a
 * multinomial (softmax) model with one vector per class. The fit minimises
 * exactly scikit-learn's objective, `C · Σ wᵢ · logloss(i) + ½ ‖W‖²` with
 * the intercepts not penalised (`wᵢ` = sample weight × class weight), so at
 * convergence the coefficients are scikit-learn's: with the default `tol`
 * they are within 1e-6 of the optimum its exact solvers reach
 * (`newton-cholesky`, `newton-cg` at tol 1e-12), tested on fixtures with
 * sample and class weights, no intercept and three classes. (scikit-learn
 * 1.2's own `lbfgs` stops 1e-6 to 1e-4 short of that optimum, where scipy's
 * default `ftol` ends it.)
 *
 * The optimiser is L-BFGS (memory 10, strong-Wolfe line search, with
 * Hager and Zhang's approximate Wolfe test where the objective's changes
 * fall below its rounding error) in
 * standardised coordinates: each feature is centred and scaled by its
 * weighted standard deviation inside the fit (the answer is mapped back to
 * the original units), so features in days and in dollars converge as fast
 * as standardised ones; `tol` bounds the gradient there, per unit of total
 * weight. A fit costs O(iterations · n · p · classes). For two classes each
 * evaluation of the objective and its gradient visits the rows once, in
 * blocks of 512 (scores, loss and gradient sums per block): in a
 * WebAssembly SIMD kernel where the runtime has one (the features copied
 * into its memory, 8·n·(p + 2) bytes, which is kept for the next fit when
 * under 64 MiB; their means and spreads come from a SIMD pass over that
 * copy), else in plain JavaScript on the features as given (a column is
 * copied only when its mean exceeds 1,000 standard deviations). From
 * 40,000 rows, a two-class fit first runs L-BFGS on every 8th row (to a
 * gradient of 1e-5, or `tol` if larger) and continues on all rows from that
 * answer with the curvature pairs it gathered, so the optimiser starts on
 * all rows knowing the problem's shape (on 100,000 × 20: 4 iterations on
 * all rows after 7 on the eighth, instead of 8 on all); the stopping rule on
 * all rows is the same, and `nIter` counts those iterations. The eighth is
 * a further 1/8 of the kernel memory (or of the columns, in JavaScript).
 * For more classes the fit reads a row-major standardised copy (memory
 * O(n · p)).
 * `onProgress` reports the objective per unit of weight after each
 * iteration; `signal` stops the fit between iterations. A fit that stops at
 * `maxIter` keeps its answer and sets `converged` to false (scikit-learn
 * warns); a fit whose numbers overflow (features near ±1e308) throws
 * `ConvergenceError` `E_DIVERGED`.
 *
 * Features must be finite (`E_NOT_FINITE`); labels must hold at least two
 * classes (`E_SINGLE_CLASS`).
 *
 * @example
 * ```ts
 * import { LogisticRegression } from '@marksman/learn';
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const m = new LogisticRegression({ C: 100 }).fit(X, [0, 0, 1, 0, 1, 1]);
 * m.predict([[0.5], [4.5]]); // => [0, 1]
 * m.coefficients[0]![0]! > 0; // => true
 * ```
 */
export class LogisticRegression implements Classifier {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link LogisticRegressionOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`
   */
  constructor(options?: LogisticRegressionOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    this.#settings = Object.freeze({
      C: checkNumber(NAME, 'C', o.C, 0, Infinity, true, true),
      fitIntercept: checkBoolean(NAME, 'fitIntercept', o.fitIntercept),
      maxIter: checkInt(NAME, 'maxIter', o.maxIter, 1, MAX_ITERATIONS),
      tol: checkNumber(NAME, 'tol', o.tol, 0, Infinity, true, true),
      classWeight: checkClassWeight(NAME, o.classWeight),
    });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<LogisticRegressionOptions>> {
    return this.#settings;
  }

  /**
   * Fits the coefficients on features `X` and labels `y` (at least two
   * classes; strings, numbers or booleans, one type). Replaces any earlier
   * fit. O(iterations · n · p · classes).
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a label per row
   * @param options - sample weights, feature names, `onProgress` (after each iteration), `signal`
   * @returns this classifier
   * @throws `ValidationError` `E_INPUT`, `E_EMPTY`, `E_RAGGED`, `E_SHAPE`, `E_LENGTH`, `E_NO_FEATURES`,
   *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_LABEL`, `E_SINGLE_CLASS`, `E_WEIGHTS`; `OptionsError`
   *   `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`; `ConvergenceError` `E_DIVERGED`;
   *   `AbortError` `E_ABORTED`
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * new LogisticRegression().fit([[1], [2]], ['yes', 'yes']); // throws E_SINGLE_CLASS
   * ```
   */
  fit(X: FeatureInput, y: LabelInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    const fo = resolveFit(source, options);
    throwIfAborted(fo.signal ?? undefined, source);
    const s = this.#settings;
    const fm = readFitFeatures(source, X, fo.featureNames, 'refuse');
    const labels = encodeLabels(source, y, fm.n);
    requireTwoClasses(source, labels.classes);
    // The fit only reads the weights: Float64Array sample weights (without class weights) are used in place.
    const w = rowWeights(source, labels, s.classWeight, readSampleWeight(source, fo.sampleWeight, fm.n, true), true);
    const n = fm.n;
    const p = fm.names.length;
    const nClasses = labels.classes.length;
    const K = nClasses === 2 ? 1 : nClasses;
    let S = 0;
    for (let i = 0; i < n; i++) S += w[i]!;
    const yc = labels.y;
    // Two classes: rows in blocks, each block's scores, residuals and gradient sums in one visit to its rows
    // (so X is read from memory once per evaluation). More: the softmax reads a row-major copy.
    const nSub = K === 1 ? subsampleRows(n) : 0;
    const kernel = K === 1 ? kernelFor(n, p, nSub) : null;
    const km = kernel === null ? null : layout(kernel, fm.columns, yc, w, n);
    const st = km === null ? standardise(fm.columns, n, w, S, s.fitIntercept) : standardiseInKernel(kernel!, km, fm.columns, n, S, s.fitIntercept);
    const { mu, sd } = st;
    const all: Rows = { n, src: st.src, y: yc, w, S, xAt: km?.xAt ?? 0, yAt: km?.yAt ?? 0, wAt: km?.wAt ?? 0, nPad: km?.nPad ?? 0 };
    const some = nSub > 0 ? subsample(all, nSub, kernel, km) : null;
    const lambda = 1 / (s.C * S); // penalty per unit weight: ½ λ ‖W‖², with W = ũ/σ
    const dof = p + 1; // per class: p standardised coefficients, then the intercept
    const theta0 = new Float64Array(K * dof);
    const penaltyOff = lambda >= OVERWHELMING_PENALTY;
    const invVar = Float64Array.from(sd, (v) => 1 / (v * v));
    const z = new Float64Array(K);
    const zb = new Float64Array(K === 1 && km === null ? Math.min(n, BLOCK) : 0);
    const rb = new Float64Array(zb.length);
    const v = km?.v ?? new Float64Array(K === 1 ? p : 0);
    const acc = km?.acc ?? new Float64Array(K === 1 ? p + 1 : 0);
    const xr = K === 1 ? null : rowMajor(st, n);
    const objective = (R: Rows) => (theta: Float64Array, grad: Float64Array): number => {
      const { n, w, S } = R;
      grad.fill(0);
      let loss = 0;
      if (K === 1) {
        // Score = b + Σ θⱼ·(xⱼ − shiftⱼ)·scaleⱼ = (b − Σ vⱼ·shiftⱼ) + Σ vⱼ·xⱼ with vⱼ = θⱼ·scaleⱼ.
        let c0 = s.fitIntercept ? theta[p]! : 0;
        for (let j = 0; j < p; j++) {
          const vj = penaltyOff ? 0 : theta[j]! * st.scale[j]!;
          v[j] = vj;
          c0 -= vj * st.shift[j]!;
        }
        acc.fill(0);
        if (km !== null) {
          loss = kernel!.evaluate(R.xAt, R.nPad, p, km.vAt, c0, R.yAt, R.wAt, km.zAt, km.rAt, km.accAt, BLOCK);
        } else {
          for (let lo = 0; lo < n; lo += BLOCK) {
            const hi = Math.min(n, lo + BLOCK);
            zb.fill(c0);
            if (!penaltyOff) addProducts(zb, R.src, v, lo, hi);
            let gb = 0;
            for (let i = lo, k = 0; i < hi; i++, k++) {
              const zi = zb[k]!;
              const yi = R.y[i]!; // two classes: the codes are 0 and 1
              const wi = w[i]!;
              // log(1 + e^z) − y·z and σ(z) from one exponential.
              let q: number;
              if (zi >= 0) {
                const e = Math.exp(-zi);
                loss += wi * (zi + Math.log1p(e) - yi * zi);
                q = 1 / (1 + e);
              } else {
                const e = Math.exp(zi);
                loss += wi * (Math.log1p(e) - yi * zi);
                q = e / (1 + e);
              }
              const r = wi * (q - yi);
              rb[k] = r;
              gb += r;
            }
            acc[p]! += gb;
            if (!penaltyOff) crossProducts(acc, R.src, rb, lo, hi);
          }
        }
        const gb = acc[p]!;
        // Σᵢ rᵢ·(xᵢⱼ − shiftⱼ)·scaleⱼ
        for (let j = 0; j < p; j++) grad[j] = (acc[j]! - st.shift[j]! * gb) * st.scale[j]!;
        grad[p] = s.fitIntercept ? gb : 0;
      } else {
        for (let i = 0, off = 0; i < n; i++, off += p) {
          let mx = -Infinity;
          for (let k = 0; k < K; k++) {
            const o = k * dof;
            let zk = s.fitIntercept ? theta[o + p]! : 0;
            if (!penaltyOff) for (let j = 0; j < p; j++) zk += theta[o + j]! * xr![off + j]!;
            z[k] = zk;
            if (zk > mx) mx = zk;
          }
          let se = 0;
          for (let k = 0; k < K; k++) se += Math.exp(z[k]! - mx);
          const lse = mx + Math.log(se);
          const wi = w[i]!;
          const yi = R.y[i]!;
          loss += wi * (lse - z[yi]!);
          for (let k = 0; k < K; k++) {
            const r = wi * (Math.exp(z[k]! - lse) - (k === yi ? 1 : 0));
            const o = k * dof;
            grad[o + p]! += r;
            if (!penaltyOff && r !== 0) for (let j = 0; j < p; j++) grad[o + j]! += r * xr![off + j]!;
          }
        }
        if (!s.fitIntercept) for (let k = 0; k < K; k++) grad[k * dof + p] = 0;
      }
      let f = loss / S;
      for (let k = 0; k < K; k++) {
        const o = k * dof;
        for (let j = 0; j < p; j++) {
          if (penaltyOff) {
            grad[o + j] = 0;
            continue;
          }
          const u = theta[o + j]!;
          f += 0.5 * lambda * u * u * invVar[j]!;
          grad[o + j] = grad[o + j]! / S + lambda * u * invVar[j]!;
        }
        grad[o + p]! /= S;
      }
      return f;
    };
    let res: ReturnType<typeof lbfgs>;
    try {
      let start: Float64Array = theta0;
      let pairs: LbfgsPairs = { s: [], y: [], rho: [] };
      if (some !== null) {
        // A warm start: the same objective on every SUBSAMPLE_STRIDE-th row (its curvature pairs describe the full
        // problem's well), then the full rows from its answer with its pairs, to the same stopping rule as without.
        const warm = lbfgs(objective(some), theta0, { maxIter: s.maxIter, tol: Math.max(s.tol, SUBSAMPLE_TOL), signal: fo.signal, source });
        if (Number.isFinite(warm.f) && warm.iterations > 0) {
          start = warm.x;
          pairs = warm.pairs;
        }
      }
      res = lbfgs(objective(all), start, {
        pairs,
        maxIter: s.maxIter,
        tol: s.tol,
        signal: fo.signal,
        source,
        onIteration: fo.onProgress === null ? null : (iteration, f) => fo.onProgress!({ iteration, maxIterations: s.maxIter, loss: f, validationLoss: null }),
      });
    } finally {
      if (kernel !== null) returnLogisticKernel(kernel);
    }
    const coef = new Float64Array(K * p);
    const intercept = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const off = k * dof;
      let b = s.fitIntercept ? res.x[off + p]! : 0;
      for (let j = 0; j < p; j++) {
        const c = penaltyOff ? 0 : res.x[off + j]! / sd[j]!;
        coef[k * p + j] = c;
        b -= c * mu[j]!;
      }
      intercept[k] = b;
    }
    if (K > 1 && s.fitIntercept) {
      // The softmax is unchanged by a common shift of the intercepts; centre them (scikit-learn's come out centred).
      let mean = 0;
      for (let k = 0; k < K; k++) mean += intercept[k]!;
      mean /= K;
      for (let k = 0; k < K; k++) intercept[k]! -= mean;
    }
    if (!coef.every(Number.isFinite) || !intercept.every(Number.isFinite) || !Number.isFinite(res.f)) {
      throw new ConvergenceError('E_DIVERGED', `${source}: the fit overflowed (features of magnitude near ${Math.max(...fm.columns.map((c) => c.reduce((a, v) => Math.max(a, Math.abs(v)), 0))).toExponential(1)}); rescale the features to ordinary magnitudes.`, { source, field: 'X' });
    }
    this.#fitted = { names: Object.freeze([...fm.names]), classes: Object.freeze([...labels.classes]), coef, intercept, nIter: res.iterations, converged: res.converged || penaltyOff };
    return this;
  }

  #state(source: string): Fitted {
    if (this.#fitted === null) throw notFitted(source, NAME);
    return this.#fitted;
  }

  /** Row-major class probabilities. */
  #proba(source: string, X: FeatureInput): { p: Float64Array; n: number; C: number; f: Fitted } {
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'refuse');
    const n = fm.n;
    const p = f.names.length;
    const K = f.intercept.length;
    const C = f.classes.length;
    const z = new Float64Array(K * n);
    for (let k = 0; k < K; k++) {
      const zk = z.subarray(k * n, k * n + n);
      zk.fill(f.intercept[k]!);
      for (let j = 0; j < p; j++) {
        const b = f.coef[k * p + j]!;
        const x = fm.columns[j]!;
        for (let i = 0; i < n; i++) zk[i]! += b * x[i]!;
      }
    }
    const out = new Float64Array(n * C);
    if (K === 1) {
      for (let i = 0; i < n; i++) {
        const zi = z[i]!;
        const q = zi === zi ? sigmoid(zi) : 0.5;
        out[2 * i] = 1 - q;
        out[2 * i + 1] = q;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        let at = 0;
        for (let k = 0; k < K; k++) {
          const v = z[k * n + i]!;
          if (v > mx) {
            mx = v;
            at = k;
          }
        }
        if (!Number.isFinite(mx)) {
          out[i * C + at] = 1; // an overflowing score takes all the probability
          continue;
        }
        let se = 0;
        for (let k = 0; k < K; k++) se += Math.exp(z[k * n + i]! - mx);
        for (let k = 0; k < K; k++) out[i * C + k] = Math.exp(z[k * n + i]! - mx) / se;
      }
    }
    return { p: out, n, C, f };
  }

  /** The class labels, sorted. */
  get classes(): readonly ClassLabel[] {
    return this.#state(`${NAME}.classes`).classes;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /**
   * Coefficients in the features' own units (copies): one row for two
   * classes (the log-odds of the second class per unit of each feature),
   * else one row per class, as scikit-learn's `coef_`.
   */
  get coefficients(): Float64Array[] {
    const f = this.#state(`${NAME}.coefficients`);
    const p = f.names.length;
    return Array.from({ length: f.intercept.length }, (_, k) => f.coef.slice(k * p, k * p + p));
  }

  /** Intercepts, one per row of `coefficients` (a copy), as scikit-learn's `intercept_`. */
  get intercepts(): Float64Array {
    return this.#state(`${NAME}.intercepts`).intercept.slice();
  }

  /** Optimiser iterations of the last fit (scikit-learn's `n_iter_`). */
  get nIter(): number {
    return this.#state(`${NAME}.nIter`).nIter;
  }

  /** Whether the last fit reached `tol` (or the objective's rounding floor) before `maxIter`. */
  get converged(): boolean {
    return this.#state(`${NAME}.converged`).converged;
  }

  /**
   * Class probabilities per row, aligned with `classes`: the logistic
   * function of the linear score (two classes) or the softmax of the
   * scores (more). O(n · p · classes).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * const m = new LogisticRegression().fit([[-1], [1]], [0, 1]);
   * m.predictProba([[0]]); // => [[0.5, 0.5]]
   * ```
   */
  predictProba(X: FeatureInput): number[][] {
    const { p, n, C } = this.#proba(`${NAME}.predictProba`, X);
    return probaRows(p, n, C);
  }

  /**
   * The probability of one class per row (default the last class: the
   * positive class of a binary problem). O(n · p · classes).
   *
   * @param X - features with every feature of the model
   * @param label - the class (default the last of `classes`)
   * @throws `StateError` `E_NOT_FITTED`; `OptionsError` `E_OPTION_RANGE` for a label that is not a class
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * const m = new LogisticRegression().fit([[-1], [1]], ['no', 'yes']);
   * m.predictProbaOf([[0]], 'yes')[0]; // => 0.5
   * ```
   */
  predictProbaOf(X: FeatureInput, label?: ClassLabel): Float64Array {
    const source = `${NAME}.predictProbaOf`;
    const f = this.#state(source);
    const k = label === undefined ? f.classes.length - 1 : classIndex(source, f.classes, label);
    const { p, n, C } = this.#proba(source, X);
    return probaColumn(p, n, C, k);
  }

  /**
   * The most probable class per row (the first class on ties). O(n · p · classes).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * const m = new LogisticRegression().fit({ spend: [1, 2, 8, 9] }, [false, false, true, true]);
   * m.predict({ spend: [0, 10] }); // => [false, true]
   * ```
   */
  predict(X: FeatureInput): ClassLabel[] {
    const { p, n, C, f } = this.#proba(`${NAME}.predict`, X);
    const out = new Array<ClassLabel>(n);
    for (let i = 0; i < n; i++) out[i] = f.classes[argmaxRow(p, i, C)]!;
    return out;
  }

  /**
   * A plain object that {@link LogisticRegression.fromJSON} turns back into
   * an identical model.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * const m = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
   * m.toJSON().coefficients.length; // => 1
   * ```
   */
  toJSON(): LogisticRegressionJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return {
      type: 'marksman.LogisticRegression',
      version: 1,
      params: paramsToJSON(this.#settings),
      featureNames: [...f.names],
      classes: [...f.classes],
      coefficients: this.coefficients.map((r) => Array.from(r)),
      intercepts: Array.from(f.intercept),
      nIter: f.nIter,
      converged: f.converged,
    };
  }

  /**
   * Rebuilds a model from {@link LogisticRegression.toJSON} output, checking
   * the type tag, version, options, names, classes and the shape and
   * finiteness of every coefficient.
   *
   * @param json - the output of `toJSON`
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { LogisticRegression } from '@marksman/learn';
   * const m = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
   * LogisticRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predictProbaOf([[1.5]])[0] === m.predictProbaOf([[1.5]])[0]; // => true
   * ```
   */
  static fromJSON(json: LogisticRegressionJSON): LogisticRegression {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.LogisticRegression", version 1');
    const j = r.header(json, 'marksman.LogisticRegression', 1);
    const model = paramsFromJSON(r, j.params, (p) => new LogisticRegression(p as LogisticRegressionOptions));
    const names = r.names(j.featureNames);
    const classes = r.classes(j.classes, 2);
    const p = names.length;
    const K = classes.length === 2 ? 1 : classes.length;
    const rows = j.coefficients;
    if (!Array.isArray(rows) || rows.length !== K) r.fail('coefficients', `must hold ${K} row${K === 1 ? '' : 's'} (one${K === 1 ? ' for two classes' : ' per class'})`);
    const coef = new Float64Array(K * p);
    (rows as unknown[]).forEach((row, k) => coef.set(r.numbers(row, `coefficients[${k}]`, p), k * p));
    const intercept = r.numbers(j.intercepts, 'intercepts', K);
    const nIter = r.count(j.nIter, 'nIter');
    if (typeof j.converged !== 'boolean') r.fail('converged', 'must be true or false');
    model.#fitted = { names: Object.freeze(names), classes: Object.freeze(classes), coef, intercept, nIter, converged: j.converged as boolean };
    return model;
  }
}
