// Internal: user and item features for the learned models. A side (users or
// items) has one embedding table whose rows are: one row per known id (the
// id feature), then `buckets` rows for hashed categorical values, then one
// row per numeric field. An entity's input is the weighted sum of its rows
// (an embedding bag): id 1, each categorical value 1/(values in its field),
// each numeric field its standardised value. Unseen categorical values hash
// to a row like any other, so they never fail; unknown field names do.
import { ParseError, ValidationError } from '@marksman/core';
import type { Id } from '@marksman/core';

/** A feature value: a category (string or boolean), several categories, a number, or missing (null/undefined). */
export type FeatureValue = string | boolean | number | readonly string[] | null | undefined;

/** One field of a side's features, as learned at fit time. */
export interface FeatureField {
  /** The field name. */
  readonly name: string;
  /** `categorical` (strings, booleans, string arrays) or `numeric` (finite numbers). */
  readonly kind: 'categorical' | 'numeric';
  /** Mean of the numeric values at fit time (0 for categorical fields). */
  readonly mean: number;
  /** Standard deviation of the numeric values at fit time (1 when it was 0; 1 for categorical fields). */
  readonly std: number;
}

/** The serialised feature space of one side of a learned model. */
export interface FeatureSpaceJSON {
  /** The record key holding the id (`userId` or `itemId`). */
  readonly idKey: 'userId' | 'itemId';
  /** Rows for hashed categorical values. */
  readonly buckets: number;
  /** The fields, sorted by name. */
  readonly fields: readonly FeatureField[];
}

/** One entity's encoded features: rows relative to the feature block, their values, and the field (index in `fields`) of each. */
export interface EncodedFeatures {
  readonly rows: number[];
  readonly values: number[];
  readonly fields: number[];
}

function isId(v: unknown): v is Id {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) {
    h ^= s.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The smallest power of two ≥ x. */
function pow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Feature fields of one side, with the hashing and scaling learned at fit time. */
export class FeatureSpace {
  private constructor(
    readonly idKey: 'userId' | 'itemId',
    readonly buckets: number,
    readonly fields: readonly FeatureField[],
    private readonly byName: ReadonlyMap<string, number>,
  ) {}

  /** Rows of the feature block: hashed buckets, then one per numeric field. */
  get rows(): number {
    return this.buckets + this.numericCount;
  }

  private get numericCount(): number {
    return this.fields.filter((f) => f.kind === 'numeric').length;
  }

  /** An empty space (a side without features). */
  static empty(idKey: 'userId' | 'itemId'): FeatureSpace {
    return new FeatureSpace(idKey, 0, [], new Map());
  }

  /**
   * Learns fields, kinds and scaling from records; `buckets` 'auto' gives
   * the smallest power of two ≥ 2 × the distinct (field, value) pairs seen
   * (at least 16), capped at 2¹⁸.
   */
  static learn(source: string, field: string, records: readonly Record<string, unknown>[], idKey: 'userId' | 'itemId', buckets: number | 'auto'): FeatureSpace {
    if (!Array.isArray(records)) {
      throw new ValidationError('E_INPUT', `${source}: ${field} must be an array of { ${idKey}, …features } records.`, { source, field });
    }
    const kinds = new Map<string, 'categorical' | 'numeric'>();
    const sums = new Map<string, { n: number; sum: number; sq: number }>();
    const distinct = new Set<string>();
    const seen = new Set<Id>();
    for (let r = 0; r < records.length; r++) {
      const rec = records[r];
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
        throw new ValidationError('E_NOT_OBJECT', `${source}: ${field} row ${r} is not a { ${idKey}, …features } record.`, { source, field, row: r });
      }
      const id = rec[idKey];
      if (!isId(id)) {
        throw new ValidationError(id === undefined || id === null ? 'E_MISSING' : 'E_ID_TYPE', `${source}: ${field} row ${r} has ${idKey} ${JSON.stringify(id)}; ids must be non-empty strings or finite numbers.`, { source, field: idKey, row: r });
      }
      if (seen.has(id)) {
        throw new ValidationError('E_DUPLICATE_ID', `${source}: ${field} row ${r} repeats ${idKey} ${JSON.stringify(id)}; give each id's features once.`, { source, field: idKey, row: r });
      }
      seen.add(id);
      for (const [name, value] of Object.entries(rec)) {
        if (name === idKey || value === null || value === undefined) continue;
        const kind = kindOf(source, field, name, value, r);
        const prev = kinds.get(name);
        if (prev !== undefined && prev !== kind) {
          throw new ValidationError('E_FEATURE_TYPE', `${source}: ${field} row ${r}, field "${name}" is ${kind} but earlier rows made it ${prev}; keep one kind per field.`, { source, field: name, row: r });
        }
        kinds.set(name, kind);
        if (kind === 'numeric') {
          const s = sums.get(name) ?? { n: 0, sum: 0, sq: 0 };
          s.n++;
          s.sum += value as number;
          s.sq += (value as number) ** 2;
          sums.set(name, s);
        } else {
          for (const v of categories(value)) distinct.add(`${name}\u001f${v}`);
        }
      }
    }
    const names = [...kinds.keys()].sort();
    const fields: FeatureField[] = names.map((name) => {
      const kind = kinds.get(name)!;
      if (kind === 'categorical') return { name, kind, mean: 0, std: 1 };
      const s = sums.get(name)!;
      const mean = s.sum / s.n;
      const variance = Math.max(0, s.sq / s.n - mean * mean);
      const std = variance > 0 ? Math.sqrt(variance) : 1;
      return { name, kind, mean, std };
    });
    const hasCategorical = fields.some((f) => f.kind === 'categorical');
    const b = !hasCategorical ? 0 : buckets === 'auto' ? Math.min(1 << 18, Math.max(16, pow2(2 * distinct.size))) : buckets;
    return new FeatureSpace(idKey, b, fields, new Map(names.map((n, k) => [n, k])));
  }

  /** Restores a space from {@link FeatureSpace.toJSON}, checking its structure (`E_MODEL_JSON`). */
  static fromJSON(json: FeatureSpaceJSON, source = 'fromJSON', field = 'features'): FeatureSpace {
    const bad = (what: string): never => {
      throw new ParseError('E_MODEL_JSON', `${source}: a feature space in the snapshot is damaged (${what}).`, { source, field });
    };
    if (json === null || typeof json !== 'object') bad('not an object');
    if (json.idKey !== 'userId' && json.idKey !== 'itemId') bad('idKey');
    if (!Number.isInteger(json.buckets) || json.buckets < 0 || json.buckets > 1 << 24) bad('buckets');
    if (!Array.isArray(json.fields)) bad('fields');
    const names = new Set<string>();
    for (const f of json.fields) {
      if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || names.has(f.name)) bad('field names');
      if (f.kind !== 'categorical' && f.kind !== 'numeric') bad(`kind of ${f.name}`);
      if (!Number.isFinite(f.mean) || !Number.isFinite(f.std) || !(f.std > 0)) bad(`scaling of ${f.name}`);
      names.add(f.name);
    }
    if (json.fields.some((f) => f.kind === 'categorical') && json.buckets < 1) bad('buckets');
    return new FeatureSpace(json.idKey, json.buckets, json.fields.map((f) => ({ name: f.name, kind: f.kind, mean: f.mean, std: f.std })), new Map(json.fields.map((f, k) => [f.name, k])));
  }

  /** A plain copy for `toJSON`. */
  toJSON(): FeatureSpaceJSON {
    return { idKey: this.idKey, buckets: this.buckets, fields: this.fields.map((f) => ({ ...f })) };
  }

  /**
   * Encodes one record's features (its id key is ignored): rows within the
   * feature block, their values and the field each came from (its index in
   * `fields`: a hashed row may be shared by values of several fields, so the
   * field-aware factorization machine needs it). Throws for unknown fields
   * and for values of the wrong kind.
   */
  encode(source: string, field: string, rec: Readonly<Record<string, unknown>>, row: number): EncodedFeatures {
    const rows: number[] = [];
    const values: number[] = [];
    const fields: number[] = [];
    let numericSlot = 0;
    const slotOf = new Map<string, number>();
    for (const f of this.fields) if (f.kind === 'numeric') slotOf.set(f.name, numericSlot++);
    for (const [name, value] of Object.entries(rec)) {
      if (name === this.idKey || value === null || value === undefined) continue;
      const k = this.byName.get(name);
      if (k === undefined) {
        const known = this.fields.map((f) => f.name);
        throw new ValidationError('E_FEATURE_UNKNOWN', `${source}: ${field} row ${row} has field "${name}", which the model was not fitted with (known: ${known.length > 0 ? known.join(', ') : 'none'}).`, { source, field: name, row });
      }
      const spec = this.fields[k]!;
      const kind = kindOf(source, field, name, value, row);
      if (kind !== spec.kind) {
        throw new ValidationError('E_FEATURE_TYPE', `${source}: ${field} row ${row}, field "${name}" must be ${spec.kind} as at fit time, got ${JSON.stringify(value)}.`, { source, field: name, row });
      }
      if (kind === 'numeric') {
        rows.push(this.buckets + slotOf.get(name)!);
        values.push(((value as number) - spec.mean) / spec.std);
        fields.push(k);
      } else {
        const cats = categories(value);
        for (const c of cats) {
          rows.push(fnv1a(`${name}\u001f${c}`) % this.buckets);
          values.push(1 / cats.length);
          fields.push(k);
        }
      }
    }
    return { rows, values, fields };
  }

  /**
   * The field of a row of the feature block when the row alone tells it (a
   * numeric field's row), else -1 (a hashed row): what old snapshots, which
   * did not record fields, can be read back with.
   */
  fieldOfRow(row: number): number {
    if (row < this.buckets) return -1;
    let slot = row - this.buckets;
    for (let k = 0; k < this.fields.length; k++) {
      if (this.fields[k]!.kind !== 'numeric') continue;
      if (slot === 0) return k;
      slot--;
    }
    return -1;
  }
}

function kindOf(source: string, field: string, name: string, value: unknown, row: number): 'categorical' | 'numeric' {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValidationError('E_FEATURE_NUMBER', `${source}: ${field} row ${row}, field "${name}" is ${String(value)}; numeric features must be finite (leave it out or use null when it is missing).`, { source, field: name, row });
    }
    return 'numeric';
  }
  if (typeof value === 'string' || typeof value === 'boolean') return 'categorical';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return 'categorical';
  throw new ValidationError('E_FEATURE_TYPE', `${source}: ${field} row ${row}, field "${name}" is ${JSON.stringify(value)}; a feature is a string, boolean, array of strings, finite number, or null.`, { source, field: name, row });
}

function categories(value: unknown): string[] {
  if (Array.isArray(value)) return [...new Set(value as string[])];
  return [String(value)];
}
