import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { encodeLabels, requireNonEmpty, requireSameLength } from './validation';
import type { Label } from './validation';

/**
 * Cross-tabulation of two labellings of the same rows: `counts[i * columns.length + j]`
 * is the number of rows whose true label is `rows[i]` and whose predicted label is
 * `columns[j]`.
 */
export interface ContingencyTable {
  /** Distinct labels of `labelsTrue`, sorted (numbers ascending, then strings). */
  readonly rows: readonly (number | string)[];
  /** Distinct labels of `labelsPred`, sorted the same way. */
  readonly columns: readonly (number | string)[];
  /** Row-major counts, `rows.length × columns.length`. */
  readonly counts: Float64Array;
  /** Rows per true label (`counts` summed over columns). */
  readonly rowSums: Float64Array;
  /** Rows per predicted label (`counts` summed over rows). */
  readonly columnSums: Float64Array;
  /** Number of labelled rows. */
  readonly n: number;
}

/**
 * The non-zero cells of a contingency table (internal, sparse form used by the
 * agreement indices so that many distinct labels do not need a dense table).
 */
export interface SparseContingency {
  /** Non-zero cell counts. */
  readonly values: Float64Array;
  /** Row (true label code) of each non-zero cell. */
  readonly rowIndex: Int32Array;
  /** Column (predicted label code) of each non-zero cell. */
  readonly columnIndex: Int32Array;
  /** Rows per true label. */
  readonly rowSums: Float64Array;
  /** Rows per predicted label. */
  readonly columnSums: Float64Array;
  /** Number of rows. */
  readonly n: number;
}

/** Validates two labellings (arrays or Arrow vectors) and returns their codes. Internal. */
export function encodePair(source: string, labelsTrueIn: ArrayLike<Label> | ArrowLikeVector, labelsPredIn: ArrayLike<Label> | ArrowLikeVector) {
  const labelsTrue = vectorArg(source, 'labelsTrue', labelsTrueIn, 'label');
  const labelsPred = vectorArg(source, 'labelsPred', labelsPredIn, 'label');
  requireSameLength(source, 'labelsTrue', labelsTrue, 'labelsPred', labelsPred);
  requireNonEmpty(source, 'labelsTrue', labelsTrue);
  const a = encodeLabels(source, 'labelsTrue', labelsTrue);
  const b = encodeLabels(source, 'labelsPred', labelsPred);
  return { a, b };
}

/** Sparse contingency of two validated labellings. O(n). Internal. */
export function sparseContingency(source: string, labelsTrue: ArrayLike<Label> | ArrowLikeVector, labelsPred: ArrayLike<Label> | ArrowLikeVector): SparseContingency {
  const { a, b } = encodePair(source, labelsTrue, labelsPred);
  const n = a.codes.length;
  const kb = b.classes.length;
  const cells = a.classes.length * kb;
  let keys: number[];
  let counts: number[];
  if (cells <= Math.max(4 * n, 1 << 16)) {
    const dense = new Float64Array(cells);
    for (let i = 0; i < n; i++) {
      const c = (a.codes[i] as number) * kb + (b.codes[i] as number);
      dense[c] = (dense[c] as number) + 1;
    }
    keys = [];
    counts = [];
    for (let c = 0; c < cells; c++) {
      if ((dense[c] as number) > 0) {
        keys.push(c);
        counts.push(dense[c] as number);
      }
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = (a.codes[i] as number) * kb + (b.codes[i] as number);
      map.set(c, (map.get(c) ?? 0) + 1);
    }
    keys = [...map.keys()];
    counts = [...map.values()];
  }
  const values = Float64Array.from(counts);
  const rowIndex = new Int32Array(keys.length);
  const columnIndex = new Int32Array(keys.length);
  for (let t = 0; t < keys.length; t++) {
    const key = keys[t] as number;
    rowIndex[t] = Math.floor(key / kb);
    columnIndex[t] = key - (rowIndex[t] as number) * kb;
  }
  return { values, rowIndex, columnIndex, rowSums: a.counts, columnSums: b.counts, n };
}

/**
 * Contingency table of two labellings (for example true segments against
 * clusters found). Labels may be numbers or strings; they are sorted, numbers
 * first. Same layout as scikit-learn's `contingency_matrix`.
 *
 * Costs O(n + r·c) time and O(r·c) memory for r true and c predicted labels.
 *
 * Each labelling may also be an Apache Arrow vector: text (Utf8, dictionary-encoded Utf8),
 * numbers, or Bool read as 1 / 0; nulls are refused as `null` in an array is.
 *
 * @param labelsTrue - reference label of each row
 * @param labelsPred - predicted label (cluster) of each row
 * @returns the table with its row and column labels and margins
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of dates or nested values, named),
 *   `E_LENGTH` (lengths differ), `E_EMPTY`,
 *   `E_NAN` (a NaN label), `E_LABEL` (a label that is not a number or string)
 * @example
 * ```ts
 * import { contingencyTable } from '@marksman/metrics';
 * const t = contingencyTable(['a', 'a', 'b', 'b'], [0, 1, 1, 1]);
 * t.rows; // => ['a', 'b']
 * t.columns; // => [0, 1]
 * Array.from(t.counts); // => [1, 1, 0, 2]
 * ```
 */
export function contingencyTable(labelsTrue: ArrayLike<number | string> | ArrowLikeVector, labelsPred: ArrayLike<number | string> | ArrowLikeVector): ContingencyTable {
  const { a, b } = encodePair('contingencyTable', labelsTrue, labelsPred);
  const kb = b.classes.length;
  const counts = new Float64Array(a.classes.length * kb);
  for (let i = 0; i < a.codes.length; i++) {
    const c = (a.codes[i] as number) * kb + (b.codes[i] as number);
    counts[c] = (counts[c] as number) + 1;
  }
  return {
    rows: Object.freeze([...a.classes]),
    columns: Object.freeze([...b.classes]),
    counts,
    rowSums: a.counts,
    columnSums: b.counts,
    n: a.codes.length,
  };
}
