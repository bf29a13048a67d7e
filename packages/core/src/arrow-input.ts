// Internal: the one place where Apache Arrow tables (and Arrow-shaped tables
// such as flechette's, which arquero 8 returns from `toArrow()`) become the
// plain columns or records the packages already accept. Duck-typed, so core
// never imports `apache-arrow`.
//
// The rule every caller follows: a null-free column whose Arrow type maps to
// a typed array is handed on as that typed array (Arrow's `toArray()` on a
// single chunk is a view of the Arrow buffer: no copy); a column of the wrong
// type is refused with `E_ARROW_TYPE` naming it; anything else that records
// may legitimately hold (nulls, ISO-8601 strings for times, a missing
// optional column) goes through the records path, so the error a user sees
// for a null is exactly the one a record with `null` there would give.
import { ValidationError } from './errors';
import type { DictionaryColumn } from './dictionary-column';
import type { ArrowLikeTable, ArrowLikeVector } from './table';
import { describeValue } from './timestamp';

/** What a caller needs a column to be: numbers, ids (strings or numbers), times or text (strings only). */
export type ArrowColumnKind = 'number' | 'id' | 'time' | 'text';

/** A column read from an Arrow table: a typed array (often a view of Arrow's buffer) or an array of values. */
export type ArrowColumnValues = ArrayLike<number> | ArrayLike<string | number>;

// Arrow's type ids (the same in apache-arrow and flechette; they follow the
// Arrow specification's Type enum, Dictionary being -1).
const T_DICTIONARY = -1;
const T_INT = 2;
const T_FLOAT = 3;
const T_UTF8 = 5;
const T_BOOL = 6;
const T_DATE = 8;
const T_TIMESTAMP = 10;
const T_LARGE_UTF8 = 20;

type Category = 'numeric' | 'string' | 'temporal' | 'bool' | 'other' | 'unknown';

interface FieldLike {
  readonly name?: unknown;
  readonly type?: { readonly typeId?: unknown; readonly unit?: unknown; readonly dictionary?: { readonly typeId?: unknown } } | undefined;
}

/**
 * Whether `x` looks like an Arrow table: `schema.fields` is an array and
 * `getChild` a function (apache-arrow's `Table`, flechette's `Table`).
 * Arrays and arquero tables (whose `numRows` is a method) are not.
 */
export function isArrowTable(x: unknown): x is ArrowLikeTable {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const t = x as { schema?: { fields?: unknown }; getChild?: unknown; numRows?: unknown };
  return typeof t.getChild === 'function' && Array.isArray(t.schema?.fields) && typeof t.numRows !== 'function';
}

/**
 * Whether `x` looks like an Arrow vector (a column): not an array or typed
 * array, with a numeric `length` and `toArray()` / `get(i)` methods.
 */
export function isArrowVector(x: unknown): x is ArrowLikeVector {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const v = x as { length?: unknown; toArray?: unknown; get?: unknown };
  return typeof v.length === 'number' && typeof v.toArray === 'function' && typeof v.get === 'function';
}

function typeName(field: FieldLike | undefined, values: unknown): string {
  const t = field?.type;
  if (t !== undefined && t !== null) {
    const s = String(t as unknown);
    if (s !== '[object Object]') return s;
  }
  return describeValue(values);
}

function categoryOfType(field: FieldLike | undefined): Category {
  const t = field?.type;
  const id = t?.typeId;
  if (typeof id !== 'number') return 'unknown';
  const of = (k: number): Category => {
    if (k === T_INT || k === T_FLOAT) return 'numeric';
    if (k === T_UTF8 || k === T_LARGE_UTF8) return 'string';
    if (k === T_DATE || k === T_TIMESTAMP) return 'temporal';
    if (k === T_BOOL) return 'bool';
    return 'other';
  };
  if (id === T_DICTIONARY) {
    const inner = t?.dictionary?.typeId;
    return typeof inner === 'number' ? of(inner) : 'unknown';
  }
  return of(id);
}

function categoryOfValues(values: ArrayLike<unknown>): Category {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return 'numeric';
  if (ArrayBuffer.isView(values)) return 'numeric';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'bigint') return 'numeric';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'boolean') return 'bool';
    if (v instanceof Date) return 'temporal';
    return 'other';
  }
  return 'unknown';
}

/**
 * A Timestamp column's values as epoch milliseconds, computed exactly from
 * Arrow's 64-bit integers in the column's unit (Arrow's own `get(i)` divides
 * micro- and nanoseconds in floating point and can be off by 2^-12 ms).
 * `null` when the column is not a Timestamp of a known unit held as
 * `BigInt64Array` (callers then read `get(i)`). Values at nulls are
 * meaningless; callers check nulls themselves.
 */
function exactTimestamps(field: FieldLike | undefined, vec: ArrowLikeVector): Float64Array | null {
  const t = field?.type;
  if (t?.typeId !== T_TIMESTAMP || typeof t.unit !== 'number' || typeof vec.toArray !== 'function') return null;
  const unit = t.unit; // 0 s, 1 ms, 2 µs, 3 ns (the Arrow specification's TimeUnit)
  const raw = vec.toArray();
  if (!(raw instanceof BigInt64Array) || raw.length !== vec.length || unit < 0 || unit > 3) return null;
  const n = raw.length;
  const out = new Float64Array(n);
  if (unit <= 1) {
    const scale = unit === 0 ? 1000 : 1;
    for (let i = 0; i < n; i++) out[i] = Number(raw[i]!) * scale;
    return out;
  }
  const per = unit === 2 ? 1000n : 1_000_000n;
  const perNumber = Number(per);
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    out[i] = Number(v / per) + Number(v % per) / perNumber;
  }
  return out;
}

/** Epoch milliseconds of a null-free Timestamp or Date column. */
function temporalMs(field: FieldLike | undefined, vec: ArrowLikeVector, fail: () => ValidationError): Float64Array {
  const exact = exactTimestamps(field, vec);
  if (exact !== null) return exact;
  const n = vec.length;
  const ms = new Float64Array(n);
  const get = vec.get;
  if (typeof get !== 'function') throw fail();
  for (let i = 0; i < n; i++) {
    const x = get.call(vec, i);
    ms[i] = x instanceof Date ? x.getTime() : Number(x);
  }
  return ms;
}

const WANT: Readonly<Record<ArrowColumnKind, readonly Category[]>> = Object.freeze({
  number: ['numeric'],
  id: ['numeric', 'string'],
  time: ['numeric', 'temporal', 'string'],
  text: ['string'],
});

const WANT_TEXT: Readonly<Record<ArrowColumnKind, string>> = Object.freeze({
  number: 'a numeric column (Int*, Uint*, Float*)',
  id: 'a string (Utf8, dictionary-encoded Utf8) or integer column',
  time: 'a Timestamp or Date column, epoch milliseconds as numbers, or ISO-8601 strings',
  text: 'a string column (Utf8, dictionary-encoded Utf8)',
});

function isKind(k: unknown): k is ArrowColumnKind {
  return k === 'number' || k === 'id' || k === 'time' || k === 'text';
}

function wrongType(source: string, name: string, kind: ArrowColumnKind, field: FieldLike | undefined, values: unknown): ValidationError {
  return new ValidationError(
    'E_ARROW_TYPE',
    `${source}: Arrow column "${name}" is ${typeName(field, values)}; expected ${WANT_TEXT[kind]}. Cast the column before passing the table (e.g. with Arrow's vectorFromArray or an SQL CAST).`,
    { source, field: name },
  );
}

function vectorOf(source: string, table: ArrowLikeTable, name: string): ArrowLikeVector {
  const v = table.getChild(name);
  if (v === null || v === undefined || (typeof v !== 'object' && typeof v !== 'function')) {
    throw new ValidationError('E_ARROW_TYPE', `${source}: Arrow table's getChild("${name}") returned ${describeValue(v)}, not a vector.`, { source, field: name });
  }
  return v;
}

function fieldsOf(table: ArrowLikeTable): readonly FieldLike[] {
  return table.schema.fields as readonly FieldLike[];
}

/** Internal callers check first; this guards the plumbing itself against garbage. */
function checkTable(source: unknown, table: unknown): void {
  if (!isArrowTable(table)) {
    const s = String(typeof source === 'string' ? source : 'arrow');
    throw new ValidationError('E_INPUT', `${s}: expected an Arrow table (schema.fields and getChild(name)), got ${describeValue(table)}.`, { source: s, field: 'table' });
  }
}

/** The names of the table's fields, in schema order. */
export function arrowColumnNames(table: ArrowLikeTable): string[] {
  checkTable('arrowColumnNames', table);
  return fieldsOf(table)
    .map((f) => f.name)
    .filter((n): n is string => typeof n === 'string');
}

function readAll(source: string, name: string, v: ArrowLikeVector): ArrayLike<unknown> {
  if (typeof v.toArray === 'function') {
    const all = v.toArray();
    if (Array.isArray(all) || (ArrayBuffer.isView(all) && !(all instanceof DataView))) return all;
    throw new ValidationError('E_ARROW_TYPE', `${source}: Arrow column "${name}".toArray() returned ${describeValue(all)}, not an array.`, { source, field: name });
  }
  return readEach(source, name, v);
}

function readEach(source: string, name: string, v: ArrowLikeVector): unknown[] {
  const n = v.length;
  if (typeof v.get !== 'function') throw new ValidationError('E_ARROW_TYPE', `${source}: Arrow column "${name}" has neither get(i) nor toArray().`, { source, field: name });
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = v.get(i);
  return out;
}

function bigToNumbers(source: string, name: string, kind: ArrowColumnKind, field: FieldLike | undefined, values: BigInt64Array | BigUint64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = Number(values[i]);
    if (!Number.isSafeInteger(x)) {
      throw new ValidationError(
        'E_ARROW_TYPE',
        `${source}: Arrow column "${name}" (${typeName(field, values)}) holds ${String(values[i])} at row ${i}, beyond the integers JavaScript numbers hold exactly (±2^53); expected ${WANT_TEXT[kind]}.`,
        { source, field: name, row: i },
      );
    }
    out[i] = x;
  }
  return out;
}

/**
 * What {@link arrowColumns} does with a column that has nulls, or a time
 * column of strings: `'fallback'` returns `null` (the caller takes the
 * records path); `'values'` returns the column as a plain array with
 * `null` at missing values (and the strings as they are), for callers whose
 * columns path checks every value itself.
 */
export type ArrowNullMode = 'fallback' | 'values';

/**
 * Reads columns of an Arrow table for a columnar fast path. `spec` names
 * each column the caller needs and its kind; names in `optional` may be
 * absent. Returns `null` when the records path must be taken instead (a
 * required column is missing, and with `nulls: 'fallback'` a needed column
 * has nulls or a time column holds strings: the records path then reports
 * it as records would).
 * Throws `E_ARROW_TYPE` for a column of the wrong type. Numeric columns
 * without nulls are returned as Arrow's own typed arrays (not copied);
 * 64-bit integers become `Float64Array` (safe integers only); Timestamp
 * and Date columns become epoch milliseconds.
 */
export function arrowColumns<K extends string>(
  source: string,
  table: ArrowLikeTable,
  spec: Readonly<Record<K, ArrowColumnKind>>,
  optional: readonly NoInfer<K>[] = [],
  nulls: ArrowNullMode = 'fallback',
): Partial<Record<K, ArrowColumnValues | ArrayLike<unknown>>> | null {
  checkTable(source, table);
  const specOk = typeof spec === 'object' && spec !== null && Object.values(spec).every(isKind);
  if (!specOk || !Array.isArray(optional) || (nulls !== 'fallback' && nulls !== 'values')) {
    throw new ValidationError('E_INPUT', `${String(source)}: arrowColumns needs a spec of column kinds ('number', 'id', 'time', 'text'), an array of optional names and a null mode.`, { source: String(source), field: 'spec' });
  }
  const fields = new Map<string, FieldLike>();
  for (const f of fieldsOf(table)) if (typeof f.name === 'string') fields.set(f.name, f);
  const out: Partial<Record<K, ArrowColumnValues | ArrayLike<unknown>>> = {};
  let fallBack = false;
  for (const name of Object.keys(spec) as K[]) {
    const kind = spec[name];
    const field = fields.get(name);
    if (field === undefined) {
      if (!optional.includes(name)) fallBack = true;
      continue;
    }
    const vec = vectorOf(source, table, name);
    let cat = categoryOfType(field);
    const hasNulls = (vec.nullCount ?? 0) > 0;
    if (cat === 'unknown') {
      const values = hasNulls ? readEach(source, name, vec) : readAll(source, name, vec);
      cat = categoryOfValues(values);
      if (cat === 'unknown') cat = 'numeric';
    }
    if (!WANT[kind].includes(cat)) throw wrongType(source, name, kind, field, undefined);
    if (hasNulls || (kind === 'time' && cat === 'string')) {
      if (nulls === 'fallback') fallBack = true;
      else out[name] = recordValues(source, name, field, vec);
      continue;
    }
    if (cat === 'temporal') {
      out[name] = temporalMs(field, vec, () => wrongType(source, name, kind, field, undefined));
      continue;
    }
    const values = readAll(source, name, vec);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      out[name] = bigToNumbers(source, name, kind, field, values);
      continue;
    }
    if (cat === 'numeric' && !ArrayBuffer.isView(values)) {
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        if (typeof x !== 'number') {
          if (typeof x === 'bigint') {
            out[name] = bigToNumbers(source, name, kind, field, BigInt64Array.from(values as ArrayLike<bigint>));
            break;
          }
          throw wrongType(source, name, kind, field, values);
        }
      }
      if (out[name] !== undefined) continue;
    }
    out[name] = values as ArrowColumnValues;
  }
  return fallBack ? null : out;
}

/**
 * The values of one column as the records path sees them: nulls as `null`,
 * 64-bit integers as numbers when safe (else the bigint, which validation
 * then refuses), Timestamp/Date as epoch milliseconds.
 */
function recordValues(source: string, name: string, field: FieldLike | undefined, vec: ArrowLikeVector): ArrayLike<unknown> {
  const cat = categoryOfType(field);
  const n = vec.length;
  if ((vec.nullCount ?? 0) === 0 && cat !== 'temporal' && typeof vec.toArray === 'function') {
    const all = readAll(source, name, vec);
    if (!(all instanceof BigInt64Array || all instanceof BigUint64Array)) return all;
  }
  if (cat === 'numeric') {
    // Numbers with nulls: Arrow's values in one pass, nulls from the validity bitmaps (no get(i) per row).
    const fast = numbersWithNulls(vec);
    if (fast !== null) return fast;
  }
  const values = readEach(source, name, vec);
  const exact = cat === 'temporal' ? exactTimestamps(field, vec) : null;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x === undefined || x === null) values[i] = null;
    else if (exact !== null) values[i] = exact[i];
    else if (typeof x === 'bigint') {
      const y = Number(x);
      if (Number.isSafeInteger(y)) values[i] = y;
    } else if (x instanceof Date) values[i] = x.getTime();
  }
  return values;
}

interface ChunkLike {
  readonly length?: unknown;
  readonly offset?: unknown;
  readonly nullCount?: unknown;
  readonly nullBitmap?: unknown;
}

/**
 * A numeric vector with nulls as a plain array (`null` at nulls), from
 * `toArray()` and apache-arrow's per-chunk validity bitmaps (bit i of
 * `nullBitmap`, after the chunk's `offset`, is 1 for a value). `null` when
 * the vector is not shaped so (64-bit values, no bitmaps): the caller reads
 * `get(i)` instead.
 */
function numbersWithNulls(vec: ArrowLikeVector): unknown[] | null {
  const chunks = (vec as { data?: unknown }).data;
  if (!Array.isArray(chunks) || typeof vec.toArray !== 'function') return null;
  const all = vec.toArray();
  if (!ArrayBuffer.isView(all) || all instanceof BigInt64Array || all instanceof BigUint64Array || all instanceof DataView || all.length !== vec.length) return null;
  const values = all as unknown as ArrayLike<number>;
  const out = new Array<unknown>(values.length);
  let i = 0;
  for (const c of chunks as ChunkLike[]) {
    const len = c.length;
    const off = c.offset ?? 0;
    if (typeof len !== 'number' || typeof off !== 'number') return null;
    const bits = c.nullBitmap;
    const hasBits = bits instanceof Uint8Array && bits.length * 8 >= off + len;
    if (!hasBits && typeof c.nullCount === 'number' && c.nullCount > 0) return null;
    for (let j = 0; j < len; j++, i++) {
      const valid = !hasBits || ((bits as Uint8Array)[(off + j) >> 3]! >> ((off + j) & 7)) & 1;
      out[i] = valid ? values[i] : null;
    }
  }
  return i === values.length ? out : null;
}

/**
 * An Arrow table as plain records (new objects, one per row; nulls as
 * `null`), for the functions that take records and for the fallback of the
 * columnar paths. `names` limits the columns read (default: all). O(rows ×
 * columns).
 */
export function arrowRecords(source: string, table: ArrowLikeTable, names: readonly string[] | null = null): Record<string, unknown>[] {
  checkTable(source, table);
  if (names !== null && !Array.isArray(names)) throw new ValidationError('E_INPUT', `${String(source)}: names must be an array of column names or null.`, { source: String(source), field: 'names' });
  const fields = fieldsOf(table).filter((f): f is FieldLike & { name: string } => typeof f.name === 'string' && (names === null || names.includes(f.name)));
  const cols = fields.map((f) => recordValues(source, f.name, f, vectorOf(source, table, f.name)));
  const n = cols.reduce((m, c) => Math.max(m, c.length), 0);
  const out = new Array<Record<string, unknown>>(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (let j = 0; j < fields.length; j++) r[fields[j]!.name] = cols[j]![i];
    out[i] = r;
  }
  return out;
}

/**
 * What an Arrow vector may hold for {@link arrowVectorValues}: `'number'`
 * numbers; `'binary'` numbers or booleans; `'label'` class or group labels:
 * numbers, text (Utf8, dictionary-encoded Utf8) or booleans read as 1 / 0;
 * `'id'` ids: numbers or text.
 */
export type ArrowVectorKind = 'number' | 'binary' | 'label' | 'id';

const VECTOR_WANT_TEXT: Readonly<Record<ArrowVectorKind, string>> = Object.freeze({
  number: WANT_TEXT.number,
  binary: 'a numeric or Bool column of 0/1 outcomes',
  label: 'a column of labels: string (Utf8, dictionary-encoded Utf8), integer, Float or Bool',
  id: 'a column of ids: string (Utf8, dictionary-encoded Utf8) or integer',
});

function vectorCategoryOk(kind: ArrowVectorKind, cat: Category): boolean {
  if (cat === 'numeric' || cat === 'unknown') return true;
  if (cat === 'bool') return kind === 'binary' || kind === 'label';
  return (kind === 'label' || kind === 'id') && cat === 'string';
}

/**
 * Labels or ids as the metrics take them: booleans become 1 / 0 (a copy,
 * nulls kept as `null`); a 64-bit integer beyond ±2^53 is refused with
 * `E_ARROW_TYPE` and its row (as a label or id it would silently merge with
 * its neighbours). Anything else is returned as it is.
 */
function labelValues(source: string, field: string, kind: 'label' | 'id', f: FieldLike, values: ArrayLike<unknown>, cat: Category): ArrayLike<unknown> {
  if (ArrayBuffer.isView(values)) return values;
  let out: unknown[] | null = null;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'bigint') {
      throw new ValidationError(
        'E_ARROW_TYPE',
        `${source}: Arrow vector "${field}" (${typeName(f, values)}) holds ${String(x)} at row ${i}, beyond the integers JavaScript numbers hold exactly (±2^53); expected ${VECTOR_WANT_TEXT[kind]}.`,
        { source, field, row: i },
      );
    }
    if (cat === 'bool' && typeof x === 'boolean') {
      out ??= Array.from(values);
      out[i] = x ? 1 : 0;
    }
  }
  return out ?? values;
}

/**
 * The values of an Arrow vector (one column, e.g. one variant's outcomes)
 * as a plain array or typed array: Arrow's `toArray()` (a view, not a copy)
 * when it has no nulls and is not 64-bit, else the values one by one with
 * nulls as `null`. Throws `E_ARROW_TYPE` naming `field` when the vector's
 * type does not fit `kind` (text, dates or nested values where numbers are
 * needed; dates or nested values as labels; Bool as ids). For `'label'`,
 * Bool values are returned as 1 / 0; for `'label'` and `'id'`, text columns
 * (dictionary-encoded or not) as arrays of strings.
 */
export function arrowVectorValues(source: string, field: string, vec: ArrowLikeVector, kind: ArrowVectorKind): ArrayLike<unknown> {
  if (!isArrowVector(vec) || (kind !== 'number' && kind !== 'binary' && kind !== 'label' && kind !== 'id')) {
    throw new ValidationError('E_INPUT', `${String(source)}: expected an Arrow vector (length, get(i), toArray()) and a kind 'number', 'binary', 'label' or 'id'.`, { source: String(source), field: String(field) });
  }
  const f = { type: (vec as { type?: FieldLike['type'] }).type };
  const values = recordValues(source, field, f, vec);
  let cat = categoryOfType(f);
  if (cat === 'unknown') cat = categoryOfValues(values);
  if (!vectorCategoryOk(kind, cat)) {
    throw new ValidationError(
      'E_ARROW_TYPE',
      `${source}: Arrow vector "${field}" is ${typeName(f, values)}; expected ${VECTOR_WANT_TEXT[kind]}. Cast the column first.`,
      { source, field },
    );
  }
  return kind === 'label' || kind === 'id' ? labelValues(source, field, kind, f, values, cat) : values;
}

/** The kinds of the columns a caller reads by name; columns not named are read as they are. */
export type ArrowColumnSpec = Readonly<Partial<Record<string, ArrowColumnKind>>>;

function checkSpec(source: string, spec: unknown): asserts spec is ArrowColumnSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || !Object.values(spec).every((k) => k === undefined || isKind(k))) {
    throw new ValidationError('E_INPUT', `${String(source)}: the column spec must map column names to 'number', 'id', 'time' or 'text'.`, { source: String(source), field: 'spec' });
  }
}

/**
 * Checks the Arrow type of every column named in `spec` that the table has
 * (absent columns are left to the caller, which knows which are required).
 * Throws `E_ARROW_TYPE` naming the first column of the wrong type.
 */
function checkKinds(source: string, table: ArrowLikeTable, spec: ArrowColumnSpec): Map<string, FieldLike> {
  const fields = new Map<string, FieldLike>();
  for (const f of fieldsOf(table)) if (typeof f.name === 'string') fields.set(f.name, f);
  for (const [name, kind] of Object.entries(spec)) {
    const field = fields.get(name);
    if (kind === undefined || field === undefined) continue;
    let cat = categoryOfType(field);
    if (cat === 'unknown') {
      const vec = vectorOf(source, table, name);
      cat = categoryOfValues((vec.nullCount ?? 0) > 0 ? readEach(source, name, vec) : readAll(source, name, vec));
      if (cat === 'unknown') continue; // all nulls: the caller's missing-value rules apply
    }
    if (!WANT[kind].includes(cat)) throw wrongType(source, name, kind, field, undefined);
  }
  return fields;
}

/** Like recordValues, but a 64-bit integer beyond ±2^53 in a checked column is refused (`E_ARROW_TYPE`, with its row) instead of handed on as a bigint. */
function checkedValues(source: string, name: string, kind: ArrowColumnKind | undefined, field: FieldLike | undefined, vec: ArrowLikeVector): ArrayLike<unknown> {
  const values = recordValues(source, name, field, vec);
  if (kind === undefined) return values;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'bigint') {
      throw new ValidationError(
        'E_ARROW_TYPE',
        `${source}: Arrow column "${name}" (${typeName(field, values)}) holds ${String(x)} at row ${i}, beyond the integers JavaScript numbers hold exactly (±2^53); expected ${WANT_TEXT[kind]}.`,
        { source, field: name, row: i },
      );
    }
  }
  return values;
}

function isIntegerView(v: unknown): v is Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array {
  return v instanceof Int32Array || v instanceof Int16Array || v instanceof Int8Array || v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array;
}

interface DataLike {
  readonly length?: unknown;
  readonly values?: unknown;
  readonly dictionary?: { toArray?: () => ArrayLike<unknown> } | null;
}

/**
 * A dictionary-encoded string vector as a {@link DictionaryColumn}: Arrow's
 * own Int32 codes when it is one chunk without nulls (no copy), else codes
 * gathered into a new Int32Array, nulls coded as `''` (the dictionary
 * column's missing value). `null` when the vector is not shaped as
 * apache-arrow's (one dictionary shared by its chunks, integer codes,
 * string values): the caller reads its values instead.
 */
function dictionaryOf(vec: ArrowLikeVector): DictionaryColumn | null {
  const chunks = (vec as { data?: unknown }).data;
  if (!Array.isArray(chunks) || chunks.length === 0) return null;
  const dict = (chunks[0] as DataLike).dictionary;
  if (dict === null || dict === undefined || typeof dict.toArray !== 'function') return null;
  let total = 0;
  for (const c of chunks as DataLike[]) {
    if (c.dictionary !== dict || !isIntegerView(c.values) || typeof c.length !== 'number' || c.values.length < c.length) return null;
    total += c.length;
  }
  const n = vec.length;
  if (total !== n) return null;
  const raw = dict.toArray();
  const values: string[] = [];
  for (let k = 0; k < raw.length; k++) {
    const v = raw[k];
    if (typeof v !== 'string') return null;
    values.push(v);
  }
  // Dictionary columns hold each value once: a repeated entry is folded into its first.
  const first = new Map<string, number>();
  const remap = new Int32Array(values.length);
  const distinct: string[] = [];
  let folded = false;
  for (let k = 0; k < values.length; k++) {
    const at = first.get(values[k]!);
    if (at === undefined) {
      first.set(values[k]!, distinct.length);
      remap[k] = distinct.length;
      distinct.push(values[k]!);
    } else {
      remap[k] = at;
      folded = true;
    }
    if (remap[k] !== k) folded = true;
  }
  const nulls = (vec.nullCount ?? 0) > 0;
  const only = chunks[0] as DataLike;
  if (chunks.length === 1 && only.values instanceof Int32Array && !nulls && !folded) {
    return { kind: 'dictionary', codes: only.values.subarray(0, n), values: distinct };
  }
  const codes = new Int32Array(n);
  let i = 0;
  for (const c of chunks as DataLike[]) {
    const src = c.values as ArrayLike<number>;
    const len = c.length as number;
    for (let j = 0; j < len; j++) {
      const k = src[j]!;
      if (!(k >= 0 && k < remap.length)) return null;
      codes[i++] = remap[k]!;
    }
  }
  if (nulls) {
    let empty = distinct.indexOf('');
    const get = vec.get;
    if (typeof get !== 'function') return null;
    for (let r = 0; r < n; r++) {
      if (get.call(vec, r) !== null) continue;
      if (empty < 0) {
        empty = distinct.length;
        distinct.push('');
      }
      codes[r] = empty;
    }
  }
  return { kind: 'dictionary', codes, values: distinct };
}

/**
 * Every column of an Arrow table, shaped for a columns path: the columns
 * named in `spec` are type-checked (`E_ARROW_TYPE` naming the column),
 * the others are passed on as they come. Per column:
 * - dictionary-encoded strings (not read as times) become a
 *   {@link DictionaryColumn} (Arrow's codes, not copied, for one chunk
 *   without nulls; nulls coded as `''`);
 * - numbers without nulls stay Arrow's typed array (a view, not a copy);
 *   64-bit integers become a `Float64Array`, refused with `E_ARROW_TYPE`
 *   beyond ±2^53 in a checked column (a column not in `spec` keeps its
 *   `BigInt64Array`);
 * - Timestamp and Date columns become epoch milliseconds (a `Float64Array`
 *   without nulls);
 * - anything else, and any column with nulls, becomes a plain array with
 *   `null` where Arrow has a null, so the caller's missing-value rules see
 *   exactly what they would see in plain columns.
 * O(rows) for the columns that are not handed on in place.
 */
export function arrowTableColumns(source: string, table: ArrowLikeTable, spec: ArrowColumnSpec): Record<string, unknown> {
  checkTable(source, table);
  checkSpec(source, spec);
  const fields = checkKinds(source, table, spec);
  const out: Record<string, unknown> = {};
  for (const [name, field] of fields) {
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    const vec = vectorOf(source, table, name);
    const cat = categoryOfType(field);
    if (field.type?.typeId === T_DICTIONARY && cat === 'string' && kind !== 'time') {
      const d = dictionaryOf(vec);
      if (d !== null) {
        out[name] = d;
        continue;
      }
    }
    const hasNulls = (vec.nullCount ?? 0) > 0;
    if (!hasNulls && cat === 'temporal' && (typeof vec.get === 'function' || exactTimestamps(field, vec) !== null)) {
      out[name] = temporalMs(field, vec, () => wrongType(source, name, kind ?? 'time', field, undefined));
      continue;
    }
    if (!hasNulls && (cat === 'numeric' || cat === 'unknown')) {
      const values = readAll(source, name, vec);
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        out[name] = kind === undefined ? values : bigToNumbers(source, name, kind, field, values);
        continue;
      }
      if (ArrayBuffer.isView(values)) {
        out[name] = values;
        continue;
      }
    }
    out[name] = checkedValues(source, name, kind, field, vec);
  }
  return out;
}

/**
 * An Arrow table as plain records (as {@link arrowRecords}), after checking
 * the types of the columns named in `spec` (`E_ARROW_TYPE` naming the
 * column; a 64-bit integer beyond ±2^53 in one of them too, with its row).
 * Nulls are `null`, Timestamp and Date values epoch milliseconds, so the
 * caller's record rules decide what a missing value means. `only`, when
 * given, limits the records to those columns. O(rows × columns).
 */
export function arrowCheckedRecords(source: string, table: ArrowLikeTable, spec: ArrowColumnSpec, only: readonly string[] | null = null): Record<string, unknown>[] {
  checkTable(source, table);
  checkSpec(source, spec);
  if (only !== null && !Array.isArray(only)) throw new ValidationError('E_INPUT', `${String(source)}: only must be an array of column names or null.`, { source: String(source), field: 'only' });
  const fields = [...checkKinds(source, table, spec)].filter(([name]) => only === null || only.includes(name));
  const cols = fields.map(([name, f]) => checkedValues(source, name, Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined, f, vectorOf(source, table, name)));
  const n = cols.reduce((m, c) => Math.max(m, c.length), 0);
  const out = new Array<Record<string, unknown>>(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (let j = 0; j < fields.length; j++) r[fields[j]![0]] = cols[j]![i];
    out[i] = r;
  }
  return out;
}
