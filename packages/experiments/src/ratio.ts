import { ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector } from '@marksman/core/internal';
import { type Alternative, intervalOf, pValueOf } from './internal/inference';
import { type LiftMethod, relativeInference, welchDf } from './internal/relative';
import { isValueList, missing, requireFiniteResult } from './internal/samples';
import { type TestOptions, testOptions } from './ztest';

/**
 * Sufficient statistics of a ratio metric for one variant: per unit (user)
 * a numerator X (revenue, clicks) and a denominator Y (sessions, views);
 * the metric is ΣX / ΣY. SQL: `COUNT(*), SUM(x), SUM(y), SUM(x*x), SUM(y*y), SUM(x*y)`
 * grouped by variant, with one row per unit.
 */
export interface RatioInput {
  /** Number of units (the randomization unit, e.g. users). */
  readonly n: number;
  /** Σ X over units. */
  readonly sumX: number;
  /** Σ Y over units. */
  readonly sumY: number;
  /** Σ X². */
  readonly sumXX: number;
  /** Σ Y². */
  readonly sumYY: number;
  /** Σ X·Y. */
  readonly sumXY: number;
}

/** Raw per-unit numerators and denominators of one variant (arrays, typed arrays or Apache Arrow numeric vectors, i.e. table columns). */
export interface RatioRows {
  /** Per-unit numerator values. */
  readonly numerator: ArrayLike<number> | ArrowLikeVector;
  /** Per-unit denominator values, same length. */
  readonly denominator: ArrayLike<number> | ArrowLikeVector;
}

/**
 * Per-arm moments of a ratio metric, as the delta method uses them (sample
 * variances and covariance with the n − 1 denominator), so the numbers can
 * be checked against a warehouse query.
 */
export interface RatioMetricMoments {
  /** Number of units. */
  readonly n: number;
  /** Mean numerator per unit, X̄ = ΣX / n. */
  readonly numeratorMean: number;
  /** Mean denominator per unit, Ȳ = ΣY / n. */
  readonly denominatorMean: number;
  /** Sample variance of X, (ΣX² − (ΣX)²/n)/(n − 1). */
  readonly numeratorVariance: number;
  /** Sample variance of Y. */
  readonly denominatorVariance: number;
  /** Sample covariance of X and Y, (ΣXY − ΣX·ΣY/n)/(n − 1). */
  readonly covariance: number;
  /** The ratio R = X̄ / Ȳ = ΣX / ΣY. */
  readonly ratio: number;
  /** Delta-method variance of R, (s²_X − 2R·s_XY + R²·s²_Y)/(n·Ȳ²). */
  readonly ratioVariance: number;
}

/** Result of {@link ratioMetricTest}. */
export interface RatioMetricTestResult {
  /** Control ratio ΣX/ΣY. */
  readonly controlRatio: number;
  /** Treatment ratio ΣX/ΣY. */
  readonly treatmentRatio: number;
  /** Difference treatmentRatio − controlRatio. */
  readonly diff: number;
  /** Lower end of the delta-method interval of `diff`. */
  readonly ciLow: number;
  /** Upper end of the delta-method interval of `diff`. */
  readonly ciHigh: number;
  /** Delta-method standard error of `diff`. */
  readonly standardError: number;
  /** z statistic. */
  readonly z: number;
  /** p-value (normal reference). */
  readonly pValue: number;
  /** Relative lift treatmentRatio / controlRatio − 1 (null when the control ratio is 0). */
  readonly lift: number | null;
  /**
   * Lower end of the confidence interval of `lift` (Fieller on the two ratios by default; see `liftMethod`);
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
  /** The control's moments (see {@link ratioMetricMoments}). */
  readonly controlMoments: RatioMetricMoments;
  /** The treatment's moments. */
  readonly treatmentMoments: RatioMetricMoments;
}

/** Validated ratio statistics with sample (n − 1) moments. */
export interface RatioMoments {
  n: number;
  mx: number;
  my: number;
  sxx: number;
  syy: number;
  sxy: number;
}

function bad(source: string, row: number, field: string, code: string, message: string): never {
  throw new ValidationError(code, `${source}: variant ${row} ${message}`, { source, row, field });
}

/** Sums of a raw ratio variant (numerator, denominator arrays). */
export function ratioStatsFromRows(rows: RatioRows, source: string, row: number): RatioInput {
  // An Arrow vector is read through core's reader (its typed array in place; a text or date column is E_ARROW_TYPE).
  const x = isArrowVector(rows.numerator) ? (arrowVectorValues(source, 'numerator', rows.numerator, 'number') as ArrayLike<number>) : rows.numerator;
  const y = isArrowVector(rows.denominator) ? (arrowVectorValues(source, 'denominator', rows.denominator, 'number') as ArrayLike<number>) : rows.denominator;
  if (!isValueList(x) || !isValueList(y) || x.length !== y.length) {
    // Name the array at fault: the one that is not an array, else the denominator (it must follow the numerator).
    bad(source, row, isValueList(x) ? 'denominator' : 'numerator', 'E_LENGTH_MISMATCH', 'needs numerator and denominator arrays of the same length.');
  }
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumYY = 0;
  let sumXY = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isFinite(a)) bad(source, row, 'numerator', 'E_NOT_FINITE', `has a non-finite numerator at index ${i}.`);
    if (!Number.isFinite(b)) bad(source, row, 'denominator', 'E_NOT_FINITE', `has a non-finite denominator at index ${i}.`);
    sumX += a;
    sumY += b;
    sumXX += a * a;
    sumYY += b * b;
    sumXY += a * b;
  }
  return { n: x.length, sumX, sumY, sumXX, sumYY, sumXY };
}

export function ratioMoments(input: RatioInput | RatioRows | undefined, source: string, row: number, field: string): RatioMoments {
  if (input === undefined || input === null) missing(source, field);
  if (typeof input !== 'object') bad(source, row, field, 'E_NOT_FINITE', `must be { numerator, denominator } arrays or sums { n, sumX, sumY, sumXX, sumYY, sumXY }, got ${typeof input}.`);
  const s = 'numerator' in input ? ratioStatsFromRows(input, source, row) : input;
  for (const k of ['n', 'sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY'] as const) {
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) bad(source, row, k, 'E_NOT_FINITE', `has ${k} = ${String(s[k])}; give a finite number.`);
  }
  if (!Number.isSafeInteger(s.n) || s.n < 0) bad(source, row, 'n', 'E_NEGATIVE_COUNT', `has n = ${s.n}; n must be a whole number from 0 to 2^53 − 1.`);
  if (s.n < 2) bad(source, row, 'n', 'E_TOO_FEW_UNITS', `has n = ${s.n}; a ratio metric needs at least 2 units.`);
  const n = s.n;
  const mx = s.sumX / n;
  const my = s.sumY / n;
  if (!(my !== 0)) bad(source, row, 'sumY', 'E_ZERO_DENOMINATOR', 'has ΣY = 0, so its ratio is undefined.');
  const sxx = (s.sumXX - s.sumX * mx) / (n - 1);
  const syy = (s.sumYY - s.sumY * my) / (n - 1);
  const sxy = (s.sumXY - s.sumX * my) / (n - 1);
  const tol = -1e-9;
  if (sxx < tol * Math.max(1, Math.abs(s.sumXX))) bad(source, row, 'sumXX', 'E_SUM_SQUARES', 'has sumXX smaller than (ΣX)²/n; check that sumXX is ΣX².');
  if (syy < tol * Math.max(1, Math.abs(s.sumYY))) bad(source, row, 'sumYY', 'E_SUM_SQUARES', 'has sumYY smaller than (ΣY)²/n; check that sumYY is ΣY².');
  return { n, mx, my, sxx: Math.max(0, sxx), syy: Math.max(0, syy), sxy };
}

/** Delta-method variance of the ratio mx/my of means: (sxx − 2R sxy + R² syy) / (n my²). */
export function ratioVariance(m: RatioMoments): number {
  const r = m.mx / m.my;
  return Math.max(0, (m.sxx - 2 * r * m.sxy + r * r * m.syy) / (m.n * m.my * m.my));
}

/** The public moments of validated ratio statistics. */
export function publicMoments(m: RatioMoments): RatioMetricMoments {
  return {
    n: m.n,
    numeratorMean: m.mx,
    denominatorMean: m.my,
    numeratorVariance: m.sxx,
    denominatorVariance: m.syy,
    covariance: m.sxy,
    ratio: m.mx / m.my,
    ratioVariance: ratioVariance(m),
  };
}

/**
 * Test of a ratio metric (revenue per visit, clicks per view, …) whose
 * numerator and denominator are both summed over randomization units, by the
 * delta method (Deng, Knoblich & Lu, "Applying the delta method in metric
 * analytics", KDD 2018): Var(X̄/Ȳ) ≈ (s²_X − 2R·s_XY + R²·s²_Y)/(n·Ȳ²).
 * This accounts for the correlation of X and Y within a unit, which a naive
 * per-session t-test ignores. Normal reference distribution. The relative
 * lift gets Fieller's interval on the two ratios and their delta-method
 * variances (`liftMethod: 'delta'`: gbstats' symmetric interval with a t
 * reference at Welch's degrees of freedom).
 *
 * Costs O(1) from sufficient statistics, O(n) from rows.
 *
 * @param control - {@link RatioInput} sums or {@link RatioRows} of the control (its arrays may be Arrow vectors)
 * @param treatment - the same for the treatment
 * @param options - `alpha` (0.05), `alternative` ('two-sided'), `liftMethod` ('fieller')
 * @returns the {@link RatioMetricTestResult}
 * @throws `ValidationError` `E_MISSING_VARIANT`, `E_TOO_FEW_UNITS`, `E_NOT_FINITE`, `E_NEGATIVE_COUNT`,
 *   `E_ZERO_DENOMINATOR`, `E_SUM_SQUARES`, `E_LENGTH_MISMATCH`, `E_OVERFLOW` (a ratio or standard error that is not
 *   finite in double precision; an Arrow null is `E_NOT_FINITE`), `E_ARROW_TYPE` (an Arrow numerator or
 *   denominator of text, dates or nested values); `OptionsError` `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE` (liftMethod)
 * @example
 * ```ts
 * import { ratioMetricTest } from '@marksman/experiments';
 * const control = { numerator: [0, 10, 5, 0, 20], denominator: [1, 2, 1, 1, 3] };
 * const treatment = { numerator: [5, 15, 0, 10, 30], denominator: [1, 2, 1, 2, 3] };
 * ratioMetricTest(control, treatment).diff.toFixed(3); // => '2.292'
 * ```
 */
export function ratioMetricTest(control: RatioInput | RatioRows, treatment: RatioInput | RatioRows, options?: TestOptions): RatioMetricTestResult {
  const source = 'ratioMetricTest';
  const o = testOptions(source, options);
  const alpha = o.alpha;
  const alt = o.alternative;
  const c = ratioMoments(control, source, 0, 'control');
  const t = ratioMoments(treatment, source, 1, 'treatment');
  const rC = c.mx / c.my;
  const rT = t.mx / t.my;
  const vC = ratioVariance(c);
  const vT = ratioVariance(t);
  const se = Math.sqrt(vC + vT);
  const diff = rT - rC;
  const z = se > 0 ? diff / se : 0;
  requireFiniteResult(source, { controlRatio: rC, treatmentRatio: rT, diff, standardError: se, z });
  const ci = intervalOf(diff, se, Infinity, alpha, alt);
  const df = o.liftMethod === 'delta' ? welchDf(vC, c.n, vT, t.n) : Infinity;
  const l = relativeInference(rC, vC, rT, vT, df, alpha, alt, o.liftMethod);
  return {
    controlRatio: rC,
    treatmentRatio: rT,
    diff,
    ciLow: ci.low,
    ciHigh: ci.high,
    standardError: se,
    z,
    pValue: se > 0 ? pValueOf(z, Infinity, alt) : 1,
    lift: l?.lift ?? null,
    liftCiLow: l?.low ?? null,
    liftCiHigh: l?.high ?? null,
    alpha,
    alternative: alt,
    liftMethod: o.liftMethod,
    controlMoments: publicMoments(c),
    treatmentMoments: publicMoments(t),
  };
}
