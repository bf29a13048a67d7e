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

/**
 * The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (Wichura 1988,
 * algorithm AS 241, PPND16: about 16 significant digits).
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r + 13731.69376550946) * r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((5226.495278852546 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) * r + 5394.196021424751) * r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r + 1.2704582524523684) * r + 3.6478483247632045) * r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((1.0507500716444169e-09 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r + 0.14810397642748008) * r + 0.6897673349851) * r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((2.0103343992922881e-07 * r + 2.7115555687434876e-05) * r + 0.0012426609473880784) * r + 0.026532189526576124) * r + 0.29656057182850487) * r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((2.0442631033899397e-15 * r + 1.421511758316446e-07) * r + 1.8463183175100548e-05) * r + 0.0007868691311456133) * r + 0.014875361290850615) * r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}
