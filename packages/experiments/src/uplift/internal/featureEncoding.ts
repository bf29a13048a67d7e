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

/** Checks that `rows` is a non-empty array of plain objects. */
export function checkRows(source: string, given: unknown, field = 'rows'): readonly Record<string, unknown>[] {
  // An Arrow table is read as records (nulls as null, Timestamp/Date as epoch ms), then checked as records are.
  const rows = isArrowTable(given) ? arrowRecords(source, given) : given;
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_ROWS', `${source}: ${field} must be an array of records such as [{ recency: 3, channel: 'Web' }], got ${describe(rows)}.`, { source, field });
  }
  if (rows.length === 0) throw new ValidationError('E_EMPTY', `${source}: ${field} is empty; give at least one record.`, { source, field });
  for (let i = 0; i < rows.length; i++) {
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
 */
export function readTrainingFeatures(source: string, rows: readonly Record<string, unknown>[], features: readonly string[], allowMissing: boolean): { specs: FeatureSpec[]; cols: Float64Array[] } {
  return readCommonCase(rows, features) ?? readChecked(source, rows, features, allowMissing);
}

/**
 * The common case in one pass over the records, each record read once: every
 * cell of a feature is a finite number, or every cell is text, as in record
 * 0. Numbers and text codes go into one Float64Array (a column per feature);
 * text is then one-hot encoded. Null at the first cell that is anything else
 * (a boolean, a missing or non-finite value, a change of kind): the checked
 * reading then starts over, finds that cell and names it.
 */
function readCommonCase(rows: readonly Record<string, unknown>[], features: readonly string[]): { specs: FeatureSpec[]; cols: Float64Array[] } | null {
  const n = rows.length;
  const p = features.length;
  const first = rows[0]!;
  const text = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const v = first[features[j]!];
    if (typeof v === 'string') text[j] = 1;
    else if (typeof v !== 'number' || v - v !== 0) return null;
  }
  // Column j of the block holds feature j's numbers, or its text codes (indexes into seen[j], first-seen order).
  const block = new Float64Array(n * p);
  const index: Map<string, number>[] = [];
  const seen: string[][] = [];
  const last: (string | null)[] = [];
  const lastCode = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    index.push(new Map());
    seen.push([]);
    last.push(null);
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    for (let j = 0; j < p; j++) {
      const v = r[features[j]!];
      if (text[j] === 0) {
        if (typeof v !== 'number' || v - v !== 0) return null;
        block[j * n + i] = v;
        continue;
      }
      if (typeof v !== 'string') return null;
      if (v !== last[j]) {
        last[j] = v;
        let k = index[j]!.get(v);
        if (k === undefined) {
          k = seen[j]!.length;
          index[j]!.set(v, k);
          seen[j]!.push(v);
        }
        lastCode[j] = k;
      }
      block[j * n + i] = lastCode[j]!;
    }
  }
  const specs: FeatureSpec[] = [];
  const cols: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const name = features[j]!;
    const values = block.subarray(j * n, (j + 1) * n);
    if (text[j] === 0) {
      specs.push({ name, kind: 'numeric' });
      cols.push(values);
      continue;
    }
    const levels = [...seen[j]!].sort();
    const oneHot = new Float64Array(levels.length * n);
    // Start of each first-seen code's column in oneHot.
    const at = Float64Array.from(seen[j]!, (l) => levels.indexOf(l) * n);
    for (let i = 0; i < n; i++) oneHot[at[values[i]!]! + i] = 1;
    specs.push({ name, kind: 'categorical', levels });
    for (let k = 0; k < levels.length; k++) cols.push(oneHot.subarray(k * n, (k + 1) * n));
  }
  return { specs, cols };
}

/** Feature by feature, every cell checked: names the field and record at fault. */
function readChecked(source: string, rows: readonly Record<string, unknown>[], features: readonly string[], allowMissing: boolean): { specs: FeatureSpec[]; cols: Float64Array[] } {
  const n = rows.length;
  const specs: FeatureSpec[] = [];
  const cols: Float64Array[] = [];
  for (const name of features) {
    let kind: 'number' | 'boolean' | 'string' | undefined;
    let firstRow = -1;
    const values = new Float64Array(n);
    // Text: each record's level as an index into `seen` (first-seen order), sorted afterwards.
    let codes: Int32Array | null = null;
    const index = new Map<string, number>();
    const seen: string[] = [];
    let last: string | null = null;
    let lastCode = -1;
    for (let i = 0; i < n; i++) {
      const v = rows[i]![name];
      // The common case first: a finite number in a numeric feature (v − v is 0 only for finite v).
      if (kind === 'number' && typeof v === 'number' && v - v === 0) {
        values[i] = v;
        continue;
      }
      if (isMissing(v)) {
        if (!allowMissing || kind === 'string') throw missingError(source, name, i, v, kind === 'string');
        values[i] = NaN;
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
      }
      if (t === 'number') {
        if (!Number.isFinite(v)) throw new ValidationError('E_NOT_FINITE', `${source}: feature "${name}" is ${String(v)} in record ${i}; features must be finite.`, { source, field: name, row: i });
        values[i] = v as number;
      } else if (t === 'boolean') values[i] = v ? 1 : 0;
      else {
        codes ??= new Int32Array(n);
        if (v !== last) {
          last = v as string;
          let k = index.get(last);
          if (k === undefined) {
            k = seen.length;
            index.set(last, k);
            seen.push(last);
          }
          lastCode = k;
        }
        codes[i] = lastCode;
      }
    }
    if (kind === 'string') {
      // A missing text cell seen before the first text value.
      if (firstRow > 0) throw missingError(source, name, 0, rows[0]![name], true);
      const levels = [...seen].sort();
      const block = levels.map(() => new Float64Array(n));
      const column = seen.map((l) => block[levels.indexOf(l)]!);
      for (let i = 0; i < n; i++) column[codes![i]!]![i] = 1;
      specs.push({ name, kind: 'categorical', levels });
      cols.push(...block);
    } else {
      specs.push({ name, kind: 'numeric' });
      cols.push(values);
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
