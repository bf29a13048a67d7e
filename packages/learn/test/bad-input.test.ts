// Every error code of @marksman/learn, triggered for every learner it applies
// to, with the class, the code and the field at fault; and no input is written.
import { Table } from '@marksman/core';
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  LogisticRegression,
  RandomForestClassifier,
  RandomForestRegressor,
} from '@marksman/learn';
import type { FeatureInput, LearnerFitOptions } from '@marksman/learn';
import { describe, expect, it } from 'vitest';
import { deepFreeze, typed } from './helpers';

interface Learner {
  fit(X: FeatureInput, y: never, options?: LearnerFitOptions): unknown;
  predict(X: FeatureInput): unknown;
  toJSON(): unknown;
}
type Make = (options?: Record<string, unknown>) => Learner;
/** Few trees for speed; options that are not an object go through untouched (to be refused). */
const small = (base: object, o: unknown) => (o === undefined ? base : typeof o === 'object' && o !== null ? { ...base, ...o } : o) as never;

const classifiers: [string, Make][] = [
  ['LogisticRegression', (o) => new LogisticRegression(o) as unknown as Learner],
  ['DecisionTreeClassifier', (o) => new DecisionTreeClassifier(o) as unknown as Learner],
  ['RandomForestClassifier', (o) => new RandomForestClassifier(small({ nEstimators: 3 }, o)) as unknown as Learner],
  ['HistGradientBoostingClassifier', (o) => new HistGradientBoostingClassifier(small({ maxIter: 3 }, o)) as unknown as Learner],
];
const regressors: [string, Make][] = [
  ['DecisionTreeRegressor', (o) => new DecisionTreeRegressor(o) as unknown as Learner],
  ['RandomForestRegressor', (o) => new RandomForestRegressor(small({ nEstimators: 3 }, o)) as unknown as Learner],
  ['HistGradientBoostingRegressor', (o) => new HistGradientBoostingRegressor(small({ maxIter: 3 }, o)) as unknown as Learner],
];
const all = [...classifiers, ...regressors];
const X = deepFreeze([[0, 1], [1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]);
const yc = deepFreeze([0, 0, 0, 1, 1, 1]) as never;
const yr = deepFreeze([0.5, 1, 1.5, 3, 3.5, 4]) as never;
const yOf = (name: string) => (classifiers.some(([n]) => n === name) ? yc : yr);
const fitted = (name: string, make: Make) => make().fit(X, yOf(name)) as Learner;

describe.each(all)('%s refuses bad input with typed errors', (name, make) => {
  const y = yOf(name);
  const fit = `${name}.fit`;

  it('features: E_INPUT, E_EMPTY, E_RAGGED, E_SHAPE, E_LENGTH, E_NO_FEATURES, E_FEATURE_MISSING, E_NOT_FINITE', () => {
    expect(() => make().fit('rows' as never, y)).toThrow(typed('ValidationError', 'E_INPUT', 'X'));
    expect(() => make().fit([5, 6] as never, y)).toThrow(typed('ValidationError', 'E_INPUT', 'X'));
    expect(() => make().fit([[1, 2], 'x'] as never, y)).toThrow(typed('ValidationError', 'E_INPUT', 'X'));
    expect(() => make().fit({ a: 'text' } as never, y)).toThrow(typed('ValidationError', 'E_INPUT', 'a'));
    expect(() => make().fit([], y)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_EMPTY', field: 'X', source: fit }));
    expect(() => make().fit({ a: [] }, y)).toThrow(typed('ValidationError', 'E_EMPTY', 'X'));
    expect(() => make().fit([[0, 1], [1], [2, 1], [3, 0], [4, 1], [5, 0]], y)).toThrow(expect.objectContaining({ code: 'E_RAGGED', field: 'X', row: 1 }));
    expect(() => make().fit(X, y, { featureNames: ['a', 'b', 'c'] })).toThrow(typed('ValidationError', 'E_SHAPE', 'featureNames'));
    const cols = [Float64Array.from([0, 1, 2, 3, 4, 5]), Float64Array.from([1, 0, 1, 0, 1, 0])];
    expect(() => make().fit(cols, y, { featureNames: ['a'] })).toThrow(typed('ValidationError', 'E_SHAPE', 'featureNames'));
    expect(() => make().fit([cols[0]!, new Float64Array(5)], y)).toThrow(typed('ValidationError', 'E_LENGTH', 'x1'));
    expect(() => make().fit({ a: [1, 2, 3, 4, 5, 6], b: [1] }, y)).toThrow(typed('ValidationError', 'E_LENGTH', 'b'));
    expect(() => make().fit(X, [0, 1] as never)).toThrow(typed('ValidationError', 'E_LENGTH', 'y'));
    expect(() => make().fit([[], [], [], [], [], []], y)).toThrow(typed('ValidationError', 'E_NO_FEATURES', 'X'));
    expect(() => make().fit(X, y, { featureNames: ['a', 'a'] })).toThrow(typed('ValidationError', 'E_NO_FEATURES', 'featureNames'));
    expect(() => make().fit(X.map(() => ({})), y)).toThrow(typed('ValidationError', 'E_NO_FEATURES', 'X'));
    expect(() => make().fit(X.map(([a]) => ({ a })), y, { featureNames: ['a', 'b'] })).toThrow(expect.objectContaining({ code: 'E_FEATURE_MISSING', field: 'b', row: 0 }));
    expect(() => make().fit({ a: [1, 2, 3, 4, 5, 6] }, y, { featureNames: ['b'] })).toThrow(typed('ValidationError', 'E_FEATURE_MISSING', 'b'));
    expect(() => make().fit(Table.fromColumns({ a: [1, 2, 3, 4, 5, 6] }), y, { featureNames: ['z'] })).toThrow(typed('ValidationError', 'E_FEATURE_MISSING', 'z'));
    expect(() => make().fit([[0, 1], [1, Infinity], [2, 1], [3, 0], [4, 1], [5, 0]], y)).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', field: 'x1', row: 1 }));
    const nan = [[0, 1], [1, NaN], [2, 1], [3, 0], [4, 1], [5, 0]];
    if (name.startsWith('HistGradientBoosting')) expect(() => make().fit(nan, y)).not.toThrow(); // NaN reads as missing
    else expect(() => make().fit(nan, y)).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', field: 'x1', row: 1 }));
  });

  it('targets and weights: E_WEIGHTS (and E_LABEL or E_NOT_FINITE, E_TOO_LARGE for targets)', () => {
    expect(() => make().fit(X, y, { sampleWeight: [1, 1, 1, 1, 1, -1] })).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_WEIGHTS', field: 'sampleWeight', row: 5 }));
    expect(() => make().fit(X, y, { sampleWeight: [0, 0, 0, 0, 0, 0] })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
    expect(() => make().fit(X, y, { sampleWeight: 'heavy' as never })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
    // Past a total of 1e100 weighted sums of targets overflow; only the ratios of weights matter.
    expect(() => make().fit(X, y, { sampleWeight: [1e308, 1, 1, 1, 1, 1] })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
    expect(() => make().fit(X, y, { sampleWeight: [1e30, 1, 1, 1, 1, 1] })).not.toThrow();
    expect(() => make().fit(X, y, { sampleWeight: [1, 1] })).toThrow(typed('ValidationError', 'E_LENGTH', 'sampleWeight'));
    if (classifiers.some(([n]) => n === name)) {
      expect(() => make().fit(X, [0, 0, 'a', 1, 1, 1] as never)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_LABEL', field: 'y', row: 2 }));
      expect(() => make().fit(X, [0, 0, NaN, 1, 1, 1] as never)).toThrow(expect.objectContaining({ code: 'E_LABEL', row: 2 }));
      // Typed labels (two classes are read by a branch-free pass that hands anything else to the general loop).
      expect(() => make().fit(X, Float64Array.of(0, 1, 0, 1, NaN, 1) as never)).toThrow(expect.objectContaining({ code: 'E_LABEL', field: 'y', row: 4 }));
      expect(() => make().fit(X, Float64Array.of(NaN, 1, 0, 1, 0, 1) as never)).toThrow(expect.objectContaining({ code: 'E_LABEL', field: 'y', row: 0 }));
      expect(() => make().fit(X, Float64Array.of(0, Infinity, 0, 1, 0, 1) as never)).toThrow(expect.objectContaining({ code: 'E_LABEL', field: 'y', row: 1 }));
      expect(() => make().fit(X, 'labels' as never)).toThrow(typed('ValidationError', 'E_LABEL', 'y'));
    } else {
      expect(() => make().fit(X, [0, 1, NaN, 1, 1, 1] as never)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_NOT_FINITE', field: 'y', row: 2 }));
      expect(() => make().fit(X, [0, 1, 1e151, 1, 1, 1] as never)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_TOO_LARGE', field: 'y', row: 2 }));
      expect(() => make().fit(X, 'targets' as never)).toThrow(typed('ValidationError', 'E_INPUT', 'y'));
    }
  });

  it('options: E_OPTION_UNKNOWN, E_OPTIONS_TYPE, E_OPTION_RANGE, E_OPTION_TYPE, E_SEED', () => {
    expect(() => make({ depth: 3 })).toThrow(typed('OptionsError', 'E_OPTION_UNKNOWN'));
    expect(() => make(5 as never)).toThrow(typed('OptionsError', 'E_OPTIONS_TYPE'));
    expect(() => make().fit(X, y, { weights: [1] } as never)).toThrow(typed('OptionsError', 'E_OPTION_UNKNOWN'));
    expect(() => make().fit(X, y, { onProgress: 'yes' } as never)).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'onProgress'));
    expect(() => make().fit(X, y, { signal: {} } as never)).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'signal'));
    if (name === 'LogisticRegression') {
      expect(() => make({ C: 0 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'C'));
      expect(() => make({ fitIntercept: 1 })).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'fitIntercept'));
      expect(() => make({ maxIter: 0.5 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'maxIter'));
    } else {
      expect(() => make({ seed: 1.5 })).toThrow(typed('OptionsError', 'E_SEED', 'seed'));
      expect(() => make({ maxDepth: 0 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'maxDepth'));
      expect(() => make({ minSamplesLeaf: -1 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'minSamplesLeaf'));
    }
    if (name.startsWith('HistGradientBoosting')) {
      expect(() => make({ maxBins: 256 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'maxBins'));
      expect(() => make({ earlyStopping: 'yes' })).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'earlyStopping'));
      expect(() => make({ validationFraction: 1 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'validationFraction'));
    }
    if (name.includes('Tree') || name.includes('Forest')) {
      expect(() => make({ maxFeatures: 'half' })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'maxFeatures'));
      expect(() => make({ minSamplesSplit: 1 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'minSamplesSplit'));
    }
    if (name.includes('Forest')) expect(() => make({ bootstrap: 'no' })).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'bootstrap'));
    if (name.includes('Classifier') && name !== 'HistGradientBoostingClassifier') expect(() => make({ criterion: 'mse' })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'criterion'));
    if (classifiers.some(([n]) => n === name)) {
      expect(() => make({ classWeight: { '1': 0 } })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'classWeight.1'));
      expect(() => make({ classWeight: 'even' })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'classWeight'));
      expect(() => make({ classWeight: { '7': 2 } }).fit(X, y)).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'classWeight.7'));
    }
  });

  it('state and saved models: E_NOT_FITTED before fit, E_MODEL_JSON for a damaged model; E_ABORTED on an aborted signal', () => {
    const m = make();
    expect(() => m.predict(X)).toThrow(typed('StateError', 'E_NOT_FITTED'));
    expect(() => m.toJSON()).toThrow(typed('StateError', 'E_NOT_FITTED'));
    const cls = (make() as unknown as { constructor: { fromJSON(j: unknown): unknown } }).constructor;
    const json = fitted(name, make).toJSON() as Record<string, unknown>;
    expect(() => cls.fromJSON({ ...json, featureNames: ['a', 'a'] })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'featureNames'));
    expect(() => cls.fromJSON({ ...json, params: { ...(json.params as object), bogus: 1 } })).toThrow(typed('ValidationError', 'E_MODEL_JSON'));
    expect(() => cls.fromJSON([])).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'json'));
    const ac = new AbortController();
    ac.abort();
    expect(() => make().fit(X, y, { signal: ac.signal })).toThrow(typed('AbortError', 'E_ABORTED'));
  });

  it('a fitted model refuses rows of the wrong width and records without a feature', () => {
    const m = fitted(name, make);
    expect(() => m.predict([[1, 2, 3]])).toThrow(typed('ValidationError', 'E_RAGGED', 'X'));
    expect(() => m.predict([{ x0: 1 }])).toThrow(typed('ValidationError', 'E_FEATURE_MISSING', 'x1'));
    expect(() => m.predict([new Float64Array(1)])).toThrow(typed('ValidationError', 'E_SHAPE', 'X'));
  });
});

describe('codes particular to one learner', () => {
  it('E_SINGLE_CLASS: logistic regression and boosting need two classes', () => {
    expect(() => new LogisticRegression().fit(X, [1, 1, 1, 1, 1, 1])).toThrow(typed('ValidationError', 'E_SINGLE_CLASS', 'y'));
    expect(() => new HistGradientBoostingClassifier().fit(X, ['a', 'a', 'a', 'a', 'a', 'a'])).toThrow(typed('ValidationError', 'E_SINGLE_CLASS', 'y'));
  });

  it('E_NOT_BINARY: the boosting classifier models two classes', () => {
    expect(() => new HistGradientBoostingClassifier().fit(X, [0, 1, 2, 0, 1, 2])).toThrow(typed('ValidationError', 'E_NOT_BINARY', 'y'));
  });

  it('E_TOO_FEW_ROWS: early stopping on one row', () => {
    expect(() => new HistGradientBoostingRegressor({ earlyStopping: true }).fit([[1]], [1])).toThrow(typed('ValidationError', 'E_TOO_FEW_ROWS', 'X'));
  });

  it('E_DIVERGED: boosting whose gradients pass single precision or whose leaf values overflow (never a silent constant)', () => {
    const huge = [1e39, -1e39, 1e39, -1e39, 1e39, -1e39];
    expect(() => new HistGradientBoostingRegressor({ minSamplesLeaf: 1 }).fit(X, huge)).toThrow(expect.objectContaining({ name: 'ConvergenceError', code: 'E_DIVERGED', field: 'y', row: 0 }));
    expect(() => new HistGradientBoostingClassifier({ minSamplesLeaf: 1 }).fit(X, yc, { sampleWeight: [1, 1, 1e39, 1e39, 1, 1] })).toThrow(
      expect.objectContaining({ name: 'ConvergenceError', code: 'E_DIVERGED', field: 'sampleWeight', row: 2 }),
    );
    expect(() => new HistGradientBoostingRegressor({ learningRate: 1e300, minSamplesLeaf: 1 }).fit(X, [1e30, -1e30, 1e30, -1e30, 1e30, -1e30])).toThrow(typed('ConvergenceError', 'E_DIVERGED', 'y'));
    // Below the limit the model follows the target.
    const m = new HistGradientBoostingRegressor({ minSamplesLeaf: 1, maxIter: 200, learningRate: 0.5 }).fit(X, [1e37, -1e37, 1e37, -1e37, 1e37, -1e37]);
    expect(m.predict([[0, 1]])[0]! / 1e37).toBeCloseTo(1, 3);
  });

  it('predictProbaOf refuses a label that is not a class (E_OPTION_RANGE)', () => {
    for (const [, make] of classifiers) {
      const m = make().fit(X, yc) as unknown as LogisticRegression;
      expect(() => m.predictProbaOf(X, 'yes')).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'label'));
    }
  });
});

describe('inputs are never written', () => {
  it('every learner fits and predicts on frozen rows, records, columns and weights and leaves typed arrays unchanged', () => {
    const cols = [Float64Array.from([0, 1, 2, 3, 4, 5]), Float64Array.from([1, 0, 1, NaN, 1, 0])];
    const named = { a: Float64Array.from(cols[0]!), b: Float64Array.from([1, 0, 1, 0, 1, 0]) };
    const before = JSON.stringify([Array.from(cols[0]!), Array.from(cols[1]!), Array.from(named.a), Array.from(named.b)]);
    const w = Float64Array.from([1, 2, 1, 2, 1, 2]);
    const records = deepFreeze(X.map(([a, b]) => ({ a, b })));
    for (const [name, make] of all) {
      const y = yOf(name);
      const m = make().fit(records, y, { sampleWeight: w, featureNames: deepFreeze(['a', 'b']) }) as Learner;
      m.predict(records);
      (make().fit(named, y, { sampleWeight: deepFreeze([1, 1, 1, 1, 1, 1]) }) as Learner).predict(named);
      if (name.startsWith('HistGradientBoosting')) (make().fit(cols, y) as Learner).predict(cols);
    }
    expect(JSON.stringify([Array.from(cols[0]!), Array.from(cols[1]!), Array.from(named.a), Array.from(named.b)])).toBe(before);
    expect(Array.from(w)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
