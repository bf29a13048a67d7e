// Internal: the maximum-likelihood driver shared by the customer-value fits.
// Parameters are positive, so the optimiser works on their logarithms; the
// objective is the mean negative log-likelihood plus an optional L2 penalty
// on the parameters (lifetimes' `penalizer_coef` convention).
import { ConvergenceError, throwIfAborted } from '@marksman/core';
import { minimizeBfgs, minimizeNelderMead } from './optimize';
import { inverseSpd, logParameterHessian, logParameterHessianFromGradient } from './uncertainty';

/** How a fit went: the optimiser's report, attached to every fitted model. */
export interface ClvFitReport {
  /** Whether the optimiser met its convergence test (‖∇‖∞ of the mean objective in the optimiser's log-coordinates below `tolerance`). */
  readonly converged: boolean;
  /** Optimiser iterations, all stages together. */
  readonly iterations: number;
  /** Objective evaluations, all stages together (a fit with an exact gradient, such as Pareto/NBD's, computes it in the same pass and counts the pass once). */
  readonly evaluations: number;
  /** Infinity norm of the final gradient of the mean objective with respect to the optimiser's log-coordinates. */
  readonly gradientNorm: number;
  /** The stages run, e.g. `'bfgs'` or `'bfgs → nelder-mead → bfgs'`. */
  readonly method: string;
  /** Why the optimiser stopped. */
  readonly message: string;
}

/** One step of a customer-value fit, as passed to the `onProgress` option of the fits. */
export interface ClvFitProgress {
  /** The optimiser stage: `'bfgs'`, the `'nelder-mead'` restart, or the final `'polish'` (BFGS again). */
  readonly stage: 'bfgs' | 'nelder-mead' | 'polish';
  /** Iterations so far, all stages together. */
  readonly iteration: number;
  /** Likelihood evaluations so far, all stages together. */
  readonly evaluations: number;
  /** The objective at the current best point: mean negative log-likelihood plus the penalty. */
  readonly objective: number;
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
  /**
   * The optimiser's coordinates → natural parameters (default: exp of each
   * coordinate, i.e. log-parameters), and back. A model whose likelihood has
   * a flat ridge along some combination of parameters can choose coordinates
   * in which the ridge is a single axis.
   */
  toNatural?: ((u: Float64Array) => Float64Array) | undefined;
  fromNatural?: ((theta: readonly number[]) => Float64Array) | undefined;
  /**
   * Total log-likelihood at natural parameters that also writes its gradient
   * with respect to ln θ into `grad` (optional: without it the optimiser
   * differentiates numerically). With it, BFGS uses the exact gradient and
   * the observed information comes from central differences of the gradient.
   */
  logLikelihoodGradient?: ((theta: Float64Array, grad: Float64Array) => number) | undefined;
  /**
   * The gradient in ln θ → the gradient in the optimiser's coordinates
   * (default: the same; needed with `logLikelihoodGradient` when `toNatural`
   * is not exp of each coordinate; the coordinates must be linear in ln θ).
   */
  pullLogGradient?: ((g: Float64Array) => Float64Array) | undefined;
  /** Called after every optimiser iteration. */
  onProgress?: ((p: ClvFitProgress) => void) | null | undefined;
  /** Stops the fit (with an AbortError) between likelihood evaluations. */
  signal?: AbortSignal | null | undefined;
}

export interface FitOutcome {
  theta: Float64Array;
  logLikelihood: number;
  /** θᵢ·√Σᵢᵢ (the delta method from the log scale); NaN where the information is not positive definite. */
  standardErrors: Float64Array;
  /** Observed information in log-parameters (Hessian of the total penalised objective in ln θ), or null when not finite. */
  logHessian: number[][] | null;
  /** Its inverse, the covariance of ln θ, or null when it is not positive definite. */
  covariance: number[][] | null;
  report: ClvFitReport;
}

const expAll = (u: Float64Array): Float64Array => Float64Array.from(u, Math.exp);
const logAll = (theta: readonly number[]): Float64Array => Float64Array.from(theta, Math.log);

/**
 * Maximises the (penalised) likelihood; throws E_DIVERGED when no finite
 * optimum is reached. The work is bounded by `maxIterations`: at most
 * maxIterations BFGS iterations, then (when BFGS stalled before its cap) at
 * most maxIterations Nelder–Mead iterations and maxIterations BFGS
 * iterations more; each iteration costs a bounded number of likelihood
 * evaluations.
 */
export function fitByMaximumLikelihood(p: FitProblem): FitOutcome {
  const { n, penalty, source } = p;
  const toNatural = p.toNatural ?? expAll;
  const fromNatural = p.fromNatural ?? logAll;
  const signal = p.signal ?? undefined;
  let evaluations = 0;
  const objectiveNatural = (theta: Float64Array): number => {
    const ll = p.logLikelihood(theta);
    if (!Number.isFinite(ll)) return Infinity;
    let pen = 0;
    if (penalty > 0) for (let i = 0; i < theta.length; i++) pen += theta[i]! * theta[i]!;
    return -ll / n + penalty * pen;
  };
  const objective = (u: Float64Array): number => {
    throwIfAborted(signal, source);
    evaluations++;
    return objectiveNatural(toNatural(u));
  };
  const withGradient = p.logLikelihoodGradient;
  const pull = p.pullLogGradient ?? ((g: Float64Array) => g);
  // Objective and its gradient in ln θ (NaN where the likelihood is not finite).
  const objectiveWithLogGradient = (theta: Float64Array, g: Float64Array): number => {
    const ll = withGradient!(theta, g);
    for (let i = 0; i < g.length; i++) g[i] = Number.isFinite(ll) ? -g[i]! / n + 2 * penalty * theta[i]! * theta[i]! : NaN;
    if (!Number.isFinite(ll)) return Infinity;
    let pen = 0;
    if (penalty > 0) for (let i = 0; i < theta.length; i++) pen += theta[i]! * theta[i]!;
    return -ll / n + penalty * pen;
  };
  // With an exact gradient, BFGS's line search evaluates value and gradient together (the
  // gradient costs a fraction of a value here) and the gradient at the accepted point comes
  // from this cache instead of a second pass over the data.
  const cachedU = new Float64Array(p.start.length).fill(NaN);
  const cachedGradient = new Float64Array(p.start.length);
  const bfgsObjective =
    withGradient === undefined
      ? objective
      : (u: Float64Array): number => {
          throwIfAborted(signal, source);
          evaluations++;
          const v = objectiveWithLogGradient(toNatural(u), cachedGradient);
          cachedU.set(u);
          return v;
        };
  const gradient =
    withGradient === undefined
      ? undefined
      : (u: Float64Array): Float64Array => {
          if (!u.every((v, i) => v === cachedU[i])) bfgsObjective(u);
          return pull(cachedGradient.slice());
        };
  let iterationsBefore = 0;
  const progress = (stage: ClvFitProgress['stage']) =>
    p.onProgress
      ? (it: { iterations: number; fx: number }): void => p.onProgress!({ stage, iteration: iterationsBefore + it.iterations, evaluations, objective: it.fx })
      : undefined;
  const u0 = fromNatural(p.start);
  let r = minimizeBfgs(bfgsObjective, u0, { gradient, gradientTolerance: p.tolerance, maxIterations: p.maxIterations, onIteration: progress('bfgs') });
  let iterations = r.iterations;
  let method = 'bfgs';
  if (!r.converged && Number.isFinite(r.fx) && iterations < p.maxIterations) {
    // Robust restart: a simplex search from the best point, then BFGS again to polish and to test the gradient.
    iterationsBefore = iterations;
    const nm = minimizeNelderMead(objective, r.x, { fTolerance: 1e-12, xTolerance: 1e-9, maxIterations: p.maxIterations, onIteration: progress('nelder-mead') });
    iterationsBefore += nm.iterations;
    const polish = minimizeBfgs(bfgsObjective, nm.x, { gradient, gradientTolerance: p.tolerance, maxIterations: p.maxIterations, onIteration: progress('polish') });
    iterations += nm.iterations + polish.iterations;
    method = 'bfgs → nelder-mead → bfgs';
    r = polish.fx <= r.fx ? polish : r;
  }
  if (!Number.isFinite(r.fx)) {
    throw new ConvergenceError('E_DIVERGED', `${source}: the log-likelihood is not finite at any point the optimiser tried; check the input.`, { source });
  }
  const theta = toNatural(r.x);
  for (const v of theta) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new ConvergenceError('E_DIVERGED', `${source}: a parameter ran off to ${v}; the data do not identify the model.`, { source });
    }
  }
  throwIfAborted(signal, source);
  const logHessian =
    withGradient === undefined
      ? logParameterHessian((t) => n * objectiveNatural(t), theta)
      : logParameterHessianFromGradient((t) => {
          const g = new Float64Array(t.length);
          objectiveWithLogGradient(t, g);
          return g.map((v) => n * v);
        }, theta);
  const covariance = logHessian === null ? null : inverseSpd(logHessian);
  return {
    theta,
    logLikelihood: p.logLikelihood(theta),
    standardErrors: Float64Array.from(theta, (v, i) => (covariance === null ? NaN : v * Math.sqrt(covariance[i]![i]!))),
    logHessian,
    covariance,
    report: { converged: r.converged, iterations, evaluations, gradientNorm: r.gradientNorm, method, message: r.message },
  };
}
