import { ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { MeanInput, ProportionInput } from './bayesian/inputs';
import { type Alternative, checkAlpha, checkAlternative, pValueOf } from './internal/inference';
import { type MeanSample, meanMoments, proportionCounts, requireFiniteResult } from './internal/samples';
import { TEST_DEFAULTS, type TestOptions, liftInterval } from './ztest';

/** Result of {@link relativeLift}. */
export interface RelativeLiftResult {
  /** Relative lift treatment / control − 1. */
  readonly lift: number;
  /** Lower end of the delta-method confidence interval. */
  readonly ciLow: number;
  /** Upper end of the delta-method confidence interval. */
  readonly ciHigh: number;
  /** Delta-method standard error of `lift`. */
  readonly standardError: number;
  /** z statistic lift / standardError. */
  readonly z: number;
  /** p-value of lift = 0 (normal reference). */
  readonly pValue: number;
  /** The alpha used. */
  readonly alpha: number;
  /** The alternative used. */
  readonly alternative: Alternative;
}

function isProportion(x: unknown): x is ProportionInput {
  return typeof x === 'object' && x !== null && 'conversions' in x;
}

/**
 * Relative lift (treatment / control − 1) of a mean or a conversion rate,
 * with a delta-method standard error
 * Var ≈ Var(m̄_T)/m̄_C² + m̄_T²·Var(m̄_C)/m̄_C⁴ (the first-order expansion
 * of a ratio of independent means) and a normal confidence interval.
 *
 * Costs O(1) from summaries, O(n) from raw values.
 *
 * @param control - `{ n, conversions }`, `{ n, sum, sumSquares }`, `{ mean, sd, n }` or raw values
 * @param treatment - the same for the treatment (same kind as control)
 * @param options - `alpha` (0.05), `alternative` ('two-sided')
 * @returns the {@link RelativeLiftResult}
 * @throws `ValidationError` the input codes of {@link proportionsZTest} / {@link welchTTest},
 *   and `E_ZERO_BASELINE` when the control mean is 0 (a relative lift is undefined)
 * @example
 * ```ts
 * import { relativeLift } from '@marksman/experiments';
 * const r = relativeLift({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
 * r.lift.toFixed(3); // => '0.100'
 * [r.ciLow.toFixed(3), r.ciHigh.toFixed(3)]; // => ['0.011', '0.189']
 * ```
 */
export function relativeLift(
  control: ProportionInput | MeanSample,
  treatment: ProportionInput | MeanSample,
  options?: TestOptions,
): RelativeLiftResult {
  const source = 'relativeLift';
  const o = resolveOptions(source, TEST_DEFAULTS, options);
  const alpha = checkAlpha(o.alpha, source);
  const alt = checkAlternative(o.alternative, source);
  let mC: number;
  let mT: number;
  let vC: number;
  let vT: number;
  if (isProportion(control) || isProportion(treatment)) {
    const c = proportionCounts(control as ProportionInput, source, 0, 'control');
    const t = proportionCounts(treatment as ProportionInput, source, 1, 'treatment');
    mC = c.conversions / c.n;
    mT = t.conversions / t.n;
    vC = (mC * (1 - mC)) / c.n;
    vT = (mT * (1 - mT)) / t.n;
  } else {
    const c = meanMoments(control as MeanSample | MeanInput, source, 0, 'control');
    const t = meanMoments(treatment as MeanSample | MeanInput, source, 1, 'treatment');
    mC = c.mean;
    mT = t.mean;
    vC = c.variance / c.n;
    vT = t.variance / t.n;
  }
  const l = liftInterval(mC, vC, mT, vT, alpha, alt);
  if (l.lift === null || l.se === null || l.low === null || l.high === null) {
    throw new ValidationError('E_ZERO_BASELINE', `${source}: the control mean is 0, so a relative lift is undefined; report the absolute difference instead.`, {
      source,
      field: 'control',
    });
  }
  const z = l.se > 0 ? l.lift / l.se : 0;
  requireFiniteResult(source, { lift: l.lift, standardError: l.se, ciLow: l.low, ciHigh: l.high, z });
  return { lift: l.lift, ciLow: l.low, ciHigh: l.high, standardError: l.se, z, pValue: l.se > 0 ? pValueOf(z, Infinity, alt) : 1, alpha, alternative: alt };
}
