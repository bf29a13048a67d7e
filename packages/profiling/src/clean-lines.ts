// Internal: the lines that cleanTransactions works on, as columns, whichever form the caller used.
// Records go through validateTransactions (as they always have); columns are checked here by the
// same rules, without building an object per line. Ids become dense integer codes, so every later
// step (duplicates, netting, outliers) compares integers and numbers only.
import { isDictionaryColumn, validateTransactions, ValidationError } from '@marksman/core';
import type { CleanTransaction, DictionaryColumn, Id, RejectedRow, Transaction } from '@marksman/core';

/** A column of ids: any array-like of ids (missing: null, undefined, '' or NaN), or a dictionary column ('' missing). */
export type IdColumn = ArrayLike<Id | null | undefined> | DictionaryColumn;

/**
 * The lines, normalised (internal). Values of rows with `valid[i] === 0` are never read. The
 * number columns may be the caller's own arrays: never written.
 */
export interface Lines {
  readonly n: number;
  /**
   * 4n bytes of this call's own: `valid` and `missing` are its first two n-byte parts, the third
   * and fourth are free for cleaning's per-line flags (reasons, repaired lines); when they are read
   * no more, the whole buffer can hold an Int32 output column (at most n values) instead of a new array.
   */
  readonly scratch: ArrayBuffer;
  /** 1 where the row passed validation. */
  readonly valid: Uint8Array;
  /** 1 where the customer id is missing (such rows carry the anonymous customer's code). */
  readonly missing: Uint8Array;
  readonly customer: Int32Array;
  readonly order: Int32Array;
  /** Per order code: 1 when the order id is a string starting with the cancellation prefix. */
  readonly prefixed: Uint8Array;
  /** Item code, -1 when the line has none; null when no line has one. */
  readonly item: Int32Array | null;
  /** Channel code, -1 when the line has none; null when no line has one. */
  readonly channel: Int32Array | null;
  readonly timestamp: Float64Array;
  readonly quantity: Float64Array;
  /** Whether cleaning may write `quantity` (its own array, or one the caller handed over). */
  readonly quantityWritable: boolean;
  /** NaN where the line gives no unit price. */
  readonly unitPrice: Float64Array;
  readonly amount: Float64Array;
  readonly itemCount: number;
  readonly customerCount: number;
  /** Rows refused by validation, in row order. */
  readonly invalid: RejectedRow[];
}

const SOURCE = 'cleanTransactions';

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : `a value of type ${typeof v}`;
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** Dense codes for ids, in order of first appearance. */
class Coder {
  readonly ids: Id[] = [];
  private readonly map = new Map<Id, number>();
  code(id: Id): number {
    let c = this.map.get(id);
    if (c === undefined) {
      c = this.ids.length;
      this.map.set(id, c);
      this.ids.push(id);
    }
    return c;
  }
}

function prefixFlags(ids: readonly Id[], prefix: string | null): Uint8Array {
  return Uint8Array.from(ids, (id) => (prefix !== null && typeof id === 'string' && id.startsWith(prefix) ? 1 : 0));
}

/** Records → lines, through validateTransactions (missing customers stood in so other faults show). */
export function linesFromRecords(rows: readonly unknown[], anonymous: Id, prefix: string | null): { lines: Lines; clean: (CleanTransaction | undefined)[] } {
  const n = rows.length;
  const scratch = new ArrayBuffer(4 * n);
  const missing = new Uint8Array(scratch, n, n);
  const probe: Transaction[] = new Array<Transaction>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (typeof r === 'object' && r !== null && isMissing((r as { customerId?: unknown }).customerId)) {
      missing[i] = 1;
      probe[i] = { ...r, customerId: anonymous } as Transaction;
    } else probe[i] = r as Transaction;
  }
  const v = validateTransactions(probe);
  const valid = new Uint8Array(scratch, 0, n);
  const customer = new Int32Array(n);
  const order = new Int32Array(n);
  const item = new Int32Array(n).fill(-1);
  const channel = new Int32Array(n).fill(-1);
  const timestamp = new Float64Array(n);
  const quantity = new Float64Array(n);
  const unitPrice = new Float64Array(n).fill(NaN);
  const amount = new Float64Array(n);
  const clean = new Array<CleanTransaction | undefined>(n);
  const cc = new Coder();
  const oc = new Coder();
  const ic = new Coder();
  const hc = new Coder();
  for (let j = 0; j < v.rows.length; j++) {
    const i = v.keptIndexes[j]!;
    const r = v.rows[j]!;
    clean[i] = r;
    valid[i] = 1;
    customer[i] = cc.code(r.customerId);
    order[i] = oc.code(r.orderId);
    if (r.itemId !== undefined) item[i] = ic.code(r.itemId);
    if (r.channel !== undefined) channel[i] = hc.code(r.channel);
    timestamp[i] = r.timestamp;
    quantity[i] = r.quantity;
    if (r.unitPrice !== undefined) unitPrice[i] = r.unitPrice;
    amount[i] = r.amount;
  }
  for (let i = 0; i < n; i++) if (valid[i] === 0) missing[i] = 0;
  const lines: Lines = {
    n,
    scratch,
    valid,
    missing,
    customer,
    order,
    prefixed: prefixFlags(oc.ids, prefix),
    item,
    channel,
    timestamp,
    quantity,
    quantityWritable: true,
    unitPrice,
    amount,
    itemCount: ic.ids.length,
    customerCount: cc.ids.length,
    invalid: [...v.rejected],
  };
  return { lines, clean };
}

/** Columns as the caller may give them to cleanTransactions. */
export interface ColumnsIn {
  readonly customerId: IdColumn;
  readonly orderId: IdColumn;
  readonly timestamp: ArrayLike<number>;
  readonly quantity: ArrayLike<number>;
  readonly itemId?: IdColumn | undefined;
  readonly unitPrice?: ArrayLike<number> | undefined;
  readonly amount?: ArrayLike<number> | undefined;
  readonly channel?: ArrayLike<string | null | undefined> | DictionaryColumn | undefined;
}

function lengthOf(col: unknown): number {
  if (isDictionaryColumn(col)) return col.codes.length;
  if (Array.isArray(col) || (ArrayBuffer.isView(col) && !(col instanceof DataView))) return (col as ArrayLike<unknown>).length;
  return -1;
}

/** Checks the column object: every entry an array, typed array or dictionary column of one length. */
export function columnsLength(cols: Readonly<Record<string, unknown>>): number {
  let n = -1;
  let first = '';
  for (const name of ['customerId', 'orderId', 'timestamp', 'quantity']) {
    if (cols[name] === undefined || cols[name] === null) {
      throw new ValidationError('E_INPUT', `${SOURCE}: transaction columns need customerId, orderId, timestamp and quantity (and unitPrice or amount); "${name}" is missing.`, { source: SOURCE, field: name });
    }
  }
  if ((cols.unitPrice === undefined || cols.unitPrice === null) && (cols.amount === undefined || cols.amount === null)) {
    throw new ValidationError('E_NO_AMOUNT', `${SOURCE}: transaction columns need unitPrice or amount (amount defaults to quantity × unitPrice).`, { source: SOURCE, field: 'amount' });
  }
  for (const [name, col] of Object.entries(cols)) {
    if (col === undefined) continue;
    const len = lengthOf(col);
    if (len < 0) {
      throw new ValidationError('E_INPUT', `${SOURCE}: column "${name}" must be an array, a typed array or a dictionary column ({ kind: 'dictionary', codes, values }), got ${describe(col)}.`, { source: SOURCE, field: name });
    }
    if (n >= 0 && len !== n) {
      throw new ValidationError('E_COLUMN_LENGTH', `${SOURCE}: column "${name}" has ${len} values, column "${first}" has ${n}; every column needs one value per line.`, { source: SOURCE, field: name });
    }
    if (n < 0) {
      n = len;
      first = name;
    }
  }
  return n;
}

interface EncodedColumn {
  /** Code per row; -1: missing; -2: not an id. */
  readonly codes: Int32Array;
  readonly ids: Id[];
}

/** Codes of an id column, -1 for missing values, -2 for values that are not ids. */
function encode(col: IdColumn | ArrayLike<string | null | undefined> | DictionaryColumn, n: number, strings = false): EncodedColumn {
  if (isDictionaryColumn(col)) {
    // Without an empty value the codes are already dense ids: read them in place (never written).
    if (!col.values.includes('')) return { codes: col.codes, ids: col.values as Id[] };
    const codes = new Int32Array(n);
    const ids: Id[] = [];
    const remap = new Int32Array(col.values.length);
    col.values.forEach((v, k) => {
      if (v === '') remap[k] = -1;
      else {
        remap[k] = ids.length;
        ids.push(v);
      }
    });
    for (let i = 0; i < n; i++) codes[i] = remap[col.codes[i]!]!;
    return { codes, ids };
  }
  const codes = new Int32Array(n);
  const coder = new Coder();
  const c = col as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const v = c[i];
    if (isMissing(v)) codes[i] = -1;
    else if (typeof v === 'string' || (!strings && typeof v === 'number' && Number.isFinite(v))) codes[i] = coder.code(v as Id);
    else codes[i] = -2;
  }
  return { codes, ids: coder.ids };
}

/** Columns → lines, by the rules of validateTransactions (same codes), one pass per column. */
export function linesFromColumns(cols: ColumnsIn, n: number, anonymous: Id, prefix: string | null, quantityHandedOver: boolean): { lines: Lines; customerIds: Id[] } {
  const invalid: RejectedRow[] = [];
  const scratch = new ArrayBuffer(4 * n);
  const valid = new Uint8Array(scratch, 0, n).fill(1);
  const refuse = (i: number, field: string, code: string, text: string): void => {
    if (valid[i] === 0) return;
    valid[i] = 0;
    invalid.push({ index: i, field, code, message: `${SOURCE}: row ${i}, field "${field}": ${text}` });
  };
  const cust = encode(cols.customerId, n);
  const ord = encode(cols.orderId, n);
  const itm = cols.itemId === undefined ? null : encode(cols.itemId, n);
  const chn = cols.channel === undefined ? null : encode(cols.channel, n, true);
  const missing = new Uint8Array(scratch, n, n);
  // The anonymous customer gets a code of its own (or the code of an equal id already present).
  let anonymousCode = cust.ids.indexOf(anonymous);
  if (anonymousCode < 0) anonymousCode = cust.ids.length;
  const customerIds = anonymousCode === cust.ids.length ? [...cust.ids, anonymous] : cust.ids;
  const customer = isDictionaryColumn(cols.customerId) && cust.codes === cols.customerId.codes ? cust.codes.slice() : cust.codes;
  // The caller's Float64Arrays are read in place (no copy); other arrays are copied as they are checked.
  const ownTime = !(cols.timestamp instanceof Float64Array);
  const ownQuantity = !(cols.quantity instanceof Float64Array);
  const ownPrice = !(cols.unitPrice instanceof Float64Array);
  const timestamp = ownTime ? new Float64Array(n) : (cols.timestamp as Float64Array);
  const quantity = ownQuantity ? new Float64Array(n) : (cols.quantity as Float64Array);
  const unitPrice = ownPrice ? new Float64Array(n).fill(NaN) : (cols.unitPrice as Float64Array);
  const amount = new Float64Array(n);
  const ts = cols.timestamp;
  const qty = cols.quantity;
  const price = cols.unitPrice;
  const amt = cols.amount;
  for (let i = 0; i < n; i++) {
    const c = customer[i]!;
    if (c === -1) {
      missing[i] = 1;
      customer[i] = anonymousCode;
    } else if (c === -2) refuse(i, 'customerId', 'E_ID_TYPE', `customerId must be a string or a finite number, got ${describe((cols.customerId as ArrayLike<unknown>)[i])}.`);
    const o = ord.codes[i]!;
    if (o < 0) refuse(i, 'orderId', o === -1 ? 'E_MISSING' : 'E_ID_TYPE', o === -1 ? 'orderId is missing; every row needs one.' : 'orderId must be a string or a finite number.');
    const t = ts[i];
    if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > 8.64e15) {
      refuse(i, 'timestamp', t === undefined || t === null || (typeof t === 'number' && Number.isNaN(t)) ? 'E_MISSING' : 'E_TIMESTAMP', `timestamp must be epoch milliseconds, got ${describe(t)}.`);
    } else if (ownTime) timestamp[i] = t;
    if (itm !== null && itm.codes[i] === -2) refuse(i, 'itemId', 'E_ID_TYPE', 'itemId must be a string or a finite number.');
    const q = qty[i];
    if (typeof q !== 'number' || !Number.isFinite(q)) refuse(i, 'quantity', typeof q === 'number' && !Number.isNaN(q) ? 'E_NUMBER' : 'E_MISSING', `quantity must be a finite number, got ${describe(q)}.`);
    else if (ownQuantity) quantity[i] = q;
    const p = price === undefined ? NaN : price[i];
    const a = amt === undefined ? NaN : amt[i];
    const hasPrice = p !== undefined && p !== null && !(typeof p === 'number' && Number.isNaN(p));
    const hasAmount = a !== undefined && a !== null && !(typeof a === 'number' && Number.isNaN(a));
    if (hasPrice && (typeof p !== 'number' || !Number.isFinite(p))) refuse(i, 'unitPrice', 'E_NUMBER', `unitPrice must be a finite number, got ${describe(p)}.`);
    else if (hasAmount && (typeof a !== 'number' || !Number.isFinite(a))) refuse(i, 'amount', 'E_NUMBER', `amount must be a finite number, got ${describe(a)}.`);
    else if (!hasPrice && !hasAmount) refuse(i, 'amount', 'E_NO_AMOUNT', 'neither unitPrice nor amount is given; give one of them (amount defaults to quantity × unitPrice).');
    else if (valid[i] === 1) {
      const qv = q as number;
      if (hasPrice && ownPrice) unitPrice[i] = p as number;
      if (hasAmount) {
        if (hasPrice) {
          const expected = qv * (p as number);
          if (Math.abs(a - expected) > 0.01 + 1e-9 * Math.max(Math.abs(a), Math.abs(expected))) {
            refuse(i, 'amount', 'E_AMOUNT_MISMATCH', `amount ${a} differs from quantity × unitPrice = ${expected} by more than 0.01.`);
          }
        }
        amount[i] = a;
      } else {
        const x = qv * (p as number);
        if (!Number.isFinite(x)) refuse(i, 'amount', 'E_NUMBER', `quantity × unitPrice overflows to ${x}.`);
        amount[i] = x;
      }
    }
    if (chn !== null && chn.codes[i] === -2) refuse(i, 'channel', 'E_FIELD_TYPE', 'channel must be a string.');
  }
  for (let i = 0; i < n; i++) if (valid[i] === 0) missing[i] = 0;
  const item = itm === null ? null : itm.codes;
  const channel = chn === null ? null : chn.codes;
  const lines: Lines = {
    n,
    scratch,
    valid,
    missing,
    customer,
    order: ord.codes,
    prefixed: prefixFlags(ord.ids, prefix),
    item,
    channel,
    timestamp,
    quantity,
    quantityWritable: ownQuantity || quantityHandedOver,
    unitPrice,
    amount,
    itemCount: itm === null ? 0 : itm.ids.length,
    customerCount: customerIds.length,
    invalid,
  };
  return { lines, customerIds };
}
