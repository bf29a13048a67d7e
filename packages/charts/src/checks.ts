// Internal input checks shared by the chart functions: each chart checks the
// result it is given once, at the boundary, and builds its rows from trusted
// values. Not exported from index.ts.
import { ValidationError } from '@marksman/core';

/** A short description of a value for an error message. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return 'a typed array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** Throws `E_CHART_INPUT`: the value is not the result this chart reads. */
export function inputError(source: string, field: string, want: string, got: unknown, row?: number): ValidationError {
  return new ValidationError('E_CHART_INPUT', `${source}: ${field}${row === undefined ? '' : ` (row ${row})`} must be ${want}, got ${describeValue(got)}.`, {
    source,
    field,
    ...(row === undefined ? {} : { row }),
  });
}

/** Whether `v` is an object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object itself, or `E_CHART_INPUT`. */
export function requireRecord(source: string, field: string, v: unknown, want: string): Record<string, unknown> {
  if (!isRecord(v)) throw inputError(source, field, want, v);
  return v;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** A list (array or typed array), or `E_CHART_INPUT`; `E_EMPTY` when shorter than `min`. */
export function requireList(source: string, field: string, v: unknown, want: string, min = 1): ArrayLike<unknown> {
  if (!isArrayLike(v)) throw inputError(source, field, want, v);
  if (v.length < min) {
    throw new ValidationError('E_EMPTY', `${source}: ${field} has ${v.length} value(s); the chart needs at least ${min}.`, { source, field });
  }
  return v;
}

/** The numbers of a list as a Float64Array; `E_NOT_FINITE` for a value that is not a finite number (unless `allowInfinite`). */
export function requireNumbers(source: string, field: string, v: unknown, min = 1, allowInfinite = false): Float64Array {
  const list = requireList(source, field, v, 'an array of numbers', min);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number' || Number.isNaN(x) || (!allowInfinite && !Number.isFinite(x))) {
      throw new ValidationError('E_NOT_FINITE', `${source}: ${field}[${i}] is ${describeValue(x)}; every value must be a finite number.`, { source, field, row: i });
    }
    out[i] = x;
  }
  return out;
}

/** Throws `E_LENGTH` when two lists that go together differ in length. */
export function requireSameLength(source: string, fieldA: string, a: ArrayLike<unknown>, fieldB: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new ValidationError('E_LENGTH', `${source}: ${fieldA} has ${a.length} values but ${fieldB} has ${b.length}; they must pair up one to one.`, { source, field: fieldB });
  }
}

/** A finite number field of a record, or `E_CHART_INPUT`. */
export function requireNumberField(source: string, field: string, v: unknown, row?: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(source, field, 'a finite number', v, row);
  return v;
}

/** A function field (a method of a model), or `E_CHART_INPUT`. */
export function requireMethod(source: string, field: string, owner: unknown, method: string, want: string): void {
  if (typeof owner !== 'object' || owner === null || typeof (owner as Record<string, unknown>)[method] !== 'function') throw inputError(source, field, want, owner);
}
