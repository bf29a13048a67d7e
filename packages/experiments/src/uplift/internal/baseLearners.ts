import { ValidationError } from '@marksman/core';
import {
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  LinearRegression,
  LogisticRegression,
  RandomForestClassifier,
  RandomForestRegressor,
} from '@marksman/learn';
import type {
  HistGradientBoostingClassifierJSON,
  HistGradientBoostingRegressorJSON,
  LinearRegressionJSON,
  LogisticRegressionJSON,
  RandomForestClassifierJSON,
  RandomForestRegressorJSON,
} from '@marksman/learn';

// The base learners of the uplift models, behind one small interface: a
// classifier predicts P(y = 1), a regressor the expected outcome. 'logistic'
// pairs LogisticRegression with LinearRegression (ordinary least squares, its
// regression counterpart).

/** Family of base learner. */
export type LearnerName = 'logistic' | 'gbm' | 'forest';

/** The plain-object form of one fitted base model. */
export type BaseModelJSON =
  | LogisticRegressionJSON
  | HistGradientBoostingClassifierJSON
  | HistGradientBoostingRegressorJSON
  | RandomForestClassifierJSON
  | RandomForestRegressorJSON
  | LinearRegressionJSON;

/** A fitted base model on encoded columns. */
export interface BaseModel {
  /** P(y = 1) for a classifier, the expected outcome for a regressor. */
  predict(columns: readonly Float64Array[]): Float64Array;
  /**
   * `predict` written into `out` (for least squares only: the same sums in the same order, so the same values to
   * the last bit; any other model has none).
   */
  readonly predictInto?: (columns: readonly Float64Array[], out: Float64Array) => void;
  /** The plain-object form. */
  toJSON(): BaseModelJSON;
}

/** Keys only the classifiers know: not passed to regressors. */
const CLASSIFIER_ONLY = new Set(['classWeight', 'criterion']);

/** Settings shared by every base model of one uplift fit. */
export interface LearnerSettings {
  readonly learner: LearnerName;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** Calling function and outcome field, for errors. */
  readonly source: string;
  readonly outcome: string;
}

function classifierOptions(s: LearnerSettings): Record<string, unknown> {
  return s.learner === 'logistic' ? { ...s.options } : { ...s.options, seed: s.seed };
}

function regressorOptions(s: LearnerSettings): Record<string, unknown> {
  const o: Record<string, unknown> = { seed: s.seed };
  for (const [k, v] of Object.entries(s.options)) if (!CLASSIFIER_ONLY.has(k)) o[k] = v;
  return o;
}

/**
 * Constructs (without fitting) the learners a fit will use, so that bad learner options fail before any work.
 * The classifier is always built: it checks the keys even where only regressors are fitted.
 */
export function checkLearnerOptions(s: LearnerSettings, regressor: boolean): void {
  newClassifier(s);
  if (regressor) newRegressor(s);
}

function newClassifier(s: LearnerSettings): LogisticRegression | HistGradientBoostingClassifier | RandomForestClassifier {
  switch (s.learner) {
    case 'logistic':
      return new LogisticRegression(classifierOptions(s));
    case 'gbm':
      return new HistGradientBoostingClassifier(classifierOptions(s));
    case 'forest':
      return new RandomForestClassifier(classifierOptions(s));
  }
}

function newRegressor(s: LearnerSettings): LinearRegression | HistGradientBoostingRegressor | RandomForestRegressor {
  switch (s.learner) {
    case 'logistic':
      // LogisticRegression's options (C, maxIter, …) have no meaning for least squares: it takes none.
      return new LinearRegression();
    case 'gbm':
      return new HistGradientBoostingRegressor(regressorOptions(s));
    case 'forest':
      return new RandomForestRegressor(regressorOptions(s));
  }
}

const fromClassifier = (m: LogisticRegression | HistGradientBoostingClassifier | RandomForestClassifier): BaseModel => ({
  predict: (columns) => m.predictProbaOf(columns as Float64Array[], 1),
  toJSON: () => m.toJSON(),
});

const fromRegressor = (m: LinearRegression | HistGradientBoostingRegressor | RandomForestRegressor): BaseModel =>
  m instanceof LinearRegression
    ? { predict: (columns) => m.predict(columns as Float64Array[]), predictInto: linearInto(m), toJSON: () => m.toJSON() }
    : { predict: (columns) => m.predict(columns as Float64Array[]), toJSON: () => m.toJSON() };

/**
 * LinearRegression#predict into a given array, as it sums: the intercept, then coefficient × column for each
 * non-zero coefficient in column order. A value that is not finite is left to `predict`, which names the
 * feature and row.
 */
function linearInto(m: LinearRegression): (columns: readonly Float64Array[], out: Float64Array) => void {
  const coef = m.coefficients;
  const intercept = m.intercept;
  return (columns, out) => {
    const n = out.length;
    out.fill(intercept);
    for (let j = 0; j < columns.length; j++) {
      const c = coef[j]!;
      if (c === 0) continue;
      const col = columns[j]!;
      for (let i = 0; i < n; i++) out[i]! += c * col[i]!;
    }
    for (let i = 0; i < n; i++) if (!Number.isFinite(out[i]!)) out.set(m.predict(columns as Float64Array[]));
  };
}

/** Fits a classifier of P(y = 1) on 0/1 labels (both present). */
export function fitClassifier(s: LearnerSettings, columns: Float64Array[], names: readonly string[], y: Uint8Array, weights: Float64Array | null, signal: AbortSignal | null): BaseModel {
  const m = newClassifier(s);
  m.fit(columns, y, { featureNames: names, sampleWeight: weights, signal });
  return fromClassifier(m);
}

/** Fits a regressor of a numeric target. */
export function fitRegressor(s: LearnerSettings, columns: Float64Array[], names: readonly string[], y: Float64Array, signal: AbortSignal | null): BaseModel {
  const m = newRegressor(s);
  m.fit(columns, y, { featureNames: names, signal });
  return fromRegressor(m);
}

/** Rebuilds a base model from its JSON; `role` says whether a classifier or a regressor is expected there. */
export function baseModelFromJSON(source: string, json: unknown, field: string, learner: LearnerName, role: 'classifier' | 'regressor', names: readonly string[]): BaseModel {
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  const expected =
    role === 'classifier'
      ? { logistic: 'marksman.LogisticRegression', gbm: 'marksman.HistGradientBoostingClassifier', forest: 'marksman.RandomForestClassifier' }[learner]
      : { logistic: 'marksman.LinearRegression', gbm: 'marksman.HistGradientBoostingRegressor', forest: 'marksman.RandomForestRegressor' }[learner];
  if (type !== expected) {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field} must be a ${expected} model (learner '${learner}'), got type ${JSON.stringify(type) ?? 'undefined'}; expected the output of UpliftModel#toJSON().`, { source, field });
  }
  const m =
    expected === 'marksman.LogisticRegression'
      ? LogisticRegression.fromJSON(json as LogisticRegressionJSON)
      : expected === 'marksman.HistGradientBoostingClassifier'
        ? HistGradientBoostingClassifier.fromJSON(json as HistGradientBoostingClassifierJSON)
        : expected === 'marksman.RandomForestClassifier'
          ? RandomForestClassifier.fromJSON(json as RandomForestClassifierJSON)
          : expected === 'marksman.LinearRegression'
            ? LinearRegression.fromJSON(json as LinearRegressionJSON)
            : expected === 'marksman.HistGradientBoostingRegressor'
              ? HistGradientBoostingRegressor.fromJSON(json as HistGradientBoostingRegressorJSON)
              : RandomForestRegressor.fromJSON(json as RandomForestRegressorJSON);
  const featureNames = m.featureNames;
  let model: BaseModel;
  if (m instanceof LinearRegression || m instanceof HistGradientBoostingRegressor || m instanceof RandomForestRegressor) model = fromRegressor(m);
  else {
    const classes = m.classes;
    if (classes.length !== 2 || classes[0] !== 0 || classes[1] !== 1) {
      throw new ValidationError('E_MODEL_JSON', `${source}: ${field}.classes must be [0, 1]; expected the output of UpliftModel#toJSON().`, { source, field: `${field}.classes` });
    }
    model = fromClassifier(m);
  }
  if (featureNames.length !== names.length || featureNames.some((f, k) => f !== names[k])) {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field}.featureNames do not match the model's encoded features; expected the output of UpliftModel#toJSON().`, { source, field: `${field}.featureNames` });
  }
  return model;
}
