// Internal: the parameter uncertainty of the customer-value fits. The
// observed information is taken in log-parameters (every parameter is
// positive, and on the log scale the likelihood is closer to quadratic, so the
// normal approximation — the Laplace approximation — is better there); its
// inverse is the covariance that standard errors, the summary's intervals and
// the sampled per-customer intervals all come from.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Step of the central differences in log-parameters: a 0.01 % change of each parameter. */
const LOG_STEP = 1e-4;

/**
 * Hessian of `total` (a total negative log-likelihood of natural parameters)
 * with respect to the log-parameters u = ln θ, by central differences with
 * step 1e-4 in u; null when some evaluation is not finite. 1 + 2k + 2k(k−1)
 * evaluations.
 */
export function logParameterHessian(total: (theta: Float64Array) => number, theta: Float64Array): number[][] | null {
  const k = theta.length;
  const u0 = Float64Array.from(theta, Math.log);
  const u = Float64Array.from(u0);
  const at = (i: number, di: number, j: number, dj: number): number => {
    u[i] = u[i]! + di;
    u[j] = u[j]! + dj;
    const v = total(Float64Array.from(u, Math.exp));
    u[i] = u0[i]!;
    u[j] = u0[j]!;
    return v;
  };
  const h = LOG_STEP;
  const f0 = total(Float64Array.from(u0, Math.exp));
  const H: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    H[i]![i] = (at(i, h, i, 0) - 2 * f0 + at(i, -h, i, 0)) / (h * h);
    for (let j = 0; j < i; j++) {
      const v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H.every((row) => row.every(Number.isFinite)) ? H : null;
}

/**
 * The same Hessian from `gradient` (of the total objective with respect to
 * ln θ, at natural parameters) by central differences with step 1e-4 in
 * ln θ, symmetrised; null when some entry is not finite. 2k gradient
 * evaluations.
 */
export function logParameterHessianFromGradient(gradient: (theta: Float64Array) => Float64Array, theta: Float64Array): number[][] | null {
  const k = theta.length;
  const u = Float64Array.from(theta, Math.log);
  const h = LOG_STEP;
  const cols: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    const ui = u[i]!;
    u[i] = ui + h;
    const gp = gradient(Float64Array.from(u, Math.exp));
    u[i] = ui - h;
    const gm = gradient(Float64Array.from(u, Math.exp));
    u[i] = ui;
    cols.push(Float64Array.from(gp, (v, j) => (v - gm[j]!) / (2 * h)));
  }
  const H: number[][] = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => 0.5 * (cols[i]![j]! + cols[j]![i]!)));
  return H.every((row) => row.every(Number.isFinite)) ? H : null;
}

/** Lower Cholesky factor of a symmetric matrix, or null when it is not positive definite. */
export function cholesky(A: readonly (readonly number[])[]): number[][] | null {
  const k = A.length;
  const L: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let m = 0; m < j; m++) s -= L[i]![m]! * L[j]![m]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  return L;
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor; null when it is not positive definite. */
export function inverseSpd(A: readonly (readonly number[])[]): number[][] | null {
  const L = cholesky(A);
  if (L === null) return null;
  const k = A.length;
  // Solve L Lᵀ X = I column by column.
  const X: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++) {
    const y = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      let s = i === c ? 1 : 0;
      for (let m = 0; m < i; m++) s -= L[i]![m]! * y[m]!;
      y[i] = s / L[i]![i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let m = i + 1; m < k; m++) s -= L[m]![i]! * X[m]![c]!;
      X[i]![c] = s / L[i]![i]!;
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) X[i]![j] = X[j]![i] = 0.5 * (X[i]![j]! + X[j]![i]!);
  return X.every((row) => row.every(Number.isFinite)) ? X : null;
}

/** Eigenvalues (ascending) and eigenvectors (as columns, in the same order) of a symmetric matrix. */
export function symmetricEigen(A: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const e = new EigenvalueDecomposition(new Matrix(A.map((r) => [...r])), { assumeSymmetric: true });
  const values = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  return { values: order.map((i) => values[i]!), vectors: order.map((i) => V.getColumn(i)) };
}
