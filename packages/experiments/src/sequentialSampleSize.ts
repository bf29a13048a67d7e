import { OptionsError, Random } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { type GroupSequentialDesign, sidesOf, trustedDesign } from './groupSequentialDesign';
import { normalCdf, normalIsf } from './internal/distributions';
import { operating } from './internal/groupSequential';
import { checkAlpha } from './internal/inference';
import { mixtureBoundary, plannedTau2 } from './internal/msprt';

/** Effect to detect on a conversion rate: from `baseline` to `baseline + mde` (or `baseline × (1 + mde)`). */
export interface SequentialProportionEffect {
  /** Control conversion rate in (0, 1). */
  readonly baseline: number;
  /** Smallest change worth detecting (≠ 0), absolute by default. */
  readonly mde: number;
  /** Whether `mde` is an absolute difference (default) or relative to the baseline. */
  readonly mdeType?: 'absolute' | 'relative';
}

/** Effect to detect on a mean metric: a difference `mde` with per-unit standard deviation `sd` in both arms. */
export interface SequentialMeanEffect {
  /** Smallest absolute difference of means worth detecting (≠ 0). */
  readonly mde: number;
  /** Standard deviation of the metric per unit (> 0). */
  readonly sd: number;
}

/** Options of {@link sequentialSampleSize}. */
export interface SequentialSampleSizeOptions {
  /** Bound on the false-positive rate over all looks together, as in {@link sequentialTest} (default 0.05). */
  readonly alpha?: number;
  /** Target probability that the test has rejected by the designed size (default 0.8). */
  readonly power?: number;
  /** Allocation ratio nTreatment / nControl (default 1). */
  readonly ratio?: number;
  /**
   * Mixing variance τ² in squared metric units, as `tau2` of
   * {@link sequentialTest}. Default `null`: derived from `plannedSampleSize`
   * by the same rule (and the same code) as {@link sequentialTest}, with the
   * variances the effect implies.
   */
  readonly tau2?: number | null;
  /** Per-variant size the mixture is tuned for when `tau2` is null, as in {@link sequentialTest} (default 5000). */
  readonly plannedSampleSize?: number;
  /**
   * Number of equally spaced looks to plan for (at n/looks, 2n/looks, …, n),
   * or null (default) for the analytic, conservative size from the final look
   * alone. With a number, the power with peeking is estimated by a seeded
   * simulation of the path of z (normal approximation, τ² fixed) and the size
   * is the smallest that reaches the target on it.
   */
  readonly looks?: number | null;
  /** Simulated paths when `looks` is set (default 20000; the power's Monte Carlo error is √(p(1 − p)/simulations)). */
  readonly simulations?: number;
  /** Seed of the simulation when `looks` is set (default 0). */
  readonly seed?: number;
  /**
   * A group-sequential design ({@link groupSequentialDesign}) to size instead
   * of the always-valid test: the maximum size is the fixed-horizon size
   * times the design's inflation, and alpha, power and the sidedness come
   * from the design (`tau2`, `plannedSampleSize`, `looks`, `simulations` and
   * `seed` do not apply). Default null.
   */
  readonly design?: GroupSequentialDesign | null;
}

/** Sample size of a sequential design (always-valid mSPRT, or group-sequential), with its cost against a fixed-horizon test. */
export interface SequentialSampleSize {
  /** Units needed in the control arm (rounded up). */
  readonly nControl: number;
  /** Units needed in the treatment arm (rounded up). */
  readonly nTreatment: number;
  /** Units in both arms together. */
  readonly total: number;
  /** Unrounded control-arm size. */
  readonly exact: number;
  /**
   * Mixing variance τ² of the mSPRT design: pass it as `tau2` to
   * {@link sequentialTest} to run exactly this test. Null for a
   * group-sequential design.
   */
  readonly tau2: number | null;
  /** |z| the difference must reach at a look with `nControl` / `nTreatment` units for the test to reject (the last look's bound for a group-sequential design). */
  readonly boundary: number;
  /**
   * Probability that the test has rejected by `nControl` / `nTreatment`: of a
   * single look there (a lower bound of the power with peeking) when `looks`
   * is null, else the simulated probability over the `looks` looks; for a
   * group-sequential design, its exact power over all its looks.
   */
  readonly power: number;
  /** Control units at each planned look of a group-sequential design (rounded up), else null. */
  readonly schedule: readonly number[] | null;
  /** Unrounded control-arm size of the fixed-horizon two-sided z-test with the same alpha, power, ratio and variances. */
  readonly fixedHorizon: number;
  /** `exact / fixedHorizon`: how many more units the freedom to look at any time costs. */
  readonly inflation: number;
}

interface Resolved {
  alpha: number;
  power: number;
  ratio: number;
  tau2: number | null;
  plannedSampleSize: number;
  looks: number | null;
  simulations: number;
  seed: number;
  design: GroupSequentialDesign | null;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  alpha: 0.05,
  power: 0.8,
  ratio: 1,
  tau2: null,
  plannedSampleSize: 5000,
  looks: null,
  simulations: 20000,
  seed: 0,
  design: null,
});
const MAX_DRAWS = 5e7;
const SOURCE = 'sequentialSampleSize';

function fail(field: string, message: string, code: string): never {
  throw new OptionsError(code, `${SOURCE}: ${message}`, { source: SOURCE, field });
}

/**
 * Two-sided power of a look whose variance is `V` and whose rejection
 * threshold on |z| is `b`: P(|Z| ≥ b) for Z ~ N(|δ|/√V, 1), both tails.
 */
function lookPower(delta: number, V: number, b: number): number {
  const shift = Math.abs(delta) / Math.sqrt(V);
  return normalCdf(shift - b) + normalCdf(-shift - b);
}

/**
 * Power with `looks` equally spaced looks, estimated on fixed paths (common
 * random numbers, so it is a deterministic function of n). With B a standard
 * Brownian motion in the information fraction t = k/looks, the estimate at
 * look k is θ̂_k = δ + √V_n · B(t)/t with variance V_k = V_n/t, so
 * z_k = δ·√(t/V_n) + B(t)/√t; a path counts when some |z_k| ≥ b(V_k).
 */
function pathPower(delta: number, Vn: number, tau2: number, alpha: number, paths: Float64Array, looks: number): number {
  const sims = paths.length / looks;
  const drift = new Float64Array(looks);
  const bound = new Float64Array(looks);
  const scale = new Float64Array(looks);
  for (let k = 0; k < looks; k++) {
    const t = (k + 1) / looks;
    drift[k] = Math.abs(delta) * Math.sqrt(t / Vn);
    bound[k] = mixtureBoundary(Vn / t, tau2, alpha);
    scale[k] = 1 / Math.sqrt(t);
  }
  let hits = 0;
  for (let i = 0; i < sims; i++) {
    const row = i * looks;
    for (let k = 0; k < looks; k++) {
      if (Math.abs(drift[k]! + paths[row + k]! * scale[k]!) >= bound[k]!) {
        hits++;
        break;
      }
    }
  }
  return hits / sims;
}

/** B(k/looks) for k = 1…looks on each of `sims` paths, row by row. */
function brownianPaths(sims: number, looks: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const out = new Float64Array(sims * looks);
  const step = Math.sqrt(1 / looks);
  for (let i = 0; i < sims; i++) {
    let b = 0;
    for (let k = 0; k < looks; k++) {
      b += step * rng.normal();
      out[i * looks + k] = b;
    }
  }
  return out;
}

/**
 * Smallest n with f(n) ≥ target: doubling, then bisection on log n. f rises
 * with n wherever it is above ½ (see sequentialSampleSize), and where the
 * target is lower the crossing found is the first one after a doubling.
 */
function solveSize(f: (n: number) => number, target: number): number {
  const min = 2;
  if (f(min) >= target) return min;
  let lo = min;
  let hi = 2 * min;
  while (f(hi) < target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Units per arm for the always-valid test that {@link sequentialTest} runs
 * (the mixture SPRT of Johari et al. 2017 with a N(0, τ²) mixing
 * distribution), so that it has rejected by then with probability at least
 * `power` when the true difference is the effect given.
 *
 * At a look with variance V = σ²_c/n_c + σ²_t/n_t of the estimated
 * difference, the mixture likelihood ratio reaches 1/α exactly when
 * |z| ≥ b(V) = √(((V+τ²)/τ²) · (ln((V+τ²)/V) − 2 ln α)) (solve
 * Λ = √(V/(V+τ²)) · exp(τ²θ̂²/(2V(V+τ²))) = 1/α for z² = θ̂²/V; the same
 * internal code computes Λ and the confidence sequence in `sequentialTest`).
 * Under the normal approximation a single look at n rejects with probability
 * Φ(|δ|/√V − b) + Φ(−|δ|/√V − b); the size solves that for the target power.
 * Looking earlier and more often can only add rejections (the p-value of
 * `sequentialTest` is a running minimum), so this is a lower bound of the
 * power with peeking and the size is conservative: with daily looks the test
 * will often stop earlier. Variances are σ² for means and p(1 − p) of each
 * arm's rate under the alternative for proportions (unpooled, as
 * `sequentialTest` estimates them).
 *
 * τ²: given, or derived from `plannedSampleSize` by the rule `sequentialTest`
 * uses (τ² = (σ²_c + σ²_t)/plannedSampleSize · (−2 ln α + ln(1 − 2 ln α))).
 * Pass the returned `tau2` to `sequentialTest` to run exactly the designed
 * test; passing the same `plannedSampleSize` instead re-derives τ² from the
 * observed variances at each look, which is close but not identical.
 *
 * With `looks` set, the size instead reaches the target power with that
 * many equally spaced looks, estimated by a seeded simulation of the path of
 * z in the normal approximation (τ² fixed, common random numbers across n):
 * smaller than the analytic size, and exact up to Monte Carlo error
 * (√(p(1 − p)/simulations) on the power, about 1 % of n with the default
 * 20 000 paths). Costs O(looks · simulations) per power evaluation then.
 *
 * The power at one look rises with n wherever it exceeds ½ (there the shift
 * |δ|/√V is larger than b > 1/b, which makes its growth outpace the slow,
 * logarithmic growth of b), so the size is the smallest one reaching any
 * target power ≥ ½. `inflation` compares it with the fixed-horizon
 * two-sided z-test on the same variances (for means this is exactly
 * `sampleSizeMeans(mde, sd, { alpha, power, ratio }).exact`).
 *
 * Costs O(log n) evaluations of a closed form.
 *
 * With `design` (a {@link groupSequentialDesign}) the size is instead the
 * maximum size of that group-sequential design: the fixed-horizon size (at
 * the design's alpha, sidedness and power) times its inflation, exactly; the
 * result then carries the units at each planned look (`schedule`) and the
 * design's exact power at the rounded size. Analyse it with
 * {@link groupSequentialTest}, passing `nControl` as `maxSampleSize`.
 *
 * @param effect - `{ baseline, mde, mdeType? }` for a conversion rate or `{ mde, sd }` for a mean metric
 * @param options - alpha, power, ratio, tau2, plannedSampleSize, looks, simulations, seed, design
 * @returns the {@link SequentialSampleSize}
 * @throws `OptionsError` `E_EFFECT_SIZE`, `E_BASELINE`, `E_SD`, `E_POWER`, `E_ALPHA`, `E_OPTION_RANGE` (also an mSPRT option,
 *   or another alpha or power, beside a design), `E_DESIGN` (a design that is not one), `E_OPTION_UNKNOWN`
 *   (an unknown option, or an unknown field of `effect`)
 * @example
 * ```ts
 * import { groupSequentialDesign, sequentialSampleSize, sampleSizeMeans } from '@marksman/experiments';
 * const conv = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }); // 10% → 12%, τ² tuned for 5000 per arm
 * conv.nControl; // => 7381
 * conv.inflation.toFixed(2); // => '1.92' (against the fixed-horizon z-test's 3838)
 * conv.boundary.toFixed(2); // => '3.04' (|z| needed at that look, instead of 1.96)
 * const rev = sequentialSampleSize({ mde: 2, sd: 10 }, { plannedSampleSize: 700 });
 * rev.nControl; // => 752
 * sampleSizeMeans(2, 10).nControl; // => 393
 * sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { looks: 14 }).nControl; // => 6772 (14 daily looks, simulated)
 * const gs = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { design: groupSequentialDesign({ looks: 5 }) });
 * gs.nControl; // => 3933 (5 planned looks, O'Brien-Fleming: 1.025 × 3838)
 * gs.schedule; // => [787, 1574, 2360, 3147, 3933]
 * ```
 */
export function sequentialSampleSize(effect: SequentialProportionEffect | SequentialMeanEffect, options?: SequentialSampleSizeOptions): SequentialSampleSize {
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  checkAlpha(o.alpha, SOURCE);
  if (typeof o.power !== 'number' || !(o.power > 0 && o.power < 1)) fail('power', `power must be in (0, 1), got ${String(o.power)}.`, 'E_POWER');
  if (typeof o.ratio !== 'number' || !(o.ratio > 0) || !Number.isFinite(o.ratio)) fail('ratio', `ratio must be a positive number, got ${String(o.ratio)}.`, 'E_OPTION_RANGE');
  if (o.tau2 !== null && (typeof o.tau2 !== 'number' || !(o.tau2 > 0) || !Number.isFinite(o.tau2))) {
    fail('tau2', `tau2 must be a positive finite number or null, got ${String(o.tau2)}.`, 'E_OPTION_RANGE');
  }
  if (typeof o.plannedSampleSize !== 'number' || !(o.plannedSampleSize > 0) || !Number.isFinite(o.plannedSampleSize)) {
    fail('plannedSampleSize', `plannedSampleSize must be a positive finite number, got ${String(o.plannedSampleSize)}.`, 'E_OPTION_RANGE');
  }
  if (o.looks !== null && (typeof o.looks !== 'number' || !Number.isInteger(o.looks) || o.looks < 1)) {
    fail('looks', `looks must be an integer ≥ 1 or null, got ${String(o.looks)}.`, 'E_OPTION_RANGE');
  }
  if (typeof o.simulations !== 'number' || !Number.isInteger(o.simulations) || o.simulations < 100) {
    fail('simulations', `simulations must be an integer ≥ 100, got ${String(o.simulations)}.`, 'E_OPTION_RANGE');
  }
  if (o.looks !== null && o.looks * o.simulations > MAX_DRAWS) {
    fail('simulations', `looks × simulations must be at most ${MAX_DRAWS}, got ${o.looks * o.simulations}.`, 'E_OPTION_RANGE');
  }
  if (typeof o.seed !== 'number' || !Number.isFinite(o.seed)) fail('seed', `seed must be a finite number, got ${String(o.seed)}.`, 'E_OPTION_RANGE');
  if (typeof effect !== 'object' || effect === null) fail('effect', 'effect must be { baseline, mde } or { mde, sd }.', 'E_EFFECT_SIZE');
  const isRate = 'baseline' in effect;
  if (isRate && 'sd' in effect) fail('effect', 'give either { baseline, mde } (a conversion rate) or { mde, sd } (a mean), not both.', 'E_EFFECT_SIZE');
  const known = isRate ? ['baseline', 'mde', 'mdeType'] : ['mde', 'sd'];
  for (const key of Object.keys(effect)) {
    if (!known.includes(key)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `${SOURCE}: unknown effect field "${key}". Known fields: ${known.join(', ')}.`, { source: SOURCE, field: key });
    }
  }
  let delta: number;
  let varC: number;
  let varT: number;
  if (isRate) {
    const { baseline, mde } = effect;
    const mdeType = effect.mdeType ?? 'absolute';
    if (typeof baseline !== 'number' || !(baseline > 0 && baseline < 1)) fail('baseline', `baseline must be a rate in (0, 1), got ${String(baseline)}.`, 'E_BASELINE');
    if (mdeType !== 'absolute' && mdeType !== 'relative') fail('mdeType', `mdeType must be 'absolute' or 'relative', got ${JSON.stringify(mdeType)}.`, 'E_OPTION_RANGE');
    delta = mdeType === 'relative' ? baseline * mde : mde;
    const pT = baseline + delta;
    if (typeof mde !== 'number' || !Number.isFinite(delta) || delta === 0 || !(pT > 0 && pT < 1)) {
      fail('mde', `mde must be non-zero and keep the treatment rate in (0, 1); got a treatment rate of ${String(pT)}.`, 'E_EFFECT_SIZE');
    }
    varC = baseline * (1 - baseline);
    varT = pT * (1 - pT);
  } else {
    const { mde, sd } = effect;
    if (typeof mde !== 'number' || !Number.isFinite(mde) || mde === 0) fail('mde', `mde must be a non-zero finite number, got ${String(mde)}.`, 'E_EFFECT_SIZE');
    if (typeof sd !== 'number' || !(sd > 0) || !Number.isFinite(sd)) fail('sd', `sd must be a positive number, got ${String(sd)}.`, 'E_SD');
    delta = mde;
    varC = sd * sd;
    varT = sd * sd;
    if (!Number.isFinite(varC) || !(Math.abs(mde) / sd > 1e-12)) fail('sd', `mde / sd must lie between 1e-12 and any finite size, got mde ${mde} with sd ${sd}.`, 'E_EFFECT_SIZE');
  }
  if (o.design !== null) return groupSequentialSize(trustedDesign(o.design, SOURCE), options ?? {}, delta, varC, varT, o.ratio);
  const tau2 = o.tau2 ?? plannedTau2(varC + varT, o.plannedSampleSize, o.alpha);
  const varianceAt = (nControl: number): number => varC / nControl + varT / (o.ratio * nControl);
  const looks = o.looks;
  const paths = looks === null ? null : brownianPaths(o.simulations, looks, o.seed);
  const sequentialPower = (n: number): number => {
    const V = varianceAt(n);
    if (paths !== null && looks !== null) return pathPower(delta, V, tau2, o.alpha, paths, looks);
    return lookPower(delta, V, mixtureBoundary(V, tau2, o.alpha));
  };
  const zFixed = normalIsf(o.alpha / 2);
  const fixedHorizon = solveSize((n) => lookPower(delta, varianceAt(n), zFixed), o.power);
  const exact = solveSize(sequentialPower, o.power);
  if (!Number.isFinite(exact)) fail('mde', `the effect is too small to reach power ${o.power} with fewer than 1e15 units per arm.`, 'E_EFFECT_SIZE');
  const nControl = Math.ceil(exact - 1e-9);
  const nTreatment = Math.ceil(exact * o.ratio - 1e-9);
  const V = varC / nControl + varT / nTreatment;
  const boundary = mixtureBoundary(V, tau2, o.alpha);
  return {
    nControl,
    nTreatment,
    total: nControl + nTreatment,
    exact,
    tau2,
    boundary,
    power: paths !== null && looks !== null ? pathPower(delta, V, tau2, o.alpha, paths, looks) : lookPower(delta, V, boundary),
    fixedHorizon,
    inflation: exact / fixedHorizon,
    schedule: null,
  };
}

/**
 * The group-sequential size: the design's drift δ√I_max is reached when the
 * variance of the estimated difference falls to (effect/drift)², i.e. at
 * n_C = (σ²_C + σ²_T/ratio)·drift²/effect².
 */
function groupSequentialSize(
  design: GroupSequentialDesign,
  given: SequentialSampleSizeOptions,
  delta: number,
  varC: number,
  varT: number,
  ratio: number,
): SequentialSampleSize {
  for (const key of ['tau2', 'plannedSampleSize', 'looks', 'simulations', 'seed'] as const) {
    if (given[key] !== undefined && given[key] !== null) fail(key, `${key} applies to the always-valid test, not to a group-sequential design; drop it.`, 'E_OPTION_RANGE');
  }
  if (given.alpha !== undefined && given.alpha !== design.alpha) fail('alpha', `alpha ${given.alpha} differs from the design's ${design.alpha}; the design sets it.`, 'E_OPTION_RANGE');
  if (given.power !== undefined && given.power !== design.power) fail('power', `power ${given.power} differs from the design's ${design.power}; the design sets it.`, 'E_OPTION_RANGE');
  const perUnit = varC + varT / ratio;
  const exact = (perUnit * design.drift * design.drift) / (delta * delta);
  if (!(exact * Math.max(1, ratio) * 2 <= Number.MAX_SAFE_INTEGER)) fail('mde', 'the effect is too small to detect with any practical sample.', 'E_EFFECT_SIZE');
  const nControl = Math.ceil(exact - 1e-9);
  const nTreatment = Math.ceil(exact * ratio - 1e-9);
  const V = varC / nControl + varT / nTreatment;
  const { sides } = sidesOf(design.alpha, design.alternative);
  const sign = design.alternative === 'less' ? -1 : 1;
  // the drift the rounded sizes give, on the side the design tests (a two-sided design is symmetric)
  const drift = (design.alternative === 'two-sided' ? Math.abs(delta) : sign * delta) / Math.sqrt(V);
  const efficacy = design.efficacyBounds.map((b) => sign * b);
  const futility = design.futilityBounds === null ? null : design.futilityBounds.map((f) => sign * f);
  const power = operating(design.timing, efficacy, futility, drift, sides).reject.reduce((a, b) => a + b, 0);
  return {
    nControl,
    nTreatment,
    total: nControl + nTreatment,
    exact,
    tau2: null,
    boundary: Math.abs(design.efficacyBounds[design.looks - 1]!),
    power,
    fixedHorizon: exact / design.inflation,
    inflation: design.inflation,
    schedule: design.timing.map((t) => Math.ceil(t * nControl - 1e-9)),
  };
}
