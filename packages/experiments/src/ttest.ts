import { ValidationError } from '@marksman/core';
import { type Alternative, intervalOf, pValueOf } from './internal/inference';
import { type LiftMethod, relativeInference } from './internal/relative';
import { type MeanSample, meanMoments, requireFiniteResult } from './internal/samples';
import { type TestOptions, testOptions } from './ztest';

/** Result of {@link welchTTest}. */
export interface WelchTTestResult {
  /** Control mean. */
  readonly controlMean: number;
  /** Treatment mean. */
  readonly treatmentMean: number;
  /** Difference of means, treatment − control. */
  readonly diff: number;
  /** Lower end of the Welch confidence interval of `diff`. */
  readonly ciLow: number;
  /** Upper end of the Welch confidence interval of `diff`. */
  readonly ciHigh: number;
  /** Standard error of `diff`, √(s²_C/n_C + s²_T/n_T). */
  readonly standardError: number;
  /** t statistic. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** p-value. */
  readonly pValue: number;
  /** Relative lift treatmentMean / controlMean − 1 (null when the control mean is 0). */
  readonly lift: number | null;
  /**
   * Lower end of the confidence interval of `lift` (Fieller with Student t at `df` by default; see `liftMethod`);
   * −Infinity for `alternative: 'less'` or an unbounded Fieller interval (see `liftCiHigh`); null when the lift is undefined.
   */
  readonly liftCiLow: number | null;
  /**
   * Upper end of the confidence interval of `lift`: Infinity for `alternative: 'greater'`, and with Fieller
   * when the control is not distinguishable from 0 at this level (the interval is then unbounded, as in
   * {@link relativeLift}); null when the lift is undefined.
   */
  readonly liftCiHigh: number | null;
  /** The alpha used. */
  readonly alpha: number;
  /** The alternative used. */
  readonly alternative: Alternative;
  /** How the lift interval was computed. */
  readonly liftMethod: LiftMethod;
}

/**
 * Welch's unequal-variance t-test of two means, control vs treatment, with
 * the Welch–Satterthwaite degrees of freedom, a t confidence interval of the
 * difference and Fieller's interval of the relative lift with the same t
 * reference (`liftMethod: 'delta'`: gbstats' symmetric one). Agrees with
 * scipy's `ttest_ind(treatment, control, equal_var=False)`.
 *
 * Each variant may be given as raw values, as `{ mean, sd, n }`, or as
 * sufficient statistics `{ n, sum, sumSquares }` (what a warehouse computes
 * with `COUNT(*)`, `SUM(x)`, `SUM(x*x)`).
 *
 * Costs O(n) for raw values, O(1) otherwise.
 *
 * @param control - the control sample or its summary
 * @param treatment - the treatment sample or its summary
 * @param options - `alpha` (0.05), `alternative` ('two-sided'), `liftMethod` ('fieller')
 * @returns the {@link WelchTTestResult}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_TOO_FEW_UNITS`, `E_NOT_FINITE`, `E_NEGATIVE_SD`,
 *   `E_NEGATIVE_COUNT`, `E_NOT_INTEGER`, `E_SUM_SQUARES`, `E_ZERO_VARIANCE`; `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`,
 *   `E_OPTION_RANGE` (liftMethod)
 * @example
 * ```ts
 * import { welchTTest } from '@marksman/experiments';
 * const r = welchTTest({ mean: 10, sd: 2, n: 50 }, { mean: 11, sd: 3, n: 60 });
 * r.df.toFixed(2); // => '103.33'
 * r.pValue.toFixed(4); // => '0.0395'
 * ```
 */
export function welchTTest(control: MeanSample, treatment: MeanSample, options?: TestOptions): WelchTTestResult {
  const source = 'welchTTest';
  const o = testOptions(source, options);
  const alpha = o.alpha;
  const alt = o.alternative;
  const c = meanMoments(control, source, 0, 'control');
  const t = meanMoments(treatment, source, 1, 'treatment');
  const vC = c.variance / c.n;
  const vT = t.variance / t.n;
  const se = Math.sqrt(vC + vT);
  if (!(se > 0)) {
    throw new ValidationError('E_ZERO_VARIANCE', `${source}: both variants have zero variance, so the t statistic is undefined; check the metric.`, {
      source,
      field: 'sd',
    });
  }
  const diff = t.mean - c.mean;
  const df = ((vC + vT) * (vC + vT)) / ((vC * vC) / (c.n - 1) + (vT * vT) / (t.n - 1));
  const stat = diff / se;
  requireFiniteResult(source, { diff, standardError: se, t: stat, df });
  const ci = intervalOf(diff, se, df, alpha, alt);
  const l = relativeInference(c.mean, vC, t.mean, vT, df, alpha, alt, o.liftMethod);
  return {
    controlMean: c.mean,
    treatmentMean: t.mean,
    diff,
    ciLow: ci.low,
    ciHigh: ci.high,
    standardError: se,
    t: stat,
    df,
    pValue: pValueOf(stat, df, alt),
    lift: l?.lift ?? null,
    liftCiLow: l?.low ?? null,
    liftCiHigh: l?.high ?? null,
    alpha,
    alternative: alt,
    liftMethod: o.liftMethod,
  };
}
