import type { ArrowLikeVector } from '@marksman/core';
import { sparseContingency } from './contingencyTable';

/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labellings: the Rand
 * index corrected for chance, 1 for identical partitions (up to renaming of
 * labels), about 0 for independent ones, negative when agreement is worse than
 * chance. Symmetric in its arguments.
 *
 * Computed, as scikit-learn's `adjusted_rand_score`, from the pair confusion
 * matrix (tn, fp, fn, tp counted over ordered pairs of rows):
 * `ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`, and 1
 * when fn = fp = 0. The products are formed in exact integer arithmetic
 * (`BigInt`), so the result matches scikit-learn to the last bits.
 *
 * Costs O(n) time, O(number of non-empty cells) memory.
 *
 * Each labelling may also be an Apache Arrow vector: text (Utf8, dictionary-encoded Utf8),
 * numbers, or Bool read as 1 / 0; nulls are refused as `null` in an array is.
 *
 * @param labelsTrue - reference label of each row (numbers or strings)
 * @param labelsPred - predicted label of each row
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of dates or nested values, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_NAN`, `E_LABEL`
 * @example
 * ```ts
 * import { adjustedRandIndex } from '@marksman/metrics';
 * adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]); // => 1
 * adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]); // => 0.5714285714285714
 * ```
 */
export function adjustedRandIndex(labelsTrue: ArrayLike<number | string> | ArrowLikeVector, labelsPred: ArrayLike<number | string> | ArrowLikeVector): number {
  const t = sparseContingency('adjustedRandIndex', labelsTrue, labelsPred);
  let sumSquares = 0;
  for (const v of t.values) sumSquares += v * v;
  let rowSquares = 0;
  for (const v of t.rowSums) rowSquares += v * v;
  let columnSquares = 0;
  for (const v of t.columnSums) columnSquares += v * v;
  const n = BigInt(t.n);
  const ss = BigInt(sumSquares);
  const tp = ss - n;
  const fp = BigInt(columnSquares) - ss;
  const fn = BigInt(rowSquares) - ss;
  const tn = n * n - fp - fn - ss;
  if (fn === 0n && fp === 0n) return 1;
  const numerator = 2 * Number(tp * tn - fn * fp);
  const denominator = Number((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
  return numerator / denominator;
}
