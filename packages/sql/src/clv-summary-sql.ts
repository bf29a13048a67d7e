import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { TimestampInput } from '@marksman/core';
import { checkDialect, describe, parts, quote } from './dialect';
import type { SqlDialect } from './dialect';
import { checkTimestampKind, column, epochMs, instant, lines, MS_PER_DAY, num, tableRef } from './internal/common';
import type { TableName, TimestampKind } from './internal/common';

/** Options of {@link clvSummarySql}. */
export interface ClvSummarySqlOptions {
  /** The engine to write for. Required. */
  readonly dialect: SqlDialect;
  /** The table (or view) of order lines: a name, or its qualified parts such as `['shop', 'order_lines']`. Required. */
  readonly table: TableName;
  /**
   * End of the observation period, exclusive, the start of a UTC day (a date
   * such as `'2011-12-09'`: purchases up to 8 December count), exactly as
   * `summarizeForClv`'s `asOf`. Required.
   */
  readonly asOf: TimestampInput;
  /** Unit of `recency`, `T` and the holdout: `'day'`, `'week'` (7 days) or `'month'` (30.436875 days). Required. */
  readonly timeUnit: 'day' | 'week' | 'month';
  /** End of the calibration period, exclusive, a UTC day start before `asOf`; adds the holdout columns (default none). */
  readonly calibrationEnd?: TimestampInput | null;
  /** Customer id column (default `'customerId'`). */
  readonly customerId?: string;
  /** Time column (default `'timestamp'`). */
  readonly timestamp?: string;
  /** Line value column, ≥ 0 (default `'amount'`); compute quantity × unit price in a view first when you store those. */
  readonly amount?: string;
  /** `'timestamp'` (default: a TIMESTAMP or DATE column, read as UTC) or `'epochMs'` (milliseconds since 1970). */
  readonly timestampKind?: TimestampKind;
}

interface Resolved {
  dialect: SqlDialect | undefined;
  table: TableName | undefined;
  asOf: TimestampInput | undefined;
  timeUnit: 'day' | 'week' | 'month' | undefined;
  calibrationEnd: TimestampInput | null;
  customerId: string;
  timestamp: string;
  amount: string;
  timestampKind: TimestampKind;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  dialect: undefined,
  table: undefined,
  asOf: undefined,
  timeUnit: undefined,
  calibrationEnd: null,
  customerId: 'customerId',
  timestamp: 'timestamp',
  amount: 'amount',
  timestampKind: 'timestamp',
});

const UNIT_DAYS: Readonly<Record<'day' | 'week' | 'month', number>> = Object.freeze({ day: 1, week: 7, month: 365.2425 / 12 });

/**
 * SQL for the per-customer repeat-purchase summary that BG/NBD, Pareto/NBD
 * and Gamma-Gamma are fitted on, with the same definitions and date
 * convention as `summarizeForClv` of `@marksman/profiling` (lifetimes'
 * `summary_data_from_transaction_data` with daily periods):
 *
 * - lines strictly before `asOf` (exclusive, the start of a UTC day) are
 *   grouped by customer and UTC calendar day; a day's lines make one
 *   purchase whose value is their sum;
 * - `frequency` = distinct purchase days − 1; `recency` = last − first
 *   purchase day and `T` = the last observed day (the day before `asOf`, or
 *   before `calibrationEnd`) − first purchase day, both in `timeUnit`;
 * - `monetaryValue` = mean value of the repeat purchase days, 0 without any;
 *   `firstPurchase` = epoch ms of the first purchase day;
 * - with `calibrationEnd`: the summary covers the days before it,
 *   `frequencyHoldout` / `monetaryValueHoldout` count and average the
 *   purchase days in [calibrationEnd, asOf), and customers whose first
 *   purchase is not before `calibrationEnd` are left out.
 *
 * The columns are named as `ClvSummaryRow` (quoted, case kept); rows are
 * ordered by customer id. Lines with a NULL customer or time are skipped
 * and NULL amounts add nothing (the in-process path refuses such lines).
 * The engine does O(n log n) work for n lines; writing the text costs O(1).
 *
 * @param options - see {@link ClvSummarySqlOptions}
 * @returns the query text
 * @throws `OptionsError` `E_SQL_DIALECT`, `E_SQL_IDENTIFIER` (a table or column name that is empty, too long or has NUL),
 *   `E_SQL_AS_OF` (`asOf`/`calibrationEnd` missing, not a date or not a UTC day start; `calibrationEnd` not before `asOf`),
 *   `E_CLV_TIME_UNIT`, `E_OPTION_RANGE` (timestampKind), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { clvSummarySql } from '@marksman/sql';
 * const sql = clvSummarySql({ dialect: 'duckdb', table: 'order_lines', asOf: '2024-01-30', timeUnit: 'week' });
 * sql.split('\n')[0]; // => 'WITH lines AS ('
 * sql.includes('epoch_ms(CAST("timestamp" AS TIMESTAMP)) < 1706572800000'); // => true
 * ```
 */
export function clvSummarySql(options: ClvSummarySqlOptions): string {
  const source = 'clvSummarySql';
  const o = resolveOptions(source, DEFAULTS, options);
  const d = checkDialect(source, o.dialect);
  const table = tableRef(source, d, o.table);
  const cust = column(source, d, 'customerId', o.customerId);
  const ts = column(source, d, 'timestamp', o.timestamp);
  const amount = column(source, d, 'amount', o.amount);
  const kind = checkTimestampKind(source, o.timestampKind);
  if (o.timeUnit !== 'day' && o.timeUnit !== 'week' && o.timeUnit !== 'month') {
    throw new OptionsError('E_CLV_TIME_UNIT', `${source}: timeUnit must be 'day', 'week' or 'month', got ${describe(o.timeUnit)}.`, { source, field: 'timeUnit' });
  }
  const asOf = instant(source, 'asOf', o.asOf, true);
  const withHoldout = o.calibrationEnd !== null;
  const calEnd = withHoldout ? instant(source, 'calibrationEnd', o.calibrationEnd, true) : asOf;
  if (!(calEnd <= asOf) || (withHoldout && calEnd === asOf)) {
    throw new OptionsError('E_SQL_AS_OF', `${source}: calibrationEnd must be before asOf, got ${new Date(calEnd).toISOString()} and ${new Date(asOf).toISOString()}.`, {
      source,
      field: 'calibrationEnd',
    });
  }
  const p = parts(d);
  const q = (name: string) => quote(d, name);
  const unit = num(UNIT_DAYS[o.timeUnit]);
  const calDay = num(calEnd / MS_PER_DAY - 1);
  const ms = epochMs(d, ts, kind);
  const dbl = (e: string) => `CAST(${e} AS ${p.double})`;
  return lines(
    'WITH lines AS (',
    `  SELECT ${cust} AS customer_id, CAST(FLOOR(${ms} / 86400000.0) AS ${p.bigint}) AS purchase_day, ${amount} AS line_value`,
    `  FROM ${table}`,
    `  WHERE ${cust} IS NOT NULL AND ${ts} IS NOT NULL AND ${ms} < ${num(asOf)}`,
    '),',
    'purchase_days AS (',
    '  SELECT customer_id, purchase_day, SUM(line_value) AS day_value,',
    `    MIN(CASE WHEN purchase_day <= ${calDay} THEN purchase_day END) OVER (PARTITION BY customer_id) AS first_day`,
    '  FROM lines',
    '  GROUP BY customer_id, purchase_day',
    '),',
    'customers AS (',
    '  SELECT customer_id, MIN(first_day) AS first_day,',
    `    MAX(CASE WHEN purchase_day <= ${calDay} THEN purchase_day END) AS last_day,`,
    `    COUNT(CASE WHEN purchase_day <= ${calDay} THEN 1 END) AS calibration_days,`,
    `    SUM(CASE WHEN purchase_day <= ${calDay} AND purchase_day > first_day THEN day_value END) AS repeat_value,`,
    `    COUNT(CASE WHEN purchase_day > ${calDay} THEN 1 END) AS holdout_days,`,
    `    SUM(CASE WHEN purchase_day > ${calDay} THEN day_value END) AS holdout_value`,
    '  FROM purchase_days',
    '  GROUP BY customer_id',
    ')',
    'SELECT',
    `  customer_id AS ${q('customerId')},`,
    `  CAST(calibration_days - 1 AS ${p.bigint}) AS ${q('frequency')},`,
    `  ${dbl('last_day - first_day')} / ${unit} AS ${q('recency')},`,
    `  ${dbl(`${calDay} - first_day`)} / ${unit} AS ${q('T')},`,
    `  CASE WHEN calibration_days > 1 THEN ${dbl('repeat_value')} / (calibration_days - 1) ELSE ${dbl('0')} END AS ${q('monetaryValue')},`,
    `  CAST(first_day * 86400000 AS ${p.bigint}) AS ${q('firstPurchase')}${withHoldout ? ',' : ''}`,
    withHoldout && `  CAST(holdout_days AS ${p.bigint}) AS ${q('frequencyHoldout')},`,
    withHoldout && `  CASE WHEN holdout_days > 0 THEN ${dbl('holdout_value')} / holdout_days ELSE ${dbl('0')} END AS ${q('monetaryValueHoldout')}`,
    'FROM customers',
    'WHERE calibration_days > 0',
    'ORDER BY customer_id',
  );
}
