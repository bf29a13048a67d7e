// Internal input checks shared by the metric functions. Not exported from
// index.ts: every public function validates its input once, here, and its
// inner loops trust the data.
import { OptionsError, ValidationError } from '@marksman/core';
/** An item or user id as callers give it (same as core's `Id`). */
export type Id = number | string;

/** A class or cluster label as callers give it. */
export type Label = number | string;

/** True for an array or a typed array (not a string, not an arbitrary object). */
export function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * Throws `E_SHAPE` unless `x` is an array or a typed array. A missing
 * argument, `null`, a number, a string (which would be read character by
 * character) or a plain object are all refused, naming the argument.
 */
export function requireList(source: string, field: string, x: unknown): asserts x is ArrayLike<unknown> {
  if (!isList(x)) {
    const got = x === null ? 'null' : x === undefined ? 'nothing' : typeof x === 'string' ? `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}` : typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
    throw new ValidationError('E_SHAPE', `${source}: ${field} must be an array (or typed array), got ${got}.`, { source, field });
  }
}

/**
 * Throws `E_OVERFLOW` when a computed result is not finite although every
 * input was: values near the largest double (1e308) overflow sums and products.
 */
export function requireFiniteResult(source: string, field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new ValidationError('E_OVERFLOW', `${source}: the result is ${value}; the inputs are too large for double precision (check ${field}).`, { source, field });
  }
  return value;
}

/** Throws `E_EMPTY` when `x` has no elements (and `E_SHAPE` when it is not a list). */
export function requireNonEmpty(source: string, field: string, x: ArrayLike<unknown>): void {
  requireList(source, field, x);
  if (x.length === 0) {
    throw new ValidationError('E_EMPTY', `${source}: ${field} is empty; pass at least one value.`, { source, field });
  }
}

/** Throws `E_LENGTH` when the two arrays differ in length. */
export function requireSameLength(
  source: string,
  fieldA: string,
  a: ArrayLike<unknown>,
  fieldB: string,
  b: ArrayLike<unknown>,
): void {
  requireList(source, fieldA, a);
  requireList(source, fieldB, b);
  if (a.length !== b.length) {
    throw new ValidationError(
      'E_LENGTH',
      `${source}: ${fieldA} has ${a.length} values but ${fieldB} has ${b.length}; they must have one value per row.`,
      { source, field: fieldB },
    );
  }
}

/**
 * Throws `E_NAN` for a NaN (or non-number) and `E_NOT_FINITE` for ±Infinity.
 * `row` is included in the error when given.
 */
export function requireFinite(source: string, field: string, value: number, row?: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    const where = row === undefined ? '' : ` at row ${row}`;
    throw new ValidationError('E_NAN', `${source}: ${field}${where} is ${String(value)}; give a number.`, row === undefined ? { source, field } : { source, field, row });
  }
  if (!Number.isFinite(value)) {
    const where = row === undefined ? '' : ` at row ${row}`;
    throw new ValidationError('E_NOT_FINITE', `${source}: ${field}${where} is ${value}; give a finite number.`, row === undefined ? { source, field } : { source, field, row });
  }
}

/** Checks that `x` is a list and every element with {@link requireFinite}. */
export function requireFiniteArray(source: string, field: string, x: ArrayLike<number>): void {
  requireList(source, field, x);
  for (let i = 0; i < x.length; i++) requireFinite(source, field, x[i] as number, i);
}

/** Throws `E_RANGE` when `value` is negative (after the finite check). */
export function requireNonNegative(source: string, field: string, value: number, row?: number): void {
  requireFinite(source, field, value, row);
  if (value < 0) {
    const where = row === undefined ? '' : ` at row ${row}`;
    throw new ValidationError('E_RANGE', `${source}: ${field}${where} is ${value}; it must be ≥ 0.`, row === undefined ? { source, field } : { source, field, row });
  }
}

/** Throws `E_RANGE` unless `lo ≤ value ≤ hi` (after the finite check). */
export function requireInRange(source: string, field: string, value: number, lo: number, hi: number, row?: number): void {
  requireFinite(source, field, value, row);
  if (value < lo || value > hi) {
    const where = row === undefined ? '' : ` at row ${row}`;
    throw new ValidationError('E_RANGE', `${source}: ${field}${where} is ${value}; it must lie in [${lo}, ${hi}].`, row === undefined ? { source, field } : { source, field, row });
  }
}

/**
 * Throws `E_ZERO_DENOMINATOR` when a ratio's denominator is 0, so a KPI is
 * never silently NaN or Infinity.
 */
export function requireNonZeroDenominator(source: string, field: string, value: number): void {
  if (value === 0) {
    throw new ValidationError(
      'E_ZERO_DENOMINATOR',
      `${source}: ${field} is 0, so the ratio is undefined; check the period or filter before computing it.`,
      { source, field },
    );
  }
}

/** Throws `OptionsError` `E_OPTION_RANGE` unless `value` is an integer from 1 to 2^53 − 1 (or Infinity when allowed). */
export function requirePositiveIntegerOption(source: string, field: string, value: number, allowInfinity = false): void {
  const ok = typeof value === 'number' && ((Number.isSafeInteger(value) && value >= 1) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an integer from 1 to 2^53 − 1${allowInfinity ? ' or Infinity' : ''}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`, { source, field });
  }
}

/** Throws `OptionsError` `E_OPTION_RANGE` unless `value` is a boolean. */
export function requireBooleanOption(source: string, field: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be true or false, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`, { source, field });
  }
}

/** Throws `E_LABEL` for a label that is neither a string nor a number, `E_NAN` for NaN. */
export function requireLabel(source: string, field: string, label: unknown, row: number): asserts label is Label {
  if (typeof label === 'number') {
    if (Number.isNaN(label)) {
      throw new ValidationError('E_NAN', `${source}: ${field} at row ${row} is NaN; give a label.`, { source, field, row });
    }
    return;
  }
  if (typeof label !== 'string') {
    throw new ValidationError('E_LABEL', `${source}: ${field} at row ${row} is ${label === null ? 'null' : typeof label}; labels must be numbers or strings.`, { source, field, row });
  }
}

/** Throws `E_ID` for an id that is neither a string nor a number, `E_NAN` for NaN. */
export function requireId(source: string, field: string, id: unknown, row?: number): asserts id is Id {
  const where = row === undefined ? '' : ` at position ${row}`;
  const loc = row === undefined ? { source, field } : { source, field, row };
  if (typeof id === 'number') {
    if (Number.isNaN(id)) throw new ValidationError('E_NAN', `${source}: ${field}${where} is NaN; give an id.`, loc);
    return;
  }
  if (typeof id !== 'string') {
    throw new ValidationError('E_ID', `${source}: ${field}${where} is ${id === null ? 'null' : typeof id}; ids must be numbers or strings.`, loc);
  }
}

/** Orders labels: numbers ascending first, then strings by code unit (as `Array.prototype.sort`). */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Labels mapped to dense codes 0..k−1 in {@link compareLabels} order. */
export interface EncodedLabels {
  /** Code of each row. */
  readonly codes: Int32Array;
  /** The distinct labels, sorted; `classes[codes[i]]` is row i's label. */
  readonly classes: readonly Label[];
  /** Rows per class. */
  readonly counts: Float64Array;
}

/** Validates and encodes labels to dense integer codes (sorted label order). O(n + k log k). */
export function encodeLabels(source: string, field: string, labels: ArrayLike<Label>): EncodedLabels {
  requireList(source, field, labels);
  const n = labels.length;
  const firstSeen = new Map<Label, number>();
  const raw = new Int32Array(n);
  const seen: Label[] = [];
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    requireLabel(source, field, v, i);
    let c = firstSeen.get(v);
    if (c === undefined) {
      c = seen.length;
      firstSeen.set(v, c);
      seen.push(v);
    }
    raw[i] = c;
  }
  const order = seen.map((_, i) => i).sort((a, b) => compareLabels(seen[a] as Label, seen[b] as Label));
  const remap = new Int32Array(seen.length);
  for (let r = 0; r < order.length; r++) remap[order[r] as number] = r;
  const codes = new Int32Array(n);
  const counts = new Float64Array(seen.length);
  for (let i = 0; i < n; i++) {
    const c = remap[raw[i] as number] as number;
    codes[i] = c;
    counts[c] = (counts[c] as number) + 1;
  }
  return { codes, classes: order.map((i) => seen[i] as Label), counts };
}
