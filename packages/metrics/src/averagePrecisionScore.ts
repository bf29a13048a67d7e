import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { ValidationError } from '@marksman/core';
import { binaryWithScores, splitSortedScores } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/**
 * Average precision, the step-wise area under the precision–recall curve, as
 * scikit-learn's `average_precision_score`: `AP = Σ_t (R_t − R_{t−1}) · P_t`
 * over the distinct score thresholds t in decreasing order, where P_t and R_t
 * are the precision and recall of "score ≥ t". No interpolation (so it is not
 * the trapezoidal PR AUC, which is optimistic).
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans (at least one positive; all positives give 1)
 * @param scores - higher means more likely positive
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS` (no positive), `E_LENGTH`,
 *   `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { averagePrecisionScore } from '@marksman/metrics';
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).toFixed(4); // => '0.8333'
 * ```
 */
export function averagePrecisionScore(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector): number {
  const source = 'averagePrecisionScore';
  return averagePrecisionScoreOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function averagePrecisionScoreOf(yTrue: ArrayLike<BinaryLabel>, scores: ArrayLike<number>): number {
  const source = 'averagePrecisionScore';
  const y = binaryWithScores(source, yTrue, scores);
  let nPos = 0;
  for (const v of y) nPos += v;
  if (nPos === 0) {
    throw new ValidationError('E_SINGLE_CLASS', `${source}: yTrue holds no positive, so precision and recall are undefined.`, { source, field: 'yTrue' });
  }
  const { pos, neg } = splitSortedScores(y, scores, nPos);
  // Walk the distinct scores from the top: a and b index the next unvisited
  // positive and negative from the high end.
  let a = pos.length - 1;
  let b = neg.length - 1;
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  while (a >= 0) {
    const v = Math.max(pos[a] as number, b >= 0 ? (neg[b] as number) : -Infinity);
    while (a >= 0 && pos[a] === v) {
      tp++;
      seen++;
      a--;
    }
    while (b >= 0 && neg[b] === v) {
      seen++;
      b--;
    }
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  // Thresholds below the lowest positive add no recall.
  return ap;
}
