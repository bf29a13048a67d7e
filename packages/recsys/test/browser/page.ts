// Entry of the browser bundle: trains BPR (tfjs engine) on the small shop
// with the backend the test asks for, using the built @marksman/recsys.
import * as tf from '@tensorflow/tfjs-core';
// A bundled app imports the backends it wants; useBackend then finds them registered.
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { BPR } from '@marksman/recsys';
import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
import { SHOP_RUN, smallShop } from './shop';

/** What the page reports back to the test. */
export interface PageResult {
  backend: string;
  tensorsBefore: number;
  tensorsAfter: number;
  users: string[];
  top10: string[][];
}

async function runShop(backend: 'webgl' | 'cpu'): Promise<PageResult> {
  await useBackend(backend);
  const rows = smallShop(SHOP_RUN.shopSeed);
  const tensorsBefore = tf.memory().numTensors;
  const model = await new BPR({ ...SHOP_RUN.model, engine: tfjsBprEngine({ batchSize: SHOP_RUN.batchSize }) }).fit(rows);
  const tensorsAfter = tf.memory().numTensors;
  const users = [...new Set(rows.map((r) => String(r.userId)))];
  const top10 = model.recommendMany(users, { k: 10 }).map((list) => list.map((r) => String(r.itemId)));
  return { backend: tf.getBackend(), tensorsBefore, tensorsAfter, users, top10 };
}

(globalThis as { runShop?: typeof runShop }).runShop = runShop;
