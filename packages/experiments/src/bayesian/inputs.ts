// Internal: validation of per-variant sufficient statistics shared by the
// Bayesian, sequential and bandit code. Each check throws a ValidationError
// with a stable code, the public function (`source`), the field and the
// variant index (`row`).
import { OptionsError, ValidationError } from '@marksman/core';

/** Sufficient statistics of a conversion metric for one variant. */
export interface ProportionInput {
  /** Visitors (units exposed), a positive integer. */
  readonly n: number;
  /** Visitors who converted, an integer in [0, n]. */
  readonly conversions: number;
}

/** Sufficient statistics of a per-unit mean metric for one variant. */
export interface MeanInput {
  /** Units (visitors, users), a positive integer. */
  readonly n: number;
  /** Σ x over the units. */
  readonly sum: number;
  /** Σ x² over the units. */
  readonly sumSquares: number;
}

export function checkVariantCount(variants: unknown, source: string, min = 2): void {
  if (!Array.isArray(variants) || variants.length < min) {
    const got = Array.isArray(variants) ? `${variants.length}` : typeof variants;
    throw new ValidationError('E_TOO_FEW_VARIANTS', `${source}: need at least ${min} variants (the first is the control), got ${got}.`, {
      source,
      field: 'variants',
    });
  }
}

function checkCount(value: unknown, field: string, source: string, row: number, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} has ${field} = ${String(value)}; give a finite number.`, { source, field, row });
  }
  if (value < 0) {
    throw new ValidationError('E_NEGATIVE_COUNT', `${source}: variant ${row} has ${field} = ${value}; counts cannot be negative.`, { source, field, row });
  }
  if (!Number.isInteger(value)) {
    throw new ValidationError('E_NOT_INTEGER', `${source}: variant ${row} has ${field} = ${value}; counts must be whole numbers.`, { source, field, row });
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new ValidationError('E_COUNT_TOO_LARGE', `${source}: variant ${row} has ${field} = ${value}; counts above 2^53 − 1 cannot be represented exactly.`, { source, field, row });
  }
  if (positive && value === 0) {
    throw new ValidationError('E_ZERO_VISITORS', `${source}: variant ${row} has no visitors (n = 0); wait for traffic or drop the variant.`, {
      source,
      field,
      row,
    });
  }
  return value;
}

export function checkProportion(v: ProportionInput, source: string, row: number): void {
  if (typeof v !== 'object' || v === null) {
    throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} must be an object { n, conversions }.`, { source, row });
  }
  const n = checkCount(v.n, 'n', source, row, true);
  const c = checkCount(v.conversions, 'conversions', source, row, false);
  if (c > n) {
    throw new ValidationError('E_CONVERSIONS_EXCEED_N', `${source}: variant ${row} has ${c} conversions out of ${n} visitors; conversions cannot exceed n.`, {
      source,
      field: 'conversions',
      row,
    });
  }
}

/** Sample mean and (n − 1)-denominator variance of a validated mean input. */
export function checkMean(v: MeanInput, source: string, row: number, minN = 2): { mean: number; variance: number } {
  if (typeof v !== 'object' || v === null) {
    throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} must be an object { n, sum, sumSquares }.`, { source, row });
  }
  const n = checkCount(v.n, 'n', source, row, true);
  for (const field of ['sum', 'sumSquares'] as const) {
    if (typeof v[field] !== 'number' || !Number.isFinite(v[field])) {
      throw new ValidationError('E_NOT_FINITE', `${source}: variant ${row} has ${field} = ${String(v[field])}; give a finite number.`, { source, field, row });
    }
  }
  if (n < minN) {
    throw new ValidationError('E_TOO_FEW_UNITS', `${source}: variant ${row} has n = ${n}; a mean metric needs at least ${minN} units to estimate its variance.`, {
      source,
      field: 'n',
      row,
    });
  }
  const mean = v.sum / n;
  const ss = v.sumSquares - v.sum * mean;
  // Allow for rounding in sums computed elsewhere (relative to the size of the sums).
  if (ss < -1e-9 * Math.max(1, Math.abs(v.sumSquares))) {
    throw new ValidationError('E_SUM_SQUARES', `${source}: variant ${row} has sumSquares = ${v.sumSquares} < sum²/n = ${v.sum * mean}; check that sumSquares is Σx².`, {
      source,
      field: 'sumSquares',
      row,
    });
  }
  return { mean, variance: n > 1 ? Math.max(0, ss) / (n - 1) : 0 };
}

/**
 * Largest shape of a beta posterior (prior pseudo-counts plus observed
 * counts) the Bayesian and bandit code accepts. Beyond it every incomplete
 * beta evaluation needs tens of thousands of continued-fraction terms, so
 * chance-to-win, intervals and allocations would take minutes (and with
 * shapes like 1e15 effectively forever); a billion units per arm is more
 * than any experiment has.
 */
export const MAX_BETA_SHAPE = 1e9;

/**
 * Smallest beta prior shape accepted: below it the prior piles its mass so
 * close to 0 (or 1) that quantiles and tail integrals underflow and the
 * credible intervals come out as NaN or collapse to a point.
 */
export const MIN_BETA_PRIOR = 1e-3;

/** Throws E_COUNT_TOO_LARGE when a beta posterior's shapes exceed MAX_BETA_SHAPE. */
export function checkBetaShapes(a: number, b: number, source: string, row: number, field = 'n'): void {
  if (a > MAX_BETA_SHAPE || b > MAX_BETA_SHAPE) {
    throw new ValidationError(
      'E_COUNT_TOO_LARGE',
      `${source}: variant ${row} gives a posterior Beta(${a}, ${b}); shapes above ${MAX_BETA_SHAPE} (prior plus counts) are not supported, as the exact beta computations would take minutes.`,
      { source, field, row },
    );
  }
}

export function checkProbability(value: number, field: string, source: string, openInterval = true): void {
  const ok = typeof value === 'number' && (openInterval ? value > 0 && value < 1 : value >= 0 && value <= 1);
  if (!ok) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be in ${openInterval ? '(0, 1)' : '[0, 1]'}, got ${String(value)}.`, { source, field });
  }
}

export function checkPositive(value: number, field: string, source: string, code = 'E_OPTION_RANGE', allowInfinity = false): void {
  if (typeof value !== 'number' || !(value > 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new OptionsError(code, `${source}: ${field} must be a positive ${allowInfinity ? 'number (or Infinity)' : 'finite number'}, got ${String(value)}.`, {
      source,
      field,
    });
  }
}

export function checkIndex(value: number, count: number, field: string, source: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an integer in [0, ${count - 1}], got ${String(value)}.`, { source, field });
  }
}
