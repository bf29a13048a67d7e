// Internal unconstrained minimisers used by the customer-value fits:
// BFGS with a backtracking (Armijo) line search and Nelder–Mead, plus
// central finite-difference gradients and Hessians. Not exported.
//
// References: Nocedal & Wright, Numerical Optimization (2nd ed.), §6.1
// (BFGS inverse-Hessian update, eq. 6.17; initial scaling eq. 6.20) and §3.1
// (backtracking); Lagarias, Reeds, Wright & Wright (1998) for Nelder–Mead
// with standard coefficients (reflection 1, expansion 2, contraction ½,
// shrink ½).

/** A function to minimise, from a vector of n reals to a real. */
export type Objective = (x: Float64Array) => number;

/** What a minimiser returns. */
export interface MinimizeResult {
  /** The best point found. */
  x: Float64Array;
  /** Objective at `x`. */
  fx: number;
  /** Iterations done. */
  iterations: number;
  /** Objective evaluations (gradient evaluations counted as 2n each when numerical). */
  evaluations: number;
  /** Whether the convergence test passed. */
  converged: boolean;
  /** Infinity norm of the gradient at `x` (NaN for Nelder–Mead). */
  gradientNorm: number;
  /** Why the minimiser stopped. */
  message: string;
}

/** Options of {@link minimizeBfgs}. */
export interface BfgsOptions {
  /** Gradient; central differences of `f` when omitted. */
  gradient?: ((x: Float64Array) => Float64Array) | undefined;
  /** Stop when ‖∇f‖∞ ≤ gradientTolerance. */
  gradientTolerance: number;
  /** Iteration cap. */
  maxIterations: number;
  /** Called after every iteration with the iterations done and the objective at the current point. */
  onIteration?: ((state: { iterations: number; fx: number }) => void) | undefined;
}

/** Relative step for central differences: ε^(1/3) ≈ 6e-6. */
const FD_STEP = 6.055454e-6;

/** Central finite-difference gradient of `f` at `x` (2n evaluations). */
export function numericGradient(f: Objective, x: Float64Array): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const y = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const h = FD_STEP * Math.max(1, Math.abs(xi));
    y[i] = xi + h;
    const fp = f(y);
    y[i] = xi - h;
    const fm = f(y);
    y[i] = xi;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/**
 * Central finite-difference Hessian of `f` at `x` (relative step ε^(1/4)),
 * symmetric, as an array of rows.
 */
export function numericHessian(f: Objective, x: Float64Array): number[][] {
  const n = x.length;
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) h[i] = 1.2e-4 * Math.max(Math.abs(x[i]!), 1e-3);
  const y = Float64Array.from(x);
  const at = (i: number, di: number, j: number, dj: number): number => {
    y[i] = y[i]! + di;
    y[j] = y[j]! + dj;
    const v = f(y);
    y[i] = x[i]!;
    y[j] = x[j]!;
    return v;
  };
  const f0 = f(x);
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    const fp = at(i, hi, i, 0);
    const fm = at(i, -hi, i, 0);
    H[i]![i] = (fp - 2 * f0 + fm) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = h[j]!;
      const v = (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

function normInf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/**
 * BFGS quasi-Newton minimisation with an Armijo backtracking line search.
 * The inverse-Hessian approximation starts as the identity, is rescaled
 * after the first step (N&W eq. 6.20) and is only updated when the
 * curvature condition sᵀy > 0 holds, so it stays positive definite. A step
 * that leaves the finite region of `f` is halved like any other failed step.
 */
export function minimizeBfgs(f: Objective, x0: Float64Array, options: BfgsOptions): MinimizeResult {
  const n = x0.length;
  let evaluations = 0;
  const fe: Objective = (x) => {
    evaluations++;
    return f(x);
  };
  const grad = options.gradient ?? ((x: Float64Array) => numericGradient(fe, x));
  let x = Float64Array.from(x0);
  let fx = fe(x);
  if (!Number.isFinite(fx)) {
    return { x, fx, iterations: 0, evaluations, converged: false, gradientNorm: NaN, message: 'objective is not finite at the starting point' };
  }
  let g = grad(x);
  // Inverse Hessian approximation, row-major n×n.
  let H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  let iterations = 0;
  let message = 'iteration limit reached';
  let converged = false;
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const yv = new Float64Array(n);
  const xNew = new Float64Array(n);
  let stalled = 0;
  while (iterations < options.maxIterations) {
    if (normInf(g) <= options.gradientTolerance) {
      converged = true;
      message = 'gradient norm below tolerance';
      break;
    }
    iterations++;
    // p = −H g
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j]! * g[j]!;
      p[i] = v;
      slope += v * g[i]!;
    }
    if (!(slope < 0)) {
      // Not a descent direction (round-off): restart from steepest descent.
      H = new Float64Array(n * n);
      for (let i = 0; i < n; i++) H[i * n + i] = 1;
      slope = 0;
      for (let i = 0; i < n; i++) {
        p[i] = -g[i]!;
        slope -= g[i]! * g[i]!;
      }
    }
    // Keep the first trial step modest in size (parameters are on a log scale).
    let step = 1;
    const pn = normInf(p);
    if (pn * step > 5) step = 5 / pn;
    let fNew = NaN;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * p[i]!;
      fNew = fe(xNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      message = 'line search found no decrease (at the precision of the objective)';
      // Converged in practice when the gradient is already tiny relative to f.
      converged = normInf(g) <= 100 * options.gradientTolerance;
      break;
    }
    const gNew = grad(xNew);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
      sy += s[i]! * yv[i]!;
    }
    const fDrop = fx - fNew;
    x = Float64Array.from(xNew);
    g = gNew;
    if (iterations === 1 && sy > 0) {
      let yy = 0;
      for (let i = 0; i < n; i++) yy += yv[i]! * yv[i]!;
      const scale = sy / yy;
      for (let i = 0; i < n; i++) H[i * n + i] = scale;
    }
    if (sy > 1e-12 * Math.sqrt(normInf(s) * normInf(yv) + 1e-300)) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/sᵀy
      const rho = 1 / sy;
      const Hy = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j]! * yv[j]!;
        Hy[i] = v;
      }
      let yHy = 0;
      for (let i = 0; i < n; i++) yHy += yv[i]! * Hy[i]!;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] = H[i * n + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
        }
      }
    }
    fx = fNew;
    options.onIteration?.({ iterations, fx });
    // Stop on a run of negligible progress (both in f and in x).
    if (fDrop <= 1e-15 * Math.max(1, Math.abs(fx)) && normInf(s) <= 1e-12 * Math.max(1, normInf(x))) {
      stalled++;
      if (stalled >= 3) {
        message = 'no further progress';
        converged = normInf(g) <= 100 * options.gradientTolerance;
        break;
      }
    } else {
      stalled = 0;
    }
  }
  if (!converged && iterations < options.maxIterations && message === 'iteration limit reached') {
    message = 'stopped';
  }
  if (iterations >= options.maxIterations && normInf(g) <= options.gradientTolerance) {
    converged = true;
    message = 'gradient norm below tolerance';
  }
  return { x, fx, iterations, evaluations, converged, gradientNorm: normInf(g), message };
}

/** Options of {@link minimizeNelderMead}. */
export interface NelderMeadOptions {
  /** Stop when the simplex's function values differ by at most this (absolute). */
  fTolerance: number;
  /** …and its vertices lie within this distance of the best one (infinity norm). */
  xTolerance: number;
  /** Iteration cap. */
  maxIterations: number;
  /** Initial simplex: x0 plus `initialStep` along each axis (default 0.1·max(1,|x0ᵢ|)). */
  initialStep?: number;
  /** Called after every iteration with the iterations done and the best objective so far. */
  onIteration?: ((state: { iterations: number; fx: number }) => void) | undefined;
}

/**
 * Nelder–Mead downhill simplex with the standard coefficients. Converged
 * when the spread of function values and of vertices is below the
 * tolerances (as scipy's `fatol`/`xatol`).
 */
export function minimizeNelderMead(f: Objective, x0: Float64Array, options: NelderMeadOptions): MinimizeResult {
  const n = x0.length;
  let evaluations = 0;
  const fe = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const simplex: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(x0);
    v[i] = v[i]! + (options.initialStep ?? 0.1 * Math.max(1, Math.abs(x0[i]!)));
    simplex.push(v);
  }
  let values = simplex.map(fe);
  const order = (): void => {
    const idx = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const s2 = idx.map((i) => simplex[i]!);
    const v2 = idx.map((i) => values[i]!);
    for (let i = 0; i <= n; i++) {
      simplex[i] = s2[i]!;
    }
    values = v2;
  };
  order();
  let iterations = 0;
  let converged = false;
  const centroid = new Float64Array(n);
  const point = (t: number): Float64Array => {
    const worst = simplex[n]!;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = centroid[i]! + t * (worst[i]! - centroid[i]!);
    return out;
  };
  while (iterations < options.maxIterations) {
    let fSpread = 0;
    let xSpread = 0;
    for (let k = 1; k <= n; k++) {
      fSpread = Math.max(fSpread, Math.abs(values[k]! - values[0]!));
      for (let i = 0; i < n; i++) xSpread = Math.max(xSpread, Math.abs(simplex[k]![i]! - simplex[0]![i]!));
    }
    if (fSpread <= options.fTolerance && xSpread <= options.xTolerance) {
      converged = true;
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + simplex[k]![i]! / n;
    const xr = point(-1);
    const fr = fe(xr);
    if (fr < values[0]!) {
      const xe = point(-2);
      const fe2 = fe(xe);
      if (fe2 < fr) {
        simplex[n] = xe;
        values[n] = fe2;
      } else {
        simplex[n] = xr;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]!) {
      simplex[n] = xr;
      values[n] = fr;
    } else {
      const outside = fr < values[n]!;
      const xc = point(outside ? -0.5 : 0.5);
      const fc = fe(xc);
      if (fc < (outside ? fr : values[n]!)) {
        simplex[n] = xc;
        values[n] = fc;
      } else {
        for (let k = 1; k <= n; k++) {
          const v = new Float64Array(n);
          for (let i = 0; i < n; i++) v[i] = simplex[0]![i]! + 0.5 * (simplex[k]![i]! - simplex[0]![i]!);
          simplex[k] = v;
          values[k] = fe(v);
        }
      }
    }
    order();
    options.onIteration?.({ iterations, fx: values[0]! });
  }
  return {
    x: Float64Array.from(simplex[0]!),
    fx: values[0]!,
    iterations,
    evaluations,
    converged,
    gradientNorm: NaN,
    message: converged ? 'simplex spread below tolerance' : 'iteration limit reached',
  };
}
