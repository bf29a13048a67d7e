import { resolveOptions } from '@marksman/core/internal';
import { type Alternative, checkAlpha, checkAlternative, intervalOf, pValueOf } from './internal/inference';
import { type ProportionSample, proportionCounts } from './internal/samples';

/** Options of the frequentist tests. */
export interface TestOptions {
  /** 1 − confidence level of the intervals (and the test's level); default 0.05. */
  readonly alpha?: number;
  /** Alternative hypothesis about treatment − control; default `'two-sided'`. */
  readonly alternative?: Alternative;
}

/** Result of {@link proportionsZTest}. */
export interface ProportionsZTestResult {
  /** Control conversion rate. */
  readonly controlRate: number;
  /** Treatment conversion rate. */
  readonly treatmentRate: number;
  /** Absolute difference treatmentRate − controlRate. */
  readonly diff: number;
  /** Lower end of the (unpooled, Wald) confidence interval of `diff`. */
  readonly ciLow: number;
  /** Upper end of the confidence interval of `diff`. */
  readonly ciHigh: number;
  /** Unpooled standard error of `diff` (used by the interval). */
  readonly standardError: number;
  /** z statistic with the pooled standard error (used by the test). */
  readonly z: number;
  /** p-value of the pooled z-test. */
  readonly pValue: number;
  /** Relative lift treatmentRate / controlRate − 1 (null when the control rate is 0). */
  readonly lift: number | null;
  /** Lower end of the delta-method interval of `lift` (null when undefined). */
  readonly liftCiLow: number | null;
  /** Upper end of the delta-method interval of `lift`. */
  readonly liftCiHigh: number | null;
  /** The alpha used. */
  readonly alpha: number;
  /** The alternative used. */
  readonly alternative: Alternative;
}

export const TEST_DEFAULTS: Readonly<{ alpha: number; alternative: Alternative }> = Object.freeze({ alpha: 0.05, alternative: 'two-sided' });

/** Delta-method interval of ratio − 1 = mT/mC − 1 from the means and their variances. */
export function liftInterval(
  mC: number,
  varMeanC: number,
  mT: number,
  varMeanT: number,
  alpha: number,
  alt: Alternative,
): { lift: number | null; low: number | null; high: number | null; se: number | null } {
  if (mC === 0) return { lift: null, low: null, high: null, se: null };
  const lift = mT / mC - 1;
  const se = Math.sqrt(varMeanT / (mC * mC) + (mT * mT * varMeanC) / (mC * mC * mC * mC));
  const ci = intervalOf(lift, se, Infinity, alpha, alt);
  return { lift, low: ci.low, high: ci.high, se };
}

/**
 * Two-proportion z-test of conversion rates, control vs treatment: the test
 * uses the pooled standard error (as statsmodels' `proportions_ztest`), the
 * interval of the difference the unpooled Wald one (statsmodels'
 * `confint_proportions_2indep(method='wald')`), and the relative lift gets a
 * delta-method interval. Tail probabilities come from erfc, so p-values far
 * below 1e-16 keep their digits.
 *
 * Costs O(1) from counts, O(n) from raw 0/1 outcomes.
 *
 * @param control - `{ n, conversions }` or raw 0/1 outcomes of the control
 * @param treatment - the same for the treatment
 * @param options - `alpha` (0.05), `alternative` ('two-sided')
 * @returns the {@link ProportionsZTestResult}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_ZERO_VISITORS`, `E_CONVERSIONS_EXCEED_N`,
 *   `E_NEGATIVE_COUNT`, `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_NOT_BINARY`;
 *   `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`
 * @example
 * ```ts
 * import { proportionsZTest } from '@marksman/experiments';
 * const r = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
 * r.diff.toFixed(4); // => '0.0100'
 * r.pValue.toFixed(4); // => '0.0211'
 * ```
 */
export function proportionsZTest(control: ProportionSample, treatment: ProportionSample, options?: TestOptions): ProportionsZTestResult {
  const source = 'proportionsZTest';
  const o = resolveOptions(source, TEST_DEFAULTS, options);
  const alpha = checkAlpha(o.alpha, source);
  const alt = checkAlternative(o.alternative, source);
  const c = proportionCounts(control, source, 0, 'control');
  const t = proportionCounts(treatment, source, 1, 'treatment');
  const pC = c.conversions / c.n;
  const pT = t.conversions / t.n;
  const diff = pT - pC;
  const pool = (c.conversions + t.conversions) / (c.n + t.n);
  const sePooled = Math.sqrt(pool * (1 - pool) * (1 / c.n + 1 / t.n));
  const varC = (pC * (1 - pC)) / c.n;
  const varT = (pT * (1 - pT)) / t.n;
  const se = Math.sqrt(varC + varT);
  // Both rates 0 % or both 100 %: no evidence of a difference.
  const z = sePooled > 0 ? diff / sePooled : 0;
  const pValue = sePooled > 0 ? pValueOf(z, Infinity, alt) : alt === 'two-sided' ? 1 : 0.5;
  const ci = intervalOf(diff, se, Infinity, alpha, alt);
  const l = liftInterval(pC, varC, pT, varT, alpha, alt);
  return {
    controlRate: pC,
    treatmentRate: pT,
    diff,
    ciLow: ci.low,
    ciHigh: ci.high,
    standardError: se,
    z,
    pValue,
    lift: l.lift,
    liftCiLow: l.low,
    liftCiHigh: l.high,
    alpha,
    alternative: alt,
  };
}
