// Internal: validate interaction records and build a user × item CSR matrix
// with dense integer indexes (core's IdIndexBuilder and CsrMatrix). The
// error codes match core's validateInteractions; the message names the
// model method the caller used.
import { CsrMatrix, IdIndexBuilder, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { arrowColumns, arrowRecords, isArrowTable } from '@marksman/core/internal';
import { checkOptionalTimestamp, checkRecordId, describeValue } from './checks';

/** Validated columns of interaction records, in input order. */
export interface InteractionColumns {
  readonly userIds: readonly Id[];
  readonly itemIds: readonly Id[];
  readonly weights: Float64Array;
}

/** A user × item matrix in CSR form: rows are users, columns sorted ascending, duplicates summed. */
export interface InteractionMatrix {
  readonly userIds: Id[];
  readonly userIndex: Map<Id, number>;
  readonly itemIds: Id[];
  readonly itemIndex: Map<Id, number>;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

/** Compressed rows over `nRows` rows. */
export interface Csr {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

/**
 * Checks every record once: ids are non-empty strings or finite numbers,
 * `weight` (default 1) is finite and > 0, `timestamp` (optional) is a
 * timestamp `parseTimestamp` accepts.
 */
export function readInteractions(source: string, interactions: readonly Interaction[] | ArrowLikeTable, allowEmpty = false): InteractionColumns {
  if (isArrowTable(interactions)) return readArrowInteractions(source, interactions, allowEmpty);
  if (!Array.isArray(interactions)) {
    throw new ValidationError('E_INPUT', `${source}: interactions must be an array of { userId, itemId, weight? } records.`, { source, field: 'interactions' });
  }
  const n = interactions.length;
  if (n === 0 && !allowEmpty) {
    throw new ValidationError('E_NO_INTERACTIONS', `${source}: there are no interactions to learn from; pass at least one { userId, itemId } record.`, { source, field: 'interactions' });
  }
  const userIds: Id[] = new Array<Id>(n);
  const itemIds: Id[] = new Array<Id>(n);
  const weights = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const rec = interactions[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId } record.`, { source, row: r, field: 'interactions' });
    }
    checkRecordId(source, rec.userId, 'userId', r);
    checkRecordId(source, rec.itemId, 'itemId', r);
    const w = rec.weight === undefined ? 1 : rec.weight;
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new ValidationError('E_NUMBER', `${source}: row ${r} has weight ${describeValue(w)}; weights must be finite numbers.`, { source, row: r, field: 'weight' });
    }
    if (w <= 0) {
      throw new ValidationError(w < 0 ? 'E_NEGATIVE_WEIGHT' : 'E_ZERO_WEIGHT', `${source}: row ${r} has weight ${w}; recommenders need weights > 0 (drop rows without a positive signal before fitting).`, { source, row: r, field: 'weight' });
    }
    checkOptionalTimestamp(source, rec.timestamp, r);
    userIds[r] = rec.userId;
    itemIds[r] = rec.itemId;
    weights[r] = w;
  }
  return { userIds, itemIds, weights };
}

/**
 * An Arrow table with columns `userId`, `itemId` and optional `weight`,
 * `timestamp`: the same checks as records, on Arrow's own arrays. A column
 * with nulls sends the table through the records path, so its errors are
 * the ones records with `null` there get.
 */
function readArrowInteractions(source: string, table: ArrowLikeTable, allowEmpty: boolean): InteractionColumns {
  const names = ['userId', 'itemId', 'weight', 'timestamp'];
  const cols = arrowColumns(source, table, { userId: 'id', itemId: 'id', weight: 'number', timestamp: 'time' }, ['weight', 'timestamp']);
  if (cols === null) return readInteractions(source, arrowRecords(source, table, names) as unknown as Interaction[], allowEmpty);
  const users = cols.userId as ArrayLike<Id>;
  const items = cols.itemId as ArrayLike<Id>;
  const n = users.length;
  if (n === 0 && !allowEmpty) {
    throw new ValidationError('E_NO_INTERACTIONS', `${source}: there are no interactions to learn from; the Arrow table has no rows.`, { source, field: 'interactions' });
  }
  const userIds: Id[] = new Array<Id>(n);
  const itemIds: Id[] = new Array<Id>(n);
  const weights = new Float64Array(n);
  const w = cols.weight as ArrayLike<number> | undefined;
  const ts = cols.timestamp as ArrayLike<number> | undefined;
  for (let r = 0; r < n; r++) {
    userIds[r] = checkRecordId(source, users[r], 'userId', r);
    itemIds[r] = checkRecordId(source, items[r], 'itemId', r);
    const x = w === undefined ? 1 : (w[r] as number);
    if (!Number.isFinite(x)) {
      throw new ValidationError('E_NUMBER', `${source}: row ${r} has weight ${describeValue(x)}; weights must be finite numbers.`, { source, row: r, field: 'weight' });
    }
    if (x <= 0) {
      throw new ValidationError(x < 0 ? 'E_NEGATIVE_WEIGHT' : 'E_ZERO_WEIGHT', `${source}: row ${r} has weight ${x}; recommenders need weights > 0 (drop rows without a positive signal before fitting).`, { source, row: r, field: 'weight' });
    }
    if (ts !== undefined) checkOptionalTimestamp(source, ts[r], r);
    weights[r] = x;
  }
  return { userIds, itemIds, weights };
}

/** Dense indexes in order of first appearance. */
function indexIds(ids: readonly Id[]): { list: Id[]; index: Map<Id, number>; codes: Int32Array } {
  const builder = new IdIndexBuilder();
  const codes = new Int32Array(ids.length);
  for (let r = 0; r < ids.length; r++) codes[r] = builder.add(ids[r]!);
  const list = builder.build().ids();
  return { list, index: new Map(list.map((id, k) => [id, k])), codes };
}

/**
 * Compressed rows from (row, col, weight) triplets: columns ascending within
 * each row, duplicates summed (core's `CsrMatrix.fromCoo`, two counting sorts).
 */
export function buildCsr(rows: Int32Array, cols: Int32Array, w: Float64Array, nRows: number, nCols: number): Csr {
  const m = CsrMatrix.fromCoo(rows, cols, w, nRows, nCols, { duplicates: 'sum' });
  return { indptr: m.indptr, indices: m.indices, weights: m.data };
}

/** Transposes compressed rows (`nRows` × `nCols`) into compressed columns. */
export function transposeCsr(m: Csr, nRows: number, nCols: number): Csr {
  const t = CsrMatrix.fromParts({ nRows, nCols, indptr: m.indptr, indices: m.indices, data: m.weights }).transpose();
  return { indptr: t.indptr, indices: t.indices, weights: t.data };
}

/** Validates records and builds the user × item matrix with id indexes. */
export function buildInteractionMatrix(source: string, interactions: readonly Interaction[] | ArrowLikeTable): InteractionMatrix {
  const cols = readInteractions(source, interactions);
  const users = indexIds(cols.userIds);
  const items = indexIds(cols.itemIds);
  const csr = buildCsr(users.codes, items.codes, cols.weights, users.list.length, items.list.length);
  return { userIds: users.list, userIndex: users.index, itemIds: items.list, itemIndex: items.index, ...csr };
}
