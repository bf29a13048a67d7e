import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { arrowColumns, isArrowTable } from '@marksman/core/internal';
import { vectorArg } from './arrowVectorInput';
import { requireObject, requireStateObject } from './accumulatorChecks';
import { comomentsFromStats } from './bivariate';
import type { RatioStats } from './bivariate';
import type { KpiEstimate, KpiIntervalOptions } from './kpiEstimate';
import { resolveConfidence, symmetric } from './kpiEstimate';
import { batchComoments } from './moments';
import type { Comoments } from './moments';
import { requireFiniteResult, requireNonNegative, requireNonZeroDenominator, requireSameLength } from './validation';

// Ratio KPIs (CPA, CPC, CAC, ROAS, ROI, AOV) are Σx / Σy over units (days,
// campaigns, customers) that each contribute a numerator x and a denominator
// y. Their variance comes from the delta method on the two means (Deng,
// Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", KDD):
// Var(x̄/ȳ) ≈ (s_x² − 2R·s_xy + R²·s_y²) / (n·ȳ²), R = x̄/ȳ, with sample
// (co)variances. The same formula as RatioAccumulator#ratioVariance.

const STATS_KEYS: readonly string[] = ['n', 'sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY'];

/** Per-unit values of a ratio: `numerator[i]` and `denominator[i]` belong to unit i. */
export interface RatioUnits {
  /** The numerator of each unit (≥ 0), an array or an Arrow vector. */
  readonly numerator: ArrayLike<number> | ArrowLikeVector;
  /** The denominator of each unit (≥ 0), aligned with `numerator`, an array or an Arrow vector. */
  readonly denominator: ArrayLike<number> | ArrowLikeVector;
}

/**
 * The two per-unit columns of an Arrow table (one row per unit; other
 * columns are ignored): Arrow's typed arrays when they have no nulls (no
 * copy), else arrays with `null` at the nulls, which the per-unit checks
 * refuse with their row. `E_ARROW_TYPE` for a column that is not numeric,
 * `E_SHAPE` for a missing one.
 */
function tableUnits(source: string, numField: string, denField: string, table: ArrowLikeTable): Record<string, unknown> {
  const cols = arrowColumns(source, table, { [numField]: 'number', [denField]: 'number' }, [numField, denField], 'values');
  for (const field of [numField, denField]) {
    if (cols === null || cols[field] === undefined) {
      throw new ValidationError('E_SHAPE', `${source}: the Arrow table has no column "${field}"; give one row per unit with the columns ${numField} and ${denField}.`, { source, field });
    }
  }
  return { [numField]: cols?.[numField], [denField]: cols?.[denField] };
}

/** Validates per-unit arrays (or Arrow vectors) or cross sums and returns the co-moments. */
function comomentsOf(source: string, numField: string, denField: string, data: unknown): Comoments {
  const o = requireObject(source, data, 'data');
  if (Object.keys(o).some((k) => STATS_KEYS.includes(k))) {
    requireStateObject(source, o, STATS_KEYS);
    const s = comomentsFromStats(source, o as unknown as RatioStats);
    requireNonNegative(source, 'sumX', o.sumX as number);
    requireNonNegative(source, 'sumY', o.sumY as number);
    return s;
  }
  for (const k of Object.keys(o)) {
    if (k !== numField && k !== denField) {
      throw new ValidationError('E_INPUT', `${source}: unknown field "${k}"; give { ${numField}, ${denField} } (one value per unit) or the cross sums { ${STATS_KEYS.join(', ')} }.`, { source, field: k });
    }
  }
  const xs = vectorArg(source, numField, o[numField] as ArrayLike<number> | ArrowLikeVector, 'number');
  const ys = vectorArg(source, denField, o[denField] as ArrayLike<number> | ArrowLikeVector, 'number');
  requireSameLength(source, numField, xs, denField, ys);
  for (let i = 0; i < xs.length; i++) requireNonNegative(source, numField, xs[i] as number, i);
  for (let i = 0; i < ys.length; i++) requireNonNegative(source, denField, ys[i] as number, i);
  return batchComoments(xs, ys);
}

/** Delta-method interval of Σx/Σy, shifted by `offset` (−1 for ROI). */
function deltaRatio(source: string, numField: string, denField: string, input: unknown, options: KpiIntervalOptions | undefined, offset = 0): KpiEstimate {
  const { confidence, z } = resolveConfidence(source, options);
  const data = isArrowTable(input) ? tableUnits(source, numField, denField, input) : input;
  const isStats = typeof data === 'object' && data !== null && Object.keys(data).some((k) => STATS_KEYS.includes(k));
  const s = comomentsOf(source, numField, denField, data);
  if (s.n < 2) {
    throw new ValidationError('E_TOO_FEW_UNITS', `${source}: ${s.n} unit${s.n === 1 ? '' : 's'}; an interval needs at least 2 units (days, campaigns or customers) to estimate the spread.`, { source, field: isStats ? 'n' : numField });
  }
  requireNonZeroDenominator(source, isStats ? 'sumY' : denField, s.meanY);
  const r = s.meanX / s.meanY;
  const v = Math.max((s.cxx - 2 * r * s.cxy + r * r * s.cyy) / (s.n - 1), 0) / (s.n * s.meanY * s.meanY);
  const se = Math.sqrt(v);
  const est = symmetric(r + offset, se, z, confidence, 'delta', s.n);
  for (const x of [est.value, est.lower, est.upper, se]) requireFiniteResult(source, isStats ? 'sumX' : numField, x);
  return est;
}

/**
 * Ratio Σnumerator ÷ Σdenominator over units, with a delta-method interval
 * (Deng, Knoblich & Lu 2018): the estimate ± z·√((s_x² − 2R·s_xy + R²·s_y²) / (n·ȳ²))
 * with sample (co)variances over the n units. Units are the independent
 * pieces the totals are made of (days, campaigns, customers); correlation
 * between a unit's numerator and denominator is accounted for. Give the
 * per-unit values or the cross sums `{ n, sumX, sumY, sumXX, sumYY, sumXY }`
 * (from `RatioAccumulator#toStats` or SQL).
 *
 * The per-unit values may also be Apache Arrow vectors, or `data` an Arrow
 * table with one row per unit and numeric columns `numerator` and
 * `denominator` (other columns ignored; null-free columns read in place,
 * without a copy); nulls are refused as `null` in an array is.
 *
 * Costs O(n) for per-unit values, O(1) for cross sums.
 *
 * @param data - `{ numerator, denominator }` per unit (≥ 0; arrays or Arrow vectors), an Arrow table of
 *   those columns, or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_TOO_FEW_UNITS` (fewer than 2 units), `E_ZERO_DENOMINATOR` (Σ denominator
 *   = 0), `E_ARROW_TYPE` (an Arrow column or vector that is not numeric, named), `E_LENGTH`, `E_SHAPE`
 *   (a missing field or Arrow column), `E_RANGE` (a negative value), `E_NAN`, `E_NOT_FINITE`,
 *   `E_INCONSISTENT` (impossible cross sums), `E_INPUT` (unknown field), `E_OVERFLOW`; `OptionsError`
 *   `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { ratioInterval } from '@marksman/metrics';
 * // revenue and sessions of four users
 * const ci = ratioInterval({ numerator: [10, 0, 30, 20], denominator: [2, 1, 3, 2] });
 * ci.value; // => 7.5
 * ci.standardError.toFixed(4); // => '1.8400'
 * ratioInterval({ numerator: [10], denominator: [2] }); // throws E_TOO_FEW_UNITS
 * ```
 */
export function ratioInterval(data: RatioUnits | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('ratioInterval', 'numerator', 'denominator', data, options);
}

/**
 * Cost per acquisition (Σ cost ÷ Σ acquisitions over units such as days or
 * campaigns) with a delta-method interval (see {@link ratioInterval});
 * `value` equals {@link costPerAcquisition} on the totals. Cross sums use
 * x = cost, y = acquisitions.
 *
 * Costs O(n).
 *
 * @param data - `{ cost, acquisitions }` per unit (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { costPerAcquisitionInterval } from '@marksman/metrics';
 * const ci = costPerAcquisitionInterval({ cost: [400, 350, 500, 250], acquisitions: [16, 15, 19, 10] });
 * ci.value; // => 25
 * [ci.lower, ci.upper].map((v) => +v.toFixed(2)); // => [23.67, 26.33]
 * ```
 */
export function costPerAcquisitionInterval(data: Readonly<Record<'cost' | 'acquisitions', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('costPerAcquisitionInterval', 'cost', 'acquisitions', data, options);
}

/**
 * Cost per click (Σ cost ÷ Σ clicks over units) with a delta-method interval
 * (see {@link ratioInterval}); `value` equals {@link costPerClick} on the
 * totals. Cross sums use x = cost, y = clicks.
 *
 * Costs O(n).
 *
 * @param data - `{ cost, clicks }` per unit (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { costPerClickInterval } from '@marksman/metrics';
 * costPerClickInterval({ cost: [30, 20, 40], clicks: [40, 30, 50] }).value; // => 0.75
 * ```
 */
export function costPerClickInterval(data: Readonly<Record<'cost' | 'clicks', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('costPerClickInterval', 'cost', 'clicks', data, options);
}

/**
 * Customer acquisition cost (Σ cost ÷ Σ new customers over units) with a
 * delta-method interval (see {@link ratioInterval}); `value` equals
 * {@link customerAcquisitionCost} on the totals. Cross sums use x = cost,
 * y = new customers.
 *
 * Costs O(n).
 *
 * @param data - `{ cost, newCustomers }` per unit (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { customerAcquisitionCostInterval } from '@marksman/metrics';
 * customerAcquisitionCostInterval({ cost: [8000, 9000, 7000], newCustomers: [100, 110, 90] }).value; // => 80
 * ```
 */
export function customerAcquisitionCostInterval(data: Readonly<Record<'cost' | 'newCustomers', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('customerAcquisitionCostInterval', 'cost', 'newCustomers', data, options);
}

/**
 * Return on ad spend (Σ revenue ÷ Σ ad spend over units) with a delta-method
 * interval (see {@link ratioInterval}); `value` equals {@link returnOnAdSpend}
 * on the totals. Cross sums use x = revenue, y = ad spend.
 *
 * Costs O(n).
 *
 * @param data - `{ revenue, adSpend }` per unit (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { returnOnAdSpendInterval } from '@marksman/metrics';
 * returnOnAdSpendInterval({ revenue: [3000, 2000, 3000], adSpend: [700, 600, 700] }).value; // => 4
 * ```
 */
export function returnOnAdSpendInterval(data: Readonly<Record<'revenue' | 'adSpend', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('returnOnAdSpendInterval', 'revenue', 'adSpend', data, options);
}

/**
 * Return on investment ((Σ revenue − Σ cost) ÷ Σ cost over units) with a
 * delta-method interval: ROI = ROAS − 1, so the interval is the ROAS interval
 * shifted by −1 (see {@link ratioInterval}); `value` equals
 * {@link returnOnInvestment} on the totals. Cross sums use x = revenue, y = cost.
 *
 * Costs O(n).
 *
 * @param data - `{ revenue, cost }` per unit (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { returnOnInvestmentInterval } from '@marksman/metrics';
 * returnOnInvestmentInterval({ revenue: [1500, 2000, 1500], cost: [500, 900, 600] }).value; // => 1.5
 * ```
 */
export function returnOnInvestmentInterval(data: Readonly<Record<'revenue' | 'cost', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('returnOnInvestmentInterval', 'revenue', 'cost', data, options, -1);
}

/**
 * Average order value (Σ revenue ÷ Σ orders over customers) with a
 * delta-method interval (see {@link ratioInterval}): orders of one customer
 * are not independent, so the customer is the unit. With one row per order
 * (`orders` all 1) it is the mean order value and its standard error.
 * `value` equals {@link averageOrderValue} on the totals. Cross sums use
 * x = revenue, y = orders.
 *
 * Costs O(n).
 *
 * @param data - `{ revenue, orders }` per customer (arrays or Arrow vectors), an Arrow table of those
 *   columns (other columns ignored), or cross sums
 * @param options - `confidence` (default 0.95)
 * @throws as {@link ratioInterval} (`E_ARROW_TYPE` for an Arrow column or vector that is not numeric, named)
 * @example
 * ```ts
 * import { averageOrderValueInterval } from '@marksman/metrics';
 * const ci = averageOrderValueInterval({ revenue: [120, 40, 90], orders: [3, 1, 2] });
 * ci.value.toFixed(2); // => '41.67'
 * ```
 */
export function averageOrderValueInterval(data: Readonly<Record<'revenue' | 'orders', ArrayLike<number> | ArrowLikeVector>> | RatioStats | ArrowLikeTable, options?: KpiIntervalOptions): KpiEstimate {
  return deltaRatio('averageOrderValueInterval', 'revenue', 'orders', data, options);
}
