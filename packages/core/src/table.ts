import { ValidationError } from './errors';
import { resolveOptions } from './options';
import { describeValue } from './timestamp';

/** A cell value: what a table column can hold. `null` marks a missing value. */
export type ColumnValue = string | number | boolean | null;

/** The typed-array column kinds a {@link Table} keeps as they are. */
export type TypedColumn = Float64Array | Float32Array | Int32Array | Uint8Array;

/**
 * A column as the table stores and returns it: a typed array, or a frozen
 * array of values (strings, booleans, mixed).
 */
export type ColumnData = TypedColumn | readonly ColumnValue[];

/** How a column is stored; see {@link Table.columnKind}. */
export type ColumnKind = 'float64' | 'float32' | 'int32' | 'uint8' | 'values';

/** One row of a table as a plain object, column name → value. */
export type TableRecord = Record<string, ColumnValue>;

/** Options of {@link Table.fromRecords}. */
export interface FromRecordsOptions {
  /**
   * The columns to keep, in this order (a record without one gets `null`).
   * Default: every key seen, in first-seen order.
   */
  readonly columns?: readonly string[] | null;
}

/** A vector of an Arrow-like table: what {@link Table.fromArrow} reads. */
export interface ArrowLikeVector {
  /** Number of values. */
  readonly length: number;
  /** Number of nulls, when known (Arrow `Vector.nullCount`). */
  readonly nullCount?: number;
  /** All values at once (Arrow `Vector.toArray`). */
  toArray?(): ArrayLike<unknown>;
  /** The value at `i`, `null` when missing (Arrow `Vector.get`). */
  get?(i: number): unknown;
}

/** A field of an {@link ArrowLikeSchema}. */
export interface ArrowLikeField {
  /** Column name. */
  readonly name: string;
}

/** The schema of an {@link ArrowLikeTable}. */
export interface ArrowLikeSchema {
  /** Fields in column order. */
  readonly fields: readonly ArrowLikeField[];
}

/**
 * The shape of an Apache Arrow `Table` that {@link Table.fromArrow} needs
 * (duck-typed, so Marksman does not depend on `apache-arrow`).
 */
export interface ArrowLikeTable {
  /** Number of rows (Arrow `Table.numRows`), when known. */
  readonly numRows?: number;
  /** The schema: field names in column order. */
  readonly schema: ArrowLikeSchema;
  /** The column vector with this name. */
  getChild(name: string): ArrowLikeVector | null | undefined;
}

const FROM_RECORDS_DEFAULTS: { readonly columns: readonly string[] | null } = Object.freeze({ columns: null });

/** Internal storage of one column. `nulls[i] === 1` marks a missing value in a float64 column. */
interface Col {
  readonly data: ColumnData;
  readonly nulls: Uint8Array | null;
}

function isTypedColumn(v: unknown): v is TypedColumn {
  return v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
}

function copyTyped(v: TypedColumn): TypedColumn {
  return v.slice();
}

function typeError(source: string, field: string, row: number, v: unknown): ValidationError {
  return new ValidationError(
    'E_COLUMN_TYPE',
    `${source}: row ${row}, field "${field}": ${describeValue(v)} cannot be stored in a table; use strings, numbers, booleans or null (convert dates with parseTimestamp).`,
    { source, field, row },
  );
}

/** Builds a column from plain values (already checked): numbers/nulls → float64 with a null mask, else frozen values. */
function columnFromValues(values: readonly ColumnValue[]): Col {
  const n = values.length;
  let numbers = 0;
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'number') numbers++;
    else if (v === null) nullCount++;
    else break;
  }
  if (numbers > 0 && numbers + nullCount === n) {
    const data = new Float64Array(n);
    const nulls = nullCount > 0 ? new Uint8Array(n) : null;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number | null;
      if (v === null) {
        data[i] = NaN;
        (nulls as Uint8Array)[i] = 1;
      } else data[i] = v;
    }
    return { data, nulls };
  }
  return { data: Object.freeze(values.slice()), nulls: null };
}

/** Checks and normalises a plain array column (undefined → null); bigint → number and Date → ms when `lenient`. */
function normaliseValues(source: string, name: string, input: ArrayLike<unknown>, lenient: boolean): ColumnValue[] {
  const out = new Array<ColumnValue>(input.length);
  for (let i = 0; i < input.length; i++) {
    out[i] = normaliseValue(source, name, i, input[i], lenient);
  }
  return out;
}

function normaliseValue(source: string, name: string, i: number, v: unknown, lenient: boolean): ColumnValue {
  if (v === undefined || v === null) return null;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v as ColumnValue;
  if (lenient) {
    if (t === 'bigint') {
      const x = Number(v);
      if (Number.isSafeInteger(x)) return x;
    } else if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw typeError(source, name, i, v);
}

/** Any column input → storage (copies; never keeps the caller's array). */
function columnFromInput(source: string, name: string, input: unknown, lenient: boolean): Col {
  if (isTypedColumn(input)) return { data: copyTyped(input), nulls: null };
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    // Other numeric typed arrays (Int8, Uint16, Uint32, BigInt64…): widen to float64.
    return columnFromValues(normaliseValues(source, name, input as unknown as ArrayLike<unknown>, true));
  }
  if (Array.isArray(input)) return columnFromValues(normaliseValues(source, name, input, lenient));
  throw new ValidationError('E_COLUMN_TYPE', `${source}: column "${name}" must be an array or a typed array, got ${describeValue(input)}.`, { source, field: name });
}

function kindOf(data: ColumnData): ColumnKind {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  return 'values';
}

function cellAt(col: Col, i: number): ColumnValue {
  if (col.nulls !== null && col.nulls[i] === 1) return null;
  return col.data[i] as ColumnValue;
}

function gatherCol(col: Col, idx: ArrayLike<number>): Col {
  const k = idx.length;
  const d = col.data;
  if (isTypedColumn(d)) {
    const out = new (d.constructor as new (n: number) => TypedColumn)(k);
    for (let t = 0; t < k; t++) out[t] = d[idx[t] as number] as number;
    let nulls: Uint8Array | null = null;
    if (col.nulls !== null) {
      nulls = new Uint8Array(k);
      for (let t = 0; t < k; t++) nulls[t] = col.nulls[idx[t] as number] as number;
    }
    return { data: out, nulls };
  }
  const out = new Array<ColumnValue>(k);
  for (let t = 0; t < k; t++) out[t] = d[idx[t] as number] as ColumnValue;
  return { data: Object.freeze(out), nulls: null };
}

/**
 * An immutable columnar table. Numeric columns are typed arrays
 * (`Float64Array` with `NaN` at missing values when inferred), other
 * columns frozen arrays of values. Every operation returns a new table;
 * unchanged columns are shared between tables, which is safe because no
 * table ever writes into a column.
 *
 * **Read-only columns**: {@link Table.column} returns the stored column
 * without copying. Value columns are frozen arrays; typed-array columns
 * cannot be frozen, so they are read-only by contract — never write into
 * them (copy with `.slice()` first, or use {@link Table.toColumns}, which
 * returns fresh copies). Inputs are always copied, so changing the caller's
 * arrays afterwards does not change a table.
 *
 * Missing values: `undefined` and absent keys become `null`. In an inferred
 * numeric column a `null` is stored as `NaN` plus a null flag, so
 * `row()`/`toRecords()` give back `null` (and a real `NaN` stays `NaN`):
 * records → table → records is exact for records with the same keys and
 * string/number/boolean/null values.
 *
 * @example
 * ```ts
 * import { Table } from '@marksman/core';
 * const t = Table.fromRecords([
 *   { customer: 'ann', spend: 12.5 },
 *   { customer: 'bob', spend: null },
 * ]);
 * t.column('spend'); // => Float64Array [12.5, NaN]
 * t.row(1); // => { customer: 'bob', spend: null }
 * t.columnKind('customer'); // => 'values'
 * ```
 */
export class Table {
  /** Number of rows. */
  readonly numRows: number;
  readonly #cols: ReadonlyMap<string, Col>;
  readonly #names: readonly string[];

  private constructor(numRows: number, cols: ReadonlyMap<string, Col>) {
    this.numRows = numRows;
    this.#cols = cols;
    this.#names = Object.freeze([...cols.keys()]);
  }

  /**
   * A table from an array of records. Column kinds are inferred: a column
   * whose values are all numbers or missing becomes a `Float64Array`;
   * anything else a frozen array of values. O(rows × columns).
   *
   * @param records - plain objects with string/number/boolean/null values
   * @param options - see {@link FromRecordsOptions}
   * @throws {@link ValidationError} `E_INPUT` when `records` is not an
   *   array, `E_NOT_OBJECT` for a record that is not an object,
   *   `E_COLUMN_TYPE` for a value of another type (Date, object, bigint…)
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * const t = Table.fromRecords([{ a: 1, b: 'x' }, { a: 2 }], { columns: ['b', 'a'] });
   * t.columnNames; // => ['b', 'a']
   * t.toRecords(); // => [{ b: 'x', a: 1 }, { b: null, a: 2 }]
   * ```
   */
  static fromRecords(records: readonly object[], options?: FromRecordsOptions): Table {
    const source = 'Table.fromRecords';
    if (!Array.isArray(records)) throw new ValidationError('E_INPUT', `${source}: expected an array of records, got ${describeValue(records)}.`, { source, field: 'records' });
    const opts = resolveOptions(source, FROM_RECORDS_DEFAULTS, options);
    const n = records.length;
    for (let i = 0; i < n; i++) {
      const r: unknown = records[i];
      if (typeof r !== 'object' || r === null || Array.isArray(r)) {
        throw new ValidationError('E_NOT_OBJECT', `${source}: row ${i} must be an object, got ${describeValue(r)}.`, { source, row: i });
      }
    }
    let names: readonly string[];
    if (opts.columns !== null) {
      if (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== 'string')) {
        throw new ValidationError('E_COLUMN', `${source}: columns must be an array of column names.`, { source, field: 'columns' });
      }
      names = opts.columns;
    } else {
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) for (const k of Object.keys(records[i] as object)) seen.add(k);
      names = [...seen];
    }
    const cols = new Map<string, Col>();
    for (const name of names) {
      if (cols.has(name)) throw new ValidationError('E_COLUMN', `${source}: column "${name}" is listed twice.`, { source, field: name });
      const values = new Array<ColumnValue>(n);
      for (let i = 0; i < n; i++) values[i] = normaliseValue(source, name, i, (records[i] as Record<string, unknown>)[name], false);
      cols.set(name, columnFromValues(values));
    }
    return new Table(n, cols);
  }

  /**
   * A table from named columns: typed arrays (`Float64Array`,
   * `Float32Array`, `Int32Array`, `Uint8Array` keep their type; other
   * numeric typed arrays become `Float64Array`) or plain arrays (inferred
   * as in {@link Table.fromRecords}). Every column is copied. O(rows × columns).
   *
   * @param columns - column name → values, all of the same length
   * @throws {@link ValidationError} `E_COLUMN_LENGTH` when lengths differ,
   *   `E_COLUMN_TYPE` for a column that is not an array or holds other values
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * const t = Table.fromColumns({ id: ['a', 'b'], n: Int32Array.of(3, 4) });
   * t.numRows; // => 2
   * t.columnKind('n'); // => 'int32'
   * ```
   */
  static fromColumns(columns: Readonly<Record<string, TypedColumn | readonly (ColumnValue | undefined)[]>>): Table {
    const source = 'Table.fromColumns';
    if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) {
      throw new ValidationError('E_INPUT', `${source}: expected an object of columns, got ${describeValue(columns)}.`, { source, field: 'columns' });
    }
    const cols = new Map<string, Col>();
    let numRows = -1;
    for (const name of Object.keys(columns)) {
      const col = columnFromInput(source, name, columns[name], false);
      numRows = checkLength(source, name, col.data.length, numRows);
      cols.set(name, col);
    }
    return new Table(Math.max(numRows, 0), cols);
  }

  /**
   * A table from an Apache Arrow `Table` (or anything shaped like one: see
   * {@link ArrowLikeTable}), without depending on `apache-arrow`. Each field
   * is read with `getChild(name)`: null-free vectors whose `toArray()` is a
   * typed array are copied as typed arrays; otherwise values are read one
   * by one (`get(i)`, or `toArray()`), with `bigint` → number (safe integers
   * only) and `Date` → epoch ms. O(rows × columns).
   *
   * @param table - an Arrow-like table
   * @throws {@link ValidationError} `E_INPUT` when `table` lacks
   *   `schema.fields` or `getChild`, `E_COLUMN` when a field has no string
   *   name or no vector, `E_COLUMN_LENGTH` / `E_COLUMN_TYPE` as
   *   {@link Table.fromColumns} (also for a vector whose `length` or
   *   `toArray()` is not usable)
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * const arrowLike = {
   *   schema: { fields: [{ name: 'x' }] },
   *   getChild: () => ({ length: 2, nullCount: 0, toArray: () => Float64Array.of(1, 2) }),
   * };
   * Table.fromArrow(arrowLike).column('x'); // => Float64Array [1, 2]
   * ```
   */
  static fromArrow(table: ArrowLikeTable): Table {
    const source = 'Table.fromArrow';
    const fields = (table as { schema?: { fields?: unknown } } | null)?.schema?.fields;
    if (!Array.isArray(fields) || typeof (table as { getChild?: unknown }).getChild !== 'function') {
      throw new ValidationError('E_INPUT', `${source}: expected an Arrow table with schema.fields and getChild(name).`, { source, field: 'table' });
    }
    const cols = new Map<string, Col>();
    let numRows = -1;
    for (const field of fields as readonly unknown[]) {
      const rawName = typeof field === 'object' && field !== null ? (field as { name?: unknown }).name : undefined;
      if (typeof rawName !== 'string') {
        throw new ValidationError('E_COLUMN', `${source}: every schema field needs a string name, got ${describeValue(field)}${rawName === undefined ? '' : ` named ${describeValue(rawName)}`}.`, { source, field: 'schema.fields' });
      }
      const name = rawName;
      const vec = table.getChild(name);
      if (vec === null || vec === undefined) throw new ValidationError('E_COLUMN', `${source}: getChild("${name}") returned no vector.`, { source, field: name });
      if (typeof vec !== 'object' && typeof vec !== 'function') throw new ValidationError('E_COLUMN_TYPE', `${source}: getChild("${name}") returned ${describeValue(vec)}, not a vector.`, { source, field: name });
      let col: Col;
      const hasNulls = (vec.nullCount ?? 0) > 0;
      const readAll = (): ArrayLike<unknown> => {
        const all: unknown = (vec.toArray as () => unknown)();
        const ok = Array.isArray(all) || (ArrayBuffer.isView(all) && !(all instanceof DataView));
        if (!ok) throw new ValidationError('E_COLUMN_TYPE', `${source}: vector "${name}".toArray() returned ${describeValue(all)}, not an array.`, { source, field: name });
        return all as ArrayLike<unknown>;
      };
      if (!hasNulls && typeof vec.toArray === 'function') {
        const all = readAll();
        col = ArrayBuffer.isView(all) ? columnFromInput(source, name, all, true) : columnFromValues(normaliseValues(source, name, all, true));
      } else if (typeof vec.get === 'function') {
        const n = vec.length;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
          throw new ValidationError('E_COLUMN_LENGTH', `${source}: vector "${name}" has length ${describeValue(n)}; expected an integer in [0, 2^32).`, { source, field: name });
        }
        const values = new Array<ColumnValue>(n);
        for (let i = 0; i < n; i++) values[i] = normaliseValue(source, name, i, vec.get(i), true);
        col = columnFromValues(values);
      } else if (typeof vec.toArray === 'function') {
        const all = readAll();
        if (ArrayBuffer.isView(all)) {
          throw new ValidationError('E_COLUMN_TYPE', `${source}: vector "${name}" has nulls but only a typed toArray() and no get(i), so its missing values cannot be found.`, {
            source,
            field: name,
          });
        }
        col = columnFromValues(normaliseValues(source, name, all, true));
      } else {
        throw new ValidationError('E_COLUMN_TYPE', `${source}: vector "${name}" has neither get(i) nor toArray().`, { source, field: name });
      }
      numRows = checkLength(source, name, col.data.length, numRows);
      cols.set(name, col);
    }
    return new Table(Math.max(numRows, 0), cols);
  }

  /** Column names, in order (a frozen array). */
  get columnNames(): readonly string[] {
    return this.#names;
  }

  #col(source: string, name: string): Col {
    const c = this.#cols.get(name);
    if (c === undefined) {
      throw new ValidationError('E_COLUMN', `${source}: no column "${String(name)}"; the table has ${this.#names.length === 0 ? 'no columns' : this.#names.map((x) => `"${x}"`).join(', ')}.`, {
        source,
        field: String(name),
      });
    }
    return c;
  }

  #checkRow(source: string, i: number, field = 'row'): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.numRows) {
      throw new ValidationError('E_INDEX_RANGE', `${source}: ${field} ${describeValue(i)} is outside [0, ${this.numRows}).`, { source, field });
    }
  }

  /**
   * Whether the table has a column `name`. O(1).
   *
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1] }).has('b'); // => false
   * ```
   */
  has(name: string): boolean {
    return this.#cols.has(name);
  }

  /**
   * The stored column, without copying: a frozen array, or a typed array
   * that is **read-only by contract** (see the class notes). O(1).
   *
   * @throws {@link ValidationError} `E_COLUMN` for an unknown column
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: ['x', 'y'] }).column('a'); // => ['x', 'y'] (frozen)
   * ```
   */
  column(name: string): ColumnData {
    return this.#col('Table.column', name).data;
  }

  /**
   * The stored numeric column `name` as a typed array (no copy; read-only by
   * contract, see the class notes). Inferred numeric columns are
   * `Float64Array` with `NaN` at missing values. O(1).
   *
   * @throws {@link ValidationError} `E_COLUMN` for an unknown column,
   *   `E_COLUMN_TYPE` when the column holds non-numeric values
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromRecords([{ spend: 5 }, { spend: null }]).numericColumn('spend'); // => Float64Array [5, NaN]
   * ```
   */
  numericColumn(name: string): TypedColumn {
    const source = 'Table.numericColumn';
    const d = this.#col(source, name).data;
    if (!isTypedColumn(d)) {
      throw new ValidationError('E_COLUMN_TYPE', `${source}: column "${name}" holds non-numeric values (strings, booleans or mixed); convert it first.`, { source, field: name });
    }
    return d;
  }

  /**
   * How column `name` is stored: `'float64'`, `'float32'`, `'int32'`,
   * `'uint8'` or `'values'` (frozen array). O(1).
   *
   * @throws {@link ValidationError} `E_COLUMN` for an unknown column
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1, 2] }).columnKind('a'); // => 'float64'
   * ```
   */
  columnKind(name: string): ColumnKind {
    return kindOf(this.#col('Table.columnKind', name).data);
  }

  /**
   * Row `i` as a new plain object (missing numbers as `null`). O(columns).
   *
   * @throws {@link ValidationError} `E_INDEX_RANGE` when `i` is not a row index
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1, 2], b: ['x', 'y'] }).row(1); // => { a: 2, b: 'y' }
   * ```
   */
  row(i: number): TableRecord {
    this.#checkRow('Table.row', i);
    return this.#rowUnchecked(i);
  }

  #rowUnchecked(i: number): TableRecord {
    const out: TableRecord = {};
    for (const [name, col] of this.#cols) out[name] = cellAt(col, i);
    return out;
  }

  /**
   * All rows as new plain objects. O(rows × columns).
   *
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1, null] }).toRecords(); // => [{ a: 1 }, { a: null }]
   * ```
   */
  toRecords(): TableRecord[] {
    const out = new Array<TableRecord>(this.numRows);
    for (let i = 0; i < this.numRows; i++) out[i] = this.#rowUnchecked(i);
    return out;
  }

  /**
   * Every column as a fresh, mutable copy (typed arrays keep their type;
   * inferred numeric columns hold `NaN` at missing values). O(rows × columns).
   *
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromRecords([{ a: 1 }, { a: 2 }]).toColumns(); // => { a: Float64Array [1, 2] }
   * ```
   */
  toColumns(): Record<string, TypedColumn | ColumnValue[]> {
    const out: Record<string, TypedColumn | ColumnValue[]> = {};
    for (const [name, col] of this.#cols) out[name] = isTypedColumn(col.data) ? copyTyped(col.data) : col.data.slice();
    return out;
  }

  /**
   * A table with only the columns `names`, in that order (columns shared,
   * not copied). O(names).
   *
   * @throws {@link ValidationError} `E_INPUT` when `names` is not an array,
   *   `E_COLUMN` for an unknown or repeated name
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1], b: [2], c: [3] }).select(['c', 'a']).columnNames; // => ['c', 'a']
   * ```
   */
  select(names: readonly string[]): Table {
    if (!Array.isArray(names)) throw new ValidationError('E_INPUT', `Table.select: names must be an array of column names, got ${describeValue(names)}.`, { source: 'Table.select', field: 'names' });
    const cols = new Map<string, Col>();
    for (const name of names) {
      if (cols.has(name)) throw new ValidationError('E_COLUMN', `Table.select: column "${name}" is listed twice.`, { source: 'Table.select', field: name });
      cols.set(name, this.#col('Table.select', name));
    }
    return new Table(this.numRows, cols);
  }

  /**
   * The rows at `indexes`, in that order (repeats allowed), as a new table.
   * O(k × columns).
   *
   * @param indexes - row indexes in [0, numRows) (an array or typed array)
   * @throws {@link ValidationError} `E_INPUT` when `indexes` is not an
   *   array, `E_INDEX_RANGE` for an index out of range
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [10, 20, 30] }).take([2, 0]).column('a'); // => Float64Array [30, 10]
   * ```
   */
  take(indexes: Int32Array | readonly number[]): Table {
    if (!Array.isArray(indexes) && !(ArrayBuffer.isView(indexes) && !(indexes instanceof DataView))) {
      throw new ValidationError('E_INPUT', `Table.take: indexes must be an array or typed array of row indexes, got ${describeValue(indexes)}.`, { source: 'Table.take', field: 'indexes' });
    }
    for (let t = 0; t < indexes.length; t++) this.#checkRow('Table.take', indexes[t] as number, 'indexes');
    return this.#gather(indexes);
  }

  #gather(idx: ArrayLike<number>): Table {
    const cols = new Map<string, Col>();
    for (const [name, col] of this.#cols) cols.set(name, gatherCol(col, idx));
    return new Table(idx.length, cols);
  }

  /**
   * The rows for which `predicate(row, i)` is true, as a new table. The row
   * object passed is a fresh copy. O(rows × columns).
   *
   * @throws {@link ValidationError} `E_INPUT` when `predicate` is not a function
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1, 5, 3] }).filter((r) => (r.a as number) > 2).numRows; // => 2
   * ```
   */
  filter(predicate: (row: TableRecord, i: number) => boolean): Table {
    if (typeof predicate !== 'function') throw new ValidationError('E_INPUT', `Table.filter: predicate must be a function (row, i) => boolean, got ${describeValue(predicate)}.`, { source: 'Table.filter', field: 'predicate' });
    const keep: number[] = [];
    for (let i = 0; i < this.numRows; i++) if (predicate(this.#rowUnchecked(i), i)) keep.push(i);
    return this.#gather(keep);
  }

  /**
   * Rows `start` … `end−1` (negative values count from the end, fractions
   * are truncated and out-of-range values clamped, as
   * `Array.prototype.slice`). Typed columns are shared as views. O(columns)
   * for typed columns, O(end − start) for value columns.
   *
   * @throws {@link ValidationError} `E_NUMBER` when `start` or `end` is not
   *   a number (or is NaN)
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * Table.fromColumns({ a: [1, 2, 3, 4] }).slice(1, 3).column('a'); // => Float64Array [2, 3]
   * ```
   */
  slice(start = 0, end: number = this.numRows): Table {
    const n = this.numRows;
    for (const [field, v] of [['start', start], ['end', end]] as const) {
      if (typeof v !== 'number' || Number.isNaN(v)) {
        throw new ValidationError('E_NUMBER', `Table.slice: ${field} must be a number, got ${describeValue(v)}.`, { source: 'Table.slice', field });
      }
    }
    const clamp = (v: number): number => {
      const x = Math.trunc(v);
      return x < 0 ? Math.max(n + x, 0) : Math.min(x, n);
    };
    const a = clamp(start);
    const b = Math.max(clamp(end), a);
    const cols = new Map<string, Col>();
    for (const [name, col] of this.#cols) {
      const d = col.data;
      const data: ColumnData = isTypedColumn(d) ? d.subarray(a, b) : Object.freeze(d.slice(a, b));
      cols.set(name, { data, nulls: col.nulls === null ? null : col.nulls.subarray(a, b) });
    }
    return new Table(b - a, cols);
  }

  /**
   * A new table with column `name` added at the end, or replaced in place
   * when it exists. The values are copied and inferred as in
   * {@link Table.fromColumns}. O(rows).
   *
   * @throws {@link ValidationError} `E_COLUMN_LENGTH` when the length differs
   *   from `numRows` (a table without columns takes any length),
   *   `E_COLUMN_TYPE` for values that cannot be stored
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * const t = Table.fromColumns({ q: [2, 3], p: [5, 1] });
   * t.withColumn('amount', [10, 3]).columnNames; // => ['q', 'p', 'amount']
   * ```
   */
  withColumn(name: string, values: TypedColumn | readonly (ColumnValue | undefined)[]): Table {
    const source = 'Table.withColumn';
    if (typeof name !== 'string') throw new ValidationError('E_COLUMN', `${source}: the column name must be a string, got ${describeValue(name)}.`, { source, field: 'name' });
    const col = columnFromInput(source, name, values, false);
    const len = col.data.length;
    if (this.#cols.size > 0 && len !== this.numRows) {
      throw new ValidationError('E_COLUMN_LENGTH', `${source}: column "${name}" has ${len} values but the table has ${this.numRows} rows.`, { source, field: name });
    }
    const cols = new Map(this.#cols);
    cols.set(name, col);
    return new Table(this.#cols.size > 0 ? this.numRows : len, cols);
  }

  /**
   * Row indexes grouped by the values of `column`: key → ascending
   * `Int32Array` of rows, keys in first-seen order (missing numbers under
   * `null`). O(rows).
   *
   * @throws {@link ValidationError} `E_COLUMN` for an unknown column
   * @example
   * ```ts
   * import { Table } from '@marksman/core';
   * const g = Table.fromColumns({ seg: ['a', 'b', 'a'] }).groupIndexes('seg');
   * g.get('a'); // => Int32Array [0, 2]
   * [...g.keys()]; // => ['a', 'b']
   * ```
   */
  groupIndexes(column: string): Map<ColumnValue, Int32Array> {
    const col = this.#col('Table.groupIndexes', column);
    const n = this.numRows;
    const groupOf = new Int32Array(n);
    const ids = new Map<ColumnValue, number>();
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = cellAt(col, i);
      let g = ids.get(key);
      if (g === undefined) {
        g = counts.length;
        ids.set(key, g);
        counts.push(0);
      }
      counts[g] = (counts[g] as number) + 1;
      groupOf[i] = g;
    }
    const arrays = counts.map((c) => new Int32Array(c));
    const fill = new Int32Array(counts.length);
    for (let i = 0; i < n; i++) {
      const g = groupOf[i] as number;
      const pos = fill[g] as number;
      fill[g] = pos + 1;
      (arrays[g] as Int32Array)[pos] = i;
    }
    const out = new Map<ColumnValue, Int32Array>();
    for (const [key, g] of ids) out.set(key, arrays[g] as Int32Array);
    return out;
  }
}

function checkLength(source: string, name: string, len: number, expected: number): number {
  if (expected >= 0 && len !== expected) {
    throw new ValidationError('E_COLUMN_LENGTH', `${source}: column "${name}" has ${len} values, other columns have ${expected}.`, { source, field: name });
  }
  return len;
}
