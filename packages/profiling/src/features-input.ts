// Internal: shared input handling for the per-customer feature functions
// (rfm, behaviourFeatures, buildProfiles, calibrationHoldoutSplit). Not public.
import { isDictionaryColumn, OptionsError, ValidationError, tryParseTimestamp, validateEvents, validateTransactions } from '@marksman/core';
import type { ArrowLikeTable, DictionaryColumn, Id, Transaction, Event, TimestampInput } from '@marksman/core';
import { arrowColumnNames, arrowColumns, arrowRecords, isArrowTable } from '@marksman/core/internal';

/** Milliseconds in one day of 24 hours. */
export const MS_PER_DAY = 86_400_000;

/**
 * Transactions given as columns (all the same length), for speed: no object
 * per row. `timestamp` is epoch milliseconds (UTC); `amount` the line total.
 * Id columns may be dictionary-encoded ({@link DictionaryColumn}, what
 * `parseCsv` and `cleanTransactions` return for text): rows are grouped by
 * the integer codes and results speak the values.
 */
export interface TransactionColumns {
  /** The buyer of each line. */
  readonly customerId: ArrayLike<Id> | DictionaryColumn;
  /** The order (invoice) of each line. */
  readonly orderId: ArrayLike<Id> | DictionaryColumn;
  /** Epoch milliseconds of each line. */
  readonly timestamp: ArrayLike<number>;
  /** Line total of each line. */
  readonly amount: ArrayLike<number>;
}

/**
 * Transactions as the feature functions accept them: records, columns, or an
 * Apache Arrow table with the columns `customerId`, `orderId`, `timestamp`
 * (Timestamp, Date, epoch ms or ISO-8601 strings) and `amount` (or the
 * record fields `quantity` and `unitPrice` instead of `amount`).
 */
export type TransactionInput = readonly Transaction[] | TransactionColumns | ArrowLikeTable;

/** The normalised columns used inside (never exposed). */
export interface TxColumns {
  readonly n: number;
  /** The customer ids, or codes into `customerValues` when that is set. */
  readonly customerId: ArrayLike<Id>;
  /** The customers' ids by code, when `customerId` holds codes (a dictionary column was given). */
  readonly customerValues?: readonly Id[];
  readonly orderId: ArrayLike<Id>;
  readonly timestamp: ArrayLike<number>;
  readonly amount: ArrayLike<number>;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `Date(${String(v.getTime())})`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** Parses a required time option; throws OptionsError `E_OPTION_RANGE`. */
export function timeOption(source: string, field: string, value: TimestampInput | undefined | null): number {
  const ms = value === undefined || value === null ? undefined : tryParseTimestamp(value);
  if (ms === undefined) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a Date, epoch milliseconds or an ISO-8601 string, got ${describe(value)}.`, { source, field });
  }
  return ms;
}

/** A positive number of days or null; throws OptionsError `E_OPTION_RANGE`. */
export function daysOption(source: string, field: string, value: unknown, allowNull: boolean): number | null {
  if (value === null && allowNull) return null;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a positive, finite number of days${allowNull ? ' or null' : ''}, got ${describe(value)}.`, { source, field });
  }
  return value;
}

function emptyError(source: string, what: string): ValidationError {
  return new ValidationError('E_EMPTY', `${source}: no ${what} were given; pass at least one row.`, { source, field: what });
}

function isId(v: unknown): v is Id {
  return (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Records or columns → checked columns. Records go through
 * `validateTransactions`; the first refused row is thrown with its own code.
 * Throws `E_EMPTY` for no rows and `E_INPUT` for something else. `floatIds`: a
 * Float64Array id column is passed as it is (the pass reads whole numbers itself).
 */
export function transactionColumns(source: string, input: TransactionInput, floatIds = false): TxColumns {
  if (isArrowTable(input)) {
    // A table shaped as columns (amount, no quantity): null-free columns of
    // the right types are Arrow's own arrays, no copy; a null is checked as
    // the same null in plain columns would be. A table shaped as records
    // (quantity and unitPrice) takes the records path, with its errors.
    const cols = arrowColumnNames(input).includes('quantity')
      ? null
      : arrowColumns(source, input, { customerId: 'id', orderId: 'id', timestamp: 'time', amount: 'number' }, [], 'values');
    if (cols === null) return transactionColumns(source, arrowRecords(source, input) as unknown as readonly Transaction[], floatIds);
    const ts = cols.timestamp as ArrayLike<unknown>;
    const timestamp = ArrayBuffer.isView(ts) ? (ts as ArrayLike<number>) : Array.from(ts, (t) => (typeof t === 'number' ? t : typeof t === 'string' ? (tryParseTimestamp(t) ?? t) : t));
    return transactionColumns(source, { ...cols, timestamp } as unknown as TransactionColumns, floatIds);
  }
  if (Array.isArray(input)) {
    if (input.length === 0) throw emptyError(source, 'transactions');
    const report = validateTransactions(input as readonly Transaction[]);
    const bad = report.rejected[0];
    if (bad !== undefined) {
      throw new ValidationError(bad.code, `${source}: ${bad.message} (${report.rejected.length} bad row(s); clean them with cleanTransactions or validateTransactions first).`, {
        source,
        field: bad.field,
        row: bad.index,
      });
    }
    const n = report.rows.length;
    const customerId = new Array<Id>(n);
    const orderId = new Array<Id>(n);
    const timestamp = new Float64Array(n);
    const amount = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = report.rows[i]!;
      customerId[i] = r.customerId;
      orderId[i] = r.orderId;
      timestamp[i] = r.timestamp;
      amount[i] = r.amount;
    }
    return { n, customerId, orderId, timestamp, amount };
  }
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('E_INPUT', `${source}: expected an array of transactions or an object of columns, got ${describe(input)}.`, { source, field: 'transactions' });
  }
  const cols = input as TransactionColumns;
  const names = ['customerId', 'orderId', 'timestamp', 'amount'] as const;
  let n = -1;
  for (const name of names) {
    const given = cols[name] as ArrayLike<unknown> | DictionaryColumn | undefined;
    const c = isDictionaryColumn(given) ? given.codes : given;
    if (c === undefined || c === null || typeof c.length !== 'number') {
      throw new ValidationError('E_INPUT', `${source}: transaction columns need ${names.join(', ')}; "${name}" is missing or not an array.`, { source, field: name });
    }
    if (n >= 0 && c.length !== n) {
      throw new ValidationError('E_COLUMN_LENGTH', `${source}: column "${name}" has ${c.length} values, other columns have ${n}.`, { source, field: name });
    }
    n = c.length;
  }
  if (n === 0) throw emptyError(source, 'transactions');
  const { timestamp, amount } = cols;
  const customer = idColumn(source, 'customerId', cols.customerId, n, floatIds);
  const order = idColumn(source, 'orderId', cols.orderId, n, floatIds);
  const customerId = customer.column;
  const orderId = order.column;
  // Integer typed arrays hold valid ids by construction; check the others.
  for (const [name, c] of [['customerId', customerId], ['orderId', orderId]] as const) {
    if (isIntegerTyped(c)) continue;
    for (let i = 0; i < n; i++) if (!isId(c[i])) throw rowError(source, 'E_ID_TYPE', name, i, c[i], 'a non-empty string or a finite number');
  }
  for (let i = 0; i < n; i++) {
    const t = timestamp[i];
    if (typeof t !== 'number' || !Number.isFinite(t)) throw rowError(source, 'E_TIMESTAMP', 'timestamp', i, t, 'finite epoch milliseconds');
    const a = amount[i];
    if (typeof a !== 'number' || !Number.isFinite(a)) throw rowError(source, 'E_NUMBER', 'amount', i, a, 'a finite number');
  }
  return customer.values === undefined ? { n, customerId, orderId, timestamp, amount } : { n, customerId, customerValues: customer.values, orderId, timestamp, amount };
}

/**
 * An id column as the passes want it: a dictionary column becomes its codes (with its values to
 * decode results; an empty value is refused), a Float64Array of whole numbers in the int32 range
 * becomes an Int32Array (grouped by lookup table; with `floatIds` it stays as it is, for a pass that
 * reads whole Float64 ids itself without a copy), anything else stays as it is.
 */
function idColumn(source: string, field: string, c: ArrayLike<Id> | DictionaryColumn, n: number, floatIds: boolean): { column: ArrayLike<Id>; values?: readonly Id[] } {
  if (isDictionaryColumn(c)) {
    for (let i = 0; i < n; i++) {
      const v = c.values[c.codes[i]!];
      if (typeof v !== 'string' || v === '') throw rowError(source, 'E_ID_TYPE', field, i, v, 'a non-empty string');
    }
    return { column: c.codes, values: c.values };
  }
  if (c instanceof Float64Array && !floatIds) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = c[i]!;
      if ((v | 0) !== v || Object.is(v, -0)) return { column: c };
      out[i] = v;
    }
    return { column: out };
  }
  return { column: c };
}

function isIntegerTyped(c: unknown): boolean {
  return c instanceof Int32Array || c instanceof Uint32Array || c instanceof Int16Array || c instanceof Uint16Array || c instanceof Int8Array || c instanceof Uint8Array;
}

function rowError(source: string, code: string, field: string, row: number, v: unknown, want: string): ValidationError {
  return new ValidationError(code, `${source}: row ${row}, field "${field}": expected ${want}, got ${describe(v)}.`, { source, field, row });
}

/** Checked events: the caller's records (not copied) and their timestamps as epoch ms. */
export interface CheckedEvents {
  readonly rows: readonly Event[];
  readonly timestamp: Float64Array;
}

function plainEventOk(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const e = r as Record<string, unknown>;
  if (!isId(e.customerId)) return false;
  if (typeof e.type !== 'string' || e.type.trim() === '') return false;
  const item = e.itemId;
  if (item !== undefined && item !== null && item !== '' && !isId(item)) return false;
  const v = e.value;
  if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v))) return false;
  const p = e.properties;
  if (p !== undefined && p !== null && (typeof p !== 'object' || Array.isArray(p))) return false;
  return true;
}

/**
 * Checks events by the rules of `validateEvents` without copying them; the
 * first refused row is thrown with validateEvents' own code and message.
 * Throws `E_EMPTY` for none, `E_INPUT` for a non-array.
 */
export function checkEvents(source: string, input: readonly Event[] | ArrowLikeTable): CheckedEvents {
  if (isArrowTable(input)) return checkEvents(source, arrowRecords(source, input) as unknown as readonly Event[]);
  if (!Array.isArray(input)) {
    throw new ValidationError('E_INPUT', `${source}: expected an array of events, got ${describe(input)}.`, { source, field: 'events' });
  }
  if (input.length === 0) throw emptyError(source, 'events');
  const n = input.length;
  const timestamp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = input[i];
    const t = plainEventOk(r) ? tryParseTimestamp((r as Event).timestamp) : undefined;
    if (t === undefined) {
      const bad = validateEvents([r as Event]).rejected[0];
      if (bad === undefined) throw new ValidationError('E_INPUT', `${source}: row ${i} is not a valid event.`, { source, row: i });
      throw new ValidationError(bad.code, `${source}: ${bad.message.replace('row 0', `row ${i}`)} (check the events with validateEvents first).`, {
        source,
        field: bad.field,
        row: i,
      });
    }
    timestamp[i] = t;
  }
  return { rows: input, timestamp };
}

/** Throws `E_AS_OF` when nothing precedes `asOf`. */
export function asOfError(source: string, what: string, asOf: number, earliest: number): ValidationError {
  return new ValidationError(
    'E_AS_OF',
    `${source}: asOf (${new Date(asOf).toISOString()}) is not after the first ${what} (${new Date(earliest).toISOString()}); features use only data strictly before asOf, so there is nothing to describe. Choose a later asOf.`,
    { source, field: 'asOf' },
  );
}

/**
 * Dense customer numbering in first-seen order over the rows kept by
 * `keep` (internal; faster than IdIndex for this one-pass use).
 */
export class CustomerCodes {
  readonly ids: Id[] = [];
  readonly #map = new Map<Id, number>();
  code(id: Id): number {
    let c = this.#map.get(id);
    if (c === undefined) {
      c = this.ids.length;
      this.#map.set(id, c);
      this.ids.push(id);
    }
    return c;
  }
  find(id: Id): number | undefined {
    return this.#map.get(id);
  }
}

/** Dense codes (first-seen order) of the rows with `keep[i] === 1`; -1 elsewhere. */
export interface EncodedIds {
  readonly codes: Int32Array;
  readonly ids: Id[];
}

/**
 * Encodes an id column. Integer typed arrays with a compact range use a
 * lookup table (no hashing); anything else a Map. O(n).
 */
export function encodeIds(col: ArrayLike<Id>, n: number, keep: Uint8Array): EncodedIds {
  const codes = new Int32Array(n).fill(-1);
  const ids: Id[] = [];
  if (col instanceof Int32Array || col instanceof Uint32Array || col instanceof Int16Array || col instanceof Uint16Array || col instanceof Int8Array || col instanceof Uint8Array) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (keep[i] !== 1) continue;
      const v = col[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo <= Math.max(4 * n, 1 << 16)) {
      const table = new Int32Array(Math.max(0, hi - lo + 1)).fill(-1);
      for (let i = 0; i < n; i++) {
        if (keep[i] !== 1) continue;
        const v = (col[i] as number) - lo;
        let c = table[v] as number;
        if (c < 0) {
          c = ids.length;
          table[v] = c;
          ids.push(v + lo);
        }
        codes[i] = c;
      }
      return { codes, ids };
    }
  }
  const map = new Map<Id, number>();
  for (let i = 0; i < n; i++) {
    if (keep[i] !== 1) continue;
    const v = col[i] as Id;
    let c = map.get(v);
    if (c === undefined) {
      c = ids.length;
      map.set(v, c);
      ids.push(v);
    }
    codes[i] = c;
  }
  return { codes, ids };
}
