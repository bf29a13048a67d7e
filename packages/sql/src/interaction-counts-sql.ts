import { resolveOptions } from '@marksman/core/internal';
import type { TimestampInput } from '@marksman/core';
import { checkDialect, parts, quote } from './dialect';
import type { SqlDialect } from './dialect';
import { checkTimestampKind, column, epochMs, instant, lines, num, tableRef } from './internal/common';
import type { TableName, TimestampKind } from './internal/common';

/** Options of {@link interactionCountsSql}. */
export interface InteractionCountsSqlOptions {
  /** The engine to write for. Required. */
  readonly dialect: SqlDialect;
  /** The table (or view) of events: a name, or its qualified parts. Required. */
  readonly table: TableName;
  /** User id column (default `'userId'`). */
  readonly userId?: string;
  /** Item id column (default `'itemId'`). */
  readonly itemId?: string;
  /** A weight column to sum (only rows with a weight > 0 count); default none: each row counts 1. */
  readonly weight?: string | null;
  /** Only events strictly before this instant (default none: every event); needs `timestamp`. */
  readonly asOf?: TimestampInput | null;
  /** Time column, used with `asOf` (default `'timestamp'`). */
  readonly timestamp?: string;
  /** `'timestamp'` (default) or `'epochMs'`. */
  readonly timestampKind?: TimestampKind;
}

interface Resolved {
  dialect: SqlDialect | undefined;
  table: TableName | undefined;
  userId: string;
  itemId: string;
  weight: string | null;
  asOf: TimestampInput | null;
  timestamp: string;
  timestampKind: TimestampKind;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  dialect: undefined,
  table: undefined,
  userId: 'userId',
  itemId: 'itemId',
  weight: null,
  asOf: null,
  timestamp: 'timestamp',
  timestampKind: 'timestamp',
});

/**
 * SQL for the user × item interaction counts the recommenders learn from:
 * one row `{ userId, itemId, weight }` per pair, `weight` the number of
 * events (or the sum of a positive weight column), ordered by user then
 * item. The rows go straight into `fit()` of ALS, BPR, ItemKNN or
 * Popularity of `@marksman/recsys`, which sum duplicate pairs themselves:
 * fitting on these rows gives the model fitted on the raw events in the same
 * (user, item) order. Rows with a NULL user or item are skipped.
 * Writing the text costs O(1); the engine does one grouped pass.
 *
 * @param options - see {@link InteractionCountsSqlOptions}
 * @returns the query text
 * @throws `OptionsError` `E_SQL_DIALECT`, `E_SQL_IDENTIFIER`, `E_SQL_AS_OF` (asOf not a date),
 *   `E_OPTION_RANGE` (timestampKind), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { interactionCountsSql } from '@marksman/sql';
 * interactionCountsSql({ dialect: 'spark', table: 'events', userId: 'user', itemId: 'sku' });
 * // => 'SELECT `user` AS `userId`, `sku` AS `itemId`, CAST(COUNT(*) AS DOUBLE) AS `weight`\nFROM `events`\nWHERE `user` IS NOT NULL AND `sku` IS NOT NULL\nGROUP BY `user`, `sku`\nORDER BY `user`, `sku`'
 * ```
 */
export function interactionCountsSql(options: InteractionCountsSqlOptions): string {
  const source = 'interactionCountsSql';
  const o = resolveOptions(source, DEFAULTS, options);
  const d = checkDialect(source, o.dialect);
  const table = tableRef(source, d, o.table);
  const user = column(source, d, 'userId', o.userId);
  const item = column(source, d, 'itemId', o.itemId);
  const weight = o.weight === null ? null : column(source, d, 'weight', o.weight);
  const kind = checkTimestampKind(source, o.timestampKind);
  const p = parts(d);
  const where = [`${user} IS NOT NULL`, `${item} IS NOT NULL`];
  if (weight !== null) where.push(`${weight} > 0`);
  if (o.asOf !== null) {
    const ts = column(source, d, 'timestamp', o.timestamp);
    where.push(`${ts} IS NOT NULL`, `${epochMs(d, ts, kind)} < ${num(instant(source, 'asOf', o.asOf, false))}`);
  }
  const value = weight === null ? 'COUNT(*)' : `SUM(${weight})`;
  return lines(
    `SELECT ${user} AS ${quote(d, 'userId')}, ${item} AS ${quote(d, 'itemId')}, CAST(${value} AS ${p.double}) AS ${quote(d, 'weight')}`,
    `FROM ${table}`,
    `WHERE ${where.join(' AND ')}`,
    `GROUP BY ${user}, ${item}`,
    `ORDER BY ${user}, ${item}`,
  );
}
