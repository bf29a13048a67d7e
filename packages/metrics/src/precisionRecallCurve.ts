import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { ValidationError } from '@marksman/core';
import { binaryWithScores, thresholdCounts } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/** Points of a precision–recall curve, by increasing threshold, ending at (recall 0, precision 1). */
export interface PrecisionRecallCurve {
  /** Precision at each threshold, then a final 1. */
  readonly precision: Float64Array;
  /** Recall at each threshold (decreasing), then a final 0. */
  readonly recall: Float64Array;
  /** Distinct scores, increasing; one fewer than `precision` and `recall`. */
  readonly thresholds: Float64Array;
}

/**
 * Precision–recall curve of a binary target, as scikit-learn's
 * `precision_recall_curve`: for each distinct score t (increasing), precision
 * and recall of "score ≥ t", followed by the point (recall 0, precision 1)
 * with no threshold. {@link averagePrecisionScore} is its step-wise area.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans (at least one positive)
 * @param scores - higher means more likely positive
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS` (no positive), `E_LENGTH`, `E_EMPTY`, `E_LABEL`,
 *   `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { precisionRecallCurve } from '@marksman/metrics';
 * const c = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * Array.from(c.precision, (v) => +v.toFixed(4)); // => [0.5, 0.6667, 0.5, 1, 1]
 * Array.from(c.recall); // => [1, 1, 0.5, 0.5, 0]
 * Array.from(c.thresholds); // => [0.1, 0.35, 0.4, 0.8]
 * ```
 */
export function precisionRecallCurve(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector): PrecisionRecallCurve {
  const source = 'precisionRecallCurve';
  return precisionRecallCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'scores', scores, 'number'));
}

function precisionRecallCurveOf(yTrue: ArrayLike<BinaryLabel>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const source = 'precisionRecallCurve';
  const y = binaryWithScores(source, yTrue, scores);
  let nPos = 0;
  for (const v of y) nPos += v;
  if (nPos === 0) {
    throw new ValidationError('E_SINGLE_CLASS', `${source}: yTrue holds no positive, so recall is undefined.`, { source, field: 'yTrue' });
  }
  const c = thresholdCounts(y, scores, nPos);
  const m = c.thresholds.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const src = m - 1 - i; // increasing thresholds
    const tp = c.tps[src] as number;
    precision[i] = tp / (tp + (c.fps[src] as number));
    recall[i] = tp / nPos;
    thresholds[i] = c.thresholds[src] as number;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}
