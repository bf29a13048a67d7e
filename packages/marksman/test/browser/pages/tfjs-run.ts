// The TensorFlow.js part of the tfjs entries' pages: which backend `auto`
// picks (in a browser), and a seeded TwoTower fit on the cpu backend, whose
// recommendations Node must reproduce.
import * as tf from '@tensorflow/tfjs-core';
import type { TwoTower as TwoTowerClass, useBackend as useBackendFn } from '@marksman/recsys/tfjs';
import { inBrowser } from './smoke';

/** The browser-only part: the backend chosen, and whether the fit leaked tensors. */
export interface TfjsBrowserReport {
  auto: string;
  attempts: string[];
}

export async function tfjsRun(api: { TwoTower: typeof TwoTowerClass; useBackend: typeof useBackendFn }): Promise<{ result: unknown; browser: TfjsBrowserReport | null }> {
  let browser: TfjsBrowserReport | null = null;
  if (inBrowser()) {
    const auto = await api.useBackend('auto');
    browser = { auto: auto.backend, attempts: auto.attempts.map((a) => `${a.backend}:${a.outcome}`) };
  }
  await api.useBackend('cpu');
  const rows = [];
  for (let u = 0; u < 40; u++) for (let i = 0; i < 5; i++) rows.push({ userId: `u${u}`, itemId: `${u % 2 ? 'camp' : 'beauty'}${(u + i) % 8}` });
  const before = tf.memory().numTensors;
  const model = await new api.TwoTower({ embeddingDim: 16, layers: [16], epochs: 20, batchSize: 32, learningRate: 0.01, seed: 1 }).fit(rows);
  const top = ['u1', 'u2', 'u3'].map((u) => model.recommend(u, { k: 3 }).map((r) => String(r.itemId)));
  model.dispose();
  return { result: { top, leaked: tf.memory().numTensors - before }, browser };
}
