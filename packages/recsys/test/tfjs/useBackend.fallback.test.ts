// A separate file (its own worker) so that the wasm backend is not yet initialised.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@marksman/recsys/tfjs';

describe('useBackend fallbacks', () => {
  afterEach(() => vi.restoreAllMocks());

  it("falls back to cpu when wasm cannot start, and says why (here: .wasm files pointed at a folder that does not exist)", async () => {
    // The wasm loader reports the missing file on the console itself ("Aborted(Error: ENOENT …)"): expected
    // here, so it is caught and checked rather than printed into a passing run.
    const printed: string[] = [];
    const keep = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    vi.spyOn(console, 'error').mockImplementation(keep);
    vi.spyOn(console, 'warn').mockImplementation(keep);
    vi.spyOn(console, 'log').mockImplementation(keep);
    await useBackend('cpu');
    await expect(useBackend('wasm', { wasmPaths: '/nonexistent/marksman/' })).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
    expect(tf.getBackend()).toBe('cpu'); // the failed attempt put cpu back
    const auto = await useBackend('auto');
    expect(auto.backend).toBe('cpu');
    expect(auto.attempts.map((a) => `${a.backend}:${a.outcome}`)).toEqual(['tensorflow:skipped', 'webgpu:skipped', 'wasm:failed', 'cpu:active']);
    expect(auto.attempts[2]!.reason).toMatch(/wasm/);
    expect(tf.getBackend()).toBe('cpu');
    expect(printed.every((line) => line.includes('/nonexistent/marksman/'))).toBe(true);
  });
});
