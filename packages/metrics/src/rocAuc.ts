import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { binaryWithScores, requireBothClasses, splitSortedScores } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/**
 * Area under the ROC curve for a binary target, computed as the
 * Mann–Whitney U statistic: the probability that a random positive scores
 * higher than a random negative, ties counting one half (the mid-rank
 * convention), which equals the trapezoidal area scikit-learn's
 * `roc_auc_score` computes with tied scores.
 *
 * Costs O(n log n) (native sorts of the positive and the negative scores, then one merge).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans (both must occur)
 * @param scores - higher means more likely positive (any finite numbers)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS` (only one outcome), `E_LENGTH`, `E_EMPTY`,
 *   `E_LABEL` (an outcome that is not 0/1/boolean), `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { rocAuc } from '@marksman/metrics';
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // => 0.75
 * rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]); // => 0.875
 * ```
 */
export function rocAuc(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector): number {
  const source = 'rocAuc';
  return rocAucOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function rocAucOf(yTrue: ArrayLike<BinaryLabel>, scores: ArrayLike<number>): number {
  const source = 'rocAuc';
  const y = binaryWithScores(source, yTrue, scores);
  const nPos = requireBothClasses(source, y);
  const nNeg = y.length - nPos;
  const { pos, neg } = splitSortedScores(y, scores, nPos);
  // U = Σ over positives of (#negatives below + ½ #negatives tied), by one merge pass.
  let u = 0;
  let below = 0; // negatives strictly below the current positive score
  let i = 0;
  while (i < pos.length) {
    const v = pos[i] as number;
    let j = i;
    while (j < pos.length && pos[j] === v) j++;
    while (below < nNeg && (neg[below] as number) < v) below++;
    let tied = below;
    while (tied < nNeg && neg[tied] === v) tied++;
    u += (j - i) * (below + (tied - below) / 2);
    i = j;
  }
  return u / (nPos * nNeg);
}
