// Internal: validate interaction records and build a user × item CSR matrix
// with dense integer indexes (ids coded in first-seen order, core's CsrMatrix). The
// error codes match core's validateInteractions; the message names the
// model method the caller used.
import { CsrMatrix, ValidationError } from '@marksman/core';
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

/** The number of records; `E_INPUT` when `interactions` is not an array, `E_NO_INTERACTIONS` when empty (unless allowed). */
function checkRecordList(source: string, interactions: unknown, allowEmpty: boolean): number {
  if (!Array.isArray(interactions)) {
    throw new ValidationError('E_INPUT', `${source}: interactions must be an array of { userId, itemId, weight? } records.`, { source, field: 'interactions' });
  }
  const n = interactions.length;
  if (n === 0 && !allowEmpty) {
    throw new ValidationError('E_NO_INTERACTIONS', `${source}: there are no interactions to learn from; pass at least one { userId, itemId } record.`, { source, field: 'interactions' });
  }
  return n;
}

/** Record `r` of the list; `E_NOT_OBJECT` when it is not an object. */
function recordAt(source: string, interactions: readonly Interaction[], r: number): Interaction {
  const rec = interactions[r] as Interaction | null | undefined;
  if (rec === null || typeof rec !== 'object') {
    throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId } record.`, { source, row: r, field: 'interactions' });
  }
  return rec;
}

/** The weight of row `r` when it is a finite number > 0; otherwise `E_NUMBER`, `E_NEGATIVE_WEIGHT` or `E_ZERO_WEIGHT`. */
function positiveWeight(source: string, w: unknown, r: number): number {
  if (typeof w !== 'number' || !Number.isFinite(w)) {
    throw new ValidationError('E_NUMBER', `${source}: row ${r} has weight ${describeValue(w)}; weights must be finite numbers.`, { source, row: r, field: 'weight' });
  }
  if (w <= 0) {
    throw new ValidationError(w < 0 ? 'E_NEGATIVE_WEIGHT' : 'E_ZERO_WEIGHT', `${source}: row ${r} has weight ${w}; recommenders need weights > 0 (drop rows without a positive signal before fitting).`, { source, row: r, field: 'weight' });
  }
  return w;
}

/**
 * Checks every record once: ids are non-empty strings or finite numbers,
 * `weight` (default 1) is finite and > 0, `timestamp` (optional) is a
 * timestamp `parseTimestamp` accepts.
 */
export function readInteractions(source: string, interactions: readonly Interaction[] | ArrowLikeTable, allowEmpty = false): InteractionColumns {
  if (isArrowTable(interactions)) return readArrowInteractions(source, interactions, allowEmpty);
  const n = checkRecordList(source, interactions, allowEmpty);
  const userIds: Id[] = new Array<Id>(n);
  const itemIds: Id[] = new Array<Id>(n);
  const weights = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const rec = recordAt(source, interactions, r);
    userIds[r] = checkRecordId(source, rec.userId, 'userId', r);
    itemIds[r] = checkRecordId(source, rec.itemId, 'itemId', r);
    weights[r] = positiveWeight(source, rec.weight === undefined ? 1 : rec.weight, r);
    checkOptionalTimestamp(source, rec.timestamp, r);
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
    weights[r] = positiveWeight(source, w === undefined ? 1 : w[r], r);
    if (ts !== undefined) checkOptionalTimestamp(source, ts[r], r);
  }
  return { userIds, itemIds, weights };
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

/**
 * Dense codes for ids in order of first appearance, checking each distinct
 * id once (when first seen). Ids that are small non-negative integers (as
 * in most exports: 1…n) are looked up in a flat table instead of the Map.
 */
class IdCoder {
  readonly ids: Id[] = [];
  private readonly map = new Map<Id, number>();
  /** Code + 1 of the integer id at each position, 0 for unseen. */
  private table = new Int32Array(1024);
  private inTable = 0;

  /** @param limit - integer ids below this go through the table (its largest size) */
  constructor(private readonly limit: number) {}

  code(source: string, v: unknown, field: string, r: number): number {
    if (typeof v === 'number' && v >= 0 && v < this.limit && (v | 0) === v) {
      if (v >= this.table.length) this.grow(v);
      const c = this.table[v]!;
      if (c !== 0) return c - 1;
      const k = this.ids.length;
      this.ids.push(v);
      this.table[v] = k + 1;
      this.inTable++;
      return k;
    }
    const known = this.map.get(v as Id);
    if (known !== undefined) return known;
    const k = this.ids.length;
    this.ids.push(checkRecordId(source, v, field, r));
    this.map.set(v as Id, k);
    return k;
  }

  private grow(v: number): void {
    const next = new Int32Array(Math.min(this.limit, Math.max(v + 1, 2 * this.table.length)));
    next.set(this.table);
    this.table = next;
  }

  /** Every id → its code (a new Map the caller owns). */
  index(): Map<Id, number> {
    if (this.inTable === 0) return this.map;
    const index = new Map<Id, number>();
    for (let k = 0; k < this.ids.length; k++) index.set(this.ids[k]!, k);
    return index;
  }
}

/** Validates records and builds the user × item matrix with id indexes. */
export function buildInteractionMatrix(source: string, interactions: readonly Interaction[] | ArrowLikeTable): InteractionMatrix {
  const arrow = isArrowTable(interactions);
  // An Arrow table is read and checked column by column first; its ids then only need codes.
  const cols = arrow ? readInteractions(source, interactions) : null;
  const n = cols !== null ? cols.weights.length : checkRecordList(source, interactions, false);
  const limit = Math.min(1 << 26, Math.max(1 << 16, 4 * n));
  const users = new IdCoder(limit);
  const items = new IdCoder(limit);
  const uc = new Int32Array(n);
  const ic = new Int32Array(n);
  if (cols !== null) {
    for (let r = 0; r < n; r++) {
      uc[r] = users.code(source, cols.userIds[r], 'userId', r);
      ic[r] = items.code(source, cols.itemIds[r], 'itemId', r);
    }
    const csr = buildCsr(uc, ic, cols.weights, users.ids.length, items.ids.length);
    return { userIds: users.ids, userIndex: users.index(), itemIds: items.ids, itemIndex: items.index(), ...csr };
  }
  // Records: one pass that checks each record and codes its ids (the same
  // checks, in the same order, as readInteractions, so the same first error).
  const records = interactions as readonly Interaction[];
  const weights = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const rec = recordAt(source, records, r);
    uc[r] = users.code(source, rec.userId, 'userId', r);
    ic[r] = items.code(source, rec.itemId, 'itemId', r);
    const w = rec.weight;
    weights[r] = w === undefined ? 1 : positiveWeight(source, w, r);
    const ts = rec.timestamp;
    if (ts !== undefined) checkOptionalTimestamp(source, ts, r);
  }
  const csr = buildCsr(uc, ic, weights, users.ids.length, items.ids.length);
  return { userIds: users.ids, userIndex: users.index(), itemIds: items.ids, itemIndex: items.index(), ...csr };
}
