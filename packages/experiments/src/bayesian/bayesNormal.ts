import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { normalCdf, normalPdf, normalPpf } from '../internal/distributions';
import { checkDifference } from './bayesBinomial';
import { checkIndex, checkMean, checkProbability, checkProportion, checkVariantCount } from './inputs';
import type { MeanInput, ProportionInput } from './inputs';
import { expectedMaximum, normalPosterior, probabilityBest } from './posterior';
import type { BayesArm, BayesComparison, BayesDifference } from './bayesTypes';

/** Options of {@link bayesNormal}. */
export interface BayesNormalOptions {
  /** Mean of the normal prior on the effect, on the scale of `difference` (default 0). */
  readonly priorMean?: number;
  /**
   * Standard deviation of the normal prior on the effect (default `Infinity`:
   * a flat, improper prior, so the posterior is the sampling distribution).
   * GrowthBook's proper default is 0.3 on the relative scale. Must be > 0.
   */
  readonly priorSd?: number;
  /** Mass of the equal-tailed credible intervals (default 0.95). */
  readonly credibleLevel?: number;
  /** Index of the control variant (default 0). */
  readonly control?: number;
  /** Effect scale: `'relative'` (lift, default) or `'absolute'` (difference of means). */
  readonly difference?: BayesDifference;
}

const DEFAULTS: Readonly<Required<BayesNormalOptions>> = Object.freeze({
  priorMean: 0,
  priorSd: Infinity,
  credibleLevel: 0.95,
  control: 0,
  difference: 'relative' as BayesDifference,
});

/** A variant compared with the control under the normal model. */
export interface BayesNormalComparison extends BayesComparison {
  /** Posterior mean of the effect on the `difference` scale. */
  readonly posteriorMean: number;
  /** Posterior standard deviation of the effect on the `difference` scale. */
  readonly posteriorSd: number;
}

/** Result of {@link bayesNormal}. */
export interface BayesNormalResult {
  /** Index of the control variant. */
  readonly control: number;
  /** Mass of the credible intervals. */
  readonly credibleLevel: number;
  /** Scale of the effect, its prior, intervals and expected losses. */
  readonly difference: BayesDifference;
  /** One posterior summary per input variant (flat prior on each mean), in input order. */
  readonly arms: readonly BayesArm[];
  /** One comparison per non-control variant, in input order. */
  readonly comparisons: readonly BayesNormalComparison[];
}

const SOURCE = 'bayesNormal';

/**
 * Bayesian analysis of a mean metric (revenue per visitor, order value…)
 * or of a conversion rate, from per-variant sufficient statistics, with the
 * model of GrowthBook's gbstats: the effect of each variant against the control is estimated on
 * the `difference` scale by the delta method —
 * absolute: Δ̂ = x̄_v − x̄_c, Var = s²_v/n_v + s²_c/n_c;
 * relative: Δ̂ = x̄_v/x̄_c − 1, Var = s²_v/(n_v x̄_c²) + s²_c x̄_v²/(n_c x̄_c⁴) —
 * treated as normal with that variance, and combined with the conjugate
 * normal prior N(priorMean, priorSd²) on the effect. Rates come as
 * `{ n, conversions }` and get the variance p̂(1 − p̂) per unit (gbstats'
 * `ProportionStatistic`; passing 0/1 data as `{ n, sum, sumSquares }`
 * instead gives the n − 1 sample variance, slightly wider). The posterior is
 * then
 * posterior precision 1/priorSd² + 1/Var, posterior mean
 * (priorMean/priorSd² + Δ̂/Var) / precision. The default prior is flat
 * (priorSd = ∞), which reproduces the frequentist z-interval.
 *
 * From the posterior N(μ, σ²): `chanceToWin` = Φ(μ/σ); credible interval
 * μ ± z σ; `expectedLoss` = E[max(−Δ, 0)] = σφ(μ/σ) − μΦ(−μ/σ) and
 * `controlExpectedLoss` = E[max(Δ, 0)] = σφ(μ/σ) + μΦ(μ/σ), in the units of
 * the effect. `diff` and `lift` are the posterior mean on their own scale and
 * the plain estimate on the other. Arms: each mean gets a flat prior, so its
 * posterior is N(x̄, s²/n); `chanceToBeBest` and the loss against the best arm
 * are one-dimensional integrals. Higher is taken as better.
 *
 * Costs O(k) closed forms plus O(k·Q) quadrature for the arm summaries.
 *
 * @param variants - per-variant `{ n, sum, sumSquares }` (n ≥ 2) or, all of them, `{ n, conversions }`; at least two
 * @param options - {@link BayesNormalOptions}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS`, `E_ZERO_VISITORS`, `E_TOO_FEW_UNITS`, `E_NEGATIVE_COUNT`,
 *   `E_NOT_INTEGER`, `E_NOT_FINITE`, `E_SUM_SQUARES`, `E_CONVERSIONS_EXCEED_N`, `E_ZERO_VARIANCE` (no spread
 *   in the data), `E_CONTROL_MEAN` (relative effect with a control mean ≤ 0), `E_METRIC_KIND` (rates mixed with means)
 * @throws `OptionsError` `E_PRIOR` for priorSd ≤ 0, `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { bayesNormal } from '@marksman/experiments';
 * const r = bayesNormal([
 *   { n: 5000, sum: 50000, sumSquares: 5000 * 125 },
 *   { n: 5100, sum: 52020, sumSquares: 5100 * 131.04 },
 * ]);
 * r.comparisons[0].lift.toFixed(3); // => '0.020'
 * r.comparisons[0].chanceToWin.toFixed(4); // => '0.9745'
 * // rates, with gbstats' p(1 − p) variance
 * const rates = bayesNormal([{ n: 100, conversions: 49 }, { n: 100, conversions: 51 }]);
 * rates.comparisons[0].posteriorSd.toFixed(5); // => '0.14725'
 * rates.comparisons[0].chanceToWin.toFixed(5); // => '0.60918'
 * ```
 */
export function bayesNormal(variants: readonly (MeanInput | ProportionInput)[], options?: BayesNormalOptions): BayesNormalResult {
  checkVariantCount(variants, SOURCE);
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  if (typeof o.priorSd !== 'number' || !(o.priorSd > 0)) {
    throw new OptionsError('E_PRIOR', `${SOURCE}: priorSd must be > 0 (Infinity for a flat prior), got ${String(o.priorSd)}.`, { source: SOURCE, field: 'priorSd' });
  }
  if (typeof o.priorMean !== 'number' || !Number.isFinite(o.priorMean)) {
    throw new OptionsError('E_PRIOR', `${SOURCE}: priorMean must be a finite number, got ${String(o.priorMean)}.`, { source: SOURCE, field: 'priorMean' });
  }
  checkProbability(o.credibleLevel, 'credibleLevel', SOURCE);
  checkIndex(o.control, variants.length, 'control', SOURCE);
  checkDifference(o.difference, SOURCE);
  const isRate = (v: unknown): v is ProportionInput => typeof v === 'object' && v !== null && 'conversions' in v;
  const rates = isRate(variants[0]);
  const stats = variants.map((v, i) => {
    if (isRate(v) !== rates) {
      throw new ValidationError('E_METRIC_KIND', `${SOURCE}: variant ${i} is not of the same kind as variant 0; give all { n, conversions } or all { n, sum, sumSquares }.`, {
        source: SOURCE,
        row: i,
      });
    }
    if (isRate(v)) {
      checkProportion(v, SOURCE, i);
      const p = v.conversions / v.n;
      return { mean: p, variance: p * (1 - p), n: v.n };
    }
    return { ...checkMean(v, SOURCE, i), n: v.n };
  });
  const z = normalPpf((1 + o.credibleLevel) / 2);
  const c = stats[o.control]!;
  const relative = o.difference === 'relative';
  if (relative && !(c.mean > 0)) {
    throw new ValidationError('E_CONTROL_MEAN', `${SOURCE}: the control's mean is ${c.mean}; a relative lift needs a positive control mean, use difference: 'absolute'.`, {
      source: SOURCE,
      field: 'sum',
      row: o.control,
    });
  }

  const comparisons: BayesNormalComparison[] = [];
  stats.forEach((v, i) => {
    if (i === o.control) return;
    const est = relative ? v.mean / c.mean - 1 : v.mean - c.mean;
    const varEst = relative
      ? v.variance / (v.n * c.mean * c.mean) + (c.variance * v.mean * v.mean) / (c.n * c.mean ** 4)
      : v.variance / v.n + c.variance / c.n;
    if (!(varEst > 0)) {
      throw new ValidationError('E_ZERO_VARIANCE', `${SOURCE}: variant ${i} and the control show no spread (variance 0); the effect's uncertainty cannot be estimated.`, {
        source: SOURCE,
        field: 'sumSquares',
        row: i,
      });
    }
    const precision = 1 / varEst + (Number.isFinite(o.priorSd) ? 1 / (o.priorSd * o.priorSd) : 0);
    const mu = (est / varEst + (Number.isFinite(o.priorSd) ? o.priorMean / (o.priorSd * o.priorSd) : 0)) / precision;
    const sd = Math.sqrt(1 / precision);
    const t = mu / sd;
    comparisons.push({
      index: i,
      chanceToWin: normalCdf(t),
      expectedLoss: sd * normalPdf(t) - mu * normalCdf(-t),
      controlExpectedLoss: sd * normalPdf(t) + mu * normalCdf(t),
      diff: relative ? v.mean - c.mean : mu,
      lift: relative ? mu : v.mean / c.mean - 1,
      ciLow: mu - z * sd,
      ciHigh: mu + z * sd,
      posteriorMean: mu,
      posteriorSd: sd,
    });
  });

  const posts = stats.map((s, i) => {
    const se = Math.sqrt(s.variance / s.n);
    if (!(se > 0)) {
      throw new ValidationError('E_ZERO_VARIANCE', `${SOURCE}: variant ${i} shows no spread (variance 0); its mean's uncertainty cannot be estimated.`, {
        source: SOURCE,
        field: 'sumSquares',
        row: i,
      });
    }
    return normalPosterior(s.mean, se);
  });
  const eMax = expectedMaximum(posts);
  const arms: BayesArm[] = posts.map((p, i) => ({
    index: i,
    mean: p.mean,
    ciLow: p.mean - z * p.sd,
    ciHigh: p.mean + z * p.sd,
    chanceToBeBest: probabilityBest(posts, i),
    expectedLoss: Math.max(0, eMax - p.mean),
  }));
  return { control: o.control, credibleLevel: o.credibleLevel, difference: o.difference, arms, comparisons };
}
