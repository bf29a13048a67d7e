// The classic entry must work with no TensorFlow.js at all: a child process
// makes every @tensorflow/* import fail, loads the built @marksman/recsys
// (ESM and CommonJS) and fits ALS; the same block makes the tfjs entry fail,
// so the check cannot pass by accident.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const entries = [here('../dist/index.js'), here('../dist/index.cjs'), here('../dist/tfjs/index.js')];
const built = entries.every((f) => existsSync(f)) && existsSync(here('../../core/dist/index.js')) && existsSync(here('../../metrics/dist/index.js'));
const why = built ? null : '@marksman/recsys, core or metrics is not built (run pnpm build; CI builds before testing)';
if (why !== null) {
  if (process.env.CI === 'true') throw new Error(`classic-without-tfjs: ${why}`);
  console.warn(`[recsys] classic entry without TensorFlow.js: skipped: ${why}`);
}

describe.skipIf(why !== null)(`the classic entry without TensorFlow.js${why === null ? '' : ` (skipped: ${why})`}`, () => {
  it('fits ALS from the ESM and CommonJS builds while every @tensorflow/* import fails; the tfjs entry is refused', () => {
    const r = spawnSync(process.execPath, [here('./fixtures/without-tensorflow.mjs'), ...entries], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ esm: 3, cjs: 3, tfjs: 'blocked', loaded: 0 });
  }, 60_000);
});
