import { ValidationError, isDictionaryColumn } from '@marksman/core';
import type { DictionaryColumn } from '@marksman/core';
import { namedColumns } from './table-input';
import type { TableLike } from './table-input';

/**
 * The part of the `apache-arrow` module that {@link toArrow} uses: pass the
 * module itself (`import * as arrow from 'apache-arrow'`). Typed
 * structurally, so this package does not depend on `apache-arrow`.
 */
export interface ArrowModule {
  /** Arrow's `tableFromArrays`: typed arrays are wrapped without a copy, plain arrays inferred. */
  tableFromArrays(input: Record<string, unknown>): unknown;
  /** Arrow's `Table` class (only its type is used: it names what {@link toArrow} returns). */
  readonly Table: ArrowTableClass;
  /** Arrow's `makeVector` (optional: with it and the three types below, text columns are dictionary-encoded by a faster route). */
  makeVector?(input: unknown): unknown;
  /** Arrow's `vectorFromArray` (optional, see `makeVector`). */
  vectorFromArray?(values: unknown, type?: unknown): unknown;
  /** Arrow's `Dictionary` type class (optional, see `makeVector`). */
  readonly Dictionary?: unknown;
  /** Arrow's `Utf8` type class (optional, see `makeVector`). */
  readonly Utf8?: unknown;
  /** Arrow's `Int32` type class (optional, see `makeVector`). */
  readonly Int32?: unknown;
}

/** A class of the module, as this file calls it. */
type AnyClass = new (...args: unknown[]) => unknown;

/** A class as {@link ArrowModule} sees Arrow's `Table`: its prototype's type is the table type. */
export interface ArrowTableClass {
  /** The class's prototype (typed as the instances are). */
  readonly prototype: unknown;
}

/** The `Table` type of the given Arrow module (what {@link toArrow} returns). */
export type ArrowTableOf<M extends ArrowModule> = M['Table']['prototype'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** What {@link dictionaryVector} needs of the module, when it has it all. */
interface DictionaryParts {
  readonly makeVector: (input: unknown) => unknown;
  readonly vectorFromArray: (values: unknown, type?: unknown) => unknown;
  readonly Dictionary: AnyClass;
  readonly Utf8: AnyClass;
  readonly Int32: AnyClass;
}

function dictionaryParts(arrow: ArrowModule): DictionaryParts | null {
  const { makeVector, vectorFromArray } = arrow;
  const Dictionary = arrow.Dictionary as AnyClass | undefined;
  const Utf8 = arrow.Utf8 as AnyClass | undefined;
  const Int32 = arrow.Int32 as AnyClass | undefined;
  if (typeof makeVector !== 'function' || typeof vectorFromArray !== 'function' || typeof Dictionary !== 'function' || typeof Utf8 !== 'function' || typeof Int32 !== 'function') return null;
  return { makeVector: makeVector.bind(arrow), vectorFromArray: vectorFromArray.bind(arrow), Dictionary, Utf8, Int32 };
}

/**
 * An Arrow `Dictionary<Int32, Utf8>` vector over these codes (not copied)
 * and these distinct strings: Arrow's builder (which `tableFromArrays` uses)
 * is several times slower.
 */
function dictionaryVector(parts: DictionaryParts, codes: Int32Array, values: readonly string[]): unknown {
  const dictionary = parts.vectorFromArray(values, new parts.Utf8());
  return parts.makeVector({ type: new parts.Dictionary(new parts.Utf8(), new parts.Int32()), data: codes, dictionary });
}

/** Strings without nulls dictionary-encoded with one hash lookup per row. */
function encodeStrings(col: ArrayLike<unknown>): { codes: Int32Array; values: string[] } {
  const n = col.length;
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = col[i] as string;
    let c = index.get(v);
    if (c === undefined) {
      c = values.length;
      index.set(v, c);
      values.push(v);
    }
    codes[i] = c;
  }
  return { codes, values };
}

/**
 * A column as Arrow should get it: typed arrays as they are, dictionary
 * columns and strings without nulls as Dictionary vectors (when the module
 * has what that needs), numbers without nulls as a Float64Array, anything
 * else as values with `null` for missing ones; strings mixed with numbers
 * refused.
 */
function arrowColumn(source: string, name: string, col: ArrayLike<unknown> | DictionaryColumn, parts: DictionaryParts | null): unknown {
  if (isDictionaryColumn(col)) return parts !== null ? dictionaryVector(parts, col.codes, col.values) : Array.from(col.codes, (c) => col.values[c]);
  if (ArrayBuffer.isView(col)) return col;
  const n = col.length;
  let numbers = 0;
  let strings = 0;
  let undefs = 0;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (typeof v === 'string') strings++;
    else if (typeof v === 'number') numbers++;
    else if (v === undefined) undefs++;
  }
  if (numbers > 0 && strings > 0) {
    throw new ValidationError('E_COLUMN_TYPE', `${source}: column "${name}" mixes strings and numbers; Arrow columns hold one type. Convert the ids to strings (or numbers) first.`, { source, field: name });
  }
  if (n === 0) return Array.from(col);
  // Numbers without nulls: a Float64Array, which Arrow wraps without copying again.
  if (numbers === n) return Float64Array.from(col as ArrayLike<number>);
  if (strings === n && parts !== null) {
    const { codes, values } = encodeStrings(col);
    return dictionaryVector(parts, codes, values);
  }
  // Arrow reads the values (never writes them): copy only to turn undefined into null.
  return undefs > 0 ? Array.from(col, (v) => (v === undefined ? null : v)) : col;
}

/**
 * An Apache Arrow `Table` from a table-like result: a Marksman `Table`
 * (`rfm`, `behaviourFeatures`, `buildProfiles`, `rfmScores`…), records
 * (recommendation lists, segment assignments, experiment summaries'
 * metrics…), an object of equal-length columns, or a result whose `rows`
 * is an array of records (`summarizeForClv`, `cleanTransactions`). Typed
 * columns (`Float64Array`, `Int32Array`…) become Arrow vectors over the same
 * memory (no copy; Arrow never writes into them); strings become
 * dictionary-encoded Utf8, booleans Bool, numbers with missing values
 * Float64 with nulls, nested values whatever Arrow infers. O(rows × columns).
 *
 * `apache-arrow` is an optional peer: pass the module you already import,
 * so the result has your module's `Table` type and bundlers see one copy.
 *
 * @param result - the table-like value (see {@link TableLike})
 * @param arrow - the `apache-arrow` module (`import * as arrow from 'apache-arrow'`)
 * @returns an Arrow `Table` of the module given
 * @throws `ValidationError` `E_INPUT` for a value that is not table-like or
 *   an `arrow` without `tableFromArrays`, `E_NOT_OBJECT` for a record that
 *   is not an object, `E_COLUMN_LENGTH` for columns of different lengths,
 *   `E_COLUMN_TYPE` for a column Arrow cannot hold (strings mixed with
 *   numbers, values Arrow refuses)
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { toArrow } from '@marksman/io';
 * import { rfm } from '@marksman/profiling';
 * const t = rfm([
 *   { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
 *   { customerId: 'a', orderId: 2, timestamp: '2024-01-21', quantity: 1, amount: 30 },
 * ], { asOf: '2024-01-31' });
 * const table = toArrow(t, arrow);
 * table.numRows; // => 1
 * table.getChild('monetary')?.toArray(); // => Float64Array [40]
 * String(table.schema.fields[0]?.type); // => 'Dictionary<Int32, Utf8>'
 * ```
 */
export function toArrow<M extends ArrowModule>(result: TableLike, arrow: M): ArrowTableOf<M> {
  const source = 'toArrow';
  if (typeof arrow !== 'object' || arrow === null || typeof (arrow as { tableFromArrays?: unknown }).tableFromArrays !== 'function') {
    throw new ValidationError('E_INPUT', `${source}: the second argument must be the apache-arrow module (import * as arrow from 'apache-arrow'), got ${describe(arrow)}.`, { source, field: 'arrow.tableFromArrays' });
  }
  const { names, columns } = namedColumns(source, result, true);
  const parts = dictionaryParts(arrow);
  const input: Record<string, unknown> = {};
  for (const name of names) input[name] = arrowColumn(source, name, columns.get(name)!, parts);
  try {
    return arrow.tableFromArrays(input) as ArrowTableOf<M>;
  } catch (e) {
    // Name the column Arrow refused.
    for (const name of names) {
      try {
        arrow.tableFromArrays({ [name]: input[name] });
      } catch (inner) {
        throw new ValidationError('E_COLUMN_TYPE', `${source}: Arrow cannot hold column "${name}": ${inner instanceof Error ? inner.message : String(inner)}.`, { source, field: name });
      }
    }
    throw new ValidationError('E_COLUMN_TYPE', `${source}: Arrow refused the table: ${e instanceof Error ? e.message : String(e)}.`, { source, field: 'data' });
  }
}
