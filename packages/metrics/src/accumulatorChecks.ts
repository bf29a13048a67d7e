// Internal checks for accumulator states read from JSON or sufficient statistics.
import { ValidationError } from '@marksman/core';
import { requireFinite } from './validation';

/** Checks that `value` is an object and returns it as a record. */
export function requireObject(source: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') {
    throw new ValidationError('E_INPUT', `${source}: expected an object, got ${value === null ? 'null' : typeof value}.`, { source });
  }
  return value as Record<string, unknown>;
}

/** Reads a finite number field. */
export function numberField(source: string, obj: Record<string, unknown>, field: string): number {
  const v = obj[field];
  requireFinite(source, field, v as number);
  return v as number;
}

/** Reads a count field: an integer ≥ 0. */
export function countField(source: string, obj: Record<string, unknown>, field: string): number {
  const v = numberField(source, obj, field);
  if (!Number.isInteger(v) || v < 0) {
    throw new ValidationError('E_RANGE', `${source}: ${field} must be an integer ≥ 0, got ${v}.`, { source, field });
  }
  return v;
}

/** Throws `E_INCONSISTENT` with `message`. */
export function inconsistent(source: string, field: string, message: string): never {
  throw new ValidationError('E_INCONSISTENT', `${source}: ${message}`, { source, field });
}

/**
 * m2 = Σx² − (Σx)²/n from raw sums, refusing sums that no real data could
 * produce (a negative variance beyond rounding). Clamped at 0.
 */
export function m2FromSums(source: string, field: string, n: number, sum: number, sumSquares: number): number {
  if (n === 0) {
    if (sum !== 0 || sumSquares !== 0) inconsistent(source, field, 'n is 0 but the sums are not.');
    return 0;
  }
  const m2 = sumSquares - (sum * sum) / n;
  // Sums from a warehouse carry rounding of up to about n·ε of Σx²; allow 1e-9 of it.
  if (m2 < -1e-9 * Math.abs(sumSquares)) {
    inconsistent(source, field, `${field} (${sumSquares}) is smaller than sum²/n (${(sum * sum) / n}); the sums cannot come from real data.`);
  }
  return Math.max(m2, 0);
}
