import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BPR } from '@marksman/recsys';

// A file of its own: no TensorFlow.js backend is registered in this worker.
describe('BPR tfjs engine without a backend', () => {
  it.skipIf(tf.findBackendFactory('cpu') !== null || tf.findBackendFactory('wasm') !== null)('says to call useBackend first (E_BACKEND_UNAVAILABLE); the typed engine needs none', async () => {
    const rows = [{ userId: 'a', itemId: 'x' }, { userId: 'b', itemId: 'y' }];
    await expect(new BPR({ factors: 2, iterations: 1, engine: 'tfjs' }).fit(rows)).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', source: 'BPR.fit', field: 'engine' });
    const typed = await new BPR({ factors: 2, iterations: 1 }).fit(rows);
    expect(typed.userCount).toBe(2);
  });
});
