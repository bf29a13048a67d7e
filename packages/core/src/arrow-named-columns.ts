// Internal: single named columns of an Arrow table (and single Arrow
// vectors) for the functions that read a few columns by name rather than
// whole records: ids (user, item, feature), numbers (counts, vector
// components) and list cells (a journey's channels). A single Arrow vector
// of ids is arrowVectorValues(…, 'id') in arrow-input.ts. Built on the table
// reader in arrow-input.ts, through a one-field view of the table, so only
// the named column is read and the type rules are the same everywhere: a
// column of the wrong type is `E_ARROW_TYPE` naming it; a null is handed on
// as `null` for the caller's own checks (never dropped).
import { arrowCheckedRecords, arrowTableColumns, isArrowTable, isArrowVector } from './arrow-input';
import type { ArrowColumnKind } from './arrow-input';
import { isDictionaryColumn } from './dictionary-column';
import { ValidationError } from './errors';
import type { ArrowLikeTable, ArrowLikeVector } from './table';
import { describeValue } from './timestamp';

interface TypeLike {
  readonly typeId?: unknown;
  readonly children?: ReadonlyArray<{ readonly type?: TypeLike }>;
  readonly dictionary?: TypeLike;
}

interface FieldLike {
  readonly name?: unknown;
  readonly type?: TypeLike | undefined;
}

// Arrow's type ids (the specification's Type enum; Dictionary is -1).
const T_LIST = 12;
const T_LARGE_LIST = 21;
const T_FIXED_LIST = 16;

function fieldOf(table: ArrowLikeTable, name: string): FieldLike | undefined {
  return (table.schema.fields as readonly FieldLike[]).find((f) => f.name === name);
}

/** A table of one column: the arrow-input readers then read that column only. */
function oneField(field: FieldLike, vec: () => ArrowLikeVector | null | undefined): ArrowLikeTable {
  return { schema: { fields: [field as { name: string }] }, getChild: () => vec() };
}

/** Internal callers pass strings; this guards the plumbing itself against garbage. */
function requireNames(source: unknown, name: unknown, what: string): void {
  if (typeof source !== 'string' || typeof name !== 'string') {
    const s = typeof source === 'string' ? source : 'arrow';
    throw new ValidationError('E_INPUT', `${s}: the source and the ${what} must be strings.`, { source: s, field: what });
  }
}

function requireTable(source: string, table: unknown): asserts table is ArrowLikeTable {
  if (!isArrowTable(table)) {
    throw new ValidationError('E_INPUT', `${String(source)}: expected an Arrow table (schema.fields and getChild(name)), got ${describeValue(table)}.`, { source: String(source), field: 'table' });
  }
}

/** One column of a one-field table, by kind: typed arrays kept (views), dictionaries decoded, nulls as `null`. */
function readOne(source: string, name: string, t: ArrowLikeTable, kind: ArrowColumnKind, nullCount: number): ArrayLike<unknown> {
  const col = arrowTableColumns(source, t, { [name]: kind })[name];
  if (isDictionaryColumn(col)) {
    // Dictionary columns code nulls as '': read the values instead, so a null stays null.
    if (nullCount > 0) return arrowCheckedRecords(source, t, { [name]: kind }).map((r) => r[name]);
    const out = new Array<string>(col.codes.length);
    for (let i = 0; i < out.length; i++) out[i] = col.values[col.codes[i]!]!;
    return out;
  }
  return col as ArrayLike<unknown>;
}

/**
 * A named column of an Arrow table read as ids (Utf8, dictionary-encoded
 * Utf8, or integers): strings as strings, numbers as numbers (a null-free
 * numeric column is Arrow's own typed array, not a copy), nulls as `null`.
 * `undefined` when the table has no such column. Throws `E_ARROW_TYPE`
 * naming the column for any other type (Bool, dates, nested), and for a
 * 64-bit integer beyond ±2^53 (with its row). O(rows).
 */
export function arrowIdColumn(source: string, table: ArrowLikeTable, name: string): ArrayLike<unknown> | undefined {
  return namedColumn(source, table, name, 'id');
}

/**
 * A named column of an Arrow table read as numbers (Int*, Uint*, Float*):
 * Arrow's own typed array when it has no nulls (a view, not a copy), else a
 * plain array with `null` at the nulls. `undefined` when the table has no
 * such column. Throws `E_ARROW_TYPE` naming the column for text, Bool,
 * dates and nested columns. O(rows) at most.
 */
export function arrowNumberColumn(source: string, table: ArrowLikeTable, name: string): ArrayLike<unknown> | undefined {
  return namedColumn(source, table, name, 'number');
}

function namedColumn(source: string, table: ArrowLikeTable, name: string, kind: ArrowColumnKind): ArrayLike<unknown> | undefined {
  requireNames(source, name, 'column name');
  requireTable(source, table);
  const field = fieldOf(table, name);
  if (field === undefined) return undefined;
  const vec = table.getChild(name);
  const nulls = typeof vec?.nullCount === 'number' ? vec.nullCount : 0;
  return readOne(source, name, oneField(field, () => table.getChild(name)), kind, nulls);
}

/** What the cells of a List column hold: ids (strings or integers), text (strings only) or numbers. */
export type ArrowListKind = 'id' | 'text' | 'number';

const LIST_WANT: Readonly<Record<ArrowListKind, string>> = Object.freeze({
  id: 'a List of strings (Utf8, dictionary-encoded Utf8) or integers',
  text: 'a List of strings (Utf8, dictionary-encoded Utf8)',
  number: 'a List of numbers (Int*, Uint*, Float*)',
});

/**
 * A List column of an Arrow table (List, LargeList or FixedSizeList), one
 * plain array per row with `null` at null elements, or `null` for a null
 * row. `undefined` when the table has no such column. Each row's values
 * follow the rules of {@link arrowIdColumn} / {@link arrowNumberColumn}
 * (dictionaries decoded). Throws `E_ARROW_TYPE` naming the column when it
 * is not a List, or its elements are not of `kind`. O(total elements).
 */
export function arrowListColumn(source: string, table: ArrowLikeTable, name: string, kind: ArrowListKind): Array<ArrayLike<unknown> | null> | undefined {
  requireNames(source, name, 'column name');
  if (kind !== 'id' && kind !== 'text' && kind !== 'number') {
    throw new ValidationError('E_INPUT', `${source}: arrowListColumn needs a kind 'id', 'text' or 'number'.`, { source, field: 'kind' });
  }
  requireTable(source, table);
  const field = fieldOf(table, name);
  if (field === undefined) return undefined;
  const id = field.type?.typeId;
  const wrong = (): ValidationError => {
    const t = field.type === undefined ? 'of unknown type' : String(field.type as unknown);
    return new ValidationError('E_ARROW_TYPE', `${source}: Arrow column "${name}" is ${t}; expected ${LIST_WANT[kind]}. Cast the column before passing the table.`, { source, field: name });
  };
  if (id !== T_LIST && id !== T_LARGE_LIST && id !== T_FIXED_LIST) throw wrong();
  const vec = table.getChild(name);
  if (vec === null || vec === undefined || typeof vec.get !== 'function') throw wrong();
  const child = field.type?.children?.[0];
  const inner: FieldLike = { name, type: child?.type };
  const out = new Array<ArrayLike<unknown> | null>(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const cell = vec.get(i);
    if (cell === null || cell === undefined) {
      out[i] = null;
      continue;
    }
    if (!isArrowVector(cell)) throw wrong();
    try {
      const cellNulls = typeof cell.nullCount === 'number' ? cell.nullCount : 0;
      const values = readOne(source, name, oneField(inner, () => cell), kind === 'number' ? 'number' : kind, cellNulls);
      out[i] = ArrayBuffer.isView(values) ? values : Array.from(values);
    } catch (e) {
      if (e instanceof ValidationError && e.code === 'E_ARROW_TYPE' && e.row === undefined) throw wrong();
      throw e;
    }
  }
  return out;
}
