// Streaming sketches: DDSketch quantiles within the stated relative error of
// the exact quantiles, HyperLogLog counts within a few standard errors, and
// merged shards equal to one pass (exactly: integer counts, register maxima).
import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { HyperLogLog, QuantileSketch } from '@marksman/metrics';

const errorOf = (f: () => unknown): MarksmanError => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e;
    throw e;
  }
  throw new Error('no error');
};

const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

describe('QuantileSketch (DDSketch)', () => {
  const rng = new Random(17);
  // revenue-like: log-normal, with refunds (negatives) and zeros mixed in
  const data = Float64Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? 0 : i % 25 === 1 ? -Math.exp(rng.normal(2, 1)) : Math.exp(rng.normal(3, 1.5))));
  const sorted = Float64Array.from(data).sort();

  for (const alpha of [0.01, 0.05]) {
    it(`every quantile is within α = ${alpha} of the exact value of rank ⌊q(n − 1)⌋`, () => {
      const s = new QuantileSketch({ relativeAccuracy: alpha }).addMany(data);
      for (const q of QS) {
        const exact = sorted[Math.floor(q * (data.length - 1))]!;
        expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(alpha * Math.abs(exact) * (1 + 1e-12));
      }
      expect(s.min()).toBe(sorted[0]);
      expect(s.max()).toBe(sorted[sorted.length - 1]);
    });
  }

  it('merging shards in any order equals one pass, exactly', () => {
    const whole = new QuantileSketch().addMany(data);
    const shards = [0, 1, 2, 3].map((k) => new QuantileSketch().addMany(data.filter((_, i) => i % 4 === k)));
    const merged = new QuantileSketch().merge(shards[2]!).merge(shards[0]!).merge(shards[3]!).merge(shards[1]!);
    expect(merged.toJSON()).toEqual(whole.toJSON());
    for (const q of QS) expect(merged.quantile(q)).toBe(whole.quantile(q));
    expect(merged.count()).toBe(data.length);
  });

  it('round-trips through JSON and refuses corrupted states', () => {
    const s = new QuantileSketch({ relativeAccuracy: 0.02 }).addMany([-5, 0, 3, 3, 1000]);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    const back = QuantileSketch.fromJSON(json);
    expect(back.toJSON()).toEqual(s.toJSON());
    for (const q of QS) expect(back.quantile(q)).toBe(s.quantile(q));
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, positive: [[5, 0]] })).code).toBe('E_RANGE');
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, positive: [...json.positive].reverse() })).code).toBe('E_INCONSISTENT');
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, max: 5000 })).field).toBe('max');
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, min: 7, max: 3 })).code).toBe('E_INCONSISTENT');
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, extra: 1 })).code).toBe('E_INPUT');
    expect(errorOf(() => QuantileSketch.fromJSON({ ...json, relativeAccuracy: 2 })).code).toBe('E_OPTION_RANGE');
    expect(QuantileSketch.fromJSON(new QuantileSketch().toJSON()).count()).toBe(0);
  });

  it('an empty sketch answers NaN; bad values, probabilities and merges are typed errors', () => {
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
    expect(errorOf(() => new QuantileSketch().add(NaN)).code).toBe('E_NAN');
    expect(errorOf(() => new QuantileSketch().addMany([1, Infinity])).row).toBe(1);
    expect(errorOf(() => new QuantileSketch().add(1).quantile(1.5)).field).toBe('q');
    expect(errorOf(() => new QuantileSketch({ relativeAccuracy: 0 })).field).toBe('relativeAccuracy');
    expect(errorOf(() => new QuantileSketch().merge(new QuantileSketch({ relativeAccuracy: 0.02 }))).code).toBe('E_INCONSISTENT');
    expect(errorOf(() => new QuantileSketch().merge(new HyperLogLog() as never)).code).toBe('E_MERGE_TYPE');
    const partial = new QuantileSketch().add(1);
    expect(() => partial.addMany([2, NaN])).toThrow();
    expect(partial.count()).toBe(1); // all or nothing
  });
});

describe('HyperLogLog', () => {
  it('counts distinct ids within 4 standard errors, from 10 to 300,000', () => {
    for (const [n, p] of [[10, 14], [1000, 14], [20_000, 14], [300_000, 14], [300_000, 10], [50_000, 16]] as const) {
      const h = new HyperLogLog({ precision: p });
      for (let i = 0; i < n; i++) h.add(`customer-${i}`);
      for (let i = 0; i < n; i += 3) h.add(`customer-${i}`); // duplicates change nothing
      expect(Math.abs(h.count() / n - 1)).toBeLessThan(4 * h.standardError());
    }
    expect(new HyperLogLog().count()).toBe(0);
  });

  it('errors over 40 seeded sets have the stated spread, with no bias', () => {
    const errs: number[] = [];
    for (let s = 0; s < 40; s++) {
      const h = new HyperLogLog({ precision: 10 });
      for (let i = 0; i < 20_000; i++) h.add(s * 1_000_000 + i);
      errs.push(h.count() / 20_000 - 1);
    }
    const se = new HyperLogLog({ precision: 10 }).standardError();
    const mean = errs.reduce((a, b) => a + b, 0) / errs.length;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / (errs.length - 1));
    expect(Math.abs(mean)).toBeLessThan((4 * se) / Math.sqrt(errs.length));
    expect(sd).toBeGreaterThan(0.5 * se);
    expect(sd).toBeLessThan(1.6 * se);
  });

  it('merging shards equals one pass exactly; numbers and strings are different ids', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 2 === 0 ? i : `u${i}`));
    const whole = new HyperLogLog().addMany(ids);
    const a = new HyperLogLog().addMany(ids.slice(0, 20_000));
    const b = new HyperLogLog().addMany(ids.slice(15_000));
    expect(b.clone().merge(a).toJSON()).toEqual(whole.toJSON());
    expect(a.merge(b).count()).toBe(whole.count());
    expect(Math.round(new HyperLogLog().addMany([1, '1', 1]).count())).toBe(2);
  });

  it('round-trips through JSON and refuses corrupted states and bad ids', () => {
    const h = new HyperLogLog({ precision: 6 }).addMany(['a', 'b', 'c']);
    const json = h.toJSON();
    expect(HyperLogLog.fromJSON(json).toJSON()).toEqual(json);
    expect(errorOf(() => HyperLogLog.fromJSON({ ...json, registers: json.registers.slice(1) })).code).toBe('E_LENGTH');
    expect(errorOf(() => HyperLogLog.fromJSON({ ...json, registers: `~${json.registers.slice(1)}` })).row).toBe(0);
    expect(errorOf(() => HyperLogLog.fromJSON({ ...json, registers: `/${json.registers.slice(1)}` })).code).toBe('E_RANGE'); // 63 > 59
    expect(errorOf(() => HyperLogLog.fromJSON({ ...json, precision: 3 })).field).toBe('precision');
    expect(errorOf(() => new HyperLogLog().add(NaN)).code).toBe('E_NAN');
    expect(errorOf(() => new HyperLogLog().add({} as never)).code).toBe('E_ID');
    expect(errorOf(() => new HyperLogLog({ precision: 6 }).merge(new HyperLogLog())).code).toBe('E_INCONSISTENT');
  });
});
