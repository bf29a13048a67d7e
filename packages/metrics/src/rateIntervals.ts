import type { KpiEstimate, KpiIntervalOptions } from './kpiEstimate';
import { resolveConfidence } from './kpiEstimate';
import { share } from './marketingKpis';
import { requireFiniteResult } from './validation';

/** Wilson score interval of `successes` out of `trials` (validated by the caller). */
function wilson(source: string, denField: string, successes: number, trials: number, options: KpiIntervalOptions | undefined): KpiEstimate {
  const { confidence, z } = resolveConfidence(source, options);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const lower = requireFiniteResult(source, denField, Math.max(0, center - half));
  const upper = requireFiniteResult(source, denField, Math.min(1, center + half));
  return { value: p, lower, upper, standardError: Math.sqrt((p * (1 - p)) / n), confidence, method: 'wilson', n };
}

/**
 * Wilson score interval of a proportion (Wilson 1927): the set of rates p whose
 * score test does not reject `successes` out of `trials`. Unlike the Wald
 * interval p ± z·√(p(1 − p)/n) it stays inside [0, 1], is not empty at 0 or n
 * successes, and keeps close to its nominal coverage for small n and rates near 0
 * (Brown, Cai & DasGupta 2001). Equal to statsmodels'
 * `proportion_confint(method='wilson')` (the tests check it to 1e-12).
 *
 * Costs O(1).
 *
 * @param successes - count of successes (≥ 0, at most `trials`)
 * @param trials - count of trials (> 0)
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR` (no trials), `E_RANGE` (negative), `E_INCONSISTENT`
 *   (successes > trials), `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`; `OptionsError` `E_OPTION_RANGE`
 *   (confidence outside (0, 1)), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { wilsonInterval } from '@marksman/metrics';
 * const ci = wilsonInterval(30, 1200);
 * ci.value; // => 0.025
 * [ci.lower, ci.upper].map((v) => +v.toFixed(5)); // => [0.01757, 0.03546]
 * wilsonInterval(0, 50).lower; // => 0
 * ```
 */
export function wilsonInterval(successes: number, trials: number, options?: KpiIntervalOptions): KpiEstimate {
  share('wilsonInterval', 'successes', successes, 'trials', trials);
  return wilson('wilsonInterval', 'trials', successes, trials, options);
}

/**
 * Conversion rate (conversions ÷ visitors) with its Wilson score interval
 * (see {@link wilsonInterval}); `value` equals {@link conversionRate}.
 *
 * Costs O(1).
 *
 * @param conversions - number of conversions (≥ 0)
 * @param visitors - size of the population at risk (> 0)
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT` (conversions > visitors),
 *   `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { conversionRateInterval } from '@marksman/metrics';
 * const ci = conversionRateInterval(30, 1200, { confidence: 0.9 });
 * ci.value; // => 0.025
 * ci.upper.toFixed(4); // => '0.0336'
 * conversionRateInterval(1300, 1200); // throws E_INCONSISTENT
 * ```
 */
export function conversionRateInterval(conversions: number, visitors: number, options?: KpiIntervalOptions): KpiEstimate {
  share('conversionRateInterval', 'conversions', conversions, 'visitors', visitors);
  return wilson('conversionRateInterval', 'visitors', conversions, visitors, options);
}

/**
 * Click-through rate (clicks ÷ impressions) with its Wilson score interval
 * (see {@link wilsonInterval}); `value` equals {@link clickThroughRate}.
 *
 * Costs O(1).
 *
 * @param clicks - number of clicks (≥ 0)
 * @param impressions - number of impressions (> 0)
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT` (clicks > impressions),
 *   `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { clickThroughRateInterval } from '@marksman/metrics';
 * const ci = clickThroughRateInterval(42, 8400);
 * [ci.value, +ci.lower.toFixed(5), +ci.upper.toFixed(5)]; // => [0.005, 0.0037, 0.00675]
 * ```
 */
export function clickThroughRateInterval(clicks: number, impressions: number, options?: KpiIntervalOptions): KpiEstimate {
  share('clickThroughRateInterval', 'clicks', clicks, 'impressions', impressions);
  return wilson('clickThroughRateInterval', 'impressions', clicks, impressions, options);
}

/**
 * Repeat-purchase rate (repeat customers ÷ customers) with its Wilson score
 * interval (see {@link wilsonInterval}); `value` equals {@link repeatPurchaseRate}.
 *
 * Costs O(1).
 *
 * @param repeatCustomers - customers with two or more purchases (≥ 0)
 * @param customers - customers with at least one purchase (> 0)
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT`, `E_NAN`,
 *   `E_NOT_FINITE`, `E_OVERFLOW`; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { repeatPurchaseRateInterval } from '@marksman/metrics';
 * const ci = repeatPurchaseRateInterval(120, 400);
 * [ci.value, +ci.lower.toFixed(4), +ci.upper.toFixed(4)]; // => [0.3, 0.2572, 0.3466]
 * ```
 */
export function repeatPurchaseRateInterval(repeatCustomers: number, customers: number, options?: KpiIntervalOptions): KpiEstimate {
  share('repeatPurchaseRateInterval', 'repeatCustomers', repeatCustomers, 'customers', customers);
  return wilson('repeatPurchaseRateInterval', 'customers', repeatCustomers, customers, options);
}

/**
 * Churn rate (churned ÷ customers at the start) with its Wilson score
 * interval (see {@link wilsonInterval}); `value` equals {@link churnRate}.
 *
 * Costs O(1).
 *
 * @param churned - customers at the start who left during the period (≥ 0)
 * @param customersAtStart - customers at the start of the period (> 0)
 * @param options - `confidence` (default 0.95)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT`, `E_NAN`,
 *   `E_NOT_FINITE`, `E_OVERFLOW`; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { churnRateInterval } from '@marksman/metrics';
 * const ci = churnRateInterval(45, 1500);
 * [ci.value, +ci.lower.toFixed(4), +ci.upper.toFixed(4)]; // => [0.03, 0.0225, 0.0399]
 * ```
 */
export function churnRateInterval(churned: number, customersAtStart: number, options?: KpiIntervalOptions): KpiEstimate {
  share('churnRateInterval', 'churned', churned, 'customersAtStart', customersAtStart);
  return wilson('churnRateInterval', 'customersAtStart', churned, customersAtStart, options);
}
