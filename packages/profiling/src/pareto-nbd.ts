import { logGamma } from '@marksman/core';
import { checkCount, checkCustomer, checkHorizon, checkParams, checkTimeUnit, readFitInfo, readModelJson } from './clv/check';
import { compress } from './clv/compress';
import type { Patterns } from './clv/compress';
import { parameterSummary } from './clv/diagnostics';
import type { ClvDiagnostic, ClvParameterSummary } from './clv/diagnostics';
import { REPEAT_FIT_DEFAULTS, fitRepeatModel } from './clv/fit-model';
import type { RepeatFitDefaults } from './clv/fit-model';
import type { ClvFitInfo } from './clv/fit-info';
import type { ClvFitProgress } from './clv/fit';
import type { ClvCustomer, ClvInput } from './clv/input';
import { integrate, logAddExp, logParetoAlive, logParetoDeath, oneMinusPowOverK } from './clv/special';
import type { ClvTimeUnit } from './time-unit';

/** Pareto/NBD parameters: purchase rates λ ~ Gamma(shape r, rate alpha); dropout rates μ ~ Gamma(shape s, rate beta). */
export interface ParetoNbdParams {
  /** Shape of the purchase-rate gamma distribution. */
  readonly r: number;
  /** Rate of the purchase-rate gamma distribution, in 1 / time unit. */
  readonly alpha: number;
  /** Shape of the dropout-rate gamma distribution. */
  readonly s: number;
  /** Rate of the dropout-rate gamma distribution, in 1 / time unit. */
  readonly beta: number;
}

/** Options of {@link fitParetoNbd}. */
export interface FitParetoNbdOptions {
  /** L2 penalty coefficient on the parameters, added to the mean negative log-likelihood (default 0). */
  readonly penalty?: number;
  /**
   * Iteration cap, an integer between 1 and 1,000,000 (default 500): BFGS runs at
   * most this many iterations; when it stalls earlier, a Nelder–Mead restart and a
   * second BFGS run get at most as many each. Every iteration costs a bounded number
   * of likelihood evaluations, so this bounds the work of the fit.
   */
  readonly maxIterations?: number;
  /** Convergence tolerance on ‖∇‖∞ of the mean objective in log-parameters, in (0, 1] (default 1e-7). */
  readonly tolerance?: number;
  /** Called after every optimiser iteration with the stage, iteration, evaluations and objective (default none). */
  readonly onProgress?: ((progress: ClvFitProgress) => void) | null;
  /** Stops the fit with an `AbortError` (`E_ABORTED`) between likelihood evaluations (default none). */
  readonly signal?: AbortSignal | null;
  /** Starting point (default r = alpha = s = beta = 1). */
  readonly initialParams?: ParetoNbdParams | undefined;
  /** Time unit of the rows, when they do not come from {@link summarizeForClv}. */
  readonly timeUnit?: ClvTimeUnit | undefined;
}

/** The plain-object form of a {@link ParetoNbdModel}. */
export interface ParetoNbdModelJSON {
  /** Always `'pareto-nbd'`. */
  readonly model: 'pareto-nbd';
  /** Format version: 2 (1 or absent in files written by earlier versions, which are still read). */
  readonly version?: 1 | 2;
  /** The parameters. */
  readonly params: ParetoNbdParams;
  /** Time unit of the parameters, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts, when the model was fitted. */
  readonly fit: ClvFitInfo<ParetoNbdParams> | undefined;
}

const SOURCE = 'ParetoNbdModel';
const NAMES = ['r', 'alpha', 's', 'beta'] as const;

/**
 * A Pareto/NBD model of repeat buying (Schmittlein, Morrison & Colombo
 * 1987): while alive a customer buys as a Poisson process with rate λ; her
 * lifetime is exponential with rate μ. Built by {@link fitParetoNbd} or from
 * known parameters.
 *
 * @example
 * ```ts
 * import { ParetoNbdModel } from '@marksman/profiling';
 * const m = new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 'week');
 * m.expectedPurchases(39).toFixed(4); // => '1.2130'
 * ```
 */
export class ParetoNbdModel {
  /** The parameters. */
  readonly params: ParetoNbdParams;
  /** Time unit of the rates and of every time argument, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts; undefined for a model built from given parameters. */
  readonly fit: ClvFitInfo<ParetoNbdParams> | undefined;

  /**
   * @param params - r, alpha, s, beta (all > 0)
   * @param timeUnit - unit of the time arguments, when known
   * @param fit - fit facts (set by {@link fitParetoNbd})
   * @throws `OptionsError` `E_CLV_PARAMS` for a parameter that is not finite and > 0, or an unknown one;
   *   `E_CLV_TIME_UNIT` for a time unit other than 'day', 'week', 'month' or undefined
   * @throws `ValidationError` `E_CLV_JSON` for malformed fit facts
   */
  constructor(params: ParetoNbdParams, timeUnit?: ClvTimeUnit, fit?: ClvFitInfo<ParetoNbdParams>) {
    checkParams(SOURCE, params as unknown as Record<string, number>, NAMES);
    this.params = Object.freeze({ r: params.r, alpha: params.alpha, s: params.s, beta: params.beta });
    this.timeUnit = checkTimeUnit(SOURCE, timeUnit);
    this.fit = readFitInfo<ParetoNbdParams>(SOURCE, fit, NAMES);
  }

  /** Total log-likelihood of the fit (NaN for a model built from parameters). */
  get logLikelihood(): number {
    return this.fit?.logLikelihood ?? NaN;
  }

  /** Asymptotic standard errors of the fitted parameters (NaN for a model built from parameters). */
  get standardErrors(): ParetoNbdParams {
    return this.fit?.standardErrors ?? { r: NaN, alpha: NaN, s: NaN, beta: NaN };
  }

  /**
   * Whether the optimiser converged (true for a model built from given
   * parameters). It says nothing about whether the data identify the
   * parameters: read {@link ParetoNbdModel.diagnostics} for that.
   */
  get converged(): boolean {
    return this.fit?.report.converged ?? true;
  }

  /**
   * What the fit says about how far it can be trusted, most severe first
   * (see {@link ClvDiagnostic}); empty for a model built from given parameters.
   */
  get diagnostics(): readonly ClvDiagnostic[] {
    return this.fit?.diagnostics ?? [];
  }

  /**
   * The parameter table: estimate, standard error and interval
   * exp(ln θ ± z·SE(ln θ)) of each parameter (see {@link BgNbdModel.summary}).
   *
   * Costs O(1).
   *
   * @param level - coverage of the intervals, in (0, 1) (default 0.95)
   * @throws `OptionsError` `E_CLV_OPTION` for a level outside (0, 1)
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }).summary().map((row) => row.parameter); // => ['r', 'alpha', 's', 'beta']
   * ```
   */
  summary(level = 0.95): ClvParameterSummary[] {
    return parameterSummary(`${SOURCE}.summary`, NAMES, this.params as unknown as Record<string, number>, this.fit?.standardErrors as Record<string, number> | undefined, level);
  }

  /**
   * Expected purchases in (0, t] of a customer picked at random:
   * rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)] (the s = 1 limit is (rβ/α)·ln(1 + t/β)).
   *
   * Costs O(1).
   *
   * @param t - horizon, ≥ 0
   * @throws `OptionsError` `E_CLV_HORIZON` for a t that is not a number in [0, 1e6]
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * new ParetoNbdModel({ r: 1, alpha: 2, s: 1, beta: 3 }).expectedPurchases(3).toFixed(4); // => '1.0397'
   * ```
   */
  expectedPurchases(t: number): number {
    checkHorizon(`${SOURCE}.expectedPurchases`, t);
    const { r, alpha, s, beta } = this.params;
    return ((r * beta) / alpha) * oneMinusPowOverK(s - 1, Math.log(beta / (beta + t)));
  }

  /**
   * Probability that a customer with history (x, t_x, T) is still alive:
   * 1 / [1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀].
   *
   * Costs O(terms of two ₂F₁ series).
   *
   * @param customer - `{ frequency, recency, T }`
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * const m = new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 });
   * m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '0.8692'
   * ```
   */
  probabilityAlive(customer: ClvCustomer): number {
    checkCustomer(`${SOURCE}.probabilityAlive`, customer);
    return this.probabilityAliveRaw(customer.frequency, customer.recency, customer.T);
  }

  private probabilityAliveRaw(x: number, tx: number, T: number): number {
    const { r, alpha, s, beta } = this.params;
    const death = logParetoDeath(r, alpha, s, beta, x, tx, T);
    if (death === -Infinity) return 1;
    const logOdds = death - logParetoAlive(r, alpha, s, beta, x, T);
    return 1 / (1 + Math.exp(logOdds));
  }

  /**
   * Expected purchases in the next t time units of a customer with history
   * (x, t_x, T): (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] ·
   * P(alive).
   *
   * Costs O(terms of two ₂F₁ series).
   *
   * @param t - horizon from the end of the customer's period, ≥ 0
   * @param customer - `{ frequency, recency, T }`
   * @throws `OptionsError` `E_CLV_HORIZON` for a t that is not a number in [0, 1e6]
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * const m = new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 });
   * m.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '1.4551'
   * ```
   */
  conditionalExpectedPurchases(t: number, customer: ClvCustomer): number {
    const source = `${SOURCE}.conditionalExpectedPurchases`;
    checkHorizon(source, t);
    checkCustomer(source, customer);
    const { r, alpha, s, beta } = this.params;
    const x = customer.frequency;
    const T = customer.T;
    const rate = ((r + x) * (beta + T)) / (alpha + T);
    return rate * oneMinusPowOverK(s - 1, Math.log((beta + T) / (beta + T + t))) * this.probabilityAliveRaw(x, customer.recency, T);
  }

  /**
   * Probability that a customer picked at random makes exactly n purchases in
   * (0, t]: the customer is alive at t and made n purchases, or died at some
   * τ ≤ t after n purchases,
   * P = NBD(n; r, α, t)·(β/(β+t))^s + Γ(r+n)/(Γ(r) n!) α^r s β^s ∫₀ᵗ τⁿ (α+τ)^−(r+n) (β+τ)^−(s+1) dτ
   * (the integral that Fader & Hardie 2006 close with ₂F₁; here by adaptive
   * Gauss–Legendre quadrature).
   *
   * Costs O(quadrature nodes), typically a few hundred evaluations.
   *
   * @param n - number of purchases, an integer ≥ 0
   * @param t - horizon, ≥ 0
   * @throws `OptionsError` `E_CLV_HORIZON` for an n that is not an integer in [0, 1e6] or a t outside [0, 1e6]
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * const m = new ParetoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 });
   * m.probabilityOfPurchases(0, 39).toFixed(4); // => '0.5936'
   * ```
   */
  probabilityOfPurchases(n: number, t: number): number {
    const source = `${SOURCE}.probabilityOfPurchases`;
    checkHorizon(source, t);
    checkCount(source, n);
    if (t === 0) return n === 0 ? 1 : 0;
    const { r, alpha, s, beta } = this.params;
    const lc = logGamma(r + n) - logGamma(r) - logGamma(n + 1);
    const alive = Math.exp(lc + r * Math.log(alpha / (alpha + t)) + n * Math.log(t / (alpha + t)) + s * Math.log(beta / (beta + t)));
    const logPre = lc + r * Math.log(alpha) + Math.log(s) + s * Math.log(beta);
    const integrand = (tau: number): number =>
      tau <= 0 && n > 0 ? 0 : Math.exp(logPre + (n > 0 ? n * Math.log(tau) : 0) - (r + n) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau));
    return alive + integrate(integrand, 0, t);
  }

  /**
   * Rebuilds a model from {@link ParetoNbdModel.toJSON}'s output (for instance after
   * `JSON.parse`); parameters are validated again.
   *
   * @param json - what `toJSON()` returned
   * @throws `OptionsError` `E_CLV_PARAMS` when `json` is not a pareto-nbd model or its parameters are invalid, `E_CLV_TIME_UNIT` for a bad time unit
   * @throws `ValidationError` `E_CLV_JSON` for an unknown field, a version other than 1 or 2, or malformed fit facts
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, timeUnit: 'week', fit: undefined }).params.r; // => 0.553
   * ```
   */
  static fromJSON(json: ParetoNbdModelJSON): ParetoNbdModel {
    const r = readModelJson<ParetoNbdParams>(`${SOURCE}.fromJSON`, json, 'pareto-nbd', NAMES, ['model', 'version', 'params', 'timeUnit', 'fit']);
    return new ParetoNbdModel(r.params, r.timeUnit, r.fit);
  }

  /**
   * The model as a plain object, for JSON.
   *
   * @example
   * ```ts
   * import { ParetoNbdModel } from '@marksman/profiling';
   * new ParetoNbdModel({ r: 1, alpha: 2, s: 3, beta: 4 }).toJSON().model; // => 'pareto-nbd'
   * ```
   */
  toJSON(): ParetoNbdModelJSON {
    return { model: 'pareto-nbd', version: 2, params: this.params, timeUnit: this.timeUnit, fit: this.fit };
  }
}

/**
 * Cumulative conditional expected purchases of one customer at several
 * horizons, with P(alive) (the costly death term) computed once (internal;
 * same values as conditionalExpectedPurchases at each horizon).
 */
export function paretoExpectedPath(model: ParetoNbdModel, customer: ClvCustomer, times: ArrayLike<number>): Float64Array {
  const { r, alpha, s, beta } = model.params;
  const x = customer.frequency;
  const T = customer.T;
  const scale = (((r + x) * (beta + T)) / (alpha + T)) * model.probabilityAlive(customer);
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = scale * oneMinusPowOverK(s - 1, Math.log((beta + T) / (beta + T + times[i]!)));
  return out;
}

const DEATH_GRAD = new Float64Array(4);

/**
 * Total log-likelihood over the patterns and, when `grad` is given, its
 * gradient in (ln r, ln α, ln s, ln β): per pattern, the ln Γ ratio gives
 * r·Σ_{j<x} 1/(r+j) in ln r, and ln(e^alive + e^death) gives the two terms'
 * gradients weighted by their shares of the likelihood.
 */
function paretoNbdLogLikelihood(p: Patterns, theta: Float64Array, grad: Float64Array | null = null): number {
  const r = theta[0]!;
  const alpha = theta[1]!;
  const s = theta[2]!;
  const beta = theta[3]!;
  const m = p.xs.length;
  const common = p.scratch;
  const digamma = p.scratch2;
  const lgR = logGamma(r);
  // Σ_{j<x} 1/(r+j) for each distinct x, in one sweep up the sorted frequencies.
  let acc = 0;
  let upTo = 0;
  for (let j = 0; j < m; j++) {
    const x = p.xs[j]!;
    common[j] = logGamma(r + x) - lgR;
    if (grad !== null) {
      for (; upTo < x; upTo++) acc += 1 / (r + upTo);
      digamma[j] = r * acc;
    }
  }
  let total = 0;
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let g3 = 0;
  const dg = grad === null ? null : DEATH_GRAD;
  for (let i = 0; i < p.k; i++) {
    const x = p.x[i]!;
    const T = p.T[i]!;
    const w = p.w[i]!;
    const alive = logParetoAlive(r, alpha, s, beta, x, T);
    const death = logParetoDeath(r, alpha, s, beta, x, p.tx[i]!, T, dg);
    total += w * (common[p.xi[i]!]! + logAddExp(alive, death));
    if (dg !== null) {
      // share of the death term in the likelihood: 1 / (1 + e^(alive − death))
      const d = death - alive;
      const wd = death === -Infinity ? 0 : d > 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
      const wa = 1 - wd;
      g0 += w * (digamma[p.xi[i]!]! + wa * -r * Math.log1p(T / alpha) + wd * dg[0]!);
      g1 += w * (wa * (r - ((r + x) * alpha) / (alpha + T)) + wd * dg[1]!);
      g2 += w * (wa * -s * Math.log1p(T / beta) + wd * dg[2]!);
      g3 += w * (wa * ((s * T) / (beta + T)) + wd * dg[3]!);
    }
  }
  if (grad !== null) {
    grad[0] = g0;
    grad[1] = g1;
    grad[2] = g2;
    grad[3] = g3;
  }
  return total;
}

const DEFAULTS: Readonly<RepeatFitDefaults<ParetoNbdParams>> = REPEAT_FIT_DEFAULTS;

/**
 * Fits the Pareto/NBD model by maximum likelihood (Fader & Hardie 2005 note,
 * eq. 22), in log space: the death term is the closed form with two ₂F₁
 * series where they converge fast, and adaptive Gauss–Kronrod quadrature of
 * the same integral where one of α, β dwarfs the other (there the series
 * would need millions of terms); α^r β^s is folded in with log1p so that no
 * s·ln β is formed and cancelled. BFGS on (ln r, ln α, ln s, ln s/β) with
 * the exact gradient (summed in the same pass as the likelihood: the
 * derivatives of the series, or the means of the log-integrand's derivatives
 * on the quadrature's panels), Nelder–Mead restart when it stalls, standard
 * errors from the observed information (central differences of the exact
 * gradient). Customers with identical (x, t_x, T) are evaluated once. Same
 * interface and guarantees as {@link fitBgNbd}.
 *
 * When dropout is nearly the same for every customer, the likelihood keeps
 * rising as s and β grow together: the fit then stops where the gradient
 * vanishes, with large s and β whose ratio s/β is the estimated dropout rate
 * (their standard errors are large or NaN; s/β is what the data pin down).
 *
 * Costs O(patterns × (series terms or quadrature nodes)) per likelihood
 * and gradient evaluation, at most about 3,000 integrand evaluations per
 * pattern; a fit takes a few dozen evaluations.
 *
 * @param summary - the result of {@link summarizeForClv}, or rows `{ frequency, recency, T }`
 * @param options - penalty, iteration cap, tolerance, onProgress, signal, starting point, time unit
 * @returns the fitted {@link ParetoNbdModel}
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY` (a bad row, with its row and field), `E_CLV_NO_REPEATS`
 * @throws `OptionsError` `E_CLV_OPTION`, `E_CLV_TIME_UNIT`, `E_CLV_PARAMS` (bad initialParams), `E_OPTION_UNKNOWN`
 * @throws `ConvergenceError` `E_DIVERGED` when no finite optimum is found
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { fitParetoNbd } from '@marksman/profiling';
 * const rows = [
 *   { frequency: 2, recency: 30.4, T: 38.9 }, { frequency: 1, recency: 1.7, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 7, recency: 29.4, T: 38.9 },
 *   { frequency: 1, recency: 5, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
 * ];
 * fitParetoNbd(rows).logLikelihood < 0; // => true
 * ```
 */
export function fitParetoNbd(summary: ClvInput, options?: FitParetoNbdOptions): ParetoNbdModel {
  return fitRepeatModel(summary, options, {
    source: 'fitParetoNbd',
    model: 'pareto-nbd',
    names: NAMES,
    defaults: DEFAULTS,
    start: { r: 1, alpha: 1, s: 1, beta: 1 },
    likelihood: (cols) => {
      const patterns = compress(cols);
      return {
        logLikelihood: (theta) => paretoNbdLogLikelihood(patterns, theta),
        logLikelihoodGradient: (theta, grad) => paretoNbdLogLikelihood(patterns, theta, grad),
        // Coordinates (ln r, ln α, ln s, ln s/β): when dropout is nearly the same for
        // everybody the likelihood keeps rising as s and β grow together with s/β
        // fixed; in these coordinates that ridge is the ln s axis alone, along which
        // the gradient vanishes like 1/s, so the search stops instead of crawling.
        toNatural: (u) => Float64Array.of(Math.exp(u[0]!), Math.exp(u[1]!), Math.exp(u[2]!), Math.exp(u[2]! - u[3]!)),
        fromNatural: (t) => Float64Array.of(Math.log(t[0]!), Math.log(t[1]!), Math.log(t[2]!), Math.log(t[2]!) - Math.log(t[3]!)),
        // ∂/∂u from ∂/∂(ln r, ln α, ln s, ln β): ln β = u₂ − u₃.
        pullLogGradient: (g) => Float64Array.of(g[0]!, g[1]!, g[2]! + g[3]!, -g[3]!),
        holdoutPatterns: patterns,
      };
    },
    build: (params, timeUnit, _context, fit) => new ParetoNbdModel(params, timeUnit, fit),
  });
}
