// Option checks shared by the generators (internal).
import { OptionsError, tryParseTimestamp } from '@marksman/core';

/** Throws `E_OPTION_RANGE` unless `value` is a finite number in [lo, hi] (an integer when asked). */
export function checkNumber(source: string, field: string, value: unknown, lo: number, hi: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'symbol' ? 'a symbol' : String(value);
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be ${kind} in [${lo}, ${hi}], got ${shown}.`, { source, field });
  }
  return value;
}

/** Throws `E_OPTION_RANGE` unless `value` is an array of `length` finite numbers in [lo, hi]. */
export function checkNumberArray(source: string, field: string, value: unknown, length: number, lo: number, hi: number): readonly number[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an array of ${length} numbers (one per arm or segment).`, { source, field });
  }
  for (let i = 0; i < value.length; i++) checkNumber(source, `${field}[${i}]`, value[i], lo, hi);
  return value as readonly number[];
}

/**
 * Epoch ms from a valid Date, finite epoch milliseconds, or a strict ISO-8601 string read by core's
 * `tryParseTimestamp` (a date-time without a zone is UTC, never the machine's zone, so a seeded
 * result is the same everywhere; impossible dates such as 2024-02-30 and other formats are
 * refused); `E_OPTION_RANGE` otherwise.
 */
export function checkTime(source: string, field: string, value: unknown): number {
  const ms = typeof value === 'number' || typeof value === 'string' || value instanceof Date ? tryParseTimestamp(value) : undefined;
  if (ms === undefined) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : value instanceof Date ? 'an invalid Date' : String(typeof value === 'symbol' ? 'a symbol' : value);
    throw new OptionsError(
      'E_OPTION_RANGE',
      `${source}: ${field} must be a valid Date, epoch milliseconds or an ISO-8601 date such as 2024-01-01 or 2024-01-01T00:00:00Z (zone-less times are UTC), got ${shown}.`,
      { source, field },
    );
  }
  return ms;
}
