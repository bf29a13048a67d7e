// Cross-check of `assign` against GrowthBook's own JavaScript SDK
// (@growthbook/growthbook, a dev dependency): the same experiment definitions
// and unit ids must give the same variation, the same in/out decision and the
// same bucket, with the hash version given and with both sides' defaults.
import { GrowthBook } from '@growthbook/growthbook';
import { describe, expect, it } from 'vitest';
import { assign } from '@marksman/experiments';
import type { ExperimentDefinition } from '@marksman/experiments';

type Def = Omit<ExperimentDefinition, 'hashVersion'>;

const EXPERIMENTS: readonly Def[] = [
  { key: 'checkout-button', variations: 2 },
  { key: 'pricing-page', variations: 3, weights: [0.5, 0.25, 0.25] },
  { key: 'hero-banner', variations: 2, coverage: 0.4 },
  { key: 'onboarding', variations: 4, weights: [0.1, 0.2, 0.3, 0.4], coverage: 0.75, seed: 'onboarding-2026-q4' },
  { key: 'search-ranking', variations: 2, namespace: ['search', 0, 0.5] },
  { key: 'email-cadence', variations: 3, coverage: 0.9, seed: 'cadence', namespace: ['email', 0.3, 0.8] },
];

const UNITS = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${1_000_000 + 7919 * i}` : `dev:${(i * 2654435761) % 4294967296}`));

/** What GrowthBook's SDK decides for one unit. */
function sdk(def: Def, hashVersion: 1 | 2 | undefined, id: string): { inExperiment: boolean; variation: number; bucket: number | undefined } {
  const gb = new GrowthBook({ attributes: { id } });
  const r = gb.run({
    key: def.key,
    variations: Array.from({ length: def.variations }, (_, v) => v) as [number, number, ...number[]],
    ...(def.weights !== undefined ? { weights: [...def.weights] } : {}),
    ...(def.coverage !== undefined ? { coverage: def.coverage } : {}),
    ...(def.seed !== undefined ? { seed: def.seed } : {}),
    ...(def.namespace !== undefined ? { namespace: [...def.namespace] as [string, number, number] } : {}),
    ...(hashVersion !== undefined ? { hashVersion } : {}),
  });
  gb.destroy();
  return { inExperiment: r.inExperiment, variation: r.inExperiment ? r.variationId : -1, bucket: r.bucket };
}

function compare(hashVersion: 1 | 2 | undefined): { checked: number; differ: string[] } {
  const differ: string[] = [];
  let checked = 0;
  for (const def of EXPERIMENTS) {
    for (const id of UNITS) {
      const theirs = sdk(def, hashVersion, id);
      const ours = assign(hashVersion === undefined ? def : { ...def, hashVersion }, id);
      checked++;
      const same = ours.inExperiment === theirs.inExperiment && ours.variation === theirs.variation && (theirs.bucket === undefined || Math.abs(ours.bucket - theirs.bucket) < 1e-12);
      if (!same) differ.push(`${def.key} ${id}: ours ${ours.variation} (${ours.bucket}), GrowthBook ${theirs.variation} (${String(theirs.bucket)})`);
    }
  }
  return { checked, differ };
}

describe('assign agrees with the GrowthBook JavaScript SDK', () => {
  it.each([1, 2] as const)('hash version %i given on both sides: 6,000 assignments identical', (v) => {
    const { checked, differ } = compare(v);
    expect(checked).toBe(6000);
    expect(differ).toEqual([]);
  });

  it('with neither side naming a hash version (both default to 1): identical', () => {
    const { differ } = compare(undefined);
    expect(differ).toEqual([]);
    expect(assign(EXPERIMENTS[0]!, 'user-0').exposure?.hashVersion).toBe(1);
  });

  it('the two hash versions really differ, so the checks above can fail', () => {
    const moved = UNITS.filter((id) => assign({ ...EXPERIMENTS[1]!, hashVersion: 1 }, id).variation !== assign({ ...EXPERIMENTS[1]!, hashVersion: 2 }, id).variation);
    expect(moved.length).toBeGreaterThan(300);
  });
});
