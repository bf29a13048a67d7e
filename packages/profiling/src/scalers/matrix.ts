// Internal helpers shared by the scalers: reading a matrix (array of rows),
// NaN-aware column statistics in numpy's conventions, JSON of number arrays.
import { OptionsError, StateError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { PROGRESS_EVERY, progressTicker } from '../data-progress';
import type { DataPassOptions, DataProgress } from '../data-progress';

/**
 * A matrix as the scalers accept it: **rows** (one per customer), each an
 * array or typed array of the features, all of one width — `X[i][j]` is
 * feature j of customer i. Columns are not accepted: transpose first.
 */
export type MatrixInput = readonly ArrayLike<number>[];

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

/** Row-major copy of a checked matrix. */
export interface Dense {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * Checks and copies `X`: an array of rows of equal width (`expected` when
 * given), values numbers, NaN allowed (missing), ±Infinity refused. With a
 * ticker, reports phase `'read'` every 65,536 rows and at the end.
 */
export function readMatrix(source: string, X: MatrixInput, expected: number | null, allowEmpty: boolean, tick: Tick = null): Dense {
  if (!Array.isArray(X)) throw new ValidationError('E_INPUT', `${source}: expected X as rows (an array with one array of numbers per customer), got ${describe(X)}.`, { source, field: 'X' });
  const n = X.length;
  if (n === 0) {
    if (allowEmpty) return { n: 0, d: expected ?? 0, data: new Float64Array(0) };
    throw new ValidationError('E_EMPTY', `${source}: cannot fit on zero rows; pass at least one row.`, { source, field: 'X' });
  }
  const first = X[0] as ArrayLike<number> | undefined;
  const d = expected ?? (first !== null && typeof first === 'object' && typeof first.length === 'number' ? first.length : -1);
  const data = new Float64Array(n * d < 0 ? 0 : n * d);
  for (let i = 0; i < n; i++) {
    if (tick !== null && i > 0 && i % PROGRESS_EVERY === 0) tick('read', i, n);
    const row = X[i] as ArrayLike<number> | undefined;
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number' || row.length !== d) {
      throw new ValidationError(
        'E_SHAPE',
        `${source}: row ${i} has ${row !== null && typeof row === 'object' && typeof row.length === 'number' ? row.length : 'no'} values but ${d} ${expected === null ? 'were in row 0' : 'features were fitted'}; X must be rows (one array per customer, one value per feature, all of one width), not columns.`,
        { source, row: i, field: 'X' },
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number' || v === Infinity || v === -Infinity) {
        throw new ValidationError('E_NUMBER', `${source}: row ${i}, feature ${j}: expected a finite number or NaN (missing), got ${describe(v)}.`, { source, row: i, field: String(j) });
      }
      data[i * d + j] = v;
    }
  }
  if (d === 0) throw new ValidationError('E_SHAPE', `${source}: rows have no features.`, { source });
  if (tick !== null) tick('read', n, n);
  return { n, d, data };
}

/** Rows of `m` as plain arrays. */
export function toRows(m: Dense): number[][] {
  const out = new Array<number[]>(m.n);
  for (let i = 0; i < m.n; i++) out[i] = Array.from(m.data.subarray(i * m.d, (i + 1) * m.d));
  return out;
}

/**
 * Applies `f(value, feature)` to every cell; NaN stays NaN without calling
 * `f` (and a feature fitted on no values maps everything to NaN). A finite
 * value that maps to ±Infinity (overflow, or the edge of the transform's
 * domain) throws `E_OVERFLOW` with the row and feature.
 */
export function mapCells(source: string, m: Dense, f: (x: number, j: number) => number): number[][] {
  const out = new Array<number[]>(m.n);
  for (let i = 0; i < m.n; i++) {
    const row = new Array<number>(m.d);
    for (let j = 0; j < m.d; j++) {
      const x = m.data[i * m.d + j] as number;
      if (Number.isNaN(x)) {
        row[j] = NaN;
        continue;
      }
      const y = f(x, j);
      if (y === Infinity || y === -Infinity) {
        throw new ValidationError('E_OVERFLOW', `${source}: row ${i}, feature ${j}: ${x} maps to ${y}; the value is too large for this scaling or outside the transform's domain.`, {
          source,
          row: i,
          field: String(j),
        });
      }
      row[j] = y;
    }
    out[i] = row;
  }
  return out;
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
export function readHeader(source: string, json: unknown, type: string, keys: readonly string[]): { nFeatures: number; obj: Record<string, unknown> } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badJson(source, 'expected an object', 'json');
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (k !== 'type' && k !== 'version' && k !== 'nFeatures' && !keys.includes(k)) throw badJson(source, `unknown field "${k}"; known: type, version, nFeatures, ${keys.join(', ')}`, k);
  }
  if (obj.type !== type) throw badJson(source, `type must be "${type}", got ${describe(obj.type)}`, 'type');
  if (obj.version !== 1) throw badJson(source, `unsupported version ${describe(obj.version)}`, 'version');
  const d = obj.nFeatures;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw badJson(source, 'nFeatures must be a positive integer', 'nFeatures');
  return { nFeatures: d, obj };
}
