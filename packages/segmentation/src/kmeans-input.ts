import { OptionsError, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { arrowColumnNames, arrowColumns, arrowRecords, isArrowTable } from '@marksman/core/internal';

/**
 * Points stored row-major in one `Float64Array`: point `i`, feature `j` is
 * `values[i * columns + j]`. The fast way to hand large data to
 * {@link kmeans} and the cluster-quality scores (no per-row arrays).
 */
export interface PointMatrix {
  /** `rows × columns` numbers, row after row. */
  readonly values: Float64Array;
  /** Number of features (columns) per point. */
  readonly columns: number;
}

/**
 * Points, one per customer, in one of three layouts:
 *
 * - **rows**: an array of equally long arrays of numbers, `data[i][j]` =
 *   feature j of point i (not columns: transpose a column-major table first);
 * - **records**: an array of objects with the same named numeric fields,
 *   one per point (`{ recency: 3, frequency: 5 }`); the features are the
 *   field names in alphabetical order, whatever order each record lists
 *   them in;
 * - **columns**: an object with one equally long array (or typed array) of
 *   numbers per named feature (`{ recency: Float64Array, frequency: [...] }`),
 *   read as the records would be (features in alphabetical order);
 * - a row-major {@link PointMatrix};
 * - an Apache Arrow table of numeric columns, read as the records would be
 *   (features are the column names in alphabetical order).
 */
export type PointsInput = readonly (readonly number[])[] | readonly Readonly<Record<string, number>>[] | PointColumns | PointMatrix | ArrowLikeTable;

/** Points as named columns: one array (or typed array) of numbers per feature, all of one length. */
export type PointColumns = Readonly<Record<string, ArrayLike<number>>>;

/** Validated points: a row-major view that is read, never written. */
export interface Points {
  readonly values: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Feature names (sorted) when the points were records, else null. */
  readonly names: readonly string[] | null;
}

const LAYOUTS = 'rows (one array of numbers per point), records (one object with named numeric fields per point), columns (an object with one array of numbers per named feature) or { values: Float64Array, columns }';

function notFinite(source: string, field: string, row: number, column: string, v: unknown): ValidationError {
  return new ValidationError('E_NOT_FINITE', `${source}: ${field} row ${row}, ${column} is ${String(v)}; every feature must be a finite number (impute or drop missing values first).`, { source, field, row });
}

/** Records → row-major values, features in sorted name order. */
function readRecords(rows: readonly unknown[], source: string, field: string): Points {
  const n = rows.length;
  const names = Object.keys(rows[0] as object).sort();
  const d = names.length;
  if (d === 0) throw new ValidationError('E_EMPTY', `${source}: records of ${field} have no fields; give each point its features as named numbers.`, { source, field, row: 0 });
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new ValidationError('E_POINTS_TYPE', `${source}: row ${i} of ${field} is ${Array.isArray(r) ? 'an array' : String(r)} but row 0 is a record; give ${LAYOUTS}, not a mix.`, { source, field, row: i });
    }
    const keys = Object.keys(r);
    if (keys.length !== d || !names.every((k) => k in r)) {
      throw new ValidationError('E_RAGGED', `${source}: record ${i} of ${field} has fields ${JSON.stringify(keys.sort())} but record 0 has ${JSON.stringify(names)}; every record needs the same features.`, { source, field, row: i });
    }
    for (let j = 0; j < d; j++) {
      const v = (r as Record<string, unknown>)[names[j]!];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw notFinite(source, field, i, `field ${names[j]!}`, v);
      values[i * d + j] = v;
    }
  }
  return { values, n, d, names };
}

/**
 * An Arrow table of numeric columns → row-major values, features in sorted
 * name order (as records). Columns with nulls go through the records path,
 * so a null gets the error a record with `null` there gets.
 */
function readArrowPoints(table: ArrowLikeTable, source: string, field: string): Points {
  const names = arrowColumnNames(table).sort();
  const spec: Record<string, 'number'> = {};
  for (const name of names) spec[name] = 'number';
  const cols = arrowColumns(source, table, spec);
  if (cols === null) return readPoints(arrowRecords(source, table) as unknown as readonly Readonly<Record<string, number>>[], source, field);
  const d = names.length;
  if (d === 0) throw new ValidationError('E_EMPTY', `${source}: the Arrow table ${field} has no columns; give each point its features as numeric columns.`, { source, field });
  const n = (cols[names[0]!] as ArrayLike<number>).length;
  if (n === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} has no rows; give at least one point.`, { source, field });
  const values = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const c = cols[names[j]!] as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const v = c[i]!;
      if (!Number.isFinite(v)) throw notFinite(source, field, i, `field ${names[j]!}`, v);
      values[i * d + j] = v;
    }
  }
  return { values, n, d, names };
}

/** Named columns → row-major values, features in sorted name order (as records). */
function readNamedColumns(cols: Readonly<Record<string, unknown>>, source: string, field: string): Points {
  const names = Object.keys(cols).sort();
  const d = names.length;
  if (d === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} has no columns; give ${LAYOUTS}.`, { source, field });
  let n = -1;
  for (const name of names) {
    const c = cols[name];
    if (!(Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView)))) {
      throw new ValidationError('E_POINTS_TYPE', `${source}: ${field}.${name} is ${c === null ? 'null' : typeof c}, but ${field} is read as columns (an object with one array of numbers per named feature); give ${LAYOUTS}.`, { source, field: `${field}.${name}` });
    }
    const len = (c as ArrayLike<unknown>).length;
    if (n < 0) n = len;
    else if (len !== n) {
      throw new ValidationError('E_RAGGED', `${source}: column ${name} of ${field} has ${len} values but column ${names[0]!} has ${n}; ${field} is read as columns, so every feature needs one value per point.`, { source, field: `${field}.${name}` });
    }
  }
  if (n === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} has no rows; give at least one point.`, { source, field });
  const values = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const c = cols[names[j]!] as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw notFinite(source, field, i, `field ${names[j]!}`, v);
      values[i * d + j] = v;
    }
  }
  return { values, n, d, names };
}

/**
 * Checks points once at the boundary: not empty, rectangular, finite.
 * Rows are copied into a new Float64Array; a PointMatrix is used as is
 * (never written to).
 *
 * @internal
 */
export function readPoints(data: PointsInput, source: string, field = 'data', checkFinite = true): Points {
  if (isArrowTable(data)) return readArrowPoints(data, source, field);
  if (Array.isArray(data)) {
    const rows = data as readonly (readonly number[])[];
    const n = rows.length;
    if (n === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} has no rows; give at least one point.`, { source, field });
    const first = rows[0] as unknown;
    if (first !== null && typeof first === 'object' && !Array.isArray(first) && !ArrayBuffer.isView(first)) return readRecords(rows, source, field);
    if (!Array.isArray(first)) {
      throw new ValidationError('E_POINTS_TYPE', `${source}: ${field} must be ${LAYOUTS}.`, { source, field, row: 0 });
    }
    const d = first.length;
    if (d === 0) throw new ValidationError('E_EMPTY', `${source}: rows of ${field} have no features.`, { source, field, row: 0 });
    const values = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== d) {
        const len = Array.isArray(row) ? String(row.length) : 'not an array';
        throw new ValidationError('E_RAGGED', `${source}: row ${i} of ${field} has ${len} values but row 0 has ${d}; ${field} is read as rows (one array per point, one value per feature), so every row needs the same features.`, {
          source,
          field,
          row: i,
        });
      }
      for (let j = 0; j < d; j++) {
        const v = row[j] as unknown;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw notFinite(source, field, i, `column ${j}`, v);
        values[i * d + j] = v;
      }
    }
    return { values, n, d, names: null };
  }
  const m = data as PointMatrix | null | undefined;
  if (m !== null && typeof m === 'object' && !ArrayBuffer.isView(m) && !(m.values instanceof Float64Array && typeof m.columns === 'number')) {
    return readNamedColumns(m as unknown as Readonly<Record<string, unknown>>, source, field);
  }
  if (m === null || typeof m !== 'object' || !(m.values instanceof Float64Array)) {
    throw new ValidationError('E_POINTS_TYPE', `${source}: ${field} must be ${LAYOUTS}.`, { source, field });
  }
  const d = m.columns;
  if (!Number.isSafeInteger(d) || d < 1) {
    throw new ValidationError('E_POINTS_TYPE', `${source}: ${field}.columns must be a positive integer, got ${String(d)}.`, { source, field: `${field}.columns` });
  }
  const values = m.values;
  if (values.length === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} has no rows; give at least one point.`, { source, field });
  if (values.length % d !== 0) {
    throw new ValidationError('E_RAGGED', `${source}: ${field}.values has ${values.length} numbers, not a multiple of columns = ${d}.`, { source, field });
  }
  if (checkFinite) assertFinite(values, d, source, field);
  return { values, n: values.length / d, d, names: null };
}

/**
 * Throws `E_NOT_FINITE` naming the first NaN or ±Infinity in a row-major
 * matrix; does nothing when all values are finite.
 *
 * @internal
 */
export function assertFinite(values: Float64Array, d: number, source: string, field = 'data'): void {
  for (let t = 0; t < values.length; t++) {
    if (!Number.isFinite(values[t]!)) {
      const row = Math.floor(t / d);
      throw new ValidationError('E_NOT_FINITE', `${source}: ${field} row ${row}, column ${t - row * d} is ${values[t]}; every feature must be a finite number (impute or drop missing values first).`, { source, field, row });
    }
  }
}

/**
 * Checks per-point weights: one finite, non-negative number per point with a
 * positive total. Returns a new Float64Array.
 *
 * @internal
 */
export function readWeights(weights: ArrayLike<number>, n: number, source: string): Float64Array {
  if (weights === null || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw new OptionsError('E_WEIGHTS', `${source}: sampleWeights must be an array of numbers.`, { source, field: 'sampleWeights' });
  }
  if (weights.length !== n) {
    throw new ValidationError('E_WEIGHTS', `${source}: sampleWeights has ${weights.length} values for ${n} points; give one weight per point.`, { source, field: 'sampleWeights' });
  }
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = weights[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError('E_WEIGHTS', `${source}: sampleWeights[${i}] is ${String(v)}; weights must be finite and ≥ 0.`, { source, field: 'sampleWeights', row: i });
    }
    w[i] = v;
    total += v;
  }
  if (!(total > 0)) throw new ValidationError('E_WEIGHTS', `${source}: sampleWeights sum to 0; give at least one positive weight.`, { source, field: 'sampleWeights' });
  return w;
}

/**
 * Checks cluster labels: one integer per point. Returns them mapped to
 * dense ids 0..m-1 in order of first appearance, with the counts.
 *
 * @internal
 */
export function readLabels(labels: ArrayLike<number>, n: number, source: string): { ids: Int32Array; counts: Float64Array; m: number } {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ValidationError('E_LABELS', `${source}: labels must be an array of integers.`, { source, field: 'labels' });
  }
  if (labels.length !== n) {
    throw new ValidationError('E_LABELS', `${source}: labels has ${labels.length} values for ${n} points; give one label per point.`, { source, field: 'labels' });
  }
  const ids = new Int32Array(n);
  const map = new Map<number, number>();
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ValidationError('E_LABELS', `${source}: labels[${i}] is ${String(v)}; labels must be integers.`, { source, field: 'labels', row: i });
    }
    let id = map.get(v);
    if (id === undefined) {
      id = counts.length;
      map.set(v, id);
      counts.push(0);
    }
    counts[id]!++;
    ids[i] = id;
  }
  return { ids, counts: Float64Array.from(counts), m: counts.length };
}
