import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { toColumns } from './clv/input';
import type { ClvCustomer, ClvInput } from './clv/input';
import type { GammaGammaModel } from './gamma-gamma';
import { ParetoNbdModel, paretoExpectedPath } from './pareto-nbd';
import { daysPerUnit, isClvTimeUnit } from './time-unit';
import type { ClvTimeUnit } from './time-unit';

/** What {@link customerLifetimeValue} needs from a purchase model ({@link BgNbdModel} and {@link ParetoNbdModel} qualify). */
export interface ClvPurchaseModel {
  /** Time unit of the model's parameters; required for discounting. */
  readonly timeUnit: ClvTimeUnit | undefined;
  /** Expected purchases in the next t time units for a customer with this history. */
  conditionalExpectedPurchases(t: number, customer: ClvCustomer): number;
}

/** Options of {@link customerLifetimeValue}. */
export interface CustomerLifetimeValueOptions {
  /** The fitted purchase model (BG/NBD or Pareto/NBD). Required. */
  readonly purchaseModel: ClvPurchaseModel;
  /** The fitted spend model (Gamma-Gamma). Required. */
  readonly spendModel: GammaGammaModel;
  /** Number of discount periods to add up (an integer from 1 to 10,000). Required. */
  readonly horizon: number;
  /** Discount rate per period, ≥ 0 (default 0: no discounting). */
  readonly discountRate?: number;
  /** Length of one period (default: the purchase model's time unit). */
  readonly timeUnit?: ClvTimeUnit | undefined;
  /** Profit margin applied to spend, in (0, 1] (default 1: value is revenue). */
  readonly margin?: number;
}

/** One customer's value. */
export interface CustomerValue {
  /** The customer (the row's `customerId`, else its 0-based index). */
  readonly customerId: Id;
  /** Expected purchases over the horizon, undiscounted. */
  readonly expectedPurchases: number;
  /** Expected spend per purchase from the spend model. */
  readonly expectedAverageSpend: number;
  /** Discounted expected value over the horizon (× margin). */
  readonly clv: number;
}

/** Most discount periods one call adds up (27 years of days). */
const MAX_PERIODS = 10_000;

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

const DEFAULTS: Readonly<{
  purchaseModel: ClvPurchaseModel | undefined;
  spendModel: GammaGammaModel | undefined;
  horizon: number | undefined;
  discountRate: number;
  timeUnit: ClvTimeUnit | undefined;
  margin: number;
}> = Object.freeze({ purchaseModel: undefined, spendModel: undefined, horizon: undefined, discountRate: 0, timeUnit: undefined, margin: 1 });

/**
 * Customer lifetime value over a finite horizon, as lifetimes computes it
 * but with explicit units: for each period k = 1…H of one `timeUnit`,
 * the expected purchases in that period (difference of the purchase model's
 * conditional expectations at kΔ and (k−1)Δ, Δ = the period in the model's
 * unit) × the spend model's expected spend per purchase × margin, discounted
 * by (1 + discountRate)^k.
 *
 * Costs O(n·H) conditional expectations.
 *
 * @param summary - the customers: {@link summarizeForClv}'s result or rows with `frequency`, `recency`, `T`, `monetaryValue`
 * @param options - purchase and spend models, horizon, discount rate, period unit, margin
 * @returns one {@link CustomerValue} per customer, in input order
 * @throws `OptionsError` `E_CLV_OPTION` for a missing model or a bad horizon (an integer
 *   from 1 to 10,000 periods), rate or margin;
 *   `E_CLV_TIME_UNIT` when the purchase model's unit is unknown, `timeUnit` is not a unit, or
 *   the summary (from {@link summarizeForClv}) is in another unit than the purchase model
 *   (rows given as a plain array are taken to be in the model's unit)
 * @throws `ValidationError` `E_CLV_EMPTY`, `E_CLV_SUMMARY` (e.g. repeat buyers without a positive monetaryValue),
 *   `E_CLV_PREDICTION` when a model returns a non-finite or negative prediction
 * @example
 * ```ts
 * import { BgNbdModel, GammaGammaModel, customerLifetimeValue } from '@marksman/profiling';
 * const purchaseModel = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
 * const spendModel = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
 * const [v] = customerLifetimeValue([{ frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 }], {
 *   purchaseModel, spendModel, horizon: 12, timeUnit: 'month', discountRate: 0.01,
 * });
 * v!.clv.toFixed(2); // => '36.31'
 * ```
 */
export function customerLifetimeValue(summary: ClvInput, options: CustomerLifetimeValueOptions): CustomerValue[] {
  const source = 'customerLifetimeValue';
  const o = resolveOptions(source, DEFAULTS, options);
  const { purchaseModel, modelUnit, step, discount, margin } = checkValueOptions(source, o);
  const sm = o.spendModel;
  if (typeof sm !== 'object' || sm === null || typeof sm.conditionalExpectedAverageSpend !== 'function') {
    throw new OptionsError('E_CLV_OPTION', `${source}: spendModel must be a fitted Gamma-Gamma model.`, { source, field: 'spendModel' });
  }
  const spendModel = sm as GammaGammaModel;
  const cols = toColumns(summary, source);
  if (cols.timeUnit !== undefined && cols.timeUnit !== modelUnit) {
    throw new OptionsError(
      'E_CLV_TIME_UNIT',
      `${source}: the summary is in ${cols.timeUnit}s but the purchase model was fitted in ${modelUnit}s; summarise the transactions again with timeUnit '${modelUnit}' (recency and T must be in the model's unit).`,
      { source, field: 'summary' },
    );
  }
  const rows: readonly ClvCustomer[] = Array.isArray(summary) ? summary : (summary as { rows: readonly ClvCustomer[] }).rows;
  const out: CustomerValue[] = new Array(cols.n);
  const path = purchaseModel instanceof ParetoNbdModel ? (c: ClvCustomer, t: Float64Array) => paretoExpectedPath(purchaseModel, c, t) : pathOf(purchaseModel);
  const times = horizonTimes(step, discount);
  for (let i = 0; i < cols.n; i++) {
    const customer: ClvCustomer = { frequency: cols.x[i]!, recency: cols.tx[i]!, T: cols.T[i]! };
    const mv = cols.m[i]!;
    const spend = spendModel.conditionalExpectedAverageSpend(Number.isNaN(mv) ? { frequency: cols.x[i]! } : { frequency: cols.x[i]!, monetaryValue: mv });
    const { purchases, discounted } = discountedPurchases(path, customer, times, discount, source, i);
    if (typeof spend !== 'number' || !Number.isFinite(spend) || spend < 0) {
      throw new ValidationError('E_CLV_PREDICTION', `${source}: the spend model predicted ${describe(spend)} per purchase for row ${i}; expected a finite number ≥ 0.`, {
        source,
        field: 'spendModel',
        row: i,
      });
    }
    out[i] = { customerId: rows[i]!.customerId ?? i, expectedPurchases: purchases, expectedAverageSpend: spend, clv: discounted * spend * margin };
  }
  return out;
}

/** The checked options shared by {@link customerLifetimeValue} and `clvIntervals` (internal). */
export interface ValueOptions {
  readonly purchaseModel: ClvPurchaseModel;
  readonly modelUnit: ClvTimeUnit;
  readonly periodUnit: ClvTimeUnit;
  /** One period in the model's unit. */
  readonly step: number;
  /** Discount factor of each period, (1 + rate)^−k. */
  readonly discount: Float64Array;
  readonly margin: number;
}

/** Checks the purchase model, horizon, rate, margin and period unit (internal). */
export function checkValueOptions(
  source: string,
  o: { purchaseModel: unknown; horizon: unknown; discountRate: unknown; margin: unknown; timeUnit: unknown },
): ValueOptions {
  const bad = (field: string, why: string): never => {
    throw new OptionsError('E_CLV_OPTION', `${source}: ${field} ${why}.`, { source, field });
  };
  const pm = o.purchaseModel as ClvPurchaseModel | null | undefined;
  if (typeof pm !== 'object' || pm === null || typeof pm.conditionalExpectedPurchases !== 'function') bad('purchaseModel', 'must be a fitted BG/NBD or Pareto/NBD model');
  const H = o.horizon;
  if (!(typeof H === 'number' && Number.isInteger(H) && H >= 1 && H <= MAX_PERIODS)) bad('horizon', `must be an integer between 1 and ${MAX_PERIODS}, got ${describe(H)}`);
  const rate = o.discountRate;
  if (!(typeof rate === 'number' && Number.isFinite(rate) && rate >= 0)) bad('discountRate', `must be a finite number ≥ 0, got ${describe(rate)}`);
  if (!(typeof o.margin === 'number' && o.margin > 0 && o.margin <= 1)) bad('margin', `must be in (0, 1], got ${describe(o.margin)}`);
  const purchaseModel = pm as ClvPurchaseModel;
  const modelUnit = purchaseModel.timeUnit;
  if (!isClvTimeUnit(modelUnit)) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: the purchase model's time unit is unknown; fit it on summarizeForClv's result or pass timeUnit to the fit.`, { source, field: 'purchaseModel' });
  }
  const periodUnit = o.timeUnit ?? modelUnit;
  if (!isClvTimeUnit(periodUnit)) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: timeUnit must be 'day', 'week' or 'month', got ${JSON.stringify(periodUnit)}.`, { source, field: 'timeUnit' });
  }
  const discount = new Float64Array(H as number);
  for (let k = 0; k < discount.length; k++) discount[k] = Math.pow(1 + (rate as number), -(k + 1));
  return { purchaseModel, modelUnit, periodUnit, step: daysPerUnit(periodUnit) / daysPerUnit(modelUnit), discount, margin: o.margin as number };
}

/** Cumulative expected purchases of one customer at each of `times` (internal). */
export type PurchasePath = (customer: ClvCustomer, times: Float64Array) => ArrayLike<number>;

/** The path of any purchase model: one conditionalExpectedPurchases call per horizon. */
export function pathOf(model: ClvPurchaseModel): PurchasePath {
  return (customer, times) => Array.from(times, (t) => model.conditionalExpectedPurchases(t, customer));
}

/** The horizons at which cumulative purchases are needed: every period end, or only the last without discounting. */
export function horizonTimes(step: number, discount: Float64Array): Float64Array {
  const H = discount.length;
  return discount[H - 1] === 1 ? Float64Array.of(H * step) : Float64Array.from({ length: H }, (_, k) => (k + 1) * step);
}

/**
 * A customer's expected purchases over the horizon and their discounted sum
 * (period k's purchases = E(kΔ) − E((k−1)Δ), weighted by discount[k]); one
 * model evaluation without discounting (internal).
 */
export function discountedPurchases(
  path: PurchasePath,
  customer: ClvCustomer,
  times: Float64Array,
  discount: Float64Array,
  source = 'customerLifetimeValue',
  row?: number,
): { purchases: number; discounted: number } {
  const cum = path(customer, times);
  for (let k = 0; k < cum.length; k++) {
    const v = cum[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError('E_CLV_PREDICTION', `${source}: the purchase model predicted ${describe(v)} purchases${row === undefined ? '' : ` for row ${row}`}; expected a finite number ≥ 0.`, {
        source,
        field: 'purchaseModel',
        ...(row === undefined ? {} : { row }),
      });
    }
  }
  const last = cum[cum.length - 1]!;
  if (cum.length === 1) return { purchases: last, discounted: last };
  let prev = 0;
  let value = 0;
  for (let k = 0; k < cum.length; k++) {
    value += (cum[k]! - prev) * discount[k]!;
    prev = cum[k]!;
  }
  return { purchases: last, discounted: value };
}
