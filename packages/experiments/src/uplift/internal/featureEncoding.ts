import { ValidationError } from '@marksman/core';
import { arrowRecords, isArrowTable } from '@marksman/core/internal';

// Turns the feature fields of plain records into numeric columns for the
// learners: numbers (and booleans, as 0/1) are used as they are; text is
// one-hot encoded with one column per level seen at fit time (levels sorted,
// none dropped), so a level unseen at fit time reads as all zeros, as
// scikit-learn's OneHotEncoder(handle_unknown='ignore').

/** How one input field becomes model columns. */
export type FeatureSpec =
  | { readonly name: string; readonly kind: 'numeric' }
  | { readonly name: string; readonly kind: 'categorical'; readonly levels: readonly string[] };

const describe = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : String(v));

/** Whether a cell counts as missing: absent, null or NaN. */
const isMissing = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));

/**
 * Checks that `rows` is a non-empty array of plain objects (with `each` false, only that it is a non-empty array:
 * the caller checks each record as it visits it, and calls this again with `each` for the error).
 */
export function checkRows(source: string, given: unknown, field = 'rows', each = true): readonly Record<string, unknown>[] {
  // An Arrow table is read as records (nulls as null, Timestamp/Date as epoch ms), then checked as records are.
  const rows = isArrowTable(given) ? arrowRecords(source, given) : given;
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_ROWS', `${source}: ${field} must be an array of records such as [{ recency: 3, channel: 'Web' }], got ${describe(rows)}.`, { source, field });
  }
  if (rows.length === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} is empty; give at least one record.`, { source, field });
  for (let i = 0; each && i < rows.length; i++) {
    const r: unknown = rows[i];
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new ValidationError('E_ROWS', `${source}: record ${i} of ${field} is ${describe(r)}, not an object with the feature fields.`, { source, field, row: i });
    }
  }
  return rows as readonly Record<string, unknown>[];
}

function missingError(source: string, name: string, row: number, v: unknown, text: boolean): ValidationError {
  const what = v === undefined ? 'missing' : Number.isNaN(v) ? 'NaN' : 'null';
  const hint = text
    ? 'text features cannot be missing: fill them (for example with "unknown")'
    : "impute missing values first, or use learner 'gbm', which reads NaN and null in numeric features as missing";
  return new ValidationError(what === 'NaN' ? 'E_NAN' : 'E_MISSING', `${source}: feature "${name}" is ${what} in record ${row}; ${hint}.`, { source, field: name, row });
}

/**
 * Reads the kind of each feature from the training records and encodes them
 * in the same pass over each feature's cells: a feature is numeric when its
 * values are finite numbers (or all booleans), categorical when they are
 * strings (one column per level, levels sorted). Mixed kinds, ±Infinity and
 * (unless `allowMissing`) missing cells are refused with the field and
 * record at fault; missing numeric cells become NaN when `allowMissing`.
 * Record i's values go to row `at[i]` of the columns (a permutation of the
 * rows, e.g. grouped by arm), or to row i when `at` is null; each column (n
 * zeros) comes from `column`.
 */
export function readTrainingFeatures(
  source: string,
  rows: readonly Record<string, unknown>[],
  features: readonly string[],
  allowMissing: boolean,
  at: Int32Array | null = null,
  column: (n: number) => Float64Array = newColumn,
): { specs: FeatureSpec[]; cols: Float64Array[] } {
  return readCommonCase(rows, features, at, column) ?? readChecked(source, rows, features, allowMissing, at, column);
}

function newColumn(n: number): Float64Array {
  return new Float64Array(n);
}

/**
 * A categorical feature's one-hot columns, made while reading: a column per
 * level in first-seen order (made when the level is first seen), then put in
 * sorted level order.
 */
class OneHot {
  readonly #index = new Map<string, number>();
  readonly #seen: string[] = [];
  readonly #cols: Float64Array[] = [];
  #last: string | null = null;
  #lastCol: Float64Array | null = null;

  constructor(
    readonly n: number,
    readonly column: (n: number) => Float64Array,
  ) {}

  /** Sets row `row` of level `v`'s column to 1. */
  set(v: string, row: number): void {
    if (v !== this.#last) {
      let k = this.#index.get(v);
      if (k === undefined) {
        k = this.#seen.length;
        this.#index.set(v, k);
        this.#seen.push(v);
        this.#cols.push(this.column(this.n));
      }
      this.#last = v;
      this.#lastCol = this.#cols[k]!;
    }
    this.#lastCol![row] = 1;
  }

  /** The levels (sorted) and their columns in that order. */
  finish(): { levels: string[]; cols: Float64Array[] } {
    const levels = [...this.#seen].sort();
    return { levels, cols: levels.map((l) => this.#cols[this.#index.get(l)!]!) };
  }
}

/** A label cell the one-pass reading accepts. */
type Label = string | number | boolean;

/** What the one-pass reading gives: the encoded fields and, with a label field, each record's label code. */
export interface CommonCase {
  readonly specs: FeatureSpec[];
  readonly cols: Float64Array[];
  /** Record i's label is labels[labelCodes[i]] (null without a label field). */
  readonly labelCodes: Int32Array | null;
  /** The labels in first-seen order. */
  readonly labels: Label[];
}

/**
 * Record `r`'s field `name`, read through property-load site number `site`.
 * A load `r[name]` whose name changes from call to call is slow (the engine
 * looks the name up for every record), while one that always sees the same
 * name is specialised to that name and costs about as much as `r.recency`.
 * So each of the first 12 fields of a fit reads its cells through a
 * case of its own; fields beyond share the last.
 */
function cellAt(r: Record<string, unknown>, name: string, site: number): unknown {
  switch (site) {
    case 0:
      return r[name];
    case 1:
      return r[name];
    case 2:
      return r[name];
    case 3:
      return r[name];
    case 4:
      return r[name];
    case 5:
      return r[name];
    case 6:
      return r[name];
    case 7:
      return r[name];
    case 8:
      return r[name];
    case 9:
      return r[name];
    case 10:
      return r[name];
    case 11:
      return r[name];
    default:
      return r[name];
  }
}

/**
 * The common case in one pass over the records, each record visited once (a
 * pass over records scattered in memory costs a cache miss per record, more
 * than reading its fields): every cell of a field is a finite number, or
 * every cell is text, as in record 0. Numbers go straight into their column,
 * text into its level's one-hot column (a column per level in first-seen
 * order, found again only when the level changes from the record before).
 * Each field is read through a load site of its own (see `cellAt`). Null at
 * the first cell that is anything else (a boolean, a missing or non-finite
 * value, a change of kind): the checked reading then starts over, finds that
 * cell and names it. Record i goes to row `at[i]` (row i when null).
 *
 * With `labelField`, the same pass also checks that every record is one
 * (an object) and reads each record's label there: text, finite numbers or
 * booleans, all of record 0's type (else null), coded in first-seen order.
 */
export function readCommonCase(
  rows: readonly Record<string, unknown>[],
  fields: readonly string[],
  at: Int32Array | null,
  column: (n: number) => Float64Array,
  labelField: string | null = null,
): CommonCase | null {
  const n = rows.length;
  const p = fields.length;
  const first: unknown = rows[0];
  if (labelField !== null && !isRecord(first)) return null;
  const f0 = first as Record<string, unknown>;
  // With a label field: each record's label as a code into `labels` (first-seen order), all of record 0's type.
  const labelCodes = labelField === null ? null : new Int32Array(n);
  const labels: Label[] = [];
  const labelIndex = new Map<Label, number>();
  const labelType = labelField === null ? '' : typeof f0[labelField];
  if (labelField !== null && labelType !== 'string' && labelType !== 'number' && labelType !== 'boolean') return null;
  // No cell is this object, so record 0's label is always read.
  let lastLabel: unknown = labelIndex;
  let lastLabelCode = -1;
  // Per field: its column (numbers), or (text) its levels' columns, a Map from level to index, and the last level.
  const numeric: (Float64Array | null)[] = [];
  const index: (Map<string, number> | null)[] = [];
  const seen: string[][] = [];
  const levelCols: Float64Array[][] = [];
  const last: unknown[] = [];
  const lastCol: (Float64Array | null)[] = [];
  for (let j = 0; j < p; j++) {
    const v = f0[fields[j]!];
    const text = typeof v === 'string';
    if (!text && (typeof v !== 'number' || v - v !== 0)) return null;
    numeric.push(text ? null : column(n));
    index.push(text ? new Map() : null);
    seen.push([]);
    levelCols.push([]);
    last.push(undefined);
    lastCol.push(null);
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const row = at === null ? i : at[i]!;
    if (labelCodes !== null) {
      if (!isRecord(r)) return null;
      const v = r[labelField!];
      if (v !== lastLabel) {
        const k = codeLabel(v, labelType, labelIndex, labels);
        if (k < 0) return null;
        lastLabel = v;
        lastLabelCode = k;
      }
      labelCodes[i] = lastLabelCode;
    }
    for (let j = 0; j < p; j++) {
      const v = cellAt(r, fields[j]!, j);
      const col = numeric[j];
      if (col) {
        if (typeof v !== 'number' || v - v !== 0) return null;
        col[row] = v;
        continue;
      }
      if (v !== last[j]) {
        if (typeof v !== 'string') return null;
        let k = index[j]!.get(v);
        if (k === undefined) {
          k = seen[j]!.length;
          index[j]!.set(v, k);
          seen[j]!.push(v);
          levelCols[j]!.push(column(n));
        }
        last[j] = v;
        lastCol[j] = levelCols[j]![k]!;
      }
      lastCol[j]![row] = 1;
    }
  }
  const specs: FeatureSpec[] = [];
  const cols: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const name = fields[j]!;
    const col = numeric[j];
    if (col) {
      specs.push({ name, kind: 'numeric' });
      cols.push(col);
    } else {
      const levels = [...seen[j]!].sort();
      specs.push({ name, kind: 'categorical', levels });
      for (const l of levels) cols.push(levelCols[j]![index[j]!.get(l)!]!);
    }
  }
  return { specs, cols, labelCodes, labels };
}

/**
 * The label half of {@link readCommonCase}, as a pass of its own over the records (one field each, so cheap beside
 * the feature pass): every record an object and its label text, a finite number or a boolean, all of record 0's
 * type, coded in first-seen order; null at the first record that is not, for the checked reading to name it.
 * Reading the labels first lets the caller lay out the rows (e.g. grouped by arm) before the feature pass writes
 * them.
 */
export function readLabels(rows: readonly Record<string, unknown>[], labelField: string): { labelCodes: Int32Array; labels: Label[] } | null {
  const n = rows.length;
  const first: unknown = rows[0];
  if (!isRecord(first)) return null;
  const labelType = typeof first[labelField];
  if (labelType !== 'string' && labelType !== 'number' && labelType !== 'boolean') return null;
  const labelCodes = new Int32Array(n);
  const labels: Label[] = [];
  const labelIndex = new Map<Label, number>();
  // No cell is this object, so record 0's label is always read.
  let lastLabel: unknown = labelIndex;
  let lastLabelCode = -1;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!isRecord(r)) return null;
    const v = r[labelField];
    if (v !== lastLabel) {
      const k = codeLabel(v, labelType, labelIndex, labels);
      if (k < 0) return null;
      lastLabel = v;
      lastLabelCode = k;
    }
    labelCodes[i] = lastLabelCode;
  }
  return { labelCodes, labels };
}

/**
 * The code of label `v` in first-seen order (added to `labelIndex` and `labels` when new), or −1 when it is not of
 * `labelType` or is a number that is not finite.
 */
function codeLabel(v: unknown, labelType: string, labelIndex: Map<Label, number>, labels: Label[]): number {
  if (typeof v !== labelType || (typeof v === 'number' && v - v !== 0)) return -1;
  let k = labelIndex.get(v as Label);
  if (k === undefined) {
    k = labels.length;
    labelIndex.set(v as Label, k);
    labels.push(v as Label);
  }
  return k;
}

/** A record: an object that is not null or an array. */
function isRecord(r: unknown): r is Record<string, unknown> {
  return typeof r === 'object' && r !== null && !Array.isArray(r);
}

/** Feature by feature, every cell checked: names the field and record at fault. */
function readChecked(
  source: string,
  rows: readonly Record<string, unknown>[],
  features: readonly string[],
  allowMissing: boolean,
  at: Int32Array | null,
  column: (n: number) => Float64Array,
): { specs: FeatureSpec[]; cols: Float64Array[] } {
  const n = rows.length;
  const specs: FeatureSpec[] = [];
  const cols: Float64Array[] = [];
  for (const name of features) {
    let kind: 'number' | 'boolean' | 'string' | undefined;
    let firstRow = -1;
    // Numbers and booleans: the column; text: its one-hot columns (the numeric column is then not used).
    let values: Float64Array | null = null;
    let oneHot: OneHot | null = null;
    for (let i = 0; i < n; i++) {
      const v = rows[i]![name];
      const row = at === null ? i : at[i]!;
      // The common case first: a finite number in a numeric feature (v − v is 0 only for finite v).
      if (kind === 'number' && typeof v === 'number' && v - v === 0) {
        values![row] = v;
        continue;
      }
      if (isMissing(v)) {
        if (!allowMissing || kind === 'string') throw missingError(source, name, i, v, kind === 'string');
        (values ??= column(n))[row] = NaN;
        continue;
      }
      const t = typeof v;
      if (t !== kind) {
        if (t !== 'number' && t !== 'boolean' && t !== 'string') {
          throw new ValidationError('E_FEATURE_TYPE', `${source}: feature "${name}" is ${describe(v)} in record ${i}; features must be numbers, booleans or text.`, { source, field: name, row: i });
        }
        if (t === 'number' && !Number.isFinite(v)) {
          throw new ValidationError('E_NOT_FINITE', `${source}: feature "${name}" is ${String(v)} in record ${i}; features must be finite.`, { source, field: name, row: i });
        }
        if (kind !== undefined) {
          throw new ValidationError('E_MIXED_TYPES', `${source}: feature "${name}" is ${describe(v)} (${t}) in record ${i} but a ${kind} in record ${firstRow}; give one kind of value per feature.`, { source, field: name, row: i });
        }
        kind = t as 'number' | 'boolean' | 'string';
        firstRow = i;
        if (kind !== 'string') values ??= column(n);
      }
      if (t === 'number') {
        if (!Number.isFinite(v)) throw new ValidationError('E_NOT_FINITE', `${source}: feature "${name}" is ${String(v)} in record ${i}; features must be finite.`, { source, field: name, row: i });
        values![row] = v as number;
      } else if (t === 'boolean') values![row] = v ? 1 : 0;
      else (oneHot ??= new OneHot(n, column)).set(v as string, row);
    }
    if (kind === 'string') {
      // A missing text cell seen before the first text value.
      if (firstRow > 0) throw missingError(source, name, 0, rows[0]![name], true);
      const { levels, cols: block } = oneHot!.finish();
      specs.push({ name, kind: 'categorical', levels });
      cols.push(...block);
    } else {
      specs.push({ name, kind: 'numeric' });
      // Every cell missing (allowed): a column of NaN.
      cols.push(values ?? column(n).fill(NaN));
    }
  }
  return { specs, cols };
}

/** Model column names: a numeric feature keeps its name, a categorical one gives `name=level` per level. */
export function encodedNames(specs: readonly FeatureSpec[]): string[] {
  const out: string[] = [];
  for (const s of specs) {
    if (s.kind === 'numeric') out.push(s.name);
    else for (const level of s.levels) out.push(`${s.name}=${level}`);
  }
  return out;
}

/**
 * Encodes records into model columns (one Float64Array per column). Values
 * of the wrong kind are refused; missing numeric cells become NaN when
 * `allowMissing`, else are refused.
 */
export function encodeFeatures(source: string, rows: readonly Record<string, unknown>[], specs: readonly FeatureSpec[], allowMissing: boolean, field = 'rows'): Float64Array[] {
  const n = rows.length;
  const cols: Float64Array[] = [];
  for (const s of specs) {
    if (s.kind === 'numeric') {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![s.name];
        if (isMissing(v)) {
          if (!allowMissing) throw missingError(source, s.name, i, v, false);
          col[i] = NaN;
        } else if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw new ValidationError('E_NOT_FINITE', `${source}: feature "${s.name}" is ${String(v)} in record ${i} of ${field}; features must be finite.`, { source, field: s.name, row: i });
          col[i] = v;
        } else if (typeof v === 'boolean') {
          col[i] = v ? 1 : 0;
        } else {
          throw new ValidationError('E_FEATURE_TYPE', `${source}: feature "${s.name}" is ${describe(v)} in record ${i} of ${field}; the model learned it as a number.`, { source, field: s.name, row: i });
        }
      }
      cols.push(col);
    } else {
      const index = new Map(s.levels.map((l, k) => [l, k] as const));
      const block = s.levels.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const v = rows[i]![s.name];
        if (isMissing(v)) throw missingError(source, s.name, i, v, true);
        if (typeof v !== 'string') {
          throw new ValidationError('E_FEATURE_TYPE', `${source}: feature "${s.name}" is ${describe(v)} in record ${i} of ${field}; the model learned it as text (one of ${s.levels.map((l) => `"${l}"`).join(', ')}).`, { source, field: s.name, row: i });
        }
        const k = index.get(v);
        if (k !== undefined) block[k]![i] = 1;
      }
      cols.push(...block);
    }
  }
  return cols;
}
