// WebGPU in Node through Dawn (the optional `webgpu` package). Without a GPU,
// the vitest config points Dawn at SwiftShader's Vulkan driver from Debian's
// chromium: a software adapter, which useBackend('auto') must never choose
// and useBackend('webgpu') by name must accept. CI installs chromium and
// libvulkan1, so this runs there; elsewhere it skips and says why.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BPR } from '@marksman/recsys';
import { FactorizationMachine, NeuMF, TwoTower, tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
import { frozen, plantedClusters } from '../synthetic';

const icd = process.env.VK_ICD_FILENAMES;
const libvulkan = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some((f) => existsSync(f));
const why = icd === undefined || !existsSync(icd) ? 'no Vulkan driver is named (install Debian\'s chromium for SwiftShader, or run on a GPU)' : libvulkan ? null : 'the Vulkan loader libvulkan.so.1 is missing (apt-get install libvulkan1)';
if (why !== null) {
  if (process.env.CI === 'true') throw new Error(`webgpu test: ${why}`);
  console.warn(`[recsys] WebGPU in Node: skipped: ${why}`);
}

describe.skipIf(why !== null)(`WebGPU in Node (Dawn)${why === null ? '' : ` (skipped: ${why})`}`, () => {
  it("'auto' passes over a software adapter and says so; by name it is used, and BPR's tfjs engine agrees with cpu", async () => {
    const auto = await useBackend('auto');
    expect(auto.backend).toBe('wasm');
    const gpu = auto.attempts.find((a) => a.backend === 'webgpu')!;
    expect(gpu.outcome).toBe('skipped');
    expect(gpu.reason).toMatch(/software renderer .*swiftshader/i);

    const named = await useBackend('webgpu');
    expect(named.backend).toBe('webgpu');
    expect(named.attempts[0]!.reason).toMatch(/swiftshader.*\(software\)/i);
    expect(tf.getBackend()).toBe('webgpu');
    // A correct matmul first: the adapter computes.
    const m = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
    expect(Array.from(await m.data())).toEqual([19, 22, 43, 50]);
    m.dispose();

    const rows = frozen(plantedClusters(3, { users: 24, clusters: 2, itemsPerCluster: 6, perUser: 4 }).rows);
    const opts = { factors: 4, iterations: 3, learningRate: 0.05, seed: 7, engine: tfjsBprEngine({ batchSize: 32 }) } as const;
    const before = tf.memory().numTensors;
    const onGpu = (await new BPR(opts).fit(rows)).toJSON().state;
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('cpu');
    const onCpu = (await new BPR(opts).fit(rows)).toJSON().state;
    for (const key of ['userFactors', 'itemFactors', 'itemBias'] as const) {
      const a = onCpu[key]!;
      const b = onGpu[key]!;
      let worst = 0;
      for (let t = 0; t < a.length; t++) worst = Math.max(worst, Math.abs(a[t]! - b[t]!));
      expect(worst).toBeLessThan(1e-4);
    }
  }, 120_000);

  it('trains TwoTower, FactorizationMachine and NeuMF on WebGPU like on cpu, leaking no tensor', async () => {
    const rows = frozen(plantedClusters(4, { users: 24, clusters: 2, itemsPerCluster: 6, perUser: 4 }).rows);
    const users = [...new Set(rows.map((r) => r.userId as string))];
    const models = [
      () => new TwoTower({ embeddingDim: 8, layers: [8], epochs: 3, batchSize: 32, seed: 2 }),
      () => new FactorizationMachine({ factors: 8, epochs: 3, batchSize: 32, seed: 2 }),
      () => new NeuMF({ gmfDim: 8, mlpDim: 8, layers: [8], epochs: 3, batchSize: 32, seed: 2 }),
    ];
    for (const make of models) {
      await useBackend('webgpu');
      const before = tf.memory().numTensors;
      const onGpu = await make().fit(rows);
      expect(onGpu.fitReport!.backend).toBe('webgpu');
      onGpu.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await useBackend('cpu');
      const onCpu = await make().fit(rows);
      onCpu.dispose();
      // Same seed, same batches: the two backends differ by float32 rounding only.
      const a = onGpu.recommendMany(users, { k: 3 });
      const b = onCpu.recommendMany(users, { k: 3 });
      let same = 0;
      a.forEach((list, u) => {
        const other = new Set(b[u]!.map((r) => r.itemId));
        same += list.filter((r) => other.has(r.itemId)).length;
      });
      expect(same / (3 * users.length)).toBeGreaterThanOrEqual(0.9);
    }
  }, 240_000);
});
