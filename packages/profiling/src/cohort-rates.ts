import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id, PeriodUnit, Weekday } from '@marksman/core';
import { churnRateInterval, repeatPurchaseRateInterval } from '@marksman/metrics';
import type { KpiEstimate } from '@marksman/metrics';
import { checkPeriodOptions, periodIndexes } from './cohort-periods';
import { transactionColumns } from './features-input';
import type { TransactionInput } from './features-input';

/** Options of {@link cohortRates}. */
export interface CohortRatesOptions {
  /** Calendar period of cohorts and of activity: `'day'`, `'week'`, `'month'` (default), `'quarter'` or `'year'`. */
  readonly period?: PeriodUnit;
  /** IANA time zone in which calendar periods are read (default `'UTC'`). */
  readonly timeZone?: string;
  /** First day of a week, 0 = Sunday … 6 = Saturday (default 1, Monday); only for `period: 'week'`. */
  readonly weekStartsOn?: Weekday;
  /**
   * A customer has churned when none of her lines falls in the last `churnAfter` periods of the
   * data (an integer ≥ 1; default 3, e.g. three months without a purchase).
   */
  readonly churnAfter?: number;
  /**
   * Count a repeat purchase only when the second order falls within this many periods after the
   * cohort's period (an integer ≥ 0), so that old and young cohorts compare on equal terms;
   * `null` (default) counts repeats up to the end of the data.
   */
  readonly repeatWithin?: number | null;
  /** Confidence level of the Wilson intervals, in (0, 1). Default 0.95. */
  readonly confidence?: number;
}

/** Churn and repeat-purchase rates of one acquisition cohort. */
export interface CohortRate {
  /** The period of the cohort's first purchases, as `periodKey` labels it (e.g. `'2024-03'`). */
  readonly cohort: string;
  /** Epoch ms of the first instant of that period in the time zone. */
  readonly start: number;
  /** Customers whose first purchase falls in the period. */
  readonly customers: number;
  /** Customers of the cohort with a second order (within `repeatWithin` periods when set); `null` when the window is not yet over. */
  readonly repeatCustomers: number | null;
  /** Repeat-purchase rate with its Wilson interval; `null` when the window is not yet over. */
  readonly repeatRate: KpiEstimate | null;
  /** Customers of the cohort with no line in the last `churnAfter` periods; `null` for cohorts acquired within those periods. */
  readonly churned: number | null;
  /** Churn rate with its Wilson interval; `null` for cohorts acquired within the last `churnAfter` periods. */
  readonly churnRate: KpiEstimate | null;
}

/** What {@link cohortRates} returns. */
export interface CohortRates {
  /** The period used. */
  readonly period: PeriodUnit;
  /** The time zone used. */
  readonly timeZone: string;
  /** Label of the last period with a line; it may be only partly observed. */
  readonly lastPeriod: string;
  /** The churn window used, in periods. */
  readonly churnAfter: number;
  /** The repeat window used, in periods, or `null` (to the end of the data). */
  readonly repeatWithin: number | null;
  /** One entry per acquisition cohort, oldest first. */
  readonly cohorts: CohortRate[];
}

interface Resolved {
  period: PeriodUnit;
  timeZone: string;
  weekStartsOn: Weekday;
  churnAfter: number;
  repeatWithin: number | null;
  confidence: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ period: 'month', timeZone: 'UTC', weekStartsOn: 1, churnAfter: 3, repeatWithin: null, confidence: 0.95 });

function wholeNumber(source: string, field: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a whole number of periods ≥ ${min}, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}.`, { source, field });
  }
  return v;
}

/**
 * Churn and repeat-purchase rates per acquisition cohort, each with its
 * Wilson score interval (`churnRateInterval`, `repeatPurchaseRateInterval`
 * of `@marksman/metrics`). Customers are grouped by the calendar period of
 * their first line, as in {@link retentionCohorts}.
 *
 * - **Repeat rate**: the share of the cohort with a second order (a distinct
 *   `orderId`), counted up to the end of the data, or only when it falls
 *   within `repeatWithin` periods after the cohort's period; then cohorts
 *   whose window runs past the last period get `null` instead of a rate that
 *   is too low only because they are young.
 * - **Churn rate**: the share of the cohort with no line in the last
 *   `churnAfter` periods of the data (a non-contractual definition: nobody
 *   announces leaving). Cohorts acquired within those periods cannot have
 *   churned yet and get `null`.
 *
 * The last period may be only partly observed; nothing is extrapolated. Any
 * line counts as activity: remove returns and cancellations first.
 *
 * Costs O(n) for n lines, plus one calendar lookup per line.
 *
 * @param transactions - records (checked with `validateTransactions`) or {@link TransactionColumns}
 * @param options - `period` (default `'month'`), `timeZone`, `weekStartsOn`, `churnAfter` (default 3), `repeatWithin` (default `null`), `confidence` (default 0.95)
 * @returns one entry per cohort, oldest first
 * @throws `ValidationError` `E_EMPTY` for no lines, `E_INPUT` / `E_COLUMN_LENGTH` for malformed
 *   columns, the first bad row's code (`E_MISSING`, `E_TIMESTAMP`, `E_ID_TYPE`, …);
 *   `OptionsError` `E_OPTION_RANGE` (unknown period or weekStartsOn; churnAfter not a whole number ≥ 1;
 *   repeatWithin not a whole number ≥ 0; confidence outside (0, 1)), `E_TIME_ZONE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { cohortRates } from '@marksman/profiling';
 * const line = (customerId: string, orderId: string, timestamp: string) => ({ customerId, orderId, timestamp, quantity: 1, amount: 10 });
 * const r = cohortRates([
 *   line('a', 'a1', '2024-01-05'), line('a', 'a2', '2024-02-10'),
 *   line('b', 'b1', '2024-01-20'), line('b', 'b1', '2024-01-20'),
 *   line('c', 'c1', '2024-01-25'), line('c', 'c2', '2024-05-02'),
 *   line('d', 'd1', '2024-04-11'),
 * ], { churnAfter: 2 });
 * r.cohorts.map((c) => [c.cohort, c.customers, c.repeatCustomers, c.churned]); // => [['2024-01', 3, 2, 2], ['2024-04', 1, 0, null]]
 * r.cohorts[0].repeatRate?.value.toFixed(3); // => '0.667'
 * r.cohorts[0].churnRate?.method; // => 'wilson'
 * // a second order within one month of the cohort's month: only a's counts
 * cohortRates([line('a', 'a1', '2024-01-05'), line('a', 'a2', '2024-02-10'), line('c', 'c1', '2024-01-25'), line('c', 'c2', '2024-05-02')], { repeatWithin: 1 }).cohorts[0].repeatCustomers; // => 1
 * ```
 */
export function cohortRates(transactions: TransactionInput, options?: CohortRatesOptions): CohortRates {
  const source = 'cohortRates';
  const o = resolveOptions(source, DEFAULTS, options);
  const zone = checkPeriodOptions(source, o.period, o.timeZone, o.weekStartsOn);
  const churnAfter = wholeNumber(source, 'churnAfter', o.churnAfter, 1);
  const repeatWithin = o.repeatWithin === null ? null : wholeNumber(source, 'repeatWithin', o.repeatWithin, 0);
  if (typeof o.confidence !== 'number' || !(o.confidence > 0 && o.confidence < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: confidence must lie strictly between 0 and 1 (e.g. 0.95), got ${typeof o.confidence === 'string' ? JSON.stringify(o.confidence) : String(o.confidence)}.`, { source, field: 'confidence' });
  }
  const cols = transactionColumns(source, transactions);
  const n = cols.n;
  const { periodOf, labelOf, startOf } = periodIndexes(cols.timestamp, o.period, zone);

  // Per customer: first and last period; per (customer, order): its first line's time and period.
  interface Person {
    first: number;
    last: number;
    orders: Map<Id, { ts: number; period: number }>;
  }
  const people = new Map<Id, Person>();
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const id = cols.customerId[i]!;
    const p = periodOf[i]!;
    const ts = cols.timestamp[i]!;
    if (p > last) last = p;
    let person = people.get(id);
    if (person === undefined) people.set(id, (person = { first: p, last: p, orders: new Map() }));
    if (p < person.first) person.first = p;
    if (p > person.last) person.last = p;
    const order = cols.orderId[i]!;
    const seen = person.orders.get(order);
    if (seen === undefined || ts < seen.ts) person.orders.set(order, { ts, period: p });
  }

  const churnFrom = last - churnAfter + 1; // first period of the churn window
  const byCohort = new Map<number, { customers: number; repeat: number; churned: number }>();
  for (const person of people.values()) {
    let c = byCohort.get(person.first);
    if (c === undefined) byCohort.set(person.first, (c = { customers: 0, repeat: 0, churned: 0 }));
    c.customers++;
    if (person.last < churnFrom) c.churned++;
    if (person.orders.size >= 2) {
      // The second order: the earliest-starting order after the first one.
      const starts = [...person.orders.values()].sort((a, b) => a.ts - b.ts);
      const second = starts[1]!;
      if (repeatWithin === null || second.period - person.first <= repeatWithin) c.repeat++;
    }
  }
  const interval = { confidence: o.confidence };
  const cohorts: CohortRate[] = [...byCohort.keys()]
    .sort((a, b) => a - b)
    .map((f) => {
      const c = byCohort.get(f)!;
      const repeatKnown = repeatWithin === null || f + repeatWithin <= last;
      const churnKnown = f < churnFrom;
      return {
        cohort: labelOf.get(f)!,
        start: startOf.get(f)!,
        customers: c.customers,
        repeatCustomers: repeatKnown ? c.repeat : null,
        repeatRate: repeatKnown ? repeatPurchaseRateInterval(c.repeat, c.customers, interval) : null,
        churned: churnKnown ? c.churned : null,
        churnRate: churnKnown ? churnRateInterval(c.churned, c.customers, interval) : null,
      };
    });
  return { period: o.period, timeZone: o.timeZone, lastPeriod: labelOf.get(last)!, churnAfter, repeatWithin, cohorts };
}
