// Internal: inference on a relative lift mT / mC − 1 from two independent
// means and the variances of those means, shared by every function that
// reports a lift (proportionsZTest, welchTTest, relativeLift,
// ratioMetricTest, cuped).
//
// The default is Fieller's interval (Fieller 1954; for A/B tests see e.g.
// Kohavi, Tang & Xu 2020, §18): the set of ratios ρ for which the linear
// contrast mT − ρ·mC is not significantly different from 0,
//   (mT − ρ mC)² ≤ c² (vT + ρ² vC),
// a quadratic in ρ. It is exact for a ratio of normal means, never assumes
// the lift itself is normal, and its test of lift = 0 is the test of the
// difference with the same (unpooled) variances, so the lift interval
// excludes 0 exactly when the difference is significant. The symmetric
// delta-method interval lift ± c·se (what GrowthBook's gbstats reports) is
// kept as `'delta'` for parity: at low counts it rejects mostly on one side
// (its standard error is evaluated at the estimate).
import { OptionsError } from '@marksman/core';
import { type Alternative, criticalValue, pValueOf } from './inference';

/** How a relative lift gets its interval and p-value: Fieller (default) or the symmetric delta method (gbstats). */
export type LiftMethod = 'fieller' | 'delta';

/** Interval, test and standard error of a relative lift. */
export interface LiftInference {
  lift: number;
  low: number;
  high: number;
  /** Delta-method standard error of the lift at the estimate. */
  se: number;
  /** Test statistic of lift = 0 (z, or t with `df` degrees of freedom). */
  statistic: number;
  df: number;
  pValue: number;
}

export function checkLiftMethod(method: unknown, source: string): LiftMethod {
  if (method === 'fieller' || method === 'delta') return method;
  throw new OptionsError('E_OPTION_RANGE', `${source}: liftMethod must be 'fieller' or 'delta', got ${JSON.stringify(method)}.`, { source, field: 'liftMethod' });
}

/**
 * Welch–Satterthwaite degrees of freedom from the variances of two means
 * (a = s²₁/n₁, b = s²₂/n₂): (a + b)² / (a²/(n₁ − 1) + b²/(n₂ − 1)).
 * Infinity when both variances are 0.
 */
export function welchDf(a: number, n1: number, b: number, n2: number): number {
  const den = (a * a) / (n1 - 1) + (b * b) / (n2 - 1);
  return den > 0 ? ((a + b) * (a + b)) / den : Infinity;
}

/**
 * Lift mT/mC − 1 with its interval and test, or null when mC is 0.
 *
 * @param vC - variance of the control mean (s²/n)
 * @param vT - variance of the treatment mean
 * @param df - degrees of freedom of the reference law (Infinity = normal)
 * @param floor - smallest possible lift (−1 for rates and other non-negative means), else −Infinity
 */
export function relativeInference(
  mC: number,
  vC: number,
  mT: number,
  vT: number,
  df: number,
  alpha: number,
  alt: Alternative,
  method: LiftMethod,
  floor = -Infinity,
): LiftInference | null {
  if (mC === 0) return null;
  const lift = (mT - mC) / mC;
  const se = Math.sqrt(vT / (mC * mC) + (mT * mT * vC) / (mC * mC * mC * mC));
  const c = criticalValue(alt === 'two-sided' ? alpha / 2 : alpha, df);
  let low: number;
  let high: number;
  let statistic: number;
  if (method === 'delta') {
    statistic = se > 0 ? lift / se : 0;
    low = lift - c * se;
    high = lift + c * se;
  } else {
    // The test of ρ = 1 is the test of mT − mC = 0; its sign follows the lift's.
    const seDiff = Math.sqrt(vT + vC);
    statistic = seDiff > 0 ? (Math.sign(mC) * (mT - mC)) / seDiff : 0;
    const a = mC * mC - c * c * vC;
    if (a > 0) {
      // Roots of a·ρ² − 2 mT mC ρ + (mT² − c² vT) = 0, shifted by −1 without cancellation:
      // ρ − 1 = (mC (mT − mC) + c² vC ± √D) / a with D = c² (vT·a + vC·mT²) ≥ 0.
      const centre = mC * (mT - mC) + c * c * vC;
      const half = Math.sqrt(Math.max(0, c * c * (vT * a + vC * mT * mT)));
      low = (centre - half) / a;
      high = (centre + half) / a;
    } else {
      // The control mean is not distinguishable from 0 at this level: no finite bound.
      low = -Infinity;
      high = Infinity;
    }
  }
  // A rate (or any non-negative mean) cannot fall by more than 100 %; the
  // delta method is left as gbstats computes it.
  const bottom = method === 'fieller' ? floor : -Infinity;
  low = Math.max(low, bottom);
  if (alt === 'greater') high = Infinity;
  if (alt === 'less') low = bottom;
  const pValue = vT + vC > 0 ? pValueOf(statistic, df, alt) : alt === 'two-sided' ? 1 : 0.5;
  return { lift, low, high, se, statistic, df, pValue };
}
