import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkIndex, checkProbability, checkProportion, checkVariantCount, MAX_BETA_SHAPE, MIN_BETA_PRIOR, checkBetaShapes } from './inputs';
import type { ProportionInput } from './inputs';
import {
  betaExpectedShortfall,
  betaPosterior,
  betaProbGreater,
  differenceQuantile,
  expectedMaximum,
  liftQuantile,
  probabilityBest,
} from './posterior';
import type { BayesArm, BayesComparison, BayesDifference } from './bayesTypes';
import { betaPpf } from '../internal/distributions';

/** Options of {@link bayesBinomial}. */
export interface BayesBinomialOptions {
  /** Prior Beta(α, β) first shape, shared by every variant (default 1: uniform prior). In [0.001, 1e9]. */
  readonly priorAlpha?: number;
  /** Prior Beta(α, β) second shape (default 1). In [0.001, 1e9]. */
  readonly priorBeta?: number;
  /** Mass of the equal-tailed credible intervals (default 0.95). */
  readonly credibleLevel?: number;
  /** Index of the control variant (default 0). */
  readonly control?: number;
  /** Scale of each comparison's `ciLow`/`ciHigh` (default `'relative'`); expected losses are always in rate units. */
  readonly difference?: BayesDifference;
}

const DEFAULTS: Readonly<Required<BayesBinomialOptions>> = Object.freeze({
  priorAlpha: 1,
  priorBeta: 1,
  credibleLevel: 0.95,
  control: 0,
  difference: 'relative' as BayesDifference,
});

/** Posterior of one variant under the beta-binomial model. */
export interface BayesBinomialArm extends BayesArm {
  /** Posterior first shape: priorAlpha + conversions. */
  readonly alpha: number;
  /** Posterior second shape: priorBeta + n − conversions. */
  readonly beta: number;
}

/** A variant compared with the control under the beta-binomial model. */
export interface BayesBinomialComparison extends BayesComparison {
  /**
   * How `chanceToWin` was computed: `'exact'` (Evan Miller's finite sum, when
   * a posterior shape is an integer ≤ 20 000) or `'quadrature'` (adaptive
   * Gauss–Kronrod).
   */
  readonly method: 'exact' | 'quadrature';
}

/** Result of {@link bayesBinomial}. */
export interface BayesBinomialResult {
  /** Index of the control variant. */
  readonly control: number;
  /** Mass of the credible intervals. */
  readonly credibleLevel: number;
  /** Scale of the comparisons' intervals and expected losses. */
  readonly difference: BayesDifference;
  /** One posterior summary per input variant, in input order. */
  readonly arms: readonly BayesBinomialArm[];
  /** One comparison per non-control variant, in input order. */
  readonly comparisons: readonly BayesBinomialComparison[];
}

const SOURCE = 'bayesBinomial';

/**
 * Bayesian analysis of conversion rates with the conjugate beta-binomial
 * model: each variant's rate has the prior Beta(priorAlpha, priorBeta) and
 * the posterior Beta(priorAlpha + conversions, priorBeta + n − conversions).
 *
 * Everything is computed exactly or by deterministic quadrature (no Monte
 * Carlo, so no seed and no simulation noise):
 * - `chanceToWin` = P(p_variant > p_control): Evan Miller's exact finite sum
 *   ("Formulas for Bayesian A/B testing", 2015) when a posterior shape is an
 *   integer (the usual case: integer prior and counts), else adaptive
 *   Gauss–Kronrod quadrature of ∫ f_A(x)·P(B > x) dx;
 * - `expectedLoss` (absolute) = E[max(p_control − p_variant, 0)] by Chris
 *   Stucchio's identity m_A·P(A⁺ > B) − m_B·P(A > B⁺);
 * - credible intervals of each rate from the beta quantile function, and of
 *   the difference p_v − p_c or lift p_v/p_c − 1 by inverting their exact
 *   cdfs (one-dimensional integrals) with a bracketing root finder;
 * - `chanceToBeBest` and each arm's `expectedLoss` against the best arm from
 *   ∫ f_i Π_{j≠i} F_j and E[max] = ∫ (1 − Π_j F_j).
 * Expected losses are always in rate units (as in Miller's and Stucchio's
 * formulas); `difference` only chooses the scale of a comparison's
 * `ciLow`/`ciHigh`. `diff` is the posterior mean difference and `lift` is
 * E[p_v]/E[p_c] − 1.
 *
 * Costs O(k·Q) for k variants, where Q is a few hundred incomplete-beta
 * evaluations per integral (milliseconds for k ≤ 10).
 *
 * @param variants - per-variant `{ n, conversions }`; at least two, `control` (default the first) is the baseline
 * @param options - {@link BayesBinomialOptions}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS`, `E_ZERO_VISITORS`, `E_CONVERSIONS_EXCEED_N`,
 *   `E_NEGATIVE_COUNT`, `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_COUNT_TOO_LARGE` (a posterior shape,
 *   prior plus counts, above 1e9: the exact computations would take minutes)
 * @throws `OptionsError` `E_PRIOR` for a prior shape that is not a number in [0.001, 1e9], `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { bayesBinomial } from '@marksman/experiments';
 * const r = bayesBinomial([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }]);
 * r.comparisons[0].chanceToWin.toFixed(4); // => '0.9232'
 * r.comparisons[0].expectedLoss.toFixed(5); // => '0.00048'
 * r.arms[1].ciLow.toFixed(4); // => '0.1013'
 * ```
 */
export function bayesBinomial(variants: readonly ProportionInput[], options?: BayesBinomialOptions): BayesBinomialResult {
  checkVariantCount(variants, SOURCE);
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  for (const field of ['priorAlpha', 'priorBeta'] as const) {
    const v = o[field];
    if (typeof v !== 'number' || !(v >= MIN_BETA_PRIOR) || !(v <= MAX_BETA_SHAPE)) {
      throw new OptionsError('E_PRIOR', `${SOURCE}: ${field} must be a number in [${MIN_BETA_PRIOR}, ${MAX_BETA_SHAPE}], got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}.`, { source: SOURCE, field });
    }
  }
  checkProbability(o.credibleLevel, 'credibleLevel', SOURCE);
  checkIndex(o.control, variants.length, 'control', SOURCE);
  checkDifference(o.difference, SOURCE);
  variants.forEach((v, i) => {
    checkProportion(v, SOURCE, i);
    checkBetaShapes(o.priorAlpha + v.conversions, o.priorBeta + v.n - v.conversions, SOURCE, i);
  });

  const posts = variants.map((v) => betaPosterior(o.priorAlpha + v.conversions, o.priorBeta + v.n - v.conversions));
  const lq = (1 - o.credibleLevel) / 2;
  const hq = (1 + o.credibleLevel) / 2;
  const eMax = expectedMaximum(posts);
  const arms: BayesBinomialArm[] = posts.map((p, i) => ({
    index: i,
    alpha: p.a,
    beta: p.b,
    mean: p.mean,
    ciLow: betaPpf(lq, p.a, p.b),
    ciHigh: betaPpf(hq, p.a, p.b),
    chanceToBeBest: probabilityBest(posts, i),
    expectedLoss: Math.max(0, eMax - p.mean),
  }));

  const c = posts[o.control]!;
  const comparisons: BayesBinomialComparison[] = [];
  posts.forEach((v, i) => {
    if (i === o.control) return;
    const win = betaProbGreater(c, v);
    const loss = betaExpectedShortfall(c, v);
    const closs = betaExpectedShortfall(v, c);
    const relative = o.difference === 'relative';
    comparisons.push({
      index: i,
      chanceToWin: win.value,
      expectedLoss: loss,
      controlExpectedLoss: closs,
      diff: v.mean - c.mean,
      lift: v.mean / c.mean - 1,
      ciLow: relative ? liftQuantile(v, c, lq) : differenceQuantile(v, c, lq),
      ciHigh: relative ? liftQuantile(v, c, hq) : differenceQuantile(v, c, hq),
      method: win.method,
    });
  });
  return { control: o.control, credibleLevel: o.credibleLevel, difference: o.difference, arms, comparisons };
}

/** Refuses a `difference` option other than 'relative' or 'absolute'. */
export function checkDifference(value: unknown, source: string): void {
  if (value !== 'relative' && value !== 'absolute') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: difference must be 'relative' or 'absolute', got ${String(value)}.`, { source, field: 'difference' });
  }
}
