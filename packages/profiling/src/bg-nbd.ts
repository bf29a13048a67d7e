import { OptionsError, StateError, logGamma } from '@marksman/core';
import { checkCount, checkCustomer, checkHorizon, checkParams, checkTimeUnit, readFitInfo, readModelJson } from './clv/check';
import { compress } from './clv/compress';
import { parameterSummary } from './clv/diagnostics';
import type { ClvDiagnostic, ClvParameterSummary } from './clv/diagnostics';
import { REPEAT_FIT_DEFAULTS, fitRepeatModel } from './clv/fit-model';
import type { RepeatFitDefaults } from './clv/fit-model';
import type { ClvFitInfo } from './clv/fit-info';
import type { ClvFitProgress } from './clv/fit';
import type { ClvCustomer, ClvInput } from './clv/input';
import { logAddExp, logBeta, logHyp2f1 } from './clv/special';
import type { ClvTimeUnit } from './time-unit';

/** BG/NBD parameters: purchase rates λ ~ Gamma(shape r, rate alpha); dropout probabilities p ~ Beta(a, b). */
export interface BgNbdParams {
  /** Shape of the purchase-rate gamma distribution. */
  readonly r: number;
  /** Rate (inverse scale) of the purchase-rate gamma distribution, in 1 / time unit. */
  readonly alpha: number;
  /** First shape of the dropout-probability beta distribution. */
  readonly a: number;
  /** Second shape of the dropout-probability beta distribution. */
  readonly b: number;
}

/** Options of {@link fitBgNbd}. */
export interface FitBgNbdOptions {
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
  /** Starting point (default r = alpha = a = b = 1). */
  readonly initialParams?: BgNbdParams | undefined;
  /** Time unit of the rows, when they do not come from {@link summarizeForClv} (needed by {@link customerLifetimeValue}). */
  readonly timeUnit?: ClvTimeUnit | undefined;
}

/** The plain-object form of a {@link BgNbdModel}. */
export interface BgNbdModelJSON {
  /** Always `'bg-nbd'`. */
  readonly model: 'bg-nbd';
  /** Format version: 2 (1 or absent in files written by earlier versions, which are still read). */
  readonly version?: 1 | 2;
  /** The parameters. */
  readonly params: BgNbdParams;
  /** Time unit of the parameters, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts, when the model was fitted. */
  readonly fit: ClvFitInfo<BgNbdParams> | undefined;
}

const SOURCE = 'BgNbdModel';
const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * A BG/NBD ("beta-geometric / negative binomial distribution") model of
 * repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys as a Poisson process with rate λ; after
 * each purchase she drops out with probability p. Built by {@link fitBgNbd},
 * or from known parameters with `new BgNbdModel(params)`.
 *
 * @example
 * ```ts
 * import { BgNbdModel } from '@marksman/profiling';
 * const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
 * m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 }); // => 1
 * ```
 */
export class BgNbdModel {
  /** The parameters. */
  readonly params: BgNbdParams;
  /** Time unit of `alpha` and of every time argument, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts; undefined for a model built from given parameters. */
  readonly fit: ClvFitInfo<BgNbdParams> | undefined;

  /**
   * @param params - r, alpha, a, b (all > 0)
   * @param timeUnit - unit of the time arguments, when known
   * @param fit - fit facts (set by {@link fitBgNbd})
   * @throws `OptionsError` `E_CLV_PARAMS` for a parameter that is not finite and > 0, or an unknown one;
   *   `E_CLV_TIME_UNIT` for a time unit other than 'day', 'week', 'month' or undefined
   * @throws `ValidationError` `E_CLV_JSON` for malformed fit facts
   */
  constructor(params: BgNbdParams, timeUnit?: ClvTimeUnit, fit?: ClvFitInfo<BgNbdParams>) {
    checkParams(SOURCE, params as unknown as Record<string, number>, NAMES);
    this.params = Object.freeze({ r: params.r, alpha: params.alpha, a: params.a, b: params.b });
    this.timeUnit = checkTimeUnit(SOURCE, timeUnit);
    this.fit = readFitInfo<BgNbdParams>(SOURCE, fit, NAMES);
  }

  /** Total log-likelihood of the fit (NaN for a model built from parameters). */
  get logLikelihood(): number {
    return this.fit?.logLikelihood ?? NaN;
  }

  /** Asymptotic standard errors of the fitted parameters (NaN for a model built from parameters). */
  get standardErrors(): BgNbdParams {
    return this.fit?.standardErrors ?? { r: NaN, alpha: NaN, a: NaN, b: NaN };
  }

  /**
   * Whether the optimiser converged (true for a model built from given
   * parameters: nothing was optimised). It says nothing about whether the
   * data identify the parameters: read {@link BgNbdModel.diagnostics} for that.
   */
  get converged(): boolean {
    return this.fit?.report.converged ?? true;
  }

  /**
   * What the fit says about how far it can be trusted (parameters at the
   * boundary, standard errors larger than the estimates, a flat likelihood,
   * few repeat customers, the holdout check…), most severe first; empty for a
   * model built from given parameters.
   */
  get diagnostics(): readonly ClvDiagnostic[] {
    return this.fit?.diagnostics ?? [];
  }

  /**
   * The parameter table, as lifetimes' `summary`: estimate, standard error
   * and interval of each parameter. Intervals are exp(ln θ ± z·SE(ln θ)), the
   * normal approximation on the log scale (so they stay positive; lifetimes
   * prints θ ± z·SE instead). NaN where there is no standard error.
   *
   * Costs O(1).
   *
   * @param level - coverage of the intervals, in (0, 1) (default 0.95)
   * @throws `OptionsError` `E_CLV_OPTION` for a level outside (0, 1)
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }).summary()[0]; // => { parameter: 'r', estimate: 0.243, standardError: NaN, lower: NaN, upper: NaN }
   * ```
   */
  summary(level = 0.95): ClvParameterSummary[] {
    return parameterSummary(`${SOURCE}.summary`, NAMES, this.params as unknown as Record<string, number>, this.fit?.standardErrors as Record<string, number> | undefined, level);
  }

  /**
   * Expected number of purchases in (0, t] of a customer picked at random
   * from the population, counted from her first purchase (FHL 2005 eq. 7):
   * (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
   *
   * Costs O(terms of the ₂F₁ series).
   *
   * @param t - horizon in the model's time unit, ≥ 0
   * @throws `OptionsError` `E_CLV_HORIZON` for a t that is not a number in [0, 1e6]
   * @throws `StateError` `E_CLV_CLOSED_FORM` when a + b ≤ 1 (the closed form does not apply)
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
   * m.expectedPurchases(39).toFixed(4); // => '1.1967'
   * ```
   */
  expectedPurchases(t: number): number {
    checkHorizon(`${SOURCE}.expectedPurchases`, t);
    const { r, alpha, a, b } = this.params;
    if (t === 0) return 0;
    if (a + b <= 1) {
      throw new StateError('E_CLV_CLOSED_FORM', `${SOURCE}.expectedPurchases: the closed form needs a + b > 1 (a = ${a}, b = ${b}).`, { source: `${SOURCE}.expectedPurchases` });
    }
    const z = t / (alpha + t);
    const logTerm = r * Math.log(alpha / (alpha + t)) + logHyp2f1(r, b, a + b - 1, z);
    return ((a + b - 1) / (a - 1)) * -Math.expm1(logTerm);
  }

  /**
   * Expected purchases in the next t time units of a customer with history
   * (frequency x, recency t_x, age T) (FHL 2005 eq. 10):
   * [(a+b+x−1)/(a−1)] · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
   * / [1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
   *
   * Costs O(terms of the ₂F₁ series), at most 2,000,000.
   *
   * @param t - horizon from the end of the customer's period, ≥ 0
   * @param customer - `{ frequency, recency, T }` in the model's time unit
   * @throws `OptionsError` `E_CLV_HORIZON` for a t that is not a number in [0, 1e6], or one so much
   *   longer than α + T (about 10⁵ times) that the series does not converge
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @throws `StateError` `E_CLV_CLOSED_FORM` when a + b + frequency ≤ 1
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
   * m.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '1.2260'
   * ```
   */
  conditionalExpectedPurchases(t: number, customer: ClvCustomer): number {
    const source = `${SOURCE}.conditionalExpectedPurchases`;
    checkHorizon(source, t);
    checkCustomer(source, customer);
    const { r, alpha, a, b } = this.params;
    const x = customer.frequency;
    const T = customer.T;
    if (t === 0) return 0;
    if (a + b + x <= 1) {
      throw new StateError('E_CLV_CLOSED_FORM', `${source}: the closed form needs a + b + frequency > 1 (a = ${a}, b = ${b}).`, { source });
    }
    const z = t / (alpha + T + t);
    const series = logHyp2f1(r + x, b + x, a + b + x - 1, z);
    if (Number.isNaN(series)) {
      // z within ~1e-6 of 1: the ₂F₁ series would need more than its 2,000,000-term cap.
      throw new OptionsError(
        'E_CLV_HORIZON',
        `${source}: t = ${t} is too long for a customer of age T = ${T} (α = ${alpha}); the closed form does not converge. Use a horizon below ${Math.floor((alpha + T) * 1e5)}.`,
        { source, field: 't' },
      );
    }
    const logTerm = (r + x) * Math.log((alpha + T) / (alpha + T + t)) + series;
    const numerator = ((a + b + x - 1) / (a - 1)) * -Math.expm1(logTerm);
    return numerator * this.probabilityAliveRaw(x, customer.recency, T);
  }

  /**
   * Probability that a customer with history (x, t_x, T) is still alive:
   * 1 / [1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)] (FHL 2005; 1 when
   * x = 0, a known property of the BG/NBD).
   *
   * Costs O(1).
   *
   * @param customer - `{ frequency, recency, T }`
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
   * m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '0.7266'
   * ```
   */
  probabilityAlive(customer: ClvCustomer): number {
    checkCustomer(`${SOURCE}.probabilityAlive`, customer);
    return this.probabilityAliveRaw(customer.frequency, customer.recency, customer.T);
  }

  private probabilityAliveRaw(x: number, tx: number, T: number): number {
    if (x === 0) return 1;
    const { r, alpha, a, b } = this.params;
    const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return 1 / (1 + Math.exp(logOdds));
  }

  /**
   * Probability that a customer picked at random makes exactly n purchases
   * in (0, t] (FHL 2005 eq. 8).
   *
   * Costs O(n).
   *
   * @param n - number of purchases, an integer ≥ 0
   * @param t - horizon, ≥ 0
   * @throws `OptionsError` `E_CLV_HORIZON` for an n that is not an integer in [0, 1e6] or a t outside [0, 1e6]
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
   * m.probabilityOfPurchases(0, 39).toFixed(4); // => '0.5738'
   * ```
   */
  probabilityOfPurchases(n: number, t: number): number {
    const source = `${SOURCE}.probabilityOfPurchases`;
    checkHorizon(source, t);
    checkCount(source, n);
    if (t === 0) return n === 0 ? 1 : 0;
    const { r, alpha, a, b } = this.params;
    const lbAB = logBeta(a, b);
    const lq = Math.log(alpha / (alpha + t));
    const lp = Math.log(t / (alpha + t));
    const lgR = logGamma(r);
    const first = Math.exp(logBeta(a, b + n) - lbAB + logGamma(r + n) - lgR - logGamma(n + 1) + r * lq + n * lp);
    if (n === 0) return first;
    // 1 − P(NBD count < n) = P(count ≥ n), by summing the NBD probabilities below n.
    // NBD terms by the recurrence term(j+1) = term(j)·(r+j)/(j+1)·t/(α+t), in logs.
    let below = 0;
    let logTerm = r * lq;
    for (let j = 0; j < n; j++) {
      below += Math.exp(logTerm);
      logTerm += Math.log((r + j) / (j + 1)) + lp;
    }
    const atLeast = Math.max(0, 1 - below);
    return first + Math.exp(logBeta(a + 1, b + n - 1) - lbAB) * atLeast;
  }

  /**
   * Rebuilds a model from {@link BgNbdModel.toJSON}'s output (for instance after
   * `JSON.parse`); parameters are validated again.
   *
   * @param json - what `toJSON()` returned
   * @throws `OptionsError` `E_CLV_PARAMS` when `json` is not a bg-nbd model or its parameters are invalid, `E_CLV_TIME_UNIT` for a bad time unit
   * @throws `ValidationError` `E_CLV_JSON` for an unknown field, a version other than 1 or 2, or malformed fit facts
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * BgNbdModel.fromJSON({ model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, timeUnit: 'week', fit: undefined }).params.r; // => 0.243
   * ```
   */
  static fromJSON(json: BgNbdModelJSON): BgNbdModel {
    const r = readModelJson<BgNbdParams>(`${SOURCE}.fromJSON`, json, 'bg-nbd', NAMES, ['model', 'version', 'params', 'timeUnit', 'fit']);
    return new BgNbdModel(r.params, r.timeUnit, r.fit);
  }

  /**
   * The model as a plain object (parameters, time unit and fit facts), for JSON.
   *
   * @example
   * ```ts
   * import { BgNbdModel } from '@marksman/profiling';
   * new BgNbdModel({ r: 1, alpha: 2, a: 3, b: 4 }).toJSON().params; // => { r: 1, alpha: 2, a: 3, b: 4 }
   * ```
   */
  toJSON(): BgNbdModelJSON {
    return { model: 'bg-nbd', version: 2, params: this.params, timeUnit: this.timeUnit, fit: this.fit };
  }
}

/** Per-customer BG/NBD log-likelihood summed over weighted patterns (internal). */
function bgNbdLogLikelihood(p: ReturnType<typeof compress>, theta: Float64Array): number {
  const r = theta[0]!;
  const alpha = theta[1]!;
  const a = theta[2]!;
  const b = theta[3]!;
  const m = p.xs.length;
  // Parts that depend only on the frequency x.
  const common = new Float64Array(m);
  const logRepeat = new Float64Array(m);
  const lgR = logGamma(r);
  const lgB = logGamma(b);
  const lgAB = logGamma(a + b);
  const la = Math.log(a);
  for (let j = 0; j < m; j++) {
    const x = p.xs[j]!;
    common[j] = logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
    logRepeat[j] = x > 0 ? la - Math.log(b + x - 1) : -Infinity;
  }
  const lAlpha = Math.log(alpha);
  let total = 0;
  for (let i = 0; i < p.k; i++) {
    const x = p.x[i]!;
    const j = p.xi[i]!;
    const t1 = -(r + x) * Math.log(alpha + p.T[i]!);
    const t2 = x > 0 ? logRepeat[j]! - (r + x) * Math.log(alpha + p.tx[i]!) : -Infinity;
    total += p.w[i]! * (common[j]! + r * lAlpha + logAddExp(t1, t2));
  }
  return total;
}

const DEFAULTS: Readonly<RepeatFitDefaults<BgNbdParams>> = REPEAT_FIT_DEFAULTS;

/**
 * Fits the BG/NBD model by maximum likelihood. The log-likelihood (FHL 2005
 * eq. 6) is evaluated in log space (log-gamma, log1p-based log-sum-exp);
 * BFGS on the log-parameters with numerical gradients does the search, with
 * a Nelder–Mead restart when BFGS stalls. Standard errors come from the
 * inverse of the observed information (finite-difference Hessian).
 *
 * A fit that misses the convergence test still returns, with
 * `converged: false` and the optimiser's message in `fit.report`; a fit that
 * cannot reach a finite likelihood throws.
 *
 * Costs O(n) to prepare plus O(patterns) per likelihood evaluation (customers
 * with the same frequency, recency and T are evaluated once).
 *
 * @param summary - the result of {@link summarizeForClv}, or lifetimes-style rows `{ frequency, recency, T }`
 * @param options - penalty, iteration cap, tolerance, starting point, time unit
 * @returns the fitted {@link BgNbdModel}
 * @throws `ValidationError` `E_CLV_EMPTY` (no customers), `E_CLV_SUMMARY` (a bad row),
 *   `E_CLV_NO_REPEATS` (no customer has a repeat purchase: the rates are not identified)
 * @throws `OptionsError` `E_CLV_OPTION` for an out-of-range option (penalty, maxIterations, tolerance,
 *   onProgress, signal), `E_CLV_TIME_UNIT`, `E_CLV_PARAMS` (bad initialParams), `E_OPTION_UNKNOWN`
 * @throws `ConvergenceError` `E_DIVERGED` when no finite optimum is found
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { fitBgNbd } from '@marksman/profiling';
 * const rows = [
 *   { frequency: 2, recency: 30.4, T: 38.9 }, { frequency: 1, recency: 1.7, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 7, recency: 29.4, T: 38.9 },
 *   { frequency: 1, recency: 5, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
 * ];
 * const m = fitBgNbd(rows, { timeUnit: 'week' });
 * m.converged; // => true
 * m.params.r > 0; // => true
 * ```
 */
export function fitBgNbd(summary: ClvInput, options?: FitBgNbdOptions): BgNbdModel {
  return fitRepeatModel(summary, options, {
    source: 'fitBgNbd',
    model: 'bg-nbd',
    names: NAMES,
    defaults: DEFAULTS,
    start: { r: 1, alpha: 1, a: 1, b: 1 },
    likelihood: (cols) => {
      const patterns = compress(cols);
      return { logLikelihood: (theta) => bgNbdLogLikelihood(patterns, theta) };
    },
    build: (params, timeUnit, _context, fit) => new BgNbdModel(params, timeUnit, fit),
  });
}
