// Internal: selected rows of an Apache Arrow table as an Arrow table of the
// same schema, for the functions that hand back the caller's own rows (the
// recommender splits, kAnonymize). Duck-typed like arrow-input.ts: the new
// table is built with the constructors of the table it was given (its Table,
// RecordBatch and Data classes), so core never imports `apache-arrow` and the
// result belongs to the caller's copy of the library.
//
// One contiguous run of rows is `table.slice` (no copy at all). Otherwise
// every batch's rows are gathered into new buffers, column by column: fixed
// width values (numbers, times, decimals, dictionary codes), bits (booleans,
// validity), variable-width bytes (Utf8, Binary and their Large forms) and the
// children of nested columns (Struct, List, Map, FixedSizeList). Dictionaries
// are shared with the input, not copied. Union and view columns are refused.
import { ValidationError } from './errors';
import type { ArrowLikeTable } from './table';
import { describeValue } from './timestamp';

// Arrow type ids (the Arrow specification's Type enum; Dictionary is -1).
const T_NULL = 1;
const T_BINARY = 4;
const T_UTF8 = 5;
const T_BOOL = 6;
const T_LIST = 12;
const T_STRUCT = 13;
const T_FIXED_SIZE_LIST = 16;
const T_MAP = 17;
const T_LARGE_BINARY = 19;
const T_LARGE_UTF8 = 20;
const T_LARGE_LIST = 21;
const FIXED_WIDTH: ReadonlySet<number> = new Set([-1, 2, 3, 7, 8, 9, 10, 11, 15, 18]);

type Offsets = Int32Array | BigInt64Array;

/** The parts of apache-arrow's `Data` this module reads and builds with. */
interface DataLike {
  readonly type: { readonly typeId: number; readonly listSize?: number; toString(): string };
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly stride: number;
  readonly values?: ArrayLike<unknown> & { subarray?: unknown; constructor: unknown };
  readonly valueOffsets?: Offsets;
  readonly nullBitmap?: Uint8Array;
  readonly children: readonly DataLike[];
  clone(type: unknown, offset: number, length: number, nullCount: number, buffers: readonly unknown[], children: readonly DataLike[]): DataLike;
}

interface BatchLike {
  readonly data: DataLike;
  readonly numRows: number;
  readonly constructor: new (schema: unknown, data: DataLike) => BatchLike;
}

interface TableLike {
  readonly schema: unknown;
  readonly batches: readonly BatchLike[];
  readonly numRows: number;
  slice(begin: number, end: number): unknown;
  readonly constructor: new (schema: unknown, batches: readonly BatchLike[]) => unknown;
}

function isDataLike(d: unknown): d is DataLike {
  if (typeof d !== 'object' || d === null) return false;
  const x = d as Partial<Record<keyof DataLike, unknown>>;
  return typeof (x.type as { typeId?: unknown } | undefined)?.typeId === 'number' && typeof x.clone === 'function' && Array.isArray(x.children) && typeof x.length === 'number';
}

/** Whether `t` is shaped as apache-arrow's `Table` (batches of struct Data, slice, constructors to build with). */
function isApacheTable(t: unknown): t is TableLike {
  if (typeof t !== 'object' || t === null) return false;
  const x = t as Partial<Record<keyof TableLike, unknown>>;
  return (
    Array.isArray(x.batches) &&
    typeof x.slice === 'function' &&
    typeof x.numRows === 'number' &&
    typeof x.constructor === 'function' &&
    x.batches.every((b: unknown) => typeof b === 'object' && b !== null && typeof (b as BatchLike).constructor === 'function' && isDataLike((b as BatchLike).data))
  );
}

function unsupported(source: string, field: string, type: unknown): ValidationError {
  return new ValidationError(
    'E_ARROW_TYPE',
    `${source}: Arrow column "${field}" is ${String(type)}, whose rows cannot be selected here (Union and view columns are not supported); drop or cast the column before passing the table.`,
    { source, field },
  );
}

function validBit(d: DataLike, i: number): boolean {
  const bits = d.nullBitmap;
  if (d.nullCount === 0 || bits === undefined || bits.length === 0) return true;
  const p = d.offset + i;
  return ((bits[p >> 3]! >> (p & 7)) & 1) === 1;
}

/** A new validity bitmap for the rows `idx` of `d` and its null count (`null` when there are no nulls). */
function takeValidity(d: DataLike, idx: Int32Array): [Uint8Array | undefined, number] {
  if (d.nullCount === 0 || d.nullBitmap === undefined || d.nullBitmap.length === 0) return [undefined, 0];
  const n = idx.length;
  const out = new Uint8Array(((n + 63) & ~63) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (validBit(d, idx[i]!)) out[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? [undefined, 0] : [out, nulls];
}

type TypedLike = { readonly length: number; [i: number]: unknown };
type TypedCtor = new (n: number) => TypedLike;

function gatherFixed(values: TypedLike, stride: number, idx: Int32Array): TypedLike {
  const out = new (values.constructor as TypedCtor)(idx.length * stride);
  if (stride === 1) {
    for (let i = 0; i < idx.length; i++) out[i] = values[idx[i]!];
  } else {
    for (let i = 0, o = 0; i < idx.length; i++) {
      const at = idx[i]! * stride;
      for (let s = 0; s < stride; s++) out[o++] = values[at + s];
    }
  }
  return out;
}

function gatherBits(bits: Uint8Array, offset: number, idx: Int32Array): Uint8Array {
  const out = new Uint8Array(((idx.length + 63) & ~63) >> 3);
  for (let i = 0; i < idx.length; i++) {
    const p = offset + idx[i]!;
    if ((bits[p >> 3]! >> (p & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** New offsets for the rows `idx` and, per row, where its span starts in the input (as numbers). */
function takeOffsets(offsets: Offsets, idx: Int32Array): { offsets: Offsets; starts: Float64Array; total: number } {
  const n = idx.length;
  const big = offsets instanceof BigInt64Array;
  const out = big ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  const starts = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = idx[i]!;
    const a = Number(offsets[r]);
    const b = Number(offsets[r + 1]);
    starts[i] = a;
    total += b - a;
    if (big) (out as BigInt64Array)[i + 1] = BigInt(total);
    else (out as Int32Array)[i + 1] = total;
  }
  return { offsets: out, starts, total };
}

function childRows(offsets: Offsets, idx: Int32Array, total: number): Int32Array {
  const rows = new Int32Array(total);
  let o = 0;
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    const end = Number(offsets[r + 1]);
    for (let k = Number(offsets[r]); k < end; k++) rows[o++] = k;
  }
  return rows;
}

/** The rows `idx` (indexes into `d`) of one column's Data, as new Data of the same type. */
function takeData(source: string, field: string, d: DataLike, idx: Int32Array): DataLike {
  const n = idx.length;
  const typeId = d.type.typeId;
  if (typeId === T_NULL) return d.clone(d.type, 0, n, n, [], []);
  const [validity, nulls] = takeValidity(d, idx);
  if (typeId === T_BOOL) {
    const values = gatherBits(d.values as unknown as Uint8Array, d.offset, idx);
    return d.clone(d.type, 0, n, nulls, [undefined, values, validity], []);
  }
  if (FIXED_WIDTH.has(typeId)) {
    const values = gatherFixed(d.values as unknown as TypedLike, d.stride, idx);
    return d.clone(d.type, 0, n, nulls, [undefined, values, validity], []);
  }
  if (typeId === T_UTF8 || typeId === T_BINARY || typeId === T_LARGE_UTF8 || typeId === T_LARGE_BINARY) {
    const { offsets, starts, total } = takeOffsets(d.valueOffsets!, idx);
    const src = d.values as unknown as Uint8Array;
    const bytes = new Uint8Array(total);
    for (let i = 0, o = 0; i < n; i++) {
      const len = Number(offsets[i + 1]) - Number(offsets[i]);
      bytes.set(src.subarray(starts[i]!, starts[i]! + len), o);
      o += len;
    }
    return d.clone(d.type, 0, n, nulls, [offsets, bytes, validity], []);
  }
  if (typeId === T_STRUCT) {
    const names = (d.type as unknown as { children?: readonly { name?: unknown }[] }).children ?? [];
    const children = d.children.map((c, k) => takeData(source, `${field}.${String(names[k]?.name ?? k)}`, c, idx));
    return d.clone(d.type, 0, n, nulls, [undefined, undefined, validity], children);
  }
  if (typeId === T_LIST || typeId === T_MAP || typeId === T_LARGE_LIST) {
    const { offsets, total } = takeOffsets(d.valueOffsets!, idx);
    const child = takeData(source, field, d.children[0]!, childRows(d.valueOffsets!, idx, total));
    return d.clone(d.type, 0, n, nulls, [offsets, undefined, validity], [child]);
  }
  if (typeId === T_FIXED_SIZE_LIST) {
    const size = d.type.listSize ?? d.stride;
    const rows = new Int32Array(n * size);
    for (let i = 0; i < n; i++) for (let s = 0; s < size; s++) rows[i * size + s] = idx[i]! * size + s;
    const child = takeData(source, field, d.children[0]!, rows);
    return d.clone(d.type, 0, n, nulls, [undefined, undefined, validity], [child]);
  }
  throw unsupported(source, field, d.type);
}

/**
 * The rows `rows` (ascending row numbers) of an Apache Arrow table, as a
 * new table of the same class and schema: `table.slice` (no copy) when they
 * are one contiguous run, else new buffers gathered batch by batch (a batch
 * with no selected row is left out; dictionaries are shared, not copied).
 * O(selected rows × columns). Throws `E_ARROW_TYPE` for a Union or view
 * column (named), `E_INPUT` for a table that is not apache-arrow's (such as
 * flechette's, which has no batches to build from).
 */
export function arrowSelectRows<A extends ArrowLikeTable>(source: string, table: A, rows: Int32Array): A {
  if (!isApacheTable(table)) {
    throw new ValidationError(
      'E_INPUT',
      `${String(source)}: an Arrow table's rows can be handed back only for an apache-arrow Table (batches of Data); got ${describeValue(table)}. Convert it with apache-arrow's tableFromIPC(…) first.`,
      { source: String(source), field: 'table' },
    );
  }
  const n = rows instanceof Int32Array ? rows.length : -1;
  let ascending = n >= 0;
  for (let i = 0; ascending && i < n; i++) ascending = rows[i]! >= 0 && rows[i]! < table.numRows && (i === 0 || rows[i]! > rows[i - 1]!);
  if (!ascending) {
    throw new ValidationError('E_INPUT', `${String(source)}: rows must be an Int32Array of ascending row numbers below ${table.numRows}, got ${describeValue(rows)}.`, { source: String(source), field: 'rows' });
  }
  if (n === 0) return table.slice(0, 0) as A;
  const first = rows[0]!;
  if (rows[n - 1]! - first === n - 1) return table.slice(first, first + n) as A;
  const names = ((table.schema as { fields?: readonly { name?: unknown }[] }).fields ?? []).map((f) => String(f.name));
  const batches: BatchLike[] = [];
  let start = 0;
  let at = 0;
  for (const batch of table.batches) {
    const end = start + batch.data.length;
    let stop = at;
    while (stop < n && rows[stop]! < end) stop++;
    if (stop > at) {
      const local = new Int32Array(stop - at);
      for (let i = at; i < stop; i++) local[i - at] = rows[i]! - start;
      const data = batch.data;
      const children = data.children.map((c, k) => takeData(source, names[k] ?? String(k), c, local));
      const struct = data.clone(data.type, 0, local.length, 0, [], children);
      batches.push(new batch.constructor(table.schema, struct));
    }
    at = stop;
    start = end;
  }
  return new table.constructor(table.schema, batches) as A;
}
