import { OptionsError, ValidationError } from '@marksman/core';
import { arrowRecords, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, TimestampInput, Transaction } from '@marksman/core';
import { MS_PER_DAY, toEpochMs } from './clv/timestamp';
import { daysPerUnit, isClvTimeUnit } from './time-unit';
import type { ClvTimeUnit } from './time-unit';
import { PROGRESS_EVERY, progressTicker } from './data-progress';
import { transactionColumns } from './features-input';
import type { TransactionColumns } from './features-input';
import type { DataProgress } from './data-progress';

/** Options of {@link summarizeForClv}. */
export interface SummarizeForClvOptions {
  /**
   * End of the observation period, exclusive: lines strictly before this
   * instant are counted. The summary counts whole UTC days, so `asOf` must be
   * the start of a UTC day — a date such as `'2011-12-09'` (which means
   * 2011-12-09T00:00Z: purchases up to 8 December count). Required.
   */
  readonly asOf: TimestampInput;
  /** Unit of `recency`, `T` and the holdout duration. Required: `'day'`, `'week'` or `'month'`. */
  readonly timeUnit: ClvTimeUnit;
  /**
   * End of the calibration period, exclusive, the start of a UTC day like
   * `asOf` (the same rule as `calibrationHoldoutSplit`). When given, the
   * repeat-purchase summary covers the purchases before it and the holdout
   * columns count those in [calibrationEnd, asOf); customers whose first
   * purchase is not before it are left out (and counted in `excludedCustomers`).
   */
  readonly calibrationEnd?: TimestampInput | undefined;
  /**
   * Called at the end of each phase — `'read'` (`done`/`total` count input
   * lines) and `'summarise'` (lines before `asOf`, folded into purchase
   * days) — and every 65,536 lines within one (default none).
   */
  readonly onProgress?: ((progress: DataProgress) => void) | null;
  /** Stops the summary with an `AbortError` (`E_ABORTED`) at the next progress point (default none). */
  readonly signal?: AbortSignal | null;
}

/** One customer in the repeat-purchase summary, in lifetimes' conventions. */
export interface ClvSummaryRow {
  /** The customer. */
  readonly customerId: Id;
  /** Repeat purchases: number of distinct purchase days after the first one. */
  readonly frequency: number;
  /** Time from the first to the last purchase day, in the time unit (0 when frequency is 0). */
  readonly recency: number;
  /** Age: time from the first purchase day to the end of the (calibration) period. */
  readonly T: number;
  /** Mean value of the repeat purchase days (each day's lines summed); 0 when frequency is 0. */
  readonly monetaryValue: number;
  /** Epoch ms (UTC midnight) of the first purchase day. */
  readonly firstPurchase: number;
  /** Distinct purchase days in the holdout period (only with `calibrationEnd`). */
  readonly frequencyHoldout?: number;
  /** Mean value of the holdout purchase days, 0 when none (only with `calibrationEnd`). */
  readonly monetaryValueHoldout?: number;
}

/** What {@link summarizeForClv} returns. */
export interface ClvSummary {
  /** One row per customer, in order of first appearance in the input. */
  readonly rows: readonly ClvSummaryRow[];
  /** Unit of `recency`, `T` and `durationHoldout`. */
  readonly timeUnit: ClvTimeUnit;
  /** `asOf` in epoch ms (exclusive: the start of the first day not counted). */
  readonly asOf: number;
  /** `calibrationEnd` in epoch ms (exclusive), when a calibration period was asked for. */
  readonly calibrationEnd: number | undefined;
  /** Length of the holdout period in the time unit (0 without `calibrationEnd`). */
  readonly durationHoldout: number;
  /** Customers left out because their first purchase is after the calibration end. */
  readonly excludedCustomers: number;
  /** Transaction lines at or after `asOf`, not counted. */
  readonly linesAfterAsOf: number;
}

const DEFAULTS: Readonly<{
  asOf: TimestampInput | undefined;
  timeUnit: ClvTimeUnit | undefined;
  calibrationEnd: TimestampInput | undefined;
  onProgress: ((progress: DataProgress) => void) | null;
  signal: AbortSignal | null;
}> = Object.freeze({ asOf: undefined, timeUnit: undefined, calibrationEnd: undefined, onProgress: null, signal: null });

const SOURCE = 'summarizeForClv';

/** Throws E_CLV_OPTION unless `ms` is the start of a UTC day. */
function requireDayStart(field: string, ms: number): void {
  if (ms % MS_PER_DAY !== 0) {
    const day = new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
    throw new OptionsError(
      'E_CLV_OPTION',
      `${SOURCE}: ${field} must be the start of a UTC day, because the summary counts whole days; got ${new Date(ms).toISOString()}. Pass a date: '${day}' (to stop before that day) or the next one (to include it).`,
      { source: SOURCE, field },
    );
  }
}

type Tick = ((phase: string, done: number, total: number) => void) | null;

/** Pass 1's result: kept lines as (customer index, day, value), customers by index. */
interface LinesRead {
  n: number;
  custOf: Int32Array;
  dayOf: Float64Array;
  valueOf: Float64Array;
  ids: Id[];
  kept: number;
  linesAfterAsOf: number;
  earliest: number;
}

function readRecords(transactions: readonly Transaction[], endDay: number, tick: Tick): LinesRead {
  const n = transactions.length;
  const custOf = new Int32Array(n);
  const dayOf = new Float64Array(n);
  const valueOf = new Float64Array(n);
  const index = new Map<Id, number>();
  const ids: Id[] = [];
  let kept = 0;
  let linesAfterAsOf = 0;
  let earliest = Infinity;
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('read', i, n);
    const t = transactions[i]!;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      throw new ValidationError('E_CLV_ROW', `${SOURCE}: row ${i} is ${t === null ? 'null' : Array.isArray(t) ? 'an array' : typeof t}; expected a transaction object.`, { source: SOURCE, row: i });
    }
    const id = t.customerId;
    if ((typeof id !== 'string' && typeof id !== 'number') || id === '' || (typeof id === 'number' && !Number.isFinite(id))) {
      throw new ValidationError('E_CLV_CUSTOMER', `${SOURCE}: row ${i} has no usable customerId.`, { source: SOURCE, field: 'customerId', row: i });
    }
    const ms = toEpochMs(t.timestamp);
    if (!Number.isFinite(ms)) {
      throw new ValidationError('E_CLV_TIMESTAMP', `${SOURCE}: row ${i} has a timestamp that is not a date (${JSON.stringify(t.timestamp)}).`, { source: SOURCE, field: 'timestamp', row: i });
    }
    const value = t.amount ?? (t.unitPrice === undefined ? NaN : t.quantity * t.unitPrice);
    if (!Number.isFinite(value)) {
      throw new ValidationError('E_CLV_AMOUNT', `${SOURCE}: row ${i} needs a finite amount, or quantity and unitPrice.`, { source: SOURCE, field: 'amount', row: i });
    }
    if (value < 0) {
      throw new ValidationError(
        'E_CLV_NEGATIVE_AMOUNT',
        `${SOURCE}: row ${i} has a negative value (${value}); net or remove returns and cancellations (e.g. with cleanTransactions) before summarising.`,
        { source: SOURCE, field: 'amount', row: i },
      );
    }
    const day = Math.floor(ms / MS_PER_DAY);
    earliest = Math.min(earliest, day);
    if (day > endDay) {
      linesAfterAsOf++;
      continue;
    }
    let c = index.get(id);
    if (c === undefined) {
      c = ids.length;
      index.set(id, c);
      ids.push(id);
    }
    custOf[kept] = c;
    dayOf[kept] = day;
    valueOf[kept] = value;
    kept++;
  }
  if (tick !== null) tick('read', n, n);
  return { n, custOf, dayOf, valueOf, ids, kept, linesAfterAsOf, earliest };
}

/** Columns: checked as every columnar feature function checks them, then read without one object per line. */
function readColumns(input: TransactionColumns, endDay: number, tick: Tick): LinesRead {
  const cols = transactionColumns(SOURCE, input);
  const { n, customerId, customerValues, timestamp, amount } = cols;
  const custOf = new Int32Array(n);
  const dayOf = new Float64Array(n);
  const valueOf = new Float64Array(n);
  const ids: Id[] = [];
  // Dictionary codes, and integer ids in a compact range, map through an array; other ids through a Map.
  let byCode: Int32Array | null = customerValues === undefined ? null : new Int32Array(customerValues.length).fill(-1);
  let lo = 0;
  if (byCode === null && isIntegerTyped(customerId)) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = customerId[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min <= Math.max(4 * n, 1 << 16)) {
      byCode = new Int32Array(max - min + 1).fill(-1);
      lo = min;
    }
  }
  const index = new Map<Id, number>();
  let kept = 0;
  let linesAfterAsOf = 0;
  let earliest = Infinity;
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('read', i, n);
    const value = amount[i]!;
    if (value < 0) {
      throw new ValidationError(
        'E_CLV_NEGATIVE_AMOUNT',
        `${SOURCE}: row ${i} has a negative value (${value}); net or remove returns and cancellations (e.g. with cleanTransactions) before summarising.`,
        { source: SOURCE, field: 'amount', row: i },
      );
    }
    const day = Math.floor(timestamp[i]! / MS_PER_DAY);
    if (day < earliest) earliest = day;
    if (day > endDay) {
      linesAfterAsOf++;
      continue;
    }
    const id = customerId[i]!;
    let c: number | undefined;
    if (byCode !== null) {
      const k = (id as number) - lo;
      c = byCode[k]!;
      if (c < 0) {
        c = ids.length;
        byCode[k] = c;
        ids.push(customerValues === undefined ? id : customerValues[k]!);
      }
    } else {
      c = index.get(id);
      if (c === undefined) {
        c = ids.length;
        index.set(id, c);
        ids.push(id);
      }
    }
    custOf[kept] = c;
    dayOf[kept] = day;
    valueOf[kept] = value;
    kept++;
  }
  if (tick !== null) tick('read', n, n);
  return { n, custOf, dayOf, valueOf, ids, kept, linesAfterAsOf, earliest };
}

function isIntegerTyped(c: unknown): c is Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array {
  return c instanceof Int32Array || c instanceof Uint32Array || c instanceof Int16Array || c instanceof Uint16Array || c instanceof Int8Array || c instanceof Uint8Array;
}

/**
 * Indexes of the kept lines ordered by (customer, day, input order): a counting
 * sort by customer (stable), then each customer's lines sorted by day (stable).
 * O(n) plus the per-customer sorts, instead of one comparison sort of every line.
 */
function orderByCustomerDay(custOf: Int32Array, dayOf: Float64Array, kept: number, customers: number): Int32Array {
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < kept; i++) start[custOf[i]! + 1] = start[custOf[i]! + 1]! + 1;
  for (let c = 0; c < customers; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const next = start.slice(0, customers);
  const order = new Int32Array(kept);
  for (let i = 0; i < kept; i++) order[next[custOf[i]!]!++] = i;
  const byDay = (i: number, j: number): number => dayOf[i]! - dayOf[j]! || i - j;
  for (let c = 0; c < customers; c++) {
    const from = start[c]!;
    const to = start[c + 1]!;
    if (to - from < 2) continue;
    // Insertion sort for the usual handful of lines; a library sort for long histories.
    if (to - from <= 32) {
      for (let a = from + 1; a < to; a++) {
        const line = order[a]!;
        let b = a - 1;
        while (b >= from && byDay(order[b]!, line) > 0) {
          order[b + 1] = order[b]!;
          b--;
        }
        order[b + 1] = line;
      }
    } else order.subarray(from, to).sort(byDay);
  }
  return order;
}

/**
 * Turns transactions into the per-customer repeat-purchase summary that the
 * BG/NBD, Pareto/NBD and Gamma-Gamma models are fitted on, exactly as the
 * Python `lifetimes` library defines it (`summary_data_from_transaction_data`
 * with daily periods):
 *
 * - lines are grouped by customer and UTC calendar day; several orders on one
 *   day make one purchase whose value is the sum of the lines;
 * - `frequency` = number of distinct purchase days − 1 (repeat purchases);
 * - `recency` = last − first purchase day, `T` = last observed day (the
 *   day before `asOf`, or before `calibrationEnd`) − first purchase day,
 *   both divided by the days in `timeUnit` (7 for a week, 30.436875 for a
 *   month) — lifetimes' numbers for an inclusive observation end one day
 *   earlier;
 * - `monetaryValue` = mean value of the repeat purchase days (the first
 *   purchase is excluded), 0 when there is none.
 *
 * Line values are `amount`, or `quantity × unitPrice`. A customer with a
 * single purchase gets frequency 0, recency 0 and monetary value 0.
 *
 * **Dates**: as everywhere in this package, `asOf` and `calibrationEnd` are
 * exclusive instants, and a date means the start of that day (UTC):
 * `{ calibrationEnd: '1997-10-01', asOf: '1998-07-01' }` calibrates on
 * purchases up to 30 September 1997 and holds out October 1997 to June
 * 1998, exactly the lines `calibrationHoldoutSplit` with the same dates
 * puts in each period.
 *
 * Lines come as records, as columns (`customerId`, `orderId`, `timestamp`
 * in epoch ms, `amount`: typed arrays, arrays or dictionary columns, as `rfm`
 * takes them; no object is made per line, the path for millions of lines),
 * or as an Arrow table.
 *
 * Costs O(n) plus sorting each customer's lines by day; `onProgress` and
 * `signal` watch and stop long runs.
 *
 * @param transactions - order lines: records, columns or an Arrow table (not mutated)
 * @param options - `asOf`, `timeUnit`, optional `calibrationEnd`, `onProgress`, `signal`
 * @returns the summary rows with the period facts
 * @throws `ValidationError` `E_CLV_EMPTY` for no lines, `E_CLV_ROW` for a row that is not an object,
 *   `E_CLV_CUSTOMER` for a missing customer id, `E_CLV_TIMESTAMP` for a bad
 *   timestamp, `E_CLV_AMOUNT` for a line without a finite value (or a
 *   customer whose purchases add up past the largest number),
 *   `E_CLV_NEGATIVE_AMOUNT` for a negative line (returns must be netted or
 *   removed first), `E_CLV_AS_OF` when nothing is before `asOf`
 * @throws `OptionsError` `E_CLV_TIME_UNIT` for a missing or unknown
 *   unit, `E_CLV_OPTION` for a missing or invalid `asOf`/`calibrationEnd`
 *   (each the start of a UTC day; the calibration end before `asOf`),
 *   `E_OPTION_RANGE` for an onProgress that is not a function or a signal that is not an AbortSignal
 * @throws `ValidationError` for columns, as `rfm` checks them: `E_INPUT` (a
 *   column missing), `E_COLUMN_LENGTH`, `E_EMPTY`, `E_ID_TYPE`,
 *   `E_TIMESTAMP`, `E_NUMBER` (a value that is not finite); a negative
 *   amount is `E_CLV_NEGATIVE_AMOUNT` as for records
 * @throws `AbortError` `E_ABORTED` when `signal` is aborted
 * @example
 * ```ts
 * import { summarizeForClv } from '@marksman/profiling';
 * const s = summarizeForClv(
 *   [
 *     { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
 *     { customerId: 'a', orderId: 2, timestamp: '2024-01-08', quantity: 1, amount: 20 },
 *     { customerId: 'a', orderId: 3, timestamp: '2024-01-15', quantity: 2, unitPrice: 15 },
 *     { customerId: 'b', orderId: 4, timestamp: '2024-01-10', quantity: 1, amount: 5 },
 *   ],
 *   { asOf: '2024-01-30', timeUnit: 'week' },
 * );
 * s.rows[0]; // => { customerId: 'a', frequency: 2, recency: 2, T: 4, monetaryValue: 25, firstPurchase: 1704067200000 }
 * // The same lines as columns (timestamps in epoch ms):
 * const c = summarizeForClv(
 *   {
 *     customerId: ['a', 'a', 'a', 'b'],
 *     orderId: Int32Array.of(1, 2, 3, 4),
 *     timestamp: Float64Array.of(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 15), Date.UTC(2024, 0, 10)),
 *     amount: Float64Array.of(10, 20, 30, 5),
 *   },
 *   { asOf: '2024-01-30', timeUnit: 'week' },
 * );
 * c.rows[0]; // => { customerId: 'a', frequency: 2, recency: 2, T: 4, monetaryValue: 25, firstPurchase: 1704067200000 }
 * ```
 */
export function summarizeForClv(transactions: readonly Transaction[] | TransactionColumns | ArrowLikeTable, options: SummarizeForClvOptions): ClvSummary {
  if (isArrowTable(transactions)) return summarizeForClv(arrowRecords(SOURCE, transactions) as unknown as readonly Transaction[], options);
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  if (!isClvTimeUnit(o.timeUnit)) {
    throw new OptionsError('E_CLV_TIME_UNIT', `${SOURCE}: timeUnit must be 'day', 'week' or 'month', got ${JSON.stringify(o.timeUnit)}.`, { source: SOURCE, field: 'timeUnit' });
  }
  const unitDays = daysPerUnit(o.timeUnit);
  const asOfMs = toEpochMs(o.asOf);
  if (!Number.isFinite(asOfMs)) {
    throw new OptionsError('E_CLV_OPTION', `${SOURCE}: asOf must be a Date, epoch milliseconds or an ISO date, got ${JSON.stringify(o.asOf)}.`, { source: SOURCE, field: 'asOf' });
  }
  requireDayStart('asOf', asOfMs);
  // The last day counted: the day before asOf (asOf is exclusive).
  const endDay = asOfMs / MS_PER_DAY - 1;
  let calDay = endDay;
  let calMs = NaN;
  if (o.calibrationEnd !== undefined) {
    calMs = toEpochMs(o.calibrationEnd);
    if (!Number.isFinite(calMs) || calMs >= asOfMs) {
      throw new OptionsError('E_CLV_OPTION', `${SOURCE}: calibrationEnd must be a valid date before asOf, got ${JSON.stringify(o.calibrationEnd)}.`, { source: SOURCE, field: 'calibrationEnd' });
    }
    requireDayStart('calibrationEnd', calMs);
    calDay = calMs / MS_PER_DAY - 1;
  }
  const tick = progressTicker(SOURCE, o.onProgress, o.signal);
  if ((Array.isArray(transactions) && transactions.length === 0) || typeof transactions !== 'object' || transactions === null) {
    throw new ValidationError('E_CLV_EMPTY', `${SOURCE}: there are no transactions to summarise.`, { source: SOURCE, field: 'transactions' });
  }

  // Pass 1: validate, map customers to dense indexes, keep (customer, day, value).
  const pass = Array.isArray(transactions) ? readRecords(transactions as readonly Transaction[], endDay, tick) : readColumns(transactions as TransactionColumns, endDay, tick);
  const { custOf, dayOf, valueOf, ids, kept, linesAfterAsOf, earliest } = pass;
  if (kept === 0) {
    throw new ValidationError(
      'E_CLV_AS_OF',
      `${SOURCE}: asOf (${new Date(asOfMs).toISOString().slice(0, 10)}) is not after the first purchase (${new Date(earliest * MS_PER_DAY).toISOString().slice(0, 10)}); nothing before it is observed. Choose a later asOf.`,
      { source: SOURCE, field: 'asOf' },
    );
  }

  // Pass 2: order lines by (customer, day) and fold them into purchase days.
  const order = orderByCustomerDay(custOf, dayOf, kept, ids.length);
  const rows: (ClvSummaryRow | undefined)[] = new Array(ids.length);
  const withHoldout = o.calibrationEnd !== undefined;
  let excludedCustomers = 0;
  let k = 0;
  let nextTick = PROGRESS_EVERY;
  while (k < kept) {
    if (tick !== null && k >= nextTick) {
      tick('summarise', k, kept);
      nextTick = k + PROGRESS_EVERY;
    }
    const c = custOf[order[k]!]!;
    let first = NaN;
    let last = NaN;
    let days = 0;
    let repeatSum = 0;
    let holdoutDays = 0;
    let holdoutSum = 0;
    let prevDay = NaN;
    let dayValue = 0;
    const closeDay = (): void => {
      if (Number.isNaN(prevDay)) return;
      if (prevDay <= calDay) {
        if (days === 0) first = prevDay;
        else repeatSum += dayValue;
        days++;
        last = prevDay;
      } else {
        holdoutDays++;
        holdoutSum += dayValue;
      }
    };
    while (k < kept && custOf[order[k]!] === c) {
      const line = order[k]!;
      const day = dayOf[line]!;
      if (day !== prevDay) {
        closeDay();
        prevDay = day;
        dayValue = 0;
      }
      dayValue += valueOf[line]!;
      k++;
    }
    closeDay();
    if (days === 0) {
      excludedCustomers++;
      continue;
    }
    const frequency = days - 1;
    if (!Number.isFinite(repeatSum) || !Number.isFinite(holdoutSum)) {
      throw new ValidationError('E_CLV_AMOUNT', `${SOURCE}: the purchases of customer ${JSON.stringify(ids[c])} add up to more than the largest number; check the amounts.`, {
        source: SOURCE,
        field: 'amount',
      });
    }
    const base = {
      customerId: ids[c]!,
      frequency,
      recency: (last - first) / unitDays,
      T: (calDay - first) / unitDays,
      monetaryValue: frequency > 0 ? repeatSum / frequency : 0,
      firstPurchase: first * MS_PER_DAY,
    };
    rows[c] = withHoldout
      ? { ...base, frequencyHoldout: holdoutDays, monetaryValueHoldout: holdoutDays > 0 ? holdoutSum / holdoutDays : 0 }
      : base;
  }
  if (tick !== null) tick('summarise', kept, kept);
  const out = rows.filter((r): r is ClvSummaryRow => r !== undefined);
  if (out.length === 0) {
    throw new ValidationError('E_CLV_AS_OF', `${SOURCE}: calibrationEnd is before every customer's first purchase; nothing is observed in the calibration period.`, {
      source: SOURCE,
      field: 'calibrationEnd',
    });
  }
  return {
    rows: out,
    timeUnit: o.timeUnit,
    asOf: asOfMs,
    calibrationEnd: withHoldout ? calMs : undefined,
    durationHoldout: withHoldout ? (endDay - calDay) / unitDays : 0,
    excludedCustomers,
    linesAfterAsOf,
  };
}
