import { Random, Table } from '@marksman/core';
import { DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier, RandomForestRegressor } from '@marksman/learn';
import type { DecisionTreeClassifierJSON, DecisionTreeRegressorJSON, RandomForestClassifierJSON, RandomForestRegressorJSON } from '@marksman/learn';
import { rocAuc } from '@marksman/metrics';
import { describe, expect, it } from 'vitest';
import { streamWords } from '../src/internal/cart';
import { drawBootstrap } from '../src/internal/forest';
import { binaryTask, deepFreeze, sklearn, typed } from './helpers';

describe('CART trees equal scikit-learn on tie-free data (fixtures/learn_sklearn.py)', () => {
  sklearn.tree.forEach((c, k) => {
    it(`case ${k} (${c.kind}, ${JSON.stringify(c.params)}): node arrays, thresholds, importances and held-out predictions`, () => {
      const X = deepFreeze(c.X.map((r) => [...r]));
      const y = deepFreeze([...c.y]);
      const o = { maxDepth: c.params.max_depth, minSamplesLeaf: c.params.min_samples_leaf ?? 1 };
      const m = c.kind === 'classifier' ? new DecisionTreeClassifier({ ...o, criterion: c.params.criterion ?? 'gini' }).fit(X, y) : new DecisionTreeRegressor(o).fit(X, y);
      const t = m.tree;
      expect(Array.from(t.feature)).toEqual(c.feature);
      expect(Array.from(t.left)).toEqual(c.left);
      expect(Array.from(t.right)).toEqual(c.right);
      expect(Array.from(t.samples)).toEqual(c.samples);
      c.threshold.forEach((v, i) => (v === null ? expect(t.threshold[i]).toBeNaN() : expect(t.threshold[i]).toBe(v)));
      Array.from(m.featureImportances).forEach((v, j) => expect(v).toBeCloseTo(c.importances[j]!, 12));
      if (m instanceof DecisionTreeClassifier) {
        const proba = m.predictProba(c.Xtest);
        proba.forEach((row, i) => row.forEach((v, k2) => expect(v).toBeCloseTo((c.predTest as number[][])[i]![k2]!, 12)));
      } else {
        Array.from(m.predict(c.Xtest)).forEach((v, i) => expect(v).toBeCloseTo((c.predTest as number[])[i]!, 10));
      }
    });
  });
});

describe('DecisionTreeClassifier and DecisionTreeRegressor: properties', () => {
  const task = binaryTask(600, 3, 21);

  it('rows, typed columns with feature names, records, named columns and a Table give the same tree', () => {
    const names = ['recency', 'spend', 'visits'];
    const cols = names.map((_, j) => Float64Array.from(task.X, (r) => r[j]!));
    const named = Object.fromEntries(names.map((f, j) => [f, cols[j]!]));
    const records = task.X.map((r) => Object.fromEntries(names.map((f, j) => [f, r[j]!])));
    const make = () => new DecisionTreeClassifier({ maxDepth: 4 });
    const fits = [
      make().fit(task.X, task.y, { featureNames: names }),
      make().fit(cols, task.y, { featureNames: names }),
      make().fit(records, task.y),
      make().fit(named, task.y),
      make().fit(Table.fromColumns(named), task.y),
    ];
    for (const m of fits) expect(m.toJSON()).toEqual(fits[0]!.toJSON());
    const p = fits[0]!.predictProba([{ visits: 1, recency: -1, spend: 0.5 }])[0];
    expect(fits[0]!.predictProba([[-1, 0.5, 1]])[0]).toEqual(p);
    expect(fits[0]!.predictProba([[-1], [0.5], [1]].map((v) => Float64Array.from(v)))[0]).toEqual(p);
  });

  it('maxFeatures below p draws features from the seed: same seed, same tree', () => {
    const a = new DecisionTreeClassifier({ maxFeatures: 1, seed: 5 }).fit(task.X, task.y).toJSON();
    expect(new DecisionTreeClassifier({ maxFeatures: 1, seed: 5 }).fit(task.X, task.y).toJSON()).toEqual(a);
    const others = [6, 7, 8].map((seed) => new DecisionTreeClassifier({ maxFeatures: 1, seed }).fit(task.X, task.y).toJSON());
    expect(others.some((o) => JSON.stringify(o.tree) !== JSON.stringify(a.tree))).toBe(true);
  });

  it('labels of one class give a one-leaf tree that predicts it', () => {
    const m = new DecisionTreeClassifier().fit([[1], [2], [3]], ['vip', 'vip', 'vip']);
    expect(m.tree.feature.length).toBe(1);
    expect(m.predict([[10]])).toEqual(['vip']);
  });

  it('classifier and regressor round-trip through JSON text and refuse damage', () => {
    const c = new DecisionTreeClassifier({ maxDepth: 5 }).fit(task.X, task.y.map((v) => v === 1));
    const cj = JSON.parse(JSON.stringify(c.toJSON())) as DecisionTreeClassifierJSON;
    expect(DecisionTreeClassifier.fromJSON(cj).predictProba(task.X)).toEqual(c.predictProba(task.X));
    expect(DecisionTreeClassifier.fromJSON(cj).classes).toEqual([false, true]);
    const r = new DecisionTreeRegressor({ maxDepth: 5 }).fit(task.X, task.X.map((row) => row[0]! * 2));
    const rj = JSON.parse(JSON.stringify(r.toJSON())) as DecisionTreeRegressorJSON;
    expect(Array.from(DecisionTreeRegressor.fromJSON(rj).predict(task.X))).toEqual(Array.from(r.predict(task.X)));
    const brokenTree = { ...cj.tree, left: cj.tree.left.map((v) => (v > 0 ? v + 1000 : v)) };
    expect(() => DecisionTreeClassifier.fromJSON({ ...cj, tree: brokenTree })).toThrow(typed('ValidationError', 'E_MODEL_JSON'));
    expect(() => DecisionTreeRegressor.fromJSON({ ...rj, featureNames: [] })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'featureNames'));
  });

  it('a regression tree predicts leaf means and importances sum to 1', () => {
    const X = [[1], [2], [3], [10], [11], [12]];
    const m = new DecisionTreeRegressor({ maxDepth: 1 }).fit(X, [1, 2, 3, 10, 20, 30]);
    // x ≤ 10.5 leaves squared errors 50 + 50; x ≤ 6.5 would leave 2 + 200.
    expect(Array.from(m.predict([[0], [100]]))).toEqual([4, 25]);
    expect(m.tree.threshold[0]).toBe(10.5);
    expect(Array.from(m.featureImportances)).toEqual([1]);
  });
});

describe('RandomForestClassifier and RandomForestRegressor: properties', () => {
  const train = binaryTask(800, 3, 31);
  const test = binaryTask(400, 3, 32);

  it('same seed, same forest; another seed, another forest; progress after each tree', () => {
    const seen: number[] = [];
    const a = new RandomForestClassifier({ nEstimators: 12, seed: 9 }).fit(train.X, train.y, { onProgress: (p) => seen.push(p.iteration) });
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(new RandomForestClassifier({ nEstimators: 12, seed: 9 }).fit(train.X, train.y).toJSON()).toEqual(a.toJSON());
    expect(new RandomForestClassifier({ nEstimators: 12, seed: 10 }).fit(train.X, train.y).toJSON()).not.toEqual(a.toJSON());
  });

  it('without bootstrap and with every feature per node, each tree is the single decision tree (shallow: no tied splits)', () => {
    // Deep nodes with a handful of rows can hold tied splits, which a forest breaks by its random feature order.
    const forest = new RandomForestClassifier({ nEstimators: 3, bootstrap: false, maxFeatures: 'all', maxDepth: 3 }).fit(train.X, train.y);
    const tree = new DecisionTreeClassifier({ maxDepth: 3 }).fit(train.X, train.y);
    for (const t of forest.trees) expect(Array.from(t.threshold)).toEqual(Array.from(tree.tree.threshold));
    const tp = tree.predictProba(test.X);
    forest.predictProba(test.X).forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(tp[i]![k]!, 14)));
    const rf = new RandomForestRegressor({ nEstimators: 2, bootstrap: false, maxFeatures: 'all', maxDepth: 3 }).fit(train.X, train.y);
    const rt = new DecisionTreeRegressor({ maxDepth: 3 }).fit(train.X, train.y);
    Array.from(rf.predict(test.X)).forEach((v, i) => expect(v).toBeCloseTo(rt.predict(test.X)[i]!, 14));
  });

  it('a forest ranks held-out rows well (AUC above 0.8) and its probabilities average its trees', () => {
    const m = new RandomForestClassifier({ nEstimators: 40, minSamplesLeaf: 5, seed: 1 }).fit(train.X, train.y);
    const p = m.predictProbaOf(test.X);
    expect(rocAuc(test.y, p)).toBeGreaterThan(0.8);
    expect(m.trees.length).toBe(40);
    const imp = m.featureImportances;
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const pred = m.predict(test.X);
    pred.forEach((v, i) => expect(v).toBe(p[i]! > 0.5 ? 1 : 0));
  });

  it('the regressor averages its trees, is seeded, and round-trips through JSON text', () => {
    const y = train.X.map((r) => r[0]! - 2 * r[1]!);
    const m = new RandomForestRegressor({ nEstimators: 10, seed: 4 }).fit(train.X, y);
    const json = JSON.parse(JSON.stringify(m.toJSON())) as RandomForestRegressorJSON;
    const copy = RandomForestRegressor.fromJSON(json);
    expect(Array.from(copy.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
    expect(new RandomForestRegressor({ nEstimators: 10, seed: 4 }).fit(train.X, y).toJSON()).toEqual(m.toJSON());
    let sse = 0;
    m.predict(test.X).forEach((v, i) => (sse += (v - (test.X[i]![0]! - 2 * test.X[i]![1]!)) ** 2));
    expect(Math.sqrt(sse / test.X.length)).toBeLessThan(0.5);
  });

  it('the classifier round-trips through JSON text; fromJSON refuses a forest without trees', () => {
    const m = new RandomForestClassifier({ nEstimators: 5, seed: 2 }).fit(train.X, train.y.map((v) => (v ? 'b' : 'a')));
    const json = JSON.parse(JSON.stringify(m.toJSON())) as RandomForestClassifierJSON;
    expect(RandomForestClassifier.fromJSON(json).predictProba(test.X)).toEqual(m.predictProba(test.X));
    expect(() => RandomForestClassifier.fromJSON({ ...json, trees: [] })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'trees'));
  });

  it('an abort between trees stops the fit', () => {
    const ac = new AbortController();
    expect(() => new RandomForestClassifier({ nEstimators: 10 }).fit(train.X, train.y, { signal: ac.signal, onProgress: (p) => p.iteration === 2 && ac.abort() })).toThrow(
      typed('AbortError', 'E_ABORTED'),
    );
  });
});

describe('forest bootstrap draws', () => {
  it('count the same rows as n calls of Random.int(n) and leave the stream where those calls leave it', () => {
    // Sizes whose draw limit rejects some 32-bit values (not powers of two), a power of two, and 1.
    for (const [seed, n] of [[0, 29885], [7, 1000], [3, 1024], [11, 1], [5, 3]] as const) {
      const stream = streamWords(new Random(seed));
      const counts = new Float64Array(n);
      drawBootstrap(stream, n, counts);
      const ref = new Random(seed);
      const expected = new Float64Array(n);
      for (let k = 0; k < n; k++) expected[ref.int(n)]! += 1;
      expect(Array.from(counts)).toEqual(Array.from(expected));
      expect(Array.from(stream)).toEqual(Array.from(Int32Array.from(ref.getState().words)));
    }
  });
});

describe('CART on many rows', () => {
  it('a step function of a continuous feature on 70,000 rows gives the exact depth-3 tree (nodes too large for packed sort keys read the ranks alone)', () => {
    const rng = new Random(12);
    const n = 70_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.next();
      y[i] = Math.floor(8 * x[i]!);
    }
    const m = new DecisionTreeRegressor({ maxDepth: 3 }).fit({ x }, y);
    expect(m.tree.feature.length).toBe(15);
    expect(Array.from(m.predict({ x }))).toEqual(Array.from(y));
  });
});
