import { resolveOptions } from '@marksman/core/internal';
import { type Alternative, checkAlpha, checkAlternative, intervalOf, pValueOf } from './internal/inference';
import { type LiftMethod, checkLiftMethod, relativeInference, welchDf } from './internal/relative';
import { type ProportionSample, proportionCounts } from './internal/samples';

/** Options of the frequentist tests. */
export interface TestOptions {
  /** 1 − confidence level of the intervals (and the test's level); default 0.05. */
  readonly alpha?: number;
  /** Alternative hypothesis about treatment − control; default `'two-sided'`. */
  readonly alternative?: Alternative;
  /**
   * Interval and test of the relative lift: `'fieller'` (default; Fieller's
   * interval for a ratio of means, calibrated at low counts and with skewed
   * metrics, and significant exactly when the difference is) or `'delta'`
   * (the symmetric delta-method interval lift ± c·se with a Student t
   * reference at Welch's degrees of freedom, as GrowthBook's gbstats).
   */
  readonly liftMethod?: LiftMethod;
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
  /**
   * Lower end of the confidence interval of `lift` (see `liftMethod`): with Fieller never below −1 (a rate
   * cannot fall further), which is where `alternative: 'less'` and an unbounded interval put it; null when
   * the lift is undefined.
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

export interface ResolvedTestOptions {
  alpha: number;
  alternative: Alternative;
  liftMethod: LiftMethod;
}

export const TEST_DEFAULTS: Readonly<ResolvedTestOptions> = Object.freeze({ alpha: 0.05, alternative: 'two-sided', liftMethod: 'fieller' });

/** Resolves and checks the options of a frequentist test. */
export function testOptions(source: string, options: TestOptions | undefined): ResolvedTestOptions {
  const o = resolveOptions(source, TEST_DEFAULTS, options);
  return { alpha: checkAlpha(o.alpha, source), alternative: checkAlternative(o.alternative, source), liftMethod: checkLiftMethod(o.liftMethod, source) };
}

/**
 * The lift of two rates: Fieller on the unpooled variances (floor −1), or
 * gbstats' delta method with Welch degrees of freedom from p(1 − p).
 */
export function proportionLift(pC: number, nC: number, pT: number, nT: number, o: ResolvedTestOptions): ReturnType<typeof relativeInference> {
  const vC = (pC * (1 - pC)) / nC;
  const vT = (pT * (1 - pT)) / nT;
  const df = o.liftMethod === 'delta' ? welchDf(vC, nC, vT, nT) : Infinity;
  return relativeInference(pC, vC, pT, vT, df, o.alpha, o.alternative, o.liftMethod, -1);
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
 * @param options - `alpha` (0.05), `alternative` ('two-sided'), `liftMethod` ('fieller')
 * @returns the {@link ProportionsZTestResult}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_ZERO_VISITORS`, `E_CONVERSIONS_EXCEED_N`,
 *   `E_NEGATIVE_COUNT`, `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_NOT_BINARY`;
 *   `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE` (liftMethod)
 * @example
 * ```ts
 * import { proportionsZTest } from '@marksman/experiments';
 * const r = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
 * r.diff.toFixed(4); // => '0.0100'
 * r.pValue.toFixed(4); // => '0.0211'
 * [r.liftCiLow?.toFixed(4), r.liftCiHigh?.toFixed(4)]; // => ['0.0145', '0.1932']
 * ```
 */
export function proportionsZTest(control: ProportionSample, treatment: ProportionSample, options?: TestOptions): ProportionsZTestResult {
  const source = 'proportionsZTest';
  const o = testOptions(source, options);
  const alpha = o.alpha;
  const alt = o.alternative;
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
  const l = proportionLift(pC, c.n, pT, t.n, o);
  return {
    controlRate: pC,
    treatmentRate: pT,
    diff,
    ciLow: ci.low,
    ciHigh: ci.high,
    standardError: se,
    z,
    pValue,
    lift: l?.lift ?? null,
    liftCiLow: l?.low ?? null,
    liftCiHigh: l?.high ?? null,
    alpha,
    alternative: alt,
    liftMethod: o.liftMethod,
  };
}
