// Every segmentation export refuses bad input with a typed error naming the
// field, refuses damaged snapshots, bounds its loops, and honours an
// AbortSignal (issue #16).
import { describe, expect, it } from 'vitest';
import { Table } from '@marksman/core';
import {
  KMeansModel,
  SegmentRulesModel,
  calinskiHarabasz,
  chooseK,
  daviesBouldin,
  describeClusters,
  kmeans,
  lookalike,
  miniBatchKMeans,
  rfmScores,
  rfmSegments,
  segmentRules,
  silhouetteScore,
} from '@marksman/segmentation';

/** A saved segmentRules model with every field writable, to damage it. */
interface TreeJ { feature: number[]; threshold: (number | null)[]; left: number[]; right: number[]; samples: number[]; value: number[]; counts: number[]; impurity: number[]; depth: number[]; importances: number[] }
interface ModelJ { version: number; features: string[]; classes: unknown[]; integerFeatures: boolean[]; units: Record<string, unknown>; forest?: TreeJ[] | string | null; tree: TreeJ }

const points = Object.freeze([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1]].map((r) => Object.freeze(r)));
const labels = Object.freeze([0, 0, 0, 1, 1, 1, 2, 2]);
const typed = (code: string, field?: string) => expect.objectContaining(field === undefined ? { code } : { code, field });

describe('k-means: bounds, callbacks, abort', () => {
  it('refuses absurd loop sizes (nInit ≤ 10,000, maxIterations ≤ 1,000,000) and seeds that are not safe integers, naming the function', () => {
    for (const fit of [kmeans, miniBatchKMeans]) {
      expect(() => fit(points, 2, { nInit: 10_001 })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_OPTION_RANGE', field: 'nInit' }));
      expect(() => fit(points, 2, { maxIterations: 1_000_001 })).toThrow(typed('E_OPTION_RANGE', 'maxIterations'));
      expect(() => fit(points, 2, { seed: 0.5 })).toThrow(expect.objectContaining({ code: 'E_SEED', field: 'seed', source: fit.name }));
      // The limits themselves are allowed (given centers make nInit moot, so this stays quick).
      expect(() => fit(points, 2, { nInit: 10_000, maxIterations: 1_000_000, seed: 1, init: [[0, 0], [10, 10]] })).not.toThrow();
    }
    expect(() => chooseK(points, { kRange: [2, 3], nInit: 1e308 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'nInit', source: 'chooseK' }));
    expect(() => chooseK(points, { kRange: [2, 3], maxIterations: 2_000_000 })).toThrow(typed('E_OPTION_RANGE', 'maxIterations'));
    expect(() => chooseK(points, { kRange: [2, 3], seed: Number.NaN })).toThrow(typed('E_SEED', 'seed'));
    expect(() => chooseK(points, { kRange: [2, 3], tolerance: -1 })).toThrow(typed('E_OPTION_RANGE', 'tolerance'));
    expect(() => chooseK(points, { kRange: [2, 3], algorithm: 'hartigan' as never })).toThrow(typed('E_OPTION_RANGE', 'algorithm'));
    expect(() => chooseK(points, { kRange: [2, 3], silhouetteSampleSize: 1 })).toThrow(typed('E_OPTION_RANGE', 'silhouetteSampleSize'));
    // A range beyond the data is refused before any fit, even without scores.
    expect(() => chooseK(points, { kRange: [1, Number.MAX_SAFE_INTEGER], metrics: [] })).toThrow(typed('E_OPTION_RANGE', 'kRange'));
    expect(() => chooseK(points, { kRange: [2, 10n] as never })).toThrow(typed('E_OPTION_RANGE', 'kRange'));
    expect(() => silhouetteScore(points, labels, { seed: 1.5 })).toThrow(expect.objectContaining({ code: 'E_SEED', source: 'silhouetteScore' }));
  });

  it('refuses onProgress that is not a function and signal that is not an AbortSignal (was a TypeError mid-fit)', () => {
    const bad = [5, 'log', {}, true];
    for (const onProgress of bad) {
      expect(() => kmeans(points, 2, { onProgress: onProgress as never })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_OPTION_TYPE', field: 'onProgress' }));
      expect(() => miniBatchKMeans(points, 2, { onProgress: onProgress as never })).toThrow(typed('E_OPTION_TYPE', 'onProgress'));
      expect(() => chooseK(points, { kRange: [2, 3], onProgress: onProgress as never })).toThrow(typed('E_OPTION_TYPE', 'onProgress'));
      expect(() => segmentRules([{ x: 1 }, { x: 2 }], ['a', 'b'], { onProgress: onProgress as never })).toThrow(typed('E_OPTION_TYPE', 'onProgress'));
    }
    for (const signal of ['stop', 1, {}]) {
      expect(() => kmeans(points, 2, { signal: signal as never })).toThrow(typed('E_OPTION_TYPE', 'signal'));
      expect(() => silhouetteScore(points, labels, { signal: signal as never })).toThrow(typed('E_OPTION_TYPE', 'signal'));
      expect(() => segmentRules([{ x: 1 }, { x: 2 }], ['a', 'b'], { signal: signal as never })).toThrow(typed('E_OPTION_TYPE', 'signal'));
    }
  });

  it('an aborted signal stops every fit before it starts, and an abort from onProgress stops a long fit', () => {
    const aborted = AbortSignal.abort();
    expect(() => kmeans(points, 2, { signal: aborted, init: [[0, 0], [10, 10]] })).toThrow(expect.objectContaining({ name: 'AbortError', code: 'E_ABORTED' }));
    expect(() => miniBatchKMeans(points, 2, { signal: aborted })).toThrow(typed('E_ABORTED'));
    expect(() => chooseK(points, { kRange: [2, 3], signal: aborted })).toThrow(typed('E_ABORTED'));
    expect(() => segmentRules([{ x: 1 }, { x: 2 }], ['a', 'b'], { signal: aborted })).toThrow(typed('E_ABORTED'));
    // A mini-batch fit of a million passes without early stopping, aborted at its first step.
    const ctl = new AbortController();
    let steps = 0;
    const rows = Array.from({ length: 200 }, (_, i) => [i % 7, i % 3]);
    expect(() => miniBatchKMeans(rows, 3, { batchSize: 4, maxIterations: 1_000_000, maxNoImprovement: null, signal: ctl.signal, onProgress: () => { steps++; ctl.abort(); } })).toThrow(typed('E_ABORTED'));
    expect(steps).toBe(1);
    const stop = new AbortController();
    let trees = 0;
    expect(() => segmentRules([{ x: 1 }, { x: 2 }, { x: 3 }], ['a', 'b', 'b'], { forest: { trees: 10_000 }, signal: stop.signal, onProgress: () => { trees++; stop.abort(); } })).toThrow(typed('E_ABORTED'));
    expect(trees).toBe(1);
  });
});

describe('KMeansModel: constructor and fromJSON check what they are given', () => {
  const model = kmeans(points, 3, { seed: 1 });
  const json = () => JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;

  it('round-trips, and refuses out-of-range labels, non-numeric inertia, bad iterations and converged flags', () => {
    expect(KMeansModel.fromJSON(model.toJSON()).predict(points)).toEqual(model.predict(points));
    const damaged: Array<[string, unknown]> = [
      ['labels', [0, 1, 7]],
      ['labels', [0, -1]],
      ['labels', [0.5]],
      ['labels', 'x'],
      ['inertia', 'x'],
      ['inertia', null],
      ['inertia', -1],
      ['iterations', 1.5],
      ['iterations', '3'],
      ['converged', 'yes'],
      ['centroids', [[1, 2], [1]]],
      ['centroids', [[1, null]]],
      ['centroids', []],
    ];
    for (const [field, value] of damaged) {
      expect(() => KMeansModel.fromJSON({ ...json(), [field]: value } as never), `${field} = ${JSON.stringify(value)}`).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_MODEL_JSON', field }));
    }
    for (const bad of [null, 5, 'x', []]) expect(() => KMeansModel.fromJSON(bad as never)).toThrow(typed('E_MODEL_JSON', 'json'));
  });

  it('the public constructor refuses parts a fit could not have produced (E_MODEL_PARTS)', () => {
    expect(() => new KMeansModel([0, 1] as never, [[0], [1]], 0, 1, true)).toThrow(expect.objectContaining({ code: 'E_MODEL_PARTS', field: 'labels' }));
    expect(() => new KMeansModel(Int32Array.of(2), [[0], [1]], 0, 1, true)).toThrow(typed('E_MODEL_PARTS', 'labels'));
    expect(() => new KMeansModel(Int32Array.of(0), [[Number.NaN]], 0, 1, true)).toThrow(typed('E_MODEL_PARTS', 'centroids'));
    expect(() => new KMeansModel(Int32Array.of(0), [[0]], Number.NaN, 1, true)).toThrow(typed('E_MODEL_PARTS', 'inertia'));
    expect(() => new KMeansModel(Int32Array.of(0), [[0]], 0, -1, true)).toThrow(typed('E_MODEL_PARTS', 'iterations'));
    expect(() => new KMeansModel(Int32Array.of(0), [[0]], 0, 1, 1 as never)).toThrow(typed('E_MODEL_PARTS', 'converged'));
    expect(new KMeansModel(Int32Array.of(0, 1), [[0], [5]], 2, 3, false).predict([[4]])).toEqual(Int32Array.of(1));
  });
});

describe('segmentRules and SegmentRulesModel.fromJSON', () => {
  const profiles = Object.freeze([{ recency: 5, orders: 3 }, { recency: 9, orders: 1 }, { recency: 60, orders: 4 }, { recency: 90, orders: 2 }, { recency: 30, orders: 9 }].map((r) => Object.freeze(r)));
  const segs = Object.freeze(['a', 'a', 'b', 'b', 'a']);
  const model = segmentRules(profiles, segs, { forest: { trees: 3, seed: 2 } });
  const json = (): ModelJ => JSON.parse(JSON.stringify(model.toJSON())) as ModelJ;

  it('refuses a tree whose children loop back (predict would never end) or are shared, instead of overflowing the stack', () => {
    const loop = json();
    loop.tree.left = loop.tree.left.map((v) => (v > 0 ? 0 : v));
    expect(() => SegmentRulesModel.fromJSON(loop as never)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_MODEL_JSON', field: 'tree.left' }));
    const shared = json();
    shared.tree.right = shared.tree.right.map((v, i) => (shared.tree.left[i]! >= 0 ? shared.tree.left[i]! : v));
    expect(() => SegmentRulesModel.fromJSON(shared as never)).toThrow(typed('E_MODEL_JSON'));
    expect(SegmentRulesModel.fromJSON(json() as never).predict(profiles)).toEqual(model.predict(profiles));
  });

  it('refuses damaged fields with E_MODEL_JSON naming them', () => {
    const cases: Array<[string, (j: ReturnType<typeof json>) => void]> = [
      ['version', (j) => { j.version = 2; }],
      ['features', (j) => { j.features = []; }],
      ['features', (j) => { j.features = ['recency', 'recency']; }],
      ['classes', (j) => { j.classes = ['a', Number.NaN]; }],
      ['integerFeatures', (j) => { j.integerFeatures = [true]; }],
      ['units', (j) => { j.units = { recency: 5 }; }],
      ['forest', (j) => { j.forest = 'x'; }],
      ['forest', (j) => { delete j.forest; }],
      ['tree', (j) => { j.tree = null as never; }],
      ['tree.value', (j) => { j.tree.value = j.tree.value.slice(1); }],
      ['tree.value', (j) => { j.tree.value[0] = -1; }],
      ['tree.counts', (j) => { j.tree.counts[0] = 0.5; }],
      ['tree.feature', (j) => { j.tree.feature[0] = 7; }],
      ['tree.threshold', (j) => { j.tree.threshold[0] = null; }],
      ['tree.threshold', (j) => { j.tree.threshold[1] = 3; }],
      ['tree.samples', (j) => { j.tree.samples[0] = 0; }],
      ['tree.depth', (j) => { j.tree.depth[1] = 5; }],
      ['tree.impurity', (j) => { j.tree.impurity[0] = Number.NaN; }],
      ['tree.importances', (j) => { j.tree.importances = [1]; }],
      ['forest[1].left', (j) => { (j.forest as TreeJ[])[1]!.left[0] = 0; }],
    ];
    for (const [field, damage] of cases) {
      const j = json();
      damage(j);
      expect(() => SegmentRulesModel.fromJSON(j as never), field).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field }));
    }
  });

  it('bounds the forest (trees ≤ 10,000), checks seeds, names, units and class weights, and reads odd profiles without raw errors', () => {
    expect(() => segmentRules(profiles, segs, { forest: { trees: 1e308 } })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_OPTION_RANGE', field: 'forest.trees' }));
    expect(() => segmentRules(profiles, segs, { forest: { trees: 10_001 } })).toThrow(typed('E_OPTION_RANGE', 'forest.trees'));
    expect(() => segmentRules(profiles, segs, { forest: { seed: 0.5 } })).toThrow(typed('E_SEED', 'forest.seed'));
    expect(() => segmentRules(profiles, segs, { idField: Symbol('id') as never })).toThrow(typed('E_OPTION_RANGE', 'idField'));
    expect(() => segmentRules(profiles, segs, { units: { recency: 3 } as never })).toThrow(typed('E_OPTION_RANGE', 'units'));
    expect(() => segmentRules(profiles, segs, { classWeight: [] as never })).toThrow(typed('E_OPTION_RANGE', 'classWeight'));
    expect(() => segmentRules(profiles, segs, { criterion: 10n as never })).toThrow(typed('E_OPTION_RANGE', 'criterion'));
    expect(() => segmentRules([null, { recency: 1 }] as never, ['a', 'b'])).toThrow(expect.objectContaining({ code: 'E_PROFILES_TYPE', row: 0 }));
    expect(() => segmentRules(profiles, [10n, 'a', 'b', 'b', 'a'] as never)).toThrow(expect.objectContaining({ code: 'E_LABEL_TYPE', row: 0 }));
    expect(() => model.predict([{ recency: 10n, orders: 1 }] as never)).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', row: 0, field: 'recency' }));
  });
});

describe('RFM, lookalike, describeClusters and the quality scores name the field instead of throwing raw errors', () => {
  const rfm = Object.freeze([
    { customerId: 'a', recency: 2, frequency: 9, monetary: 900 },
    { customerId: 'b', recency: 40, frequency: 1, monetary: 30 },
    { customerId: 'c', recency: 10, frequency: 1, monetary: 80 },
  ].map((r) => Object.freeze(r)));

  it('rfmScores and rfmSegments', () => {
    expect(() => rfmScores(rfm, { idField: Symbol('x') as never })).toThrow(typed('E_OPTION_RANGE', 'idField'));
    expect(() => rfmScores(rfm, { ties: 10n as never })).toThrow(typed('E_OPTION_RANGE', 'ties'));
    expect(() => rfmScores([{ ...rfm[0]!, customerId: 10n as never }])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 0, field: 'customerId' }));
    expect(() => rfmScores([{ ...rfm[0]!, customerId: '' }])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 0 }));
    expect(() => rfmScores([{ ...rfm[0]!, recency: 10n as never }])).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', row: 0, field: 'recency' }));
    const scores = rfmScores(rfm);
    expect(() => rfmSegments(scores, [{ name: 'x', recency: [1, 10n], frequency: [1, 5] }] as never)).toThrow(expect.objectContaining({ code: 'E_RFM_RULES', field: 'rules[0].recency' }));
    expect(() => rfmSegments([{ ...scores[0]!, customerId: null as never }])).toThrow(expect.objectContaining({ code: 'E_RFM_SCORES', row: 0, field: 'scores' }));
    expect(() => rfmSegments(scores, [{ name: 'x', recency: [1, 1], frequency: [1, 1] }])).toThrow(expect.objectContaining({ code: 'E_RFM_UNMATCHED', field: 'scores' }));
  });

  it('lookalike refuses seed ids that are no ids (E_ID_TYPE) and a bad idField', () => {
    const prof = [{ customerId: 1, orders: 10, spend: 900 }, { customerId: 2, orders: 9, spend: 800 }, { customerId: 3, orders: 1, spend: 20 }];
    for (const bad of [null, Number.NaN, {}, 10n, '']) {
      expect(() => lookalike([1, bad as never], prof)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_ID_TYPE', field: 'seedCustomerIds', row: 1 }));
    }
    expect(() => lookalike([1], prof, { idField: Symbol('id') as never })).toThrow(typed('E_OPTION_RANGE', 'idField'));
    expect(() => lookalike([1], prof, { method: 10n as never })).toThrow(typed('E_OPTION_RANGE', 'method'));
    expect(() => lookalike([1], [{ customerId: '', orders: 1 }, { customerId: 2, orders: 2 }])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 0 }));
    expect(() => lookalike([1], Table.fromRecords([{ customerId: 1, orders: 1 }, { customerId: 2, orders: 2 }]), { idField: 'id' })).toThrow(typed('E_FEATURE_MISSING', 'id'));
  });

  it('describeClusters refuses featureNames that are not an array; the scores refuse odd label containers', () => {
    for (const bad of [null, 5, 'x', {}]) expect(() => describeClusters(points, labels, { featureNames: bad as never })).toThrow(typed('E_OPTION_RANGE', 'featureNames'));
    for (const score of [calinskiHarabasz, daviesBouldin, silhouetteScore]) {
      expect(() => score(points, 'x' as never)).toThrow(typed('E_LABELS', 'labels'));
      expect(() => score(points, [0, 1] as never)).toThrow(typed('E_LABELS', 'labels'));
    }
  });
});
