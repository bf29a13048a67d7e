import { readFileSync } from 'node:fs';
import type { MarksmanError } from '@marksman/core';
import { AbortError, OptionsError, Random, Table, ValidationError } from '@marksman/core';
import { segmentRules, SegmentRulesModel, type SegmentLabel } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

function expectCode(fn: () => unknown, cls: typeof MarksmanError, code: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as MarksmanError).code).toBe(code);
}

interface SkCase {
  name: string;
  params: { criterion: 'gini' | 'entropy'; max_depth: number; min_samples_leaf: number; class_weight?: 'balanced' };
  X: number[][];
  y: SegmentLabel[];
  Xtest: number[][];
  classes: SegmentLabel[];
  feature: number[];
  threshold: (number | null)[];
  left: number[];
  right: number[];
  samples: number[];
  importances: number[];
  predictTest: SegmentLabel[];
  probaTest: number[][];
}
// Produced by fixtures/tree_sklearn.py (scikit-learn DecisionTreeClassifier, random_state=0, tie-free data).
const fixture = JSON.parse(readFileSync(new URL('./fixtures/tree-sklearn.json', import.meta.url), 'utf8')) as { cases: SkCase[] };
const names = ['recency', 'frequency', 'monetary', 'engagement'];
const toRecords = (X: number[][]) => Object.freeze(X.map((r) => Object.freeze(Object.fromEntries(r.map((v, j) => [names[j]!, v])))));

describe('segmentRules matches scikit-learn DecisionTreeClassifier', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: same structure, thresholds, samples, importances, predictions and probabilities`, () => {
      const m = segmentRules(toRecords(c.X), Object.freeze([...c.y]), {
        criterion: c.params.criterion,
        maxDepth: c.params.max_depth,
        minSamplesLeaf: c.params.min_samples_leaf,
        classWeight: c.params.class_weight ?? null,
      });
      expect(m.classes).toEqual(c.classes);
      expect(m.nodes.map((n) => (n.feature === null ? -1 : names.indexOf(n.feature)))).toEqual(c.feature);
      expect(m.nodes.map((n) => n.left)).toEqual(c.left);
      expect(m.nodes.map((n) => n.right)).toEqual(c.right);
      expect(m.nodes.map((n) => n.samples)).toEqual(c.samples);
      m.nodes.forEach((n, i) => {
        const ref = c.threshold[i];
        if (ref === null) expect(n.threshold).toBeNull();
        // scikit-learn stores X as float32: midpoints agree to float32 precision
        else expect(Math.abs(n.threshold! - ref!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref!)));
      });
      const imp = new Map(m.featureImportances.map((f) => [f.feature, f.importance]));
      c.importances.forEach((v, j) => expect(imp.get(names[j]!)).toBeCloseTo(v, 10));
      expect(m.predict(toRecords(c.Xtest))).toEqual(c.predictTest);
      const proba = m.predictProba(toRecords(c.Xtest));
      proba.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(c.probaTest[i]![k]!, 10)));
    });
  }
});

/** Planted rules: Champions = recency ≤ 30 and orders > 4, Lost = recency > 180, else Others. */
function planted(n: number, seed: number, noise = 0): { rows: { customerId: number; recency: number; orders: number; spend: number }[]; labels: string[] } {
  const rng = new Random(seed);
  const rows = [];
  const labels = [];
  for (let i = 0; i < n; i++) {
    const recency = rng.int(365);
    const orders = 1 + rng.int(12);
    const spend = Math.round(rng.uniform(0, 500) * 100) / 100;
    rows.push({ customerId: i, recency, orders, spend });
    let label = recency <= 30 && orders > 4 ? 'Champions' : recency > 180 ? 'Lost' : 'Others';
    if (rng.next() < noise) label = ['Champions', 'Lost', 'Others'][rng.int(3)]!;
    labels.push(label);
  }
  return { rows, labels };
}

describe('segmentRules: readable rules', () => {
  const { rows, labels } = planted(3000, 1);
  const m = segmentRules(Object.freeze(rows.map((r) => Object.freeze(r))), Object.freeze(labels), { maxDepth: 3, units: { recency: 'days' } });

  it('recovers planted cut points as integer thresholds with units', () => {
    const champions = m.rules.filter((r) => r.label === 'Champions');
    expect(champions).toHaveLength(1);
    expect(champions[0]!.text).toMatch(/^recency ≤ 30 days and orders > 4 → Champions: 100% of [\d,]+ customers$/);
    expect(champions[0]!.conditions.map((c) => [c.feature, c.min, c.max])).toEqual([
      ['recency', null, 30.5],
      ['orders', 4.5, null],
    ]);
    expect(m.rules.some((r) => r.label === 'Lost' && /recency > 180 days/.test(r.text))).toBe(true);
    expect(m.featureImportances.map((f) => f.feature)).toEqual(['recency', 'orders', 'spend']);
    expect(m.featureImportances[2]!.importance).toBe(0);
  });

  it('rules partition the customers: samples sum to n, ruleIndex agrees with the conditions and predict', () => {
    expect(m.rules.reduce((s, r) => s + r.samples, 0)).toBe(rows.length);
    const idx = m.ruleIndex(rows);
    const pred = m.predict(rows);
    rows.forEach((row, i) => {
      const rule = m.rules[idx[i]!]!;
      for (const c of rule.conditions) {
        const v = row[c.feature as 'recency'];
        if (c.min !== null) expect(v).toBeGreaterThan(c.min);
        if (c.max !== null) expect(v).toBeLessThanOrEqual(c.max);
      }
      expect(pred[i]).toBe(rule.label);
    });
    for (const r of m.rules) expect(r.probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('formats large counts and non-integer thresholds readably', () => {
    const big = segmentRules(
      Array.from({ length: 2500 }, (_, i) => ({ score: i / 1000 })),
      Array.from({ length: 2500 }, (_, i) => (i < 1234 ? 'low' : 'high')),
    );
    expect(big.toText()).toBe('score ≤ 1.234 → low: 100% of 1,234 customers\nscore > 1.234 → high: 100% of 1,266 customers');
  });

  it('writes a currency sign before the number and other units after it', () => {
    const spend = Array.from({ length: 200 }, (_, i) => ({ spend: 10 + i * 0.5, days: i % 50 }));
    const labels = spend.map((r) => (r.spend <= 59.75 ? 'low' : 'high'));
    expect(segmentRules(spend, labels, { units: { spend: '$', days: 'days' } }).toText()).toBe('spend ≤ $59.75 → low: 100% of 100 customers\nspend > $59.75 → high: 100% of 100 customers');
    const three = spend.map((r) => (r.spend <= 30 ? 'a' : r.spend <= 60 ? 'b' : 'c'));
    const texts = segmentRules(spend, three, { maxDepth: 2, units: { spend: '€' } }).rules.map((r) => r.text);
    expect(texts.some((t) => /^€30\.25 < spend ≤ €60\.25 → b/.test(t) || /spend > €30\.25 and spend ≤ €60\.25/.test(t))).toBe(true);
    expect(texts.join(' ')).not.toMatch(/\d €/);
  });

  it('accepts a core Table, ignores the id column, and round-trips through JSON', () => {
    const t = Table.fromRecords(rows);
    const m2 = segmentRules(t, labels, { maxDepth: 3, units: { recency: 'days' } });
    expect(m2.toText()).toBe(m.toText());
    const back = SegmentRulesModel.fromJSON(JSON.parse(JSON.stringify(m2.toJSON())));
    expect(back.toText()).toBe(m2.toText());
    expect(back.predictProba(rows.slice(0, 50))).toEqual(m2.predictProba(rows.slice(0, 50)));
    expect(back.featureImportances).toEqual(m2.featureImportances);
  });

  it('a single class gives one rule covering everyone', () => {
    const one = segmentRules([{ x: 1 }, { x: 2 }], ['a', 'a']);
    expect(one.toText()).toBe('all customers → a: 100% of 2 customers');
    expect(one.featureImportances[0]!.importance).toBe(0);
  });

  it('class weights move the decision toward the rare class (balanced vs none)', () => {
    const rng = new Random(5);
    const xs = Array.from({ length: 400 }, () => ({ x: rng.uniform(0, 1) }));
    const ys = xs.map((r) => (rng.next() < 0.05 + 0.35 * r.x ? 1 : 0));
    const plain = segmentRules(xs, ys, { maxDepth: 1 });
    const balanced = segmentRules(xs, ys, { maxDepth: 1, classWeight: 'balanced' });
    const share = (mm: SegmentRulesModel) => mm.predict(xs).filter((v) => v === 1).length;
    expect(share(balanced)).toBeGreaterThan(share(plain));
    const custom = segmentRules(xs, ys, { maxDepth: 1, classWeight: { '1': 10 } });
    expect(share(custom)).toBeGreaterThan(share(plain));
  });
});

describe('segmentRules: split search', () => {
  it('breaks ties deterministically: lowest feature index, then lowest threshold', () => {
    // a and b are copies: equally good splits on both → a (first column) wins
    const rows = [1, 2, 3, 4].map((v) => ({ a: v, b: v }));
    expect(segmentRules(rows, ['x', 'x', 'y', 'y']).nodes[0]!.feature).toBe('a');
    expect(segmentRules(rows, ['x', 'x', 'y', 'y'], { features: ['b', 'a'] }).nodes[0]!.feature).toBe('b');
    // labels x y x: splitting after 1 or after 2 isolates one row either way (same gini) → the lower threshold 1.5
    const m = segmentRules([{ v: 1 }, { v: 2 }, { v: 3 }], ['x', 'y', 'x'], { maxDepth: 1 });
    expect(m.nodes[0]!.threshold).toBe(1.5);
  });

  it('only splits between distinct values, at their midpoint, honouring minSamplesLeaf and minSamplesSplit', () => {
    const rng = new Random(8);
    const rows = Array.from({ length: 300 }, () => ({ visits: rng.int(6), spend: Math.round(rng.uniform(0, 20)) / 2 }));
    const labels = rows.map((r) => (r.visits + r.spend / 4 + rng.normal(0, 1) > 4 ? 'buy' : 'skip'));
    const m = segmentRules(rows, labels, { maxDepth: 8, minSamplesLeaf: 7, minSamplesSplit: 20 });
    const idx = m.ruleIndex(rows);
    // rows reaching each node, by walking the tree
    const members: (typeof rows)[] = m.nodes.map(() => []);
    for (const r of rows) {
      let id = 0;
      for (;;) {
        members[id]!.push(r);
        const nd = m.nodes[id]!;
        if (nd.feature === null) break;
        id = r[nd.feature as 'visits'] <= nd.threshold! ? nd.left : nd.right;
      }
    }
    for (const node of m.nodes) {
      expect(members[node.id]!.length).toBe(node.samples);
      if (node.feature === null) {
        expect(node.samples).toBeGreaterThanOrEqual(7);
        continue;
      }
      expect(node.samples).toBeGreaterThanOrEqual(20);
      const values = [...new Set(members[node.id]!.map((r) => r[node.feature as 'visits']))].sort((a, b) => a - b);
      const k = values.findIndex((v) => v > node.threshold!);
      expect(k).toBeGreaterThan(0);
      expect(node.threshold).toBe((values[k - 1]! + values[k]!) / 2);
      expect(m.nodes[node.left]!.samples + m.nodes[node.right]!.samples).toBe(node.samples);
      expect(m.nodes[node.left]!.depth).toBe(node.depth + 1);
    }
    expect(m.nodes.reduce((d, nd) => Math.max(d, nd.depth), 0)).toBeLessThanOrEqual(8);
    // counts of the rules equal how many training rows fall into each
    m.rules.forEach((r, k) => expect(Array.from(idx).filter((v) => v === k).length).toBe(r.samples));
  });
});

describe('segmentRules: random forest', () => {
  const train = planted(1500, 2, 0.1);
  const test = planted(1000, 3);
  it('is deterministic by seed, reports progress, and predicts held-out planted labels well', () => {
    const progress: number[] = [];
    const opts = { maxDepth: 2, forest: { trees: 25, seed: 7, maxFeatures: 'all' as const, minSamplesLeaf: 3 }, onProgress: (p: { tree: number }) => progress.push(p.tree) };
    const f1 = segmentRules(train.rows, train.labels, opts);
    const f2 = segmentRules(train.rows, train.labels, opts);
    expect(progress).toHaveLength(50);
    expect(f1.predictProba(test.rows)).toEqual(f2.predictProba(test.rows));
    const acc = (pred: SegmentLabel[]) => pred.filter((v, i) => v === test.labels[i]).length / test.labels.length;
    const forestAcc = acc(f1.predict(test.rows));
    const treeAcc = acc(segmentRules(train.rows, train.labels, { maxDepth: 2 }).predict(test.rows));
    expect(forestAcc).toBeGreaterThan(0.95);
    expect(forestAcc).toBeGreaterThan(treeAcc); // the depth-2 tree cannot express the three planted regions
    const fi = f1.forestImportances!;
    expect(fi.reduce((s, v) => s + v.importance, 0)).toBeCloseTo(1, 10);
    expect(fi[fi.length - 1]!.feature).toBe('spend');
    const back = SegmentRulesModel.fromJSON(JSON.parse(JSON.stringify(f1.toJSON())));
    expect(back.predictProba(test.rows.slice(0, 100))).toEqual(f1.predictProba(test.rows.slice(0, 100)));
    expect(back.forestImportances).toEqual(f1.forestImportances);
    const sqrt = segmentRules(train.rows, train.labels, { forest: { trees: 5 } });
    expect(sqrt.forestImportances).toHaveLength(3);
  });

  it('stops on an aborted signal', () => {
    const c = new AbortController();
    c.abort();
    expectCode(() => segmentRules(train.rows, train.labels, { forest: { trees: 3 }, signal: c.signal }), AbortError, 'E_ABORTED');
  });
});

describe('segmentRules: bad input', () => {
  const rows = [{ x: 1 }, { x: 2 }];
  it('throws typed errors', () => {
    expectCode(() => segmentRules([], []), ValidationError, 'E_EMPTY');
    expectCode(() => segmentRules(null as never, []), ValidationError, 'E_PROFILES_TYPE');
    expectCode(() => segmentRules([{ name: 'a' }], ['x']), ValidationError, 'E_NO_FEATURES');
    expectCode(() => segmentRules(rows, ['a', 'b'], { features: [] }), ValidationError, 'E_NO_FEATURES');
    expectCode(() => segmentRules(rows, ['a', 'b'], { features: ['y'] }), ValidationError, 'E_FEATURE_MISSING');
    expectCode(() => segmentRules(Table.fromRecords(rows), ['a', 'b'], { features: ['y'] }), ValidationError, 'E_FEATURE_MISSING');
    expectCode(() => segmentRules([{ x: 1 }, { x: Infinity }], ['a', 'b']), ValidationError, 'E_NOT_FINITE');
    expectCode(() => segmentRules(Table.fromRecords([{ x: 1 }, { x: null }]), ['a', 'b']), ValidationError, 'E_NOT_FINITE');
    expectCode(() => segmentRules(rows, ['a']), ValidationError, 'E_LABELS_LENGTH');
    expectCode(() => segmentRules(rows, ['a', null] as never), ValidationError, 'E_LABEL_TYPE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { maxDepth: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { minSamplesLeaf: 1.5 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { criterion: 'log' as never }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { classWeight: { c: 2 } }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { classWeight: { a: -1 } }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { forest: { maxFeatures: 0 } }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => segmentRules(rows, ['a', 'b'], { forest: { tree: 3 } as never }), OptionsError, 'E_OPTION_UNKNOWN');
    expectCode(() => segmentRules(rows, ['a', 'b'], { depth: 3 } as never), OptionsError, 'E_OPTION_UNKNOWN');
    const m = segmentRules(rows, ['a', 'b']);
    expectCode(() => m.predict([{ y: 1 }]), ValidationError, 'E_FEATURE_MISSING');
    expectCode(() => SegmentRulesModel.fromJSON({ type: 'x' } as never), ValidationError, 'E_MODEL_JSON');
  });
});
