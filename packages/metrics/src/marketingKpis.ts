import { ValidationError } from '@marksman/core';
import { requireFiniteResult, requireNonNegative, requireNonZeroDenominator } from './validation';

// Every KPI here is a ratio of two non-negative totals over the same period
// and population. A zero denominator is an error (`E_ZERO_DENOMINATOR`), not
// NaN or Infinity, so that an empty period cannot leak a silent NaN into a
// dashboard; guard it (or catch the code) where a period may be empty.

function ratio(source: string, numField: string, num: number, denField: string, den: number): number {
  requireNonNegative(source, numField, num);
  requireNonNegative(source, denField, den);
  requireNonZeroDenominator(source, denField, den);
  return requireFiniteResult(source, denField, num / den);
}

/** A share of a population: like {@link ratio}, and the part may not exceed the whole (`E_INCONSISTENT`). Shared with the interval functions. */
export function share(source: string, numField: string, num: number, denField: string, den: number): number {
  const r = ratio(source, numField, num, denField, den);
  if (num > den) {
    throw new ValidationError('E_INCONSISTENT', `${source}: ${numField} (${num}) exceed ${denField} (${den}), so the rate would be above 1; count each unit of ${denField} at most once.`, {
      source,
      field: numField,
    });
  }
  return r;
}

/**
 * Conversion rate: conversions ÷ visitors (or sessions, recipients — the
 * population that could convert).
 *
 * Costs O(1).
 *
 * @param conversions - number of conversions (≥ 0)
 * @param visitors - size of the population at risk (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR` (no visitors), `E_RANGE` (negative),
 *   `E_INCONSISTENT` (more conversions than visitors), `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { conversionRate } from '@marksman/metrics';
 * conversionRate(30, 1200); // => 0.025
 * conversionRate(3, 0); // throws E_ZERO_DENOMINATOR
 * ```
 */
export function conversionRate(conversions: number, visitors: number): number {
  return share('conversionRate', 'conversions', conversions, 'visitors', visitors);
}

/**
 * Click-through rate: clicks ÷ impressions.
 *
 * Costs O(1).
 *
 * @param clicks - number of clicks (≥ 0)
 * @param impressions - number of impressions (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT` (more clicks than
 *   impressions), `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { clickThroughRate } from '@marksman/metrics';
 * clickThroughRate(42, 8400); // => 0.005
 * ```
 */
export function clickThroughRate(clicks: number, impressions: number): number {
  return share('clickThroughRate', 'clicks', clicks, 'impressions', impressions);
}

/**
 * Cost per acquisition (CPA): spend ÷ acquisitions (conversions, new customers).
 *
 * Costs O(1).
 *
 * @param cost - spend (≥ 0)
 * @param acquisitions - number acquired (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { costPerAcquisition } from '@marksman/metrics';
 * costPerAcquisition(1500, 60); // => 25
 * ```
 */
export function costPerAcquisition(cost: number, acquisitions: number): number {
  return ratio('costPerAcquisition', 'cost', cost, 'acquisitions', acquisitions);
}

/**
 * Cost per click (CPC): spend ÷ clicks.
 *
 * Costs O(1).
 *
 * @param cost - spend (≥ 0)
 * @param clicks - number of clicks (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { costPerClick } from '@marksman/metrics';
 * costPerClick(90, 120); // => 0.75
 * ```
 */
export function costPerClick(cost: number, clicks: number): number {
  return ratio('costPerClick', 'cost', cost, 'clicks', clicks);
}

/**
 * Return on investment: (return − cost) ÷ cost. Pass gross profit as `revenue`
 * for a margin-based ROI; pass revenue for a revenue-based one. −1 means the
 * whole investment was lost, 0 break-even.
 *
 * Costs O(1).
 *
 * @param revenue - the return attributed to the investment (≥ 0)
 * @param cost - the investment (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { returnOnInvestment } from '@marksman/metrics';
 * returnOnInvestment(5000, 2000); // => 1.5
 * ```
 */
export function returnOnInvestment(revenue: number, cost: number): number {
  ratio('returnOnInvestment', 'revenue', revenue, 'cost', cost);
  return requireFiniteResult('returnOnInvestment', 'cost', (revenue - cost) / cost);
}

/**
 * Return on ad spend (ROAS): attributed revenue ÷ ad spend (4 means 4 currency
 * units of revenue per unit spent).
 *
 * Costs O(1).
 *
 * @param revenue - revenue attributed to the ads (≥ 0)
 * @param adSpend - ad spend (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { returnOnAdSpend } from '@marksman/metrics';
 * returnOnAdSpend(8000, 2000); // => 4
 * ```
 */
export function returnOnAdSpend(revenue: number, adSpend: number): number {
  return ratio('returnOnAdSpend', 'revenue', revenue, 'adSpend', adSpend);
}

/**
 * Average order value (AOV): revenue ÷ number of orders.
 *
 * Costs O(1).
 *
 * @param revenue - total revenue of the orders (≥ 0)
 * @param orders - number of orders (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { averageOrderValue } from '@marksman/metrics';
 * averageOrderValue(12500, 250); // => 50
 * ```
 */
export function averageOrderValue(revenue: number, orders: number): number {
  return ratio('averageOrderValue', 'revenue', revenue, 'orders', orders);
}

/**
 * Repeat-purchase rate: customers who bought more than once ÷ customers who
 * bought at least once (in the same period).
 *
 * Costs O(1). For its Wilson interval see {@link repeatPurchaseRateInterval}.
 *
 * @param repeatCustomers - customers with two or more purchases (≥ 0)
 * @param customers - customers with at least one purchase (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT` (more repeat customers
 *   than customers), `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { repeatPurchaseRate } from '@marksman/metrics';
 * repeatPurchaseRate(120, 400); // => 0.3
 * repeatPurchaseRate(500, 400); // throws E_INCONSISTENT
 * ```
 */
export function repeatPurchaseRate(repeatCustomers: number, customers: number): number {
  return share('repeatPurchaseRate', 'repeatCustomers', repeatCustomers, 'customers', customers);
}

/**
 * Churn rate: customers lost during a period ÷ customers at its start (new
 * customers acquired during the period are not in either count).
 *
 * Costs O(1). For its Wilson interval see {@link churnRateInterval}.
 *
 * @param churned - customers at the start who left during the period (≥ 0)
 * @param customersAtStart - customers at the start of the period (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_INCONSISTENT` (more churned than
 *   customers at the start), `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { churnRate } from '@marksman/metrics';
 * churnRate(45, 1500); // => 0.03
 * ```
 */
export function churnRate(churned: number, customersAtStart: number): number {
  return share('churnRate', 'churned', churned, 'customersAtStart', customersAtStart);
}

/**
 * Customer acquisition cost (CAC): sales and marketing spend ÷ new customers
 * acquired with it. The same arithmetic as {@link costPerAcquisition}, named
 * for the customer-level KPI.
 *
 * Costs O(1). For a delta-method interval see {@link customerAcquisitionCostInterval}.
 *
 * @param cost - sales and marketing spend (≥ 0)
 * @param newCustomers - new customers acquired (> 0)
 * @throws `ValidationError` `E_ZERO_DENOMINATOR`, `E_RANGE`, `E_NAN`, `E_NOT_FINITE`, `E_OVERFLOW`
 * @example
 * ```ts
 * import { customerAcquisitionCost } from '@marksman/metrics';
 * customerAcquisitionCost(24000, 300); // => 80
 * ```
 */
export function customerAcquisitionCost(cost: number, newCustomers: number): number {
  return ratio('customerAcquisitionCost', 'cost', cost, 'newCustomers', newCustomers);
}
