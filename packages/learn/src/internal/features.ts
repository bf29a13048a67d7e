// Internal: reads every accepted shape of features (rows, records, typed
// columns, named columns, a core Table, an Apache Arrow table) into
// Float64Array columns, checking each value once at the boundary. The input
// is never written.
import { Table, ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { allFinite, arrowColumnNames, arrowColumns, isArrowTable } from '@marksman/core/internal';
import type { FeatureInput } from '../types';
import { describeValue, isPlainObject } from './checks';

/** Features read column by column (never written after reading). */
export interface FeatureMatrix {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly n: number;
}

/** How missing values are treated: refused (`E_NOT_FINITE`) or read as NaN. */
export type MissingPolicy = 'refuse' | 'nan';

type Shape =
  | { readonly kind: 'rows'; readonly rows: readonly (readonly unknown[])[] }
  | { readonly kind: 'records'; readonly rows: readonly object[] }
  | { readonly kind: 'columns'; readonly cols: readonly ArrayLike<number>[] }
  | { readonly kind: 'named'; readonly cols: Readonly<Record<string, unknown>> }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'arrow'; readonly table: ArrowLikeTable };

function fail(source: string, code: string, message: string, field: string, row?: number): ValidationError {
  return new ValidationError(code, `${source}: ${message}`, row === undefined ? { source, field } : { source, field, row });
}

const isNumericView = (v: unknown): v is ArrayLike<number> =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);

function shapeOf(source: string, X: unknown): Shape {
  if (X instanceof Table) return { kind: 'table', table: X };
  if (isArrowTable(X)) return { kind: 'arrow', table: X };
  if (Array.isArray(X)) {
    if (X.length === 0) throw fail(source, 'E_EMPTY', 'X has no rows; give at least one.', 'X');
    const first: unknown = X[0];
    if (Array.isArray(first)) return { kind: 'rows', rows: X as readonly (readonly unknown[])[] };
    if (isNumericView(first)) return { kind: 'columns', cols: X as readonly ArrayLike<number>[] };
    if (first !== null && typeof first === 'object') return { kind: 'records', rows: X as readonly object[] };
    throw fail(source, 'E_INPUT', `X[0] is ${describeValue(first)}; X must hold rows (arrays of numbers), records (objects) or columns (typed arrays).`, 'X', 0);
  }
  if (isPlainObject(X)) return { kind: 'named', cols: X };
  throw fail(source, 'E_INPUT', `X must be rows (number[][]), records, columns (Float64Array[]), an object of named columns, a Table or an Arrow table, got ${describeValue(X)}.`, 'X');
}

function checkNames(source: string, names: unknown): string[] {
  if (!Array.isArray(names) || names.length === 0 || names.some((f) => typeof f !== 'string' || f === '')) {
    throw fail(source, 'E_NO_FEATURES', 'featureNames must be a non-empty array of non-empty strings.', 'featureNames');
  }
  if (new Set(names).size !== names.length) throw fail(source, 'E_NO_FEATURES', 'featureNames lists a name twice; give each feature once.', 'featureNames');
  return [...(names as string[])];
}

/** Reads one value; NaN (and null or undefined read as missing) allowed only under the 'nan' policy. */
function value(source: string, v: unknown, policy: MissingPolicy, name: string, row: number): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    if (Number.isNaN(v) && policy === 'nan') return NaN;
  } else if (v === null && policy === 'nan') return NaN;
  const hint = policy === 'nan' ? 'finite numbers or NaN/null for missing' : 'finite numbers (impute missing values first, or use a gradient-boosting model, which reads NaN as missing)';
  throw fail(source, 'E_NOT_FINITE', `row ${row}, feature "${name}" is ${describeValue(v)}; features must be ${hint}.`, name, row);
}

function column(source: string, src: ArrayLike<unknown>, n: number, name: string, policy: MissingPolicy): Float64Array {
  // Finite float64 columns are read in place (the learners only read them), saving a copy of the data.
  if (src instanceof Float64Array && src.length === n && allFinite(src)) return src;
  const out = new Float64Array(n);
  if (src instanceof Float64Array || src instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      if (v - v !== 0) out[i] = value(source, v, policy, name, i); // NaN or ±Infinity
      else out[i] = v;
    }
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = value(source, src[i], policy, name, i);
  return out;
}

function lengthOf(source: string, v: unknown, name: string): number {
  if (Array.isArray(v) || isNumericView(v)) return (v as ArrayLike<unknown>).length;
  throw fail(source, 'E_INPUT', `column "${name}" is ${describeValue(v)}, not an array or typed array of numbers.`, name);
}

function readNamed(source: string, cols: Readonly<Record<string, unknown>>, names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  let n = -1;
  const columns: Float64Array[] = [];
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(cols, name)) {
      throw fail(source, 'E_FEATURE_MISSING', `X has no column "${name}"; it has ${Object.keys(cols).map((c) => `"${c}"`).join(', ') || 'none'}.`, name);
    }
    const col = cols[name];
    const len = lengthOf(source, col, name);
    if (n < 0) n = len;
    else if (len !== n) throw fail(source, 'E_LENGTH', `column "${name}" has ${len} values but column "${names[0]!}" has ${n}; every column needs one value per row.`, name);
    columns.push(column(source, col as ArrayLike<unknown>, len, name, policy));
  }
  if (n === 0) throw fail(source, 'E_EMPTY', 'X has no rows; give at least one.', 'X');
  return { names, columns, n };
}

function readTable(source: string, t: Table, names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  const n = t.numRows;
  if (n === 0) throw fail(source, 'E_EMPTY', 'X has no rows; give at least one.', 'X');
  const columns = names.map((name) => {
    if (!t.has(name)) throw fail(source, 'E_FEATURE_MISSING', `the table has no column "${name}"; it has ${t.columnNames.map((c) => `"${c}"`).join(', ')}.`, name);
    if (t.columnKind(name) === 'values') throw fail(source, 'E_NOT_FINITE', `column "${name}" is not numeric; features must be numbers.`, name);
    return column(source, t.numericColumn(name), n, name, policy);
  });
  return { names, columns, n };
}

/**
 * An Arrow table, read by column name: numeric columns (Int, Float; 64-bit
 * integers exactly, else `E_ARROW_TYPE` with the row) without nulls are
 * Arrow's own typed arrays (a Float64 column is used in place when finite);
 * a null is a missing value, read as a `null` in named columns is (NaN or
 * `E_NOT_FINITE`, by the learner's policy); text, booleans, dates are
 * `E_ARROW_TYPE` naming the column, as records with them would be refused.
 */
function readArrow(source: string, t: ArrowLikeTable, names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  const have = arrowColumnNames(t);
  for (const name of names) {
    if (!have.includes(name)) throw fail(source, 'E_FEATURE_MISSING', `the Arrow table has no column "${name}"; it has ${have.map((c) => `"${c}"`).join(', ') || 'none'}.`, name);
  }
  const spec: Record<string, 'number'> = {};
  for (const name of names) spec[name] = 'number';
  const cols = arrowColumns(source, t, spec, [], 'values');
  return readNamed(source, cols as Readonly<Record<string, unknown>>, names, policy);
}

function readRows(source: string, rows: readonly (readonly unknown[])[], names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  const n = rows.length;
  const p = names.length;
  const columns: Float64Array[] = [];
  for (let j = 0; j < p; j++) columns.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!Array.isArray(r)) throw fail(source, 'E_INPUT', `row ${i} is ${describeValue(r)}, not an array of numbers.`, 'X', i);
    if (r.length !== p) throw fail(source, 'E_RAGGED', `row ${i} has ${r.length} values but the model reads ${p} features; every row needs one value per feature.`, 'X', i);
    for (let j = 0; j < p; j++) {
      const v: unknown = r[j];
      columns[j]![i] = typeof v === 'number' && v - v === 0 ? v : value(source, v, policy, names[j]!, i);
    }
  }
  return { names, columns, n };
}

function readRecords(source: string, rows: readonly object[], names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  const n = rows.length;
  const p = names.length;
  const columns: Float64Array[] = [];
  for (let j = 0; j < p; j++) columns.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i] as Record<string, unknown> | null | undefined;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw fail(source, 'E_INPUT', `row ${i} is ${describeValue(r)}, not a record.`, 'X', i);
    for (let j = 0; j < p; j++) {
      const name = names[j]!;
      const v = r[name];
      if (v === undefined && !(name in r)) throw fail(source, 'E_FEATURE_MISSING', `row ${i} has no field "${name}".`, name, i);
      columns[j]![i] = typeof v === 'number' && v - v === 0 ? v : value(source, v, policy, name, i);
    }
  }
  return { names, columns, n };
}

function readColumns(source: string, cols: readonly unknown[], names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  if (cols.length !== names.length) {
    throw fail(source, 'E_SHAPE', `X has ${cols.length} columns but the model reads ${names.length} features; give one typed array per feature.`, 'X');
  }
  let n = -1;
  const columns = cols.map((c, j) => {
    if (!isNumericView(c)) throw fail(source, 'E_INPUT', `column ${j} is ${describeValue(c)}; columns must all be typed arrays.`, names[j]!);
    if (n < 0) n = c.length;
    else if (c.length !== n) throw fail(source, 'E_LENGTH', `column ${j} has ${c.length} values but column 0 has ${n}; every column needs one value per row.`, names[j]!);
    return column(source, c, c.length, names[j]!, policy);
  });
  if (n === 0) throw fail(source, 'E_EMPTY', 'X has no rows; give at least one.', 'X');
  return { names, columns, n };
}

/**
 * Reads the features of a fit: the names come from `featureNames`, the
 * record / column / table names, or `x0…` for positional input.
 */
export function readFitFeatures(source: string, X: FeatureInput, featureNames: readonly string[] | null, policy: MissingPolicy): FeatureMatrix {
  const shape = shapeOf(source, X);
  const given = featureNames === null ? null : checkNames(source, featureNames);
  switch (shape.kind) {
    case 'rows': {
      const first = shape.rows[0]!;
      const p = first.length;
      if (p === 0) throw fail(source, 'E_NO_FEATURES', 'row 0 has no values; give at least one feature.', 'X', 0);
      if (given !== null && given.length !== p) {
        throw fail(source, 'E_SHAPE', `featureNames has ${given.length} names but the rows have ${p} values.`, 'featureNames');
      }
      return readRows(source, shape.rows, given ?? Array.from({ length: p }, (_, j) => `x${j}`), policy);
    }
    case 'columns': {
      const p = shape.cols.length;
      if (given !== null && given.length !== p) {
        throw fail(source, 'E_SHAPE', `featureNames has ${given.length} names but X has ${p} columns.`, 'featureNames');
      }
      return readColumns(source, shape.cols, given ?? Array.from({ length: p }, (_, j) => `x${j}`), policy);
    }
    case 'records': {
      let names = given;
      if (names === null) {
        const first = shape.rows[0] as Record<string, unknown>;
        if (Array.isArray(first)) throw fail(source, 'E_INPUT', 'row 0 is an array, not a record.', 'X', 0);
        names = Object.keys(first);
        if (names.length === 0) throw fail(source, 'E_NO_FEATURES', 'record 0 has no fields; give at least one feature.', 'X', 0);
      }
      return readRecords(source, shape.rows, names, policy);
    }
    case 'named': {
      const names = given ?? Object.keys(shape.cols);
      if (names.length === 0) throw fail(source, 'E_NO_FEATURES', 'X has no columns; give at least one feature.', 'X');
      return readNamed(source, shape.cols, names, policy);
    }
    case 'table': {
      const names = given ?? [...shape.table.columnNames];
      if (names.length === 0) throw fail(source, 'E_NO_FEATURES', 'the table has no columns; give at least one feature.', 'X');
      return readTable(source, shape.table, names, policy);
    }
    case 'arrow': {
      const names = given ?? arrowColumnNames(shape.table);
      if (names.length === 0) throw fail(source, 'E_NO_FEATURES', 'the Arrow table has no columns; give at least one feature.', 'X');
      return readArrow(source, shape.table, names, policy);
    }
  }
}

/** Reads features to score with a fitted model: by name for records, named columns and tables; by position otherwise. */
export function readPredictFeatures(source: string, X: FeatureInput, names: readonly string[], policy: MissingPolicy): FeatureMatrix {
  const shape = shapeOf(source, X);
  switch (shape.kind) {
    case 'rows':
      return readRows(source, shape.rows, names, policy);
    case 'columns':
      return readColumns(source, shape.cols, names, policy);
    case 'records':
      return readRecords(source, shape.rows, names, policy);
    case 'named':
      return readNamed(source, shape.cols, names, policy);
    case 'table':
      return readTable(source, shape.table, names, policy);
    case 'arrow':
      return readArrow(source, shape.table, names, policy);
  }
}
