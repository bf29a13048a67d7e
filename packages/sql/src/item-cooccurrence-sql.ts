import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkDialect, describe, parts, quote } from './dialect';
import type { SqlDialect } from './dialect';
import { column, lines, num, tableRef } from './internal/common';
import type { TableName } from './internal/common';

/** Options of {@link itemCooccurrenceSql}. */
export interface ItemCooccurrenceSqlOptions {
  /** The engine to write for. Required. */
  readonly dialect: SqlDialect;
  /** The table (or view) of events: a name, or its qualified parts. Required. */
  readonly table: TableName;
  /** User id column (default `'userId'`). */
  readonly userId?: string;
  /** Item id column (default `'itemId'`). */
  readonly itemId?: string;
  /** Keep pairs seen together by at least this many users (a whole number ≥ 1; default 1). */
  readonly minCount?: number;
}

interface Resolved {
  dialect: SqlDialect | undefined;
  table: TableName | undefined;
  userId: string;
  itemId: string;
  minCount: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ dialect: undefined, table: undefined, userId: 'userId', itemId: 'itemId', minCount: 1 });

/**
 * SQL for item co-occurrence, what item-to-item similarity (ItemKNN of
 * `@marksman/recsys`) is made of: for every ordered pair of different items
 * bought or seen by the same users, `cooccurrences` = number of distinct
 * users with both, `itemUsers` / `otherItemUsers` = distinct users of each
 * item, and `cosine` = cooccurrences / √(itemUsers · otherItemUsers), the
 * cosine of the binary item columns — `ItemKNN`'s similarity with
 * `weighting: 'none'` and no shrinkage on 0/1 interactions. Rows are ordered
 * by item, then other item. The engine's work is O(Σ_users |items|²), as
 * for any item-kNN fit; `minCount` drops rare pairs. Writing the text costs O(1).
 *
 * @param options - see {@link ItemCooccurrenceSqlOptions}
 * @returns the query text
 * @throws `OptionsError` `E_SQL_DIALECT`, `E_SQL_IDENTIFIER`, `E_OPTION_RANGE` (minCount), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { itemCooccurrenceSql } from '@marksman/sql';
 * const sql = itemCooccurrenceSql({ dialect: 'snowflake', table: 'events', minCount: 5 });
 * sql.includes('HAVING COUNT(*) >= 5'); // => true
 * ```
 */
export function itemCooccurrenceSql(options: ItemCooccurrenceSqlOptions): string {
  const source = 'itemCooccurrenceSql';
  const o = resolveOptions(source, DEFAULTS, options);
  const d = checkDialect(source, o.dialect);
  const table = tableRef(source, d, o.table);
  const user = column(source, d, 'userId', o.userId);
  const item = column(source, d, 'itemId', o.itemId);
  if (typeof o.minCount !== 'number' || !Number.isSafeInteger(o.minCount) || o.minCount < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: minCount must be a whole number ≥ 1, got ${describe(o.minCount)}.`, { source, field: 'minCount' });
  }
  const p = parts(d);
  const q = (name: string) => quote(d, name);
  return lines(
    'WITH pairs AS (',
    `  SELECT DISTINCT ${user} AS user_id, ${item} AS item_id`,
    `  FROM ${table}`,
    `  WHERE ${user} IS NOT NULL AND ${item} IS NOT NULL`,
    '),',
    'item_users AS (',
    '  SELECT item_id, COUNT(*) AS users FROM pairs GROUP BY item_id',
    '),',
    'together AS (',
    '  SELECT a.item_id AS item_a, b.item_id AS item_b, COUNT(*) AS users',
    '  FROM pairs a JOIN pairs b ON a.user_id = b.user_id AND a.item_id <> b.item_id',
    '  GROUP BY a.item_id, b.item_id',
    `  HAVING COUNT(*) >= ${num(o.minCount)}`,
    ')',
    'SELECT',
    `  t.item_a AS ${q('itemId')},`,
    `  t.item_b AS ${q('otherItemId')},`,
    `  CAST(t.users AS ${p.bigint}) AS ${q('cooccurrences')},`,
    `  CAST(ua.users AS ${p.bigint}) AS ${q('itemUsers')},`,
    `  CAST(ub.users AS ${p.bigint}) AS ${q('otherItemUsers')},`,
    `  CAST(t.users AS ${p.double}) / SQRT(CAST(ua.users AS ${p.double}) * CAST(ub.users AS ${p.double})) AS ${q('cosine')}`,
    'FROM together t',
    'JOIN item_users ua ON ua.item_id = t.item_a',
    'JOIN item_users ub ON ub.item_id = t.item_b',
    'ORDER BY t.item_a, t.item_b',
  );
}
