import { ValidationError } from '@marksman/core';
import type { ArrowLikeTable } from '@marksman/core';
import { baseModelFromJSON } from './internal/baseLearners';
import type { BaseModel, BaseModelJSON } from './internal/baseLearners';
import { checkRows, encodeFeatures, encodedNames } from './internal/featureEncoding';
import type { FeatureSpec } from './internal/featureEncoding';
import type { UpliftArm, UpliftFeature, UpliftLearner, UpliftMethod } from './upliftTypes';

/** The plain-object form of a fitted {@link UpliftModel}. */
export interface UpliftModelJSON {
  /** Format tag. */
  readonly type: 'marksman.UpliftModel';
  /** Format version. */
  readonly version: 1;
  /** How the model was built. */
  readonly method: UpliftMethod;
  /** Base learner family. */
  readonly learner: UpliftLearner;
  /** `'binary'` (0/1 outcome, classifiers) or `'continuous'` (regressors). */
  readonly outcomeKind: 'binary' | 'continuous';
  /** Name of the treatment field. */
  readonly treatment: string;
  /** Name of the outcome field. */
  readonly outcome: string;
  /** The control arm's label. */
  readonly control: UpliftArm;
  /** The treated arms' labels, in the order of `predictAll`. */
  readonly arms: UpliftArm[];
  /** How each feature field is encoded. */
  readonly features: UpliftFeature[];
  /** X-learner: share of each arm in its comparison with control (the propensity weight); otherwise `null`. */
  readonly propensity: number[] | null;
  /**
   * The base models' own `toJSON()` forms (LogisticRegression, HistGradientBoosting…, RandomForest…, or
   * LinearRegression for `'logistic'` regressors), laid out by method: S-learner one; T-learner control then one per arm;
   * X-learner control, one per arm, then per arm the effect models on treated and on control rows;
   * class transformation one per arm.
   */
  readonly models: Record<string, unknown>[];
}

/** @internal Everything a fitted uplift model holds. */
export interface UpliftState {
  readonly method: UpliftMethod;
  readonly learner: UpliftLearner;
  readonly outcomeKind: 'binary' | 'continuous';
  readonly treatment: string;
  readonly outcome: string;
  readonly control: UpliftArm;
  readonly arms: readonly UpliftArm[];
  readonly specs: readonly FeatureSpec[];
  readonly propensity: readonly number[] | null;
  readonly models: readonly BaseModel[];
}

const METHODS: readonly UpliftMethod[] = ['s-learner', 't-learner', 'x-learner', 'class-transformation'];
const LEARNERS: readonly UpliftLearner[] = ['logistic', 'gbm', 'forest'];

/** Column names of the S-learner's arm indicators. */
export function armIndicatorNames(treatment: string, arms: readonly UpliftArm[]): string[] {
  return arms.map((a) => `${treatment}=${String(a)}`);
}

/** How many base models a method fits for `k` treated arms. */
export function modelCount(method: UpliftMethod, k: number): number {
  switch (method) {
    case 's-learner':
      return 1;
    case 't-learner':
      return 1 + k;
    case 'x-learner':
      return 1 + 3 * k;
    case 'class-transformation':
      return k;
  }
}

let create: (state: UpliftState) => UpliftModel;

/**
 * A fitted uplift model (from {@link fitUplift}): predicts, per customer, the
 * change in the outcome that each treatment arm causes compared with control.
 *
 * @example
 * ```ts
 * import { fitUplift, UpliftModel } from '@marksman/experiments';
 * const rows = Array.from({ length: 400 }, (_, i) => ({ age: i % 40, mailed: i % 2, bought: (i % 2 === 1 && i % 40 < 20) || i % 7 === 0 ? 1 : 0 }));
 * const model = fitUplift(rows, { treatment: 'mailed', outcome: 'bought', features: ['age'], method: 't-learner', learner: 'gbm', seed: 1 });
 * model.arms; // => [1]
 * const copy = UpliftModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
 * copy.predict([{ age: 5 }])[0] === model.predict([{ age: 5 }])[0]; // => true
 * ```
 */
export class UpliftModel {
  static {
    create = (state) => new UpliftModel(state);
  }

  /** How the model was built. */
  readonly method: UpliftMethod;
  /** Base learner family. */
  readonly learner: UpliftLearner;
  /** `'binary'` (predictions are differences of probabilities) or `'continuous'` (differences of expected outcomes). */
  readonly outcomeKind: 'binary' | 'continuous';
  /** The control arm's label. */
  readonly control: UpliftArm;
  /** The treated arms, in the order of {@link UpliftModel.predictAll}; {@link UpliftModel.predict} scores the first. */
  readonly arms: readonly UpliftArm[];
  /** The feature fields the model reads from each record. */
  readonly features: readonly string[];
  /** How each feature field is encoded (numeric as is, categorical one-hot). */
  readonly featureEncoding: readonly UpliftFeature[];
  /** The model columns after encoding (`channel=Web` for a one-hot level). */
  readonly encodedFeatures: readonly string[];
  readonly #state: UpliftState;

  private constructor(state: UpliftState) {
    this.#state = state;
    this.method = state.method;
    this.learner = state.learner;
    this.outcomeKind = state.outcomeKind;
    this.control = state.control;
    this.arms = Object.freeze([...state.arms]);
    this.features = Object.freeze(state.specs.map((s) => s.name));
    this.featureEncoding = Object.freeze(state.specs.map((s) => Object.freeze({ name: s.name, kind: s.kind, levels: s.kind === 'categorical' ? Object.freeze([...s.levels]) : null })));
    this.encodedFeatures = Object.freeze(encodedNames(state.specs));
  }

  /**
   * Predicted uplift of the first (or only) treated arm per record: its
   * expected outcome if treated minus if not treated. Costs one prediction
   * of each base model.
   *
   * @param rows - records with the feature fields (other fields are ignored; any object type, so typed rows such as `HillstromRow` fit), or an Apache Arrow table with those columns
   * @throws `ValidationError` `E_ROWS`, `E_EMPTY`, `E_FEATURE_TYPE` (a value of another kind than at fit time),
   *   `E_NAN`, `E_MISSING` (missing numeric values, except with learner `'gbm'`, which reads them as missing),
   *   `E_NOT_FINITE`
   * @example
   * ```ts
   * import { fitUplift } from '@marksman/experiments';
   * const rows = Array.from({ length: 200 }, (_, i) => ({ young: i % 4 < 2, mailed: i % 2, bought: i % 4 === 1 ? 1 : i % 9 === 0 ? 1 : 0 }));
   * const m = fitUplift(rows, { treatment: 'mailed', outcome: 'bought', features: ['young'], method: 't-learner', learner: 'logistic', seed: 0 });
   * const [young, old] = m.predict([{ young: true }, { young: false }]);
   * young! > old!; // => true
   * ```
   */
  predict(rows: readonly object[] | ArrowLikeTable): Float64Array {
    return this.#predict('UpliftModel.predict', rows, 1)[0]!;
  }

  /**
   * Predicted uplift of every treated arm against control, one Float64Array
   * per arm aligned with {@link UpliftModel.arms}.
   *
   * @param rows - records with the feature fields, or an Apache Arrow table with those columns
   * @throws as {@link UpliftModel.predict}
   * @example
   * ```ts
   * import { fitUplift } from '@marksman/experiments';
   * const rows = Array.from({ length: 300 }, (_, i) => ({ x: i % 10, arm: ['none', 'email', 'sms'][i % 3]!, y: i % 3 === 1 && i % 10 < 5 ? 1 : i % 11 === 0 ? 1 : 0 }));
   * const m = fitUplift(rows, { treatment: 'arm', outcome: 'y', features: ['x'], method: 't-learner', learner: 'forest', seed: 3, control: 'none' });
   * m.arms; // => ['email', 'sms']
   * m.predictAll([{ x: 1 }]).length; // => 2
   * ```
   */
  predictAll(rows: readonly object[] | ArrowLikeTable): Float64Array[] {
    return this.#predict('UpliftModel.predictAll', rows, this.#state.arms.length);
  }

  #predict(source: string, rows: readonly object[] | ArrowLikeTable, upTo: number): Float64Array[] {
    const s = this.#state;
    const checked = checkRows(source, rows);
    const cols = encodeFeatures(source, checked, s.specs, s.learner === 'gbm');
    const n = checked.length;
    const k = s.arms.length;
    const out: Float64Array[] = [];
    switch (s.method) {
      case 's-learner': {
        const zeros = s.arms.map(() => new Float64Array(n));
        const base = s.models[0]!.predict([...cols, ...zeros]);
        for (let a = 0; a < upTo; a++) {
          const ind = s.arms.map((_, b) => (b === a ? new Float64Array(n).fill(1) : zeros[b]!));
          const p = s.models[0]!.predict([...cols, ...ind]);
          out.push(p.map((v, i) => v - (base[i] as number)));
        }
        break;
      }
      case 't-learner': {
        const c = s.models[0]!.predict(cols);
        for (let a = 0; a < upTo; a++) out.push(s.models[1 + a]!.predict(cols).map((v, i) => v - (c[i] as number)));
        break;
      }
      case 'x-learner': {
        for (let a = 0; a < upTo; a++) {
          const g = s.propensity![a]!;
          const onTreated = s.models[1 + k + 2 * a]!.predict(cols);
          const onControl = s.models[2 + k + 2 * a]!.predict(cols);
          // Künzel et al. (2019): weight the control-side estimate by the propensity, the treated-side one by its complement.
          out.push(onTreated.map((v, i) => g * (onControl[i] as number) + (1 - g) * v));
        }
        break;
      }
      case 'class-transformation': {
        for (let a = 0; a < upTo; a++) out.push(s.models[a]!.predict(cols).map((p) => 2 * p - 1));
        break;
      }
    }
    return out;
  }

  /**
   * The plain-object form; {@link UpliftModel.fromJSON} rebuilds a model
   * that predicts exactly the same numbers.
   *
   * @example
   * ```ts
   * import { fitUplift } from '@marksman/experiments';
   * const rows = Array.from({ length: 100 }, (_, i) => ({ x: i % 5, t: i % 2, y: (i * 7) % 3 === 0 ? 1 : 0 }));
   * fitUplift(rows, { treatment: 't', outcome: 'y', features: ['x'], method: 's-learner', learner: 'logistic', seed: 0 }).toJSON().models.length; // => 1
   * ```
   */
  toJSON(): UpliftModelJSON {
    const s = this.#state;
    return {
      type: 'marksman.UpliftModel',
      version: 1,
      method: s.method,
      learner: s.learner,
      outcomeKind: s.outcomeKind,
      treatment: s.treatment,
      outcome: s.outcome,
      control: s.control,
      arms: [...s.arms],
      features: s.specs.map((f) => ({ name: f.name, kind: f.kind, levels: f.kind === 'categorical' ? [...f.levels] : null })),
      propensity: s.propensity === null ? null : [...s.propensity],
      models: s.models.map((m) => m.toJSON() as unknown as Record<string, unknown>),
    };
  }

  /**
   * Rebuilds a model from {@link UpliftModel.toJSON} output, checking every field.
   *
   * @param json - the output of `toJSON` (possibly through `JSON.stringify` / `JSON.parse`)
   * @throws `ValidationError` `E_MODEL_JSON` naming the field at fault (and the base learners' own checks)
   * @example
   * ```ts
   * import { fitUplift, UpliftModel } from '@marksman/experiments';
   * const rows = Array.from({ length: 100 }, (_, i) => ({ x: i % 5, t: i % 2, y: (i * 7) % 3 === 0 ? 1 : 0 }));
   * const m = fitUplift(rows, { treatment: 't', outcome: 'y', features: ['x'], method: 'class-transformation', learner: 'logistic', seed: 0 });
   * UpliftModel.fromJSON(m.toJSON()).method; // => 'class-transformation'
   * ```
   */
  static fromJSON(json: UpliftModelJSON): UpliftModel {
    const source = 'UpliftModel.fromJSON';
    const fail = (field: string, what: string): never => {
      throw new ValidationError('E_MODEL_JSON', `${source}: ${field} ${what}; expected the output of UpliftModel#toJSON().`, { source, field });
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('json', 'is not an object');
    const j = json as unknown as Record<string, unknown>;
    if (j.type !== 'marksman.UpliftModel') fail('type', `is ${JSON.stringify(j.type) ?? 'undefined'}, not 'marksman.UpliftModel'`);
    if (j.version !== 1) fail('version', 'is not 1');
    const method = j.method as UpliftMethod;
    if (!METHODS.includes(method)) fail('method', `must be one of ${METHODS.join(', ')}`);
    const learner = j.learner as UpliftLearner;
    if (!LEARNERS.includes(learner)) fail('learner', `must be one of ${LEARNERS.join(', ')}`);
    const outcomeKind = j.outcomeKind;
    if (outcomeKind !== 'binary' && outcomeKind !== 'continuous') fail('outcomeKind', "must be 'binary' or 'continuous'");
    if (method === 'class-transformation' && outcomeKind !== 'binary') fail('outcomeKind', "must be 'binary' for class transformation");
    for (const f of ['treatment', 'outcome'] as const) if (typeof j[f] !== 'string' || j[f] === '') fail(f, 'must be a non-empty field name');
    const isArm = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!isArm(j.control)) fail('control', 'must be a text, finite number or boolean label');
    const arms = j.arms;
    if (!Array.isArray(arms) || arms.length === 0 || !arms.every((a) => isArm(a) && typeof a === typeof j.control) || new Set([...arms, j.control]).size !== arms.length + 1) {
      fail('arms', 'must be a non-empty array of distinct labels of the control label type, other than the control label');
    }
    const features = j.features;
    if (!Array.isArray(features) || features.length === 0) fail('features', 'must be a non-empty array');
    const specs: FeatureSpec[] = (features as unknown[]).map((f, i) => {
      const field = `features[${i}]`;
      if (typeof f !== 'object' || f === null) return fail(field, 'is not an object');
      const { name, kind, levels } = f as Record<string, unknown>;
      if (typeof name !== 'string' || name === '') return fail(`${field}.name`, 'must be a non-empty string');
      if (kind === 'numeric') {
        if (levels !== null) fail(`${field}.levels`, 'must be null for a numeric feature');
        return { name, kind };
      }
      if (kind !== 'categorical') return fail(`${field}.kind`, "must be 'numeric' or 'categorical'");
      if (!Array.isArray(levels) || levels.length === 0 || levels.some((l) => typeof l !== 'string') || new Set(levels).size !== levels.length) {
        return fail(`${field}.levels`, 'must be a non-empty array of distinct strings');
      }
      return { name, kind, levels: [...(levels as string[])] };
    });
    if (new Set(specs.map((s) => s.name)).size !== specs.length) fail('features', 'has a name twice');
    const k = (arms as unknown[]).length;
    const models = j.models;
    const count = modelCount(method, k);
    if (!Array.isArray(models) || models.length !== count) fail('models', `must hold ${count} base models for ${method} with ${k} arm(s)`);
    let propensity: number[] | null = null;
    if (method === 'x-learner') {
      const p = j.propensity;
      if (!Array.isArray(p) || p.length !== k || p.some((v) => typeof v !== 'number' || !(v > 0 && v < 1))) fail('propensity', 'must hold one number in (0, 1) per arm');
      propensity = [...(p as number[])];
    } else if (j.propensity !== null) fail('propensity', `must be null for ${method}`);
    const names = encodedNames(specs);
    const withArms = method === 's-learner' ? [...names, ...armIndicatorNames(j.treatment as string, arms as UpliftArm[])] : names;
    const classifier = outcomeKind === 'binary' ? 'classifier' : 'regressor';
    const base = (models as unknown[]).map((m, i) => {
      const role = method === 'x-learner' && i > k ? 'regressor' : classifier;
      return baseModelFromJSON(source, m as BaseModelJSON, `models[${i}]`, learner, role, withArms);
    });
    return create({
      method,
      learner,
      outcomeKind: outcomeKind as 'binary' | 'continuous',
      treatment: j.treatment as string,
      outcome: j.outcome as string,
      control: j.control as UpliftArm,
      arms: [...(arms as UpliftArm[])],
      specs,
      propensity,
      models: base,
    });
  }
}

/** @internal Builds a model from a fit's state (used by fitUplift). */
export function upliftModelFromState(state: UpliftState): UpliftModel {
  return create(state);
}
