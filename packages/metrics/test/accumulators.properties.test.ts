// Property tests of the mergeable accumulators (issue #16): over generated
// data cut into shards at generated points, merging the shards' accumulators
// gives what one pass over all the data gives, and merging changes neither
// the argument nor the input lists.
import { describe, expect, it } from 'vitest';
import { CovarianceAccumulator, MeanAccumulator, ProportionAccumulator, RatioAccumulator } from '@marksman/metrics';
import { checkProperty, deepFreeze, fc } from '../../../test-support/properties';

const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const values = fc.array(value, { minLength: 0, maxLength: 80 }).map(deepFreeze);
const pairs = fc.array(fc.tuple(value, fc.double({ min: 0.5, max: 1e3, noNaN: true })), { minLength: 0, maxLength: 80 }).map(deepFreeze);
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 });

/** Cuts `list` into shards at the given fractions. */
function shards<T>(list: readonly T[], at: readonly number[]): T[][] {
  const points = [...new Set(at.map((f) => Math.floor(f * list.length)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let start = 0;
  for (const p of [...points, list.length]) {
    out.push(list.slice(start, p));
    start = p;
  }
  return out;
}

/** Equal within a relative tolerance (merges reorder floating-point sums). */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function closeStats(a: object, b: object): void {
  const x = a as Record<string, number>;
  const y = b as Record<string, number>;
  expect(Object.keys(x).sort()).toEqual(Object.keys(y).sort());
  for (const k of Object.keys(x)) expect(close(x[k]!, y[k]!), `${k}: ${x[k]} vs ${y[k]}`).toBe(true);
}

const RUNS = 150;

describe('accumulators: merging shards equals one pass', () => {
  it('MeanAccumulator', async () => {
    await checkProperty('MeanAccumulator merge equals one pass', [values, cuts], (xs, at) => {
      const parts = shards(xs, at).map((s) => new MeanAccumulator().addMany(s));
      const frozen = parts.map((p) => JSON.stringify(p.toJSON()));
      const merged = parts.slice(1).reduce((acc, p) => acc.merge(p), parts[0]!.clone());
      parts.slice(1).forEach((p, i) => expect(JSON.stringify(p.toJSON())).toBe(frozen[i + 1]));
      const one = new MeanAccumulator().addMany(xs);
      expect(merged.count()).toBe(one.count());
      closeStats(merged.toStats(), one.toStats());
      if (xs.length > 0) expect(close(merged.mean(), one.mean())).toBe(true);
      if (xs.length > 1) expect(Math.abs(merged.variance() - one.variance()) <= 1e-6 * Math.max(1, one.variance())).toBe(true);
    }, RUNS);
  });

  it('ProportionAccumulator', async () => {
    await checkProperty('ProportionAccumulator merge equals one pass', [fc.array(fc.boolean(), { maxLength: 80 }).map(deepFreeze), cuts], (xs, at) => {
      const parts = shards(xs, at).map((s) => new ProportionAccumulator().addMany(s));
      const merged = parts.slice(1).reduce((acc, p) => acc.merge(p), parts[0]!.clone());
      expect(merged.toStats()).toEqual(new ProportionAccumulator().addMany(xs).toStats());
    }, RUNS);
  });

  it('RatioAccumulator', async () => {
    await checkProperty('RatioAccumulator merge equals one pass', [pairs, cuts], (ps, at) => {
      const acc = (s: readonly (readonly [number, number])[]) => new RatioAccumulator().addMany(s.map((p) => p[0]), s.map((p) => p[1]));
      const parts = shards(ps, at).map(acc);
      const merged = parts.slice(1).reduce((a, p) => a.merge(p), parts[0]!.clone());
      const one = acc(ps);
      expect(merged.count()).toBe(one.count());
      closeStats(merged.toStats(), one.toStats());
      if (ps.length > 0) expect(close(merged.ratio(), one.ratio())).toBe(true);
    }, RUNS);
  });

  it('CovarianceAccumulator', async () => {
    await checkProperty('CovarianceAccumulator merge equals one pass', [pairs, cuts], (ps, at) => {
      const acc = (s: readonly (readonly [number, number])[]) => new CovarianceAccumulator().addMany(s.map((p) => p[0]), s.map((p) => p[1]));
      const parts = shards(ps, at).map(acc);
      const merged = parts.slice(1).reduce((a, p) => a.merge(p), parts[0]!.clone());
      const one = acc(ps);
      expect(merged.count()).toBe(one.count());
      closeStats(merged.toStats(), one.toStats());
      if (ps.length > 1) {
        const scale = Math.max(1, Math.abs(one.varianceX()) + Math.abs(one.varianceY()));
        expect(Math.abs(merged.covariance() - one.covariance()) <= 1e-6 * scale).toBe(true);
      }
    }, RUNS);
  });

  it('state round trips: fromJSON(toJSON) and fromStats(toStats) answer the same', async () => {
    await checkProperty('accumulator state round trips', [pairs], (ps) => {
      const xs = ps.map((p) => p[0]);
      const ys = ps.map((p) => p[1]);
      const mean = new MeanAccumulator().addMany(xs);
      expect(MeanAccumulator.fromJSON(JSON.parse(JSON.stringify(mean.toJSON()))).toStats()).toEqual(mean.toStats());
      const cov = new CovarianceAccumulator().addMany(xs, ys);
      expect(CovarianceAccumulator.fromJSON(JSON.parse(JSON.stringify(cov.toJSON()))).toStats()).toEqual(cov.toStats());
      const ratio = new RatioAccumulator().addMany(xs, ys);
      expect(RatioAccumulator.fromJSON(JSON.parse(JSON.stringify(ratio.toJSON()))).toStats()).toEqual(ratio.toStats());
    }, 80);
  });
});
