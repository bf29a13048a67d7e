import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { chiSquareSf } from './internal/distributions';

/** Options of {@link srmTest}. */
export interface SrmOptions {
  /** p-value below which a sample ratio mismatch is flagged; default 0.001. */
  readonly threshold?: number;
}

/** Result of {@link srmTest}. */
export interface SrmResult {
  /** Pearson chi-square statistic Σ (observed − expected)² / expected. */
  readonly chiSquare: number;
  /** Degrees of freedom (number of variants − 1). */
  readonly df: number;
  /** p-value from the chi-square upper tail (upper incomplete gamma, not 1 − cdf). */
  readonly pValue: number;
  /** Expected units per variant under the intended weights. */
  readonly expected: readonly number[];
  /** Observed share of units per variant. */
  readonly observedShares: readonly number[];
  /** True when pValue < threshold: the split is not what was intended; do not trust the results. */
  readonly mismatch: boolean;
  /** The threshold used. */
  readonly threshold: number;
}

const SRM_DEFAULTS: Readonly<{ threshold: number }> = Object.freeze({ threshold: 0.001 });

/**
 * Sample ratio mismatch (SRM) check: a chi-square goodness-of-fit test of
 * the observed units per variant against the intended traffic weights (any
 * weights, not only equal), flagged when p < 0.001 by default. An SRM means
 * assignment or logging is broken and the experiment's results are suspect.
 * Agrees with scipy's `chisquare(observed, expected)`.
 *
 * Costs O(variants).
 *
 * @param observed - units (visitors) per variant, control first
 * @param weights - intended share of each variant, summing to 1 (default equal)
 * @param options - `threshold` (0.001)
 * @returns the {@link SrmResult}
 * @throws `ValidationError` `E_TOO_FEW_VARIANTS`, `E_NEGATIVE_COUNT`, `E_NOT_INTEGER`, `E_ZERO_VISITORS`
 *   (no units at all); `OptionsError` `E_WEIGHTS_LENGTH`, `E_WEIGHTS`, `E_WEIGHTS_SUM`, `E_OPTION_RANGE`
 * @example
 * ```ts
 * import { srmTest } from '@marksman/experiments';
 * srmTest([5000, 5200]).mismatch; // => false
 * srmTest([5000, 5500]).mismatch; // => true
 * srmTest([2000, 8000], [0.2, 0.8]).pValue; // => 1
 * ```
 */
export function srmTest(observed: readonly number[], weights?: readonly number[] | null, options?: SrmOptions): SrmResult {
  const source = 'srmTest';
  const o = resolveOptions(source, SRM_DEFAULTS, options);
  if (typeof o.threshold !== 'number' || !(o.threshold > 0 && o.threshold < 1)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: threshold must be a number in (0, 1), got ${typeof o.threshold === 'string' ? JSON.stringify(o.threshold) : String(o.threshold)}.`, { source, field: 'threshold' });
  }
  if (!Array.isArray(observed) || observed.length < 2) {
    throw new ValidationError('E_TOO_FEW_VARIANTS', `${source}: need the unit counts of at least 2 variants.`, { source, field: 'observed' });
  }
  const k = observed.length;
  let total = 0;
  observed.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
      throw new ValidationError('E_NEGATIVE_COUNT', `${source}: variant ${i} has ${String(c)} units; counts must be finite and ≥ 0.`, { source, field: 'observed', row: i });
    }
    if (!Number.isInteger(c)) {
      throw new ValidationError('E_NOT_INTEGER', `${source}: variant ${i} has ${c} units; counts must be whole numbers.`, { source, field: 'observed', row: i });
    }
    total += c;
  });
  if (total > Number.MAX_SAFE_INTEGER) {
    throw new ValidationError('E_COUNT_TOO_LARGE', `${source}: the counts add up to ${total}; totals above 2^53 − 1 cannot be represented exactly.`, { source, field: 'observed' });
  }
  if (total === 0) {
    throw new ValidationError('E_ZERO_VISITORS', `${source}: no units in any variant; wait for traffic.`, { source, field: 'observed' });
  }
  if (weights !== undefined && weights !== null && !Array.isArray(weights)) {
    throw new OptionsError('E_WEIGHTS', `${source}: weights must be an array of numbers or null, got ${typeof weights}.`, { source, field: 'weights' });
  }
  const w = weights ?? new Array<number>(k).fill(1 / k);
  if (w.length !== k) {
    throw new OptionsError('E_WEIGHTS_LENGTH', `${source}: ${w.length} weights for ${k} variants.`, { source, field: 'weights' });
  }
  let sum = 0;
  w.forEach((x, i) => {
    if (typeof x !== 'number' || !(x > 0 && x < 1) ) {
      throw new OptionsError('E_WEIGHTS', `${source}: weight ${i} must be in (0, 1), got ${String(x)}.`, { source, field: 'weights', row: i });
    }
    sum += x;
  });
  if (Math.abs(sum - 1) > 1e-6) {
    throw new OptionsError('E_WEIGHTS_SUM', `${source}: weights must sum to 1, got ${sum}.`, { source, field: 'weights' });
  }
  const expected = w.map((x) => (x / sum) * total);
  let chiSquare = 0;
  for (let i = 0; i < k; i++) {
    const d = observed[i]! - expected[i]!;
    chiSquare += (d * d) / expected[i]!;
  }
  const pValue = chiSquareSf(chiSquare, k - 1);
  return {
    chiSquare,
    df: k - 1,
    pValue,
    expected,
    observedShares: observed.map((c) => c / total),
    mismatch: pValue < o.threshold,
    threshold: o.threshold,
  };
}
