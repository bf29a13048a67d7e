import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { noncentralTCdf, noncentralTSf, normalCdf, normalIsf, normalSf } from './internal/distributions';
import { type Alternative, checkAlpha, checkAlternative, criticalValue } from './internal/inference';

/** Reference distribution of a power calculation: normal (`'z'`) or Student t (`'t'`). */
export type PowerTest = 'z' | 't';

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
}

/** Options of the sample-size functions: {@link DesignOptions} plus the target power. */
export interface SampleSizeOptions extends DesignOptions {
  /** Target power (1 − β); default 0.8. */
  readonly power?: number;
}

/** Options of {@link sampleSizeProportions}. */
export interface ProportionSampleSizeOptions extends Omit<SampleSizeOptions, 'test'> {
  /** Whether `mde` is an absolute difference (default) or relative to the baseline. */
  readonly mdeType?: 'absolute' | 'relative';
}

/** Options of {@link minimumDetectableEffect}. */
export interface MdeOptions extends SampleSizeOptions {
  /** Standard deviation of the metric, to express the effect in its units. */
  readonly sd?: number | null;
  /** Baseline conversion rate: the effect is then solved for two proportions. */
  readonly baseline?: number | null;
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
}

const DESIGN_DEFAULTS: Readonly<ResolvedDesign> = Object.freeze({ alpha: 0.05, alternative: 'two-sided', ratio: 1, variants: 1, test: 'z' });
interface ResolvedSample extends ResolvedDesign {
  power: number;
}
interface ResolvedProportion extends Omit<ResolvedSample, 'test'> {
  mdeType: 'absolute' | 'relative';
}
interface ResolvedMde extends ResolvedSample {
  sd: number | null;
  baseline: number | null;
}
const SAMPLE_DEFAULTS: Readonly<ResolvedSample> = Object.freeze({ ...DESIGN_DEFAULTS, power: 0.8 });
const PROPORTION_DEFAULTS: Readonly<ResolvedProportion> = Object.freeze({
  alpha: 0.05,
  alternative: 'two-sided',
  ratio: 1,
  variants: 1,
  power: 0.8,
  mdeType: 'absolute',
});
const MDE_DEFAULTS: Readonly<ResolvedMde> = Object.freeze({ ...SAMPLE_DEFAULTS, sd: null, baseline: null });
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
 * Statistical power of a comparison of two means (or of any statistic whose
 * standardized effect is `effectSize`), with `nControl` units in the control
 * and `ratio × nControl` in the treatment. Both tails count for a two-sided
 * test. Matches statsmodels' `NormalIndPower().power` (`test: 'z'`) and
 * `TTestIndPower().power` (`test: 't'`, noncentral t).
 *
 * Costs O(1) for z; O(terms of the noncentral t series) for t.
 *
 * @param effectSize - standardized effect, Cohen's d = Δ/σ (or Cohen's h for proportions)
 * @param nControl - units in the control arm (≥ 2)
 * @param options - alpha, alternative, ratio, variants, test
 * @returns the power in [0, 1]
 * @throws `OptionsError` `E_EFFECT_SIZE`, `E_SAMPLE_SIZE`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { power } from '@marksman/experiments';
 * power(0.2, 393).toFixed(2); // => '0.80'
 * ```
 */
export function power(effectSize: number, nControl: number, options?: DesignOptions): number {
  const o = resolveOptions('power', DESIGN_DEFAULTS, options);
  checkDesign(o, 'power');
  if (typeof effectSize !== 'number' || !Number.isFinite(effectSize)) optionError('power', 'effectSize', `effectSize must be a finite number, got ${show(effectSize)}.`, 'E_EFFECT_SIZE');
  if (!isNumberIn(nControl, 2, Number.MAX_SAFE_INTEGER)) optionError('power', 'nControl', `nControl must be a number between 2 and 2^53 − 1, got ${show(nControl)}.`, 'E_SAMPLE_SIZE');
  return powerOf(effectSize, nControl, o);
}

/** Solves powerOf(d, n) = target for n by bisection on log n (power increases with n). */
function solveN(d: number, target: number, o: ResolvedDesign): number {
  let lo = 2;
  let hi = 4;
  while (powerOf(d, hi, o) < target) {
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  if (powerOf(d, lo, o) >= target) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = Math.sqrt(lo * hi);
    if (powerOf(d, mid, o) < target) lo = mid;
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
 * or `TTestIndPower().solve_power` (`test: 't'`). With `variants` > 1 the
 * alpha of each treatment-vs-control comparison is alpha / variants.
 * Fixed-horizon designs only: for the always-valid test of
 * {@link sequentialTest}, which may be looked at any time, use
 * {@link sequentialSampleSize} (about 1.9× these units at α = 0.05, power 0.8).
 *
 * Costs O(log n) power evaluations.
 *
 * @param mde - smallest absolute difference of means worth detecting (≠ 0)
 * @param sd - standard deviation of the metric per unit (> 0)
 * @param options - alpha, power, alternative, ratio, variants, test
 * @returns the {@link SampleSize}
 * @throws `OptionsError` `E_EFFECT_SIZE`, `E_SD`, `E_POWER`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { sampleSizeMeans } from '@marksman/experiments';
 * sampleSizeMeans(2, 10).nControl; // => 393
 * ```
 */
export function sampleSizeMeans(mde: number, sd: number, options?: SampleSizeOptions): SampleSize {
  const o = resolveOptions('sampleSizeMeans', SAMPLE_DEFAULTS, options);
  checkDesign(o, 'sampleSizeMeans');
  checkPower(o.power, 'sampleSizeMeans');
  if (typeof mde !== 'number' || !Number.isFinite(mde) || mde === 0) optionError('sampleSizeMeans', 'mde', `mde must be a non-zero finite number, got ${show(mde)}.`, 'E_EFFECT_SIZE');
  if (typeof sd !== 'number' || !(sd > 0) || !Number.isFinite(sd)) optionError('sampleSizeMeans', 'sd', `sd must be a positive number, got ${show(sd)}.`, 'E_SD');
  const d = o.alternative === 'less' ? -Math.abs(mde) / sd : o.alternative === 'greater' ? Math.abs(mde) / sd : mde / sd;
  if (!Number.isFinite(d)) optionError('sampleSizeMeans', 'mde', `mde / sd (${d}) must be finite.`, 'E_EFFECT_SIZE');
  return sampleSizeResult(solveN(d, o.power, o), o, 'sampleSizeMeans');
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
  checkDesign({ ...o, test: 'z' }, source);
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
 * it is also given in the metric's units, and with `baseline` (a conversion
 * rate) the absolute and relative lift are solved from the formula of
 * {@link sampleSizeProportions} (an upward change is reported).
 *
 * Costs O(log) evaluations of the power function.
 *
 * @param nControl - units in the control arm (≥ 2)
 * @param options - alpha, power, alternative, ratio, variants, test, sd, baseline
 * @returns the {@link MinimumDetectableEffect}
 * @throws `OptionsError` `E_SAMPLE_SIZE`, `E_SD`, `E_BASELINE`, `E_POWER`, `E_ALPHA`, `E_ALTERNATIVE`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { minimumDetectableEffect } from '@marksman/experiments';
 * minimumDetectableEffect(393, { sd: 10 }).absolute?.toFixed(2); // => '2.00'
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
