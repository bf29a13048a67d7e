import { OptionsError, StateError, logGamma } from '@marksman/core';
import { checkCustomer, checkHorizon, checkParams, checkTimeUnit, readFitInfo, readModelJson } from './clv/check';
import { compress } from './clv/compress';
import { parameterSummary } from './clv/diagnostics';
import type { ClvDiagnostic, ClvParameterSummary } from './clv/diagnostics';
import type { BgNbdParams, FitBgNbdOptions } from './bg-nbd';
import { REPEAT_FIT_DEFAULTS, fitRepeatModel } from './clv/fit-model';
import type { RepeatFitDefaults } from './clv/fit-model';
import type { ClvFitInfo } from './clv/fit-info';
import type { ClvCustomer, ClvInput } from './clv/input';
import { logHyp2f1 } from './clv/special';
import type { ClvTimeUnit } from './time-unit';

/**
 * MBG/NBD parameters, the four of BG/NBD: purchase rates λ ~ Gamma(shape r,
 * rate alpha); dropout probabilities p ~ Beta(a, b).
 */
export type MbgNbdParams = BgNbdParams;

/** Options of {@link fitMbgNbd}: those of {@link fitBgNbd}, with the same defaults. */
export type FitMbgNbdOptions = FitBgNbdOptions;

/** The plain-object form of an {@link MbgNbdModel}. */
export interface MbgNbdModelJSON {
  /** Always `'mbg-nbd'`. */
  readonly model: 'mbg-nbd';
  /** Format version, 2. */
  readonly version?: 2;
  /** The parameters. */
  readonly params: MbgNbdParams;
  /** Time unit of the parameters, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts, when the model was fitted. */
  readonly fit: ClvFitInfo<MbgNbdParams> | undefined;
}

const SOURCE = 'MbgNbdModel';
const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * The MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical
 * validation and comparison of models for customer base analysis"): the
 * BG/NBD story, except that a customer may also drop out right at her first
 * purchase (with probability p, like after any other). So a customer who
 * never bought again can be gone — unlike BG/NBD, whose P(alive) is 1 for
 * every customer without a repeat purchase.
 *
 * @example
 * ```ts
 * import { MbgNbdModel } from '@marksman/profiling';
 * const m = new MbgNbdModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 'week');
 * m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 }).toFixed(4); // => '0.3897'
 * ```
 */
export class MbgNbdModel {
  /** The parameters. */
  readonly params: MbgNbdParams;
  /** Time unit of `alpha` and of every time argument, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** The fit facts; undefined for a model built from given parameters. */
  readonly fit: ClvFitInfo<MbgNbdParams> | undefined;

  /**
   * @param params - r, alpha, a, b (all > 0)
   * @param timeUnit - unit of the time arguments, when known
   * @param fit - fit facts (set by {@link fitMbgNbd})
   * @throws `OptionsError` `E_CLV_PARAMS` for a parameter that is not finite and > 0, or an unknown one; `E_CLV_TIME_UNIT`
   * @throws `ValidationError` `E_CLV_JSON` for malformed fit facts
   */
  constructor(params: MbgNbdParams, timeUnit?: ClvTimeUnit, fit?: ClvFitInfo<MbgNbdParams>) {
    checkParams(SOURCE, params as unknown as Record<string, number>, NAMES);
    this.params = Object.freeze({ r: params.r, alpha: params.alpha, a: params.a, b: params.b });
    this.timeUnit = checkTimeUnit(SOURCE, timeUnit);
    this.fit = readFitInfo<MbgNbdParams>(SOURCE, fit, NAMES);
  }

  /** Total log-likelihood of the fit (NaN for a model built from parameters). */
  get logLikelihood(): number {
    return this.fit?.logLikelihood ?? NaN;
  }

  /** Asymptotic standard errors of the fitted parameters (NaN for a model built from parameters). */
  get standardErrors(): MbgNbdParams {
    return this.fit?.standardErrors ?? { r: NaN, alpha: NaN, a: NaN, b: NaN };
  }

  /** Whether the optimiser converged (true for a model built from given parameters); see {@link MbgNbdModel.diagnostics} for identification. */
  get converged(): boolean {
    return this.fit?.report.converged ?? true;
  }

  /** What the fit says about how far it can be trusted, most severe first; empty for a model built from given parameters. */
  get diagnostics(): readonly ClvDiagnostic[] {
    return this.fit?.diagnostics ?? [];
  }

  /**
   * The parameter table: estimate, standard error and interval
   * exp(ln θ ± z·SE(ln θ)) of each parameter (see {@link BgNbdModel.summary}).
   *
   * @param level - coverage of the intervals, in (0, 1) (default 0.95)
   * @throws `OptionsError` `E_CLV_OPTION` for a level outside (0, 1)
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * new MbgNbdModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }).summary().length; // => 4
   * ```
   */
  summary(level = 0.95): ClvParameterSummary[] {
    return parameterSummary(`${SOURCE}.summary`, NAMES, this.params as unknown as Record<string, number>, this.fit?.standardErrors as Record<string, number> | undefined, level);
  }

  /**
   * Expected repeat purchases in (0, t] of a new customer (just after her
   * first purchase): b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].
   *
   * Costs O(terms of the ₂F₁ series).
   *
   * @param t - horizon in the model's time unit, in [0, 1e6]
   * @throws `OptionsError` `E_CLV_HORIZON` for a bad t
   * @throws `StateError` `E_CLV_CLOSED_FORM` when a = 1 (the closed form divides by a − 1)
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * new MbgNbdModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }).expectedPurchases(39).toFixed(4); // => '1.1830'
   * ```
   */
  expectedPurchases(t: number): number {
    checkHorizon(`${SOURCE}.expectedPurchases`, t);
    if (t === 0) return 0;
    return this.conditionalRaw(`${SOURCE}.expectedPurchases`, t, 0, 0, 0);
  }

  /**
   * Expected purchases in the next t time units of a customer with history
   * (x, t_x, T): (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1;
   * a+b+x; t/(α+T+t))] · P(alive).
   *
   * Costs O(terms of the ₂F₁ series).
   *
   * @param t - horizon from the end of the customer's period, in [0, 1e6]
   * @param customer - `{ frequency, recency, T }` in the model's time unit
   * @throws `OptionsError` `E_CLV_HORIZON` for a bad t, or one so long that the series does not converge
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @throws `StateError` `E_CLV_CLOSED_FORM` when a = 1
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * const m = new MbgNbdModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 });
   * m.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '1.2630'
   * ```
   */
  conditionalExpectedPurchases(t: number, customer: ClvCustomer): number {
    const source = `${SOURCE}.conditionalExpectedPurchases`;
    checkHorizon(source, t);
    checkCustomer(source, customer);
    if (t === 0) return 0;
    return this.conditionalRaw(source, t, customer.frequency, customer.recency, customer.T);
  }

  private conditionalRaw(source: string, t: number, x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.params;
    if (a === 1) {
      throw new StateError('E_CLV_CLOSED_FORM', `${source}: the closed form needs a ≠ 1.`, { source });
    }
    const z = t / (alpha + T + t);
    const series = logHyp2f1(r + x, b + x + 1, a + b + x, z);
    if (Number.isNaN(series)) {
      throw new OptionsError('E_CLV_HORIZON', `${source}: t = ${t} is too long for a customer of age T = ${T} (α = ${alpha}); the closed form does not converge. Use a horizon below ${Math.floor((alpha + T) * 1e5)}.`, {
        source,
        field: 't',
      });
    }
    const logTerm = (r + x) * Math.log((alpha + T) / (alpha + T + t)) + series;
    return ((a + b + x) / (a - 1)) * -Math.expm1(logTerm) * this.aliveRaw(x, tx, T);
  }

  /**
   * Probability that a customer with history (x, t_x, T) is still alive:
   * 1 / [1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)], below 1 also for x = 0.
   *
   * Costs O(1).
   *
   * @param customer - `{ frequency, recency, T }`
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * const m = new MbgNbdModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 });
   * m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4); // => '0.7062'
   * ```
   */
  probabilityAlive(customer: ClvCustomer): number {
    checkCustomer(`${SOURCE}.probabilityAlive`, customer);
    return this.aliveRaw(customer.frequency, customer.recency, customer.T);
  }

  private aliveRaw(x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = this.params;
    return 1 / (1 + Math.exp(Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
  }

  /**
   * Rebuilds a model from {@link MbgNbdModel.toJSON}'s output.
   *
   * @param json - what `toJSON()` returned
   * @throws `OptionsError` `E_CLV_PARAMS` when `json` is not an mbg-nbd model or its parameters are invalid, `E_CLV_TIME_UNIT`
   * @throws `ValidationError` `E_CLV_JSON` for an unknown field, another version or malformed fit facts
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * MbgNbdModel.fromJSON({ model: 'mbg-nbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, timeUnit: 'week', fit: undefined }).params.b; // => 1.614
   * ```
   */
  static fromJSON(json: MbgNbdModelJSON): MbgNbdModel {
    const r = readModelJson<MbgNbdParams>(`${SOURCE}.fromJSON`, json, 'mbg-nbd', NAMES, ['model', 'version', 'params', 'timeUnit', 'fit']);
    return new MbgNbdModel(r.params, r.timeUnit, r.fit);
  }

  /**
   * The model as a plain object, for JSON.
   *
   * @example
   * ```ts
   * import { MbgNbdModel } from '@marksman/profiling';
   * new MbgNbdModel({ r: 1, alpha: 2, a: 3, b: 4 }).toJSON().model; // => 'mbg-nbd'
   * ```
   */
  toJSON(): MbgNbdModelJSON {
    return { model: 'mbg-nbd', version: 2, params: this.params, timeUnit: this.timeUnit, fit: this.fit };
  }
}

/**
 * MBG/NBD log-likelihood over weighted patterns: Γ(r+x)α^r/Γ(r) ·
 * B(a, b+x+1)/B(a, b) · [(α+T)^−(r+x) + a/(b+x) · (α+t_x)^−(r+x)], for every
 * x including 0 (Batislam et al. 2007).
 */
function mbgNbdLogLikelihood(p: ReturnType<typeof compress>, theta: Float64Array): number {
  const r = theta[0]!;
  const alpha = theta[1]!;
  const a = theta[2]!;
  const b = theta[3]!;
  const m = p.xs.length;
  const common = new Float64Array(m);
  const logRatio = new Float64Array(m);
  const lgR = logGamma(r);
  const lgB = logGamma(b);
  const lgAB = logGamma(a + b);
  const la = Math.log(a);
  const lAlpha = Math.log(alpha);
  for (let j = 0; j < m; j++) {
    const x = p.xs[j]!;
    common[j] = logGamma(r + x) - lgR + r * lAlpha + lgAB + logGamma(b + x + 1) - lgB - logGamma(a + b + x + 1);
    logRatio[j] = la - Math.log(b + x);
  }
  let total = 0;
  for (let i = 0; i < p.k; i++) {
    const x = p.x[i]!;
    const j = p.xi[i]!;
    const t1 = -(r + x) * Math.log(alpha + p.T[i]!);
    const t2 = logRatio[j]! - (r + x) * Math.log(alpha + p.tx[i]!);
    const hi = Math.max(t1, t2);
    total += p.w[i]! * (common[j]! + hi + Math.log1p(Math.exp(Math.min(t1, t2) - hi)));
  }
  return total;
}

const DEFAULTS: Readonly<RepeatFitDefaults<MbgNbdParams>> = REPEAT_FIT_DEFAULTS;

/**
 * Fits the MBG/NBD model by maximum likelihood, exactly as {@link fitBgNbd}
 * (log space, BFGS on log-parameters with a Nelder–Mead restart, standard
 * errors and covariance from the observed information, diagnostics).
 *
 * Costs O(n) to prepare plus O(patterns) per likelihood evaluation.
 *
 * @param summary - the result of {@link summarizeForClv}, or rows `{ frequency, recency, T }`
 * @param options - penalty, iteration cap, tolerance, onProgress, signal, starting point, time unit
 * @returns the fitted {@link MbgNbdModel}
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY`, `E_CLV_NO_REPEATS`
 * @throws `OptionsError` `E_CLV_OPTION`, `E_CLV_TIME_UNIT`, `E_CLV_PARAMS`, `E_OPTION_UNKNOWN`
 * @throws `ConvergenceError` `E_DIVERGED` when no finite optimum is found
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { fitMbgNbd } from '@marksman/profiling';
 * const rows = [
 *   { frequency: 2, recency: 30.4, T: 38.9 }, { frequency: 1, recency: 1.7, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
 *   { frequency: 0, recency: 0, T: 38.9 }, { frequency: 7, recency: 29.4, T: 38.9 },
 * ];
 * fitMbgNbd(rows, { timeUnit: 'week' }).logLikelihood < 0; // => true
 * ```
 */
export function fitMbgNbd(summary: ClvInput, options?: FitMbgNbdOptions): MbgNbdModel {
  return fitRepeatModel(summary, options, {
    source: 'fitMbgNbd',
    model: 'mbg-nbd',
    names: NAMES,
    defaults: DEFAULTS,
    start: { r: 1, alpha: 1, a: 1, b: 1 },
    likelihood: (cols) => {
      const patterns = compress(cols);
      return { logLikelihood: (theta) => mbgNbdLogLikelihood(patterns, theta) };
    },
    build: (params, timeUnit, _context, fit) => new MbgNbdModel(params, timeUnit, fit),
  });
}
