import { arrowCheckedRecords, isArrowTable } from './arrow-input';
import { OptionsError, StateError, ValidationError } from './errors';
import { resolveOptions } from './options';
import { describeValue } from './timestamp';
import { IdIndex, IdIndexBuilder } from './id-index';
import { checkBooleanOption, checkInteractionInto, throwProblem } from './validate';
import type { InteractionScratch } from './validate';
import type { Id, Interaction } from './types';
import type { ArrowLikeTable } from './table';

/**
 * What to do with repeated (row, column) entries when building a matrix:
 * `sum` adds them (counts, implicit feedback), `max` keeps the largest,
 * `last` keeps the one that comes last in the input (latest rating).
 */
export type DuplicatePolicy = 'sum' | 'max' | 'last';

/** The JSON form of a {@link CsrMatrix}. */
export interface CsrMatrixJSON {
  /** Number of rows. */
  readonly nRows: number;
  /** Number of columns. */
  readonly nCols: number;
  /** Row pointers, length nRows + 1. */
  readonly indptr: readonly number[];
  /** Column index of each stored entry. */
  readonly indices: readonly number[];
  /** Value of each stored entry. */
  readonly data: readonly number[];
}

/** The arrays of a CSR matrix, as taken by {@link CsrMatrix.fromParts}. */
export interface CsrParts {
  /** Number of rows. */
  readonly nRows: number;
  /** Number of columns. */
  readonly nCols: number;
  /** Row pointers, length nRows + 1, starting at 0, non-decreasing. */
  readonly indptr: ArrayLike<number>;
  /** Column indexes, strictly increasing within each row. */
  readonly indices: ArrayLike<number>;
  /** Finite values, one per stored entry. */
  readonly data: ArrayLike<number>;
}

/** One row of a {@link CsrMatrix}: views into the matrix's arrays (read-only by contract). */
export interface CsrRow {
  /** Column indexes of the stored entries, ascending. */
  readonly indices: Int32Array;
  /** Their values. */
  readonly values: Float64Array;
}

/** Coordinate (triplet) form of a matrix, from {@link CsrMatrix.toCoo}. */
export interface CooArrays {
  /** Row index of each entry. */
  readonly rows: Int32Array;
  /** Column index of each entry. */
  readonly cols: Int32Array;
  /** Value of each entry. */
  readonly values: Float64Array;
}

/** Options of {@link CsrMatrix.fromCoo}. */
export interface FromCooOptions {
  /** How repeated (row, column) entries combine; default `'sum'`. */
  readonly duplicates?: DuplicatePolicy;
}

/** Options of {@link CsrMatrix.toDense}. */
export interface ToDenseOptions {
  /** Refuse to build more than this many cells (default 10,000,000 = 80 MB). */
  readonly maxCells?: number;
}

const FROM_COO_DEFAULTS: Required<FromCooOptions> = Object.freeze({ duplicates: 'sum' });
const TO_DENSE_DEFAULTS: Required<ToDenseOptions> = Object.freeze({ maxCells: 10_000_000 });

function checkShape(source: string, nRows: unknown, nCols: unknown): void {
  for (const [field, v] of [['nRows', nRows], ['nCols', nCols]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new ValidationError('E_SHAPE', `${source}: ${field} must be an integer in [0, 2^31), got ${describeValue(v)}.`, { source, field });
    }
  }
}

function checkPolicy(source: string, p: unknown): asserts p is DuplicatePolicy {
  if (p !== 'sum' && p !== 'max' && p !== 'last') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: duplicates must be 'sum', 'max' or 'last', got ${describeValue(p)}.`, { source, field: 'duplicates' });
  }
}

function rangeError(source: string, what: string, value: unknown, limit: number, field?: string): ValidationError {
  return new ValidationError('E_INDEX_RANGE', `${source}: ${what} ${describeValue(value)} is outside [0, ${limit}).`, field === undefined ? { source } : { source, field });
}

/** The first of indptr, indices and data that is not a list of numbers. */
function listField(parts: { readonly indptr?: unknown; readonly indices?: unknown }): string {
  return !isNumberList(parts.indptr) ? 'indptr' : !isNumberList(parts.indices) ? 'indices' : 'data';
}

function structureError(source: string, text: string, field: string): ValidationError {
  return new ValidationError('E_CSR_STRUCTURE', `${source}: ${text}`, { source, field });
}

function isNumberList(a: unknown): a is ArrayLike<number> {
  return Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));
}

function checkList(source: string, field: string, a: unknown): asserts a is ArrayLike<number> {
  if (!isNumberList(a)) throw new ValidationError('E_INPUT', `${source}: ${field} must be an array or typed array of numbers, got ${describeValue(a)}.`, { source, field });
}

/** `new Int32Array(n)` (or Float64Array), with `E_TOO_LARGE` instead of a RangeError when it cannot be allocated. */
function alloc<T>(source: string, field: string, make: new (n: number) => T, n: number): T {
  try {
    return new make(n);
  } catch {
    throw new ValidationError('E_TOO_LARGE', `${source}: ${field} needs ${n} entries, more memory than can be allocated; use a smaller matrix.`, { source, field });
  }
}

/**
 * A sparse matrix in compressed sparse row form (rows = users, columns =
 * items, as in scipy.sparse.csr_matrix). Row `i` stores its entries at
 * positions `indptr[i]` … `indptr[i+1]−1` of `indices` (column indexes,
 * strictly ascending within the row) and `data` (finite values).
 *
 * **Immutable by contract**: the fields are plain typed arrays (freezing
 * them is impossible, copying them on every access would cost O(nnz)), so
 * never write into `indptr`, `indices`, `data` or the views returned by
 * {@link CsrMatrix.row}. Every method returns a new matrix or new arrays.
 * Explicit zeros are stored when they are given (or when duplicates sum to 0).
 *
 * @example
 * ```ts
 * import { CsrMatrix } from '@marksman/core';
 * const m = CsrMatrix.fromCoo(Int32Array.of(0, 1, 0), Int32Array.of(2, 0, 2), Float64Array.of(1, 5, 2), 2, 3);
 * m.nnz; // => 2
 * m.get(0, 2); // => 3 (duplicates summed)
 * m.toDense(); // => [Float64Array [0, 0, 3], Float64Array [5, 0, 0]]
 * ```
 */
export class CsrMatrix {
  /** Number of rows. */
  readonly nRows: number;
  /** Number of columns. */
  readonly nCols: number;
  /** Row pointers (length nRows + 1); read-only by contract. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry, ascending within a row; read-only by contract. */
  readonly indices: Int32Array;
  /** Value of each stored entry; read-only by contract. */
  readonly data: Float64Array;

  private constructor(nRows: number, nCols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array) {
    this.nRows = nRows;
    this.nCols = nCols;
    this.indptr = indptr;
    this.indices = indices;
    this.data = data;
  }

  /**
   * Builds a matrix from coordinate triplets `(rows[k], cols[k], values[k])`
   * (values all 1 when `values` is null), combining repeated coordinates per
   * `duplicates`. Two stable counting sorts (by column, then by row) put the
   * entries in CSR order with columns ascending within each row, so the cost
   * is O(nnz + nRows + nCols) with no comparison sort, and `last` means the
   * last occurrence in input order. Inputs are not modified.
   *
   * @param rows - row index of each entry, integers in [0, nRows)
   * @param cols - column index of each entry, integers in [0, nCols)
   * @param values - value of each entry (finite), or null for all ones
   * @param nRows - number of rows
   * @param nCols - number of columns
   * @param options - see {@link FromCooOptions}
   * @throws {@link ValidationError} `E_INPUT` when rows, cols or values is
   *   not an array or typed array (values may be null), `E_SHAPE` for a bad
   *   nRows/nCols, `E_LENGTH` when the arrays differ in length,
   *   `E_INDEX_RANGE` for an index that is not an integer in range,
   *   `E_NUMBER` for a value that is not a finite number, `E_TOO_LARGE` when
   *   the matrix cannot be allocated; {@link OptionsError} `E_OPTION_RANGE`
   *   for an unknown `duplicates` policy
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const r = Int32Array.of(0, 0), c = Int32Array.of(1, 1), v = Float64Array.of(4, 2);
   * CsrMatrix.fromCoo(r, c, v, 1, 2, { duplicates: 'max' }).get(0, 1); // => 4
   * CsrMatrix.fromCoo(r, c, v, 1, 2, { duplicates: 'last' }).get(0, 1); // => 2
   * ```
   */
  static fromCoo(
    rows: Int32Array,
    cols: Int32Array,
    values: Float64Array | null,
    nRows: number,
    nCols: number,
    options?: FromCooOptions,
  ): CsrMatrix {
    const source = 'CsrMatrix.fromCoo';
    const { duplicates } = resolveOptions(source, FROM_COO_DEFAULTS, options);
    checkPolicy(source, duplicates);
    checkShape(source, nRows, nCols);
    checkList(source, 'rows', rows);
    checkList(source, 'cols', cols);
    if (values !== null) checkList(source, 'values', values);
    const n = rows.length;
    if (cols.length !== n || (values !== null && values.length !== n)) {
      throw new ValidationError('E_LENGTH', `${source}: rows, cols and values must have the same length, got ${n}, ${cols.length}, ${values === null ? 'null' : values.length}.`, { source, field: cols.length !== n ? 'cols' : 'values' });
    }
    for (let k = 0; k < n; k++) {
      const r = rows[k] as number;
      const c = cols[k] as number;
      if ((r | 0) !== r || r < 0 || r >= nRows) {
        throw new ValidationError('E_INDEX_RANGE', `${source}: rows[${k}] = ${describeValue(r)} is not an integer in [0, ${nRows}).`, { source, field: 'rows', row: k });
      }
      if ((c | 0) !== c || c < 0 || c >= nCols) {
        throw new ValidationError('E_INDEX_RANGE', `${source}: cols[${k}] = ${describeValue(c)} is not an integer in [0, ${nCols}).`, { source, field: 'cols', row: k });
      }
      if (values !== null && !Number.isFinite(values[k] as number)) {
        throw new ValidationError('E_NUMBER', `${source}: values[${k}] = ${describeValue(values[k])} is not a finite number.`, { source, field: 'values', row: k });
      }
    }

    // Pass 1: stable counting sort of entry numbers by column.
    const colStart = alloc(source, 'nCols', Int32Array, nCols + 1);
    for (let k = 0; k < n; k++) {
      const c1 = (cols[k] as number) + 1;
      colStart[c1] = (colStart[c1] as number) + 1;
    }
    for (let c = 0; c < nCols; c++) colStart[c + 1] = (colStart[c + 1] as number) + (colStart[c] as number);
    const byCol = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const c = cols[k] as number;
      const pos = colStart[c] as number;
      colStart[c] = pos + 1;
      byCol[pos] = k;
    }

    // Pass 2: stable counting sort by row, visiting entries in column order,
    // so columns come out ascending within each row and equal (row, column)
    // pairs are adjacent in input order.
    const indptr = alloc(source, 'nRows', Int32Array, nRows + 1);
    for (let k = 0; k < n; k++) {
      const r1 = (rows[k] as number) + 1;
      indptr[r1] = (indptr[r1] as number) + 1;
    }
    for (let r = 0; r < nRows; r++) indptr[r + 1] = (indptr[r + 1] as number) + (indptr[r] as number);
    const next = indptr.slice(0, nRows);
    let indices = new Int32Array(n);
    let data = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const k = byCol[t] as number;
      const r = rows[k] as number;
      const pos = next[r] as number;
      next[r] = pos + 1;
      indices[pos] = cols[k] as number;
      data[pos] = values === null ? 1 : (values[k] as number);
    }

    // Pass 3: merge adjacent duplicates in place.
    let w = 0;
    let start = 0;
    for (let r = 0; r < nRows; r++) {
      const end = indptr[r + 1] as number;
      const rowW = w;
      indptr[r] = w;
      for (let p = start; p < end; p++) {
        const c = indices[p] as number;
        const v = data[p] as number;
        if (w > rowW && indices[w - 1] === c) {
          if (duplicates === 'sum') data[w - 1] = (data[w - 1] as number) + v;
          else if (duplicates === 'max') {
            if (v > (data[w - 1] as number)) data[w - 1] = v;
          } else data[w - 1] = v;
        } else {
          indices[w] = c;
          data[w] = v;
          w++;
        }
      }
      start = end;
    }
    indptr[nRows] = w;
    if (w < n) {
      indices = indices.slice(0, w);
      data = data.slice(0, w);
    }
    return new CsrMatrix(nRows, nCols, indptr, indices, data);
  }

  /**
   * A matrix from CSR arrays, checked and copied (later changes to the
   * caller's arrays do not affect it). O(nnz + nRows).
   *
   * @param parts - see {@link CsrParts}
   * @throws {@link ValidationError} `E_SHAPE` for a bad nRows/nCols,
   *   `E_CSR_STRUCTURE` when the arrays do not form a valid CSR matrix
   *   (wrong lengths, decreasing pointers, unsorted or repeated columns,
   *   column out of range, non-finite value)
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromParts({ nRows: 2, nCols: 2, indptr: [0, 1, 1], indices: [1], data: [9] }).get(0, 1); // => 9
   * ```
   */
  static fromParts(parts: CsrParts): CsrMatrix {
    const source = 'CsrMatrix.fromParts';
    if (typeof parts !== 'object' || parts === null) throw structureError(source, `expected { nRows, nCols, indptr, indices, data }, got ${describeValue(parts)}.`, 'parts');
    const { nRows, nCols } = parts;
    checkShape(source, nRows, nCols);
    if (!isNumberList(parts.indptr) || !isNumberList(parts.indices) || !isNumberList(parts.data)) throw structureError(source, `${listField(parts)} must be an array of numbers (indptr, indices and data all must).`, listField(parts));
    if (parts.indptr.length !== nRows + 1) throw structureError(source, `indptr has length ${parts.indptr.length}, expected nRows + 1 = ${nRows + 1}.`, 'indptr');
    const indptr = Int32Array.from(parts.indptr);
    const nnz = parts.indices.length;
    if (parts.data.length !== nnz) throw structureError(source, `indices and data differ in length (${nnz} vs ${parts.data.length}).`, 'data');
    if (indptr[0] !== 0 || indptr[nRows] !== nnz || parts.indptr[nRows] !== nnz) throw structureError(source, `indptr must start at 0 and end at nnz = ${nnz}.`, 'indptr');
    const indices = Int32Array.from(parts.indices);
    const data = Float64Array.from(parts.data);
    for (let r = 0; r < nRows; r++) {
      const a = indptr[r] as number;
      const b = indptr[r + 1] as number;
      if (b < a || parts.indptr[r] !== a) throw structureError(source, `indptr must be non-decreasing integers (row ${r}).`, 'indptr');
      for (let p = a; p < b; p++) {
        const c = indices[p] as number;
        if (parts.indices[p] !== c || c < 0 || c >= nCols) throw structureError(source, `column index ${describeValue(parts.indices[p])} in row ${r} is outside [0, ${nCols}).`, 'indices');
        if (p > a && c <= (indices[p - 1] as number)) throw structureError(source, `column indexes in row ${r} must be strictly ascending.`, 'indices');
        if (typeof parts.data[p] !== 'number' || !Number.isFinite(data[p] as number)) throw structureError(source, `value ${describeValue(parts.data[p])} in row ${r} is not a finite number.`, 'data');
      }
    }
    return new CsrMatrix(nRows, nCols, indptr, indices, data);
  }

  /**
   * Restores a matrix from {@link CsrMatrix.toJSON}; the round trip is exact.
   *
   * @throws {@link ValidationError} `E_SHAPE` / `E_CSR_STRUCTURE` as {@link CsrMatrix.fromParts}
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(1), Int32Array.of(0), Float64Array.of(0.5), 2, 1);
   * CsrMatrix.fromJSON(JSON.parse(JSON.stringify(m))).get(1, 0); // => 0.5
   * ```
   */
  static fromJSON(json: CsrMatrixJSON): CsrMatrix {
    return CsrMatrix.fromParts(json);
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.indices.length;
  }

  #checkRow(source: string, i: number, field = 'row'): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.nRows) throw rangeError(source, field, i, this.nRows, field);
  }

  /**
   * The stored entries of row `i`, as subarray views of `indices` and `data`
   * (no copy; do not write into them). O(1).
   *
   * @throws {@link ValidationError} `E_INDEX_RANGE`
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(0, 0), Int32Array.of(3, 1), Float64Array.of(7, 8), 1, 4);
   * m.row(0); // => { indices: Int32Array [1, 3], values: Float64Array [8, 7] }
   * ```
   */
  row(i: number): CsrRow {
    this.#checkRow('CsrMatrix.row', i);
    const a = this.indptr[i] as number;
    const b = this.indptr[i + 1] as number;
    return { indices: this.indices.subarray(a, b), values: this.data.subarray(a, b) };
  }

  /**
   * Number of stored entries in row `i`. O(1).
   *
   * @throws {@link ValidationError} `E_INDEX_RANGE`
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(0, 0), Int32Array.of(0, 1), null, 2, 2).rowNnz(0); // => 2
   * ```
   */
  rowNnz(i: number): number {
    this.#checkRow('CsrMatrix.rowNnz', i);
    return (this.indptr[i + 1] as number) - (this.indptr[i] as number);
  }

  /**
   * The value at (i, j), 0 when not stored. Binary search: O(log nnz(row)).
   *
   * @throws {@link ValidationError} `E_INDEX_RANGE`
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(1), Float64Array.of(2.5), 1, 3);
   * m.get(0, 1); // => 2.5
   * m.get(0, 2); // => 0
   * ```
   */
  get(i: number, j: number): number {
    this.#checkRow('CsrMatrix.get', i);
    if (!Number.isInteger(j) || j < 0 || j >= this.nCols) throw rangeError('CsrMatrix.get', 'column', j, this.nCols, 'column');
    let lo = this.indptr[i] as number;
    let hi = (this.indptr[i + 1] as number) - 1;
    const idx = this.indices;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = idx[mid] as number;
      if (c === j) return this.data[mid] as number;
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * The transpose (columns become rows), by one counting pass:
   * O(nnz + nRows + nCols). Columns of the result are ascending because rows
   * are visited in order.
   *
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(2), null, 1, 3);
   * m.transpose().get(2, 0); // => 1
   * ```
   */
  transpose(): CsrMatrix {
    const { nRows, nCols, indptr, indices, data } = this;
    const nnz = indices.length;
    const tptr = new Int32Array(nCols + 1);
    for (let p = 0; p < nnz; p++) {
      const c1 = (indices[p] as number) + 1;
      tptr[c1] = (tptr[c1] as number) + 1;
    }
    for (let c = 0; c < nCols; c++) tptr[c + 1] = (tptr[c + 1] as number) + (tptr[c] as number);
    const next = tptr.slice(0, nCols);
    const tIndices = new Int32Array(nnz);
    const tData = new Float64Array(nnz);
    for (let r = 0; r < nRows; r++) {
      const end = indptr[r + 1] as number;
      for (let p = indptr[r] as number; p < end; p++) {
        const c = indices[p] as number;
        const pos = next[c] as number;
        next[c] = pos + 1;
        tIndices[pos] = r;
        tData[pos] = data[p] as number;
      }
    }
    return new CsrMatrix(nCols, nRows, tptr, tIndices, tData);
  }

  /**
   * Rows `start` … `end−1` as a new matrix (arrays copied).
   * O(end − start + their nnz).
   *
   * @throws {@link ValidationError} `E_INDEX_RANGE` unless 0 ≤ start ≤ end ≤ nRows
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(0, 1, 2), Int32Array.of(0, 0, 0), null, 3, 1);
   * m.rowSlice(1, 3).nRows; // => 2
   * ```
   */
  rowSlice(start: number, end: number): CsrMatrix {
    const source = 'CsrMatrix.rowSlice';
    if (!Number.isInteger(start) || start < 0 || start > this.nRows) throw rangeError(source, 'start', start, this.nRows + 1, 'start');
    if (!Number.isInteger(end) || end < start || end > this.nRows) {
      throw new ValidationError('E_INDEX_RANGE', `${source}: end ${describeValue(end)} must be an integer in [start = ${start}, ${this.nRows}].`, { source, field: 'end' });
    }
    const a = this.indptr[start] as number;
    const b = this.indptr[end] as number;
    const indptr = new Int32Array(end - start + 1);
    for (let r = start; r <= end; r++) indptr[r - start] = (this.indptr[r] as number) - a;
    return new CsrMatrix(end - start, this.nCols, indptr, this.indices.slice(a, b), this.data.slice(a, b));
  }

  /**
   * The rows at `indexes`, in that order (repeats allowed), as a new matrix.
   * O(k + nnz of the selected rows).
   *
   * @param indexes - row indexes in [0, nRows) (an array or typed array)
   * @throws {@link ValidationError} `E_INPUT` when `indexes` is not an
   *   array, `E_INDEX_RANGE` for an index out of range
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * const m = CsrMatrix.fromCoo(Int32Array.of(0, 1), Int32Array.of(0, 1), Float64Array.of(1, 2), 2, 2);
   * m.selectRows([1, 1, 0]).get(1, 1); // => 2
   * ```
   */
  selectRows(indexes: Int32Array | readonly number[]): CsrMatrix {
    checkList('CsrMatrix.selectRows', 'indexes', indexes);
    const k = indexes.length;
    const indptr = new Int32Array(k + 1);
    for (let t = 0; t < k; t++) {
      const r = indexes[t] as number;
      this.#checkRow('CsrMatrix.selectRows', r, 'indexes');
      indptr[t + 1] = (indptr[t] as number) + (this.indptr[r + 1] as number) - (this.indptr[r] as number);
    }
    const nnz = indptr[k] as number;
    const indices = new Int32Array(nnz);
    const data = new Float64Array(nnz);
    for (let t = 0; t < k; t++) {
      const r = indexes[t] as number;
      const a = this.indptr[r] as number;
      const b = this.indptr[r + 1] as number;
      indices.set(this.indices.subarray(a, b), indptr[t] as number);
      data.set(this.data.subarray(a, b), indptr[t] as number);
    }
    return new CsrMatrix(k, this.nCols, indptr, indices, data);
  }

  /**
   * Sum of each row. O(nnz + nRows).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1), Float64Array.of(1, 2, 3), 2, 2).rowSums();
   * // => Float64Array [3, 3]
   * ```
   */
  rowSums(): Float64Array {
    const out = new Float64Array(this.nRows);
    for (let r = 0; r < this.nRows; r++) {
      let s = 0;
      const end = this.indptr[r + 1] as number;
      for (let p = this.indptr[r] as number; p < end; p++) s += this.data[p] as number;
      out[r] = s;
    }
    return out;
  }

  /**
   * Sum of each column. O(nnz + nCols).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(0, 0, 1), Int32Array.of(0, 1, 1), Float64Array.of(1, 2, 3), 2, 2).colSums();
   * // => Float64Array [1, 5]
   * ```
   */
  colSums(): Float64Array {
    const out = new Float64Array(this.nCols);
    for (let p = 0; p < this.indices.length; p++) {
      const c = this.indices[p] as number;
      out[c] = (out[c] as number) + (this.data[p] as number);
    }
    return out;
  }

  /**
   * The matrix as coordinate triplets in row-major order (new arrays). O(nnz + nRows).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(1, 0), Int32Array.of(0, 1), null, 2, 2).toCoo().rows; // => Int32Array [0, 1]
   * ```
   */
  toCoo(): CooArrays {
    const rows = new Int32Array(this.nnz);
    for (let r = 0; r < this.nRows; r++) rows.fill(r, this.indptr[r] as number, this.indptr[r + 1] as number);
    return { rows, cols: this.indices.slice(), values: this.data.slice() };
  }

  /**
   * The matrix as dense rows (one `Float64Array` per row). O(nRows × nCols).
   *
   * @param options - see {@link ToDenseOptions}
   * @throws {@link ValidationError} `E_TOO_LARGE` when nRows × nCols exceeds
   *   `maxCells` (default 10,000,000) or cannot be allocated;
   *   {@link OptionsError} `E_OPTION_RANGE` when `maxCells` is not a number ≥ 0
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(1), null, 1, 2).toDense(); // => [Float64Array [0, 1]]
   * ```
   */
  toDense(options?: ToDenseOptions): Float64Array[] {
    const source = 'CsrMatrix.toDense';
    const { maxCells } = resolveOptions(source, TO_DENSE_DEFAULTS, options);
    if (typeof maxCells !== 'number' || !(maxCells >= 0)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: maxCells must be a number ≥ 0, got ${describeValue(maxCells)}.`, { source, field: 'maxCells' });
    }
    const cells = this.nRows * this.nCols;
    if (cells > maxCells) {
      throw new ValidationError('E_TOO_LARGE', `${source}: ${this.nRows} × ${this.nCols} = ${cells} cells exceeds maxCells = ${maxCells}; use the sparse form, a rowSlice, or raise maxCells.`, {
        source,
        field: 'maxCells',
      });
    }
    const out: Float64Array[] = new Array<Float64Array>(this.nRows);
    for (let r = 0; r < this.nRows; r++) {
      const row = alloc(source, 'maxCells', Float64Array, this.nCols);
      const end = this.indptr[r + 1] as number;
      for (let p = this.indptr[r] as number; p < end; p++) row[this.indices[p] as number] = this.data[p] as number;
      out[r] = row;
    }
    return out;
  }

  /**
   * The plain-object form (arrays of numbers), for `JSON.stringify`. O(nnz).
   *
   * @example
   * ```ts
   * import { CsrMatrix } from '@marksman/core';
   * CsrMatrix.fromCoo(Int32Array.of(0), Int32Array.of(0), Float64Array.of(2), 1, 1).toJSON();
   * // => { nRows: 1, nCols: 1, indptr: [0, 1], indices: [0], data: [2] }
   * ```
   */
  toJSON(): CsrMatrixJSON {
    return {
      nRows: this.nRows,
      nCols: this.nCols,
      indptr: Array.from(this.indptr),
      indices: Array.from(this.indices),
      data: Array.from(this.data),
    };
  }
}

/** Options of {@link csrFromInteractions}. */
export interface CsrFromInteractionsOptions {
  /** How repeated user–item pairs combine; default `'sum'`. */
  readonly duplicates?: DuplicatePolicy;
  /** Fixed user index (rows); default: built from the data in first-seen order. */
  readonly users?: IdIndex | null;
  /** Fixed item index (columns); default: built from the data in first-seen order. */
  readonly items?: IdIndex | null;
  /**
   * With a fixed `users`/`items` index: `'error'` (default) throws
   * `E_UNKNOWN_ID` for an id not in it, `'drop'` skips the row and counts it
   * in `dropped` (e.g. test interactions of users unseen in training).
   */
  readonly unknownIds?: 'error' | 'drop';
  /** Accept negative weights; default false (`E_NEGATIVE_WEIGHT`). */
  readonly allowNegativeWeights?: boolean;
}

/** Result of {@link csrFromInteractions}. */
export interface CsrFromInteractionsResult {
  /** users × items matrix of weights. */
  readonly matrix: CsrMatrix;
  /** Row index: user id ↔ row. */
  readonly users: IdIndex;
  /** Column index: item id ↔ column. */
  readonly items: IdIndex;
  /** Rows skipped because of an unknown id (only with `unknownIds: 'drop'`). */
  readonly dropped: number;
}

const CSR_INTERACTIONS_DEFAULTS: {
  readonly duplicates: DuplicatePolicy;
  readonly users: IdIndex | null;
  readonly items: IdIndex | null;
  readonly unknownIds: 'error' | 'drop';
  readonly allowNegativeWeights: boolean;
} = Object.freeze({ duplicates: 'sum', users: null, items: null, unknownIds: 'error', allowNegativeWeights: false });

/**
 * Builds the users × items weight matrix of interaction records, with the
 * id indexes of its rows and columns. **Fails fast**: each row is checked
 * with the rules of {@link validateInteractions}, and the first bad row
 * throws a {@link ValidationError} with that rule's code, field and row
 * (clean data first with `validateInteractions` to keep the good rows).
 * Weights default to 1; repeated pairs combine per `duplicates`
 * (`last` = latest in input order). Costs O(n + users + items).
 *
 * @param interactions - `{ userId, itemId, weight?, timestamp? }` records, or an Apache Arrow
 *   table with those columns (a null is a missing value; a column of the wrong type is
 *   `E_ARROW_TYPE` naming it)
 * @param options - see {@link CsrFromInteractionsOptions}
 * @throws {@link ValidationError} `E_INPUT` (not an array), `E_NOT_OBJECT`,
 *   `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`, `E_NEGATIVE_WEIGHT`, `E_TIMESTAMP`
 *   for the first bad row; {@link StateError} `E_UNKNOWN_ID` for an id
 *   missing from a fixed index (unless `unknownIds: 'drop'`)
 * @example
 * ```ts
 * import { csrFromInteractions } from '@marksman/core';
 * const { matrix, users, items } = csrFromInteractions([
 *   { userId: 'ann', itemId: 'tea' },
 *   { userId: 'bob', itemId: 'jam', weight: 2 },
 *   { userId: 'ann', itemId: 'tea' },
 * ]);
 * matrix.get(users.index('ann'), items.index('tea')); // => 2
 * [matrix.nRows, matrix.nCols, matrix.nnz]; // => [2, 2, 2]
 * ```
 */
export function csrFromInteractions(interactions: readonly Interaction[] | ArrowLikeTable, options?: CsrFromInteractionsOptions): CsrFromInteractionsResult {
  const source = 'csrFromInteractions';
  const list = isArrowTable(interactions)
    ? (arrowCheckedRecords(source, interactions, { userId: 'id', itemId: 'id', weight: 'number', timestamp: 'time' }) as unknown as readonly Interaction[])
    : interactions;
  if (!Array.isArray(list)) {
    throw new ValidationError('E_INPUT', `${source}: expected an array of interactions or an Arrow table, got ${describeValue(list)}.`, { source, field: 'interactions' });
  }
  const opts = resolveOptions(source, CSR_INTERACTIONS_DEFAULTS, options);
  checkPolicy(source, opts.duplicates);
  for (const field of ['users', 'items'] as const) {
    const v: unknown = opts[field];
    if (v !== null && !(v instanceof IdIndex)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an IdIndex or null.`, { source, field });
    }
  }
  const drop = opts.unknownIds === 'drop';
  if (!drop && opts.unknownIds !== 'error') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: unknownIds must be 'error' or 'drop', got ${describeValue(opts.unknownIds)}.`, { source, field: 'unknownIds' });
  }
  const allowNegative = checkBooleanOption(source, 'allowNegativeWeights', opts.allowNegativeWeights);
  const userBuilder = opts.users === null ? new IdIndexBuilder() : null;
  const itemBuilder = opts.items === null ? new IdIndexBuilder() : null;
  const n = list.length;
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  const vals = new Float64Array(n);
  const s: InteractionScratch = { userId: '', itemId: '', weight: 1, timestamp: undefined };
  let m = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const p = checkInteractionInto(source, i, list[i], allowNegative, false, s);
    if (p !== null) throwProblem(source, i, p);
    const u = userBuilder !== null ? userBuilder.add(s.userId) : (opts.users as IdIndex).index(s.userId);
    const it = itemBuilder !== null ? itemBuilder.add(s.itemId) : (opts.items as IdIndex).index(s.itemId);
    if (u < 0 || it < 0) {
      if (drop) {
        dropped++;
        continue;
      }
      const [field, id]: [string, Id] = u < 0 ? ['userId', s.userId] : ['itemId', s.itemId];
      throw new StateError('E_UNKNOWN_ID', `${source}: row ${i}, field "${field}": id ${describeValue(id)} is not in the given ${u < 0 ? 'users' : 'items'} index; pass unknownIds: 'drop' to skip such rows.`, {
        source,
        row: i,
        field,
      });
    }
    rows[m] = u;
    cols[m] = it;
    vals[m] = s.weight;
    m++;
  }
  const users = userBuilder !== null ? userBuilder.build() : (opts.users as IdIndex);
  const items = itemBuilder !== null ? itemBuilder.build() : (opts.items as IdIndex);
  const matrix = CsrMatrix.fromCoo(rows.subarray(0, m), cols.subarray(0, m), vals.subarray(0, m), users.size, items.size, { duplicates: opts.duplicates });
  return { matrix, users, items, dropped };
}
