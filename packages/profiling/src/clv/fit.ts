// Internal: the maximum-likelihood driver shared by the customer-value fits.
// Parameters are positive, so the optimiser works on their logarithms; the
// objective is the mean negative log-likelihood plus an optional L2 penalty
// on the parameters (lifetimes' `penalizer_coef` convention).
import { ConvergenceError } from '@marksman/core';
import { Matrix, inverse } from 'ml-matrix';
import { minimizeBfgs, minimizeNelderMead, numericHessian } from './optimize';

/** How a fit went: the optimiser's report, attached to every fitted model. */
export interface ClvFitReport {
  /** Whether the optimiser met its convergence test (‖∇‖∞ of the mean objective in log-parameters below `tolerance`). */
  readonly converged: boolean;
  /** Optimiser iterations, all stages together. */
  readonly iterations: number;
  /** Objective evaluations, all stages together. */
  readonly evaluations: number;
  /** Infinity norm of the final gradient of the mean objective with respect to the log-parameters. */
  readonly gradientNorm: number;
  /** The stages run, e.g. `'bfgs'` or `'bfgs → nelder-mead → bfgs'`. */
  readonly method: string;
  /** Why the optimiser stopped. */
  readonly message: string;
}

export interface FitProblem {
  source: string;
  /** Total log-likelihood at natural (positive) parameters; may be −∞/NaN outside the valid region. */
  logLikelihood: (theta: Float64Array) => number;
  /** Starting point (natural parameters, all > 0). */
  start: readonly number[];
  n: number;
  penalty: number;
  maxIterations: number;
  tolerance: number;
}

export interface FitOutcome {
  theta: Float64Array;
  logLikelihood: number;
  standardErrors: Float64Array;
  report: ClvFitReport;
}

/** Maximises the (penalised) likelihood; throws E_DIVERGED when no finite optimum is reached. */
export function fitByMaximumLikelihood(p: FitProblem): FitOutcome {
  const { n, penalty } = p;
  const objectiveNatural = (theta: Float64Array): number => {
    const ll = p.logLikelihood(theta);
    if (!Number.isFinite(ll)) return Infinity;
    let pen = 0;
    if (penalty > 0) for (let i = 0; i < theta.length; i++) pen += theta[i]! * theta[i]!;
    return -ll / n + penalty * pen;
  };
  const objective = (u: Float64Array): number => {
    const theta = new Float64Array(u.length);
    for (let i = 0; i < u.length; i++) theta[i] = Math.exp(u[i]!);
    return objectiveNatural(theta);
  };
  const u0 = Float64Array.from(p.start, Math.log);
  let r = minimizeBfgs(objective, u0, { gradientTolerance: p.tolerance, maxIterations: p.maxIterations });
  let iterations = r.iterations;
  let evaluations = r.evaluations;
  let method = 'bfgs';
  if (!r.converged && iterations < p.maxIterations) {
    // Robust restart: a simplex search from the best point, then BFGS again to polish and to test the gradient.
    const nm = minimizeNelderMead(objective, Number.isFinite(r.fx) ? r.x : u0, {
      fTolerance: 1e-12,
      xTolerance: 1e-9,
      maxIterations: Math.max(200, p.maxIterations * 5),
    });
    const polish = minimizeBfgs(objective, nm.x, { gradientTolerance: p.tolerance, maxIterations: p.maxIterations });
    iterations += nm.iterations + polish.iterations;
    evaluations += nm.evaluations + polish.evaluations;
    method = 'bfgs → nelder-mead → bfgs';
    r = polish.fx <= r.fx || !Number.isFinite(r.fx) ? polish : r;
  }
  if (!Number.isFinite(r.fx)) {
    throw new ConvergenceError('E_DIVERGED', `${p.source}: the log-likelihood is not finite at any point the optimiser tried; check the input.`, { source: p.source });
  }
  const theta = Float64Array.from(r.x, Math.exp);
  for (const v of theta) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new ConvergenceError('E_DIVERGED', `${p.source}: a parameter ran off to ${v}; the data do not identify the model.`, { source: p.source });
    }
  }
  return {
    theta,
    logLikelihood: p.logLikelihood(theta),
    standardErrors: standardErrors((t) => n * objectiveNatural(t), theta),
    report: { converged: r.converged, iterations, evaluations, gradientNorm: r.gradientNorm, method, message: r.message },
  };
}

/**
 * Asymptotic standard errors: square roots of the diagonal of the inverse of
 * the observed information (the Hessian of the total negative
 * log-likelihood, by central differences). NaN where the Hessian is not
 * positive definite.
 */
export function standardErrors(totalObjective: (theta: Float64Array) => number, theta: Float64Array): Float64Array {
  const k = theta.length;
  const out = new Float64Array(k).fill(NaN);
  const H = numericHessian(totalObjective, theta);
  if (H.some((row) => row.some((v) => !Number.isFinite(v)))) return out;
  let cov: Matrix;
  try {
    cov = inverse(new Matrix(H));
  } catch {
    return out;
  }
  for (let i = 0; i < k; i++) {
    const v = cov.get(i, i);
    out[i] = v > 0 ? Math.sqrt(v) : NaN;
  }
  return out;
}
