import { StateError, ValidationError, logGamma } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { MAX_CLV_COUNT, checkFitOptions, checkParams, readFitInfo, readModelJson } from './clv/check';
import { parameterSummary } from './clv/diagnostics';
import type { ClvDiagnostic, ClvParameterSummary, HoldoutCheck } from './clv/diagnostics';
import { fitByMaximumLikelihood } from './clv/fit';
import { fitInfo, holdoutPeriod } from './clv/fit-facts';
import { CLV_FIT_DEFAULTS } from './clv/fit-model';
import type { ClvFitInfo } from './clv/fit-info';
import type { ClvFitProgress } from './clv/fit';
import { toColumns } from './clv/input';
import type { ClvInput } from './clv/input';

/** Gamma-Gamma spend parameters: a transaction's value ~ Gamma(p, rate ν), ν ~ Gamma(q, rate v) across customers. */
export interface GammaGammaParams {
  /** Shape of a transaction's value given the customer. */
  readonly p: number;
  /** Shape of the customer-level rate distribution. */
  readonly q: number;
  /** Rate of the customer-level rate distribution (in currency units). */
  readonly v: number;
}

/** Options of {@link fitGammaGamma}. */
export interface FitGammaGammaOptions {
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
  /** Starting point (default p = q = v = 1). */
  readonly initialParams?: GammaGammaParams | undefined;
}

/** The plain-object form of a {@link GammaGammaModel}. */
export interface GammaGammaModelJSON {
  /** Always `'gamma-gamma'`. */
  readonly model: 'gamma-gamma';
  /** Format version: 2 (1 or absent in files written by earlier versions, which are still read). */
  readonly version?: 1 | 2;
  /** The parameters. */
  readonly params: GammaGammaParams;
  /** The fit facts, when the model was fitted. */
  readonly fit: ClvFitInfo<GammaGammaParams> | undefined;
}

const SOURCE = 'GammaGammaModel';
const NAMES = ['p', 'q', 'v'] as const;

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005,
 * "RFM and CLV", after Colombo & Jiang 1999): it assumes spend is independent
 * of purchase frequency and shrinks a customer's observed mean towards the
 * population mean, the more the fewer purchases she made. Built by
 * {@link fitGammaGamma} or from known parameters.
 *
 * @example
 * ```ts
 * import { GammaGammaModel } from '@marksman/profiling';
 * const m = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
 * m.expectedPopulationSpend().toFixed(2); // => '35.22'
 * ```
 */
export class GammaGammaModel {
  /** The parameters. */
  readonly params: GammaGammaParams;
  /** The fit facts; undefined for a model built from given parameters. */
  readonly fit: ClvFitInfo<GammaGammaParams> | undefined;

  /**
   * @param params - p, q, v (all > 0)
   * @param fit - fit facts (set by {@link fitGammaGamma})
   * @throws `OptionsError` `E_CLV_PARAMS` for a parameter that is not finite and > 0, or an unknown one
   * @throws `ValidationError` `E_CLV_JSON` for malformed fit facts
   */
  constructor(params: GammaGammaParams, fit?: ClvFitInfo<GammaGammaParams>) {
    checkParams(SOURCE, params as unknown as Record<string, number>, NAMES);
    this.params = Object.freeze({ p: params.p, q: params.q, v: params.v });
    this.fit = readFitInfo<GammaGammaParams>(SOURCE, fit, NAMES);
  }

  /** Total log-likelihood of the fit (NaN for a model built from parameters). */
  get logLikelihood(): number {
    return this.fit?.logLikelihood ?? NaN;
  }

  /** Asymptotic standard errors of the fitted parameters (NaN for a model built from parameters). */
  get standardErrors(): GammaGammaParams {
    return this.fit?.standardErrors ?? { p: NaN, q: NaN, v: NaN };
  }

  /**
   * Whether the optimiser converged (true for a model built from given
   * parameters). It says nothing about whether the data identify the
   * parameters: read {@link GammaGammaModel.diagnostics} for that.
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
   * import { GammaGammaModel } from '@marksman/profiling';
   * new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 }).summary().map((row) => row.parameter); // => ['p', 'q', 'v']
   * ```
   */
  summary(level = 0.95): ClvParameterSummary[] {
    return parameterSummary(`${SOURCE}.summary`, NAMES, this.params as unknown as Record<string, number>, this.fit?.standardErrors as Record<string, number> | undefined, level);
  }

  /**
   * Mean spend per transaction of a customer picked at random: p·v/(q−1).
   *
   * Costs O(1).
   *
   * @throws `StateError` `E_CLV_CLOSED_FORM` when q ≤ 1 (the mean is infinite)
   * @example
   * ```ts
   * import { GammaGammaModel } from '@marksman/profiling';
   * new GammaGammaModel({ p: 2, q: 3, v: 10 }).expectedPopulationSpend(); // => 10
   * ```
   */
  expectedPopulationSpend(): number {
    const { p, q, v } = this.params;
    if (q <= 1) throwInfiniteMean();
    return (p * v) / (q - 1);
  }

  /**
   * Expected spend per transaction of a customer with `frequency` repeat
   * purchases of mean value `monetaryValue`:
   * p(v + x·m̄)/(p·x + q − 1), a weighted mean of the population mean and m̄
   * (the population mean when frequency is 0).
   *
   * Costs O(1).
   *
   * @param customer - `{ frequency, monetaryValue }`
   * @throws `ValidationError` `E_CLV_SUMMARY` for a bad frequency or a
   *   non-positive monetary value with frequency > 0
   * @throws `StateError` `E_CLV_CLOSED_FORM` when q ≤ 1
   * @example
   * ```ts
   * import { GammaGammaModel } from '@marksman/profiling';
   * const m = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
   * m.conditionalExpectedAverageSpend({ frequency: 2, monetaryValue: 22.35 }).toFixed(2); // => '24.66'
   * ```
   */
  conditionalExpectedAverageSpend(customer: { readonly frequency: number; readonly monetaryValue?: number }): number {
    const source = `${SOURCE}.conditionalExpectedAverageSpend`;
    if (typeof customer !== 'object' || customer === null) {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: customer must be an object { frequency, monetaryValue }.`, { source, field: 'customer' });
    }
    const x = customer.frequency;
    const mean = customer.monetaryValue ?? 0;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > MAX_CLV_COUNT) {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: frequency must be an integer between 0 and ${MAX_CLV_COUNT}, got ${String(x)}.`, { source, field: 'frequency' });
    }
    if (typeof mean !== 'number' || !Number.isFinite(mean) || mean < 0 || (x > 0 && mean <= 0) || !Number.isFinite(x * mean)) {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: monetaryValue must be a finite number, > 0 when frequency is > 0, got ${String(customer.monetaryValue)}.`, {
        source,
        field: 'monetaryValue',
      });
    }
    const { p, q, v } = this.params;
    if (q <= 1) throwInfiniteMean();
    return (p * (v + x * mean)) / (p * x + q - 1);
  }

  /**
   * Rebuilds a model from {@link GammaGammaModel.toJSON}'s output (for instance after
   * `JSON.parse`); parameters are validated again.
   *
   * @param json - what `toJSON()` returned
   * @throws `OptionsError` `E_CLV_PARAMS` when `json` is not a gamma-gamma model or its parameters are invalid
   * @throws `ValidationError` `E_CLV_JSON` for an unknown field, a version other than 1 or 2, or malformed fit facts
   * @example
   * ```ts
   * import { GammaGammaModel } from '@marksman/profiling';
   * GammaGammaModel.fromJSON({ model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 }, fit: undefined }).params.p; // => 6.25
   * ```
   */
  static fromJSON(json: GammaGammaModelJSON): GammaGammaModel {
    const r = readModelJson<GammaGammaParams>(`${SOURCE}.fromJSON`, json, 'gamma-gamma', NAMES, ['model', 'version', 'params', 'fit']);
    return new GammaGammaModel(r.params, r.fit);
  }

  /**
   * The model as a plain object, for JSON.
   *
   * @example
   * ```ts
   * import { GammaGammaModel } from '@marksman/profiling';
   * new GammaGammaModel({ p: 1, q: 2, v: 3 }).toJSON().params; // => { p: 1, q: 2, v: 3 }
   * ```
   */
  toJSON(): GammaGammaModelJSON {
    return { model: 'gamma-gamma', version: 2, params: this.params, fit: this.fit };
  }
}

function throwInfiniteMean(): never {
  throw new StateError('E_CLV_CLOSED_FORM', `${SOURCE}: q must be > 1 for the expected spend to be finite.`, { source: SOURCE, field: 'q' });
}

const DEFAULTS: Readonly<Required<{ [K in keyof FitGammaGammaOptions]: FitGammaGammaOptions[K] }>> = CLV_FIT_DEFAULTS;

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the customers
 * with at least one repeat purchase (customers with frequency 0 carry no
 * repeat-spend information and are skipped; `fit.nCustomers` says how many
 * were used). For a customer with x repeat purchases of mean z̄ the
 * likelihood of z̄ is
 * Γ(px+q)/(Γ(px)Γ(q)) · v^q · z̄^(px−1) · x^(px) / (v + x z̄)^(px+q).
 *
 * Costs O(n) per likelihood evaluation.
 *
 * @param summary - the result of {@link summarizeForClv}, or rows `{ frequency, recency, T, monetaryValue }`
 * @param options - penalty, iteration cap, tolerance, starting point
 * @returns the fitted {@link GammaGammaModel}
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY` (a bad row, or
 *   monetaryValue ≤ 0 for a customer with repeat purchases), `E_CLV_NO_REPEATS`
 * @throws `OptionsError` `E_CLV_OPTION` (penalty, maxIterations, tolerance, onProgress, signal), `E_CLV_PARAMS`
 *   (bad initialParams), `E_OPTION_UNKNOWN`
 * @throws `ConvergenceError` `E_DIVERGED` when no finite optimum is found
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { fitGammaGamma } from '@marksman/profiling';
 * const rows = [10, 12, 30, 25, 8, 14, 40, 22, 18, 11].map((m, i) => ({ frequency: 1 + (i % 3), recency: 5, T: 10, monetaryValue: m }));
 * const g = fitGammaGamma(rows);
 * g.converged; // => true
 * ```
 */
export function fitGammaGamma(summary: ClvInput, options?: FitGammaGammaOptions): GammaGammaModel {
  const source = 'fitGammaGamma';
  const o = resolveOptions(source, DEFAULTS, options);
  const cols = toColumns(summary, source, true);
  const opts = checkFitOptions(source, o);
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < cols.n; i++) {
    const x = cols.x[i]!;
    if (x === 0) continue;
    const m = cols.m[i]!;
    if (!(m > 0)) {
      throw new ValidationError('E_CLV_SUMMARY', `${source}: row ${i}: monetaryValue must be > 0 for a customer with repeat purchases, got ${m}.`, { source, field: 'monetaryValue', row: i });
    }
    xs.push(x);
    ms.push(m);
  }
  if (xs.length === 0) {
    throw new ValidationError('E_CLV_NO_REPEATS', `${source}: no customer has a repeat purchase, so spend per transaction cannot be estimated.`, { source, field: 'frequency' });
  }
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  const lx = Float64Array.from(xs, Math.log);
  const lm = Float64Array.from(ms, Math.log);
  const logLikelihood = (theta: Float64Array): number => {
    const p = theta[0]!;
    const q = theta[1]!;
    const v = theta[2]!;
    const base = q * Math.log(v) - logGamma(q);
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      const px = p * x[i]!;
      total += logGamma(px + q) - logGamma(px) + base + (px - 1) * lm[i]! + px * lx[i]! - (px + q) * Math.log(v + x[i]! * m[i]!);
    }
    return total;
  };
  const start = o.initialParams ?? { p: 1, q: 1, v: 1 };
  checkParams(source, start as unknown as Record<string, number>, NAMES);
  const fit = fitByMaximumLikelihood({
    source,
    logLikelihood,
    start: [start.p, start.q, start.v],
    n: x.length,
    penalty: opts.penalty,
    maxIterations: opts.maxIterations,
    tolerance: opts.tolerance,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });
  const [p, q, v] = fit.theta;
  const params = { p: p!, q: q!, v: v! };
  return new GammaGammaModel(
    params,
    fitInfo<GammaGammaParams>({
      model: 'gamma-gamma',
      names: NAMES,
      fit,
      nCustomers: x.length,
      repeatCustomers: x.length,
      penalty: opts.penalty,
      correlation: pearson(x, m),
      holdout: holdoutSpend(cols, params),
    }),
  );
}

/** Pearson correlation of two equally long columns (NaN when one is constant). */
function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Predicted against actual mean spend per holdout purchase, over the
 * customers who bought in the holdout (weighted by their holdout purchases),
 * when the summary has a holdout period.
 */
function holdoutSpend(cols: ReturnType<typeof toColumns>, params: GammaGammaParams): HoldoutCheck | undefined {
  const h = cols.holdout;
  if (h === undefined || params.q <= 1) return undefined;
  const { p, q, v } = params;
  let count = 0;
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < cols.n; i++) {
    const c = h.counts[i]!;
    if (c === 0 || !(h.spend[i]! > 0)) continue;
    const x = cols.x[i]!;
    const mean = x > 0 && cols.m[i]! > 0 ? cols.m[i]! : 0;
    count += c;
    predicted += (c * p * (v + x * mean)) / (p * x + q - 1);
    actual += c * h.spend[i]!;
  }
  if (count === 0) return undefined;
  return { predicted: predicted / count, actual: actual / count, what: 'spend', period: holdoutPeriod(h.duration, cols.timeUnit) };
}
