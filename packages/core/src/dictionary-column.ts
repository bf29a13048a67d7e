import { ValidationError } from './errors';
import { describeValue } from './timestamp';

/**
 * A column of strings stored once each: `values` holds the distinct strings and `codes[i]` the
 * position in `values` of row i's string (Apache Arrow calls this dictionary encoding). Row i's
 * value is `values[codes[i]]`. What {@link parseCsv} returns for text columns; the profiling
 * functions accept it wherever they accept an id column, grouping by the integer codes.
 */
export interface DictionaryColumn {
  /** Always `'dictionary'`. */
  readonly kind: 'dictionary';
  /** For each row, the index of its value in `values`. */
  readonly codes: Int32Array;
  /** The distinct values, in order of first appearance. */
  readonly values: readonly string[];
}

/**
 * Whether `value` is a {@link DictionaryColumn}: an object with `kind: 'dictionary'`, an
 * `Int32Array` of codes and an array of values. Checks the shape only, not every code. O(1).
 *
 * @param value - anything
 * @returns true for a dictionary column
 * @example
 * ```ts
 * import { isDictionaryColumn } from '@marksman/core';
 * isDictionaryColumn({ kind: 'dictionary', codes: Int32Array.of(0, 1, 0), values: ['UK', 'FR'] }); // => true
 * isDictionaryColumn(['UK', 'FR', 'UK']); // => false
 * ```
 */
export function isDictionaryColumn(value: unknown): value is DictionaryColumn {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; codes?: unknown; values?: unknown };
  return v.kind === 'dictionary' && v.codes instanceof Int32Array && Array.isArray(v.values);
}

/**
 * Dictionary-encodes an array of strings: distinct values in order of first appearance.
 * O(n) with hashing.
 *
 * @param values - the strings, one per row
 * @returns the {@link DictionaryColumn}
 * @throws `ValidationError` `E_INPUT` when `values` is not an array, or holds something other
 *   than a string (naming the row)
 * @example
 * ```ts
 * import { dictionaryEncode } from '@marksman/core';
 * const c = dictionaryEncode(['UK', 'FR', 'UK']);
 * c.codes; // => Int32Array [0, 1, 0]
 * c.values; // => ['UK', 'FR']
 * ```
 */
export function dictionaryEncode(values: readonly string[]): DictionaryColumn {
  const source = 'dictionaryEncode';
  if (!Array.isArray(values)) throw new ValidationError('E_INPUT', `${source}: expected an array of strings, got ${describeValue(values)}.`, { source, field: 'values' });
  const n = values.length;
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const distinct: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'string') throw new ValidationError('E_INPUT', `${source}: row ${i} is ${describeValue(v)}; every value must be a string.`, { source, field: 'values', row: i });
    let c = index.get(v);
    if (c === undefined) {
      c = distinct.length;
      index.set(v, c);
      distinct.push(v);
    }
    codes[i] = c;
  }
  return Object.freeze({ kind: 'dictionary', codes, values: Object.freeze(distinct) });
}
