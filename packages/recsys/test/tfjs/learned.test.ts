// The contract every learned model (TwoTower, FactorizationMachine and its
// field-aware variant, NeuMF) keeps: it learns planted clusters, leaks no tensor (also when a fit is
// aborted or the backend fails), is deterministic for a seed, agrees across
// backends, round-trips through toJSON, serves cold items and users from
// their features, stops early on validation, and refuses bad input.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Popularity, evaluateRanking, randomUserSplit } from '@marksman/recsys';
import type { Recommendation } from '@marksman/recsys';
import { FactorizationMachine, NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';
import type { ItemFeatureRecord, LearnedFitProgress, UserFeatureRecord } from '@marksman/recsys/tfjs';
import { frozen, plantedClusters } from '../synthetic';

interface Learned {
  fit(rows: readonly object[], options?: object): Promise<Learned>;
  recommend(u: string, o?: object): Recommendation[];
  recommendMany(u: readonly string[], o?: object): Recommendation[][];
  toJSON(): unknown;
  dispose(): void;
  addItems(r: readonly ItemFeatureRecord[]): number;
  addUsers(r: readonly UserFeatureRecord[]): number;
  foldIn(r: readonly object[]): unknown;
  readonly tensorCount: number;
  readonly fitReport: { readonly bestEpoch: number; readonly epochs: number; readonly stoppedEarly: boolean; readonly featureOnlyItems: number; readonly itemsWithoutFeatures: number; readonly usersWithoutFeatures: number; readonly validationRowsUnused: number } | null;
  readonly itemCount: number;
  readonly userCount: number;
  isKnownUser(u: string): boolean;
}

interface Factory {
  readonly name: string;
  make(extra?: object): Learned;
  restore(json: unknown): Learned;
  load(source: string): Promise<Learned>;
}

const MODELS: Factory[] = [
  {
    name: 'TwoTower',
    make: (extra = {}) => new TwoTower({ embeddingDim: 16, layers: [16], epochs: 15, batchSize: 64, learningRate: 0.01, seed: 3, ...extra }) as unknown as Learned,
    restore: (j) => TwoTower.fromJSON(j as never) as unknown as Learned,
    load: async (src) => (await TwoTower.load(src)) as unknown as Learned,
  },
  {
    name: 'FactorizationMachine',
    make: (extra = {}) => new FactorizationMachine({ factors: 16, epochs: 15, batchSize: 64, learningRate: 0.02, seed: 3, ...extra }) as unknown as Learned,
    restore: (j) => FactorizationMachine.fromJSON(j as never) as unknown as Learned,
    load: async (src) => (await FactorizationMachine.load(src)) as unknown as Learned,
  },
  {
    name: 'FactorizationMachine (fieldAware)',
    make: (extra = {}) => new FactorizationMachine({ fieldAware: true, factors: 16, epochs: 15, batchSize: 64, learningRate: 0.02, seed: 3, ...extra }) as unknown as Learned,
    restore: (j) => FactorizationMachine.fromJSON(j as never) as unknown as Learned,
    load: async (src) => (await FactorizationMachine.load(src)) as unknown as Learned,
  },
  {
    name: 'NeuMF',
    make: (extra = {}) => new NeuMF({ gmfDim: 16, mlpDim: 16, layers: [32, 16], epochs: 15, batchSize: 64, learningRate: 0.01, seed: 3, ...extra }) as unknown as Learned,
    restore: (j) => NeuMF.fromJSON(j as never) as unknown as Learned,
    load: async (src) => (await NeuMF.load(src)) as unknown as Learned,
  },
];

const planted = plantedClusters(5, { users: 150, clusters: 4, itemsPerCluster: 20, perUser: 10 });
const data = frozen(planted.rows);
const clusterOf = (item: unknown) => planted.itemCluster[item as number]!;
const userCluster = (u: string) => planted.userCluster[Number(u.slice(1))]!;
const itemFeatures = (items: readonly number[]) => frozen(items.map((i) => ({ itemId: i, group: `g${clusterOf(i)}`, price: 10 + (i % 7) })));

function overlap(a: Recommendation[][], b: Recommendation[][]): number {
  let hit = 0;
  let all = 0;
  a.forEach((list, u) => {
    const other = new Set(b[u]!.map((r) => r.itemId));
    for (const r of list) hit += other.has(r.itemId) ? 1 : 0;
    all += list.length;
  });
  return hit / all;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe.each(MODELS)('$name: the learned-model contract', ({ make, restore, load }) => {
  it('learns the clusters (beats popularity), leaks no tensor, frees its parameters on dispose', async () => {
    await useBackend('wasm');
    const { train, test } = randomUserSplit(data, { testFraction: 0.3, seed: 2 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const model = await make().fit(frozen(train), { onProgress: (p: LearnedFitProgress) => losses.push(p.loss!) });
    expect(tf.memory().numTensors).toBe(before + model.tensorCount);
    expect(model.tensorCount).toBeGreaterThan(0);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const pop = await new Popularity().fit(frozen(train));
    const ours = evaluateRanking(model as never, frozen(test)).ndcg;
    expect(ours).toBeGreaterThan(evaluateRanking(pop, frozen(test)).ndcg + 0.1);
    model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Serving needs no tensors.
    expect(evaluateRanking(model as never, frozen(test)).ndcg).toBe(ours);
  });

  it('is deterministic for a seed, agrees across backends, and round-trips through JSON without TensorFlow.js', async () => {
    await useBackend('wasm');
    const a = await make().fit(data);
    const b = await make().fit(data);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    const users = [...new Set(data.map((r) => r.userId as string))];
    await useBackend('cpu');
    const c = await make().fit(data);
    expect(overlap(a.recommendMany(users, { k: 10 }), c.recommendMany(users, { k: 10 }))).toBeGreaterThanOrEqual(0.9);
    const copy = restore(JSON.parse(JSON.stringify(a.toJSON())));
    expect(copy.tensorCount).toBe(0);
    expect(copy.recommendMany(users, { k: 10 })).toEqual(a.recommendMany(users, { k: 10 }));
    // TensorFlow.js artefacts on disk (model.json + weights.bin), without tfjs-node.
    const dir = mkdtempSync(join(tmpdir(), 'marksman-learned-'));
    try {
      const report = await (a as unknown as { save(d: string): Promise<{ weightBytes: number }> }).save(`file://${dir}`);
      expect(report.weightBytes).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin'))).toBe(true);
      const loaded = await load(`file://${dir}`);
      expect(loaded.recommendMany(users, { k: 10 })).toEqual(a.recommendMany(users, { k: 10 }));
      expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(a.toJSON()));
      await expect(load(`file://${dir}/missing`)).rejects.toMatchObject({ code: 'E_LOAD_FAILED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const m of [a, b, c]) m.dispose();
  });

  it('an aborted fit and a backend failing mid-fit leave the model unchanged and leak nothing', async () => {
    await useBackend('cpu');
    const model = await make().fit(data);
    const snapshot = JSON.stringify(model.toJSON());
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    await expect(model.fit(data, { signal: ctl.signal, onProgress: (p: LearnedFitProgress) => p.step === 2 && ctl.abort() })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.stringify(model.toJSON())).toBe(snapshot);
    // A kernel that starts failing after a while, as a lost device would.
    const original = tf.getKernel('ScatterNd', 'cpu')!;
    let calls = 0;
    tf.unregisterKernel('ScatterNd', 'cpu');
    tf.registerKernel({ ...original, kernelFunc: (args) => {
      if (++calls > 20) throw new Error('simulated device loss');
      return original.kernelFunc(args);
    } });
    try {
      await expect(model.fit(data)).rejects.toMatchObject({ name: 'StateError', code: 'E_BACKEND_FAILED' });
    } finally {
      tf.unregisterKernel('ScatterNd', 'cpu');
      tf.registerKernel(original);
    }
    expect(calls).toBeGreaterThan(20);
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.stringify(model.toJSON())).toBe(snapshot);
    model.dispose();
  });

  it('serves cold items and new users from their features (fit with feature-only items, addItems, addUsers)', async () => {
    await useBackend('wasm');
    // Hold out the last 4 items of every cluster: no interactions, features only.
    const cold = new Set(planted.itemCluster.map((_, i) => i).filter((i) => i % 20 >= 16));
    const warm = data.filter((r) => !cold.has(r.itemId as number));
    const allItems = planted.itemCluster.map((_, i) => i);
    const model = await make({ idDropout: 0.3 }).fit(warm, { itemFeatures: itemFeatures(allItems.filter((i) => i !== 19)) });
    expect(model.fitReport!.featureOnlyItems).toBe(cold.size - 1);
    expect(model.fitReport!.itemsWithoutFeatures).toBe(0);
    // Cold items reach users of their own cluster: among cold items, the
    // model ranks those of the user's cluster first.
    const users = [...new Set(warm.map((r) => r.userId as string))];
    const coldIds = [...cold].filter((i) => i !== 19);
    let right = 0;
    for (const u of users) {
      const top = model.recommend(u, { k: 4, include: coldIds });
      right += top.filter((r) => clusterOf(r.itemId) === userCluster(u)).length;
    }
    expect(right / (4 * users.length)).toBeGreaterThan(0.6);
    // Item 19 (cluster 0) arrives after fit.
    expect(model.addItems(frozen([{ itemId: 19, group: 'g0', price: 12 }]))).toBe(1);
    const fans = users.filter((u) => userCluster(u) === 0);
    const ranked = fans.map((u) => model.recommend(u, { k: 4, include: [...coldIds, 19] }).some((r) => r.itemId === 19)).filter(Boolean).length;
    expect(ranked / fans.length).toBeGreaterThan(0.5);
    expect(() => model.addItems([{ itemId: 19, group: 'g0' }])).toThrow(expect.objectContaining({ code: 'E_DUPLICATE_ID' }));
    expect(() => model.addItems([{ itemId: 'x', colour: 'red' }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_UNKNOWN', field: 'colour' }));
    expect(() => model.addItems([{ itemId: 'x', price: Number.NaN }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_NUMBER', field: 'price' }));
    expect(() => model.addItems([{ itemId: 'x', price: 'cheap' }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_TYPE', field: 'price' }));
    // An unseen category value is hashed like any other: no error.
    expect(model.addItems([{ itemId: 'x', group: 'never-seen' }])).toBe(1);
    expect(() => model.addUsers([{ userId: 'new' }])).toThrow(expect.objectContaining({ code: 'E_NO_FEATURES' }));
    model.dispose();
  });

  it('new users with features get their segment\'s items without a refit', async () => {
    await useBackend('wasm');
    const userFeatures = frozen([...new Set(data.map((r) => r.userId as string))].map((u) => ({ userId: u, segment: `s${userCluster(u)}` })));
    const model = await make({ idDropout: 0.5 }).fit(data, { userFeatures });
    const added = model.addUsers(frozen([0, 1, 2, 3].map((c) => ({ userId: `new${c}`, segment: `s${c}` }))));
    expect(added).toBe(4);
    for (let c = 0; c < 4; c++) {
      expect(model.isKnownUser(`new${c}`)).toBe(true);
      const top = model.recommend(`new${c}`, { k: 5 });
      expect(top.filter((r) => clusterOf(r.itemId) === c).length).toBeGreaterThanOrEqual(4);
    }
    model.dispose();
  });

  it('foldIn gives a new user items of the cluster of their history', async () => {
    await useBackend('wasm');
    const model = await make().fit(data);
    model.foldIn(frozen([{ userId: 'late', itemId: 40 }, { userId: 'late', itemId: 41 }, { userId: 'late', itemId: 42 }]));
    const top = model.recommend('late', { k: 5 });
    expect(top.filter((r) => clusterOf(r.itemId) === 2).length).toBeGreaterThanOrEqual(4);
    const copy = restore(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.recommend('late', { k: 5 })).toEqual(top);
    model.dispose();
  });

  it('reports validation metrics each epoch and stops early, keeping the best epoch', async () => {
    await useBackend('wasm');
    const { train, test } = randomUserSplit(data, { testFraction: 0.2, seed: 4 });
    const progress: LearnedFitProgress[] = [];
    const model = await make({ epochs: 60, patience: 2, learningRate: 0.05 }).fit(frozen(train), { validation: frozen([...test, { userId: 'nobody', itemId: 0 }]), onProgress: (p: LearnedFitProgress) => progress.push(p) });
    const report = model.fitReport!;
    expect(report.validationRowsUnused).toBe(1);
    expect(progress.every((p) => p.validation !== null && p.validation.k === 10)).toBe(true);
    expect(report.stoppedEarly).toBe(true);
    expect(report.epochs).toBeLessThan(60);
    const best = Math.max(...progress.map((p) => p.validation!.ndcg));
    expect(progress[report.bestEpoch - 1]!.validation!.ndcg).toBe(best);
    expect(report.epochs - report.bestEpoch).toBe(2);
    // The kept weights are the best epoch's: evaluating them reproduces its score.
    expect(evaluateRanking(model as never, frozen(test), { train: frozen(train) }).ndcg).toBeCloseTo(best, 10);
    model.dispose();
  });

  it('refuses bad features, options and validation with typed errors naming the field and row', async () => {
    await useBackend('cpu');
    const bad: Array<[object, string, object]> = [
      [{ itemFeatures: [{ itemId: 0, price: Number.POSITIVE_INFINITY }] }, 'E_FEATURE_NUMBER', { field: 'price', row: 0 }],
      [{ itemFeatures: [{ itemId: 0, price: 3 }, { itemId: 1, price: 'high' }] }, 'E_FEATURE_TYPE', { field: 'price', row: 1 }],
      [{ itemFeatures: [{ itemId: 0, tags: [1, 2] }] }, 'E_FEATURE_TYPE', { field: 'tags', row: 0 }],
      [{ itemFeatures: [{ itemId: 0 }, { itemId: 0 }] }, 'E_DUPLICATE_ID', { row: 1 }],
      [{ userFeatures: [{ segment: 'a' }] }, 'E_MISSING', { field: 'userId', row: 0 }],
      [{ itemFeatures: 'nope' }, 'E_INPUT', {}],
      [{ validation: [{ userId: 'nobody', itemId: 0 }] }, 'E_VALIDATION_EMPTY', { field: 'validation' }],
      [{ epochs: 3 }, 'E_OPTION_UNKNOWN', {}],
    ];
    for (const [options, code, where] of bad) {
      await expect(make().fit(data, options)).rejects.toMatchObject({ code, ...where });
    }
    for (const [options, field] of [[{ epochs: 0 }, 'epochs'], [{ batchSize: 1e9 }, 'batchSize'], [{ learningRate: -1 }, 'learningRate'], [{ idDropout: 1 }, 'idDropout'], [{ l2: Number.NaN }, 'l2']] as const) {
      expect(() => make(options)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field }));
    }
    expect(() => make({ epoch: 3 })).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    // Features missing for some ids are counted, not an error.
    const some = await make({ epochs: 1 }).fit(data, { itemFeatures: itemFeatures([0, 1, 2]) });
    expect(some.fitReport!.itemsWithoutFeatures).toBe(some.itemCount - 3);
    some.dispose();
    expect(() => restore({ type: 'Other' })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON' }));
  });
});
