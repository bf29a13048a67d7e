// Internal: the two sides (users, items) of a learned model: which ids have
// an id row in the side's embedding table, the feature space, and each
// entity's input as compressed rows (table rows, their values, and the field
// each entry belongs to: 0 for the id, 1 + k for the k-th feature field).
import { ParseError } from '@marksman/core';
import type { Id, Random } from '@marksman/core';
import { FeatureSpace } from './features';
import type { FeatureSpaceJSON } from './features';

/** Every entity's input rows as CSR: entity e uses rows[indptr[e], indptr[e+1]) with values. */
export interface SideInputsJSON {
  /** Entity e's entries are [indptr[e], indptr[e + 1]). */
  readonly indptr: readonly number[];
  /** Table row of each entry. */
  readonly rows: readonly number[];
  /** Value of each entry. */
  readonly values: readonly number[];
  /**
   * Field of each entry: 0 for the id row, 1 + k for the side's k-th feature
   * field (absent in snapshots written before fields were recorded).
   */
  readonly fields?: readonly number[];
}

/** The serialised form of one side (users or items) of a learned model. */
export interface SideJSON {
  /** Entities with an id row (those in the training interactions). */
  readonly idRows: number;
  /** The side's feature space. */
  readonly features: FeatureSpaceJSON;
  /** Every entity's input rows. */
  readonly inputs: SideInputsJSON;
}

/** One batch's flattened inputs for a list of entities. */
export interface BagAssembly {
  /** Table row of each entry. */
  readonly rows: Int32Array;
  /** Value of each entry. */
  readonly values: Float32Array;
  /** Position (in the entity list) of each entry's entity. */
  readonly segments: Int32Array;
  /** Field of each entry: 0 for the id row, 1 + k for the k-th feature field (-1: unknown, from an old snapshot). */
  readonly fields: Int32Array;
}

/** One side of a learned model. */
export class Side {
  private indptr: number[];
  private rowsList: number[];
  private valuesList: number[];
  private fieldsList: number[];

  constructor(
    /** Entities 0 … idRows − 1 have an id row (those seen in the training interactions). */
    readonly idRows: number,
    readonly features: FeatureSpace,
    indptr: number[],
    rows: number[],
    values: number[],
    fields: number[],
  ) {
    this.indptr = indptr;
    this.rowsList = rows;
    this.valuesList = values;
    this.fieldsList = fields;
  }

  /** Rows of the side's embedding table: id rows, then the feature block. */
  get tableRows(): number {
    return this.idRows + this.features.rows;
  }

  /** Entities with inputs. */
  get entities(): number {
    return this.indptr.length - 1;
  }

  /** True when the side has feature fields (beyond ids). */
  get hasFeatures(): boolean {
    return this.features.fields.length > 0;
  }

  /**
   * Builds the inputs of `ids` (the catalogue, in index order): the id row
   * for the first `idRows`, plus each entity's encoded features from
   * `records` (by id; entities without a record have none).
   */
  static build(source: string, field: string, ids: readonly Id[], idRows: number, space: FeatureSpace, records: readonly Record<string, unknown>[] | undefined): { side: Side; withoutFeatures: number } {
    const byId = new Map<Id, number>();
    if (records !== undefined) records.forEach((r, k) => byId.set(r[space.idKey] as Id, k));
    const indptr = [0];
    const rows: number[] = [];
    const values: number[] = [];
    const fields: number[] = [];
    let withoutFeatures = 0;
    for (let e = 0; e < ids.length; e++) {
      if (e < idRows) {
        rows.push(e);
        values.push(1);
        fields.push(0);
      }
      const k = byId.get(ids[e]!);
      if (k === undefined) {
        withoutFeatures++;
      } else {
        const enc = space.encode(source, field, records![k]!, k);
        for (let t = 0; t < enc.rows.length; t++) {
          rows.push(idRows + enc.rows[t]!);
          values.push(enc.values[t]!);
          fields.push(1 + enc.fields[t]!);
        }
      }
      indptr.push(rows.length);
    }
    return { side: new Side(idRows, space, indptr, rows, values, fields), withoutFeatures };
  }

  /** Restores a side from {@link Side.toJSON}, checking its structure. */
  static fromJSON(source: string, json: SideJSON, entities: number, field = 'sides'): Side {
    const bad = (what: string, part: string): never => {
      throw new ParseError('E_MODEL_JSON', `${source}: the snapshot's sides are inconsistent (${what}).`, { source, field: `${field}.${part}` });
    };
    if (json === null || typeof json !== 'object' || json.inputs === null || typeof json.inputs !== 'object') bad('missing', 'inputs');
    const { indptr, rows, values } = json.inputs;
    if (!Array.isArray(indptr) || !Array.isArray(rows) || !Array.isArray(values) || indptr.length !== entities + 1 || rows.length !== values.length) bad('array lengths', 'inputs');
    if (!Number.isInteger(json.idRows) || json.idRows < 0 || json.idRows > entities) bad('idRows', 'idRows');
    const space = FeatureSpace.fromJSON(json.features, source, `${field}.features`);
    const limit = json.idRows + space.rows;
    for (let e = 0; e < entities; e++) if (!(indptr[e]! <= indptr[e + 1]!)) bad('indptr not monotonic', 'inputs.indptr');
    if (indptr[0] !== 0 || indptr[entities] !== rows.length) bad('indptr bounds', 'inputs.indptr');
    for (const r of rows) if (!Number.isInteger(r) || r < 0 || r >= limit) bad('row out of range', 'inputs.rows');
    for (const v of values) if (typeof v !== 'number' || !Number.isFinite(v)) bad('non-finite value', 'inputs.values');
    let fields: number[];
    if (json.inputs.fields === undefined) {
      // Written before fields were recorded: the id rows and numeric rows tell theirs, hashed rows do not (-1).
      fields = rows.map((r) => {
        if (r < json.idRows) return 0;
        const f = space.fieldOfRow(r - json.idRows);
        return f < 0 ? -1 : 1 + f;
      });
    } else {
      const f = json.inputs.fields;
      if (!Array.isArray(f) || f.length !== rows.length) bad('array lengths', 'inputs.fields');
      for (let t = 0; t < f.length; t++) {
        const ok = Number.isInteger(f[t]) && (rows[t]! < json.idRows ? f[t] === 0 : f[t]! >= 1 && f[t]! <= space.fields.length);
        if (!ok) bad('field out of range', 'inputs.fields');
      }
      fields = f.slice();
    }
    return new Side(json.idRows, space, indptr.slice(), rows.slice(), values.slice(), fields);
  }

  /** A plain copy for `toJSON`. */
  toJSON(): SideJSON {
    return { idRows: this.idRows, features: this.features.toJSON(), inputs: { indptr: this.indptr.slice(), rows: this.rowsList.slice(), values: this.valuesList.slice(), fields: this.fieldsList.slice() } };
  }

  /** The input rows, values and fields of entity e. */
  input(e: number): { rows: number[]; values: number[]; fields: number[] } {
    const a = this.indptr[e]!;
    const b = this.indptr[e + 1]!;
    return { rows: this.rowsList.slice(a, b), values: this.valuesList.slice(a, b), fields: this.fieldsList.slice(a, b) };
  }

  /** True when every entry's field is known (false for some snapshots written before fields were recorded). */
  get fieldsKnown(): boolean {
    return this.fieldsList.every((f) => f >= 0);
  }

  /** Appends an entity without an id row; its input is its encoded features (`fields`: each entry's feature field index). Returns its index. */
  append(rows: readonly number[], values: readonly number[], fields: readonly number[]): number {
    for (let t = 0; t < rows.length; t++) {
      this.rowsList.push(this.idRows + rows[t]!);
      this.valuesList.push(values[t]!);
      this.fieldsList.push(1 + fields[t]!);
    }
    this.indptr.push(this.rowsList.length);
    return this.indptr.length - 2;
  }

  /**
   * Flattens the inputs of `entities` for one batch. With `dropId` > 0 and
   * feature fields present, each entity's id row is left out with that
   * probability (drawn from `rng`), so the features learn to stand in for
   * the id: what lets the model serve entities it has no id row for.
   */
  assemble(entities: Int32Array, dropId: number, rng: Random | null): BagAssembly {
    let n = 0;
    for (let t = 0; t < entities.length; t++) n += this.indptr[entities[t]! + 1]! - this.indptr[entities[t]!]!;
    const rows = new Int32Array(n);
    const values = new Float32Array(n);
    const segments = new Int32Array(n);
    const fields = new Int32Array(n);
    const drop = dropId > 0 && rng !== null && this.hasFeatures;
    let w = 0;
    for (let t = 0; t < entities.length; t++) {
      const e = entities[t]!;
      const a = this.indptr[e]!;
      const b = this.indptr[e + 1]!;
      const skipId = drop && e < this.idRows && b - a > 1 && rng!.next() < dropId;
      for (let q = a; q < b; q++) {
        if (skipId && q === a) continue;
        rows[w] = this.rowsList[q]!;
        values[w] = this.valuesList[q]!;
        fields[w] = this.fieldsList[q]!;
        segments[w] = t;
        w++;
      }
    }
    return { rows: rows.subarray(0, w), values: values.subarray(0, w), segments: segments.subarray(0, w), fields: fields.subarray(0, w) };
  }
}

/** Builds a side's feature space from records (or an empty one). */
export function learnSpace(source: string, field: string, records: readonly Record<string, unknown>[] | undefined, idKey: 'userId' | 'itemId', buckets: number | 'auto'): FeatureSpace {
  return records === undefined ? FeatureSpace.empty(idKey) : FeatureSpace.learn(source, field, records, idKey, buckets);
}
