import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BPR } from '@marksman/recsys';
import type { Recommender } from '@marksman/recsys';
import { args, ctor, fn, method, statik } from '../case';
import type { Case } from '../case';
import { ROWS, recommenderCases } from './recsys';

const USER_IDS = [/^a0$/, /^a0\[0\]$/, /^a0\[0\]\.(userId|itemId)$/];
const ITEM_FEATURES = Array.from({ length: 8 }, (_, i) => ({ itemId: i, group: `g${i >> 2}`, price: 10 + i }));
const USER_FEATURES = Array.from({ length: 12 }, (_, u) => ({ userId: `u${u}`, segment: `s${u % 2}` }));
const FIT = { seed: 1, itemFeatures: ITEM_FEATURES, userFeatures: USER_FEATURES };

interface Learned extends Recommender {
  save(destination: string): Promise<unknown>;
  dispose(): void;
}

/** TensorFlow.js on its CPU backend, tiny models: the battery checks the boundary, not learning. */
export const tfjs = async (): Promise<Case[]> => {
  const T = await import('@marksman/recsys/tfjs');
  await T.useBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'marksman-battery-tfjs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let saved = 0;

  const learned = <M extends Learned>(name: string, C: (new (o?: object) => M) & { fromJSON(j: unknown): M; load(s: string): Promise<M> }, options: object, extra: (fitted: () => Promise<M>) => Case[]): Case[] => {
    const make = () => new C(options);
    const fitted = async () => {
      await T.useBackend('cpu');
      return (await make().fit(ROWS, FIT)) as M;
    };
    // Adding an entity changes the model for good: each bad call gets a model restored from one fit.
    let snapshot: unknown;
    const restored = async () => {
      snapshot ??= JSON.parse(JSON.stringify((await fitted()).toJSON()));
      return C.fromJSON(snapshot);
    };
    const savedTo = async () => {
      const url = `file://${join(dir, `${name}-${saved++}`)}`;
      await (await fitted()).save(url);
      return url;
    };
    return [
      ctor(name, C, args(options)),
      // hashBuckets: 42 is a valid option value.
      statik(name, C, 'fromJSON', async () => [JSON.parse(JSON.stringify((await fitted()).toJSON()))], { options: null, returns: [/^a0\.options\.hashBuckets=42$/] }),
      statik(name, C, 'load', async () => [await savedTo()], { options: null }),
      // Feature values may be strings, numbers or booleans (a category may be numeric; null marks a missing one).
      ...recommenderCases(name, fitted, make).map((c) => (c.name.endsWith('#fit') ? { ...c, args: args(ROWS, FIT), returns: [/^a1\.(item|user)Features\[0\]\.(group|price|segment)=/] } : c)),
      method(name, restored, 'addItems', args([{ itemId: 'new-item', group: 'g0', price: 12 }]), { idLike: [/^a0\[0\]\.itemId$/], fresh: true, returns: [/^a0\[0\]\.group=\[\]$/] }), // a list of strings is a feature value (an empty one: none)
      method(name, restored, 'addUsers', args([{ userId: 'new-user', segment: 's1' }]), { idLike: [/^a0\[0\]\.userId$/], fresh: true, returns: [/^a0\[0\]\.segment=\[\]$/] }),
      method(name, fitted, 'save', () => [`file://${join(dir, `${name}-save-${saved++}`)}`], { nondeterministic: 'writes a new folder each time; the artefacts are compared by load' }),
      method(name, fitted, 'dispose', args()),
      ...extra(fitted),
    ];
  };

  return [
    fn('useBackend', T.useBackend, args('cpu', { override: false })),
    fn('tfjsBprEngine', T.tfjsBprEngine, args({ batchSize: 16 })),
    // The engine is exercised through BPR's fit on the CPU backend.
    fn('tfjsBprEngine', async (o: object) => new BPR({ factors: 4, iterations: 2, seed: 1, engine: T.tfjsBprEngine(o) }).fit(ROWS), args({ batchSize: 16 }), { heavy: true }),
    ...learned('TwoTower', T.TwoTower as never, { embeddingDim: 4, layers: [4], epochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 }, (fitted) => [
      method('TwoTower', fitted, 'userVector', args('u0'), { idLike: USER_IDS }),
      method('TwoTower', fitted, 'itemVector', args(3), { idLike: USER_IDS }),
    ]),
    ...learned('FactorizationMachine', T.FactorizationMachine as never, { factors: 4, epochs: 2, batchSize: 16, learningRate: 0.02, seed: 1 }, (fitted) => [
      method('FactorizationMachine', fitted, 'predict', args([{ userId: 'u0', itemId: 3 }]), { idLike: [/^a0\[0\]\.(userId|itemId)$/] }),
      method('FactorizationMachine', fitted, 'predictRating', args('u0', 3), { idLike: [/^a[01]$/] }),
    ]),
    // The field-aware variant: an option of FactorizationMachine, with its own tables and serving.
    ...learned('FactorizationMachine', T.FactorizationMachine as never, { fieldAware: true, factors: 4, epochs: 2, batchSize: 16, learningRate: 0.02, seed: 1 }, (fitted) => [
      method('FactorizationMachine', fitted, 'predict', args([{ userId: 'u0', itemId: 3 }]), { idLike: [/^a0\[0\]\.(userId|itemId)$/] }),
    ]),
    ...learned('NeuMF', T.NeuMF as never, { gmfDim: 4, mlpDim: 4, layers: [8, 4], epochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 }, (fitted) => [
      method('NeuMF', fitted, 'recommendManyAsync', args(['u0', 'u1'], 3), { idLike: USER_IDS, required: 1 }),
    ]),
  ];
};
