import { ValidationError } from '@marksman/core';

// The regression counterpart of logistic regression for uplift models
// (continuous outcomes, and the X-learner's effect models): ordinary least
// squares with an intercept. @marksman/learn has no linear regressor yet; this
// small one stays internal until it has. One-hot encoded features are
// collinear with the intercept, so a vanishing ridge term (1e-10 of the
// largest variance) picks the minimum-norm solution, as numpy's lstsq behind
// scikit-learn's LinearRegression does; predictions are unaffected by it.

/** The plain-object form of a fitted least-squares model. */
export interface LeastSquaresJSON {
  /** Format tag. */
  readonly type: 'marksman.LeastSquares';
  /** Format version. */
  readonly version: 1;
  /** Feature names, in the order the model reads them. */
  readonly featureNames: string[];
  /** One coefficient per feature. */
  readonly coefficients: number[];
  /** The intercept. */
  readonly intercept: number;
}

/** A fitted least-squares model on encoded columns. */
export interface LeastSquares {
  /** Predicted target per row. */
  predict(columns: readonly Float64Array[]): Float64Array;
  /** The plain-object form. */
  toJSON(): LeastSquaresJSON;
}

function make(featureNames: readonly string[], coefficients: Float64Array, intercept: number): LeastSquares {
  return {
    predict(columns) {
      const n = columns.length > 0 ? columns[0]!.length : 0;
      const out = new Float64Array(n).fill(intercept);
      for (let j = 0; j < columns.length; j++) {
        const c = coefficients[j] as number;
        const col = columns[j]!;
        for (let i = 0; i < n; i++) out[i] = (out[i] as number) + c * (col[i] as number);
      }
      return out;
    },
    toJSON() {
      return { type: 'marksman.LeastSquares', version: 1, featureNames: [...featureNames], coefficients: Array.from(coefficients), intercept };
    },
  };
}

/**
 * Fits y ≈ intercept + X·w by least squares. Costs O(n·p² + p³). Throws
 * `E_OVERFLOW` naming `field` when values near the largest double overflow.
 */
export function fitLeastSquares(columns: readonly Float64Array[], y: Float64Array, featureNames: readonly string[], source: string, field: string): LeastSquares {
  const p = columns.length;
  const n = y.length;
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const centred = columns.map((c, j) => Float64Array.from(c, (v) => v - (means[j] as number)));
  const yc = Float64Array.from(y, (v) => v - yMean);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const cj = centred[j]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += (cj[i] as number) * (yc[i] as number);
    b[j] = s;
    for (let k = 0; k <= j; k++) {
      const ck = centred[k]!;
      let t = 0;
      for (let i = 0; i < n; i++) t += (cj[i] as number) * (ck[i] as number);
      A[j * p + k] = t;
      A[k * p + j] = t;
    }
  }
  let maxDiag = 0;
  for (let j = 0; j < p; j++) maxDiag = Math.max(maxDiag, A[j * p + j] as number);
  const w = new Float64Array(p);
  if (maxDiag > 0) {
    let ridge = 1e-10 * maxDiag;
    for (let attempt = 0; attempt < 8; attempt++, ridge *= 100) {
      const solved = choleskySolve(A, b, p, ridge);
      if (solved) {
        w.set(solved);
        break;
      }
    }
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= (w[j] as number) * (means[j] as number);
  if (!Number.isFinite(intercept) || w.some((v) => !Number.isFinite(v))) {
    throw new ValidationError('E_OVERFLOW', `${source}: least squares on "${field}" overflowed double precision; rescale the outcome or the features (e.g. to thousands).`, { source, field });
  }
  return make(featureNames, w, intercept);
}

/** Solves (A + ridge·I)·x = b by Cholesky; null when the matrix is not positive definite. */
function choleskySolve(A: Float64Array, b: Float64Array, p: number, ridge: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = (A[j * p + j] as number) + ridge;
    for (let k = 0; k < j; k++) d -= (L[j * p + k] as number) ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * p + k] as number) * (L[j * p + k] as number);
      L[i * p + j] = s / ljj;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * p + k] as number) * (z[k] as number);
    z[i] = s / (L[i * p + i] as number);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < p; k++) s -= (L[k * p + i] as number) * (x[k] as number);
    x[i] = s / (L[i * p + i] as number);
  }
  return x;
}

/** Rebuilds a least-squares model from its JSON, checking every field. */
export function leastSquaresFromJSON(source: string, json: unknown, field: string): LeastSquares {
  const fail = (what: string): never => {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field} ${what}; expected the output of UpliftModel#toJSON().`, { source, field });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('is not an object');
  const j = json as Record<string, unknown>;
  if (j.type !== 'marksman.LeastSquares' || j.version !== 1) fail('has the wrong type tag or version');
  const names = j.featureNames;
  if (!Array.isArray(names) || names.some((s) => typeof s !== 'string')) return fail('has featureNames that are not strings');
  const coef = j.coefficients;
  if (!Array.isArray(coef) || coef.length !== names.length || coef.some((c) => typeof c !== 'number' || !Number.isFinite(c))) {
    return fail('has coefficients that are not one finite number per feature');
  }
  if (typeof j.intercept !== 'number' || !Number.isFinite(j.intercept)) fail('has an intercept that is not a finite number');
  return make(names as string[], Float64Array.from(coef as number[]), j.intercept as number);
}
