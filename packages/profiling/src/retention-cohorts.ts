import { resolveOptions } from '@marksman/core/internal';
import type { Id, PeriodUnit, Weekday } from '@marksman/core';
import { checkPeriodOptions, periodIndexes } from './cohort-periods';
import { transactionColumns } from './features-input';
import type { TransactionInput } from './features-input';

/** Options of {@link retentionCohorts}. */
export interface RetentionCohortsOptions {
  /** Calendar period of cohorts and of activity: `'day'`, `'week'`, `'month'` (default), `'quarter'` or `'year'`. */
  readonly period?: PeriodUnit;
  /** IANA time zone in which calendar periods are read (default `'UTC'`). */
  readonly timeZone?: string;
  /** First day of a week, 0 = Sunday … 6 = Saturday (default 1, Monday); only for `period: 'week'`. */
  readonly weekStartsOn?: Weekday;
}

/** One acquisition cohort of {@link retentionCohorts}. */
export interface RetentionCohort {
  /** The period of the cohort's first purchases, as `periodKey` labels it (e.g. `'2024-03'`, `'2024-W09'`). */
  readonly cohort: string;
  /** Epoch ms of the first instant of that period in the time zone. */
  readonly start: number;
  /** Customers whose first purchase falls in the period. */
  readonly customers: number;
  /**
   * `active[k]`: customers of the cohort with at least one line in the k-th
   * period after the cohort's (k = 0 is the cohort's own period, so
   * `active[0] === customers`), up to the last period of the data.
   */
  readonly active: number[];
  /** `active[k] / customers`. */
  readonly retention: number[];
}

/** What {@link retentionCohorts} returns. */
export interface RetentionCohorts {
  /** The period used. */
  readonly period: PeriodUnit;
  /** The time zone used. */
  readonly timeZone: string;
  /** One cohort per period in which at least one customer made a first purchase, oldest first. */
  readonly cohorts: RetentionCohort[];
  /** Label of the last period with a line; it may be only partly observed. */
  readonly lastPeriod: string;
}

const DEFAULTS: Readonly<{ period: PeriodUnit; timeZone: string; weekStartsOn: Weekday }> = Object.freeze({ period: 'month', timeZone: 'UTC', weekStartsOn: 1 });


/**
 * Customer retention by acquisition cohort, the classic cohort table:
 * customers are grouped by the calendar period of their first line (their
 * cohort), and for each later period the table counts how many of them
 * bought again in it. Row k of a cohort is "k periods after the first
 * purchase" (calendar periods: a customer acquired on 31 January is active
 * in period 1 when she buys in February). Every cohort runs to the last
 * period of the data, which is only partly observed when the data end
 * mid-period; nothing is extrapolated. Any line counts as activity: remove
 * returns and cancellations first (`cleanTransactions`).
 *
 * Costs O(n) for n lines, plus one calendar lookup per line (`periodKey`).
 *
 * @param transactions - records (checked with `validateTransactions`) or {@link TransactionColumns}
 * @param options - `period` (default `'month'`), `timeZone` (default `'UTC'`), `weekStartsOn` (default 1)
 * @returns the cohorts, oldest first
 * @throws `ValidationError` `E_EMPTY` for no lines, `E_INPUT` / `E_COLUMN_LENGTH` for malformed
 *   columns, the first bad row's code (`E_MISSING`, `E_TIMESTAMP`, `E_ID_TYPE`, …);
 *   `OptionsError` `E_OPTION_RANGE` (unknown period or weekStartsOn), `E_TIME_ZONE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { retentionCohorts } from '@marksman/profiling';
 * const line = (customerId: string, timestamp: string) => ({ customerId, orderId: `${customerId}-${timestamp}`, timestamp, quantity: 1, amount: 10 });
 * const r = retentionCohorts([
 *   line('a', '2024-01-05'), line('a', '2024-02-10'), line('a', '2024-03-01'),
 *   line('b', '2024-01-20'), line('b', '2024-03-15'),
 *   line('c', '2024-02-02'), line('c', '2024-02-20'),
 * ]);
 * r.cohorts.map((c) => [c.cohort, c.customers]); // => [['2024-01', 2], ['2024-02', 1]]
 * r.cohorts[0].active; // => [2, 1, 2]
 * r.cohorts[0].retention; // => [1, 0.5, 1]
 * r.cohorts[1].active; // => [1, 0]
 * ```
 */
export function retentionCohorts(transactions: TransactionInput, options?: RetentionCohortsOptions): RetentionCohorts {
  const source = 'retentionCohorts';
  const o = resolveOptions(source, DEFAULTS, options);
  const zone = checkPeriodOptions(source, o.period, o.timeZone, o.weekStartsOn);
  const cols = transactionColumns(source, transactions);
  const n = cols.n;
  const { periodOf, labelOf, startOf } = periodIndexes(cols.timestamp, o.period, zone);

  // First period of each customer.
  const first = new Map<Id, number>();
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = periodOf[i]!;
    const id = cols.customerId[i]!;
    const f = first.get(id);
    if (f === undefined || p < f) first.set(id, p);
    if (p > last) last = p;
  }
  // Distinct (customer, period) pairs, counted into their cohort's row.
  const seen = new Set<string>();
  const activeByCohort = new Map<number, number[]>();
  for (const f of first.values()) if (!activeByCohort.has(f)) activeByCohort.set(f, new Array<number>(last - f + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const id = cols.customerId[i]!;
    const p = periodOf[i]!;
    const key = `${typeof id}:${String(id)}|${p}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = first.get(id)!;
    const row = activeByCohort.get(f)!;
    row[p - f] = row[p - f]! + 1;
  }
  const cohorts: RetentionCohort[] = [...activeByCohort.keys()]
    .sort((a, b) => a - b)
    .map((f) => {
      const active = activeByCohort.get(f)!;
      const label = labelOf.get(f)!;
      const customers = active[0]!;
      return { cohort: label, start: startOf.get(f)!, customers, active, retention: active.map((a) => a / customers) };
    });
  return { period: o.period, timeZone: o.timeZone, cohorts, lastPeriod: labelOf.get(last)! };
}
