import { OptionsError, ValidationError, logGamma } from '@marksman/core';
import { checkCount, checkCustomer, checkHorizon, checkParams, checkTimeUnit, readFitInfo, readModelJson } from './clv/check';
import { parameterSummary } from './clv/diagnostics';
import type { ClvDiagnostic, ClvParameterSummary } from './clv/diagnostics';
import type { ClvFitProgress } from './clv/fit';
import { REPEAT_FIT_DEFAULTS, fitRepeatModel } from './clv/fit-model';
import type { RepeatFitDefaults } from './clv/fit-model';
import type { ClvFitInfo } from './clv/fit-info';
import type { ClvCustomer, ClvInput } from './clv/input';
import { logAddExp, logBeta } from './clv/special';
import { daysPerUnit } from './time-unit';
import type { ClvTimeUnit } from './time-unit';

/**
 * BG/BB parameters: at each opportunity an active customer buys with
 * probability p ~ Beta(alpha, beta), and before each opportunity she drops
 * out for good with probability θ ~ Beta(gamma, delta).
 */
export interface BgBbParams {
  /** First shape of the purchase-probability beta distribution. */
  readonly alpha: number;
  /** Second shape of the purchase-probability beta distribution. */
  readonly beta: number;
  /** First shape of the dropout-probability beta distribution. */
  readonly gamma: number;
  /** Second shape of the dropout-probability beta distribution. */
  readonly delta: number;
}

/** Options of {@link fitBgBb}. */
export interface FitBgBbOptions {
  /** L2 penalty coefficient on the parameters, added to the mean negative log-likelihood (default 0). */
  readonly penalty?: number;
  /** Iteration cap, an integer between 1 and 1,000,000 (default 500; see {@link FitBgNbdOptions.maxIterations}). */
  readonly maxIterations?: number;
  /** Convergence tolerance on ‖∇‖∞ of the mean objective in log-parameters, in (0, 1] (default 1e-7). */
  readonly tolerance?: number;
  /** Called after every optimiser iteration (default none). */
  readonly onProgress?: ((progress: ClvFitProgress) => void) | null;
  /** Stops the fit with an `AbortError` (`E_ABORTED`) between likelihood evaluations (default none). */
  readonly signal?: AbortSignal | null;
  /** Starting point (default all 1). */
  readonly initialParams?: BgBbParams | undefined;
  /** Time unit of the rows, when they do not come from {@link summarizeForClv}. */
  readonly timeUnit?: ClvTimeUnit | undefined;
  /**
   * Transaction opportunities per time unit, a number > 0 (default: one per
   * day — 7 for a weekly summary from {@link summarizeForClv}, which counts
   * purchase days — and 1 for plain rows, whose recency and T are then counts
   * of opportunities).
   */
  readonly opportunitiesPerUnit?: number | undefined;
}

/** The plain-object form of a {@link BgBbModel}. */
export interface BgBbModelJSON {
  /** Always `'bg-bb'`. */
  readonly model: 'bg-bb';
  /** Format version, 2. */
  readonly version?: 2;
  /** The parameters. */
  readonly params: BgBbParams;
  /** Time unit of recency, T and horizons, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** Transaction opportunities per time unit. */
  readonly opportunitiesPerUnit: number;
  /** The fit facts, when the model was fitted. */
  readonly fit: ClvFitInfo<BgBbParams> | undefined;
}

const SOURCE = 'BgBbModel';
const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;
/** A value within this many opportunities of a whole number is that number (summaries rounded to 2 decimals in weeks are off by up to 0.035 days). */
const WHOLE = 0.05;
/** Below this |γ − 1| the survival sums are added term by term (the closed form divides by γ − 1). */
const GAMMA_NEAR_ONE = 1e-6;

function checkOpportunities(source: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isFinite(k) || !(k > 0) || k > 1e6) {
    throw new OptionsError('E_CLV_OPTION', `${source}: opportunitiesPerUnit must be a number > 0 (transaction opportunities per time unit), got ${String(k)}.`, { source, field: 'opportunitiesPerUnit' });
  }
  return k;
}

/** A customer in whole opportunities: x purchases, the last at opportunity t_x, out of n. */
interface Discrete {
  x: number;
  tx: number;
  n: number;
}

function toDiscrete(source: string, c: ClvCustomer, k: number, row?: number): Discrete {
  const whole = (v: number, field: string): number => {
    const w = Math.round(v * k);
    if (Math.abs(v * k - w) > WHOLE) {
      throw new ValidationError(
        'E_CLV_SUMMARY',
        `${source}: ${row === undefined ? 'customer' : `row ${row}`} ${field} = ${v} is not a whole number of opportunities (${v} × ${k} = ${v * k}); BG/BB counts discrete opportunities (set opportunitiesPerUnit).`,
        { source, field, ...(row === undefined ? {} : { row }) },
      );
    }
    return w;
  };
  const n = whole(c.T, 'T');
  const tx = whole(c.recency, 'recency');
  if (c.frequency > tx) {
    throw new ValidationError('E_CLV_SUMMARY', `${source}: ${row === undefined ? 'customer' : `row ${row}`} has ${c.frequency} purchases in its first ${tx} opportunities; at most one purchase per opportunity.`, {
      source,
      field: 'frequency',
      ...(row === undefined ? {} : { row }),
    });
  }
  return { x: c.frequency, tx, n };
}

/**
 * ln L(x, t_x, n) (Fader, Hardie & Shang 2010, eq. 5): alive through n
 * opportunities, or died after opportunity t_x + i, i = 0 … n − t_x − 1; the
 * terms of the sum follow each other by B(a, b+1)/B(a, b) = b/(a+b).
 */
function logLikelihoodOne(al: number, be: number, ga: number, de: number, lbAB: number, lbGD: number, d: Discrete): number {
  const { x, tx, n } = d;
  const first = logBeta(al + x, be + n - x) - lbAB + logBeta(ga, de + n) - lbGD;
  if (n === tx) return first;
  const t0 = logBeta(al + x, be + tx - x) - lbAB + logBeta(ga + 1, de + tx) - lbGD;
  let term = 1;
  let sum = 1;
  for (let i = 0; i + 1 < n - tx; i++) {
    term *= ((be + tx - x + i) / (al + be + tx + i)) * ((de + tx + i) / (ga + 1 + de + tx + i));
    sum += term;
  }
  return logAddExp(first, t0 + Math.log(sum));
}

/** Σ_{m=from+1}^{from+count} B(γ, δ+m)/B(γ, δ): the chance that a customer alive at the start survives to each of those opportunities, added up. */
function survivalSum(ga: number, de: number, from: number, count: number): number {
  if (count <= 0) return 0;
  if (Math.abs(ga - 1) < GAMMA_NEAR_ONE) {
    let term = Math.exp(logBeta(ga, de + from + 1) - logBeta(ga, de));
    let sum = 0;
    for (let m = from + 1; m <= from + count; m++) {
      sum += term;
      term *= (de + m) / (ga + de + m);
    }
    return sum;
  }
  // Telescoping: Γ(δ+m)/Γ(γ+δ+m) = [Γ(δ+m)/Γ(γ+δ+m−1) − Γ(δ+m+1)/Γ(γ+δ+m)] / (γ − 1).
  const lead = logGamma(ga + de) - logGamma(de);
  const lA = logGamma(de + from + 1) - logGamma(ga + de + from);
  const lB = logGamma(de + from + count + 1) - logGamma(ga + de + from + count);
  return (Math.exp(lead + lA) * -Math.expm1(lB - lA)) / (ga - 1);
}

/**
 * The BG/BB model of discrete-time repeat buying (Fader, Hardie & Shang
 * 2010, "Customer-base analysis in a discrete-time noncontractual
 * setting"): customers have transaction opportunities (a day, an annual
 * event, a weekly visit…) and use each one or not; an active customer buys
 * at an opportunity with her own probability p ~ Beta(α, β) and, before
 * each opportunity, drops out for good with her own probability
 * θ ~ Beta(γ, δ).
 *
 * Customers are given as for the other models (`{ frequency, recency, T }`
 * in a time unit) and read in whole opportunities: n = T × opportunitiesPerUnit
 * opportunities after the first purchase, the last purchase at opportunity
 * t_x = recency × opportunitiesPerUnit; a horizon t covers
 * ⌊t × opportunitiesPerUnit⌋ opportunities. With a summary from
 * {@link summarizeForClv} an opportunity is a day (it counts purchase days),
 * so BG/BB can be compared with the continuous-time models on the same data.
 *
 * @example
 * ```ts
 * import { BgBbModel } from '@marksman/profiling';
 * // The paper's estimates on its donation data (one opportunity a year).
 * const m = new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
 * m.probabilityAlive({ frequency: 6, recency: 6, T: 6 }).toFixed(2); // => '0.93'
 * ```
 */
export class BgBbModel {
  /** The parameters. */
  readonly params: BgBbParams;
  /** Time unit of recency, T and horizons, when known. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** Transaction opportunities per time unit. */
  readonly opportunitiesPerUnit: number;
  /** The fit facts; undefined for a model built from given parameters. */
  readonly fit: ClvFitInfo<BgBbParams> | undefined;

  /**
   * @param params - alpha, beta, gamma, delta (all > 0)
   * @param timeUnit - unit of the time arguments, when known
   * @param opportunitiesPerUnit - transaction opportunities per time unit, > 0 (default 1)
   * @param fit - fit facts (set by {@link fitBgBb})
   * @throws `OptionsError` `E_CLV_PARAMS` for a bad parameter, `E_CLV_TIME_UNIT`, `E_CLV_OPTION` for a bad opportunitiesPerUnit
   * @throws `ValidationError` `E_CLV_JSON` for malformed fit facts
   */
  constructor(params: BgBbParams, timeUnit?: ClvTimeUnit, opportunitiesPerUnit = 1, fit?: ClvFitInfo<BgBbParams>) {
    checkParams(SOURCE, params as unknown as Record<string, number>, NAMES);
    this.params = Object.freeze({ alpha: params.alpha, beta: params.beta, gamma: params.gamma, delta: params.delta });
    this.timeUnit = checkTimeUnit(SOURCE, timeUnit);
    this.opportunitiesPerUnit = checkOpportunities(SOURCE, opportunitiesPerUnit);
    this.fit = readFitInfo<BgBbParams>(SOURCE, fit, NAMES);
  }

  /** Total log-likelihood of the fit (NaN for a model built from parameters). */
  get logLikelihood(): number {
    return this.fit?.logLikelihood ?? NaN;
  }

  /** Asymptotic standard errors of the fitted parameters (NaN for a model built from parameters). */
  get standardErrors(): BgBbParams {
    return this.fit?.standardErrors ?? { alpha: NaN, beta: NaN, gamma: NaN, delta: NaN };
  }

  /** Whether the optimiser converged (true for a model built from given parameters); see {@link BgBbModel.diagnostics} for identification. */
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
   * import { BgBbModel } from '@marksman/profiling';
   * new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }).summary()[2].parameter; // => 'gamma'
   * ```
   */
  summary(level = 0.95): ClvParameterSummary[] {
    return parameterSummary(`${SOURCE}.summary`, NAMES, this.params as unknown as Record<string, number>, this.fit?.standardErrors as Record<string, number> | undefined, level);
  }

  /**
   * Expected purchases of a new customer in the next t time units
   * (⌊t × opportunitiesPerUnit⌋ opportunities; FHS 2010 eq. 8):
   * α/(α+β) · Σ_{m=1..n} B(γ, δ+m)/B(γ, δ).
   *
   * Costs O(1).
   *
   * @param t - horizon, in [0, 1e6]
   * @throws `OptionsError` `E_CLV_HORIZON` for a bad t
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }).expectedPurchases(6).toFixed(3); // => '2.220'
   * ```
   */
  expectedPurchases(t: number): number {
    checkHorizon(`${SOURCE}.expectedPurchases`, t);
    const { alpha, beta, gamma, delta } = this.params;
    return (alpha / (alpha + beta)) * survivalSum(gamma, delta, 0, this.opportunities(t));
  }

  private opportunities(t: number): number {
    return Math.floor(t * this.opportunitiesPerUnit + 1e-9);
  }

  /**
   * Expected purchases in the next t time units of a customer with history
   * (x, t_x, n) (FHS 2010 eq. 13):
   * B(α+x+1, β+n−x)/B(α, β) · Σ_{m=n+1..n+n*} B(γ, δ+m)/B(γ, δ) / L(x, t_x, n).
   *
   * Costs O(n − t_x) for the likelihood.
   *
   * @param t - horizon from the end of the customer's period, in [0, 1e6]
   * @param customer - `{ frequency, recency, T }` in the model's time unit (whole opportunities)
   * @throws `OptionsError` `E_CLV_HORIZON` for a bad t
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer or one that is not in whole opportunities
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * const m = new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
   * m.conditionalExpectedPurchases(5, { frequency: 6, recency: 6, T: 6 }).toFixed(3); // => '3.752'
   * ```
   */
  conditionalExpectedPurchases(t: number, customer: ClvCustomer): number {
    const source = `${SOURCE}.conditionalExpectedPurchases`;
    checkHorizon(source, t);
    checkCustomer(source, customer);
    const d = toDiscrete(source, customer, this.opportunitiesPerUnit);
    const nStar = this.opportunities(t);
    if (nStar === 0) return 0;
    const { alpha, beta, gamma, delta } = this.params;
    const ll = logLikelihoodOne(alpha, beta, gamma, delta, logBeta(alpha, beta), logBeta(gamma, delta), d);
    return Math.exp(logBeta(alpha + d.x + 1, beta + d.n - d.x) - logBeta(alpha, beta) - ll) * survivalSum(gamma, delta, d.n, nStar);
  }

  /**
   * Probability that a customer with history (x, t_x, n) is still active at
   * the next opportunity (FHS 2010 eq. 11 with one period ahead, as their
   * Table 6): B(α+x, β+n−x)/B(α, β) · B(γ, δ+n+1)/B(γ, δ) / L(x, t_x, n).
   *
   * Costs O(n − t_x).
   *
   * @param customer - `{ frequency, recency, T }` in the model's time unit (whole opportunities)
   * @throws `ValidationError` `E_CLV_SUMMARY` for an invalid customer
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * const m = new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
   * m.probabilityAlive({ frequency: 0, recency: 0, T: 6 }).toFixed(2); // => '0.11'
   * ```
   */
  probabilityAlive(customer: ClvCustomer): number {
    const source = `${SOURCE}.probabilityAlive`;
    checkCustomer(source, customer);
    const d = toDiscrete(source, customer, this.opportunitiesPerUnit);
    const { alpha, beta, gamma, delta } = this.params;
    const lbAB = logBeta(alpha, beta);
    const lbGD = logBeta(gamma, delta);
    const ll = logLikelihoodOne(alpha, beta, gamma, delta, lbAB, lbGD, d);
    return Math.exp(logBeta(alpha + d.x, beta + d.n - d.x) - lbAB + logBeta(gamma, delta + d.n + 1) - lbGD - ll);
  }

  /**
   * Probability that a new customer makes exactly `x` purchases in her
   * first ⌊t × opportunitiesPerUnit⌋ opportunities (FHS 2010 eq. 7).
   *
   * Costs O(opportunities).
   *
   * @param x - number of purchases, an integer ≥ 0
   * @param t - horizon, in [0, 1e6]
   * @throws `OptionsError` `E_CLV_HORIZON` for a bad x or t
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * const m = new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
   * (11104 * m.probabilityOfPurchases(0, 6)).toFixed(0); // => '3456'
   * ```
   */
  probabilityOfPurchases(x: number, t: number): number {
    const source = `${SOURCE}.probabilityOfPurchases`;
    checkHorizon(source, t);
    checkCount(source, x);
    const n = this.opportunities(t);
    if (x > n) return 0;
    const { alpha: al, beta: be, gamma: ga, delta: de } = this.params;
    const lbAB = logBeta(al, be);
    const lbGD = logBeta(ga, de);
    const lChoose = (m: number, k: number): number => logGamma(m + 1) - logGamma(k + 1) - logGamma(m - k + 1);
    let total = Math.exp(lChoose(n, x) + logBeta(al + x, be + n - x) - lbAB + logBeta(ga, de + n) - lbGD);
    for (let i = x; i < n; i++) total += Math.exp(lChoose(i, x) + logBeta(al + x, be + i - x) - lbAB + logBeta(ga + 1, de + i) - lbGD);
    return total;
  }

  /**
   * Rebuilds a model from {@link BgBbModel.toJSON}'s output.
   *
   * @param json - what `toJSON()` returned
   * @throws `OptionsError` `E_CLV_PARAMS` when `json` is not a bg-bb model or its parameters are invalid, `E_CLV_TIME_UNIT`, `E_CLV_OPTION`
   * @throws `ValidationError` `E_CLV_JSON` for an unknown field, another version or malformed fit facts
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * BgBbModel.fromJSON({ model: 'bg-bb', params: { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, timeUnit: undefined, opportunitiesPerUnit: 1, fit: undefined }).params.delta; // => 2.783
   * ```
   */
  static fromJSON(json: BgBbModelJSON): BgBbModel {
    const r = readModelJson<BgBbParams>(`${SOURCE}.fromJSON`, json, 'bg-bb', NAMES, ['model', 'version', 'params', 'timeUnit', 'opportunitiesPerUnit', 'fit']);
    return new BgBbModel(r.params, r.timeUnit, (json as { opportunitiesPerUnit?: number }).opportunitiesPerUnit ?? 1, r.fit);
  }

  /**
   * The model as a plain object, for JSON.
   *
   * @example
   * ```ts
   * import { BgBbModel } from '@marksman/profiling';
   * new BgBbModel({ alpha: 1, beta: 2, gamma: 3, delta: 4 }, 'week', 7).toJSON().opportunitiesPerUnit; // => 7
   * ```
   */
  toJSON(): BgBbModelJSON {
    return { model: 'bg-bb', version: 2, params: this.params, timeUnit: this.timeUnit, opportunitiesPerUnit: this.opportunitiesPerUnit, fit: this.fit };
  }
}

const DEFAULTS: Readonly<RepeatFitDefaults<BgBbParams> & { opportunitiesPerUnit: number | undefined }> = Object.freeze({ ...REPEAT_FIT_DEFAULTS, opportunitiesPerUnit: undefined });

/**
 * Fits the BG/BB model by maximum likelihood (FHS 2010 eq. 5), in log space
 * and on distinct histories (x, t_x, n) weighted by how many customers share
 * them; BFGS on log-parameters with a Nelder–Mead restart, standard errors,
 * covariance and diagnostics as {@link fitBgNbd}.
 *
 * Costs O(distinct histories × opportunities) per likelihood evaluation.
 *
 * @param summary - the result of {@link summarizeForClv} (one opportunity per day), or rows `{ frequency, recency, T }` in whole opportunities
 * @param options - penalty, iteration cap, tolerance, onProgress, signal, starting point, time unit, opportunitiesPerUnit
 * @returns the fitted {@link BgBbModel}
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY` (a bad row, or one not in whole opportunities), `E_CLV_NO_REPEATS`
 * @throws `OptionsError` `E_CLV_OPTION`, `E_CLV_TIME_UNIT`, `E_CLV_PARAMS`, `E_OPTION_UNKNOWN`
 * @throws `ConvergenceError` `E_DIVERGED` when no finite optimum is found
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { fitBgBb } from '@marksman/profiling';
 * // Annual donations, six opportunities: (donations, last donation year, opportunities).
 * const rows = [[0, 0], [1, 1], [1, 5], [2, 6], [3, 4], [4, 6], [5, 6], [6, 6], [0, 0], [2, 3]]
 *   .map(([frequency, recency]) => ({ frequency, recency, T: 6 }));
 * fitBgBb(rows).logLikelihood < 0; // => true
 * ```
 */
export function fitBgBb(summary: ClvInput, options?: FitBgBbOptions): BgBbModel {
  const source = 'fitBgBb';
  return fitRepeatModel(summary, options, {
    source,
    model: 'bg-bb',
    names: NAMES,
    defaults: DEFAULTS,
    start: { alpha: 1, beta: 1, gamma: 1, delta: 1 },
    prepare: (o, cols) => checkOpportunities(source, o.opportunitiesPerUnit ?? (cols.timeUnit !== undefined ? daysPerUnit(cols.timeUnit) : 1)),
    likelihood: (cols, k) => {
      // Distinct histories in whole opportunities, with weights.
      const seen = new Map<string, number>();
      const hist: Discrete[] = [];
      const weight: number[] = [];
      for (let i = 0; i < cols.n; i++) {
        const d = toDiscrete(source, { frequency: cols.x[i]!, recency: cols.tx[i]!, T: cols.T[i]! }, k, i);
        const key = `${d.x}|${d.tx}|${d.n}`;
        const j = seen.get(key);
        if (j === undefined) {
          seen.set(key, hist.length);
          hist.push(d);
          weight.push(1);
        } else weight[j] = weight[j]! + 1;
      }
      const logLikelihood = (theta: Float64Array): number => {
        const [al, be, ga, de] = theta as unknown as [number, number, number, number];
        const lbAB = logBeta(al, be);
        const lbGD = logBeta(ga, de);
        let total = 0;
        for (let j = 0; j < hist.length; j++) total += weight[j]! * logLikelihoodOne(al, be, ga, de, lbAB, lbGD, hist[j]!);
        return total;
      };
      return { logLikelihood };
    },
    build: (params, timeUnit, k, fit) => new BgBbModel(params, timeUnit, k, fit),
  });
}
