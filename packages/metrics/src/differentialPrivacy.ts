import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeVector } from '@marksman/core';
import { assertNever, resolveOptions } from '@marksman/core/internal';
import { PrivacyBudget, budgetRandom, requireEpsilon } from './PrivacyBudget';
import { vectorArg } from './arrowVectorInput';
import { requireFinite, requireFiniteResult, requireList } from './validation';

// Differentially private counts, sums and means (Dwork & Roth 2014, "The
// Algorithmic Foundations of Differential Privacy"). Neighbouring data sets
// differ by adding or removing one person, so a count has sensitivity 1 and a
// sum of values clamped to [lower, upper] has sensitivity max(|lower|, |upper|).
// - Laplace mechanism (Theorem 3.6): noise Lap(b), b = Δ₁/ε; ε-DP.
// - Gaussian mechanism, classic calibration (Theorem A.1): noise N(0, σ²),
//   σ = Δ₂·√(2 ln(1.25/δ))/ε, (ε, δ)-DP for 0 < ε < 1. We use this classic
//   calibration; the analytic one of Balle & Wang (2018) would give a smaller
//   σ and allow ε ≥ 1.
// Noise is drawn in double precision from the budget's seeded stream; the
// floating-point attack on textbook Laplace noise (Mironov 2012) is not
// mitigated (no snapping), which matters against an adversary who sees the
// exact bits of many releases.

/** Noise mechanism of the private releases. */
export type PrivacyMechanism = 'laplace' | 'gaussian';

/** Options of {@link privateCount}. */
export interface PrivateCountOptions {
  /** ε this release spends (> 0). Required. */
  readonly epsilon: number;
  /** δ this release spends; required (> 0) for `'gaussian'`, must be 0 for `'laplace'`; default 0. */
  readonly delta?: number;
  /** `'laplace'` (default) or `'gaussian'`. */
  readonly mechanism?: PrivacyMechanism;
  /** Label of the release in the budget's ledger; default the function's name. */
  readonly label?: string;
}

/** Options of {@link privateSum} and {@link privateMean}. */
export interface PrivateSumOptions extends PrivateCountOptions {
  /** Smallest value a person may contribute. Required. */
  readonly lower: number;
  /** Largest value a person may contribute (> lower). Required. */
  readonly upper: number;
  /** Clamp values outside [lower, upper] to the bounds instead of refusing them (`E_RANGE`); default false. */
  readonly clamp?: boolean;
}

/** A differentially private release. */
export interface PrivateRelease {
  /** The noisy value (a count is not rounded; round it, or clamp it at 0, freely: post-processing keeps the guarantee). */
  readonly value: number;
  /** The mechanism used. */
  readonly mechanism: PrivacyMechanism;
  /** ε spent. */
  readonly epsilon: number;
  /** δ spent. */
  readonly delta: number;
  /** Sensitivity of the released statistic (Δ₁ for Laplace, Δ₂ for Gaussian; equal for one number). */
  readonly sensitivity: number;
  /** Noise scale: b of Lap(b) (standard deviation b·√2) or σ of N(0, σ²). For a mean, the scale of the noisy sum. */
  readonly scale: number;
}

const COUNT_DEFAULTS: Readonly<{ epsilon: number | undefined; delta: number; mechanism: PrivacyMechanism; label: string | undefined }> = Object.freeze({
  epsilon: undefined,
  delta: 0,
  mechanism: 'laplace',
  label: undefined,
});
const SUM_DEFAULTS: Readonly<{ epsilon: number | undefined; delta: number; mechanism: PrivacyMechanism; label: string | undefined; lower: number | undefined; upper: number | undefined; clamp: boolean }> =
  Object.freeze({ ...COUNT_DEFAULTS, lower: undefined, upper: undefined, clamp: false });

interface Resolved {
  epsilon: number;
  delta: number;
  mechanism: PrivacyMechanism;
  label: string;
}

function requireBudget(source: string, budget: unknown): asserts budget is PrivacyBudget {
  if (!(budget instanceof PrivacyBudget)) {
    throw new ValidationError('E_INPUT', `${source}: budget must be a PrivacyBudget (new PrivacyBudget({ epsilon, delta, seed })).`, { source, field: 'budget' });
  }
}

/** Checks ε, δ, mechanism and label; `parts` is how many releases the (ε, δ) is split over. */
function resolveMechanism(source: string, o: { epsilon: number | undefined; delta: number; mechanism: PrivacyMechanism; label: string | undefined }, parts: number): Resolved {
  if (o.epsilon === undefined || o.epsilon === null) throw new OptionsError('E_OPTION_MISSING', `${source}: epsilon is required (the privacy loss this release spends).`, { source, field: 'epsilon' });
  requireEpsilon(source, o.epsilon);
  if (o.mechanism !== 'laplace' && o.mechanism !== 'gaussian') {
    throw new OptionsError('E_OPTION_VALUE', `${source}: mechanism must be 'laplace' or 'gaussian', got ${String(o.mechanism)}.`, { source, field: 'mechanism' });
  }
  if (typeof o.delta !== 'number' || !(o.delta >= 0 && o.delta < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: delta must lie in [0, 1), got ${String(o.delta)}.`, { source, field: 'delta' });
  }
  if (o.mechanism === 'laplace' && o.delta !== 0) {
    throw new OptionsError('E_OPTION_CONFLICT', `${source}: the Laplace mechanism spends no δ; leave delta at 0 or choose mechanism 'gaussian'.`, { source, field: 'delta' });
  }
  if (o.mechanism === 'gaussian') {
    if (o.delta === 0) throw new OptionsError('E_OPTION_RANGE', `${source}: the Gaussian mechanism needs delta > 0 (e.g. 1e-6).`, { source, field: 'delta' });
    if (o.epsilon / parts >= 1) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: the classic Gaussian calibration holds for ε < 1 per release${parts > 1 ? ` (here ε is split in ${parts})` : ''}, got ${o.epsilon}; use a smaller ε or the Laplace mechanism.`, { source, field: 'epsilon' });
    }
  }
  if (o.label !== undefined && typeof o.label !== 'string') throw new OptionsError('E_OPTION_TYPE', `${source}: label must be a string.`, { source, field: 'label' });
  return { epsilon: o.epsilon, delta: o.delta, mechanism: o.mechanism, label: o.label ?? source };
}

/** Noise scale of one release: b = Δ/ε (Laplace) or σ = Δ·√(2 ln(1.25/δ))/ε (Gaussian). */
function noiseScale(m: PrivacyMechanism, sensitivity: number, epsilon: number, delta: number): number {
  switch (m) {
    case 'laplace':
      return sensitivity / epsilon;
    case 'gaussian':
      return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
    default:
      return assertNever(m, 'privacy mechanism');
  }
}

function draw(budget: PrivacyBudget, m: PrivacyMechanism, scale: number): number {
  const rng = budgetRandom(budget);
  // Lap(b) as b·(E₁ − E₂), the difference of two standard exponentials.
  return m === 'laplace' ? scale * (rng.exponential(1) - rng.exponential(1)) : rng.normal(0, scale);
}

/**
 * Differentially private count (sensitivity 1: one person changes a count by
 * at most 1). Charges (ε, δ) to the budget, then adds Laplace noise of scale
 * 1/ε or Gaussian noise of σ = √(2 ln(1.25/δ))/ε (classic calibration, Dwork
 * & Roth 2014, Theorem A.1; ε < 1). Each person must be counted at most once.
 *
 * Costs O(1).
 *
 * @param count - the true count, an integer ≥ 0
 * @param budget - the {@link PrivacyBudget} to charge (its seed drives the noise)
 * @param options - `epsilon` (required), `delta`, `mechanism` (default `'laplace'`), `label`
 * @throws `StateError` `E_BUDGET_EXCEEDED`; `ValidationError` `E_RANGE` (count not an integer ≥ 0),
 *   `E_NAN`, `E_NOT_FINITE`, `E_INPUT` (budget); `OptionsError` `E_OPTION_MISSING` (no epsilon),
 *   `E_OPTION_RANGE` (ε ≤ 0; δ outside [0, 1); Gaussian with δ = 0 or ε ≥ 1), `E_OPTION_CONFLICT`
 *   (Laplace with δ > 0), `E_OPTION_VALUE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { PrivacyBudget, privateCount } from '@marksman/metrics';
 * const budget = new PrivacyBudget({ epsilon: 1, seed: 7 });
 * const r = privateCount(1840, budget, { epsilon: 0.5 });
 * r.scale; // => 2
 * Math.abs(r.value - 1840) < 40; // => true
 * privateCount(1840, budget, { epsilon: 0.6 }); // throws E_BUDGET_EXCEEDED
 * ```
 */
export function privateCount(count: number, budget: PrivacyBudget, options: PrivateCountOptions): PrivateRelease {
  const source = 'privateCount';
  requireFinite(source, 'count', count);
  if (!Number.isSafeInteger(count) || count < 0) throw new ValidationError('E_RANGE', `${source}: count must be an integer ≥ 0, got ${count}.`, { source, field: 'count' });
  requireBudget(source, budget);
  const m = resolveMechanism(source, resolveOptions(source, COUNT_DEFAULTS, options), 1);
  const scale = noiseScale(m.mechanism, 1, m.epsilon, m.delta);
  budget.spend(m.epsilon, m.delta, m.label);
  return { value: count + draw(budget, m.mechanism, scale), mechanism: m.mechanism, epsilon: m.epsilon, delta: m.delta, sensitivity: 1, scale };
}

interface Bounded {
  values: Float64Array;
  lower: number;
  upper: number;
  m: Resolved;
}

function readBounded(source: string, input: ArrayLike<number> | ArrowLikeVector, budget: unknown, options: PrivateSumOptions, parts: number): Bounded {
  const values = vectorArg(source, 'values', input, 'number');
  requireList(source, 'values', values);
  requireBudget(source, budget);
  const o = resolveOptions(source, SUM_DEFAULTS, options);
  for (const field of ['lower', 'upper'] as const) {
    const v = o[field];
    if (v === undefined || v === null) throw new OptionsError('E_OPTION_MISSING', `${source}: ${field} is required: the bounds of what one person may contribute, fixed before looking at the data.`, { source, field });
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a finite number, got ${String(v)}.`, { source, field });
  }
  const lower = o.lower as number;
  const upper = o.upper as number;
  if (!(upper > lower)) throw new OptionsError('E_OPTION_RANGE', `${source}: upper (${upper}) must exceed lower (${lower}).`, { source, field: 'upper' });
  if (typeof o.clamp !== 'boolean') throw new OptionsError('E_OPTION_TYPE', `${source}: clamp must be true or false.`, { source, field: 'clamp' });
  const m = resolveMechanism(source, o, parts);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    requireFinite(source, 'values', v, i);
    if (v < lower || v > upper) {
      if (!o.clamp) {
        throw new ValidationError('E_RANGE', `${source}: value at row ${i} (${v}) lies outside [${lower}, ${upper}]; widen the bounds (decided without looking at the data) or pass clamp: true.`, { source, field: 'values', row: i });
      }
    }
    out[i] = Math.min(Math.max(v, lower), upper);
  }
  return { values: out, lower, upper, m };
}

/**
 * Differentially private sum of values bounded to [lower, upper] (sensitivity
 * max(|lower|, |upper|): one person added or removed). Charges (ε, δ), then
 * adds Laplace or Gaussian noise (see {@link privateCount}). Values outside
 * the bounds are refused unless `clamp: true`; the bounds must not be chosen
 * from the data.
 *
 * `values` may also be an Apache Arrow vector (numeric; read in place when it has
 * no nulls); nulls are refused as `null` in an array is, before any budget is spent.
 *
 * Costs O(n).
 *
 * @param values - one value per person (an array or an Arrow vector)
 * @param budget - the {@link PrivacyBudget} to charge
 * @param options - `epsilon`, `lower`, `upper` (required), `delta`, `mechanism`, `clamp`, `label`
 * @throws as {@link privateCount}, and `ValidationError` `E_RANGE` (a value outside the bounds, with its
 *   row), `E_SHAPE`, `E_ARROW_TYPE` (an Arrow vector that is not numeric); `OptionsError` `E_OPTION_MISSING` (bounds), `E_OPTION_RANGE` (upper ≤ lower)
 * @example
 * ```ts
 * import { PrivacyBudget, privateSum } from '@marksman/metrics';
 * const budget = new PrivacyBudget({ epsilon: 2, delta: 1e-6, seed: 11 });
 * const r = privateSum([20, 35, 0, 120], budget, { epsilon: 0.5, delta: 1e-6, mechanism: 'gaussian', lower: 0, upper: 200 });
 * r.sensitivity; // => 200
 * r.scale.toFixed(1); // => '2119.5'
 * ```
 */
export function privateSum(values: ArrayLike<number> | ArrowLikeVector, budget: PrivacyBudget, options: PrivateSumOptions): PrivateRelease {
  const source = 'privateSum';
  const b = readBounded(source, values, budget, options, 1);
  let sum = 0;
  for (const v of b.values) sum += v;
  const sensitivity = Math.max(Math.abs(b.lower), Math.abs(b.upper));
  const scale = noiseScale(b.m.mechanism, sensitivity, b.m.epsilon, b.m.delta);
  requireFiniteResult(source, 'upper', scale);
  budget.spend(b.m.epsilon, b.m.delta, b.m.label);
  return { value: requireFiniteResult(source, 'values', sum + draw(budget, b.m.mechanism, scale)), mechanism: b.m.mechanism, epsilon: b.m.epsilon, delta: b.m.delta, sensitivity, scale };
}

/**
 * Differentially private mean of values bounded to [lower, upper]: half of ε
 * (and δ) buys a noisy sum of (value − midpoint), with sensitivity
 * (upper − lower)/2, the other half a noisy count; the mean is midpoint +
 * noisy sum ÷ max(noisy count, 1), clamped to [lower, upper] (post-processing,
 * so the (ε, δ) guarantee holds). Charged to the budget once, as one release.
 *
 * `values` may also be an Apache Arrow vector (numeric; read in place when it has
 * no nulls); nulls are refused as `null` in an array is, before any budget is spent.
 *
 * Costs O(n).
 *
 * @param values - one value per person (an array or an Arrow vector)
 * @param budget - the {@link PrivacyBudget} to charge
 * @param options - as {@link privateSum}
 * @throws as {@link privateSum}, `E_ARROW_TYPE` included (for `'gaussian'`, ε/2 must be below 1)
 * @example
 * ```ts
 * import { PrivacyBudget, privateMean } from '@marksman/metrics';
 * const budget = new PrivacyBudget({ epsilon: 1, seed: 3 });
 * const spend = Array.from({ length: 5000 }, (_, i) => 20 + (i % 41));
 * const r = privateMean(spend, budget, { epsilon: 1, lower: 0, upper: 100 });
 * Math.abs(r.value - 40) < 1; // => true
 * budget.remaining().epsilon; // => 0
 * ```
 */
export function privateMean(values: ArrayLike<number> | ArrowLikeVector, budget: PrivacyBudget, options: PrivateSumOptions): PrivateRelease {
  const source = 'privateMean';
  const b = readBounded(source, values, budget, options, 2);
  const mid = (b.lower + b.upper) / 2;
  let sum = 0;
  for (const v of b.values) sum += v - mid;
  const half = { epsilon: b.m.epsilon / 2, delta: b.m.delta / 2 };
  const sensitivity = (b.upper - b.lower) / 2;
  const sumScale = noiseScale(b.m.mechanism, sensitivity, half.epsilon, half.delta);
  const countScale = noiseScale(b.m.mechanism, 1, half.epsilon, half.delta);
  requireFiniteResult(source, 'upper', sumScale);
  budget.spend(b.m.epsilon, b.m.delta, b.m.label);
  const noisySum = sum + draw(budget, b.m.mechanism, sumScale);
  const noisyCount = b.values.length + draw(budget, b.m.mechanism, countScale);
  const mean = Math.min(Math.max(mid + noisySum / Math.max(noisyCount, 1), b.lower), b.upper);
  return { value: requireFiniteResult(source, 'values', mean), mechanism: b.m.mechanism, epsilon: b.m.epsilon, delta: b.m.delta, sensitivity, scale: sumScale };
}
