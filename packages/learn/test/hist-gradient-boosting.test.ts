import { Table } from '@marksman/core';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '@marksman/learn';
import type { HistGradientBoostingClassifierJSON, HistGradientBoostingRegressorJSON } from '@marksman/learn';
import { rocAuc } from '@marksman/metrics';
import { describe, expect, it, vi } from 'vitest';
import { UNROLL_ALL_MAX, instantiateHgbKernel } from '../src/internal/hgb-kernel';
import { binaryTask, deepFreeze, sklearn, typed, withNaN } from './helpers';

/** scikit-learn's snake_case options as ours. */
function options(params: Record<string, number>): Record<string, number> {
  const names: Record<string, string> = {
    max_iter: 'maxIter',
    learning_rate: 'learningRate',
    max_leaf_nodes: 'maxLeafNodes',
    max_depth: 'maxDepth',
    min_samples_leaf: 'minSamplesLeaf',
    l2_regularization: 'l2Regularization',
    max_bins: 'maxBins',
  };
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [names[k]!, v]));
}

describe('histogram gradient boosting equals scikit-learn with early stopping off (fixtures/learn_sklearn.py)', () => {
  sklearn.hgb.forEach((c, k) => {
    it(`case ${k} (${c.kind}, ${JSON.stringify(c.params)}${c.sampleWeight ? ', sample weights' : ''}): predictions on held-out rows with missing values within 1e-6`, () => {
      const X = deepFreeze(withNaN(c.X));
      const y = deepFreeze([...c.y]);
      const o = { ...options(c.params), earlyStopping: false };
      const sampleWeight = c.sampleWeight === null ? null : deepFreeze([...c.sampleWeight]);
      const pred =
        c.kind === 'classifier'
          ? new HistGradientBoostingClassifier(o).fit(X, y, { sampleWeight }).predictProbaOf(withNaN(c.Xtest))
          : new HistGradientBoostingRegressor(o).fit(X, y, { sampleWeight }).predict(withNaN(c.Xtest));
      expect(pred.length).toBe(c.predTest.length);
      pred.forEach((v, i) => expect(Math.abs(v - c.predTest[i]!), `row ${i}`).toBeLessThan(1e-6));
    });
  });
});

describe('HistGradientBoostingClassifier: properties', () => {
  const train = binaryTask(3000, 4, 11);
  const test = binaryTask(1000, 4, 12);

  it('learns the signal (held-out AUC above 0.8) and the loss reported per iteration falls', () => {
    const losses: number[] = [];
    const m = new HistGradientBoostingClassifier({ maxIter: 50, earlyStopping: false }).fit(train.X, train.y, { onProgress: (p) => losses.push(p.loss!) });
    expect(losses.length).toBe(50);
    for (let k = 1; k < losses.length; k++) expect(losses[k]!).toBeLessThan(losses[k - 1]!);
    expect(rocAuc(test.y, m.predictProbaOf(test.X))).toBeGreaterThan(0.8);
  });

  it('the same seed gives the same model; another seed holds out other rows', () => {
    const a = new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: true, seed: 3 }).fit(train.X, train.y);
    const b = new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: true, seed: 3 }).fit(train.X, train.y);
    const c = new HistGradientBoostingClassifier({ maxIter: 30, earlyStopping: true, seed: 4 }).fit(train.X, train.y);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(Array.from(a.validationLoss!)).not.toEqual(Array.from(c.validationLoss!));
  });

  it('early stopping ends the fit once nIterNoChange iterations fail to improve the validation loss by tol', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 500, learningRate: 0.5, earlyStopping: true, nIterNoChange: 5, seed: 1 }).fit(train.X, train.y);
    expect(m.nIter).toBeLessThan(500);
    const v = Array.from(m.validationLoss!);
    expect(v.length).toBe(m.nIter + 1);
    // The rule: none of the last 5 scores beats the one 6 back by more than tol (1e-7).
    const ref = v[v.length - 6]!;
    for (const x of v.slice(-5)) expect(x).toBeGreaterThanOrEqual(ref - 1e-7);
    // Without early stopping every iteration runs, and 'auto' turns it on only above 10,000 rows.
    expect(new HistGradientBoostingClassifier({ maxIter: 40, learningRate: 0.5 }).fit(train.X, train.y).nIter).toBe(40);
    expect(new HistGradientBoostingClassifier({ maxIter: 40 }).fit(train.X, train.y).validationLoss).toBeNull();
  });

  it('rows, typed columns with feature names, records, named columns and a Table give the same model', () => {
    const names = ['recency', 'spend', 'visits', 'tenure'];
    const cols = names.map((_, j) => Float64Array.from(train.X, (r) => r[j]!));
    const named = Object.fromEntries(names.map((f, j) => [f, cols[j]!]));
    const records = train.X.map((r) => Object.fromEntries(names.map((f, j) => [f, r[j]!])));
    const make = () => new HistGradientBoostingClassifier({ maxIter: 10 });
    const fits = [
      make().fit(train.X, train.y, { featureNames: names }),
      make().fit(cols, Int32Array.from(train.y), { featureNames: names }),
      make().fit(records, train.y),
      make().fit(named, train.y),
      make().fit(Table.fromColumns(named), train.y),
    ];
    const ref = fits[0]!.toJSON();
    for (const m of fits) {
      expect(m.featureNames).toEqual(names);
      expect(m.toJSON()).toEqual(ref);
    }
    const p = fits[0]!.predictProbaOf([{ visits: 0.3, tenure: 1, recency: -1, spend: 0.5 }])[0];
    expect(fits[0]!.predictProbaOf([[-1, 0.5, 0.3, 1]])[0]).toBe(p);
    expect(fits[0]!.predictProbaOf([[-1], [0.5], [0.3], [1]].map((v) => Float64Array.from(v)))[0]).toBe(p);
  });

  it('predict, predictProba, predictProbaOf and decisionFunction agree', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 20 }).fit(train.X, train.y.map((v) => (v ? 'yes' : 'no')));
    const rows = test.X.slice(0, 30);
    const raw = m.decisionFunction(rows);
    const proba = m.predictProba(rows);
    const yes = m.predictProbaOf(rows, 'yes');
    const no = m.predictProbaOf(rows, 'no');
    const pred = m.predict(rows);
    rows.forEach((_, i) => {
      expect(proba[i]![1]).toBeCloseTo(1 / (1 + Math.exp(-raw[i]!)), 14);
      expect(yes[i]).toBe(proba[i]![1]);
      expect(no[i]).toBe(proba[i]![0]);
      expect(pred[i]).toBe(proba[i]![1]! > 0.5 ? 'yes' : 'no');
    });
    const imp = m.featureImportances;
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(imp[0]).toBeGreaterThan(imp[3]!); // x0 carries the signal, x3 none
  });

  it('missing values: NaN in rows and null in records are the same missing value', () => {
    const X = train.X.map((r, i) => (i % 6 === 0 ? [NaN, ...r.slice(1)] : r));
    const m = new HistGradientBoostingClassifier({ maxIter: 10 }).fit(X, train.y);
    const a = m.predictProbaOf([[NaN, 0, 0, 0]])[0];
    expect(m.predictProbaOf([{ x0: null, x1: 0, x2: 0, x3: 0 }])[0]).toBe(a);
  });

  it('sample weights: an integer weight equals repeating the row', () => {
    const n = 400;
    const X = train.X.slice(0, n).map((r) => r.map((v) => Math.round(v * 10) / 10)); // ≤ 41 distinct values: bins at midpoints
    const y = train.y.slice(0, n);
    const w = y.map((_, i) => (i % 3 === 0 ? 2 : 1));
    const X2: number[][] = [];
    const y2: number[] = [];
    X.forEach((r, i) => {
      for (let k = 0; k < w[i]!; k++) {
        X2.push(r);
        y2.push(y[i]!);
      }
    });
    // minSamplesLeaf counts rows, so it is 1 on both sides; with few distinct values the bins are the same on both sides.
    const o = { maxIter: 5, minSamplesLeaf: 1, earlyStopping: false } as const;
    const a = new HistGradientBoostingClassifier(o).fit(X, y, { sampleWeight: w });
    const b = new HistGradientBoostingClassifier(o).fit(X2, y2);
    const pa = a.predictProbaOf(test.X.slice(0, 50));
    const pb = b.predictProbaOf(test.X.slice(0, 50));
    pa.forEach((v, i) => expect(v).toBeCloseTo(pb[i]!, 5));
  });

  it('toJSON → JSON text → fromJSON predicts identically; fromJSON refuses damage, naming the field', () => {
    const m = new HistGradientBoostingClassifier({ maxIter: 15, earlyStopping: true, seed: 2 }).fit(withNaN(sklearn.hgb[0]!.X), sklearn.hgb[0]!.y);
    const json = JSON.parse(JSON.stringify(m.toJSON())) as HistGradientBoostingClassifierJSON;
    const copy = HistGradientBoostingClassifier.fromJSON(json);
    expect(copy.toJSON()).toEqual(m.toJSON());
    const rows = withNaN(sklearn.hgb[0]!.Xtest);
    expect(Array.from(copy.predictProbaOf(rows))).toEqual(Array.from(m.predictProbaOf(rows)));
    const bad = (patch: Record<string, unknown>) => ({ ...json, ...patch }) as unknown as HistGradientBoostingClassifierJSON;
    expect(() => HistGradientBoostingClassifier.fromJSON(bad({ classes: [0, 1, 2] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'classes'));
    expect(() => HistGradientBoostingClassifier.fromJSON(bad({ type: 'marksman.HistGradientBoostingRegressor' }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'type'));
    expect(() => HistGradientBoostingClassifier.fromJSON(bad({ baseline: 'x' }))).toThrow(typed('ValidationError', 'E_MODEL_JSON'));
    expect(() => HistGradientBoostingClassifier.fromJSON(bad({ binThresholds: [[2, 1]] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON'));
    const tree = { ...json.trees[0]!, feature: json.trees[0]!.feature.map((f) => (f >= 0 ? 99 : f)) };
    expect(() => HistGradientBoostingClassifier.fromJSON(bad({ trees: [tree] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON'));
  });
});

describe('HistGradientBoostingRegressor: properties', () => {
  const n = 2000;
  const X = Array.from({ length: n }, (_, i) => [Math.sin(i), (i % 17) / 17, (i * 7919) % 13]);
  const y = X.map(([a, b]) => 3 * a! + (b! > 0.5 ? 2 : 0));

  it('fits a noiseless target closely, seeded and deterministic, and round-trips through JSON', () => {
    const m = new HistGradientBoostingRegressor({ maxIter: 200, seed: 1 }).fit(X, y);
    const pred = m.predict(X);
    let sse = 0;
    pred.forEach((v, i) => (sse += (v - y[i]!) ** 2));
    expect(Math.sqrt(sse / n)).toBeLessThan(0.1);
    expect(new HistGradientBoostingRegressor({ maxIter: 200, seed: 1 }).fit(X, y).toJSON()).toEqual(m.toJSON());
    const copy = HistGradientBoostingRegressor.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as HistGradientBoostingRegressorJSON);
    expect(Array.from(copy.predict(X))).toEqual(Array.from(pred));
    expect(copy.nIter).toBe(m.nIter);
  });

  it('predicts on typed columns with feature names and on named columns alike', () => {
    const cols = [0, 1, 2].map((j) => Float64Array.from(X, (r) => r[j]!));
    const m = new HistGradientBoostingRegressor({ maxIter: 20 }).fit(cols, Float64Array.from(y), { featureNames: ['a', 'b', 'c'] });
    expect(Array.from(m.predict({ c: cols[2]!, a: cols[0]!, b: cols[1]! }))).toEqual(Array.from(m.predict(cols)));
  });

  it('early stopping on a regressor watches the squared error', () => {
    const m = new HistGradientBoostingRegressor({ maxIter: 1000, earlyStopping: true, learningRate: 0.5, seed: 0 }).fit(X, y);
    expect(m.nIter).toBeLessThan(1000);
    expect(m.validationLoss!.length).toBe(m.nIter + 1);
    expect(m.validationLoss![m.nIter]!).toBeLessThan(m.validationLoss![0]!);
  });
});

describe('histogram gradient boosting: the WebAssembly kernel and its JavaScript fallback grow the same trees', () => {
  /** n rows of p features with about 3 % missing values, a 0/1 label and positive weights, from a seed. */
  function data(n: number, p: number, seed: number): { X: number[][]; y: number[]; target: number[]; w: number[] } {
    let s = seed;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const X = Array.from({ length: n }, () => Array.from({ length: p }, (_, j) => (next() < 0.03 ? NaN : j % 3 === 0 ? Math.floor(next() * 5) : next() * 2 - 1)));
    const target = X.map((r) => (Number.isNaN(r[0]!) ? 1 : r[0]!) - 2 * (Number.isNaN(r[1]!) ? 0 : r[1]!) + next());
    return { X, y: target.map((v) => (v > 1 ? 1 : 0)), target, w: X.map(() => 0.5 + next()) };
  }
  const cases = [
    { name: 'p = 6 (the unrolled histogram loop), 31 leaves', n: 1500, p: 6, o: {} },
    { name: `p = ${UNROLL_ALL_MAX + 3} (the histogram loop over features)`, n: 400, p: UNROLL_ALL_MAX + 3, o: { maxIter: 5 } },
    { name: 'no leaf limit (histogram slots beyond the first 66)', n: 3000, p: 5, o: { maxLeafNodes: null, minSamplesLeaf: 3, maxIter: 4 } },
  ];

  it('Node has the kernel', () => {
    expect(instantiateHgbKernel(6, 256)).not.toBeNull();
  });

  it('without WebAssembly the fit runs its JavaScript loops and gives the same models (classifier, regressor, with and without weights)', async () => {
    const fits = (C: typeof HistGradientBoostingClassifier, R: typeof HistGradientBoostingRegressor) =>
      cases.map(({ n, p, o }) => {
        const d = data(n, p, n + p);
        const opts = { maxIter: 15, earlyStopping: false, ...o };
        return [
          new C(opts).fit(d.X, d.y).toJSON(),
          new C(opts).fit(d.X, d.y, { sampleWeight: d.w }).toJSON(),
          new R(opts).fit(d.X, d.target).toJSON(),
          new R(opts).fit(d.X, d.target, { sampleWeight: d.w }).toJSON(),
        ];
      });
    const withKernel = fits(HistGradientBoostingClassifier, HistGradientBoostingRegressor);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const plain = await import('../src/index');
      const js = fits(plain.HistGradientBoostingClassifier as unknown as typeof HistGradientBoostingClassifier, plain.HistGradientBoostingRegressor as unknown as typeof HistGradientBoostingRegressor);
      cases.forEach((c, k) => {
        expect(withKernel[k]![0]!.trees.length, c.name).toBeGreaterThan(1);
        expect(js[k], c.name).toEqual(withKernel[k]);
      });
      // the no-limit case grew trees with more leaves than the first histogram slots hold
      expect(Math.max(...withKernel[2]![0]!.trees.map((t) => t.feature.filter((f) => f < 0).length))).toBeGreaterThan(66);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
