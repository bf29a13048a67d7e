import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { noncentralTCdf, noncentralTSf, normalCdf, normalIsf, normalSf } from './internal/distributions';
import { type Alternative, checkAlpha, checkAlternative, criticalValue } from './internal/inference';
import { type LiftMethod, checkLiftMethod } from './internal/relative';

/** Reference distribution of a power calculation: normal (`'z'`) or Student t (`'t'`). */
export type PowerTest = 'z' | 't';

/** A change of a conversion rate, from `baseline` to `baseline + mde` (or `baseline × (1 + mde)` when relative). */
export interface ProportionEffect {
  /** Control conversion rate, in (0, 1). */
  readonly baseline: number;
  /** The change: absolute (rate points, default) or relative to the baseline. */
  readonly mde: number;
  /** Whether `mde` is absolute (default) or relative. */
  readonly mdeType?: 'absolute' | 'relative';
}

/** A change of a mean metric with per-unit standard deviation `sd`. */
export interface MeanEffect {
  /** The change: in the metric's units (default) or, with `mdeType: 'relative'`, relative to `mean`. */
  readonly mde: number;
  /** Per-unit standard deviation of the metric (the same in both arms). */
  readonly sd: number;
  /** Control mean; needed for a relative change. */
  readonly mean?: number;
  /** Whether `mde` is absolute (default) or relative to `mean`. */
  readonly mdeType?: 'absolute' | 'relative';
}

/** What {@link power} accepts as the effect: a standardized effect size, a change of a rate, or a change of a mean. */
export type PowerEffect = number | ProportionEffect | MeanEffect;

/** Options shared by the design functions. */
export interface DesignOptions {
  /** Significance level of each comparison before correction; default 0.05. */
  readonly alpha?: number;
  /** Alternative hypothesis; default `'two-sided'`. */
  readonly alternative?: Alternative;
  /** Allocation ratio nTreatment / nControl (per treatment arm); default 1. */
  readonly ratio?: number;
  /**
   * Number of treatment arms compared with the control; alpha is divided by
   * it (Bonferroni), default 1.
   */
  readonly variants?: number;
  /** Normal (`'z'`, default) or Student t (`'t'`, noncentral t power as statsmodels' TTestIndPower). */
  readonly test?: PowerTest;
  /**
   * Test of a relative change of a mean: `'fieller'` (default: the test of
   * the difference, which is what Fieller's lift interval of the analysis
   * functions inverts) or `'delta'` (the delta-method z-test of the lift,
   * GrowthBook's `powerEst` / `findMde`; normal reference). Absolute effects
   * and rates are unaffected.
   */
  readonly liftMethod?: LiftMethod;
}

/** Options of the sample-size functions: {@link DesignOptions} plus the target power. */
export interface SampleSizeOptions extends DesignOptions {
  /** Target power (1 − β); default 0.8. */
  readonly power?: number;
}

/** Options of {@link sampleSizeMeans}: {@link SampleSizeOptions} plus the scale of `mde`. */
export interface MeanSampleSizeOptions extends SampleSizeOptions {
  /** Whether `mde` is in the metric's units (default) or relative to `mean`. */
  readonly mdeType?: 'absolute' | 'relative';
  /** Control mean, needed when `mdeType` is `'relative'`. */
  readonly mean?: number | null;
}

/** Options of {@link sampleSizeProportions}. */
export interface ProportionSampleSizeOptions extends Omit<SampleSizeOptions, 'test' | 'liftMethod'> {
  /** Whether `mde` is an absolute difference (default) or relative to the baseline. */
  readonly mdeType?: 'absolute' | 'relative';
}

/** Options of {@link minimumDetectableEffect}. */
export interface MdeOptions extends SampleSizeOptions {
  /** Standard deviation of the metric, to express the effect in its units. */
  readonly sd?: number | null;
  /** Baseline conversion rate: the effect is then solved for two proportions. */
  readonly baseline?: number | null;
  /** Control mean of a mean metric (with `sd`): the effect is then also given relative to it. */
  readonly mean?: number | null;
}

/** Sample size of a two-arm (or k-arm) design. */
export interface SampleSize {
  /** Units needed in the control arm (rounded up). */
  readonly nControl: number;
  /** Units needed in each treatment arm (rounded up). */
  readonly nTreatment: number;
  /** Units in all arms together. */
  readonly total: number;
  /** Unrounded control-arm size, for comparison with other tools. */
  readonly exact: number;
  /** Per-comparison significance level actually used (alpha / variants). */
  readonly alphaPerComparison: number;
}

/** The smallest effect a design detects with the requested power. */
export interface MinimumDetectableEffect {
  /** Standardized effect (Cohen's d = Δ/σ) for means. */
  readonly effectSize: number;
  /** The effect in the metric's units (needs `sd` or `baseline`), else null. */
  readonly absolute: number | null;
  /** The effect relative to the baseline (needs `baseline`), else null. */
  readonly relative: number | null;
}

/** How long an experiment must run. */
export interface Duration {
  /** Days of traffic needed (rounded up). */
  readonly days: number;
  /** Whole weeks covering `days` (run full weeks to average out weekday effects). */
  readonly weeks: number;
}

interface ResolvedDesign {
  alpha: number;
  alternative: Alternative;
  ratio: number;
  variants: number;
  test: PowerTest;
  liftMethod: LiftMethod;
}

const DESIGN_DEFAULTS: Readonly<ResolvedDesign> = Object.freeze({ alpha: 0.05, alternative: 'two-sided', ratio: 1, variants: 1, test: 'z', liftMethod: 'fieller' });
interface ResolvedSample extends ResolvedDesign {
  power: number;
}
interface ResolvedMeanSample extends ResolvedSample {
  mdeType: 'absolute' | 'relative';
  mean: number | null;
}
interface ResolvedProportion extends Omit<ResolvedSample, 'test' | 'liftMethod'> {
  mdeType: 'absolute' | 'relative';
}
interface ResolvedMde extends ResolvedSample {
  sd: number | null;
  baseline: number | null;
  mean: number | null;
}
const SAMPLE_DEFAULTS: Readonly<ResolvedSample> = Object.freeze({ ...DESIGN_DEFAULTS, power: 0.8 });
const MEAN_SAMPLE_DEFAULTS: Readonly<ResolvedMeanSample> = Object.freeze({ ...SAMPLE_DEFAULTS, mdeType: 'absolute', mean: null });
const PROPORTION_DEFAULTS: Readonly<ResolvedProportion> = Object.freeze({
  alpha: 0.05,
  alternative: 'two-sided',
  ratio: 1,
  variants: 1,
  power: 0.8,
  mdeType: 'absolute',
});
const MDE_DEFAULTS: Readonly<ResolvedMde> = Object.freeze({ ...SAMPLE_DEFAULTS, sd: null, baseline: null, mean: null });
const DURATION_DEFAULTS: Readonly<{ share: number }> = Object.freeze({ share: 1 });

function optionError(source: string, field: string, message: string, code = 'E_OPTION_RANGE'): never {
  throw new OptionsError(code, `${source}: ${message}`, { source, field });
}

/** Most treatment arms a design may have. */
const MAX_VARIANTS = 1000;

/** True for a number (not a numeric string) in [lo, hi] (open ends when asked). */
function isNumberIn(v: unknown, lo: number, hi: number, openLo = false, openHi = false): v is number {
  return typeof v === 'number' && (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function checkDesign(o: ResolvedDesign, source: string): void {
  checkAlpha(o.alpha, source);
  checkAlternative(o.alternative, source);
  if (!isNumberIn(o.ratio, 1e-6, 1e6)) optionError(source, 'ratio', `ratio must be a number between 1e-6 and 1e6, got ${show(o.ratio)}.`);
  if (!Number.isInteger(o.variants) || !isNumberIn(o.variants, 1, MAX_VARIANTS)) optionError(source, 'variants', `variants must be an integer between 1 and ${MAX_VARIANTS}, got ${show(o.variants)}.`);
  if (o.test !== 'z' && o.test !== 't') optionError(source, 'test', `test must be 'z' or 't', got ${JSON.stringify(o.test)}.`);
  checkLiftMethod(o.liftMethod, source);
}

function checkPower(p: number, source: string): void {
  if (!isNumberIn(p, 0, 1, true, true)) optionError(source, 'power', `power must be in (0, 1), got ${show(p)}.`, 'E_POWER');
}

/** Power for standardized effect d with nControl units and ratio r (statsmodels' Normal/TTestIndPower). */
function powerOf(d: number, nControl: number, o: ResolvedDesign): number {
  const alpha = o.alpha / o.variants;
  const nTreat = nControl * o.ratio;
  const nEff = 1 / (1 / nControl + 1 / nTreat);
  const shift = d * Math.sqrt(nEff);
  const tail = o.alternative === 'two-sided' ? alpha / 2 : alpha;
  if (o.test === 'z') {
    const c = normalIsf(tail);
    let p = 0;
    if (o.alternative !== 'less') p += normalSf(c - shift);
    if (o.alternative !== 'greater') p += normalCdf(-c - shift);
    return p;
  }
  const df = nControl + nTreat - 2;
  const c = criticalValue(tail, df);
  let p = 0;
  if (o.alternative !== 'less') p += noncentralTSf(c, df, shift);
  if (o.alternative !== 'greater') p += noncentralTCdf(-c, df, shift);
  return p;
}

/**
 * Power of a z-test whose estimate has standard error `seNull` under the
 * null and `seAlt` under the alternative, at true value `delta` (statsmodels'
 * `normal_power_het`): both tails count for a two-sided test.
 */
function hetPower(delta: number, seNull: number, seAlt: number, o: ResolvedDesign): number {
  const alpha = o.alpha / o.variants;
  const c = normalIsf(o.alternative === 'two-sided' ? alpha / 2 : alpha);
  let p = 0;
  if (o.alternative !== 'less') p += normalSf((c * seNull - delta) / seAlt);
  if (o.alternative !== 'greater') p += normalCdf((-c * seNull - delta) / seAlt);
  return p;
}

/** Standard errors of the two-proportion z-test at nControl: pooled rate under H₀, each arm's rate under H₁. */
function proportionSe(pC: number, pT: number, nControl: number, ratio: number): { seNull: number; seAlt: number } {
  const nT = nControl * ratio;
  const pBar = (pC * nControl + pT * nT) / (nControl + nT);
  return {
    seNull: Math.sqrt(pBar * (1 - pBar) * (1 / nControl + 1 / nT)),
    seAlt: Math.sqrt((pC * (1 - pC)) / nControl + (pT * (1 - pT)) / nT),
  };
}

/**
 * Standard error of the delta-method lift estimate at a relative change
 * `lift` of a mean `mean` with per-unit sd `sd` in both arms (GrowthBook's
 * `powerStandardError`): √(sd²/(mean²·n_T) + sd²(1 + lift)²/(mean²·n_C)).
 */
function deltaLiftSe(lift: number, mean: number, sd: number, nControl: number, ratio: number): number {
  const cv2 = (sd * sd) / (mean * mean);
  return Math.sqrt(cv2 / (nControl * ratio) + (cv2 * (1 + lift) * (1 + lift)) / nControl);
}

/** A validated effect: the power it has with `nControl` control units. */
interface ResolvedEffect {
  powerAt(nControl: number, o: ResolvedDesign): number;
}

function effectFields(effect: object, known: readonly string[], source: string): void {
  for (const key of Object.keys(effect)) {
    if (!known.includes(key)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `${source}: unknown effect field "${key}". Known fields: ${known.join(', ')}.`, { source, field: key });
    }
  }
}

function resolveEffect(effect: unknown, source: string): ResolvedEffect {
  if (typeof effect === 'number') {
    if (!Number.isFinite(effect)) optionError(source, 'effectSize', `effectSize must be a finite number, got ${show(effect)}.`, 'E_EFFECT_SIZE');
    return { powerAt: (n, o) => powerOf(effect, n, o) };
  }
  if (typeof effect !== 'object' || effect === null) {
    return optionError(source, 'effectSize', `the effect must be a standardized effect size, { baseline, mde } or { mde, sd }, got ${show(effect)}.`, 'E_EFFECT_SIZE');
  }
  const e = effect as Partial<ProportionEffect & MeanEffect>;
  const mdeType = e.mdeType ?? 'absolute';
  if (mdeType !== 'absolute' && mdeType !== 'relative') optionError(source, 'mdeType', `mdeType must be 'absolute' or 'relative', got ${JSON.stringify(mdeType)}.`);
  if ('baseline' in e) {
    effectFields(e, ['baseline', 'mde', 'mdeType'], source);
    const b = e.baseline;
    if (!isNumberIn(b, 0, 1, true, true)) return optionError(source, 'baseline', `baseline must be a rate in (0, 1), got ${show(b)}.`, 'E_BASELINE');
    if (typeof e.mde !== 'number' || !Number.isFinite(e.mde)) return optionError(source, 'mde', `mde must be a finite number, got ${show(e.mde)}.`, 'E_EFFECT_SIZE');
    const pT = mdeType === 'relative' ? b * (1 + e.mde) : b + e.mde;
    if (!(pT > 0 && pT < 1)) optionError(source, 'mde', `mde must keep the treatment rate in (0, 1); got a treatment rate of ${String(pT)}.`, 'E_EFFECT_SIZE');
    return {
      powerAt: (n, o) => {
        const se = proportionSe(b, pT, n, o.ratio);
        return hetPower(pT - b, se.seNull, se.seAlt, o);
      },
    };
  }
  effectFields(e, ['mde', 'sd', 'mean', 'mdeType'], source);
  const { mde, sd, mean } = e;
  if (typeof mde !== 'number' || !Number.isFinite(mde)) return optionError(source, 'mde', `mde must be a finite number, got ${show(mde)}.`, 'E_EFFECT_SIZE');
  if (!isNumberIn(sd, 0, Infinity, true) || !Number.isFinite(sd)) return optionError(source, 'sd', `sd must be a positive number, got ${show(sd)}.`, 'E_SD');
  if (mdeType === 'relative' || mean !== undefined) {
    if (typeof mean !== 'number' || !Number.isFinite(mean) || mean === 0) {
      return optionError(source, 'mean', `a relative change needs the control mean, a finite non-zero number; got ${show(mean)}.`, 'E_MEAN');
    }
  }
  const lift = mdeType === 'relative' ? mde : mean === undefined ? NaN : mde / mean;
  const absolute = mdeType === 'relative' ? mde * (mean as number) : mde;
  return {
    powerAt: (n, o) => {
      if (o.liftMethod === 'delta' && mdeType === 'relative') {
        const se = deltaLiftSe(lift, mean as number, sd, n, o.ratio);
        return hetPower(lift, se, se, o);
      }
      return powerOf(absolute / sd, n, o);
    },
  };
}

/**
 * Statistical power of a two-arm comparison with `nControl` units in the
 * control and `ratio × nControl` in the treatment; both tails count for a
 * two-sided test. The effect is one of:
 * - a standardized effect size (Cohen's d = Δ/σ, or Cohen's h for rates):
 *   statsmodels' `NormalIndPower().power` (`test: 'z'`) or
 *   `TTestIndPower().power` (`test: 't'`, noncentral t);
 * - `{ baseline, mde, mdeType? }`, two conversion rates: the two-proportion
 *   z-test with the pooled variance under H₀ and each rate's under H₁
 *   (statsmodels' `power_proportions_2indep`, the formula that
 *   {@link sampleSizeProportions} inverts);
 * - `{ mde, sd, mean?, mdeType? }`, a mean metric: Δ/σ as above, with a
 *   relative `mde` turned into Δ = mde·mean. With `liftMethod: 'delta'` a
 *   relative change is tested on the lift instead, with the delta-method
 *   standard error √(sd²/(mean² n_T) + sd²(1 + mde)²/(mean² n_C)) and a
 *   normal reference: GrowthBook's `powerEst`.
 *
 * Costs O(1) for z; O(terms of the noncentral t series) for t.
 *
 * @param effect - a standardized effect size, a {@link ProportionEffect} or a {@link MeanEffect}
 * @param nControl - units in the control arm (≥ 2)
 * @param options - alpha, alternative, ratio, variants, test, liftMethod
 * @returns the power in [0, 1]
 * @throws `OptionsError` `E_EFFECT_SIZE`, `E_BASELINE`, `E_SD`, `E_MEAN` (a relative mean change without
 *   its mean), `E_SAMPLE_SIZE`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`, `E_OPTION_UNKNOWN` (an
 *   unknown field of the effect)
 * @example
 * ```ts
 * import { power } from '@marksman/experiments';
 * power(0.2, 393).toFixed(2); // => '0.80'
 * power({ baseline: 0.1, mde: 0.02 }, 3841).toFixed(3); // => '0.800'
 * // GrowthBook's powerEst test case: +5 % on a mean of 10 (variance 3910), 400,000 users over 3 arms
 * power({ mde: 0.05, mdeType: 'relative', mean: 10, sd: Math.sqrt(3909.9997749994377) }, 400000 / 3, { liftMethod: 'delta' }).toFixed(5); // => '0.52144'
 * ```
 */
export function power(effect: PowerEffect, nControl: number, options?: DesignOptions): number {
  const o = resolveOptions('power', DESIGN_DEFAULTS, options);
  checkDesign(o, 'power');
  const e = resolveEffect(effect, 'power');
  if (!isNumberIn(nControl, 2, Number.MAX_SAFE_INTEGER)) optionError('power', 'nControl', `nControl must be a number between 2 and 2^53 − 1, got ${show(nControl)}.`, 'E_SAMPLE_SIZE');
  return e.powerAt(nControl, o);
}

/** Solves f(n) = target for n by bisection on log n (power increases with n). */
function solveN(f: (n: number) => number, target: number): number {
  let lo = 2;
  let hi = 4;
  while (f(hi) < target) {
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  if (f(lo) >= target) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function sampleSizeResult(exact: number, o: { ratio: number; variants: number; alpha: number }, source: string): SampleSize {
  if (!(exact * Math.max(1, o.ratio) * (1 + o.variants) <= Number.MAX_SAFE_INTEGER)) {
    optionError(source, 'mde', `the effect is too small to detect with any practical sample (${exact} units per arm); choose a larger effect.`, 'E_EFFECT_SIZE');
  }
  const nControl = Math.ceil(exact - 1e-9);
  const nTreatment = Math.ceil(exact * o.ratio - 1e-9);
  return { nControl, nTreatment, total: nControl + o.variants * nTreatment, exact, alphaPerComparison: o.alpha / o.variants };
}

/**
 * Units per arm to detect a difference `mde` between two means with standard
 * deviation `sd` (Cohen's d = mde/sd): solves {@link power} = target exactly
 * (both tails), as statsmodels' `NormalIndPower().solve_power` (`test: 'z'`)
 * or `TTestIndPower().solve_power` (`test: 't'`). With `mdeType: 'relative'`
 * (and the control `mean`) the change is mde·mean; with `liftMethod:
 * 'delta'` as well, the size is the one GrowthBook's power calculator gives
 * (delta-method test of the lift, see {@link power}). With `variants` > 1 the
 * alpha of each treatment-vs-control comparison is alpha / variants.
 * Fixed-horizon designs only: for the always-valid test of
 * {@link sequentialTest}, which may be looked at any time, use
 * {@link sequentialSampleSize} (about 1.9× these units at α = 0.05, power
 * 0.8), and for planned looks a group-sequential design (see
 * {@link groupSequentialDesign}).
 *
 * Costs O(log n) power evaluations.
 *
 * @param mde - smallest difference of means worth detecting (≠ 0): in the metric's units, or relative to `mean`
 * @param sd - standard deviation of the metric per unit (> 0)
 * @param options - alpha, power, alternative, ratio, variants, test, mdeType, mean, liftMethod
 * @returns the {@link SampleSize}
 * @throws `OptionsError` `E_EFFECT_SIZE`, `E_SD`, `E_MEAN`, `E_POWER`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { sampleSizeMeans } from '@marksman/experiments';
 * sampleSizeMeans(2, 10).nControl; // => 393
 * sampleSizeMeans(0.2, 10, { mdeType: 'relative', mean: 10 }).nControl; // => 393 (+20 % of 10)
 * ```
 */
export function sampleSizeMeans(mde: number, sd: number, options?: MeanSampleSizeOptions): SampleSize {
  const source = 'sampleSizeMeans';
  const o = resolveOptions(source, MEAN_SAMPLE_DEFAULTS, options);
  checkDesign(o, source);
  checkPower(o.power, source);
  if (typeof mde !== 'number' || !Number.isFinite(mde) || mde === 0) optionError(source, 'mde', `mde must be a non-zero finite number, got ${show(mde)}.`, 'E_EFFECT_SIZE');
  if (typeof sd !== 'number' || !(sd > 0) || !Number.isFinite(sd)) optionError(source, 'sd', `sd must be a positive number, got ${show(sd)}.`, 'E_SD');
  if (o.mdeType !== 'absolute' && o.mdeType !== 'relative') optionError(source, 'mdeType', `mdeType must be 'absolute' or 'relative', got ${JSON.stringify(o.mdeType)}.`);
  if (o.mean !== null && (typeof o.mean !== 'number' || !Number.isFinite(o.mean) || o.mean === 0)) {
    optionError(source, 'mean', `mean must be a finite non-zero number or null, got ${show(o.mean)}.`, 'E_MEAN');
  }
  if (o.mdeType === 'relative' && o.mean === null) optionError(source, 'mean', 'a relative mde needs the control mean (option mean).', 'E_MEAN');
  const signed = (x: number): number => (o.alternative === 'less' ? -Math.abs(x) : o.alternative === 'greater' ? Math.abs(x) : x);
  if (o.mdeType === 'relative' && o.liftMethod === 'delta') {
    const e = resolveEffect({ mde: signed(mde) * Math.sign(o.mean!), sd, mean: o.mean!, mdeType: 'relative' }, source);
    return sampleSizeResult(solveN((n) => e.powerAt(n, o), o.power), o, source);
  }
  const absolute = o.mdeType === 'relative' ? mde * o.mean! : mde;
  const d = signed(absolute) / sd;
  if (!Number.isFinite(d) || d === 0) optionError(source, 'mde', `mde / sd (${d}) must be finite and non-zero.`, 'E_EFFECT_SIZE');
  return sampleSizeResult(
    solveN((n) => powerOf(d, n, o), o.power),
    o,
    source,
  );
}

/**
 * Control-arm size for the two-proportion z-test from the explicit normal
 * formula (Fleiss, without continuity correction; statsmodels'
 * `samplesize_proportions_2indep_onetail`):
 * n = ((z_{α'}·σ₀ + z_{power}·σ₁) / Δ)², σ₀ from the pooled rate p̄ under
 * H₀, σ₁ from pC and pT under H₁. The far tail of a two-sided test is
 * ignored (negligible in practice).
 */
function proportionN(pC: number, pT: number, o: { alpha: number; alternative: Alternative; ratio: number; variants: number; power: number }): number {
  const r = o.ratio;
  const alpha = o.alpha / o.variants;
  const tail = o.alternative === 'two-sided' ? alpha / 2 : alpha;
  const pBar = (pC + r * pT) / (1 + r);
  const s0 = Math.sqrt(pBar * (1 - pBar) * (1 + 1 / r));
  const s1 = Math.sqrt(pC * (1 - pC) + (pT * (1 - pT)) / r);
  const z = normalIsf(tail) * s0 + normalIsf(1 - o.power) * s1;
  const diff = pT - pC;
  return (z / diff) ** 2;
}

/**
 * Units per arm for a conversion-rate test (two-proportion z-test) to detect
 * a change from `baseline` to `baseline + mde` (or `baseline × (1 + mde)`
 * with `mdeType: 'relative'`). Uses the explicit normal formula with the
 * pooled variance under H₀ and the unpooled one under H₁, as statsmodels'
 * `samplesize_proportions_2indep_onetail` (documented there: it ignores the
 * far tail of a two-sided test). `variants` > 1 applies Bonferroni.
 *
 * Costs O(1).
 *
 * @param baseline - control conversion rate in (0, 1)
 * @param mde - smallest change worth detecting (absolute by default)
 * @param options - alpha, power, alternative, ratio, variants, mdeType
 * @returns the {@link SampleSize}
 * @throws `OptionsError` `E_BASELINE`, `E_EFFECT_SIZE`, `E_POWER`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { sampleSizeProportions } from '@marksman/experiments';
 * sampleSizeProportions(0.1, 0.02).nControl; // => 3841
 * sampleSizeProportions(0.1, 0.2, { mdeType: 'relative' }).nControl; // => 3841
 * ```
 */
export function sampleSizeProportions(baseline: number, mde: number, options?: ProportionSampleSizeOptions): SampleSize {
  const source = 'sampleSizeProportions';
  const o = resolveOptions(source, PROPORTION_DEFAULTS, options);
  checkDesign({ ...o, test: 'z', liftMethod: 'fieller' }, source);
  checkPower(o.power, source);
  if (!isNumberIn(baseline, 0, 1, true, true)) optionError(source, 'baseline', `baseline must be a rate in (0, 1), got ${show(baseline)}.`, 'E_BASELINE');
  if (typeof mde !== 'number' || !Number.isFinite(mde)) optionError(source, 'mde', `mde must be a finite number, got ${show(mde)}.`, 'E_EFFECT_SIZE');
  if (o.mdeType !== 'absolute' && o.mdeType !== 'relative') optionError(source, 'mdeType', `mdeType must be 'absolute' or 'relative', got ${JSON.stringify(o.mdeType)}.`);
  const diff = o.mdeType === 'relative' ? baseline * mde : mde;
  const pT = baseline + diff;
  if (!Number.isFinite(diff) || diff === 0 || !(pT > 0 && pT < 1)) {
    optionError(source, 'mde', `mde must be non-zero and keep the treatment rate in (0, 1); got a treatment rate of ${String(pT)}.`, 'E_EFFECT_SIZE');
  }
  return sampleSizeResult(proportionN(baseline, pT, o), o, source);
}

/**
 * The smallest effect a design with `nControl` control units (and
 * `ratio × nControl` per treatment arm) detects with the requested power.
 * Always returns the standardized effect (solving {@link power}); with `sd`
 * it is also given in the metric's units (and with `mean` relative to it),
 * and with `baseline` (a conversion rate) the absolute and relative lift are
 * solved from the formula of {@link sampleSizeProportions} (an upward change
 * is reported). With `mean`, `sd` and `liftMethod: 'delta'` the relative
 * change is the one GrowthBook's `findMde` reports (delta-method test of the
 * lift).
 *
 * Costs O(log) evaluations of the power function.
 *
 * @param nControl - units in the control arm (≥ 2)
 * @param options - alpha, power, alternative, ratio, variants, test, sd, baseline, mean, liftMethod
 * @returns the {@link MinimumDetectableEffect}
 * @throws `OptionsError` `E_SAMPLE_SIZE`, `E_SD`, `E_MEAN`, `E_BASELINE`, `E_POWER`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { minimumDetectableEffect } from '@marksman/experiments';
 * minimumDetectableEffect(393, { sd: 10 }).absolute?.toFixed(2); // => '2.00'
 * // GrowthBook's findMde test case (mean 10, variance 3910, 400,000 users over 3 arms)
 * minimumDetectableEffect(400000 / 3, { mean: 10, sd: Math.sqrt(3909.9997749994377), liftMethod: 'delta' }).relative?.toFixed(5); // => '0.07027'
 * ```
 */
export function minimumDetectableEffect(nControl: number, options?: MdeOptions): MinimumDetectableEffect {
  const source = 'minimumDetectableEffect';
  const o = resolveOptions(source, MDE_DEFAULTS, options);
  checkDesign(o, source);
  checkPower(o.power, source);
  if (!isNumberIn(nControl, 2, Number.MAX_SAFE_INTEGER)) optionError(source, 'nControl', `nControl must be a number between 2 and 2^53 − 1, got ${show(nControl)}.`, 'E_SAMPLE_SIZE');
  if (o.sd !== null && !(isNumberIn(o.sd, 0, Infinity, true) && Number.isFinite(o.sd))) optionError(source, 'sd', `sd must be a positive number or null, got ${show(o.sd)}.`, 'E_SD');
  if (o.baseline !== null && !isNumberIn(o.baseline, 0, 1, true, true)) optionError(source, 'baseline', `baseline must be a rate in (0, 1) or null, got ${show(o.baseline)}.`, 'E_BASELINE');
  const sign = o.alternative === 'less' ? -1 : 1;
  if (o.mean !== null && (typeof o.mean !== 'number' || !Number.isFinite(o.mean) || o.mean === 0)) {
    optionError(source, 'mean', `mean must be a finite non-zero number or null, got ${show(o.mean)}.`, 'E_MEAN');
  }
  if (o.mean !== null && o.sd === null) optionError(source, 'mean', 'mean needs sd as well (the metric\'s per-unit standard deviation).', 'E_SD');
  // power increases with |d|: bisection on d in (0, hi]
  let lo = 0;
  let hi = 1;
  // Power reaches any target below 1 once |d|·√n is large; the cap only guards the loop.
  for (let i = 0; i < 2000 && powerOf(sign * hi, nControl, o) < o.power; i++) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (powerOf(sign * mid, nControl, o) < o.power) lo = mid;
    else hi = mid;
  }
  const effectSize = sign * 0.5 * (lo + hi);
  if (o.baseline !== null) {
    const b = o.baseline;
    // proportionN decreases as the (upward) difference grows
    let dLo = 0;
    let dHi = 1 - b;
    for (let i = 0; i < 200 && dHi - dLo > 1e-14; i++) {
      const mid = 0.5 * (dLo + dHi);
      if (proportionN(b, b + mid, o) > nControl) dLo = mid;
      else dHi = mid;
    }
    const diff = 0.5 * (dLo + dHi);
    return { effectSize, absolute: diff, relative: diff / b };
  }
  if (o.mean !== null && o.sd !== null) {
    const mean = o.mean;
    const sd = o.sd;
    if (o.liftMethod === 'delta') {
      // GrowthBook's findMde: the lift whose delta-method z-test has the requested power
      let eLo = 0;
      let eHi = 1;
      const pw = (e: number): number => hetPower(e, deltaLiftSe(e, mean, sd, nControl, o.ratio), deltaLiftSe(e, mean, sd, nControl, o.ratio), o);
      for (let i = 0; i < 2000 && pw(sign * eHi) < o.power; i++) eHi *= 2;
      for (let i = 0; i < 200 && eHi - eLo > 1e-14 * eHi; i++) {
        const mid = 0.5 * (eLo + eHi);
        if (pw(sign * mid) < o.power) eLo = mid;
        else eHi = mid;
      }
      const lift = sign * 0.5 * (eLo + eHi);
      return { effectSize, absolute: lift * mean, relative: lift };
    }
    return { effectSize, absolute: effectSize * sd, relative: (effectSize * sd) / mean };
  }
  return { effectSize, absolute: o.sd === null ? null : effectSize * o.sd, relative: null };
}

/**
 * Days (and whole weeks) an experiment needs to collect `totalUnits` when
 * `dailyUnits` eligible units arrive per day and a share `share` of them is
 * enrolled. Round up to whole weeks to balance weekday effects.
 *
 * Costs O(1).
 *
 * @param totalUnits - units needed in all arms together (e.g. `sampleSize.total`)
 * @param dailyUnits - eligible units per day
 * @param options - `share` of eligible traffic enrolled, default 1
 * @returns the {@link Duration}
 * @throws `OptionsError` `E_TRAFFIC` for non-positive traffic, `E_OPTION_RANGE` for a bad share
 * @example
 * ```ts
 * import { experimentDuration } from '@marksman/experiments';
 * experimentDuration(7682, 1000, { share: 0.5 }); // => { days: 16, weeks: 3 }
 * ```
 */
export function experimentDuration(totalUnits: number, dailyUnits: number, options?: { readonly share?: number }): Duration {
  const source = 'experimentDuration';
  const o = resolveOptions(source, DURATION_DEFAULTS, options);
  if (!isNumberIn(totalUnits, 0, Number.MAX_SAFE_INTEGER)) optionError(source, 'totalUnits', `totalUnits must be a number between 0 and 2^53 − 1, got ${show(totalUnits)}.`, 'E_TRAFFIC');
  if (!isNumberIn(dailyUnits, 0, Number.MAX_SAFE_INTEGER, true)) optionError(source, 'dailyUnits', `dailyUnits must be a positive number up to 2^53 − 1, got ${show(dailyUnits)}.`, 'E_TRAFFIC');
  if (!isNumberIn(o.share, 0, 1, true)) optionError(source, 'share', `share must be in (0, 1], got ${show(o.share)}.`);
  const days = Math.ceil(totalUnits / (dailyUnits * o.share) - 1e-9);
  if (days > 1e6) optionError(source, 'dailyUnits', `the experiment would run ${days} days; check totalUnits, dailyUnits and share.`, 'E_TRAFFIC');
  return { days, weeks: Math.ceil(days / 7) };
}
