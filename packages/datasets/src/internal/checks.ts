// Option checks shared by the generators (internal).
import { OptionsError } from '@marksman/core';

/** Throws `E_OPTION_RANGE` unless `value` is a finite number in [lo, hi] (an integer when asked). */
export function checkNumber(source: string, field: string, value: unknown, lo: number, hi: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be ${kind} in [${lo}, ${hi}], got ${String(value)}.`, { source, field });
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

/** Epoch ms from a Date, a number of ms, or an ISO-8601 string; `E_OPTION_RANGE` otherwise. */
export function checkTime(source: string, field: string, value: unknown): number {
  let ms = NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a Date, epoch milliseconds or an ISO-8601 string, got ${String(value)}.`, { source, field });
  }
  return ms;
}
