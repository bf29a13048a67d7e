import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '@marksman/recsys/tfjs';

describe('useBackend', () => {
  it('activates cpu and wasm by name in Node, and both compute the same matmul', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const results: number[][] = [];
    for (const name of ['cpu', 'wasm'] as const) {
      const choice = await useBackend(name);
      expect(choice.backend).toBe(name);
      expect(tf.getBackend()).toBe(name);
      expect(choice.attempts).toEqual([{ backend: name, outcome: 'active', reason: 'requested by name' }]);
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(a, [3, 2])));
      results.push(Array.from(await out.data()));
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(results[0]).toEqual([22, 28, 49, 64]);
    expect(results[1]).toEqual(results[0]);
  });

  it("'auto' in Node skips tensorflow (tfjs-node is not installed) and picks wasm, saying why", async () => {
    const choice = await useBackend('wasm'); // ours, so 'auto' may replace it
    expect(choice.backend).toBe('wasm');
    const auto = await useBackend('auto');
    expect(auto.environment).toBe('node');
    expect(auto.kept).toBe(false);
    expect(auto.backend).toBe('wasm');
    expect(auto.attempts.map((x) => `${x.backend}:${x.outcome}`)).toEqual(['tensorflow:skipped', 'webgpu:skipped', 'wasm:active']);
    expect(auto.attempts[0]!.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(auto.attempts[0]!.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
  });

  it("'auto' keeps a backend the caller set, unless override is given", async () => {
    await useBackend('wasm');
    await tf.setBackend('cpu'); // the caller's own choice
    const kept = await useBackend('auto');
    expect(kept).toMatchObject({ backend: 'cpu', kept: true, attempts: [] });
    expect(tf.getBackend()).toBe('cpu');
    const replaced = await useBackend('auto', { override: true });
    expect(replaced.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses unknown names and options, and says why a named backend is unavailable', async () => {
    // @ts-expect-error -- not a backend name
    await expect(useBackend('cuda')).rejects.toMatchObject({ code: 'E_BACKEND_NAME', field: 'request' });
    // @ts-expect-error -- not an option
    await expect(useBackend('cpu', { force: true })).rejects.toMatchObject({ code: 'E_OPTION_UNKNOWN' });
    await expect(useBackend('tensorflow')).rejects.toMatchObject({ name: 'StateError', code: 'E_BACKEND_UNAVAILABLE' });
    await expect(useBackend('webgl')).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
  });
});
