import { ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkBoolean, checkNumber } from './internal/checks';
import { JsonReader, notFitted, paramsFromJSON, paramsToJSON } from './internal/estimator';
import { readPredictFeatures } from './internal/features';
import { borrowLeastSquaresKernel, returnLeastSquaresKernel } from './internal/least-squares-kernel';
import { readRegressionFit } from './internal/regression-input';
import type { FeatureInput, LearnerFitOptions, Regressor, TargetInput } from './types';

/** Options of {@link LinearRegression}. */
export interface LinearRegressionOptions {
  /** Ridge penalty α ≥ 0 on the squared coefficients, not on the intercept (default 0: ordinary least squares). */
  readonly alpha?: number;
  /** Fit an intercept (default true); without it the model passes through the origin. */
  readonly fitIntercept?: boolean;
}

/** The plain-object form of a fitted {@link LinearRegression}. */
export interface LinearRegressionJSON {
  /** Format tag. */
  readonly type: 'marksman.LinearRegression';
  /** Format version. */
  readonly version: 1;
  /** The options the model was made with. */
  readonly params: Record<string, unknown>;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** One coefficient per feature. */
  readonly coefficients: number[];
  /** The intercept (0 without `fitIntercept`). */
  readonly intercept: number;
  /** The rank seen at fit time ({@link LinearRegression.rank}); absent in older snapshots, read as the feature count. */
  readonly rank?: number;
}

interface Settings {
  readonly alpha: number;
  readonly fitIntercept: boolean;
}

interface Fitted {
  readonly names: readonly string[];
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly rank: number;
}

const DEFAULTS: Readonly<Settings> = Object.freeze({ alpha: 0, fitIntercept: true });
const NAME = 'LinearRegression';

/** Below this pivot of the unit-diagonal (correlation) matrix, columns count as collinear. */
const COLLINEAR = 1e-10;

/**
 * Least-squares linear regression with an optional ridge penalty, as
 * scikit-learn's `LinearRegression` (α = 0) and `Ridge` (α > 0): minimises
 * Σᵢ wᵢ (yᵢ − b − xᵢ·β)² + α‖β‖² over the coefficients β and the intercept b
 * (not penalised), with sample weights wᵢ (default 1).
 *
 * The columns are centred at their weighted means (with `fitIntercept`) and
 * the normal equations are solved by Cholesky after scaling every column to
 * unit norm, so features in days and in dollars are solved as accurately as
 * standardised ones. When α = 0 and the columns are collinear (one-hot
 * levels next to an intercept, a constant or repeated column), the answer is
 * the minimum-norm solution, as numpy's `lstsq` behind scikit-learn gives:
 * predictions are the same as for any other solution, and
 * {@link LinearRegression.rank} tells the number of independent columns.
 * Costs O(n·p² + p³) (collinear columns: a pivoted Cholesky, also O(p³));
 * `onProgress` is called once, after the solve. The column means and the
 * Gram matrix are summed in a WebAssembly SIMD kernel where the runtime has
 * one (the columns and the target copied into its memory, 8·n·(p + 1)
 * bytes, kept for the next fit when under 64 MiB), else in plain
 * JavaScript; both add the same numbers in the same order, so the
 * coefficients are the same to the last bit.
 *
 * Features must be finite (`E_NOT_FINITE`); targets finite and within ±1e150
 * (`E_TOO_LARGE`); features so large that their squares overflow throw
 * `E_OVERFLOW` naming the feature.
 *
 * @example
 * ```ts
 * import { LinearRegression } from '@marksman/learn';
 * // spend = 5 + 2·visits − 0.5·days
 * const X = [[1, 2], [2, 10], [3, 4], [4, 8], [5, 1]];
 * const m = new LinearRegression().fit(X, X.map(([v, d]) => 5 + 2 * v! - 0.5 * d!));
 * Array.from(m.coefficients, (c) => Number(c.toFixed(9))); // => [2, -0.5]
 * m.intercept.toFixed(9); // => '5.000000000'
 * new LinearRegression({ alpha: 1 }).fit(X, [1, 2, 3, 4, 5]).coefficients[0]! < 1; // => true
 * ```
 */
export class LinearRegression implements Regressor {
  readonly #settings: Settings;
  #fitted: Fitted | null = null;

  /**
   * @param options - see {@link LinearRegressionOptions}
   * @throws `OptionsError` `E_OPTION_RANGE`, `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`, `E_OPTIONS_TYPE`
   */
  constructor(options?: LinearRegressionOptions) {
    const o = resolveOptions(NAME, DEFAULTS, options);
    this.#settings = Object.freeze({
      alpha: checkNumber(NAME, 'alpha', o.alpha, 0, 1e300, false, false),
      fitIntercept: checkBoolean(NAME, 'fitIntercept', o.fitIntercept),
    });
  }

  /** The options of this model, with defaults filled in. */
  get params(): Readonly<Required<LinearRegressionOptions>> {
    return this.#settings;
  }

  /**
   * Fits the coefficients on features `X` and numeric targets `y`. Replaces
   * any earlier fit. O(n·p² + p³).
   *
   * @param X - features, see {@link FeatureInput}
   * @param y - a finite target per row
   * @param options - sample weights, feature names, `onProgress` (once, after the solve), `signal`
   * @returns this regressor
   * @throws `ValidationError` `E_INPUT`, `E_EMPTY`, `E_RAGGED`, `E_SHAPE`, `E_LENGTH`, `E_NO_FEATURES`,
   *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_TOO_LARGE`, `E_WEIGHTS`, `E_OVERFLOW` (features whose squares
   *   overflow double precision, naming the feature); `OptionsError` `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`;
   *   `AbortError` `E_ABORTED`
   * @example
   * ```ts
   * import { LinearRegression } from '@marksman/learn';
   * const m = new LinearRegression().fit({ visits: [1, 2, 3], days: [5, 5, 5] }, [3, 5, 7]);
   * m.featureNames; // => ['visits', 'days']
   * Array.from(m.coefficients, (c) => Number(c.toFixed(9))); // => [2, 0]
   * m.rank; // => 1
   * new LinearRegression().fit([[1e200], [-1e200]], [1, 2]); // throws E_OVERFLOW
   * ```
   */
  fit(X: FeatureInput, y: TargetInput, options?: LearnerFitOptions): this {
    const source = `${NAME}.fit`;
    // The solve only reads the target and weights: a Float64Array of either is used in place.
    const { fo, fm, target, weight: w } = readRegressionFit(source, X, y, options, 'refuse', true);
    const s = this.#settings;
    const { coef, intercept, rank } = solve(source, fm.columns, fm.names, target, w, s.alpha, s.fitIntercept);
    this.#fitted = { names: Object.freeze([...fm.names]), coef, intercept, rank };
    if (fo.onProgress) {
      let loss = 0;
      let total = 0;
      const pred = predictColumns(this.#fitted, fm.columns, fm.n);
      for (let i = 0; i < fm.n; i++) {
        const wi = w === null ? 1 : w[i]!;
        const r = target[i]! - pred[i]!;
        loss += wi * r * r;
        total += wi;
      }
      fo.onProgress({ iteration: 1, maxIterations: 1, loss: loss / total, validationLoss: null });
    }
    return this;
  }

  #state(source: string): Fitted {
    if (this.#fitted === null) throw notFitted(source, NAME);
    return this.#fitted;
  }

  /** The feature names, in the order the model reads them. */
  get featureNames(): readonly string[] {
    return this.#state(`${NAME}.featureNames`).names;
  }

  /** One coefficient per feature (a copy). */
  get coefficients(): Float64Array {
    return this.#state(`${NAME}.coefficients`).coef.slice();
  }

  /** The intercept (0 without `fitIntercept`). */
  get intercept(): number {
    return this.#state(`${NAME}.intercept`).intercept;
  }

  /** The number of linearly independent (centred, with `fitIntercept`) feature columns seen at fit time; below p means collinear columns. Kept by `toJSON`. */
  get rank(): number {
    return this.#state(`${NAME}.rank`).rank;
  }

  /**
   * The predicted target per row: intercept + x·β. O(n·p).
   *
   * @param X - features with every feature of the model
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as `fit` for bad features, `E_OVERFLOW` (a
   *   prediction beyond double precision, naming the feature with the largest term and the row)
   * @example
   * ```ts
   * import { LinearRegression } from '@marksman/learn';
   * const m = new LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
   * Array.from(m.predict([[3], [10]]), (v) => Number(v.toFixed(9))); // => [7, 21]
   * ```
   */
  predict(X: FeatureInput): Float64Array {
    const source = `${NAME}.predict`;
    const f = this.#state(source);
    const fm = readPredictFeatures(source, X, f.names, 'refuse');
    const out = predictColumns(f, fm.columns, fm.n);
    for (let i = 0; i < fm.n; i++) {
      if (Number.isFinite(out[i]!)) continue;
      // Name the feature whose term is largest in that row.
      let j = 0;
      for (let k = 1; k < fm.columns.length; k++) if (Math.abs(f.coef[k]! * fm.columns[k]![i]!) > Math.abs(f.coef[j]! * fm.columns[j]![i]!)) j = k;
      throw new ValidationError('E_OVERFLOW', `${source}: the prediction of row ${i} overflows double precision (feature "${f.names[j]!}" is ${fm.columns[j]![i]!}); check the value or rescale the feature.`, { source, field: f.names[j]!, row: i });
    }
    return out;
  }

  /**
   * A plain object that {@link LinearRegression.fromJSON} turns back into a
   * model with the same predictions.
   *
   * @throws `StateError` `E_NOT_FITTED`
   * @example
   * ```ts
   * import { LinearRegression } from '@marksman/learn';
   * const json = new LinearRegression().fit([[0], [1]], [1, 3]).toJSON();
   * json.type; // => 'marksman.LinearRegression'
   * json.coefficients[0]!.toFixed(6); // => '2.000000'
   * ```
   */
  toJSON(): LinearRegressionJSON {
    const f = this.#state(`${NAME}.toJSON`);
    return { type: 'marksman.LinearRegression', version: 1, params: paramsToJSON(this.#settings), featureNames: [...f.names], coefficients: Array.from(f.coef), intercept: f.intercept, rank: f.rank };
  }

  /**
   * Rebuilds a model from {@link LinearRegression.toJSON} output, checking every field.
   *
   * @param json - the output of `toJSON` (possibly through `JSON.stringify` / `JSON.parse`)
   * @throws `ValidationError` `E_MODEL_JSON` naming the field
   * @example
   * ```ts
   * import { LinearRegression } from '@marksman/learn';
   * const m = new LinearRegression({ alpha: 0.5 }).fit([[0], [1], [2]], [1, 2, 4]);
   * LinearRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict([[1.5]])[0] === m.predict([[1.5]])[0]; // => true
   * ```
   */
  static fromJSON(json: LinearRegressionJSON): LinearRegression {
    const source = `${NAME}.fromJSON`;
    const r = new JsonReader(source, 'type "marksman.LinearRegression", version 1');
    const j = r.header(json, 'marksman.LinearRegression', 1);
    const model = paramsFromJSON(r, j.params, (p) => new LinearRegression(p as LinearRegressionOptions));
    const names = r.names(j.featureNames);
    const coef = r.numbers(j.coefficients, 'coefficients', names.length);
    const intercept = r.number(j.intercept, 'intercept');
    if (!model.#settings.fitIntercept && intercept !== 0) r.fail('intercept', 'must be 0 for a model without fitIntercept');
    let rank = names.length;
    if (j.rank !== undefined) {
      rank = r.number(j.rank, 'rank');
      if (!Number.isInteger(rank) || rank < 0 || rank > names.length) r.fail('rank', `must be an integer from 0 to ${names.length}`);
    }
    model.#fitted = { names: Object.freeze(names), coef, intercept, rank };
    return model;
  }
}

function predictColumns(f: Fitted, columns: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n).fill(f.intercept);
  for (let j = 0; j < columns.length; j++) {
    const c = f.coef[j]!;
    if (c === 0) continue;
    const col = columns[j]!;
    for (let i = 0; i < n; i++) out[i]! += c * col[i]!;
  }
  return out;
}

/** Rows per block of the Gram accumulation: the block's centred columns (p × 256 doubles) stay in the L1/L2 cache. */
const BLOCK = 256;

/**
 * Weighted (ridge) least squares: centres the columns and the target at
 * their weighted means (with an intercept), forms the weighted Gram matrix
 * block by block of rows (in the kernel, {@link gramByKernel}, else
 * {@link gramJs}) and solves it by
 * Cholesky on the unit-diagonal scaling; collinear columns without a ridge
 * go to {@link minimumNorm} (pivoted Cholesky, then the null space projected
 * out).
 */
function solve(
  source: string,
  columns: readonly Float64Array[],
  names: readonly string[],
  y: Float64Array,
  w: Float64Array | null,
  alpha: number,
  fitIntercept: boolean,
): { coef: Float64Array; intercept: number; rank: number } {
  const n = y.length;
  const p = columns.length;
  let W = n; // without weights: the sum of n ones
  if (w !== null) {
    W = 0;
    for (let i = 0; i < n; i++) W += w[i]!;
  }
  const weighted = (col: Float64Array): number => {
    let s = 0;
    if (w === null) for (let i = 0; i < n; i++) s += col[i]!;
    else for (let i = 0; i < n; i++) s += w[i]! * col[i]!;
    return s / W;
  };
  const means = new Float64Array(p);
  let yMean = 0;
  // With weights the means are taken here; without, the kernel (where there is one) sums its copy of the columns.
  const takeMeans = (): void => {
    for (let j = 0; j < p; j++) means[j] = weighted(columns[j]!);
    yMean = weighted(y);
  };
  if (fitIntercept && w !== null) takeMeans();
  const G = new Float64Array(p * p);
  const b = new Float64Array(p);
  const kernelMean = gramByKernel(columns, y, w, fitIntercept && w === null ? W : null, means, yMean, G, b);
  if (kernelMean !== null) yMean = kernelMean;
  else {
    if (fitIntercept && w === null) takeMeans();
    gramJs(columns, y, w, means, yMean, G, b);
  }
  for (let j = 0; j < p; j++) {
    if (!Number.isFinite(G[j * p + j]!)) {
      throw new ValidationError('E_OVERFLOW', `${source}: the squares of feature "${names[j]!}" overflow double precision; rescale it (for example to thousands).`, { source, field: names[j]! });
    }
    for (let k = 0; k < j; k++) G[k * p + j] = G[j * p + k]!;
  }
  // Unit-diagonal scaling of G + αI (a zero column keeps scale 1).
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d = G[j * p + j]! + alpha;
    scale[j] = d > 0 ? Math.sqrt(d) : 1;
  }
  const A = new Float64Array(p * p);
  for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) A[j * p + k] = (G[j * p + k]! + (j === k ? alpha : 0)) / (scale[j]! * scale[k]!);
  const bs = Float64Array.from(b, (v, j) => v / scale[j]!);
  let coef = cholesky(A, bs, p, alpha > 0 ? 0 : COLLINEAR);
  let rank = p;
  if (coef !== null) {
    for (let j = 0; j < p; j++) coef[j] = coef[j]! / scale[j]!;
    // One step of iterative refinement on the original system tightens the answer to rounding.
    const r = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = b[j]! - alpha * coef[j]!;
      for (let k = 0; k < p; k++) s -= G[j * p + k]! * coef[k]!;
      r[j] = s / scale[j]!;
    }
    const d = cholesky(A, r, p, 0);
    if (d !== null) for (let j = 0; j < p; j++) coef[j] = coef[j]! + d[j]! / scale[j]!;
  } else {
    ({ coef, rank } = minimumNorm(A, bs, scale, p));
  }
  let intercept = 0;
  if (fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= coef[j]! * means[j]!;
  }
  if (!Number.isFinite(intercept) || coef.some((v) => !Number.isFinite(v))) {
    throw new ValidationError('E_OVERFLOW', `${source}: the least-squares solution overflows double precision; rescale the features or the target (for example to thousands).`, { source, field: 'X' });
  }
  return { coef, intercept, rank };
}

/**
 * The Gram matrix G (p × p, lower triangle) and b = Zᵀz of the centred, √w-scaled columns Z and target z, in plain
 * JavaScript, block by block of rows (each block's columns in one small buffer, so no centred copy of the data is
 * made).
 */
function gramJs(columns: readonly Float64Array[], y: Float64Array, w: Float64Array | null, means: Float64Array, yMean: number, G: Float64Array, b: Float64Array): void {
  const n = y.length;
  const p = columns.length;
  // G = Σ over blocks of Zᵀ Z and b = Zᵀ z for the block's centred columns Z (times √w) and target z.
  const Z = new Float64Array((p + 1) * BLOCK);
  const root = w === null ? null : new Float64Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const m = Math.min(BLOCK, n - start);
    if (root !== null) for (let r = 0; r < m; r++) root[r] = Math.sqrt(w![start + r]!);
    for (let j = 0; j <= p; j++) {
      const col = j < p ? columns[j]! : y;
      const c = j < p ? means[j]! : yMean;
      const o = j * BLOCK;
      if (root === null) for (let r = 0; r < m; r++) Z[o + r] = col[start + r]! - c;
      else for (let r = 0; r < m; r++) Z[o + r] = (col[start + r]! - c) * root[r]!;
    }
    // Column j against columns k ≤ j four at a time (four sums in flight), then the rest of the row and the
    // target one sum at a time. Every entry is its own sum over the block's rows in row order, as in the kernel.
    const oy = p * BLOCK;
    for (let j = 0; j < p; j++) {
      const oj = j * BLOCK;
      let k = 0;
      for (; k + 3 <= j; k += 4) {
        const o0 = k * BLOCK;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let r = 0; r < m; r++) {
          const u = Z[oj + r]!;
          a0 += u * Z[o0 + r]!;
          a1 += u * Z[o0 + BLOCK + r]!;
          a2 += u * Z[o0 + 2 * BLOCK + r]!;
          a3 += u * Z[o0 + 3 * BLOCK + r]!;
        }
        const gj = j * p + k;
        G[gj]! += a0;
        G[gj + 1]! += a1;
        G[gj + 2]! += a2;
        G[gj + 3]! += a3;
      }
      for (; k <= j; k++) {
        const ok = k * BLOCK;
        let t = 0;
        for (let r = 0; r < m; r++) t += Z[oj + r]! * Z[ok + r]!;
        G[j * p + k]! += t;
      }
      let t = 0;
      for (let r = 0; r < m; r++) t += Z[oj + r]! * Z[oy + r]!;
      b[j]! += t;
    }
  }
}

/** Largest copy of the data the kernel takes (1 GiB); a larger problem runs the JavaScript loops. */
const MAX_KERNEL_BYTES = 2 ** 30;

/** `v` rounded up to a multiple of 16 (bytes). */
const align16 = (v: number): number => (v + 15) & ~15;

/**
 * As {@link gramJs}, in the WebAssembly SIMD kernel (the columns and the target copied into its memory), with the
 * same sums in the same order, so the same bits. The means are `means` and `yMean` as given, or with `sumBy` (the
 * total weight, without weights) the kernel's column sums divided by it, written to `means`. Fills `G` and `b` and
 * returns the target's mean; null when there is no kernel (no WebAssembly SIMD, or a problem over 1 GiB), having
 * written nothing.
 */
function gramByKernel(
  columns: readonly Float64Array[],
  y: Float64Array,
  w: Float64Array | null,
  sumBy: number | null,
  means: Float64Array,
  yMean: number,
  G: Float64Array,
  b: Float64Array,
): number | null {
  const n = y.length;
  const p = columns.length;
  const q = p + 1;
  // Z's rows are s ≥ q values (a multiple of 4, the tiles' width; the columns past q stay 0).
  const s = (q + 3) & ~3;
  const meansAt = align16(8 * q * n);
  const rAt = meansAt + align16(8 * q);
  const zAt = rAt + 8 * BLOCK;
  const gAt = zAt + 8 * BLOCK * s;
  const bytes = gAt + 8 * s * s;
  if (bytes > MAX_KERNEL_BYTES) return null;
  const k = borrowLeastSquaresKernel(bytes);
  if (k === null) return null;
  try {
    const mem = k.memory.buffer;
    for (let j = 0; j < q; j++) new Float64Array(mem, 8 * j * n, n).set(j < p ? columns[j]! : y);
    const mk = new Float64Array(mem, meansAt, q);
    if (sumBy === null) {
      mk.set(means);
      mk[p] = yMean;
    } else {
      k.sums(0, n, q, meansAt);
      for (let j = 0; j < q; j++) mk[j] = mk[j]! / sumBy;
      means.set(mk.subarray(0, p));
    }
    const R = new Float64Array(mem, rAt, BLOCK);
    if (w === null) R.fill(1); // (x − mean)·1 is x − mean exactly
    new Float64Array(mem, zAt, BLOCK * s).fill(0);
    const gk = new Float64Array(mem, gAt, s * s);
    gk.fill(0);
    for (let start = 0; start < n; start += BLOCK) {
      const m = Math.min(BLOCK, n - start);
      if (w !== null) for (let r = 0; r < m; r++) R[r] = Math.sqrt(w[start + r]!);
      k.block(0, n, q, s, start, m, meansAt, rAt, zAt, gAt);
    }
    for (let j = 0; j < p; j++) for (let c = 0; c <= j; c++) G[j * p + c] = gk[j * s + c]!;
    for (let j = 0; j < p; j++) b[j] = gk[p * s + j]!;
    return mk[p]!;
  } finally {
    returnLeastSquaresKernel(k);
  }
}

/** Solves A·x = b for a symmetric A by Cholesky; null when a pivot falls to `minPivot` or below (not positive definite). */
function cholesky(A: Float64Array, b: Float64Array, p: number, minPivot: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j]!;
    for (let k = 0; k < j; k++) d -= L[j * p + k]! ** 2;
    if (!(d > minPivot)) return null;
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / ljj;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * z[k]!;
    z[i] = s / L[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  return x;
}

/**
 * Minimum-norm solution of G·x = b (G = D·A·D symmetric positive
 * semi-definite, A its unit-diagonal scaling, `scale` the diagonal of D),
 * as numpy's `lstsq` gives: Cholesky of A with the largest remaining pivot
 * first stops at rank r when every remaining pivot is at most 1e-10 (the
 * other columns are combinations of the first r, to rounding); the r
 * independent columns give one exact solution x₀ (the others 0), and the
 * null space of G, spanned by the columns of N = D⁻¹·[−M; I] with
 * M = A_BB⁻¹·A_BN, is projected out of it: x = x₀ − N·(NᵀN)⁻¹·Nᵀx₀.
 * O(p³).
 */
function minimumNorm(A: Float64Array, b: Float64Array, scale: Float64Array, p: number): { coef: Float64Array; rank: number } {
  // Pivoted Cholesky on a copy: after step j, S holds the Schur complement below and right of j.
  const S = A.slice();
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  const L = new Float64Array(p * p);
  let r = 0;
  for (; r < p; r++) {
    let best = r;
    for (let j = r + 1; j < p; j++) if (S[perm[j]! * p + perm[j]!]! > S[perm[best]! * p + perm[best]!]!) best = j;
    const d = S[perm[best]! * p + perm[best]!]!;
    if (!(d > COLLINEAR)) break;
    if (best !== r) {
      // The pivot moves to position r, taking its row of L (columns before r) with it.
      [perm[r], perm[best]] = [perm[best]!, perm[r]!];
      for (let k = 0; k < r; k++) {
        const t = L[r * p + k]!;
        L[r * p + k] = L[best * p + k]!;
        L[best * p + k] = t;
      }
    }
    // Column r of L (in pivot order) and the update of the remaining block.
    const lrr = Math.sqrt(d);
    L[r * p + r] = lrr;
    const pr = perm[r]!;
    for (let i = r + 1; i < p; i++) L[i * p + r] = S[perm[i]! * p + pr]! / lrr;
    for (let i = r + 1; i < p; i++) {
      const pi = perm[i]!;
      const li = L[i * p + r]!;
      for (let k = r + 1; k <= i; k++) {
        const v = S[pi * p + perm[k]!]! - li * L[k * p + r]!;
        S[pi * p + perm[k]!] = v;
        S[perm[k]! * p + pi] = v;
      }
    }
  }
  const q = p - r;
  // Solves L_BB·L_BBᵀ·x = v in place (v of length r, pivot order).
  const solveBB = (v: Float64Array): void => {
    for (let i = 0; i < r; i++) {
      let s = v[i]!;
      for (let k = 0; k < i; k++) s -= L[i * p + k]! * v[k]!;
      v[i] = s / L[i * p + i]!;
    }
    for (let i = r - 1; i >= 0; i--) {
      let s = v[i]!;
      for (let k = i + 1; k < r; k++) s -= L[k * p + i]! * v[k]!;
      v[i] = s / L[i * p + i]!;
    }
  };
  // x₀ in unscaled coordinates (pivot order): the independent columns' solution, the others 0.
  const x0 = new Float64Array(p);
  const u = Float64Array.from({ length: r }, (_, i) => b[perm[i]!]!);
  solveBB(u);
  for (let i = 0; i < r; i++) x0[i] = u[i]! / scale[perm[i]!]!;
  if (q === 0) return { coef: unpermute(x0, perm, p), rank: r };
  // N (p × q, pivot order, unscaled): column t is D⁻¹ of [−A_BB⁻¹·A_B,t ; e_t].
  const N = new Float64Array(p * q);
  for (let t = 0; t < q; t++) {
    const v = Float64Array.from({ length: r }, (_, i) => A[perm[i]! * p + perm[r + t]!]!);
    solveBB(v);
    for (let i = 0; i < r; i++) N[i * q + t] = -v[i]! / scale[perm[i]!]!;
    N[(r + t) * q + t] = 1 / scale[perm[r + t]!]!;
  }
  // s = (NᵀN)⁻¹·Nᵀx₀, then x = x₀ − N·s.
  const NtN = new Float64Array(q * q);
  const Ntx = new Float64Array(q);
  for (let s1 = 0; s1 < q; s1++) {
    for (let i = 0; i < p; i++) Ntx[s1]! += N[i * q + s1]! * x0[i]!;
    for (let s2 = 0; s2 < q; s2++) for (let i = 0; i < p; i++) NtN[s1 * q + s2]! += N[i * q + s1]! * N[i * q + s2]!;
  }
  const s = cholesky(NtN, Ntx, q, 0)!;
  for (let i = 0; i < p; i++) {
    let v = x0[i]!;
    for (let t = 0; t < q; t++) v -= N[i * q + t]! * s[t]!;
    x0[i] = v;
  }
  return { coef: unpermute(x0, perm, p), rank: r };
}

/** Puts values in pivot order back in column order. */
function unpermute(x: Float64Array, perm: Int32Array, p: number): Float64Array {
  const out = new Float64Array(p);
  for (let i = 0; i < p; i++) out[perm[i]!] = x[i]!;
  return out;
}
