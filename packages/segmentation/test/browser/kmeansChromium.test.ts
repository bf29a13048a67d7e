// k-means in headless Chromium, where the WebAssembly SIMD module (Lloyd's
// assignment and the k-means++ scorer) is compiled by the browser, must give
// the fits Node gives, bit for bit, and Node's typed-array fallback too. The
// page loads the *built* packages (dist), so run `pnpm build` first; the test
// skips, saying why, when Chromium or a build is missing (and fails under
// CI=true).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestMayRun, callInChromium, servePage, whyNoBrowser, type ServedPage } from '../../../../test-support/chromium';
import { setKMeansWasmEnabled } from '../../src/kmeans-wasm';
import { CASES, fitCases, type FitSummary } from './cases';
import type { PageResult } from './page';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DIST = {
  '@marksman/segmentation': here('../../dist/index.js'),
  '@marksman/core/internal': here('../../../core/dist/internal.js'),
  '@marksman/core': here('../../../core/dist/index.js'),
  '@marksman/metrics': here('../../../metrics/dist/index.js'),
  '@marksman/profiling': here('../../../profiling/dist/index.js'),
};

const skip = whyNoBrowser(DIST);
browserTestMayRun('segmentation browser test', skip);

describe.skipIf(skip !== null)(`k-means in headless Chromium${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  let page: ServedPage | undefined;

  beforeAll(async () => {
    page = await servePage(here('./page.ts'), DIST, 'segmentation');
  }, 120_000);

  afterAll(async () => {
    await page?.close();
  });

  it('runs the WebAssembly SIMD path in the browser and gives the same fits as Node, bit for bit', async () => {
    const web = await callInChromium<PageResult>(page!.url, 'runKMeans', null);
    expect(web.simd).toBe(true);
    const node = fitCases();
    const was = setKMeansWasmEnabled(false);
    let plain: FitSummary[];
    try {
      plain = fitCases();
    } finally {
      setKMeansWasmEnabled(was);
    }
    expect(web.fits).toHaveLength(CASES.length);
    CASES.forEach((c, i) => {
      expect(web.fits[i]!.iterations).toBeGreaterThan(1);
      expect(new Set(web.fits[i]!.labels).size).toBe(c.k);
      expect(web.fits[i]).toEqual(node[i]);
      expect(web.fits[i]).toEqual(plain[i]);
    });
  }, 180_000);
});
