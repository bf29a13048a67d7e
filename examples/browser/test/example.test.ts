// The browser example, end to end: Vite builds the page (programmatically,
// from the workspace sources), it is served on 127.0.0.1 and opened in
// headless Chromium (Debian's, WebGL on SwiftShader), the test presets small
// sizes and fixed seeds through the URL, clicks Train, and reads what the
// page publishes (window.marksmanExample). The backend must be WebGPU or
// WebGL, both losses must fall, TwoTower must free its tensors, and each
// model's top-10 lists must agree with the same run on wasm in Node (≥ 90%).
// Skips, saying why, without Chromium or Vite (and fails under CI=true).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@marksman/recsys/tfjs';
import { browserTestMayRun, openInChromium, serveDirectory, whyNoBrowser, type NodeGlobalsSeen, type ServedPage } from '../../../test-support/chromium';
import { shopData } from '../src/data';
import type { ExampleResult } from '../src/result';
import { overlap, topK, trainBoth, usersOf, type TrainSettings } from '../src/train';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The run: a small shop and short fits, so SwiftShader's WebGL finishes in seconds. */
const SHOP = { seed: 7, customers: 300, items: 60 };
const TRAIN: TrainSettings = {
  seed: 1,
  bprIterations: 15,
  bprFactors: 8,
  bprLearningRate: 0.05,
  bprBatchSize: 256,
  towerEpochs: 6,
  towerDim: 16,
  towerBatchSize: 128,
  towerLearningRate: 0.01,
};
const QUERY = new URLSearchParams({
  customers: String(SHOP.customers),
  items: String(SHOP.items),
  'shop-seed': String(SHOP.seed),
  seed: String(TRAIN.seed),
  'bpr-iterations': String(TRAIN.bprIterations),
  'bpr-factors': String(TRAIN.bprFactors),
  'bpr-batch': String(TRAIN.bprBatchSize),
  'tower-epochs': String(TRAIN.towerEpochs),
  'tower-dim': String(TRAIN.towerDim),
  'tower-batch': String(TRAIN.towerBatchSize),
});

/** A MovieLens-format u.data: 30 users rate 5 movies each, ratings cycling 1…5. */
const U_DATA = Array.from({ length: 150 }, (_, k) => `${1 + Math.floor(k / 5)}\t${1 + ((k * 7) % 40)}\t${1 + (k % 5)}\t${881250949 + k}`).join('\n');

function whySkip(): string | null {
  const chromium = whyNoBrowser({});
  if (chromium !== null) return chromium;
  try {
    createRequire(here('../package.json')).resolve('vite');
  } catch {
    return 'vite is not installed in examples/browser (run pnpm install)';
  }
  return null;
}

const TAG = 'browser example test';
const run = browserTestMayRun(TAG, whySkip());

interface PageOutcome {
  result: ExampleResult;
  seconds: number;
  errors: string[];
  globals: NodeGlobalsSeen;
  shownRows: number;
  customers: number;
  chartPoints: Record<string, number>;
  dropped: string;
}

describe.skipIf(!run)('examples/browser: built by Vite, trained in headless Chromium', () => {
  let outDir = '';
  let site: ServedPage | undefined;
  let web: PageOutcome;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'marksman-example-'));
    const { build } = await import('vite');
    await build({ configFile: here('../vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    expect(existsSync(join(outDir, 'index.html'))).toBe(true);
    site = await serveDirectory(outDir);
    web = await openInChromium(async ({ page, errors, nodeGlobals }) => {
      await page.goto(`${site!.url}?${QUERY}`);
      const t0 = performance.now();
      await page.click('#train');
      await page.waitForFunction(() => ['done', 'error'].includes(window.marksmanExample?.state), null, { timeout: 170_000, polling: 250 });
      const seconds = (performance.now() - t0) / 1000;
      const result = await page.evaluate(() => window.marksmanExample);
      const shownRows = await page.locator('#recs td').filter({ hasText: /\S/ }).count();
      const customers = await page.locator('#customer option').count();
      const chartPoints = {
        BPR: ((await page.getAttribute('#chart-BPR polyline', 'points')) ?? '').split(' ').filter(Boolean).length,
        TwoTower: ((await page.getAttribute('#chart-TwoTower polyline', 'points')) ?? '').split(' ').filter(Boolean).length,
      };
      // Drop a u.data on the drop zone, as a person would.
      await page.evaluate((text) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], 'u.data', { type: 'text/plain' }));
        document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, U_DATA);
      await page.waitForFunction(() => document.getElementById('data')!.textContent!.startsWith('u.data:'), null, { timeout: 10_000 });
      const dropped = (await page.textContent('#data')) ?? '';
      return { result, seconds, errors: [...errors], globals: await nodeGlobals(), shownRows, customers, chartPoints, dropped };
    });
    console.info(
      `[${TAG}] Chromium: ${web.seconds.toFixed(1)} s on ${web.result.backend} (${web.result.attempts.join(', ')}); ` +
        web.result.runs.map((r) => `${r.model} ${r.seconds.toFixed(1)} s, loss ${r.losses[0]?.toFixed(3)} → ${r.losses.at(-1)?.toFixed(3)}`).join('; '),
    );
  }, 240_000);

  afterAll(async () => {
    await site?.close();
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  });

  it('trains on WebGPU or WebGL without page errors or Node globals, and shows the data, both loss charts and recommendations', () => {
    expect(web.result.error).toBeNull();
    expect(web.result.state).toBe('done');
    expect(web.errors).toEqual([]);
    expect(web.globals.present).toEqual([]);
    // Only TensorFlow.js's and the backend choice's guarded feature tests.
    expect(web.globals.read.filter((g) => !['process', 'Buffer', 'setImmediate'].includes(g))).toEqual([]);
    expect(['webgl', 'webgpu']).toContain(web.result.backend);
    expect(web.result.attempts).toContain(`${web.result.backend}:active`);
    expect(web.result.settings).toEqual({ ...TRAIN });
    expect(web.result.data).toContain(`${SHOP.customers} customers, ${SHOP.items} items`);
    expect(web.chartPoints).toEqual({ BPR: TRAIN.bprIterations, TwoTower: TRAIN.towerEpochs });
    expect(web.customers).toBe(web.result.users.length);
    expect(web.shownRows).toBeGreaterThanOrEqual(20);
  });

  it('both losses fall and every tensor is freed (BPR keeps none, TwoTower frees its own on dispose)', () => {
    expect(web.result.runs.map((r) => r.model)).toEqual(['BPR', 'TwoTower']);
    const [bpr, tower] = web.result.runs;
    expect(bpr!.losses).toHaveLength(TRAIN.bprIterations);
    expect(tower!.losses).toHaveLength(TRAIN.towerEpochs);
    for (const r of web.result.runs) {
      expect(r.losses.every(Number.isFinite)).toBe(true);
      expect(r.losses.at(-1)!).toBeLessThan(0.9 * r.losses[0]!);
      expect(r.tensors.afterDispose).toBe(r.tensors.before);
    }
    expect(bpr!.tensors.afterFit).toBe(bpr!.tensors.before);
    expect(tower!.tensors.afterFit).toBeGreaterThan(tower!.tensors.before);
  });

  it("top-10 lists agree with Node's wasm run for the same seed (≥ 90% for BPR and TwoTower)", async () => {
    await useBackend('wasm');
    const data = shopData(SHOP);
    const users = usersOf(data.rows);
    expect(users.map(String)).toEqual(web.result.users);
    const before = tf.memory().numTensors;
    const node = await trainBoth(data.rows, TRAIN, () => {});
    expect(tf.memory().numTensors).toBe(before);
    const reseeded = await trainBoth(data.rows, { ...TRAIN, seed: TRAIN.seed + 1 }, () => {});
    const report: string[] = [];
    for (const [name, model, other] of [
      ['BPR', node.bpr, reseeded.bpr],
      ['TwoTower', node.twoTower, reseeded.twoTower],
    ] as const) {
      const lists = web.result.top10[name]!;
      expect(lists).toHaveLength(users.length);
      expect(lists.every((l) => l.length === 10)).toBe(true);
      const same = overlap(lists, topK(model, users, 10));
      const otherSeed = overlap(lists, topK(other, users, 10));
      report.push(`${name} ${same.toFixed(3)} (another seed ${otherSeed.toFixed(3)})`);
      expect(same).toBeGreaterThanOrEqual(0.9);
      expect(otherSeed).toBeLessThan(same);
    }
    console.info(`[${TAG}] top-10 agreement, ${web.result.backend} in Chromium vs wasm in Node: ${report.join('; ')}`);
  });

  it('reads a MovieLens u.data dropped on the page (ratings of 4 or 5 are the positives)', () => {
    const positives = U_DATA.split('\n').filter((l) => Number(l.split('\t')[2]) >= 4).length;
    expect(web.dropped).toContain(`MovieLens u.data: ${positives} ratings of 4 or 5 (of 150) by 30 users`);
  });
});
