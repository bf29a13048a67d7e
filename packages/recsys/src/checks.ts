// Internal: boundary checks shared by the classic recommenders, the splits
// and the evaluators, so that every public function refuses the same bad
// values with the same codes (ids, weights, timestamps, callbacks, bounds).
import { OptionsError, ValidationError, tryParseTimestamp } from '@marksman/core';
import type { Id } from '@marksman/core';

/** Largest `factors` of ALS, BPR and ExplicitMF: 4096 latent dimensions (a factor vector of 16 KiB in float32). */
export const MAX_FACTORS = 4096;

/** Largest `iterations` (sweeps or epochs) of ALS, BPR and ExplicitMF: one million. */
export const MAX_ITERATIONS = 1_000_000;

/** True for a usable id: a non-empty string or a finite number. */
export function isId(v: unknown): v is Id {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/** A short rendering of any value for a message (never throws, unlike JSON.stringify on a BigInt). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return typeof v === 'bigint' ? `${v}n` : String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return 'an object';
}

/**
 * Returns `v` when it is an id; otherwise throws `E_ID_TYPE` naming the
 * argument (and the position in a list, when given).
 */
export function checkId(source: string, v: unknown, field: string, row?: number): Id {
  if (isId(v)) return v;
  const where = row === undefined ? field : `${field}[${row}]`;
  throw new ValidationError('E_ID_TYPE', `${source}: ${where} is ${describeValue(v)}; an id must be a non-empty string or a finite number.`, row === undefined ? { source, field } : { source, field, row });
}

/**
 * Checks the id fields of record `r`: `E_MISSING` when absent, `E_ID_TYPE`
 * when not a non-empty string or finite number.
 */
export function checkRecordId(source: string, v: unknown, field: string, r: number, list?: string): Id {
  if (isId(v)) return v;
  const where = list === undefined ? `row ${r}` : `${list} row ${r}`;
  throw new ValidationError(v === undefined || v === null ? 'E_MISSING' : 'E_ID_TYPE', `${source}: ${where} has ${field} ${describeValue(v)}; ids must be non-empty strings or finite numbers.`, { source, row: r, field });
}

/**
 * Checks the optional `timestamp` of record `r`: absent (undefined, null or
 * `''`) is fine, anything else must be a timestamp core's `parseTimestamp`
 * accepts (`E_TIMESTAMP`).
 */
export function checkOptionalTimestamp(source: string, v: unknown, r: number): void {
  if (v === undefined || v === null || v === '') return;
  if (tryParseTimestamp(v) === undefined) {
    throw new ValidationError('E_TIMESTAMP', `${source}: row ${r} has timestamp ${describeValue(v)}; give a Date, epoch milliseconds or an ISO-8601 string such as 2024-03-01, or leave it out.`, { source, row: r, field: 'timestamp' });
  }
}

/** Checks `onProgress` (a function or undefined) and `signal` (an AbortSignal or undefined): `E_OPTION_TYPE`. */
export function checkCallbacks(source: string, onProgress: unknown, signal: unknown): void {
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: onProgress must be a function, got ${describeValue(onProgress)}.`, { source, field: 'onProgress' });
  }
  if (signal !== undefined && !(signal !== null && typeof signal === 'object' && typeof (signal as { aborted?: unknown }).aborted === 'boolean')) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: signal must be an AbortSignal, got ${describeValue(signal)}.`, { source, field: 'signal' });
  }
}

/** True for an integer in [min, max] (both safe integers). */
export function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** True for a finite number ≥ min (or > min when `strict`). */
export function isFiniteAtLeast(v: unknown, min: number, strict = false): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (strict ? v > min : v >= min);
}
