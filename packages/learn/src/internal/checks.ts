// Internal: boundary checks shared by the learners (option values, seeds,
// callbacks, safe renderings of bad values for messages, upper bounds that
// keep every fit finite).
import { OptionsError } from '@marksman/core';

/** Largest `maxIter` of the iterative fits (logistic regression's optimiser). */
export const MAX_ITERATIONS = 1_000_000;

/** Largest number of trees of a forest and of boosting iterations. */
export const MAX_TREES = 10_000;

/** A short rendering of any value for a message (never throws, unlike JSON.stringify on a BigInt). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (v instanceof Date) return 'a Date';
  return 'an object';
}

/** True for `{ … }` objects (not arrays, dates, class instances). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function rangeError(source: string, field: string, message: string): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${source}: ${message}`, { source, field });
}

/** An integer option in [min, max]; `Infinity` and `null` mean "no limit" when `unlimited` (returns Infinity). */
export function checkInt(source: string, field: string, v: unknown, min: number, max: number, unlimited = false): number {
  if (unlimited && (v === null || v === Infinity)) return Infinity;
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  const range = max === Infinity ? `an integer ≥ ${min}` : `an integer from ${min} to ${max.toLocaleString('en-US')}`;
  throw rangeError(source, field, `${field} must be ${range}${unlimited ? ' (or null for no limit)' : ''}, got ${describeValue(v)}.`);
}

/** A finite number option in the interval given by `lo`/`hi` (open or closed ends). */
export function checkNumber(source: string, field: string, v: unknown, lo: number, hi: number, loOpen: boolean, hiOpen: boolean): number {
  if (typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi)) return v;
  const left = `${loOpen ? '(' : '['}${lo}`;
  const right = `${hi === Infinity ? '∞' : hi}${hiOpen ? ')' : ']'}`;
  throw rangeError(source, field, `${field} must be a finite number in ${left}, ${right}, got ${describeValue(v)}.`);
}

/** One of a list of strings. */
export function checkChoice<T extends string>(source: string, field: string, v: unknown, choices: readonly T[]): T {
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  throw rangeError(source, field, `${field} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${describeValue(v)}.`);
}

/** A boolean option. */
export function checkBoolean(source: string, field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw new OptionsError('E_OPTION_TYPE', `${source}: ${field} must be true or false, got ${describeValue(v)}.`, { source, field });
}

/** Throws `OptionsError` `E_SEED` unless `seed` is a safe integer (as core's `Random` needs). */
export function checkSeed(source: string, seed: unknown, field = 'seed'): number {
  if (!Number.isSafeInteger(seed)) {
    throw new OptionsError('E_SEED', `${source}: ${field} must be a safe integer, got ${describeValue(seed)}.`, { source, field });
  }
  return seed as number;
}

/**
 * Checks `onProgress` (a function, or undefined/null for none) and `signal`
 * (an AbortSignal, or undefined/null for none): `OptionsError` `E_OPTION_TYPE`.
 */
export function checkCallbacks(source: string, onProgress: unknown, signal: unknown): void {
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: onProgress must be a function, got ${describeValue(onProgress)}.`, { source, field: 'onProgress' });
  }
  if (signal !== undefined && signal !== null && !(typeof signal === 'object' && typeof (signal as { aborted?: unknown }).aborted === 'boolean')) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: signal must be an AbortSignal, got ${describeValue(signal)}.`, { source, field: 'signal' });
  }
}
