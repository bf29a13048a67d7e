import { OptionsError, ValidationError, validateTransactions } from '@marksman/core';
import { arrowRecords, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, CleanTransaction, TimestampInput, Transaction } from '@marksman/core';
import { timeOption } from './features-input';

/** Options of {@link calibrationHoldoutSplit}. */
export interface CalibrationHoldoutSplitOptions {
  /** End of the calibration period (exclusive): lines before it are calibration data. Required. */
  readonly calibrationEnd: TimestampInput;
  /** End of the observation period (exclusive); must be after `calibrationEnd`. Required. */
  readonly observationEnd: TimestampInput;
  /**
   * Which customers' holdout lines to keep: `'calibration'` (default) keeps
   * only customers seen in the calibration period — the ones a model fitted
   * on calibration data can be scored on; `'all'` keeps every holdout line.
   */
  readonly holdoutCustomers?: 'calibration' | 'all';
}

/** What {@link calibrationHoldoutSplit} returns. Every input line is in exactly one index list. */
export interface CalibrationHoldoutSplit {
  /** Lines with timestamp < calibrationEnd (validated, timestamps in epoch ms). */
  readonly calibration: readonly CleanTransaction[];
  /** Lines with calibrationEnd ≤ timestamp < observationEnd (of the chosen customers). */
  readonly holdout: readonly CleanTransaction[];
  /** Input indexes of `calibration`, in input order. */
  readonly calibrationIndexes: Int32Array;
  /** Input indexes of `holdout`, in input order. */
  readonly holdoutIndexes: Int32Array;
  /** Holdout-period lines of customers first seen after calibrationEnd (dropped under `holdoutCustomers: 'calibration'`). */
  readonly newCustomerIndexes: Int32Array;
  /** Lines at or after observationEnd. */
  readonly afterIndexes: Int32Array;
  /** calibrationEnd in epoch ms. */
  readonly calibrationEnd: number;
  /** observationEnd in epoch ms. */
  readonly observationEnd: number;
}

const DEFAULTS: Readonly<{ calibrationEnd: TimestampInput | undefined; observationEnd: TimestampInput | undefined; holdoutCustomers: 'calibration' | 'all' }> = Object.freeze({
  calibrationEnd: undefined,
  observationEnd: undefined,
  holdoutCustomers: 'calibration',
});

/**
 * Splits transactions in time for honest evaluation: features and models
 * are built on the calibration lines (before `calibrationEnd`) and judged
 * on what the same customers did in the holdout period [calibrationEnd,
 * observationEnd). Pass `calibrationEnd` as the `asOf` of {@link rfm} /
 * {@link buildProfiles} on the calibration lines. Nothing is lost: every
 * input line index is in exactly one of `calibrationIndexes`,
 * `holdoutIndexes`, `newCustomerIndexes` (when not kept) or `afterIndexes`.
 * Costs O(n).
 *
 * @param transactions - transaction records (checked with `validateTransactions`)
 * @param options - see {@link CalibrationHoldoutSplitOptions}
 * @throws `ValidationError` `E_EMPTY` for no rows, the first bad
 *   row's code; `OptionsError` `E_OPTION_RANGE` for a missing date or
 *   a bad `holdoutCustomers`, `E_SPLIT_ORDER` when observationEnd is not
 *   after calibrationEnd
 * @example
 * ```ts
 * import { calibrationHoldoutSplit } from '@marksman/profiling';
 * const s = calibrationHoldoutSplit([
 *   { customerId: 'a', orderId: 1, timestamp: '2024-01-05', quantity: 1, amount: 10 },
 *   { customerId: 'a', orderId: 2, timestamp: '2024-02-10', quantity: 1, amount: 20 },
 *   { customerId: 'b', orderId: 3, timestamp: '2024-02-12', quantity: 1, amount: 5 },
 *   { customerId: 'a', orderId: 4, timestamp: '2024-04-01', quantity: 1, amount: 7 },
 * ], { calibrationEnd: '2024-02-01', observationEnd: '2024-03-01' });
 * s.calibrationIndexes; // => Int32Array [0]
 * s.holdoutIndexes; // => Int32Array [1]
 * s.newCustomerIndexes; // => Int32Array [2]
 * s.afterIndexes; // => Int32Array [3]
 * ```
 */
export function calibrationHoldoutSplit(transactions: readonly Transaction[] | ArrowLikeTable, options: CalibrationHoldoutSplitOptions): CalibrationHoldoutSplit {
  const source = 'calibrationHoldoutSplit';
  if (isArrowTable(transactions)) return calibrationHoldoutSplit(arrowRecords(source, transactions) as unknown as readonly Transaction[], options);
  const o = resolveOptions(source, DEFAULTS, options);
  const calibrationEnd = timeOption(source, 'calibrationEnd', o.calibrationEnd);
  const observationEnd = timeOption(source, 'observationEnd', o.observationEnd);
  if (!(observationEnd > calibrationEnd)) {
    throw new OptionsError('E_SPLIT_ORDER', `${source}: observationEnd (${new Date(observationEnd).toISOString()}) must be after calibrationEnd (${new Date(calibrationEnd).toISOString()}).`, {
      source,
      field: 'observationEnd',
    });
  }
  if (o.holdoutCustomers !== 'calibration' && o.holdoutCustomers !== 'all') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: holdoutCustomers must be 'calibration' or 'all', got ${JSON.stringify(o.holdoutCustomers)}.`, { source, field: 'holdoutCustomers' });
  }
  if (Array.isArray(transactions) && transactions.length === 0) {
    throw new ValidationError('E_EMPTY', `${source}: no transactions were given; pass at least one row.`, { source, field: 'transactions' });
  }
  const report = validateTransactions(transactions);
  const bad = report.rejected[0];
  if (bad !== undefined) throw new ValidationError(bad.code, `${source}: ${bad.message}`, { source, field: bad.field, row: bad.index });
  const seen = new Set<unknown>();
  for (const r of report.rows) if (r.timestamp < calibrationEnd) seen.add(r.customerId);
  const cal: CleanTransaction[] = [];
  const hold: CleanTransaction[] = [];
  const calIdx: number[] = [];
  const holdIdx: number[] = [];
  const newIdx: number[] = [];
  const afterIdx: number[] = [];
  const keepAll = o.holdoutCustomers === 'all';
  report.rows.forEach((r, i) => {
    if (r.timestamp < calibrationEnd) {
      cal.push(r);
      calIdx.push(i);
    } else if (r.timestamp >= observationEnd) afterIdx.push(i);
    else if (keepAll || seen.has(r.customerId)) {
      hold.push(r);
      holdIdx.push(i);
    } else newIdx.push(i);
  });
  return {
    calibration: cal,
    holdout: hold,
    calibrationIndexes: Int32Array.from(calIdx),
    holdoutIndexes: Int32Array.from(holdIdx),
    newCustomerIndexes: Int32Array.from(newIdx),
    afterIndexes: Int32Array.from(afterIdx),
    calibrationEnd,
    observationEnd,
  };
}
