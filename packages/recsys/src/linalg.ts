// Internal dense kernels for ALS on typed arrays (row-major factor matrices).

/** Gram matrix FᵀF + λI of the rows of F (n × f), as a full f × f Float64Array. O(n·f²/2). */
export function gram(F: Float32Array, n: number, f: number, lambda: number): Float64Array {
  const G = new Float64Array(f * f);
  for (let r = 0; r < n; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const va = F[o + a]!;
      if (va === 0) continue;
      const ga = a * f;
      for (let b = a; b < f; b++) G[ga + b]! += va * F[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    G[a * f + a]! += lambda;
    for (let b = a + 1; b < f; b++) G[b * f + a] = G[a * f + b]!;
  }
  return G;
}

/** out = G · v for a full f × f matrix. */
export function symv(G: Float64Array, v: Float64Array, out: Float64Array, f: number): void {
  for (let a = 0; a < f; a++) {
    const o = a * f;
    let s0 = 0;
    let s1 = 0;
    let b = 0;
    for (; b + 1 < f; b += 2) {
      s0 += G[o + b]! * v[b]!;
      s1 += G[o + b + 1]! * v[b + 1]!;
    }
    if (b < f) s0 += G[o + b]! * v[b]!;
    out[a] = s0 + s1;
  }
}

/** Euclidean norm of each of the n rows of F (row width f). */
export function rowNorms(F: Float32Array, n: number, f: number): Float64Array {
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < f; q++) s += F[j * f + q]! * F[j * f + q]!;
    norms[j] = Math.sqrt(s);
  }
  return norms;
}

/**
 * cos(row i, row j) of F for each j of `rows` (all n rows when null); 0 where
 * either row is zero. `norms` are {@link rowNorms} of F.
 */
export function rowCosines(F: Float32Array, f: number, norms: Float64Array, i: number, rows: Int32Array | null, n: number): Float64Array {
  const yi = new Float64Array(f);
  for (let q = 0; q < f; q++) yi[q] = F[i * f + q]!;
  const m = rows === null ? n : rows.length;
  const out = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const j = rows === null ? t : rows[t]!;
    const d = norms[i]! * norms[j]!;
    out[t] = d > 0 ? dotRow(F, j * f, yi, f) / d : 0;
  }
  return out;
}

/** Dot product of row `ro` of F (offset) with v. */
export function dotRow(F: Float32Array, ro: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let b = 0;
  for (; b + 1 < f; b += 2) {
    s0 += F[ro + b]! * v[b]!;
    s1 += F[ro + b + 1]! * v[b + 1]!;
  }
  if (b < f) s0 += F[ro + b]! * v[b]!;
  return s0 + s1;
}

/** In-place Cholesky factorisation of a symmetric positive definite f × f matrix (lower triangle). False if not (numerically) SPD. */
export function cholesky(A: Float64Array, f: number): boolean {
  // A pivot below this (relative to the largest diagonal) means rank deficiency up to rounding.
  let maxDiag = 0;
  for (let j = 0; j < f; j++) maxDiag = Math.max(maxDiag, Math.abs(A[j * f + j]!));
  const tol = maxDiag * 1e-12;
  for (let j = 0; j < f; j++) {
    const jo = j * f;
    let d = A[jo + j]!;
    for (let k = 0; k < j; k++) d -= A[jo + k]! * A[jo + k]!;
    if (!(d > tol)) return false;
    const ljj = Math.sqrt(d);
    A[jo + j] = ljj;
    for (let i = j + 1; i < f; i++) {
      const io = i * f;
      let s = A[io + j]!;
      for (let k = 0; k < j; k++) s -= A[io + k]! * A[jo + k]!;
      A[io + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (b becomes x), with L from {@link cholesky}. */
export function choleskySolve(L: Float64Array, b: Float64Array, f: number): void {
  for (let i = 0; i < f; i++) {
    const io = i * f;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[io + k]! * b[k]!;
    b[i] = s / L[io + i]!;
  }
  for (let i = f - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < f; k++) s -= L[k * f + i]! * b[k]!;
    b[i] = s / L[i * f + i]!;
  }
}
