import { OptionsError, ValidationError } from '@marksman/core';
import { arrowCheckedRecords, arrowSelectRows, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowColumnSpec } from '@marksman/core/internal';
import type { ArrowLikeTable } from '@marksman/core';
import { requireFinite, requireFiniteResult, requireList, requireNonEmpty, requirePositiveIntegerOption } from './validation';

/** What {@link kAnonymize} does with a cell of fewer than k people. */
export type KAnonymityMode = 'suppress' | 'merge';

/** Options of {@link kAnonymize}. */
export interface KAnonymizeOptions {
  /** Smallest number of people a released cell may describe, an integer ≥ 1. Required. */
  readonly k: number;
  /** Fields whose combination could single a person out (postcode, age band, segment…). Required, at least one. */
  readonly quasiIdentifiers: readonly string[];
  /** Field holding the number of people a row stands for (a segment report); default `null`: one person per row (an audience). */
  readonly count?: string | null;
  /** `'suppress'` (default): drop small cells. `'merge'`: pool them into one cell whose quasi-identifiers read `mergedValue`, dropped too if still under k. */
  readonly mode?: KAnonymityMode;
  /** The value written into the quasi-identifiers of merged rows; default `'*'`. */
  readonly mergedValue?: string;
  /** With `count` and `'merge'`: fields added up into the one merged row (other fields are left out of it); default none. */
  readonly sum?: readonly string[];
}

/** A cell (combination of quasi-identifier values) that was under k. */
export interface SmallCell {
  /** Its quasi-identifier values. */
  readonly key: Readonly<Record<string, unknown>>;
  /** People in the cell. */
  readonly size: number;
  /** Positions of its rows in the input. */
  readonly rows: readonly number[];
}

/** Result of {@link kAnonymize}. */
export interface KAnonymityResult<T> {
  /** The rows that may be released: cells of at least k people, then (mode `'merge'`) the merged rows. */
  readonly rows: T[];
  /** The threshold used. */
  readonly k: number;
  /** Cells left out (under k, and in `'merge'` mode only when the pooled cell is still under k). */
  readonly suppressed: readonly SmallCell[];
  /** Cells pooled into the merged cell (`'merge'` mode); empty otherwise. */
  readonly merged: readonly SmallCell[];
  /** People left out in all. */
  readonly suppressedPeople: number;
}

/**
 * Result of {@link kAnonymize} on an Apache Arrow table: as {@link KAnonymityResult}, with the
 * released rows as an Arrow table of the input's class and schema.
 */
export interface KAnonymityArrowResult<A extends ArrowLikeTable = ArrowLikeTable> {
  /** The rows of cells of at least k people, in input order, as an Arrow table of the input's schema. */
  readonly rows: A;
  /** The threshold used. */
  readonly k: number;
  /** Cells left out (under k). */
  readonly suppressed: readonly SmallCell[];
  /** Always empty: merging writes new rows, which an Arrow table of the input's schema cannot hold. */
  readonly merged: readonly SmallCell[];
  /** People left out in all. */
  readonly suppressedPeople: number;
}

const DEFAULTS: Readonly<{ k: number | undefined; quasiIdentifiers: readonly string[] | undefined; count: string | null; mode: KAnonymityMode; mergedValue: string; sum: readonly string[] }> = Object.freeze({
  k: undefined,
  quasiIdentifiers: undefined,
  count: null,
  mode: 'suppress',
  mergedValue: '*',
  sum: Object.freeze([]) as readonly string[],
});

/**
 * k-anonymity threshold for segment reports and exported audiences (Sweeney
 * 2002, "k-anonymity: a model for protecting privacy"): rows are grouped by
 * their quasi-identifier values, and a group describing fewer than k people is
 * suppressed (left out) or, with `mode: 'merge'`, pooled with the other small
 * groups into one cell whose quasi-identifiers read `'*'` (itself left out if
 * still under k). Every small cell is reported with its rows, so nothing is
 * dropped silently. With `count`, each row is a cell of a report holding that
 * many people, and merged rows collapse into one row (summing `count` and the
 * `sum` fields); without it, each row is one person, and merged rows keep
 * their other fields. Rows are never mutated; merged rows are new objects.
 *
 * k-anonymity limits re-identification by linkage on the listed fields; it
 * does not protect a sensitive value shared by a whole cell (l-diversity) and
 * is no differential-privacy guarantee (see {@link PrivacyBudget}).
 *
 * Costs O(n·q) for n rows and q quasi-identifiers.
 *
 * @param rows - audience records, or segment-report cells with a `count` field
 * @param options - `k` and `quasiIdentifiers` (required), `count`, `mode`, `mergedValue`, `sum`
 * @throws `ValidationError` `E_SHAPE`, `E_INPUT` (a row that is not an object), `E_MISSING` (a row
 *   without a quasi-identifier or count field), `E_LABEL` (a quasi-identifier value that is an object
 *   or function), `E_NAN`, `E_RANGE` (a count that is not an integer ≥ 0), `E_NOT_FINITE` (also a `sum`
 *   field that is not a finite number, in any row), `E_OVERFLOW`;
 *   `OptionsError` `E_OPTION_MISSING` (k or quasiIdentifiers absent), `E_OPTION_RANGE` (k < 1 or not an
 *   integer), `E_OPTION_TYPE`, `E_OPTION_VALUE` (mode), `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { kAnonymize } from '@marksman/metrics';
 * const report = [
 *   { region: 'north', segment: 'vip', customers: 120 },
 *   { region: 'north', segment: 'new', customers: 4 },
 *   { region: 'south', segment: 'vip', customers: 3 },
 * ];
 * const r = kAnonymize(report, { k: 10, quasiIdentifiers: ['region', 'segment'], count: 'customers' });
 * r.rows.length; // => 1
 * r.suppressed.map((c) => c.size); // => [4, 3]
 * const m = kAnonymize(report, { k: 5, quasiIdentifiers: ['region', 'segment'], count: 'customers', mode: 'merge' });
 * m.rows[1]; // => { region: '*', segment: '*', customers: 7 }
 * kAnonymize(report, { k: 0, quasiIdentifiers: ['region'] }); // throws E_OPTION_RANGE
 * ```
 */
export function kAnonymize<T extends object>(rows: readonly T[], options: KAnonymizeOptions): KAnonymityResult<T>;
/**
 * {@link kAnonymize} on an Apache Arrow table: the same cells as for the table's rows as records
 * (nulls are `null`, Timestamp/Date values epoch milliseconds), the released rows returned as an
 * Arrow table of the input's class and schema (`table.slice`, no copy, when they are one run of
 * rows; else gathered into new buffers, dictionaries shared). `mode: 'merge'` writes new rows
 * (`'*'` in the quasi-identifiers), which a table of the input's schema cannot hold: it is
 * refused; suppress, or pass records.
 *
 * @param rows - an apache-arrow `Table` (the `count` and `sum` columns numeric)
 * @param options - as for records, `mode` `'suppress'` only
 * @throws `ValidationError` `E_ARROW_TYPE` for a `count` or `sum` column that is not numeric (named);
 *   `E_INPUT` for an Arrow-shaped table that is not apache-arrow's; `OptionsError` `E_OPTION_VALUE`
 *   for `mode: 'merge'`; otherwise as for records
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * import { kAnonymize } from '@marksman/metrics';
 * const report = arrow.tableFromArrays({
 *   region: ['north', 'north', 'south'],
 *   segment: ['vip', 'new', 'vip'],
 *   customers: Int32Array.of(120, 4, 3),
 * });
 * const r = kAnonymize(report, { k: 10, quasiIdentifiers: ['region', 'segment'], count: 'customers' });
 * r.rows.numRows; // => 1
 * r.rows.getChild('customers')!.get(0); // => 120
 * r.suppressed.map((c) => c.rows); // => [[1], [2]]
 * kAnonymize(report, { k: 10, quasiIdentifiers: ['region'], count: 'region' }); // throws E_ARROW_TYPE
 * ```
 */
export function kAnonymize<A extends ArrowLikeTable>(rows: A, options: KAnonymizeOptions): KAnonymityArrowResult<A>;
export function kAnonymize<T extends object>(input: readonly T[] | ArrowLikeTable, options: KAnonymizeOptions): KAnonymityResult<T> | KAnonymityArrowResult {
  const source = 'kAnonymize';
  const table = isArrowTable(input) ? input : null;
  if (table === null) requireList(source, 'rows', input);
  const o = resolveOptions(source, DEFAULTS, options);
  if (o.k === undefined || o.k === null) throw new OptionsError('E_OPTION_MISSING', `${source}: k is required (the smallest number of people a released cell may describe, e.g. 10).`, { source, field: 'k' });
  requirePositiveIntegerOption(source, 'k', o.k);
  const k = o.k;
  if (o.quasiIdentifiers === undefined || o.quasiIdentifiers === null) {
    throw new OptionsError('E_OPTION_MISSING', `${source}: quasiIdentifiers is required: the fields whose combination could single a person out.`, { source, field: 'quasiIdentifiers' });
  }
  const qis = o.quasiIdentifiers;
  requireNonEmpty(source, 'quasiIdentifiers', qis as ArrayLike<unknown>);
  for (const q of Array.from(qis)) if (typeof q !== 'string' || q.length === 0) throw new OptionsError('E_OPTION_TYPE', `${source}: quasiIdentifiers must be field names (non-empty strings), got ${JSON.stringify(q) ?? String(q)}.`, { source, field: 'quasiIdentifiers' });
  if (o.count !== null && (typeof o.count !== 'string' || o.count.length === 0)) throw new OptionsError('E_OPTION_TYPE', `${source}: count must be a field name or null.`, { source, field: 'count' });
  if (o.mode !== 'suppress' && o.mode !== 'merge') throw new OptionsError('E_OPTION_VALUE', `${source}: mode must be 'suppress' or 'merge', got ${String(o.mode)}.`, { source, field: 'mode' });
  if (typeof o.mergedValue !== 'string') throw new OptionsError('E_OPTION_TYPE', `${source}: mergedValue must be a string.`, { source, field: 'mergedValue' });
  requireList(source, 'sum', o.sum);
  for (const f of Array.from(o.sum)) if (typeof f !== 'string') throw new OptionsError('E_OPTION_TYPE', `${source}: sum must list field names.`, { source, field: 'sum' });
  const countField = o.count;
  const rows = (table === null ? input : arrowRows(source, table, o)) as readonly T[];

  const groups = new Map<string, { key: Record<string, unknown>; size: number; rows: number[] }>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new ValidationError('E_INPUT', `${source}: row ${i} is not an object.`, { source, field: 'rows', row: i });
    const r = row as Record<string, unknown>;
    const values: unknown[] = [];
    for (const q of qis) {
      const v = r[q];
      if (v === undefined) throw new ValidationError('E_MISSING', `${source}: row ${i} has no "${q}"; every row needs every quasi-identifier (use null for unknown).`, { source, field: q, row: i });
      if (typeof v === 'number') requireFinite(source, q, v, i);
      else if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') throw new ValidationError('E_LABEL', `${source}: "${q}" of row ${i} is ${typeof v}; quasi-identifiers are strings, numbers, booleans or null.`, { source, field: q, row: i });
      values.push(v);
    }
    let size = 1;
    if (countField !== null) {
      const c = r[countField];
      if (c === undefined) throw new ValidationError('E_MISSING', `${source}: row ${i} has no "${countField}" (the count option names it).`, { source, field: countField, row: i });
      requireFinite(source, countField, c as number, i);
      if (!Number.isSafeInteger(c) || (c as number) < 0) throw new ValidationError('E_RANGE', `${source}: "${countField}" of row ${i} must be an integer ≥ 0, got ${String(c)}.`, { source, field: countField, row: i });
      size = c as number;
    }
    for (const f of o.sum) requireFinite(source, f, r[f] as number, i);
    const id = JSON.stringify(values.map((v) => [typeof v, v]));
    let g = groups.get(id);
    if (g === undefined) {
      g = { key: Object.fromEntries(qis.map((q, j) => [q, values[j]])), size: 0, rows: [] };
      groups.set(id, g);
    }
    g.size += size;
    g.rows.push(i);
  }

  const keep = new Array<boolean>(rows.length).fill(false);
  const small: SmallCell[] = [];
  for (const g of groups.values()) {
    if (g.size >= k) for (const i of g.rows) keep[i] = true;
    else small.push(Object.freeze({ key: Object.freeze(g.key), size: g.size, rows: Object.freeze(g.rows) }));
  }
  if (table !== null) {
    const kept = Int32Array.from(keep.flatMap((b, i) => (b ? [i] : [])));
    return { rows: arrowSelectRows(source, table, kept), k, suppressed: small, merged: [], suppressedPeople: small.reduce((s, c) => s + c.size, 0) };
  }
  const out: T[] = [];
  for (let i = 0; i < rows.length; i++) if (keep[i]) out.push(rows[i] as T);
  const pooled = small.reduce((s, c) => s + c.size, 0);
  if (o.mode === 'merge' && small.length > 0 && pooled >= k) {
    const stars = Object.fromEntries(qis.map((q) => [q, o.mergedValue]));
    if (countField === null) {
      for (const c of small) for (const i of c.rows) out.push({ ...(rows[i] as T), ...stars });
    } else {
      const merged: Record<string, unknown> = { ...stars, [countField]: pooled };
      for (const f of o.sum) {
        let s = 0;
        for (const c of small) for (const i of c.rows) s += (rows[i] as Record<string, unknown>)[f] as number;
        merged[f] = requireFiniteResult(source, f, s);
      }
      out.push(merged as T);
    }
    return { rows: out, k, suppressed: [], merged: small, suppressedPeople: 0 };
  }
  return { rows: out, k, suppressed: small, merged: [], suppressedPeople: pooled };
}

/**
 * The columns kAnonymize reads from an Arrow table, as records: the quasi-identifiers as they are
 * (strings, numbers, booleans; nulls `null`), `count` and `sum` checked numeric. `mode: 'merge'`
 * is refused before anything is read.
 */
function arrowRows(source: string, table: ArrowLikeTable, o: typeof DEFAULTS): Record<string, unknown>[] {
  if (o.mode === 'merge') {
    throw new OptionsError('E_OPTION_VALUE', `${source}: mode 'merge' writes new rows ('*' in the quasi-identifiers), which an Arrow table of the input's schema cannot hold; use mode 'suppress' with an Arrow table, or pass records.`, { source, field: 'mode' });
  }
  const names = [o.quasiIdentifiers, o.count === null ? [] : [o.count], o.sum].flatMap((x) => (Array.isArray(x) ? (x as unknown[]) : [x])).filter((x): x is string => typeof x === 'string');
  const spec: Record<string, 'number'> = {};
  for (const f of [o.count, ...(Array.isArray(o.sum) ? (o.sum as unknown[]) : [])]) if (typeof f === 'string') spec[f] = 'number';
  return arrowCheckedRecords(source, table, spec as ArrowColumnSpec, names);
}
