// TwoTower, FactorizationMachine and NeuMF trained on WebGL in headless
// Chromium (SwiftShader) must agree with the same runs on wasm in Node, leak
// no tensor, and survive a save to IndexedDB and a load. The page loads the
// *built* packages (dist); without Chromium or a build the test skips and
// says why (and fails under CI=true).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactorizationMachine, NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';
import { callInChromium, servePage, whyNoBrowser, type ServedPage } from '../../../../test-support/chromium';
import { LEARNED_RUN, smallShop } from './shop';
import type { LearnedPageResult } from './learnedPage';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DIST = {
  '@marksman/recsys/tfjs': here('../../dist/tfjs/index.js'),
  '@marksman/recsys': here('../../dist/index.js'),
  '@marksman/core/internal': here('../../../core/dist/internal.js'),
  '@marksman/core': here('../../../core/dist/index.js'),
  '@marksman/metrics': here('../../../metrics/dist/index.js'),
};

function whySkip(): string | null {
  const why = whyNoBrowser(DIST);
  if (why !== null) return why;
  if (!readFileSync(DIST['@marksman/recsys/tfjs'], 'utf8').includes('NeuMF')) return '@marksman/recsys dist predates the learned models; rebuild it';
  return null;
}

const skip = whySkip();
if (skip !== null) {
  if (process.env.CI === 'true') throw new Error(`learned models in Chromium: ${skip}`);
  console.warn(`[recsys browser test] learned models skipped: ${skip}`);
}

describe.skipIf(skip !== null)(`learned models on WebGL in headless Chromium${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  let page: ServedPage | undefined;

  beforeAll(async () => {
    page = await servePage(here('./learnedPage.ts'), DIST, 'learned');
  }, 120_000);

  afterAll(async () => {
    await page?.close();
  });

  it('trains on webgl without leaking tensors, loss falls, top-10 lists agree with wasm in Node (≥ 90%), and IndexedDB round-trips', async () => {
    const web = await callInChromium<LearnedPageResult>(page!.url, 'runLearned', null);
    expect(web.backend).toBe('webgl');
    await useBackend('wasm');
    const rows = smallShop(LEARNED_RUN.shopSeed, LEARNED_RUN.customers);
    const node = {
      TwoTower: await new TwoTower(LEARNED_RUN.twoTower).fit(rows),
      FactorizationMachine: await new FactorizationMachine(LEARNED_RUN.fm).fit(rows),
      NeuMF: await new NeuMF(LEARNED_RUN.neumf).fit(rows),
    };
    for (const m of web.models) {
      expect(m.tensorsAfterDispose, m.name).toBe(m.tensorsBefore);
      expect(m.lastLoss, m.name).toBeLessThan(m.firstLoss);
      const model = node[m.name as keyof typeof node];
      const lists = model.recommendMany(web.users, { k: 10 }).map((list) => list.map((r) => String(r.itemId)));
      model.dispose();
      let hits = 0;
      lists.forEach((list, u) => {
        const other = new Set(m.top10[u]);
        hits += list.filter((i) => other.has(i)).length;
      });
      const agreement = hits / (10 * web.users.length);
      // The lists are personal, not one popularity list: the agreement measures the backends.
      const distinct = new Set(m.top10.map((l) => l.slice(0, 3).join())).size;
      console.info(`[recsys browser test] ${m.name}: webgl fit ${m.seconds.toFixed(1)} s; webgl vs wasm top-10 agreement ${agreement.toFixed(3)}; distinct top-3 lists ${distinct}`);
      expect(distinct, m.name).toBeGreaterThan(10);
      expect(agreement, m.name).toBeGreaterThanOrEqual(0.9);
    }
    expect(web.reloadedTop10).toEqual(web.models[0]!.top10);
  }, 300_000);
});
