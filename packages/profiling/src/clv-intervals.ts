import { OptionsError, Random, StateError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { BgBbModel } from './bg-bb';
import { BgNbdModel } from './bg-nbd';
import { checkLevel } from './clv/diagnostics';
import { toColumns } from './clv/input';
import type { ClvCustomer, ClvInput } from './clv/input';
import { cholesky } from './clv/uncertainty';
import type { ClvPurchaseModel } from './customer-lifetime-value';
import { checkValueOptions, discountedPurchases, horizonTimes, pathOf } from './customer-lifetime-value';
import type { PurchasePath } from './customer-lifetime-value';
import { GammaGammaModel } from './gamma-gamma';
import { MbgNbdModel } from './mbg-nbd';
import { ParetoNbdModel, paretoExpectedPath } from './pareto-nbd';
import type { ClvTimeUnit } from './time-unit';

/** Options of {@link clvIntervals}. */
export interface ClvIntervalsOptions {
  /** A fitted purchase model (`fitBgNbd`, `fitMbgNbd`, `fitParetoNbd`, `fitBgBb`) with a covariance. Required. */
  readonly purchaseModel: ClvPurchaseModel;
  /** A fitted Gamma-Gamma model with a covariance; without it there are no CLV intervals (default none). */
  readonly spendModel?: GammaGammaModel | null;
  /** Number of periods of `timeUnit` to predict and value (an integer from 1 to 10,000). Required. */
  readonly horizon: number;
  /** Length of one period (default: the purchase model's time unit). */
  readonly timeUnit?: ClvTimeUnit | undefined;
  /** Discount rate per period, ≥ 0 (default 0). */
  readonly discountRate?: number;
  /** Profit margin applied to spend, in (0, 1] (default 1). */
  readonly margin?: number;
  /** Coverage of the intervals, in (0, 1) (default 0.95). */
  readonly level?: number;
  /** Parameter draws, an integer from 20 to 100,000 (default 1,000). */
  readonly draws?: number;
  /** Seed of the draws (default 0): same seed, same intervals. */
  readonly seed?: number;
  /** Called with the share of customer patterns done (default none). */
  readonly onProgress?: ((progress: ClvIntervalsProgress) => void) | null;
  /** Stops the work with an `AbortError` (`E_ABORTED`) (default none). */
  readonly signal?: AbortSignal | null;
}

/** Progress of {@link clvIntervals}. */
export interface ClvIntervalsProgress {
  /** Distinct customer histories (frequency, recency, T) evaluated so far. */
  readonly done: number;
  /** Distinct customer histories in all. */
  readonly total: number;
}

/** A prediction with its interval. */
export interface ClvInterval {
  /** The prediction at the maximum-likelihood parameters (what the model's methods return). */
  readonly estimate: number;
  /** Lower end: the (1 − level)/2 quantile of the prediction over the parameter draws. */
  readonly lower: number;
  /** Upper end: the (1 + level)/2 quantile. */
  readonly upper: number;
}

/** One customer's predictions with intervals. */
export interface CustomerIntervals {
  /** The customer (the row's `customerId`, else its 0-based index). */
  readonly customerId: Id;
  /** Probability that the customer is still active at the end of the observation period. */
  readonly probabilityAlive: ClvInterval;
  /** Expected purchases over the horizon (undiscounted). */
  readonly expectedPurchases: ClvInterval;
  /** Discounted expected value over the horizon (× margin); null without a spend model. */
  readonly clv: ClvInterval | null;
}

/** Population totals of {@link clvIntervals}: sums over the customers, with intervals. */
export interface ClvIntervalTotals {
  /** Customers summed. */
  readonly customers: number;
  /** Total expected purchases over the horizon. */
  readonly expectedPurchases: ClvInterval;
  /** Total CLV; null without a spend model. */
  readonly clv: ClvInterval | null;
}

/** What {@link clvIntervals} returns. */
export interface ClvIntervals {
  /** How the intervals were made, in words. */
  readonly method: string;
  /** Coverage of the intervals. */
  readonly level: number;
  /** Parameter draws used. */
  readonly draws: number;
  /** Draws refused and drawn again because the model's formulas do not hold there (e.g. Gamma-Gamma q ≤ 1). */
  readonly rejectedDraws: number;
  /** The seed. */
  readonly seed: number;
  /** Periods predicted. */
  readonly horizon: number;
  /** Unit of a period. */
  readonly timeUnit: ClvTimeUnit;
  /** One entry per customer, in input order. */
  readonly customers: CustomerIntervals[];
  /** Sums over all customers. */
  readonly totals: ClvIntervalTotals;
}

const DEFAULTS: Readonly<{
  purchaseModel: ClvPurchaseModel | undefined;
  spendModel: GammaGammaModel | null;
  horizon: number | undefined;
  timeUnit: ClvTimeUnit | undefined;
  discountRate: number;
  margin: number;
  level: number;
  draws: number;
  seed: number;
  onProgress: ((progress: ClvIntervalsProgress) => void) | null;
  signal: AbortSignal | null;
}> = Object.freeze({
  purchaseModel: undefined,
  spendModel: null,
  horizon: undefined,
  timeUnit: undefined,
  discountRate: 0,
  margin: 1,
  level: 0.95,
  draws: 1000,
  seed: 0,
  onProgress: null,
  signal: null,
});

/** How to rebuild a purchase model of a known kind from parameters. */
interface Rebuilder {
  readonly names: readonly string[];
  readonly label: string;
  build(params: Record<string, number>): ClvPurchaseModel & { probabilityAlive(c: ClvCustomer): number };
  path(model: ClvPurchaseModel): PurchasePath;
}

function rebuilder(model: unknown): Rebuilder | undefined {
  if (model instanceof BgNbdModel) {
    const unit = model.timeUnit;
    return { names: ['r', 'alpha', 'a', 'b'], label: 'BG/NBD', build: (p) => new BgNbdModel(p as never, unit), path: pathOf };
  }
  if (model instanceof MbgNbdModel) {
    const unit = model.timeUnit;
    return { names: ['r', 'alpha', 'a', 'b'], label: 'MBG/NBD', build: (p) => new MbgNbdModel(p as never, unit), path: pathOf };
  }
  if (model instanceof BgBbModel) {
    const unit = model.timeUnit;
    const k = model.opportunitiesPerUnit;
    return { names: ['alpha', 'beta', 'gamma', 'delta'], label: 'BG/BB', build: (p) => new BgBbModel(p as never, unit, k), path: pathOf };
  }
  if (model instanceof ParetoNbdModel) {
    const unit = model.timeUnit;
    return {
      names: ['r', 'alpha', 's', 'beta'],
      label: 'Pareto/NBD',
      build: (p) => new ParetoNbdModel(p as never, unit),
      path: (m) => (c, t) => paretoExpectedPath(m as ParetoNbdModel, c, t),
    };
  }
  return undefined;
}

/** Draws of the parameters: exp(ln θ̂ + L z), z ~ N(0, I), L the Cholesky factor of the log-parameter covariance. */
function drawParameters(
  rng: Random,
  names: readonly string[],
  estimate: Readonly<Record<string, number>>,
  L: readonly (readonly number[])[],
  accept: (p: Record<string, number>) => boolean,
  count: number,
): { draws: Record<string, number>[]; rejected: number } {
  const k = names.length;
  const out: Record<string, number>[] = [];
  const z = new Float64Array(k);
  let rejected = 0;
  while (out.length < count) {
    for (let i = 0; i < k; i++) z[i] = rng.normal();
    const p: Record<string, number> = {};
    for (let i = 0; i < k; i++) {
      let u = Math.log(estimate[names[i]!]!);
      for (let j = 0; j <= i; j++) u += L[i]![j]! * z[j]!;
      p[names[i]!] = Math.exp(u);
    }
    if (names.every((n) => Number.isFinite(p[n]!) && p[n]! > 0) && accept(p)) out.push(p);
    else if (++rejected > 10 * count) {
      throw new StateError('E_CLV_NO_COVARIANCE', `clvIntervals: most parameter draws fall where the model's formulas do not hold (${rejected} refused); the fit is too uncertain for intervals — read its diagnostics.`, {
        source: 'clvIntervals',
      });
    }
  }
  return { draws: out, rejected };
}

/** numpy's default (linear) quantile of a sorted array. */
function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

const MAX_DRAWS = 100_000;

/**
 * Per-customer intervals for P(alive), expected purchases and CLV, and
 * population totals with intervals, from the uncertainty of the fitted
 * parameters.
 *
 * Method: the Laplace (normal) approximation of the likelihood on the
 * log-parameters — ln θ ~ N(ln θ̂, Σ), Σ the inverse of the observed
 * information in ln θ kept by the fit (`fit.covariance`) — is sampled
 * `draws` times with the seeded generator; every prediction is evaluated
 * at every draw and the interval is the pair of (1 ∓ level)/2 quantiles
 * (linear interpolation) over the draws. The purchase and spend models are
 * sampled independently (they are fitted separately). Draws where a
 * model's formulas do not hold (Gamma-Gamma q ≤ 1, a BG/NBD closed form
 * that fails) are refused and drawn again (`rejectedDraws`). Totals are
 * sums over the customers within each draw, so they carry the correlation
 * that a shared parameter error induces. The intervals describe parameter
 * uncertainty only: a customer's actual purchases also vary by chance
 * around the expectation, which they do not include.
 *
 * Costs O(draws × distinct histories × horizon) model evaluations (one
 * horizon step without discounting).
 *
 * @param summary - the customers: {@link summarizeForClv}'s result or rows `{ frequency, recency, T, monetaryValue? }` in the purchase model's unit
 * @param options - purchase model, spend model, horizon, time unit, discount rate, margin, level, draws, seed, onProgress, signal
 * @returns per-customer intervals, totals and the method
 * @throws `OptionsError` `E_CLV_OPTION` for a purchase model of an unknown kind or a bad horizon, rate, margin,
 *   level or draws; `E_CLV_TIME_UNIT` as {@link customerLifetimeValue}; `E_OPTION_UNKNOWN`
 * @throws `StateError` `E_CLV_NO_COVARIANCE` when a model has no covariance (built from parameters, or its
 *   information matrix is not positive definite: see its diagnostics)
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY`
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { clvIntervals, fitBgNbd } from '@marksman/profiling';
 * const rows = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? { frequency: 0, recency: 0, T: 30 } : { frequency: 1 + (i % 5), recency: 5 + (i % 20), T: 30 }));
 * const model = fitBgNbd(rows, { timeUnit: 'week' });
 * const out = clvIntervals(rows, { purchaseModel: model, horizon: 13, draws: 200, seed: 1 });
 * const first = out.customers[1]!.expectedPurchases;
 * first.lower < first.estimate && first.estimate < first.upper; // => true
 * out.totals.expectedPurchases.estimate.toFixed(1); // => '61.8'
 * ```
 */
export function clvIntervals(summary: ClvInput, options: ClvIntervalsOptions): ClvIntervals {
  const source = 'clvIntervals';
  const o = resolveOptions(source, DEFAULTS, options);
  const pm = o.purchaseModel;
  const rb = rebuilder(pm);
  if (rb === undefined) {
    throw new OptionsError('E_CLV_OPTION', `${source}: purchaseModel must be a fitted BgNbdModel, MbgNbdModel, ParetoNbdModel or BgBbModel (intervals need its covariance).`, { source, field: 'purchaseModel' });
  }
  const sm = o.spendModel;
  if (sm !== null && !(sm instanceof GammaGammaModel)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: spendModel must be a fitted GammaGammaModel or null.`, { source, field: 'spendModel' });
  }
  const level = checkLevel(source, o.level);
  if (!(typeof o.draws === 'number' && Number.isInteger(o.draws) && o.draws >= 20 && o.draws <= MAX_DRAWS)) {
    throw new OptionsError('E_CLV_OPTION', `${source}: draws must be an integer between 20 and ${MAX_DRAWS}, got ${String(o.draws)}.`, { source, field: 'draws' });
  }
  if (!(typeof o.seed === 'number' && Number.isFinite(o.seed))) {
    throw new OptionsError('E_CLV_OPTION', `${source}: seed must be a finite number, got ${String(o.seed)}.`, { source, field: 'seed' });
  }
  if (!(o.onProgress === null || typeof o.onProgress === 'function')) {
    throw new OptionsError('E_CLV_OPTION', `${source}: onProgress must be a function or null.`, { source, field: 'onProgress' });
  }
  const signal = o.signal ?? undefined;
  const purchaseModel = pm as ClvPurchaseModel & { params: Record<string, number>; fit: { covariance: readonly (readonly number[])[] | null } | undefined };
  const v = checkValueOptions(source, { purchaseModel, horizon: o.horizon, discountRate: o.discountRate, margin: o.margin, timeUnit: o.timeUnit });
  const cols = toColumns(summary, source, false);
  if (cols.timeUnit !== undefined && cols.timeUnit !== v.modelUnit) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: the summary is in ${cols.timeUnit}s but the purchase model was fitted in ${v.modelUnit}s; summarise the transactions again with timeUnit '${v.modelUnit}'.`, {
      source,
      field: 'summary',
    });
  }
  const noCovariance = (which: string): never => {
    throw new StateError(
      'E_CLV_NO_COVARIANCE',
      `${source}: the ${which} has no parameter covariance (it was built from parameters, or its information matrix is not positive definite: read its diagnostics), so there is no uncertainty to sample.`,
      { source, field: which === 'purchase model' ? 'purchaseModel' : 'spendModel' },
    );
  };
  const covP = purchaseModel.fit?.covariance ?? null;
  const LP = covP === null ? null : cholesky(covP);
  if (LP === null) noCovariance('purchase model');
  const spendModel = sm as GammaGammaModel | null;
  let LS: number[][] | null = null;
  if (spendModel !== null) {
    const covS = spendModel.fit?.covariance ?? null;
    LS = covS === null ? null : cholesky(covS);
    if (LS === null) noCovariance('spend model');
  }
  throwIfAborted(signal, source);

  const rng = new Random(o.seed);
  const nDraws = o.draws;
  const { step, discount } = v;
  const horizonT = discount.length * step;
  // Purchase-model draws: refuse those where a customer's prediction fails or is not finite.
  const probe = Array.from({ length: cols.n }, (_, i) => i);
  const customerAt = (i: number): ClvCustomer => ({ frequency: cols.x[i]!, recency: cols.tx[i]!, T: cols.T[i]! });
  // Distinct histories (patterns), evaluated once per draw.
  const key = new Map<string, number>();
  const patternOf = new Int32Array(cols.n);
  const patterns: number[] = [];
  for (const i of probe) {
    const k = `${cols.x[i]}|${cols.tx[i]}|${cols.T[i]}`;
    let p = key.get(k);
    if (p === undefined) {
      p = patterns.length;
      key.set(k, p);
      patterns.push(i);
    }
    patternOf[i] = p;
  }
  const works = (p: Record<string, number>): boolean => {
    try {
      const m = rb.build(p);
      // The hardest history for the closed forms: a new customer (frequency 0) at the longest horizon.
      const e = m.conditionalExpectedPurchases(horizonT, { frequency: 0, recency: 0, T: 0 });
      return Number.isFinite(e) && e >= 0;
    } catch {
      return false;
    }
  };
  const pDraws = drawParameters(rng, rb.names, purchaseModel.params, LP!, works, nDraws);
  const models = pDraws.draws.map((p) => rb.build(p));
  const paths = models.map((m) => rb.path(m));
  const times = horizonTimes(step, discount);
  let rejected = pDraws.rejected;
  let sDraws: Record<string, number>[] = [];
  if (spendModel !== null) {
    const s = drawParameters(rng, ['p', 'q', 'v'], spendModel.params as unknown as Record<string, number>, LS!, (p) => p.q! > 1, nDraws);
    sDraws = s.draws;
    rejected += s.rejected;
  }

  const lo = (1 - level) / 2;
  const hi = (1 + level) / 2;
  const interval = (estimate: number, values: Float64Array): ClvInterval => {
    const sorted = Float64Array.from(values).sort();
    return { estimate, lower: quantileSorted(sorted, lo), upper: quantileSorted(sorted, hi) };
  };
  const pointModel = purchaseModel as unknown as ClvPurchaseModel & { probabilityAlive(c: ClvCustomer): number };
  const rows: readonly ClvCustomer[] = Array.isArray(summary) ? summary : (summary as { rows: readonly ClvCustomer[] }).rows;
  const totalPurchases = new Float64Array(nDraws);
  const totalValue = new Float64Array(nDraws);
  let totalPurchasesEstimate = 0;
  let totalValueEstimate = 0;
  // Per pattern: the draws of P(alive), expected purchases and discounted purchases.
  const alive = new Float64Array(nDraws);
  const purchases = new Float64Array(nDraws);
  const discounted = new Float64Array(nDraws);
  const members: number[][] = patterns.map(() => []);
  for (let i = 0; i < cols.n; i++) members[patternOf[i]!]!.push(i);
  const out: CustomerIntervals[] = new Array(cols.n);
  const spendOf = (p: Record<string, number>, x: number, m: number): number => (p.p! * (p.v! + x * m)) / (p.p! * x + p.q! - 1);
  const progressEvery = Math.max(1, Math.floor(patterns.length / 100));
  for (let pi = 0; pi < patterns.length; pi++) {
    throwIfAborted(signal, source);
    const c = customerAt(patterns[pi]!);
    for (let d = 0; d < nDraws; d++) {
      const m = models[d]!;
      alive[d] = m.probabilityAlive(c);
      const r = discountedPurchases(paths[d]!, c, times, discount, source);
      purchases[d] = r.purchases;
      discounted[d] = r.discounted;
    }
    const point = discountedPurchases(rb.path(pointModel), c, times, discount, source);
    const aliveInterval = interval(pointModel.probabilityAlive(c), alive);
    const purchaseInterval = interval(point.purchases, purchases);
    for (const i of members[pi]!) {
      for (let d = 0; d < nDraws; d++) totalPurchases[d] = totalPurchases[d]! + purchases[d]!;
      totalPurchasesEstimate += point.purchases;
      let clv: ClvInterval | null = null;
      if (spendModel !== null) {
        const x = cols.x[i]!;
        const mv = Number.isNaN(cols.m[i]!) || x === 0 ? 0 : cols.m[i]!;
        const values = new Float64Array(nDraws);
        for (let d = 0; d < nDraws; d++) {
          values[d] = v.margin * spendOf(sDraws[d]!, x, mv) * discounted[d]!;
          totalValue[d] = totalValue[d]! + values[d]!;
        }
        const estimate = v.margin * spendModel.conditionalExpectedAverageSpend({ frequency: x, monetaryValue: mv }) * point.discounted;
        totalValueEstimate += estimate;
        clv = interval(estimate, values);
      }
      out[i] = { customerId: rows[i]!.customerId ?? i, probabilityAlive: aliveInterval, expectedPurchases: purchaseInterval, clv };
    }
    if (o.onProgress !== null && ((pi + 1) % progressEvery === 0 || pi + 1 === patterns.length)) o.onProgress({ done: pi + 1, total: patterns.length });
  }
  return {
    method: `Laplace approximation: ${nDraws} draws of the ${rb.label}${spendModel !== null ? ' and Gamma-Gamma' : ''} log-parameters from N(ln θ̂, Σ), Σ the inverse observed information in ln θ (seed ${o.seed}); ${level * 100} % intervals are the ${lo * 100} % and ${hi * 100} % quantiles of each prediction over the draws; parameter uncertainty only.`,
    level,
    draws: nDraws,
    rejectedDraws: rejected,
    seed: o.seed,
    horizon: discount.length,
    timeUnit: v.periodUnit,
    customers: out,
    totals: {
      customers: cols.n,
      expectedPurchases: interval(totalPurchasesEstimate, totalPurchases),
      clv: spendModel === null ? null : interval(totalValueEstimate, totalValue),
    },
  };
}
