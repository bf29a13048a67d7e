/**
 * BPR's engines, epoch for epoch, on MovieLens 100K: the typed engine
 * (WebAssembly SIMD, one SGD step per triple) against tfjsBprEngine on each
 * TensorFlow.js backend this machine can run — cpu and wasm in Node, WebGPU
 * in Node through Dawn (SwiftShader, a software GPU, when Debian's chromium
 * is installed), and WebGL in headless Chromium (SwiftShader). Same triples,
 * same initialisation; the wasm rows pair tfjs and typed fits round by round.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interaction } from '@marksman/core';
import { BPR, evaluateRanking, portableSplit } from '@marksman/recsys';
import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
import { callInChromium, servePage, whyNoBrowser } from '../../test-support/chromium';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-bpr-engines-100k',
  title: 'BPR epoch time per engine and TensorFlow.js backend (MovieLens 100K pos4)',
  protocol:
    'MovieLens 100K, ratings ≥ 4, portable split (44,296 training pairs). BPR 64 factors, lr 0.01, reg 0.01, seed 0. Typed ' +
    'engine: 100 epochs, time / 100. tfjsBprEngine: cpu 1 epoch at its default batch (16384); on wasm, at the default batch and ' +
    'at 4096, 8192 and 32768, a paired measure, because one timed fit per engine moves the ratio by about 1× between runs: ' +
    '9 rounds, each timing a 20-epoch typed fit and a 20-epoch tfjs-wasm fit one after the other (the order alternating by ' +
    'round); the row gives the median tfjs time and the median over rounds of each round\'s ratio, and NDCG@10 on the test ' +
    'split after a separate 100-epoch fit. WebGPU in Node through the webgpu package on SwiftShader 1 epoch, WebGL in headless ' +
    'Chromium on SwiftShader 1 epoch (the page gets the same training pairs). Each single timed fit runs after one untimed ' +
    'warm-up fit of 1 epoch on the same backend (shader compilation, wasm start-up).',
};

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const BASE = { factors: 64, learningRate: 0.01, regularization: 0.01, seed: 0 } as const;

function loadPos4(dataDir: string): Interaction[] | null {
  const file = join(dataDir, 'movielens-100k', 'u.data');
  if (!existsSync(file)) return null;
  const out: Interaction[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const [u, i, r] = line.split('\t').map(Number);
    if (r! >= 4) out.push({ userId: u!, itemId: i! });
  }
  return out;
}

async function timeEpochs(train: Interaction[], epochs: number, engine: 'typed' | ReturnType<typeof tfjsBprEngine>): Promise<{ perEpoch: number; model: BPR }> {
  await new BPR({ ...BASE, iterations: 1, engine }).fit(train);
  const t0 = performance.now();
  const model = await new BPR({ ...BASE, iterations: epochs, engine }).fit(train);
  return { perEpoch: (performance.now() - t0) / 1000 / epochs, model };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const loadBefore = loadavg().map((v) => v.toFixed(2)).join(', ');
  const pos = loadPos4(ctx.dataDir);
  if (pos === null) return { rows, notes: [`MovieLens 100K not found under ${ctx.dataDir}.`] };
  const { train, test } = portableSplit(pos);
  const typed = await timeEpochs(train, ctx.quick ? 10 : 100, 'typed');
  const base = typed.perEpoch;
  rows.push({ engine: 'typed (WebAssembly SIMD)', backend: '—', secondsPerEpoch: base, vsTyped: 1, ndcg10: ctx.quick ? null : evaluateRanking(typed.model, test).ndcg });
  const engine = tfjsBprEngine();
  const label = 'tfjsBprEngine (batch 16384, default)';
  await useBackend('cpu');
  {
    const r = await timeEpochs(train, 1, engine);
    rows.push({ engine: label, backend: 'cpu', secondsPerEpoch: r.perEpoch, vsTyped: r.perEpoch / base, ndcg10: null });
  }
  await useBackend('wasm');
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  const rounds = ctx.quick ? 3 : 9;
  for (const batchSize of [null, 4096, 8192, 32768] as const) {
    const tfjs = batchSize === null ? engine : tfjsBprEngine({ batchSize });
    // Warm-up, and the model whose NDCG@10 the row reports.
    const model = await new BPR({ ...BASE, iterations: ctx.quick ? 5 : 100, engine: tfjs }).fit(train);
    const ratios: number[] = [];
    const tfjsTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const pair: Record<'typed' | 'tfjs', number> = { typed: 0, tfjs: 0 };
      for (const which of r % 2 === 0 ? (['typed', 'tfjs'] as const) : (['tfjs', 'typed'] as const)) {
        const t0 = performance.now();
        await new BPR({ ...BASE, iterations: 20, engine: which === 'typed' ? 'typed' : tfjs }).fit(train);
        pair[which] = (performance.now() - t0) / 1000 / 20;
      }
      ratios.push(pair.tfjs / pair.typed);
      tfjsTimes.push(pair.tfjs);
    }
    const name = batchSize === null ? label : `tfjsBprEngine (batch ${batchSize})`;
    rows.push({ engine: `${name}, paired with typed (median of ${rounds} rounds)`, backend: 'wasm', secondsPerEpoch: med(tfjsTimes), vsTyped: med(ratios), ndcg10: ctx.quick ? null : evaluateRanking(model, test).ndcg });
    notes.push(`Paired wasm rounds at batch ${batchSize ?? '16384 (default)'} (tfjs ÷ typed per round, 20 epochs each): ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${med(ratios).toFixed(2)}.`);
  }
  // As in the test set-up (vitest.config.ts): without a GPU driver, Dawn finds
  // an adapter only through SwiftShader's Vulkan driver, named here when
  // Debian's chromium ships it and the caller named none.
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
  if (process.env.XDG_RUNTIME_DIR === undefined) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'marksman-xdg-'));
  try {
    const choice = await useBackend('webgpu');
    const r = await timeEpochs(train, 1, engine);
    rows.push({ engine: label, backend: `webgpu in Node (${choice.attempts[0]!.reason.replace(/^requested by name, adapter /, '')})`, secondsPerEpoch: r.perEpoch, vsTyped: r.perEpoch / base, ndcg10: null });
  } catch (e) {
    notes.push(`WebGPU in Node not measured: ${e instanceof Error ? e.message : String(e)}`);
  }
  const dist = {
    '@marksman/recsys/tfjs': here('../../packages/recsys/dist/tfjs/index.js'),
    '@marksman/recsys': here('../../packages/recsys/dist/index.js'),
    '@marksman/core/internal': here('../../packages/core/dist/internal.js'),
    '@marksman/core': here('../../packages/core/dist/index.js'),
    '@marksman/metrics': here('../../packages/metrics/dist/index.js'),
  };
  const why = whyNoBrowser(dist);
  if (why !== null) {
    notes.push(`WebGL in Chromium not measured: ${why}.`);
  } else {
    const page = await servePage(here('../../packages/recsys/test/browser/bprEnginesPage.ts'), dist, 'bpr-engines');
    try {
      const pairs = train.map((r) => [Number(r.userId), Number(r.itemId)]);
      const r = await callInChromium<{ backend: string; perEpoch: number }>(page.url, 'timeBpr', { pairs, epochs: 1, batchSize: 16384 });
      rows.push({ engine: label, backend: `${r.backend} in headless Chromium (SwiftShader)`, secondsPerEpoch: r.perEpoch, vsTyped: r.perEpoch / base, ndcg10: null });
    } finally {
      await page.close();
    }
  }
  notes.push('SwiftShader is a software GPU: its times show that the code runs on these backends, not what a GPU would do.');
  notes.push(`The 2-core machine was shared with other jobs when this ran (load average over 1, 5, 15 min: ${loadBefore} at the start, ${loadavg().map((v) => v.toFixed(2)).join(', ')} at the end): every time is an upper bound, and ratios are from the same run.`);
  return { rows, notes };
}
