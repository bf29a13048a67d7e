import { ValidationError } from '@marksman/core';
import { type RatioInput, type RatioMetricMoments, type RatioRows, publicMoments, ratioMoments } from './ratio';

/**
 * The moments of one arm of a ratio metric that the delta method uses:
 * means of the numerator and denominator per unit, their sample variances
 * and covariance (n − 1 denominators), the ratio ΣX/ΣY and its delta-method
 * variance (s²_X − 2R·s_XY + R²·s²_Y)/(n·Ȳ²) (Deng, Knoblich & Lu 2018).
 * {@link ratioMetricTest} reports the same objects as `controlMoments` and
 * `treatmentMoments`, so a warehouse query (`VAR_SAMP(x)`, `COVAR_SAMP(x, y)`)
 * can be checked against the numbers behind the test.
 *
 * Costs O(1) from sums, O(n) from rows.
 *
 * @param stats - {@link RatioInput} sums or {@link RatioRows} of one arm (its arrays may be Arrow vectors)
 * @returns the {@link RatioMetricMoments}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_TOO_FEW_UNITS`, `E_NOT_FINITE`, `E_NEGATIVE_COUNT`,
 *   `E_ZERO_DENOMINATOR`, `E_SUM_SQUARES`, `E_LENGTH_MISMATCH`, `E_OVERFLOW` (sums so large, or ΣY so near 0, that
 *   the ratio or its variance is not a finite number in double precision; an Arrow null is `E_NOT_FINITE`),
 *   `E_ARROW_TYPE` (an Arrow numerator or denominator of text, dates or nested values)
 * @example
 * ```ts
 * import { ratioMetricMoments } from '@marksman/experiments';
 * const m = ratioMetricMoments({ numerator: [0, 10, 5, 0, 20], denominator: [1, 2, 1, 1, 3] });
 * m.ratio.toFixed(3); // => '4.375'
 * [m.numeratorVariance, m.denominatorVariance.toFixed(2), m.covariance]; // => [70, '0.80', 7.25]
 * m.ratioVariance.toFixed(4); // => '1.7090'
 * ```
 */
export function ratioMetricMoments(stats: RatioInput | RatioRows): RatioMetricMoments {
  const source = 'ratioMetricMoments';
  const m = publicMoments(ratioMoments(stats, source, 0, 'stats'));
  for (const [field, v] of Object.entries(m)) {
    if (!Number.isFinite(v)) {
      throw new ValidationError('E_OVERFLOW', `${source}: ${field} is ${v}; ΣY is too near 0, or the sums too large, for double precision (rescale the metric).`, { source, field });
    }
  }
  return m;
}
