import { OptionsError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { sparseContingency } from './contingencyTable';
import type { SparseContingency } from './contingencyTable';

/** How the two entropies are averaged into the normaliser of {@link normalizedMutualInfo}. */
export type EntropyAverage = 'arithmetic' | 'geometric' | 'min' | 'max';

/** Options of {@link normalizedMutualInfo}. */
export interface NormalizedMutualInfoOptions {
  /** Mean of H(true) and H(pred) used as the normaliser; default `'arithmetic'` (scikit-learn's default). */
  readonly averageMethod?: EntropyAverage;
}

const DEFAULTS: Readonly<Required<NormalizedMutualInfoOptions>> = Object.freeze({ averageMethod: 'arithmetic' });

/** Entropy (nats) of a vector of counts that sum to n. */
function entropyOfCounts(counts: Float64Array, n: number): number {
  const logN = Math.log(n);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * (Math.log(c) - logN);
  return h;
}

/** Mutual information (nats) of a sparse contingency table. */
function mutualInformationOf(t: SparseContingency): number {
  const logN = Math.log(t.n);
  let mi = 0;
  for (let k = 0; k < t.values.length; k++) {
    const v = t.values[k] as number;
    const a = t.rowSums[t.rowIndex[k] as number] as number;
    const b = t.columnSums[t.columnIndex[k] as number] as number;
    // p_ij · log(n_ij · n / (a_i · b_j)) as a sum of logs, in the same order of
    // operations as scikit-learn so that perfect matches give exactly 1; terms
    // below machine epsilon are rounding noise and are dropped, as there.
    const p = v / t.n;
    const term = p * (Math.log(v) - logN) + p * (-Math.log(a * b) + logN + logN);
    if (Math.abs(term) >= Number.EPSILON) mi += term;
  }
  return Math.max(mi, 0);
}

/**
 * Normalised mutual information between two labellings: I(true; pred) divided
 * by a mean of the entropies H(true) and H(pred) (arithmetic by default, which
 * equals the V-measure). 1 for identical partitions up to renaming, 0 for
 * independent ones; not adjusted for chance. Natural logarithms (the base
 * cancels).
 *
 * Follows scikit-learn's `normalized_mutual_info_score`: when both labellings
 * have a single label the result is 1; when the mutual information is 0 the
 * result is 0.
 *
 * Costs O(n) time, O(number of non-empty cells) memory.
 *
 * Each labelling may also be an Apache Arrow vector: text (Utf8, dictionary-encoded Utf8),
 * numbers, or Bool read as 1 / 0; nulls are refused as `null` in an array is.
 *
 * @param labelsTrue - reference label of each row (numbers or strings)
 * @param labelsPred - predicted label of each row
 * @param options - `averageMethod`
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector of dates or nested values, named), `E_LENGTH`,
 *   `E_EMPTY`, `E_NAN`, `E_LABEL`;
 *   `OptionsError` `E_OPTION_VALUE` for an unknown `averageMethod`
 * @example
 * ```ts
 * import { normalizedMutualInfo } from '@marksman/metrics';
 * normalizedMutualInfo(['a', 'a', 'b', 'b'], [1, 1, 0, 0]); // => 1
 * normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1]); // => 0
 * normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]).toFixed(6); // => '0.800000'
 * ```
 */
export function normalizedMutualInfo(
  labelsTrue: ArrayLike<number | string> | ArrowLikeVector,
  labelsPred: ArrayLike<number | string> | ArrowLikeVector,
  options?: NormalizedMutualInfoOptions,
): number {
  const source = 'normalizedMutualInfo';
  const { averageMethod } = resolveOptions(source, DEFAULTS, options);
  if (!['arithmetic', 'geometric', 'min', 'max'].includes(averageMethod)) {
    throw new OptionsError('E_OPTION_VALUE', `${source}: averageMethod must be 'arithmetic', 'geometric', 'min' or 'max', got ${String(averageMethod)}.`, { source, field: 'averageMethod' });
  }
  const t = sparseContingency(source, labelsTrue, labelsPred);
  if (t.rowSums.length === 1 && t.columnSums.length === 1) return 1;
  if (t.rowSums.length === 1 || t.columnSums.length === 1) return 0;
  const mi = mutualInformationOf(t);
  if (mi === 0) return 0;
  const hTrue = entropyOfCounts(t.rowSums, t.n);
  const hPred = entropyOfCounts(t.columnSums, t.n);
  let normaliser: number;
  switch (averageMethod) {
    case 'arithmetic':
      normaliser = (hTrue + hPred) / 2;
      break;
    case 'geometric':
      normaliser = Math.sqrt(hTrue * hPred);
      break;
    case 'min':
      normaliser = Math.min(hTrue, hPred);
      break;
    case 'max':
      normaliser = Math.max(hTrue, hPred);
      break;
  }
  return mi / normaliser;
}
