import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { type AdjustMethod, adjustPValues } from './adjust';
import { checkAlpha } from './internal/inference';

/** One segment of a dimension (a country, a device type…): its control and treatment data. */
export interface DimensionSegment<S> {
  /** The segment's value of the dimension, e.g. `'mobile'`. */
  readonly segment: string;
  /** The control's data in this segment, in the shape the test takes. */
  readonly control: S;
  /** The treatment's data in this segment. */
  readonly treatment: S;
}

/** What {@link dimensionBreakdown} needs of a test's result: its p-value. */
export interface SegmentTestResult {
  /** The test's p-value for the segment, in [0, 1]. */
  readonly pValue: number;
}

/** Options of {@link dimensionBreakdown}. */
export interface DimensionBreakdownOptions {
  /** Correction across the segments: `'holm'` (default), `'bonferroni'`, `'bh'`, or `'none'`. */
  readonly correction?: AdjustMethod | 'none';
  /** Level at which an adjusted p-value counts as significant; default 0.05. */
  readonly alpha?: number;
}

/** One segment's result. */
export interface DimensionSegmentResult<R> {
  /** The segment's value of the dimension. */
  readonly segment: string;
  /** What the test returned for this segment. */
  readonly result: R;
  /** The test's own p-value. */
  readonly pValue: number;
  /** The p-value adjusted across all segments (equal to `pValue` with `correction: 'none'`). */
  readonly adjustedPValue: number;
  /** `adjustedPValue < alpha`. */
  readonly significant: boolean;
}

/** Result of {@link dimensionBreakdown}. */
export interface DimensionBreakdown<R> {
  /** One entry per segment, in input order. */
  readonly segments: readonly DimensionSegmentResult<R>[];
  /** The correction applied. */
  readonly correction: AdjustMethod | 'none';
  /** Number of segments in the family. */
  readonly family: number;
  /** The alpha used. */
  readonly alpha: number;
  /** The correction as a sentence, for the report. */
  readonly note: string;
}

const DEFAULTS: Readonly<{ correction: AdjustMethod | 'none'; alpha: number }> = Object.freeze({ correction: 'holm', alpha: 0.05 });
const SOURCE = 'dimensionBreakdown';
const NAMES: Readonly<Record<AdjustMethod, string>> = Object.freeze({
  holm: 'Holm (family-wise error rate)',
  bonferroni: 'Bonferroni (family-wise error rate)',
  bh: 'Benjamini–Hochberg (false discovery rate)',
});

/**
 * Runs the same test in every segment of a dimension (country, device,
 * new vs returning…) and adjusts the segments' p-values for multiple
 * testing, so that slicing an experiment ten ways does not produce a
 * "winning segment" by chance. The test is any function of the segment's
 * control and treatment returning a result with a `pValue`
 * ({@link proportionsZTest}, {@link welchTTest}, {@link relativeLift},
 * {@link cuped}, or a closure passing options); the results are kept whole.
 * Holm (default) controls the chance of any false segment; `'bh'` the
 * expected share of false ones; the `note` states which was applied to how
 * many segments. Segments must split units by an attribute fixed before
 * assignment (a treatment-affected attribute makes the segments
 * incomparable); intervals in the results are each segment's own,
 * unadjusted.
 *
 * Costs one test per segment plus O(m log m) for m segments.
 *
 * @param segments - one {@link DimensionSegment} per segment, names unique
 * @param test - the test to run in each segment, e.g. `proportionsZTest`
 * @param options - `correction` ('holm'), `alpha` (0.05)
 * @returns the {@link DimensionBreakdown}
 * @throws `ValidationError` `E_SEGMENTS` (no segments, a name that is empty or repeated, or a test result
 *   without a p-value in [0, 1]), and whatever the test throws for a segment's data;
 *   `OptionsError` `E_ADJUST_METHOD`, `E_ALPHA`, `E_OPTION_RANGE` (test is not a function), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { dimensionBreakdown, proportionsZTest } from '@marksman/experiments';
 * const byDevice = dimensionBreakdown(
 *   [
 *     { segment: 'desktop', control: { n: 8000, conversions: 480 }, treatment: { n: 8100, conversions: 560 } },
 *     { segment: 'mobile', control: { n: 11000, conversions: 440 }, treatment: { n: 10900, conversions: 490 } },
 *     { segment: 'tablet', control: { n: 1000, conversions: 50 }, treatment: { n: 1050, conversions: 68 } },
 *   ],
 *   proportionsZTest,
 * );
 * byDevice.segments.map((s) => s.pValue.toFixed(3)); // => ['0.018', '0.069', '0.151']
 * byDevice.segments.map((s) => s.adjustedPValue.toFixed(3)); // => ['0.055', '0.138', '0.151'] (desktop alone is no longer significant)
 * byDevice.note; // => 'p-values adjusted by Holm (family-wise error rate) across 3 segments.'
 * ```
 */
export function dimensionBreakdown<S, R extends SegmentTestResult>(
  segments: readonly DimensionSegment<S>[],
  test: (control: S, treatment: S) => R,
  options?: DimensionBreakdownOptions,
): DimensionBreakdown<R> {
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  const alpha = checkAlpha(o.alpha, SOURCE);
  const correction = o.correction;
  if (correction !== 'none' && correction !== 'holm' && correction !== 'bonferroni' && correction !== 'bh') {
    throw new OptionsError('E_ADJUST_METHOD', `${SOURCE}: correction must be 'holm', 'bonferroni', 'bh' or 'none', got ${JSON.stringify(correction)}.`, { source: SOURCE, field: 'correction' });
  }
  if (typeof test !== 'function') {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: test must be a function (control, treatment) => result with a pValue, e.g. proportionsZTest.`, { source: SOURCE, field: 'test' });
  }
  if (!Array.isArray(segments) || segments.length === 0) {
    throw new ValidationError('E_SEGMENTS', `${SOURCE}: give at least one segment { segment, control, treatment }.`, { source: SOURCE, field: 'segments' });
  }
  const seen = new Set<string>();
  const results = segments.map((s, row) => {
    if (typeof s !== 'object' || s === null || typeof s.segment !== 'string' || s.segment === '') {
      throw new ValidationError('E_SEGMENTS', `${SOURCE}: segment ${row} needs a non-empty string name (segment).`, { source: SOURCE, row, field: 'segment' });
    }
    if (seen.has(s.segment)) {
      throw new ValidationError('E_SEGMENTS', `${SOURCE}: segment "${s.segment}" appears twice; give each segment once.`, { source: SOURCE, row, field: 'segment' });
    }
    seen.add(s.segment);
    const result = test(s.control, s.treatment);
    const p = (result as { pValue?: unknown } | null)?.pValue;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ValidationError('E_SEGMENTS', `${SOURCE}: the test returned no p-value in [0, 1] for segment "${s.segment}" (got ${String(p)}).`, { source: SOURCE, row, field: 'pValue' });
    }
    return { segment: s.segment, result, pValue: p };
  });
  const pValues = results.map((r) => r.pValue);
  const adjusted = correction === 'none' ? pValues : adjustPValues(pValues, correction);
  const m = results.length;
  const note =
    correction === 'none'
      ? `p-values not adjusted across ${m} segment${m === 1 ? '' : 's'}: expect about ${(alpha * m).toFixed(2)} false positives when nothing differs.`
      : `p-values adjusted by ${NAMES[correction]} across ${m} segment${m === 1 ? '' : 's'}.`;
  return {
    segments: results.map((r, i) => ({ ...r, adjustedPValue: adjusted[i]!, significant: adjusted[i]! < alpha })),
    correction,
    family: m,
    alpha,
    note,
  };
}
