// Internal: Apache Arrow tables (and vectors of ids) where the ranking and
// beyond-accuracy metrics take per-user lists, item maps or id lists. Each
// reader turns the table into the Map the metric already takes, so the
// answer is the records' answer by construction. Columns are read by name
// through core's Arrow readers: ids may be Utf8, dictionary-encoded Utf8 or
// integers, numbers any Int/Float; a column of another type is
// `E_ARROW_TYPE` naming it; a missing column is `E_COLUMN`; a null is the
// typed error the same null in a record gives (`E_ID`, `E_NAN`), with its
// row, never dropped.
import type { ArrowLikeTable, ArrowLikeVector } from '@marksman/core';
import { ValidationError } from '@marksman/core';
import { arrowColumnNames, arrowIdColumn, arrowNumberColumn, arrowVectorValues, isArrowTable, isArrowVector } from '@marksman/core/internal';
import { requireFinite, requireId } from './validation';
import type { Id } from './validation';

function column(source: string, table: ArrowLikeTable, name: string, read: typeof arrowIdColumn): ArrayLike<unknown> {
  const col = read(source, table, name);
  if (col === undefined) {
    throw new ValidationError('E_COLUMN', `${source}: the Arrow table has no "${name}" column (it has ${arrowColumnNames(table).map((n) => JSON.stringify(n)).join(', ') || 'none'}).`, { source, field: name });
  }
  return col;
}

/** The ids of column `name`, each checked (a null is `E_ID` naming the column and row). */
function ids(source: string, table: ArrowLikeTable, name: string): ArrayLike<Id> {
  const col = column(source, table, name, arrowIdColumn);
  for (let i = 0; i < col.length; i++) requireId(source, name, col[i], i);
  return col as ArrayLike<Id>;
}

/** `x` itself, or the ids of the Arrow vector `x` (Utf8, dictionary-encoded Utf8 or integers; nulls as `null`). */
export function idListArg<T>(source: string, field: string, x: T | ArrowLikeVector): T | ArrayLike<unknown> {
  return isArrowVector(x) ? arrowVectorValues(source, field, x, 'id') : x;
}

/**
 * `x` itself, or the Arrow table `x` of (`userId`, `itemId`) rows as a Map
 * from user to that user's items in row order (a user's first row fixes the
 * user's place among the keys).
 */
export function perUserArg<T>(source: string, x: T | ArrowLikeTable): T | Map<Id, Id[]> {
  if (!isArrowTable(x)) return x;
  const users = ids(source, x, 'userId');
  const items = ids(source, x, 'itemId');
  const out = new Map<Id, Id[]>();
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    let list = out.get(u);
    if (list === undefined) {
      list = [];
      out.set(u, list);
    }
    list.push(items[i]!);
  }
  return out;
}

/** `x` itself, or the Arrow table `x` of (`itemId`, `valueColumn`) rows as a Map item → number; an item twice is `E_DUPLICATE`. */
export function itemNumbersArg<T>(source: string, x: T | ArrowLikeTable, valueColumn: string): T | Map<Id, number> {
  if (!isArrowTable(x)) return x;
  const items = ids(source, x, 'itemId');
  const values = column(source, x, valueColumn, arrowNumberColumn);
  const out = new Map<Id, number>();
  for (let i = 0; i < items.length; i++) {
    const v = values[i];
    requireFinite(source, valueColumn, v as number, i);
    if (out.has(items[i]!)) {
      throw new ValidationError('E_DUPLICATE', `${source}: item ${JSON.stringify(items[i])} has a second row (row ${i}); give one ${valueColumn} per item.`, { source, field: 'itemId', row: i });
    }
    out.set(items[i]!, v as number);
  }
  return out;
}

/**
 * `x` itself, or the Arrow table `x` of (`itemId`, `labelColumn`) rows (one
 * row per item and label) as a Map item → its labels in row order.
 */
export function itemLabelsArg<T>(source: string, x: T | ArrowLikeTable, labelColumn: string): T | Map<Id, Id[]> {
  if (!isArrowTable(x)) return x;
  const items = ids(source, x, 'itemId');
  const labels = ids(source, x, labelColumn);
  const out = new Map<Id, Id[]>();
  for (let i = 0; i < items.length; i++) {
    const list = out.get(items[i]!);
    if (list === undefined) out.set(items[i]!, [labels[i]!]);
    else list.push(labels[i]!);
  }
  return out;
}

/**
 * `x` itself, or the Arrow table `x` with an `itemId` column and one numeric
 * column per dimension (every other column, in schema order) as a Map item →
 * vector; an item twice is `E_DUPLICATE`, a null component `E_NAN` naming
 * its column and row.
 */
export function itemVectorsArg<T>(source: string, x: T | ArrowLikeTable): T | Map<Id, Float64Array> {
  if (!isArrowTable(x)) return x;
  const items = ids(source, x, 'itemId');
  const dims = arrowColumnNames(x).filter((n) => n !== 'itemId');
  if (dims.length === 0) {
    throw new ValidationError('E_COLUMN', `${source}: the Arrow table of item vectors has only an itemId column; add one numeric column per dimension.`, { source, field: 'itemVectors' });
  }
  const cols = dims.map((d) => column(source, x, d, arrowNumberColumn));
  const out = new Map<Id, Float64Array>();
  for (let i = 0; i < items.length; i++) {
    const v = new Float64Array(dims.length);
    for (let d = 0; d < dims.length; d++) {
      const c = cols[d]![i];
      requireFinite(source, dims[d]!, c as number, i);
      v[d] = c as number;
    }
    if (out.has(items[i]!)) {
      throw new ValidationError('E_DUPLICATE', `${source}: item ${JSON.stringify(items[i])} has a second row (row ${i}); give one vector per item.`, { source, field: 'itemId', row: i });
    }
    out.set(items[i]!, v);
  }
  return out;
}
