// Internal: boundary checks shared by the segmentation functions (callbacks,
// seeds, safe renderings of bad values for messages, the upper bounds).
import { OptionsError } from '@marksman/core';

/** Largest `maxIterations` of kmeans and miniBatchKMeans: one million. */
export const MAX_ITERATIONS = 1_000_000;

/** Largest `nInit` (restarts) of kmeans and miniBatchKMeans. */
export const MAX_RESTARTS = 10_000;

/** Largest number of trees of a segmentRules forest. */
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
  if (v instanceof Date) return 'a Date';
  return 'an object';
}

/** True for a usable id: a non-empty string or a finite number. */
export function isId(v: unknown): v is string | number {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
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

/** Throws `OptionsError` `E_SEED` unless `seed` is a safe integer (as core's `Random` needs), naming the function. */
export function checkSeed(source: string, seed: unknown, field = 'seed'): number {
  if (!Number.isSafeInteger(seed)) {
    throw new OptionsError('E_SEED', `${source}: ${field} must be a safe integer, got ${describeValue(seed)}.`, { source, field });
  }
  return seed as number;
}

/** Throws `OptionsError` `E_OPTION_RANGE` unless `v` is a string of at least one character. */
export function checkName(source: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a non-empty string, got ${describeValue(v)}.`, { source, field });
  }
  return v;
}
