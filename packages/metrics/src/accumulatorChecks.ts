// Internal checks for accumulator states read from JSON or sufficient statistics.
import { ValidationError } from '@marksman/core';
import { requireFinite } from './validation';

/**
 * Checks that `value` is a plain object (not null, not an array) and returns
 * it as a record. The field named in the error is the argument: `json` for
 * fromJSON, `stats` for fromStats.
 */
export function requireObject(source: string, value: unknown, field = source.endsWith('.fromJSON') ? 'json' : 'stats'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('E_INPUT', `${source}: expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`, { source, field });
  }
  return value as Record<string, unknown>;
}

/**
 * Checks a saved state: an object with exactly the fields `keys` (a state
 * with other fields was written by something else, or by another version).
 */
export function requireStateObject(source: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  const o = requireObject(source, value);
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw new ValidationError('E_INPUT', `${source}: unknown field "${k}" in the saved state (known: ${keys.join(', ')}).`, { source, field: k });
    }
  }
  return o;
}

/**
 * Throws `E_MERGE_TYPE` unless `other` is an accumulator of class `cls`:
 * merging a different accumulator (or a look-alike object) would mix
 * statistics that mean different things, or silently do nothing.
 */
export function requireSameAccumulator(source: string, other: unknown, cls: abstract new (...args: never[]) => unknown): void {
  if (!(other instanceof cls)) {
    const got = other === null ? 'null' : other === undefined ? 'nothing' : typeof other === 'object' ? `a ${(other as object).constructor?.name ?? 'plain object'}` : typeof other;
    throw new ValidationError('E_MERGE_TYPE', `${source}: can only merge another ${cls.name}, got ${got}; convert with fromStats/fromJSON first.`, { source, field: 'other' });
  }
}

/** Throws `E_OVERFLOW` unless every value of a would-be state is finite and its count a safe integer. */
export function requireFiniteState(source: string, field: string, state: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(state)) {
    if (!Number.isFinite(v) || (k === 'n' && v > Number.MAX_SAFE_INTEGER)) {
      throw new ValidationError('E_OVERFLOW', `${source}: the ${k} of the accumulated ${field} would be ${v}; values this large (near 1e308) overflow double precision. The accumulator is unchanged.`, {
        source,
        field,
      });
    }
  }
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
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new ValidationError('E_RANGE', `${source}: ${field} must be an integer from 0 to 2^53 − 1, got ${v}.`, { source, field });
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
