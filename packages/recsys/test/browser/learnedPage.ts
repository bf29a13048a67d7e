// Entry of the browser bundle for the learned models: trains TwoTower,
// FactorizationMachine and NeuMF on WebGL (the built @marksman/recsys/tfjs),
// saves one to IndexedDB and loads it back.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { FactorizationMachine, NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';
import { LEARNED_RUN, smallShop } from './shop';

/** What the page reports back to the test, per model. */
export interface LearnedPageResult {
  backend: string;
  models: Array<{ name: string; seconds: number; tensorsBefore: number; tensorsAfterDispose: number; firstLoss: number; lastLoss: number; top10: string[][] }>;
  users: string[];
  /** TwoTower's lists after a save to and load from IndexedDB. */
  reloadedTop10: string[][];
}

async function runLearned(): Promise<LearnedPageResult> {
  const choice = await useBackend('webgl');
  const rows = smallShop(LEARNED_RUN.shopSeed, LEARNED_RUN.customers);
  const users = [...new Set(rows.map((r) => String(r.userId)))];
  const makers = {
    TwoTower: () => new TwoTower(LEARNED_RUN.twoTower),
    FactorizationMachine: () => new FactorizationMachine(LEARNED_RUN.fm),
    NeuMF: () => new NeuMF(LEARNED_RUN.neumf),
  };
  const models: LearnedPageResult['models'] = [];
  let reloadedTop10: string[][] = [];
  for (const [name, make] of Object.entries(makers)) {
    const tensorsBefore = tf.memory().numTensors;
    const started = performance.now();
    const model = await make().fit(rows);
    const seconds = (performance.now() - started) / 1000;
    const losses = model.fitReport!.losses;
    const top10 = model.recommendMany(users, { k: 10 }).map((list) => list.map((r) => String(r.itemId)));
    if (name === 'TwoTower') {
      await model.save('indexeddb://marksman-two-tower');
      const back = await TwoTower.load('indexeddb://marksman-two-tower');
      reloadedTop10 = back.recommendMany(users, { k: 10 }).map((list) => list.map((r) => String(r.itemId)));
    }
    model.dispose();
    models.push({ name, seconds, tensorsBefore, tensorsAfterDispose: tf.memory().numTensors, firstLoss: losses[0]!, lastLoss: losses[losses.length - 1]!, top10 });
  }
  return { backend: choice.backend, models, users, reloadedTop10 };
}

(globalThis as { runLearned?: typeof runLearned }).runLearned = runLearned;
