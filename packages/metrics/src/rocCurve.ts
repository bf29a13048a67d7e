import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { resolveOptions } from '@marksman/core/internal';
import { binaryWithScores, requireBothClasses, thresholdCounts } from './binaryInput';
import type { BinaryLabel } from './binaryInput';
import { requireBooleanOption } from './validation';

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight horizontal or vertical run of the
   * curve (they do not change its shape or area); default `true`, as
   * scikit-learn's `drop_intermediate`.
   */
  readonly dropIntermediate?: boolean;
}

/** Points of a ROC curve, by decreasing threshold. */
export interface RocCurve {
  /** False-positive rate at each threshold (starts at 0). */
  readonly fpr: Float64Array;
  /** True-positive rate at each threshold (starts at 0). */
  readonly tpr: Float64Array;
  /** Score thresholds ("score ≥ threshold" is positive), decreasing; the first is `Infinity` (nothing selected). */
  readonly thresholds: Float64Array;
}

const DEFAULTS: Readonly<Required<RocCurveOptions>> = Object.freeze({ dropIntermediate: true });

/**
 * Receiver operating characteristic curve of a binary target, as
 * scikit-learn's `roc_curve`: one point per distinct score (plus the origin),
 * thresholds decreasing. The first threshold is `Infinity` (scikit-learn ≥ 1.3;
 * 1.2 used max score + 1). Its trapezoidal area equals {@link rocAuc}.
 *
 * Costs O(n log n).
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans (both must occur)
 * @param scores - higher means more likely positive
 * @param options - `dropIntermediate` (default `true`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_SINGLE_CLASS`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`
 * @example
 * ```ts
 * import { rocCurve } from '@marksman/metrics';
 * const c = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * Array.from(c.fpr); // => [0, 0, 0.5, 0.5, 1]
 * Array.from(c.tpr); // => [0, 0.5, 0.5, 1, 1]
 * Array.from(c.thresholds); // => [Infinity, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector, scores: ArrayLike<number> | ArrowLikeVector, options?: RocCurveOptions): RocCurve {
  const source = 'rocCurve';
  return rocCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'scores', scores, 'number'), options);
}

function rocCurveOf(yTrue: ArrayLike<BinaryLabel>, scores: ArrayLike<number>, options?: RocCurveOptions): RocCurve {
  const source = 'rocCurve';
  const { dropIntermediate } = resolveOptions(source, DEFAULTS, options);
  requireBooleanOption(source, 'dropIntermediate', dropIntermediate);
  const y = binaryWithScores(source, yTrue, scores);
  const nPos = requireBothClasses(source, y);
  const nNeg = y.length - nPos;
  const c = thresholdCounts(y, scores, nPos);
  let keep = Array.from({ length: c.thresholds.length }, (_, i) => i);
  if (dropIntermediate && keep.length > 2) {
    // Keep the ends and every point where the curve bends (non-zero second difference).
    const m = keep.length;
    keep = [0];
    for (let i = 1; i < m - 1; i++) {
      const d2f = (c.fps[i + 1] as number) - 2 * (c.fps[i] as number) + (c.fps[i - 1] as number);
      const d2t = (c.tps[i + 1] as number) - 2 * (c.tps[i] as number) + (c.tps[i - 1] as number);
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(m - 1);
  }
  const fpr = new Float64Array(keep.length + 1);
  const tpr = new Float64Array(keep.length + 1);
  const thresholds = new Float64Array(keep.length + 1);
  thresholds[0] = Infinity;
  keep.forEach((i, j) => {
    fpr[j + 1] = (c.fps[i] as number) / nNeg;
    tpr[j + 1] = (c.tps[i] as number) / nPos;
    thresholds[j + 1] = c.thresholds[i] as number;
  });
  return { fpr, tpr, thresholds };
}
