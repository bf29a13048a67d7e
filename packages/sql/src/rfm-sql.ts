import { resolveOptions } from '@marksman/core/internal';
import type { TimestampInput } from '@marksman/core';
import { checkDialect, parts, quote } from './dialect';
import type { SqlDialect } from './dialect';
import { checkTimestampKind, column, epochMs, instant, lines, num, tableRef } from './internal/common';
import type { TableName, TimestampKind } from './internal/common';

/** Options of {@link rfmSql}. */
export interface RfmSqlOptions {
  /** The engine to write for. Required. */
  readonly dialect: SqlDialect;
  /** The table (or view) of order lines: a name, or its qualified parts. Required. */
  readonly table: TableName;
  /** The instant the features describe, exclusive (any instant; a date means its UTC start), as `rfm`'s `asOf`. Required. */
  readonly asOf: TimestampInput;
  /** Customer id column (default `'customerId'`). */
  readonly customerId?: string;
  /** Order id column (default `'orderId'`). */
  readonly orderId?: string;
  /** Time column (default `'timestamp'`). */
  readonly timestamp?: string;
  /** Line amount column (default `'amount'`). */
  readonly amount?: string;
  /** `'timestamp'` (default: a TIMESTAMP or DATE column, read as UTC) or `'epochMs'` (milliseconds since 1970). */
  readonly timestampKind?: TimestampKind;
}

interface Resolved {
  dialect: SqlDialect | undefined;
  table: TableName | undefined;
  asOf: TimestampInput | undefined;
  customerId: string;
  orderId: string;
  timestamp: string;
  amount: string;
  timestampKind: TimestampKind;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  dialect: undefined,
  table: undefined,
  asOf: undefined,
  customerId: 'customerId',
  orderId: 'orderId',
  timestamp: 'timestamp',
  amount: 'amount',
  timestampKind: 'timestamp',
});

/**
 * SQL for recency, frequency, monetary value and tenure per customer as of
 * an instant, with the definitions of `rfm` in `@marksman/profiling`: only
 * lines strictly before `asOf`; `recency` = days (of 24 h, fractional) from
 * the last line to `asOf`; `frequency` = distinct orders; `monetary` = sum
 * of the amounts; `meanOrderValue` = monetary / frequency; `tenure` = days
 * from the first line to `asOf`. Columns are named as `rfm`'s table
 * (quoted, case kept), one row per customer ordered by customer id. Lines
 * with a NULL customer or time are skipped, NULL amounts add nothing.
 * Writing the text costs O(1); the engine does one grouped pass.
 *
 * @param options - see {@link RfmSqlOptions}
 * @returns the query text
 * @throws `OptionsError` `E_SQL_DIALECT`, `E_SQL_IDENTIFIER`, `E_SQL_AS_OF` (asOf missing or not a date),
 *   `E_OPTION_RANGE` (timestampKind), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { rfmSql } from '@marksman/sql';
 * const sql = rfmSql({ dialect: 'bigquery', table: ['shop', 'lines'], asOf: '2024-01-31' });
 * sql.includes('FROM `shop`.`lines`'); // => true
 * sql.includes('COUNT(DISTINCT order_id)'); // => true
 * ```
 */
export function rfmSql(options: RfmSqlOptions): string {
  const source = 'rfmSql';
  const o = resolveOptions(source, DEFAULTS, options);
  const d = checkDialect(source, o.dialect);
  const table = tableRef(source, d, o.table);
  const cust = column(source, d, 'customerId', o.customerId);
  const order = column(source, d, 'orderId', o.orderId);
  const ts = column(source, d, 'timestamp', o.timestamp);
  const amount = column(source, d, 'amount', o.amount);
  const kind = checkTimestampKind(source, o.timestampKind);
  const asOf = num(instant(source, 'asOf', o.asOf, false));
  const p = parts(d);
  const q = (name: string) => quote(d, name);
  const ms = epochMs(d, ts, kind);
  const dbl = (e: string) => `CAST(${e} AS ${p.double})`;
  return lines(
    'WITH lines AS (',
    `  SELECT ${cust} AS customer_id, ${order} AS order_id, ${ms} AS line_ms, ${amount} AS line_value`,
    `  FROM ${table}`,
    `  WHERE ${cust} IS NOT NULL AND ${ts} IS NOT NULL AND ${ms} < ${asOf}`,
    ')',
    'SELECT',
    `  customer_id AS ${q('customerId')},`,
    `  ${dbl(`${asOf} - MAX(line_ms)`)} / 86400000 AS ${q('recency')},`,
    `  ${dbl('COUNT(DISTINCT order_id)')} AS ${q('frequency')},`,
    `  ${dbl('COALESCE(SUM(line_value), 0)')} AS ${q('monetary')},`,
    `  ${dbl('COALESCE(SUM(line_value), 0)')} / NULLIF(COUNT(DISTINCT order_id), 0) AS ${q('meanOrderValue')},`,
    `  ${dbl(`${asOf} - MIN(line_ms)`)} / 86400000 AS ${q('tenure')}`,
    'FROM lines',
    'GROUP BY customer_id',
    'ORDER BY customer_id',
  );
}
