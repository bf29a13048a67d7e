import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import {
  assign,
  chooseVariation,
  getBucketRanges,
  hash,
  inNamespace,
  namespaceSlots,
  type BucketRange,
  type ExperimentDefinition,
  type HashVersion,
  type Namespace,
} from '@marksman/experiments';

interface Cases {
  hash: [string, string, number, number | null][];
  getBucketRange: [string, [number, number, number[] | null], [number, number][]][];
  chooseVariation: [string, number, [number, number][], number][];
  inNamespace: [string, string, [string, number, number], boolean][];
  experiments: [string, ExperimentDefinition, string | number, number, number][];
}
const cases = JSON.parse(readFileSync(new URL('./fixtures/growthbook-cases.json', import.meta.url), 'utf8')) as Cases;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('hash (GrowthBook SDK spec cases)', () => {
  it('covers every hash vector of cases.json, the unknown version included', () => {
    expect(cases.hash).toHaveLength(15);
    expect(cases.hash.filter((c) => c[3] === null)).toEqual([['abc', 'def', 99, null]]);
  });
  it.each(cases.hash)('hash(%j, %j, v%i) = %s', (seed, id, version, want) => {
    expect(hash(seed, id, version)).toBe(want);
  });
  it('gives null for any unknown version (as GrowthBook), typed errors for empty ids and non-string seeds', () => {
    for (const v of [0, 3, 1.5, NaN, '2' as unknown as number]) expect(hash('abc', 'def', v)).toBeNull();
    const known: number = hash('abc', 'def', 2 as HashVersion); // a known version is typed as a number
    expect(known).toBeGreaterThanOrEqual(0);
    expect(codeOf(() => hash('abc', ''))).toBe('E_ID');
    expect(codeOf(() => hash(1 as unknown as string, 'a'))).toBe('E_SEED_TYPE');
  });
  it('numbers hash like their decimal string', () => {
    expect(hash('feature', 123, 1)).toBe(hash('feature', '123', 1));
  });
  it('buckets are uniform: 20,000 ids spread evenly over 10 deciles (chi-square, 9 df)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[Math.floor(hash('exp-uniform', `user-${i}`) * 10)]! += 1;
    const chi2 = counts.reduce((s, c) => s + (c - 2000) ** 2 / 2000, 0);
    expect(chi2).toBeLessThan(27.88); // 99.9% quantile of chi-square(9)
  });
});

describe('getBucketRanges / chooseVariation (GrowthBook SDK spec cases)', () => {
  it.each(cases.getBucketRange)('%s', (_name, [n, coverage, weights], want) => {
    const got = getBucketRanges(n, coverage, weights);
    expect(got).toHaveLength(want.length);
    got.forEach((r, i) => {
      expect(r[0]).toBeCloseTo(want[i]![0], 12);
      expect(r[1]).toBeCloseTo(want[i]![1], 12);
    });
  });
  it.each(cases.chooseVariation)('%s', (_name, n, ranges, want) => {
    expect(chooseVariation(n, ranges as BucketRange[])).toBe(want);
  });
});

describe('namespaces (GrowthBook SDK spec cases) and layers', () => {
  it.each(cases.inNamespace)('%s', (_name, id, ns, want) => {
    expect(inNamespace(id, ns as Namespace)).toBe(want);
  });
  it('namespaceSlots makes experiments in one layer mutually exclusive', () => {
    const slots = namespaceSlots('checkout', Object.freeze([0.5, 0.5]));
    const a: ExperimentDefinition = { key: 'a', variations: 2, namespace: slots[0]! };
    const b: ExperimentDefinition = { key: 'b', variations: 2, namespace: slots[1]! };
    let inA = 0;
    let inB = 0;
    for (let i = 0; i < 4000; i++) {
      const ra = assign(a, `u${i}`);
      const rb = assign(b, `u${i}`);
      expect(ra.inExperiment && rb.inExperiment).toBe(false);
      inA += ra.inExperiment ? 1 : 0;
      inB += rb.inExperiment ? 1 : 0;
    }
    // each holds about half of the units (binomial sd ≈ 32)
    expect(Math.abs(inA - 2000)).toBeLessThan(200);
    expect(Math.abs(inB - 2000)).toBeLessThan(200);
    expect(namespaceSlots('checkout', [0.5, 0.25])).toEqual([
      ['checkout', 0, 0.5],
      ['checkout', 0.5, 0.75],
    ]);
  });
  it('namespaceSlots refuses negative shares and shares above 1 in total', () => {
    expect(codeOf(() => namespaceSlots('x', [-0.1]))).toBe('E_NAMESPACE_SHARES');
    expect(codeOf(() => namespaceSlots('x', [0.7, 0.4]))).toBe('E_NAMESPACE_SHARES');
  });
});

describe('assign', () => {
  it.each(cases.experiments)('%s', (_name, experiment, id, bucket, variation) => {
    const r = assign(Object.freeze(experiment), id);
    expect(r.bucket).toBe(bucket);
    expect(r.variation).toBe(variation);
    expect(r.inExperiment).toBe(true);
    expect(r.exposure).toEqual({
      experimentKey: experiment.key,
      unitId: String(id),
      variation,
      bucket,
      seed: experiment.seed ?? experiment.key,
      hashVersion: experiment.hashVersion ?? 2,
      timestamp: null,
    });
  });
  it('mirrors the README example', () => {
    const r = assign({ key: 'checkout-button', variations: 2, weights: [0.5, 0.5] }, 'user-42');
    expect([r.variation, r.bucket]).toEqual([1, 0.9068]);
  });
  it('mirrors the doc example', () => {
    const a = assign({ key: 'feature-exp', variations: 3, weights: [0.3334, 0.3333, 0.3333] }, 'd123');
    expect(a.bucket).toBe(0.6468);
    expect(a.variation).toBe(1);
  });
  it('is deterministic and follows the weights (90/10 split within binomial error)', () => {
    const exp: ExperimentDefinition = Object.freeze({ key: 'split', variations: 2, weights: Object.freeze([0.9, 0.1]) });
    let treated = 0;
    for (let i = 0; i < 10000; i++) {
      const r = assign(exp, i);
      expect(assign(exp, i).variation).toBe(r.variation);
      treated += r.variation;
    }
    expect(Math.abs(treated - 1000)).toBeLessThan(4 * Math.sqrt(10000 * 0.09)); // 4 sd
  });
  it('coverage removes units without moving anyone between variations', () => {
    const full: ExperimentDefinition = { key: 'cov', variations: 2 };
    const half: ExperimentDefinition = { key: 'cov', variations: 2, coverage: 0.5 };
    let kept = 0;
    for (let i = 0; i < 4000; i++) {
      const h = assign(half, `u${i}`);
      if (h.inExperiment) {
        kept++;
        expect(h.variation).toBe(assign(full, `u${i}`).variation);
      } else {
        expect(h.reason).toBe('coverage');
        expect(h.exposure).toBeNull();
      }
    }
    expect(Math.abs(kept - 2000)).toBeLessThan(200);
  });
  it('holdouts keep the same units out of every experiment that names them', () => {
    const holdout = Object.freeze({ seed: 'global-holdout', share: 0.1 });
    const e1: ExperimentDefinition = { key: 'e1', variations: 2, holdout };
    const e2: ExperimentDefinition = { key: 'e2', variations: 3, holdout };
    let held = 0;
    for (let i = 0; i < 5000; i++) {
      const a = assign(e1, `u${i}`);
      const b = assign(e2, `u${i}`);
      expect(a.reason === 'holdout').toBe(b.reason === 'holdout');
      if (a.reason === 'holdout') held++;
    }
    expect(Math.abs(held - 500)).toBeLessThan(4 * Math.sqrt(5000 * 0.09));
  });
  it('inactive experiments assign nobody; timestamps flow into the exposure record', () => {
    expect(assign({ key: 'off', variations: 2, active: false }, 'u1').reason).toBe('inactive');
    const r = assign({ key: 'on', variations: 2 }, 'u1', { timestamp: '2026-11-27T10:00:00Z' });
    expect(r.exposure?.timestamp).toBe('2026-11-27T10:00:00Z');
    expect(assign({ key: 'on', variations: 2, ranges: [[0, 0], [0, 1]] }, 'u1').variation).toBe(1);
  });
  it('bad definitions raise typed errors', () => {
    const bad: [Partial<ExperimentDefinition> | null, string][] = [
      [null, 'E_EXPERIMENT'],
      [{ key: '', variations: 2 }, 'E_EXPERIMENT_KEY'],
      [{ key: 'k', variations: 0 }, 'E_VARIATIONS'],
      [{ key: 'k', variations: 2, weights: [1] }, 'E_WEIGHTS_LENGTH'],
      [{ key: 'k', variations: 2, weights: [-0.5, 1.5] }, 'E_WEIGHTS'],
      [{ key: 'k', variations: 2, weights: [0.4, 0.4] }, 'E_WEIGHTS_SUM'],
      [{ key: 'k', variations: 2, coverage: 1.5 }, 'E_COVERAGE'],
      [{ key: 'k', variations: 2, hashVersion: 3 as HashVersion }, 'E_HASH_VERSION'],
      [{ key: 'k', variations: 2, namespace: ['n', 0.6, 0.2] }, 'E_NAMESPACE'],
      [{ key: 'k', variations: 2, holdout: { seed: 'h', share: 1 } }, 'E_HOLDOUT'],
      [{ key: 'k', variations: 2, ranges: [[0, 1]] }, 'E_RANGES'],
      [{ key: 'k', variations: 2, ranges: [[0, 0.5], [0.7, 0.6]] }, 'E_RANGES'],
    ];
    for (const [e, code] of bad) expect(codeOf(() => assign(e as ExperimentDefinition, 'u'))).toBe(code);
    expect(codeOf(() => assign({ key: 'k', variations: 2 }, ''))).toBe('E_ID');
    expect(codeOf(() => assign({ key: 'k', variations: 2 }, 'u', { seed: 1 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});

describe('bad weights, coverage, ranges and experiment fields are typed errors (GrowthBook fallbacks kept)', () => {
  it('getBucketRanges keeps the spec fallbacks but refuses NaN, negative or non-number weights and coverage', () => {
    // GrowthBook behaviour, unchanged: clamped coverage, equal weights for a bad sum or length.
    expect(getBucketRanges(2, 1.5)).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(getBucketRanges(2, 1, [0.7, 0.6])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(getBucketRanges(-1, 1)).toEqual([]);
    // Everything else used to give NaN or negative ranges.
    expect(codeOf(() => getBucketRanges(2, 1, [-0.5, 1.5]))).toBe('E_WEIGHTS');
    expect(codeOf(() => getBucketRanges(2, 1, [NaN, 1]))).toBe('E_WEIGHTS');
    expect(codeOf(() => getBucketRanges(2, 1, ['0.5', '0.5'] as never))).toBe('E_WEIGHTS');
    expect(codeOf(() => getBucketRanges(2, 1, {} as never))).toBe('E_WEIGHTS');
    expect(codeOf(() => getBucketRanges(2, NaN))).toBe('E_COVERAGE');
    expect(codeOf(() => getBucketRanges(2, {} as never))).toBe('E_COVERAGE');
    expect(codeOf(() => getBucketRanges(2, '0.05' as never))).toBe('E_COVERAGE');
    expect(codeOf(() => getBucketRanges(2.5))).toBe('E_VARIATIONS');
    expect(codeOf(() => getBucketRanges(1e308))).toBe('E_VARIATIONS');
  });
  it('chooseVariation and inNamespace refuse buckets and slots outside [0, 1] and overlapping ranges', () => {
    expect(codeOf(() => chooseVariation(NaN, [[0, 1]]))).toBe('E_BUCKET');
    expect(codeOf(() => chooseVariation('0.5' as never, [[0, 1]]))).toBe('E_BUCKET');
    expect(codeOf(() => chooseVariation(0.5, null as never))).toBe('E_RANGES');
    expect(codeOf(() => chooseVariation(0.5, [[0, 0.6], [0.4, 1]]))).toBe('E_RANGES');
    expect(codeOf(() => chooseVariation(0.5, [[0.6, 0.2]]))).toBe('E_RANGES');
    expect(codeOf(() => inNamespace('1', null as never))).toBe('E_NAMESPACE');
    expect(codeOf(() => inNamespace('1', ['ns', NaN, 1] as never))).toBe('E_NAMESPACE');
    expect(codeOf(() => namespaceSlots('x', null as never))).toBe('E_NAMESPACE_SHARES');
    expect(codeOf(() => namespaceSlots('x', ['0.5'] as never))).toBe('E_NAMESPACE_SHARES');
    expect(codeOf(() => namespaceSlots('', [0.5]))).toBe('E_NAMESPACE');
  });
  it('assign refuses a misspelt field instead of silently using the default, and overlapping ranges', () => {
    let err: unknown;
    try {
      assign({ key: 'e', variations: 2, weigths: [0.1, 0.9] } as never, 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MarksmanError);
    expect((err as MarksmanError).code).toBe('E_OPTION_UNKNOWN');
    expect((err as MarksmanError).field).toBe('weigths');
    expect((err as MarksmanError).message).toMatch(/Known fields: key, variations, weights/);
    expect(codeOf(() => assign({ key: 'e', variations: 2, ranges: [[0, 0.6], [0.4, 1]] }, 'x'))).toBe('E_RANGES');
    expect(codeOf(() => assign({ key: 'e', variations: 2, holdout: { seed: 'h', share: 0.1, shares: 0.2 } as never }, 'x'))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => assign({ key: 'e', variations: 2, namespace: 'ns' as never }, 'x'))).toBe('E_NAMESPACE');
    expect(codeOf(() => assign({ key: 'e', variations: 2, active: 'false' as never }, 'x'))).toBe('E_EXPERIMENT');
    expect(codeOf(() => assign({ key: 'e', variations: 2, seed: 5 as never }, 'x'))).toBe('E_EXPERIMENT_KEY');
    expect(codeOf(() => assign({ key: 'e', variations: 2 }, 'x', { timestamp: NaN as never }))).toBe('E_OPTION_RANGE');
  });
});

