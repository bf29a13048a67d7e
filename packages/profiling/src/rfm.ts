import { Table, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { TimestampInput } from '@marksman/core';
import { asOfError, encodeIds, MS_PER_DAY, timeOption, transactionColumns } from './features-input';
import type { TransactionInput } from './features-input';

/** Options of {@link rfm}. */
export interface RfmOptions {
  /**
   * The instant the features describe. Only lines strictly before it are
   * used (no leakage); recency and tenure are measured up to it. Required.
   */
  readonly asOf: TimestampInput;
}

const DEFAULTS: Readonly<{ asOf: TimestampInput | undefined }> = Object.freeze({ asOf: undefined });

/**
 * Recency, frequency, monetary value and tenure per customer, as of an
 * instant. One row per customer with at least one line before `asOf`, in
 * order of first appearance among those lines. Columns:
 *
 * - `customerId` — the customer's id as given;
 * - `recency` — days (of 24 h, fractional) from the last line to `asOf`;
 * - `frequency` — number of distinct orders (`orderId`);
 * - `monetary` — sum of line amounts (net: returns left in the input reduce
 *   it; clean them with {@link cleanTransactions} first);
 * - `meanOrderValue` — `monetary / frequency`;
 * - `tenure` — days from the first line to `asOf`.
 *
 * Accepts records (checked with `validateTransactions`) or, for speed,
 * columns `{ customerId, orderId, timestamp (epoch ms), amount }`; id
 * columns given as integer typed arrays (e.g. `Int32Array`), as
 * `Float64Array`s of whole numbers, or dictionary-encoded (what `parseCsv`
 * and `cleanTransactions` return), with a compact range, are grouped
 * through lookup tables instead of hashing.
 * Costs O(n) with hashing of ids.
 *
 * @param transactions - records or {@link TransactionColumns}
 * @param options - `asOf` (required)
 * @returns a `Table` keyed by `customerId`
 * @throws `ValidationError` `E_EMPTY` for no rows, `E_AS_OF` when no
 *   line is before `asOf`, `E_INPUT` / `E_COLUMN_LENGTH` for malformed
 *   columns, and the first bad row's code (`E_MISSING`, `E_TIMESTAMP`,
 *   `E_ID_TYPE`, `E_NUMBER`…), `E_OVERFLOW` when a customer's amounts add
 *   up past the largest number; `OptionsError` `E_OPTION_RANGE` for a
 *   missing or invalid `asOf`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { rfm } from '@marksman/profiling';
 * const t = rfm([
 *   { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
 *   { customerId: 'a', orderId: 2, timestamp: '2024-01-21', quantity: 2, amount: 30 },
 *   { customerId: 'b', orderId: 3, timestamp: '2024-01-11', quantity: 1, amount: 5 },
 *   { customerId: 'b', orderId: 4, timestamp: '2024-02-05', quantity: 1, amount: 99 }, // after asOf: ignored
 * ], { asOf: '2024-01-31' });
 * t.row(0); // => { customerId: 'a', recency: 10, frequency: 2, monetary: 40, meanOrderValue: 20, tenure: 30 }
 * t.row(1); // => { customerId: 'b', recency: 20, frequency: 1, monetary: 5, meanOrderValue: 5, tenure: 20 }
 * ```
 */
export function rfm(transactions: TransactionInput, options: RfmOptions): Table {
  const source = 'rfm';
  const o = resolveOptions(source, DEFAULTS, options);
  const asOf = timeOption(source, 'asOf', o.asOf);
  // Whole-number Float64 ids are read in place by the fused pass (no Int32 copy of the column).
  const tx = transactionColumns(source, transactions, true);
  const r = rfmColumns(source, tx, asOf);
  return Table.fromColumns({
    customerId: r.customerIds,
    recency: r.recency,
    frequency: r.frequency,
    monetary: r.monetary,
    meanOrderValue: r.meanOrderValue,
    tenure: r.tenure,
  });
}

/** Internal result of the RFM pass. */
export interface RfmColumns {
  readonly customerIds: (string | number)[];
  readonly recency: Float64Array;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
  readonly meanOrderValue: Float64Array;
  readonly tenure: Float64Array;
}

/** The RFM pass over checked columns (internal; shared with buildProfiles). */
export function rfmColumns(source: string, tx: ReturnType<typeof transactionColumns>, asOf: number): RfmColumns {
  const coded = rfmColumnsUnchecked(source, tx, asOf);
  const values = tx.customerValues;
  const r = values === undefined ? coded : { ...coded, customerIds: coded.customerIds.map((c) => values[c as number]!) };
  // Amounts near ±1e308 add up to ±Infinity; refuse rather than return it.
  for (let c = 0; c < r.monetary.length; c++) {
    if (!Number.isFinite(r.monetary[c] as number)) {
      throw new ValidationError('E_OVERFLOW', `${source}: the amounts of customer ${JSON.stringify(r.customerIds[c])} add up to ${r.monetary[c]}; check the amount column (values near 1e308).`, {
        source,
        field: 'amount',
      });
    }
  }
  return r;
}

function rfmColumnsUnchecked(source: string, tx: ReturnType<typeof transactionColumns>, asOf: number): RfmColumns {
  const { n, customerId, orderId, timestamp, amount } = tx;
  let earliest = Infinity;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamp[i] as number;
    if (t < earliest) earliest = t;
    if (t < asOf) kept++;
  }
  if (kept === 0) throw asOfError(source, 'transaction', asOf, earliest);
  const fast = rfmIntegerIds(tx, asOf, kept);
  if (fast !== null) return fast;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) if ((timestamp[i] as number) < asOf) keep[i] = 1;
  const cust = encodeIds(customerId, n, keep);
  const ord = encodeIds(orderId, n, keep);
  const k = cust.ids.length;
  const first = new Float64Array(k).fill(Infinity);
  const last = new Float64Array(k).fill(-Infinity);
  const money = new Float64Array(k);
  const freq = new Float64Array(k);
  // Per order: the customer that first used it (-1 unset); an order shared by
  // several customers (bad data, but possible) falls back to a pair set.
  const orderOwner = new Int32Array(ord.ids.length).fill(-1);
  let shared: Set<number> | null = null;
  const cc = cust.codes;
  const oc = ord.codes;
  for (let i = 0; i < n; i++) {
    const c = cc[i] as number;
    if (c < 0) continue;
    const t = timestamp[i] as number;
    if (t < (first[c] as number)) first[c] = t;
    if (t > (last[c] as number)) last[c] = t;
    money[c] = (money[c] as number) + (amount[i] as number);
    const o = oc[i] as number;
    const owner = orderOwner[o] as number;
    if (owner === -1) {
      orderOwner[o] = c;
      freq[c] = (freq[c] as number) + 1;
    } else if (owner !== c) {
      shared ??= new Set<number>();
      const key = o * k + c;
      if (!shared.has(key)) {
        shared.add(key);
        freq[c] = (freq[c] as number) + 1;
      }
    }
  }
  const recency = new Float64Array(k);
  const tenure = new Float64Array(k);
  const meanOrderValue = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    recency[c] = (asOf - (last[c] as number)) / MS_PER_DAY;
    tenure[c] = (asOf - (first[c] as number)) / MS_PER_DAY;
    meanOrderValue[c] = (money[c] as number) / (freq[c] as number);
  }
  return { customerIds: cust.ids, recency, frequency: freq, monetary: money, meanOrderValue, tenure };
}

type IntegerColumn = Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Float64Array;

/** Integer typed arrays, and Float64Arrays (whose values `range` checks). */
function isIntegerColumn(c: unknown): c is IntegerColumn {
  return c instanceof Int32Array || c instanceof Uint32Array || c instanceof Int16Array || c instanceof Uint16Array || c instanceof Int8Array || c instanceof Uint8Array || c instanceof Float64Array;
}

/** Smallest and largest value; null when a Float64 value is not a whole number in the int32 range (or is -0). */
function range(c: IntegerColumn, n: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const float = c instanceof Float64Array;
  for (let i = 0; i < n; i++) {
    const v = c[i] as number;
    if (float && ((v | 0) !== v || Object.is(v, -0))) return null;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * One fused pass when both id columns are integer typed arrays (or Float64Arrays of whole
 * numbers) with a compact range: lookup tables instead of hashing, no per-row code arrays.
 * Same results and customer order as the general path; null when it does
 * not apply.
 */
function rfmIntegerIds(tx: ReturnType<typeof transactionColumns>, asOf: number, kept: number): RfmColumns | null {
  const { n, customerId, orderId, timestamp, amount } = tx;
  if (!isIntegerColumn(customerId) || !isIntegerColumn(orderId)) return null;
  const cRange = range(customerId, n);
  const oRange = range(orderId, n);
  if (cRange === null || oRange === null) return null;
  const [cLo, cHi] = cRange;
  const [oLo, oHi] = oRange;
  const limit = Math.max(4 * n, 1 << 16);
  if (cHi - cLo > limit || oHi - oLo > limit) return null;
  const cTable = new Int32Array(cHi - cLo + 1).fill(-1);
  const owner = new Int32Array(oHi - oLo + 1).fill(-1);
  const cap = Math.min(kept, cHi - cLo + 1);
  const ids: number[] = [];
  const first = new Float64Array(cap);
  const last = new Float64Array(cap);
  const money = new Float64Array(cap);
  const freq = new Float64Array(cap);
  let shared: Set<number> | null = null;
  for (let i = 0; i < n; i++) {
    const t = timestamp[i] as number;
    if (!(t < asOf)) continue;
    const cv = (customerId[i] as number) - cLo;
    let c = cTable[cv] as number;
    if (c < 0) {
      c = ids.length;
      cTable[cv] = c;
      ids.push(cv + cLo);
      first[c] = t;
      last[c] = t;
    } else {
      if (t < (first[c] as number)) first[c] = t;
      if (t > (last[c] as number)) last[c] = t;
    }
    money[c] = (money[c] as number) + (amount[i] as number);
    const ov = (orderId[i] as number) - oLo;
    const ow = owner[ov] as number;
    if (ow === -1) {
      owner[ov] = c;
      freq[c] = (freq[c] as number) + 1;
    } else if (ow !== c) {
      shared ??= new Set<number>();
      const key = ov * cap + c;
      if (!shared.has(key)) {
        shared.add(key);
        freq[c] = (freq[c] as number) + 1;
      }
    }
  }
  const k = ids.length;
  const recency = new Float64Array(k);
  const tenure = new Float64Array(k);
  const meanOrderValue = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    recency[c] = (asOf - (last[c] as number)) / MS_PER_DAY;
    tenure[c] = (asOf - (first[c] as number)) / MS_PER_DAY;
    meanOrderValue[c] = (money[c] as number) / (freq[c] as number);
  }
  return { customerIds: ids, recency, frequency: freq.slice(0, k), monetary: money.slice(0, k), meanOrderValue, tenure };
}
