import { Table, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, Id } from '@marksman/core';
import { isArrowTable } from '@marksman/core/internal';
import { describeValue, isId } from '../checks';

/**
 * Customer profiles as the segmentation functions read them: plain records
 * (one object per customer, feature name → number), a core `Table` with one
 * row per customer, or an Apache Arrow table (read as a `Table` is, through
 * `Table.fromArrow`: Timestamp/Date as epoch ms, a null as a missing number,
 * which features refuse; a text column named as a feature is `E_ARROW_TYPE`).
 */
export type ProfilesInput = readonly object[] | Table | ArrowLikeTable;

/** Arrow tables already read (one read per table, however many helpers see it), and the Tables made from them. */
const readArrow = new WeakMap<object, Table>();
const madeFromArrow = new WeakSet<Table>();

/** Profiles as records or a Table: an Arrow table becomes a Table (copied once, cached). */
function asProfiles(profiles: ProfilesInput): readonly object[] | Table {
  if (!isArrowTable(profiles)) return profiles as readonly object[] | Table;
  let t = readArrow.get(profiles);
  if (t === undefined) {
    t = Table.fromArrow(profiles);
    readArrow.set(profiles, t);
    madeFromArrow.add(t);
  }
  return t;
}

/** Numeric features read column by column (column-major, never written). @internal */
export interface FeatureColumns {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly n: number;
}

function fail(source: string, code: string, message: string, field?: string, row?: number): ValidationError {
  const where: { source: string; field?: string; row?: number } = { source };
  if (field !== undefined) where.field = field;
  if (row !== undefined) where.row = row;
  return new ValidationError(code, message, where);
}

/** Number of rows of profiles, after checking the container type. @internal */
export function profileCount(source: string, given: ProfilesInput, field = 'profiles'): number {
  const profiles = asProfiles(given);
  if (profiles instanceof Table) return profiles.numRows;
  if (!Array.isArray(profiles)) {
    throw fail(source, 'E_PROFILES_TYPE', `${source}: ${field} must be an array of records, a Table or an Arrow table, got ${describeValue(profiles)}.`, field);
  }
  return profiles.length;
}

/**
 * The feature names to use: the given list, or every numeric field of the
 * first record / numeric column of the table except `exclude`. @internal
 */
export function chooseFeatures(source: string, given: ProfilesInput, features: readonly string[] | null, exclude: readonly string[]): string[] {
  const profiles = asProfiles(given);
  if (profileCount(source, profiles) === 0) throw fail(source, 'E_EMPTY', `${source}: profiles has no rows; give at least one customer.`, 'profiles');
  if (features !== null) {
    if (!Array.isArray(features) || features.length === 0 || features.some((f) => typeof f !== 'string')) {
      throw fail(source, 'E_NO_FEATURES', `${source}: features must be a non-empty array of field names.`, 'features');
    }
    if (new Set(features).size !== features.length) {
      throw fail(source, 'E_NO_FEATURES', `${source}: features lists a name twice; give each feature once.`, 'features');
    }
    return [...features];
  }
  let names: string[];
  if (profiles instanceof Table) {
    names = profiles.columnNames.filter((c) => profiles.columnKind(c) !== 'values');
  } else {
    const first = (profiles as readonly object[])[0] as Record<string, unknown> | null | undefined;
    if (first === null || typeof first !== 'object') {
      throw fail(source, 'E_PROFILES_TYPE', `${source}: profiles row 0 is ${describeValue(first)}, not a record.`, 'profiles', 0);
    }
    names = Object.keys(first).filter((k) => typeof first[k] === 'number');
  }
  names = names.filter((c) => !exclude.includes(c));
  if (names.length === 0) {
    throw fail(source, 'E_NO_FEATURES', `${source}: found no numeric feature in the profiles; pass options.features with the names of numeric fields.`, 'features');
  }
  return names;
}

/**
 * Reads the named features as Float64Array columns; every value must be a
 * finite number. Input is copied, never written. @internal
 */
export function readFeatureColumns(source: string, given: ProfilesInput, names: readonly string[], field = 'profiles'): FeatureColumns {
  const profiles = asProfiles(given);
  const n = profileCount(source, profiles, field);
  if (n === 0) throw fail(source, 'E_EMPTY', `${source}: ${field} has no rows; give at least one customer.`, field);
  const columns: Float64Array[] = [];
  if (profiles instanceof Table) {
    for (const name of names) {
      if (!profiles.has(name)) {
        throw fail(source, 'E_FEATURE_MISSING', `${source}: ${field} has no column "${name}"; it has ${profiles.columnNames.map((c) => `"${c}"`).join(', ')}.`, name);
      }
      if (profiles.columnKind(name) === 'values') {
        if (madeFromArrow.has(profiles)) {
          throw fail(source, 'E_ARROW_TYPE', `${source}: Arrow column "${name}" of ${field} is not numeric; features must be Int or Float columns (cast it, or leave it out of options.features).`, name);
        }
        throw fail(source, 'E_NOT_FINITE', `${source}: column "${name}" of ${field} is not numeric; features must be numbers.`, name);
      }
      const src = profiles.numericColumn(name);
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        if (!Number.isFinite(v)) {
          throw fail(source, 'E_NOT_FINITE', `${source}: ${field} row ${i}, feature "${name}" is ${String(v)}; every feature must be a finite number (impute missing values first).`, name, i);
        }
        col[i] = v;
      }
      columns.push(col);
    }
    return { names, columns, n };
  }
  const rows = profiles as readonly object[];
  for (let j = 0; j < names.length; j++) columns.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i] as Record<string, unknown> | null | undefined;
    if (r === null || typeof r !== 'object') {
      throw fail(source, 'E_PROFILES_TYPE', `${source}: ${field} row ${i} is ${describeValue(r)}, not a record.`, field, i);
    }
    for (let j = 0; j < names.length; j++) {
      const name = names[j]!;
      const v = r[name];
      if (v === undefined && !(name in r)) {
        throw fail(source, 'E_FEATURE_MISSING', `${source}: ${field} row ${i} has no field "${name}".`, name, i);
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw fail(source, 'E_NOT_FINITE', `${source}: ${field} row ${i}, feature "${name}" is ${describeValue(v)}; every feature must be a finite number (impute missing values first).`, name, i);
      }
      columns[j]![i] = v;
    }
  }
  return { names, columns, n };
}

/** Reads the id field of every profile (non-empty strings or finite numbers, unique). @internal */
export function readIds(source: string, given: ProfilesInput, idField: string, field = 'profiles'): Id[] {
  const profiles = asProfiles(given);
  const n = profileCount(source, profiles, field);
  const out: Id[] = new Array<Id>(n);
  let col: ArrayLike<unknown> | null = null;
  if (profiles instanceof Table) {
    if (!profiles.has(idField)) {
      throw fail(source, 'E_FEATURE_MISSING', `${source}: ${field} has no id column "${idField}"; set options.idField.`, idField);
    }
    col = profiles.column(idField) as ArrayLike<unknown>;
  }
  const seen = new Set<Id>();
  for (let i = 0; i < n; i++) {
    const v = col !== null ? col[i] : ((profiles as readonly object[])[i] as Record<string, unknown> | null | undefined)?.[idField];
    if (!isId(v)) {
      throw fail(source, 'E_ID_TYPE', `${source}: ${field} row ${i} has ${idField} = ${describeValue(v)}; ids must be non-empty strings or finite numbers.`, idField, i);
    }
    if (seen.has(v)) throw fail(source, 'E_DUPLICATE_ID', `${source}: ${field} has ${idField} ${describeValue(v)} twice (row ${i}); give one profile per customer.`, idField, i);
    seen.add(v);
    out[i] = v;
  }
  return out;
}
