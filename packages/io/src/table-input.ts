// Internal: any table-like value (a result of ours, records, columns, an
// Arrow table) → named columns of plain values, for toArrow and writeParquet.
import { Table, ValidationError, isDictionaryColumn } from '@marksman/core';
import type { ArrowLikeTable, DictionaryColumn, TypedColumn } from '@marksman/core';
import { arrowColumnNames, isArrowTable } from '@marksman/core/internal';

/**
 * What {@link toArrow} and {@link writeParquet} accept: a Marksman `Table`
 * (what `rfm`, `behaviourFeatures`, `buildProfiles` return), an array of
 * records (recommendation lists, cluster descriptions…), an object of equal
 * columns (arrays, typed arrays or dictionary-encoded text such as
 * `cleanTransactions` and `parseCsv` return), an object whose `rows` is an array of records (`summarizeForClv`,
 * `cleanTransactions`, `validateTransactions`), or an Arrow table.
 */
export type TableLike =
  | Table
  | readonly object[]
  | Readonly<Record<string, TypedColumn | ArrayLike<unknown> | DictionaryColumn>>
  | ColumnsResult
  | RowsResult
  | ArrowLikeTable;

/**
 * An object of columns typed loosely, such as the `columns` of `cleanTransactions`, whose passed-through
 * columns are typed `unknown`: each is checked when read (an array, a typed array or a dictionary column).
 */
export interface ColumnsResult {
  /** One column per name. */
  readonly [column: string]: unknown;
}

/** A result that carries its table as records under `rows` (`summarizeForClv`, `cleanTransactions`…). */
export interface RowsResult {
  /** One record per row. */
  readonly rows: readonly object[];
}

/** Named columns of one length, in column order (dictionary columns only when asked to keep them). */
export interface NamedColumns {
  readonly names: readonly string[];
  readonly columns: ReadonlyMap<string, ArrayLike<unknown> | DictionaryColumn>;
  readonly numRows: number;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function isPlainRecord(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function isColumn(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function fromRecords(source: string, rows: readonly object[]): NamedColumns {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isPlainRecord(r)) throw new ValidationError('E_NOT_OBJECT', `${source}: row ${i} is ${describe(r)}, not a record; give an array of objects.`, { source, row: i });
    for (const k of Object.keys(r as object)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  const columns = new Map<string, ArrayLike<unknown>>();
  for (const name of names) {
    const col = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const v = (rows[i] as Record<string, unknown>)[name];
      col[i] = v === undefined ? null : v;
    }
    columns.set(name, col);
  }
  return { names, columns, numRows: rows.length };
}

function fromTable(t: Table): NamedColumns {
  const columns = new Map<string, ArrayLike<unknown>>();
  let records: ReturnType<Table['toRecords']> | null = null;
  for (const name of t.columnNames) {
    const c = t.column(name);
    // A typed column is shared as it is (never written to); an inferred
    // float64 column with missing values holds NaN there, and the table
    // knows which NaN are nulls: read those rows through the records.
    let hasNaN = false;
    if (c instanceof Float64Array || c instanceof Float32Array) for (let i = 0; i < c.length && !hasNaN; i++) hasNaN = Number.isNaN(c[i]);
    if (hasNaN) {
      records ??= t.toRecords();
      const rs = records;
      columns.set(name, rs.map((r) => r[name] ?? null));
    } else columns.set(name, c);
  }
  return { names: t.columnNames, columns, numRows: t.numRows };
}

function fromArrow(source: string, t: ArrowLikeTable): NamedColumns {
  const names = arrowColumnNames(t);
  const columns = new Map<string, ArrayLike<unknown>>();
  let n = -1;
  for (const name of names) {
    const v = t.getChild(name);
    if (v === null || v === undefined) throw new ValidationError('E_COLUMN', `${source}: the Arrow table has no vector for column "${name}".`, { source, field: name });
    let values: ArrayLike<unknown>;
    const all = (v.nullCount ?? 0) === 0 && typeof v.toArray === 'function' ? v.toArray() : undefined;
    if (all !== undefined && !(all instanceof BigInt64Array || all instanceof BigUint64Array) && (v as { type?: { typeId?: number } }).type?.typeId !== 10) values = all;
    else {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v.get?.(i);
        out[i] = x === undefined ? null : typeof x === 'bigint' && Number.isSafeInteger(Number(x)) ? Number(x) : x;
      }
      values = out;
    }
    n = Math.max(n, values.length);
    columns.set(name, values);
  }
  return { names, columns, numRows: Math.max(n, 0) };
}

function badCode(source: string, name: string, d: DictionaryColumn, row: number): ValidationError {
  return new ValidationError('E_COLUMN_TYPE', `${source}: dictionary column "${name}" has code ${d.codes[row]!} at row ${row}, outside its ${d.values.length} values.`, { source, field: name, row });
}

/** A dictionary-encoded column's strings, one per row (E_COLUMN_TYPE for a code outside its values). */
function decode(source: string, name: string, d: DictionaryColumn): string[] {
  const { codes, values } = d;
  const n = codes.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[codes[i]!];
    if (v === undefined) throw badCode(source, name, d, i);
    out[i] = v;
  }
  return out;
}

/** A dictionary-encoded column kept as it is, once every code is checked to fall inside its values. */
function checkedDictionary(source: string, name: string, d: DictionaryColumn): DictionaryColumn {
  const { codes } = d;
  const size = d.values.length;
  for (let i = 0; i < codes.length; i++) if (!(codes[i]! >= 0 && codes[i]! < size)) throw badCode(source, name, d, i);
  return d;
}

/**
 * Any {@link TableLike} → named columns (shared, never written). Dictionary-encoded text
 * columns are decoded into strings, or with `keepDictionaries` handed on as they are (their
 * codes checked).
 */
export function namedColumns(source: string, input: TableLike, keepDictionaries = false): NamedColumns {
  if (input instanceof Table) return fromTable(input);
  if (Array.isArray(input)) return fromRecords(source, input as readonly object[]);
  if (isArrowTable(input)) return fromArrow(source, input);
  if (!isPlainRecord(input)) {
    throw new ValidationError('E_INPUT', `${source}: expected a Table, records, an object of columns, a result with rows, or an Arrow table; got ${describe(input)}.`, { source, field: 'data' });
  }
  const obj = input as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k) => isColumn(obj[k]) || isDictionaryColumn(obj[k]))) {
    const columns = new Map<string, ArrayLike<unknown> | DictionaryColumn>();
    let n = -1;
    for (const k of keys) {
      const given = obj[k];
      let c: ArrayLike<unknown> | DictionaryColumn;
      let length: number;
      if (isDictionaryColumn(given)) {
        c = keepDictionaries ? checkedDictionary(source, k, given) : decode(source, k, given);
        length = given.codes.length;
      } else {
        c = given as ArrayLike<unknown>;
        length = c.length;
      }
      if (n >= 0 && length !== n) throw new ValidationError('E_COLUMN_LENGTH', `${source}: column "${k}" has ${length} values, other columns have ${n}.`, { source, field: k });
      n = length;
      columns.set(k, c);
    }
    return { names: keys, columns, numRows: n };
  }
  if (Array.isArray(obj.rows)) return fromRecords(`${source} (rows)`, obj.rows as readonly object[]);
  throw new ValidationError('E_INPUT', `${source}: this object is neither columns of equal length nor a result with a rows array; pass its table-like part (got keys ${keys.map((k) => JSON.stringify(k)).join(', ') || 'none'}).`, { source, field: 'data' });
}

