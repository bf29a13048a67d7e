import type { ArrowLikeVector } from '@marksman/core';
import { vectorArg } from './arrowVectorInput';
import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { binaryWithScores, requireProbabilities } from './binaryInput';
import type { BinaryLabel } from './binaryInput';

/** Options of {@link calibrationCurve}. */
export interface CalibrationCurveOptions {
  /** Number of bins; default 5. */
  readonly bins?: number;
  /**
   * `'uniform'` (default): equal-width bins on [0, 1]; `'quantile'`: edges at
   * the quantiles of the predicted probabilities (linear interpolation), so
   * bins hold about equally many rows.
   */
  readonly strategy?: 'uniform' | 'quantile';
}

/** Reliability-diagram points, one per non-empty bin, in increasing bin order. */
export interface CalibrationCurve {
  /** Observed share of outcome 1 in each bin. */
  readonly fractionPositive: Float64Array;
  /** Mean predicted probability in each bin. */
  readonly meanPredicted: Float64Array;
  /** Rows in each bin. */
  readonly counts: Float64Array;
}

/** Most bins a calibration curve may have. */
const MAX_BINS = 1_000_000;

const DEFAULTS: Readonly<{ bins: number; strategy: 'uniform' | 'quantile' }> = Object.freeze({ bins: 5, strategy: 'uniform' });

/**
 * Quantile with linear interpolation of sorted values (numpy's default
 * method), with numpy's rounding: the lerp is taken from the nearer end, so
 * edges that fall on data values land exactly on them.
 */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const t = h - lo;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * Calibration (reliability) curve of predicted probabilities, as scikit-learn's
 * `calibration_curve`: rows are put into bins by predicted probability (a
 * value on an inner edge goes to the lower bin), empty bins are dropped, and
 * each remaining bin reports its observed positive share and mean predicted
 * probability. A calibrated model lies on the diagonal.
 *
 * Costs O(n log n) for `'quantile'` (a sort), O(n · log bins) for `'uniform'`.
 *
 * Each vector may also be an Apache Arrow vector (numeric or Bool; nulls are refused as
 * `null` in an array is).
 *
 * @param yTrue - outcomes, 0/1 or booleans
 * @param probabilities - predicted probability of outcome 1, in [0, 1]
 * @param options - `bins` (default 5), `strategy` (default `'uniform'`)
 * @throws `ValidationError` `E_ARROW_TYPE` (an Arrow vector that is not numeric or Bool, named), `E_RANGE`, `E_LENGTH`, `E_EMPTY`, `E_LABEL`, `E_NAN`, `E_NOT_FINITE`;
 *   `OptionsError` `E_OPTION_RANGE` (bins not an integer ≥ 1), `E_OPTION_VALUE` (strategy)
 * @example
 * ```ts
 * import { calibrationCurve } from '@marksman/metrics';
 * const c = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { bins: 3 });
 * Array.from(c.fractionPositive); // => [0, 0.5, 1]
 * Array.from(c.meanPredicted, (v) => +v.toFixed(3)); // => [0.2, 0.525, 0.85]
 * ```
 */
export function calibrationCurve(
  yTrue: ArrayLike<BinaryLabel> | ArrowLikeVector,
  probabilities: ArrayLike<number> | ArrowLikeVector,
  options?: CalibrationCurveOptions,
): CalibrationCurve {
  const source = 'calibrationCurve';
  return calibrationCurveOf(vectorArg(source, 'yTrue', yTrue, 'binary'), vectorArg(source, 'probabilities', probabilities, 'number'), options);
}

function calibrationCurveOf(
  yTrue: ArrayLike<BinaryLabel>,
  probabilities: ArrayLike<number>,
  options?: CalibrationCurveOptions,
): CalibrationCurve {
  const source = 'calibrationCurve';
  const { bins, strategy } = resolveOptions(source, DEFAULTS, options);
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: bins must be an integer from 1 to ${MAX_BINS}, got ${String(bins)}.`, { source, field: 'bins' });
  }
  if (strategy !== 'uniform' && strategy !== 'quantile') {
    throw new OptionsError('E_OPTION_VALUE', `${source}: strategy must be 'uniform' or 'quantile', got ${String(strategy)}.`, { source, field: 'strategy' });
  }
  const y = binaryWithScores(source, yTrue, probabilities, 'probabilities');
  requireProbabilities(source, 'probabilities', probabilities);
  // Inner edges (bins − 1 of them).
  const inner = new Float64Array(bins - 1);
  if (strategy === 'uniform') {
    // Edges as numpy's linspace forms them (i · step), so values on an edge fall alike.
    for (let b = 1; b < bins; b++) inner[b - 1] = b * (1 / bins);
  } else {
    const sorted = Float64Array.from(probabilities).sort();
    // scikit-learn passes percentiles (q · 100) that numpy divides by 100 again.
    for (let b = 1; b < bins; b++) inner[b - 1] = quantileSorted(sorted, (b * (1 / bins) * 100) / 100);
  }
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const p = probabilities[i] as number;
    // Number of inner edges strictly below p (binary search; numpy searchsorted, side 'left').
    let lo = 0;
    let hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((inner[mid] as number) < p) lo = mid + 1;
      else hi = mid;
    }
    sumP[lo] = (sumP[lo] as number) + p;
    sumY[lo] = (sumY[lo] as number) + (y[i] as number);
    count[lo] = (count[lo] as number) + 1;
  }
  const keep: number[] = [];
  for (let b = 0; b < bins; b++) if ((count[b] as number) > 0) keep.push(b);
  return {
    fractionPositive: Float64Array.from(keep, (b) => (sumY[b] as number) / (count[b] as number)),
    meanPredicted: Float64Array.from(keep, (b) => (sumP[b] as number) / (count[b] as number)),
    counts: Float64Array.from(keep, (b) => count[b] as number),
  };
}
