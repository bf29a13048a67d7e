import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BPR } from '@marksman/recsys';
import { tfjsBprEngine } from '@marksman/recsys/tfjs';

// A file of its own (its own worker): no TensorFlow.js backend is registered here,
// because nothing in this file imports a backend or calls useBackend.
describe('tfjsBprEngine without a backend', () => {
  it('says to call useBackend first (E_BACKEND_UNAVAILABLE); the typed engine needs none', async () => {
    expect(tf.findBackendFactory('cpu') ?? null).toBeNull();
    expect(tf.findBackendFactory('wasm') ?? null).toBeNull();
    const rows = [{ userId: 'a', itemId: 'x' }, { userId: 'b', itemId: 'y' }];
    await expect(new BPR({ factors: 2, iterations: 1, engine: tfjsBprEngine() }).fit(rows)).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', source: 'BPR.fit', field: 'engine' });
    const typed = await new BPR({ factors: 2, iterations: 1 }).fit(rows);
    expect(typed.userCount).toBe(2);
  });
});
