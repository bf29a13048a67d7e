// Internal helpers shared by the scalers: reading a matrix (array of rows),
// NaN-aware column statistics in numpy's conventions, JSON of number arrays.
import { OptionsError, StateError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { arrowColumnNames, arrowTableColumns, isArrowTable, resolveOptions } from '@marksman/core/internal';
import { PROGRESS_EVERY, progressTicker } from '../data-progress';
import type { DataPassOptions, DataProgress } from '../data-progress';

/** Rows: one array (or typed array) per customer, one value per feature, all of one width: `X[i][j]` is feature j of customer i. */
export type MatrixRows = readonly ArrayLike<number>[];

/** Records: one object per customer, all with the same named numeric fields (the features), e.g. `[{ recency: 3, frequency: 5 }]`. */
export type MatrixRecords = readonly object[];

/** Columns: one array (or typed array) per named feature, all of one length (one value per customer), e.g. `{ recency: Float64Array, frequency: Float64Array }`. */
export type MatrixColumns = { readonly [feature: string]: ArrayLike<number> };

/**
 * A matrix as the scalers accept it, in one of three layouts: **rows**
 * (an array of arrays, one per customer), **records** (an array of objects
 * with named numeric fields, one per customer) or **columns** (an object
 * with one array per named feature). An array of arrays is always read as
 * rows. An Apache Arrow table is read as columns (every column a numeric
 * feature, by name). Results come back in the layout given, and as columns
 * for an Arrow table (`toArrow` from `@marksman/io` turns them into one).
 */
export type MatrixInput = MatrixRows | MatrixRecords | MatrixColumns | ArrowLikeTable;

/** What a transform returns for input `X`: rows for rows, records for records, columns (Float64Array per feature) for columns and Arrow tables. */
// (Rows are tested as arrays of number arrays or typed arrays, not as MatrixRows: a record type with a
// string index signature is also ArrayLike<number> to TypeScript.)
export type MatrixOutput<X extends MatrixInput> = X extends readonly (readonly number[] | ArrayBufferView)[]
  ? number[][]
  : X extends MatrixRecords
    ? Record<string, number>[]
    : Record<string, Float64Array>;

/** Options of a scaler's `fit` and `fitTransform`: progress and cancellation for large inputs. */
export type ScalerFitOptions = DataPassOptions;

/** A progress callback, or null when the caller asked for none. */
export type Tick = ((phase: string, done: number, total: number) => void) | null;

const FIT_DEFAULTS: Readonly<{ onProgress: ((p: DataProgress) => void) | null; signal: AbortSignal | null }> = Object.freeze({ onProgress: null, signal: null });

/** Reads a scaler fit's options (`E_OPTION_UNKNOWN`, `E_OPTION_RANGE`) and returns its progress ticker. */
export function fitTicker(source: string, options: ScalerFitOptions | undefined): Tick {
  const o = resolveOptions(source, FIT_DEFAULTS, options);
  return progressTicker(source, o.onProgress, o.signal);
}

/** Row-major copy of a checked matrix, with the layout it came in and its feature names (records and columns). */
export interface Dense {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
  readonly layout: 'rows' | 'records' | 'columns';
  /** Feature names, in the order of `data`'s columns (null for rows). */
  readonly names: readonly string[] | null;
}

/** What a fitted scaler expects: its number of features and, when fitted on records or columns, their names. */
export interface Fitted {
  readonly d: number;
  readonly names: readonly string[] | null;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

const LAYOUTS = 'rows (one array of numbers per customer), records (one object with named numeric fields per customer) or columns (an object with one array per named feature)';

function layoutError(source: string, message: string, field: string, row?: number): ValidationError {
  return new ValidationError('E_LAYOUT', `${source}: ${message}`, row === undefined ? { source, field } : { source, row, field });
}

function isRow(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function numberAt(source: string, v: unknown, i: number, feature: string): number {
  if (typeof v !== 'number' || v === Infinity || v === -Infinity) {
    throw new ValidationError('E_NUMBER', `${source}: row ${i}, feature ${feature}: expected a finite number or NaN (missing), got ${describe(v)}.`, { source, row: i, field: feature });
  }
  return v;
}

/**
 * The order in which named input must be read for a scaler fitted on
 * `fitted` (its names, or these names for a fit); E_LAYOUT when they differ.
 */
function namedOrder(source: string, names: readonly string[], fitted: Fitted | null, what: string): readonly string[] {
  if (fitted === null) return names;
  if (fitted.names === null) {
    throw layoutError(source, `the scaler was fitted on rows (features by position), so it cannot match ${what} by name; pass rows of ${fitted.d} values, or fit on ${what}.`, 'X');
  }
  const missing = fitted.names.filter((f) => !names.includes(f));
  const extra = names.filter((f) => !fitted.names!.includes(f));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `unknown ${extra.join(', ')}` : ''].filter((t) => t !== '');
    throw layoutError(source, `the scaler was fitted on features ${fitted.names.join(', ')}; these ${what} have ${parts.join(' and ')}.`, missing[0] ?? extra[0]!);
  }
  return fitted.names;
}

/**
 * Checks and copies `X` in any of the three layouts (see MatrixInput):
 * features of equal count (`fitted.d` when given) and, for records and
 * columns, the same names (those of the fit when given: named input is
 * read by name, rows by position), values numbers, NaN allowed (missing),
 * ±Infinity refused. With a ticker, reports phase `'read'` every 65,536
 * rows and at the end.
 */
export function readMatrix(source: string, X: MatrixInput, fitted: Fitted | null, allowEmpty: boolean, tick: Tick = null): Dense {
  if (isArrowTable(X)) return readColumns(source, arrowNumericColumns(source, X), fitted, allowEmpty, tick);
  if (X === null || typeof X !== 'object' || (!Array.isArray(X) && isRow(X))) {
    throw new ValidationError('E_INPUT', `${source}: expected X as ${LAYOUTS}, got ${isRow(X) ? 'a single array of numbers' : describe(X)}.`, { source, field: 'X' });
  }
  if (!Array.isArray(X)) return readColumns(source, X as MatrixColumns, fitted, allowEmpty, tick);
  const n = X.length;
  if (n === 0) {
    if (allowEmpty) return { n: 0, d: fitted?.d ?? 0, data: new Float64Array(0), layout: 'rows', names: fitted?.names ?? null };
    throw new ValidationError('E_EMPTY', `${source}: cannot fit on zero rows; pass at least one row.`, { source, field: 'X' });
  }
  const first: unknown = X[0];
  if (first !== null && typeof first === 'object' && !isRow(first)) return readRecords(source, X as readonly object[], fitted, tick);
  const expected = fitted?.d ?? null;
  const d = expected ?? (isRow(first) ? first.length : -1);
  const data = new Float64Array(n * d < 0 ? 0 : n * d);
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('read', i, n);
    const row: unknown = X[i];
    if (!isRow(row)) {
      throw layoutError(source, `row ${i} is ${describe(row)}, but row 0 is an array: X must be ${LAYOUTS}, one layout throughout.`, 'X', i);
    }
    if (row.length !== d) {
      throw new ValidationError(
        'E_SHAPE',
        `${source}: row ${i} has ${row.length} values but ${d} ${expected === null ? 'were in row 0' : 'features were fitted'}; an array of arrays is read as rows (one array per customer, one value per feature, all of one width) — for columns, pass an object with one array per named feature.`,
        { source, row: i, field: 'X' },
      );
    }
    for (let j = 0; j < d; j++) data[i * d + j] = numberAt(source, row[j], i, String(j));
  }
  if (d === 0) throw new ValidationError('E_SHAPE', `${source}: rows have no features.`, { source });
  if (tick !== null) tick('read', n, n);
  return { n, d, data, layout: 'rows', names: fitted?.names ?? null };
}

function readRecords(source: string, X: readonly object[], fitted: Fitted | null, tick: Tick): Dense {
  const n = X.length;
  const own = Object.keys(X[0]!);
  if (own.length === 0) throw new ValidationError('E_SHAPE', `${source}: record 0 has no fields; records need one numeric field per feature.`, { source, row: 0, field: 'X' });
  const names = namedOrder(source, own, fitted, 'records');
  const d = names.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('read', i, n);
    const rec: unknown = X[i];
    if (rec === null || typeof rec !== 'object' || isRow(rec)) {
      throw layoutError(source, `row ${i} is ${isRow(rec) ? 'an array' : describe(rec)}, but row 0 is a record: X must be ${LAYOUTS}, one layout throughout.`, 'X', i);
    }
    const keys = Object.keys(rec);
    if (keys.length !== d || !names.every((f) => Object.prototype.hasOwnProperty.call(rec, f))) {
      const missing = names.find((f) => !Object.prototype.hasOwnProperty.call(rec, f));
      throw layoutError(
        source,
        `record ${i} has fields ${keys.join(', ') || '(none)'} but the features are ${names.join(', ')}; every record needs exactly these fields.`,
        missing ?? keys.find((k) => !names.includes(k)) ?? 'X',
        i,
      );
    }
    for (let j = 0; j < d; j++) data[i * d + j] = numberAt(source, (rec as Record<string, unknown>)[names[j]!], i, names[j]!);
  }
  if (tick !== null) tick('read', n, n);
  return { n, d, data, layout: 'records', names };
}

/**
 * An Arrow table's columns as named arrays: Arrow's own typed array for a
 * null-free numeric column (no copy), a plain array with `null` at the
 * nulls otherwise (refused by readColumns as `null` in plain columns is,
 * `E_NUMBER` with the row); a text, Bool, date or nested column is
 * `E_ARROW_TYPE` naming it.
 */
function arrowNumericColumns(source: string, table: ArrowLikeTable): MatrixColumns {
  const spec = Object.fromEntries(arrowColumnNames(table).map((name) => [name, 'number' as const]));
  return arrowTableColumns(source, table, spec) as MatrixColumns;
}

function readColumns(source: string, X: MatrixColumns, fitted: Fitted | null, allowEmpty: boolean, tick: Tick): Dense {
  const own = Object.keys(X);
  if (own.length === 0) throw new ValidationError('E_SHAPE', `${source}: the columns object has no features; give one array per named feature.`, { source, field: 'X' });
  const names = namedOrder(source, own, fitted, 'columns');
  const d = names.length;
  for (const f of names) {
    if (!isRow(X[f])) throw layoutError(source, `column ${f} is ${describe(X[f])}; columns need one array of numbers per feature (X must be ${LAYOUTS}).`, f);
  }
  const n = X[names[0]!]!.length;
  const uneven = names.find((f) => X[f]!.length !== n);
  if (uneven !== undefined) {
    throw new ValidationError('E_SHAPE', `${source}: column ${uneven} has ${X[uneven]!.length} values but column ${names[0]} has ${n}; columns need one value per customer, all of one length.`, { source, field: uneven });
  }
  if (n === 0 && !allowEmpty) throw new ValidationError('E_EMPTY', `${source}: cannot fit on zero rows; pass at least one row.`, { source, field: 'X' });
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const col = X[names[j]!]!;
    for (let i = 0; i < n; i++) data[i * d + j] = numberAt(source, col[i], i, names[j]!);
    if (tick !== null) tick('read', Math.round((n * (j + 1)) / d), n);
  }
  return { n, d, data, layout: 'columns', names };
}

/** Rows of `m` as plain arrays. */
export function toRows(m: Dense): number[][] {
  const out = new Array<number[]>(m.n);
  for (let i = 0; i < m.n; i++) out[i] = Array.from(m.data.subarray(i * m.d, (i + 1) * m.d));
  return out;
}

/**
 * Applies `f(value, feature)` to every cell and returns the result in `m`'s
 * layout (rows, records or columns); NaN stays NaN without calling `f` (and
 * a feature fitted on no values maps everything to NaN). A finite value
 * that maps to ±Infinity (overflow, or the edge of the transform's domain)
 * throws `E_OVERFLOW` with the row and feature.
 */
export function mapCells<X extends MatrixInput>(source: string, m: Dense, f: (x: number, j: number) => number): MatrixOutput<X> {
  const out = new Float64Array(m.n * m.d);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.d; j++) {
      const x = m.data[i * m.d + j] as number;
      if (Number.isNaN(x)) {
        out[i * m.d + j] = NaN;
        continue;
      }
      const y = f(x, j);
      if (y === Infinity || y === -Infinity) {
        const feature = m.names === null ? String(j) : m.names[j]!;
        throw new ValidationError('E_OVERFLOW', `${source}: row ${i}, feature ${feature}: ${x} maps to ${y}; the value is too large for this scaling or outside the transform's domain.`, {
          source,
          row: i,
          field: feature,
        });
      }
      out[i * m.d + j] = y;
    }
  }
  return shape({ ...m, data: out }) as MatrixOutput<X>;
}

/** `m` in its own layout: rows as number[][], records as objects, columns as a Float64Array per feature. */
function shape(m: Dense): number[][] | Record<string, number>[] | Record<string, Float64Array> {
  if (m.layout === 'rows' || m.names === null) return toRows(m);
  const names = m.names;
  if (m.layout === 'records') {
    const out = new Array<Record<string, number>>(m.n);
    for (let i = 0; i < m.n; i++) {
      const rec: Record<string, number> = {};
      for (let j = 0; j < m.d; j++) rec[names[j]!] = m.data[i * m.d + j]!;
      out[i] = rec;
    }
    return out;
  }
  const cols: Record<string, Float64Array> = {};
  for (let j = 0; j < m.d; j++) {
    const c = new Float64Array(m.n);
    for (let i = 0; i < m.n; i++) c[i] = m.data[i * m.d + j]!;
    cols[names[j]!] = c;
  }
  return cols;
}

/**
 * Throws `E_OVERFLOW` when a fitted statistic is ±Infinity (NaN is allowed:
 * a feature with no values). Values near the largest double make sums and
 * ranges overflow; the scaler would then turn every value into 0 or NaN.
 */
export function requireFiniteStats(source: string, stats: Readonly<Record<string, Float64Array>>): void {
  for (const [name, arr] of Object.entries(stats)) {
    for (let j = 0; j < arr.length; j++) {
      const v = arr[j] as number;
      if (v === Infinity || v === -Infinity) {
        throw new ValidationError('E_OVERFLOW', `${source}: the ${name} of feature ${j} overflows (${v}); rescale the feature (values near 1e308 cannot be scaled).`, { source, field: String(j) });
      }
    }
  }
}

/** The non-NaN values of column `j`, sorted ascending. */
export function sortedColumn(m: Dense, j: number): Float64Array {
  const vals: number[] = [];
  for (let i = 0; i < m.n; i++) {
    const x = m.data[i * m.d + j] as number;
    if (!Number.isNaN(x)) vals.push(x);
  }
  return Float64Array.from(vals).sort();
}

/** numpy's `_lerp`: a + (b − a)·t, computed from b when t ≥ 0.5. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy.nanpercentile(values, p) with the default linear method (p in [0, 100]); NaN for no values. */
export function percentileSorted(s: Float64Array, p: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (p / 100) * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return lerp(s[lo] as number, s[hi] as number, h - lo);
}

/** A scale of (almost) zero becomes 1, as scikit-learn's `_handle_zeros_in_scale`. */
export function handleZeroScale(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

/** StateError `E_NOT_FITTED`. */
export function notFitted(source: string): StateError {
  return new StateError('E_NOT_FITTED', `${source}: the scaler is not fitted; call fit(X) first (it returns the fitted scaler).`, { source });
}

/** ValidationError `E_JSON`. */
export function badJson(source: string, what: string, field: string): ValidationError {
  return new ValidationError('E_JSON', `${source}: not a serialised scaler of this kind (${what}).`, { source, field });
}

/** OptionsError `E_OPTION_RANGE`. */
export function badOption(source: string, field: string, what: string): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be ${what}.`, { source, field });
}

/** Numbers → JSON-safe (NaN → null). */
export function toJsonArray(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, (x) => (Number.isNaN(x) ? null : x));
}

/**
 * JSON array of length `d` → Float64Array (null → NaN), or throws `E_JSON`:
 * entries must be finite numbers or null, and at least `min` when given
 * (`positive` demands > 0); with `integers`, whole numbers and no null.
 */
export function fromJsonArray(source: string, field: string, v: unknown, d: number, min: number | 'positive' | null = null, integers = false): Float64Array {
  const ok = (x: unknown): boolean =>
    integers
      ? typeof x === 'number' && Number.isSafeInteger(x) && (min === null || (min === 'positive' ? x > 0 : x >= min))
      : x === null || (typeof x === 'number' && Number.isFinite(x) && (min === null || (min === 'positive' ? x > 0 : x >= min)));
  if (!Array.isArray(v) || v.length !== d || !v.every(ok)) {
    const bound = min === null ? '' : min === 'positive' ? ' > 0' : ` ≥ ${min}`;
    throw badJson(source, `${field} must be an array of ${d} finite numbers${bound} (null for a missing one)`, field);
  }
  return Float64Array.from(v as (number | null)[], (x) => (x === null ? NaN : x));
}

/** Checks the common JSON header and refuses keys outside `keys`; returns nFeatures. */
export function readHeader(source: string, json: unknown, type: string, keys: readonly string[]): { nFeatures: number; obj: Record<string, unknown>; names: string[] | null } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badJson(source, 'expected an object', 'json');
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (k !== 'type' && k !== 'version' && k !== 'nFeatures' && k !== 'featureNames' && !keys.includes(k)) throw badJson(source, `unknown field "${k}"; known: type, version, nFeatures, ${keys.join(', ')}`, k);
  }
  if (obj.type !== type) throw badJson(source, `type must be "${type}", got ${describe(obj.type)}`, 'type');
  if (obj.version !== 1) throw badJson(source, `unsupported version ${describe(obj.version)}`, 'version');
  const d = obj.nFeatures;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw badJson(source, 'nFeatures must be a positive integer', 'nFeatures');
  const names = obj.featureNames;
  if (names !== undefined && !(Array.isArray(names) && names.length === d && names.every((f) => typeof f === 'string') && new Set(names).size === d)) {
    throw badJson(source, `featureNames must be ${d} distinct strings when present`, 'featureNames');
  }
  return { nFeatures: d, obj, names: (names as string[] | undefined) ?? null };
}

/** The `featureNames` field of a scaler's JSON: present only for a scaler fitted on records or columns. */
export function featureNamesJson(names: readonly string[] | null): { featureNames?: string[] } {
  return names === null ? {} : { featureNames: [...names] };
}
