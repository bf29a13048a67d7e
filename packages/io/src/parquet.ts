// Parquet through hyparquet (reader) and hyparquet-writer (writer): pure
// JavaScript, no dependencies of their own beyond each other, no Node
// built-ins, so the same code runs in browsers. parquet-wasm (Rust compiled
// to WebAssembly) reads more codecs but ships a ~6 MB binary and returns
// Arrow IPC, which would make apache-arrow a hard requirement.
import { OptionsError, ParseError, ValidationError } from '@marksman/core';
import type { ColumnValue } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { SchemaTree } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { BasicType, ColumnSource } from 'hyparquet-writer';
import { assembleFlatColumn, isFlatLeaf, readFlatColumnPages } from './parquet-pages';
import { namedColumns } from './table-input';
import type { TableLike } from './table-input';

/**
 * A column read from Parquet: `Float64Array` for doubles and for integers
 * and timestamps (epoch milliseconds) without nulls, `Float32Array` for
 * floats, `Int32Array` for 32-bit integers, else an array of values with
 * `null` where the file has none.
 */
export type ParquetColumn = Float64Array | Float32Array | Int32Array | ColumnValue[];

/** Columns read by {@link readParquet}, in the file's order. */
export type ParquetColumns = Record<string, ParquetColumn>;

/** Options of {@link readParquet}. */
export interface ReadParquetOptions {
  /** The columns to read, in this order; default every column. */
  readonly columns?: readonly string[] | null;
}

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions {
  /** Compression of the pages: `'snappy'` (default) or `'none'`. */
  readonly compression?: 'snappy' | 'none';
  /** Rows per row group; default 100,000. */
  readonly rowGroupSize?: number;
}

const READ_DEFAULTS: { readonly columns: readonly string[] | null } = Object.freeze({ columns: null });
const WRITE_DEFAULTS: { readonly compression: 'snappy' | 'none'; readonly rowGroupSize: number } = Object.freeze({ compression: 'snappy', rowGroupSize: 100_000 });

function toArrayBuffer(source: string, file: unknown): ArrayBuffer {
  if (file instanceof ArrayBuffer) return file;
  if (file instanceof Uint8Array) return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  throw new ValidationError('E_INPUT', `${source}: expected the file's bytes as an ArrayBuffer or Uint8Array (read it with fetch(...).arrayBuffer(), a File's arrayBuffer(), or readParquetFile from @marksman/io/node).`, { source, field: 'file' });
}

/** A decoded chunk's values as our column types. */
function finish(source: string, name: string, values: ArrayLike<unknown>): ParquetColumn {
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) return values;
  const n = values.length;
  if (ArrayBuffer.isView(values)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = Number(values[i] as number | bigint);
      if (!Number.isSafeInteger(x) && typeof values[i] === 'bigint') {
        throw new ParseError('E_PARQUET_TYPE', `${source}: column "${name}" holds ${String(values[i])} at row ${i}, beyond the integers JavaScript numbers hold exactly (±2^53); cast it in the writer (DOUBLE or a string).`, { source, field: name, row: i });
      }
      out[i] = x;
    }
    return out;
  }
  const out = new Array<ColumnValue>(n);
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let c: ColumnValue;
    if (v === null || v === undefined) c = null;
    else if (typeof v === 'bigint') {
      const x = Number(v);
      if (!Number.isSafeInteger(x)) throw new ParseError('E_PARQUET_TYPE', `${source}: column "${name}" holds ${String(v)} at row ${i}, beyond ±2^53; cast it in the writer (DOUBLE or a string).`, { source, field: name, row: i });
      c = x;
    } else if (v instanceof Date) c = v.getTime();
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') c = v;
    else throw new ParseError('E_PARQUET_TYPE', `${source}: column "${name}" holds nested values (lists, maps or structs) at row ${i}; read flat columns only (select them with the columns option).`, { source, field: name, row: i });
    if (typeof c !== 'number') numeric = false;
    out[i] = c;
  }
  if (numeric) return Float64Array.from(out as number[]);
  return out;
}

/**
 * Reads a Parquet file (its bytes) into columns our functions take: typed
 * arrays for numbers without nulls, arrays of values otherwise
 * (see {@link ParquetColumn}); the type follows the column's Parquet type,
 * whatever encoding its pages use. Timestamps and dates become epoch
 * milliseconds. Uses hyparquet (pure JavaScript: Node and browsers): flat
 * columns are decoded page by page (a dictionary page's values once,
 * dictionary-coded pages as integer codes), nested ones through its row
 * reader; snappy-compressed and uncompressed files are read.
 * O(rows × columns).
 *
 * @param file - the file's bytes
 * @param options - `columns` to read (default all)
 * @returns the columns, by name, in the file's order (or the order asked)
 * @throws `ValidationError` `E_INPUT` for bytes of another type,
 *   `E_COLUMN` for a column the file lacks; `ParseError` `E_PARQUET` for
 *   bytes that are not a Parquet file, `E_PARQUET_TYPE` for nested columns
 *   or 64-bit integers beyond ±2^53; `OptionsError` `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { readParquet, writeParquet } from '@marksman/io';
 * const bytes = writeParquet({ customerId: ['a', 'b'], spend: Float64Array.of(12.5, 3) });
 * const cols = await readParquet(bytes);
 * cols.spend; // => Float64Array [12.5, 3]
 * cols.customerId; // => ['a', 'b']
 * ```
 */
export async function readParquet(file: ArrayBuffer | Uint8Array, options?: ReadParquetOptions): Promise<ParquetColumns> {
  const source = 'readParquet';
  const o = resolveOptions(source, READ_DEFAULTS, options);
  const buffer = toArrayBuffer(source, file);
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    throw new ParseError('E_PARQUET', `${source}: these bytes are not a readable Parquet file (${e instanceof Error ? e.message : String(e)}).`, { source, field: 'file' });
  }
  const all = metadata.schema
    .slice(1)
    .filter((s) => s.num_children === undefined || s.num_children === 0)
    .map((s) => s.name);
  let names: readonly string[] = all;
  if (o.columns !== null) {
    if (!Array.isArray(o.columns)) throw new OptionsError('E_OPTION_TYPE', `${source}: columns must be an array of column names.`, { source, field: 'columns' });
    for (const c of o.columns) {
      if (!all.includes(c)) throw new ValidationError('E_COLUMN', `${source}: the file has no column ${JSON.stringify(c)}; it has ${all.map((x) => JSON.stringify(x)).join(', ')}.`, { source, field: String(c) });
    }
    names = o.columns;
  }
  const numRows = Number(metadata.num_rows);
  const bytes = new Uint8Array(buffer);
  const root = parquetSchema(metadata);
  const flat = new Map<string, SchemaTree>();
  for (const child of root.children) if (isFlatLeaf(child)) flat.set(child.element.name, child);
  // Flat columns page by page (parquet-pages.ts); anything nested through parquetRead.
  const assembled = new Map<string, ReturnType<typeof assembleFlatColumn>>();
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  try {
    for (const name of names) {
      const tree = flat.get(name);
      if (tree !== undefined) assembled.set(name, assembleFlatColumn(readFlatColumnPages(bytes, metadata, tree, root)));
      else chunks.set(name, []);
    }
    if (chunks.size > 0) {
      await parquetRead({
        file: buffer,
        metadata,
        columns: [...chunks.keys()],
        onChunk: (chunk) => chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData }),
      });
    }
  } catch (e) {
    throw new ParseError('E_PARQUET', `${source}: the Parquet file could not be decoded (${e instanceof Error ? e.message : String(e)}).`, { source, field: 'file' });
  }
  const out: ParquetColumns = {};
  for (const name of names) {
    const done = assembled.get(name);
    if (done !== undefined) {
      out[name] = done.typed || done.strings ? (done.values as ParquetColumn) : finish(source, name, done.values);
      continue;
    }
    const parts = (chunks.get(name) ?? []).sort((a, b) => a.rowStart - b.rowStart);
    let values: ArrayLike<unknown>;
    if (parts.length === 1 && parts[0]!.data.length === numRows) values = parts[0]!.data;
    else {
      const first = parts[0]?.data;
      const typed = first !== undefined && ArrayBuffer.isView(first) && parts.every((p) => p.data.constructor === first.constructor);
      const joined: { [i: number]: unknown; length: number } = typed ? new (first.constructor as new (n: number) => Float64Array)(numRows) : new Array<unknown>(numRows).fill(null);
      for (const p of parts) for (let i = 0; i < p.data.length && p.rowStart + i < numRows; i++) joined[p.rowStart + i] = p.data[i];
      values = joined as ArrayLike<unknown>;
    }
    out[name] = finish(source, name, values);
  }
  return out;
}

/** A column as hyparquet-writer takes it: its values, Parquet type, and whether it holds nulls. */
function parquetType(source: string, name: string, col: ArrayLike<unknown>): { data: unknown[] | Float64Array | Float32Array | Int32Array; type: BasicType; nullable: boolean } {
  if (col instanceof Float64Array) return { data: col, type: 'DOUBLE', nullable: false };
  if (col instanceof Float32Array) return { data: col, type: 'FLOAT', nullable: false };
  if (col instanceof Int32Array) return { data: col, type: 'INT32', nullable: false };
  if (ArrayBuffer.isView(col)) return { data: Float64Array.from(col as ArrayLike<number>), type: 'DOUBLE', nullable: false };
  let kind: 'number' | 'string' | 'boolean' | null = null;
  let nulls = 0;
  let dates = 0;
  const n = col.length;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    let k: string = typeof v;
    if (v instanceof Date) {
      k = 'number';
      dates++;
    }
    if ((k !== 'number' && k !== 'string' && k !== 'boolean') || (kind !== null && kind !== k)) {
      throw new ValidationError('E_COLUMN_TYPE', `${source}: column "${name}" holds ${kind !== null && (k === 'number' || k === 'string' || k === 'boolean') ? `both ${kind}s and ${k}s` : `a ${k}`} (row ${i}); Parquet columns written here hold one of numbers, strings or booleans.`, { source, field: name, row: i });
    }
    kind = k as 'number' | 'string' | 'boolean';
  }
  const type: BasicType = kind === 'string' ? 'STRING' : kind === 'boolean' ? 'BOOLEAN' : 'DOUBLE';
  // Numbers (and Dates, as epoch milliseconds) without nulls: DOUBLE values in a Float64Array.
  if (kind === 'number' && nulls === 0) return { data: Float64Array.from(col as ArrayLike<number | Date>, (v) => (typeof v === 'number' ? v : v.getTime())), type, nullable: false };
  // A column with nulls, undefined, or Dates: copied with null and epoch milliseconds in their place.
  if (nulls > 0 || dates > 0 || !Array.isArray(col)) {
    const data = Array.from(col, (v) => (v === undefined || v === null ? null : v instanceof Date ? v.getTime() : v));
    return { data, type, nullable: nulls > 0 };
  }
  // Strings or booleans without nulls: written as they are (hyparquet-writer never writes into them).
  return { data: col as unknown[], type, nullable: false };
}

/**
 * Writes a table-like value (a Marksman `Table`, records, columns, a result
 * with `rows`, or an Arrow table: see {@link TableLike}) as a Parquet file:
 * `Float64Array` and numbers as DOUBLE, `Float32Array` as FLOAT,
 * `Int32Array` as INT32, strings as UTF-8 STRING, booleans as BOOLEAN,
 * Dates as epoch milliseconds; nulls are kept. Uses hyparquet-writer (pure
 * JavaScript). {@link readParquet} gives back the same columns. O(rows × columns).
 *
 * @param data - the table-like value
 * @param options - `compression` ('snappy'), `rowGroupSize` (100,000)
 * @returns the file's bytes
 * @throws `ValidationError` `E_INPUT`, `E_NOT_OBJECT`, `E_COLUMN_LENGTH`
 *   (as {@link toArrow}), `E_COLUMN_TYPE` for a column mixing types or
 *   holding objects; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { writeParquet } from '@marksman/io';
 * const bytes = writeParquet([{ customerId: 'a', spend: 12.5 }, { customerId: 'b', spend: null }]);
 * new TextDecoder().decode(bytes.subarray(0, 4)); // => 'PAR1'
 * ```
 */
export function writeParquet(data: TableLike, options?: WriteParquetOptions): Uint8Array {
  const source = 'writeParquet';
  const o = resolveOptions(source, WRITE_DEFAULTS, options);
  if (o.compression !== 'snappy' && o.compression !== 'none') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: compression must be 'snappy' or 'none', got ${JSON.stringify(o.compression)}.`, { source, field: 'compression' });
  }
  if (!Number.isSafeInteger(o.rowGroupSize) || o.rowGroupSize < 1) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: rowGroupSize must be a positive integer, got ${String(o.rowGroupSize)}.`, { source, field: 'rowGroupSize' });
  }
  const { names, columns } = namedColumns(source, data);
  const columnData: ColumnSource[] = names.map((name) => {
    const { data: values, type, nullable } = parquetType(source, name, columns.get(name) as ArrayLike<unknown>);
    return { name, data: values, type, nullable };
  });
  const buffer = parquetWriteBuffer({ columnData, codec: o.compression === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED', rowGroupSize: o.rowGroupSize });
  return new Uint8Array(buffer);
}
