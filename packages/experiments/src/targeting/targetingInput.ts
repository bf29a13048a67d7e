// Internal: boundary checks of targetAudience (records, scores, values, labels).
// Everything here throws a typed error naming the field and row at fault; the
// code inside targetAudience trusts what these return.
import { OptionsError, ValidationError } from '@marksman/core';
import { arrowRecords, isArrowTable } from '@marksman/core/internal';

/** What `targetAudience` scores customers with: anything with a `predict(rows)` that returns one uplift per row. */
export interface UpliftScorer {
  /**
   * Predicted uplift per row: the rise in the probability of converting when
   * contacted (treated minus not treated), one number per row, in the order of `rows`.
   */
  predict(rows: readonly Record<string, unknown>[]): Float64Array;
}

/** A measured quantity with its interval. */
export interface TargetingInterval {
  /** Point estimate. */
  readonly value: number;
  /** Lower end of the interval. */
  readonly lower: number;
  /** Upper end of the interval. */
  readonly upper: number;
}

export type Row = Readonly<Record<string, unknown>>;

/** A non-empty array of plain records. */
export function requireRows(source: string, field: string, given: unknown): readonly Row[] {
  // An Arrow table is read as records (nulls as null, Timestamp/Date as epoch ms), then checked as records are.
  const rows = isArrowTable(given) ? arrowRecords(source, given) : given;
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_INPUT', `${source}: ${field} must be an array of records (one object per customer), got ${rows === null ? 'null' : typeof rows}.`, { source, field });
  }
  if (rows.length === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} is empty; give at least one record.`, { source, field });
  for (let i = 0; i < rows.length; i++) {
    const r: unknown = rows[i];
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new ValidationError('E_INPUT', `${source}: ${field}[${i}] must be a record (an object), got ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}.`, { source, field, row: i });
    }
  }
  return rows as readonly Row[];
}

/** A field name given as an option: a non-empty string. */
export function requireFieldName(source: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new OptionsError('E_OPTION_TYPE', `${source}: ${field} must be the name of a field of the records (a non-empty string), got ${typeof v === 'string' ? '""' : String(v)}.`, { source, field });
  }
  return v;
}

/** Uplift scores from a model or a list: finite, in [−1, 1], one per row. */
export function readScores(source: string, field: string, model: unknown, rows: readonly Row[]): Float64Array {
  const n = rows.length;
  let raw: unknown;
  if (Array.isArray(model) || (ArrayBuffer.isView(model) && !(model instanceof DataView))) {
    raw = model;
  } else if (typeof model === 'object' && model !== null) {
    const predict = (model as { predict?: unknown }).predict;
    if (typeof predict !== 'function') {
      throw new ValidationError('E_INPUT', `${source}: ${field} must be an uplift model with a predict(rows) method, or a list of uplift scores; its predict is ${predict === null ? 'null' : typeof predict}.`, { source, field: `${field}.predict` });
    }
    raw = (predict as (r: readonly Row[]) => unknown).call(model, rows);
    if (!(Array.isArray(raw) || (ArrayBuffer.isView(raw) && !(raw instanceof DataView)))) {
      throw new ValidationError('E_INPUT', `${source}: ${field}.predict(rows) must return one uplift per row (a Float64Array), got ${raw === null ? 'null' : typeof raw}.`, { source, field: `${field}.predict` });
    }
  } else {
    throw new ValidationError('E_INPUT', `${source}: ${field} must be an uplift model with a predict(rows) method, or a list of uplift scores, got ${model === null ? 'null' : typeof model}.`, { source, field });
  }
  const list = raw as ArrayLike<unknown>;
  if (list.length !== n) {
    throw new ValidationError('E_LENGTH', `${source}: ${field} gives ${list.length} uplift scores for ${n} rows; give one per row.`, { source, field });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (typeof v !== 'number') {
      throw new ValidationError('E_TYPE', `${source}: ${field} score at row ${i} is ${v === null ? 'null' : typeof v}; uplift scores are numbers.`, { source, field, row: i });
    }
    if (Number.isNaN(v)) throw new ValidationError('E_NAN', `${source}: ${field} score at row ${i} is NaN; score every row (fill or drop rows with missing features first).`, { source, field, row: i });
    if (!(v >= -1 && v <= 1)) {
      throw new ValidationError('E_RANGE', `${source}: ${field} score at row ${i} is ${v}; an uplift is a change in the probability of converting, so it lies in [−1, 1] (a model of spend uplift does not fit here).`, { source, field, row: i });
    }
    out[i] = v;
  }
  return out;
}

/** A per-row value (e.g. CLV) read from `name`: a finite number ≥ 0. */
export function readValues(source: string, name: string, rows: readonly Row[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (v === undefined || v === null) throw new ValidationError('E_MISSING', `${source}: row ${i} has no ${name}; every row needs its value per conversion.`, { source, field: name, row: i });
    if (typeof v !== 'number') throw new ValidationError('E_TYPE', `${source}: ${name} at row ${i} is ${typeof v}; values are numbers.`, { source, field: name, row: i });
    if (Number.isNaN(v)) throw new ValidationError('E_NAN', `${source}: ${name} at row ${i} is NaN.`, { source, field: name, row: i });
    if (!(v >= 0 && v < Infinity)) throw new ValidationError('E_RANGE', `${source}: ${name} at row ${i} is ${v}; a value per conversion is a finite number ≥ 0.`, { source, field: name, row: i });
    out[i] = v;
  }
  return out;
}

/** A 0/1 (or boolean) flag per row read from `name`. */
export function readFlags(source: string, name: string, rows: readonly Row[], what: string): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as Row)[name];
    if (v === undefined || v === null) throw new ValidationError('E_MISSING', `${source}: evaluation row ${i} has no ${name} (${what}).`, { source, field: name, row: i });
    if (v === 1 || v === true) out[i] = 1;
    else if (v === 0 || v === false) out[i] = 0;
    else {
      const shown = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : typeof v;
      throw new ValidationError('E_LABEL', `${source}: ${name} at evaluation row ${i} is ${shown}; ${what} must be 0/1 or false/true.`, { source, field: name, row: i });
    }
  }
  return out;
}

/** A group label per row read from `name`: a string or a finite number. */
export function readLabels(source: string, name: string, rows: readonly Row[], where: string): (string | number)[] {
  return rows.map((r, i) => {
    const v = r[name];
    if (v === undefined || v === null) throw new ValidationError('E_MISSING', `${source}: ${where} row ${i} has no ${name}; every row needs its group (use a label such as "unknown" for missing ones).`, { source, field: name, row: i });
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    throw new ValidationError('E_LABEL', `${source}: ${name} at ${where} row ${i} is ${typeof v === 'number' ? String(v) : typeof v}; a group is a string or a finite number.`, { source, field: name, row: i });
  });
}

/** Customer ids read from `name`: strings or finite numbers, no repeats. */
export function readIds(source: string, name: string, rows: readonly Row[]): (string | number)[] {
  const seen = new Set<string | number>();
  return rows.map((r, i) => {
    const v = r[name];
    if (v === undefined || v === null) throw new ValidationError('E_MISSING', `${source}: customer row ${i} has no ${name}; give every customer an id, or set idField: null.`, { source, field: name, row: i });
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new ValidationError('E_ID_TYPE', `${source}: ${name} at row ${i} is ${typeof v === 'number' ? String(v) : typeof v}; ids are strings or finite numbers.`, { source, field: name, row: i });
    }
    if (seen.has(v)) throw new ValidationError('E_DUPLICATE', `${source}: ${name} ${JSON.stringify(v)} appears twice (again at row ${i}); give one row per customer.`, { source, field: name, row: i });
    seen.add(v);
    return v;
  });
}

/** A number option: finite, at least `min` (inclusive or not). */
export function requireNumberOption(source: string, field: string, v: unknown, min: number, inclusive: boolean, hint: string): number {
  if (typeof v !== 'number') throw new OptionsError('E_OPTION_TYPE', `${source}: ${field} must be a number (${hint}), got ${v === null ? 'null' : typeof v}.`, { source, field });
  if (!Number.isFinite(v) || (inclusive ? v < min : v <= min)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a finite number ${inclusive ? '≥' : '>'} ${min} (${hint}), got ${v}.`, { source, field });
  }
  return v;
}
