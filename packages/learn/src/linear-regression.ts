import { ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkBoolean, checkNumber } from './internal/checks';
import { JsonReader, notFitted, paramsFromJSON, paramsToJSON } from './internal/estimator';
import { readPredictFeatures } from './internal/features';
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
 * Costs O(n·p² + p³) (O(p³) per Jacobi sweep in the collinear case);
 * `onProgress` is called once, after the solve.
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
    const { fo, fm, target, weight: w } = readRegressionFit(source, X, y, options, 'refuse');
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

/**
 * Weighted (ridge) least squares: centres the columns and the target at
 * their weighted means (with an intercept), forms the weighted Gram matrix
 * and solves it by Cholesky on the unit-diagonal scaling; collinear columns
 * without a ridge go to the minimum-norm eigen solution.
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
  let W = 0;
  for (let i = 0; i < n; i++) W += w === null ? 1 : w[i]!;
  const weighted = (col: Float64Array): number => {
    let s = 0;
    if (w === null) for (let i = 0; i < n; i++) s += col[i]!;
    else for (let i = 0; i < n; i++) s += w[i]! * col[i]!;
    return s / W;
  };
  const means = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < p; j++) means[j] = weighted(columns[j]!);
    yMean = weighted(y);
  }
  // Centred columns, multiplied by √w so that plain dot products are weighted ones.
  const root = w === null ? null : Float64Array.from(w, Math.sqrt);
  const centre = (col: Float64Array, m: number): Float64Array => {
    const out = new Float64Array(n);
    if (root === null) for (let i = 0; i < n; i++) out[i] = col[i]! - m;
    else for (let i = 0; i < n; i++) out[i] = (col[i]! - m) * root[i]!;
    return out;
  };
  const xc = columns.map((c, j) => centre(c, means[j]!));
  const yc = centre(y, yMean);
  const G = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const cj = xc[j]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += cj[i]! * yc[i]!;
    b[j] = s;
    // Four dot products per pass over column j (each sums in row order, as one at a time would).
    let k = 0;
    for (; k + 3 <= j; k += 4) {
      const c0 = xc[k]!;
      const c1 = xc[k + 1]!;
      const c2 = xc[k + 2]!;
      const c3 = xc[k + 3]!;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let i = 0; i < n; i++) {
        const v = cj[i]!;
        t0 += v * c0[i]!;
        t1 += v * c1[i]!;
        t2 += v * c2[i]!;
        t3 += v * c3[i]!;
      }
      G[j * p + k] = G[k * p + j] = t0;
      G[j * p + k + 1] = G[(k + 1) * p + j] = t1;
      G[j * p + k + 2] = G[(k + 2) * p + j] = t2;
      G[j * p + k + 3] = G[(k + 3) * p + j] = t3;
    }
    for (; k <= j; k++) {
      const ck = xc[k]!;
      let t = 0;
      for (let i = 0; i < n; i++) t += cj[i]! * ck[i]!;
      G[j * p + k] = t;
      G[k * p + j] = t;
    }
    if (!Number.isFinite(G[j * p + j]!)) {
      throw new ValidationError('E_OVERFLOW', `${source}: the squares of feature "${names[j]!}" overflow double precision; rescale it (for example to thousands).`, { source, field: names[j]! });
    }
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
    ({ coef, rank } = minimumNorm(G, b, p));
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
 * Minimum-norm solution of G·x = b for a symmetric positive semi-definite G
 * (cyclic Jacobi eigen-decomposition; eigenvalues below 1e-10 of the largest
 * count as zero).
 */
function minimumNorm(G: Float64Array, b: Float64Array, p: number): { coef: Float64Array; rank: number } {
  const A = G.slice();
  const V = new Float64Array(p * p);
  for (let j = 0; j < p; j++) V[j * p + j] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let j = 0; j < p; j++) {
      diag += A[j * p + j]! ** 2;
      for (let k = j + 1; k < p; k++) off += A[j * p + k]! ** 2;
    }
    if (off <= 1e-30 * diag) break;
    for (let j = 0; j < p - 1; j++) {
      for (let k = j + 1; k < p; k++) {
        const ajk = A[j * p + k]!;
        if (ajk === 0) continue;
        const theta = (A[k * p + k]! - A[j * p + j]!) / (2 * ajk);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let i = 0; i < p; i++) {
          const aij = A[i * p + j]!;
          const aik = A[i * p + k]!;
          A[i * p + j] = c * aij - s * aik;
          A[i * p + k] = s * aij + c * aik;
        }
        for (let i = 0; i < p; i++) {
          const aji = A[j * p + i]!;
          const aki = A[k * p + i]!;
          A[j * p + i] = c * aji - s * aki;
          A[k * p + i] = s * aji + c * aki;
        }
        for (let i = 0; i < p; i++) {
          const vij = V[i * p + j]!;
          const vik = V[i * p + k]!;
          V[i * p + j] = c * vij - s * vik;
          V[i * p + k] = s * vij + c * vik;
        }
      }
    }
  }
  let top = 0;
  for (let j = 0; j < p; j++) top = Math.max(top, A[j * p + j]!);
  const coef = new Float64Array(p);
  let rank = 0;
  for (let e = 0; e < p; e++) {
    const lambda = A[e * p + e]!;
    if (!(lambda > 1e-10 * top)) continue;
    rank++;
    let proj = 0;
    for (let i = 0; i < p; i++) proj += V[i * p + e]! * b[i]!;
    const f = proj / lambda;
    for (let i = 0; i < p; i++) coef[i]! += f * V[i * p + e]!;
  }
  return { coef, rank };
}
