import type { MarksmanError } from '@marksman/core';
import { OptionsError, Random, Table, ValidationError } from '@marksman/core';
import { readFileSync } from 'node:fs';
import { rfm } from '@marksman/profiling';
import { DEFAULT_RFM_SEGMENTS, rfmScores, rfmSegments, segmentRules, type RfmScore } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

function expectCode(fn: () => unknown, cls: typeof MarksmanError, code: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as MarksmanError).code).toBe(code);
}

const freeze = <T extends object>(rows: T[]): readonly T[] => Object.freeze(rows.map((r) => Object.freeze(r)));

describe('rfmScores', () => {
  it('gives equal-frequency bins without ties (sizes ⌊n/5⌋ or ⌈n/5⌉) and recent = 5', () => {
    const rng = new Random(3);
    for (const n of [5, 7, 10, 23, 101]) {
      const rows = freeze(Array.from({ length: n }, (_, i) => ({ customerId: i, recency: rng.uniform(0, 365), frequency: rng.uniform(1, 50), monetary: rng.uniform(0, 1000) })));
      const s = rfmScores(rows);
      for (const key of ['r', 'f', 'm'] as const) {
        const counts = [0, 0, 0, 0, 0];
        for (const x of s) counts[x[key] - 1]!++;
        for (const c of counts) expect(c === Math.floor(n / 5) || c === Math.ceil(n / 5)).toBe(true);
      }
      // monotone: smaller recency never scores lower; larger frequency never scores lower
      for (const a of s) for (const b of s) {
        if (a.recency < b.recency) expect(a.r).toBeGreaterThanOrEqual(b.r);
        if (a.frequency > b.frequency) expect(a.f).toBeGreaterThanOrEqual(b.f);
        if (a.monetary > b.monetary) expect(a.m).toBeGreaterThanOrEqual(b.m);
      }
      const best = s.reduce((a, b) => (a.recency < b.recency ? a : b));
      expect(best.r).toBe(5);
    }
  });

  it("ties: 'first' equals pandas qcut(x.rank(method='first'), 5) on tied data (fixture from rfm_pandas.py)", () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/rfm-pandas.json', import.meta.url), 'utf8')) as {
      rows: { customerId: string; recency: number; frequency: number; monetary: number }[];
      r: number[];
      f: number[];
      m: number[];
    };
    const s = rfmScores(freeze(fx.rows), { ties: 'first' });
    expect(s.map((x) => x.r)).toEqual(fx.r);
    expect(s.map((x) => x.f)).toEqual(fx.f);
    expect(s.map((x) => x.m)).toEqual(fx.m);
    // 'average' gives every frequency-1 customer (80 of 203) the same score; 'first' spreads them over bins 1–2
    const avg = rfmScores(freeze(fx.rows));
    const onesAvg = new Set(avg.filter((x) => x.frequency === 1).map((x) => x.f));
    const onesFirst = new Set(s.filter((x) => x.frequency === 1).map((x) => x.f));
    expect([...onesAvg]).toEqual([1]); // mid-rank 40.5 → ⌈5 · 39.5 / 202⌉ = 1
    expect([...onesFirst].sort()).toEqual([1, 2]);
    // monetary has no ties: both tie rules agree
    expect(avg.map((x) => x.m)).toEqual(fx.m);
  });

  it('scores n = 10 exactly as max(1, ⌈5·(r − 1)/(n − 1)⌉)', () => {
    const rows = freeze(Array.from({ length: 10 }, (_, i) => ({ customerId: `c${i}`, recency: 10 - i, frequency: i + 1, monetary: (i + 1) * 10 })));
    const s = rfmScores(rows);
    expect(s.map((x) => x.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s.map((x) => x.r)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('handles heavy ties: 60% with frequency 1 share one score (mid-rank 3.5 of 10 → F = 2)', () => {
    const freq = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];
    const rows = freeze(freq.map((f, i) => ({ customerId: i, recency: i, frequency: f, monetary: 5 })));
    const s = rfmScores(rows);
    expect(s.map((x) => x.f)).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
    // everyone tied on monetary: mid-rank (n+1)/2 → ⌈5·5.5/10⌉ = 3
    expect(s.every((x) => x.m === 3)).toBe(true);
    // all equal values always get equal scores, for any bins
    for (const bins of [2, 3, 4, 7]) {
      const t = rfmScores(rows, { bins });
      const byF = new Map<number, number>();
      for (const x of t) {
        expect(x.f).toBeGreaterThanOrEqual(1);
        expect(x.f).toBeLessThanOrEqual(bins);
        if (byF.has(x.frequency)) expect(byF.get(x.frequency)).toBe(x.f);
        byF.set(x.frequency, x.f);
        expect(x.bins).toBe(bins);
      }
    }
  });

  it('a single customer sits in the middle bin', () => {
    expect(rfmScores([{ customerId: 'x', recency: 3, frequency: 1, monetary: 9 }])[0]).toMatchObject({ r: 3, f: 3, m: 3 });
    expect(rfmScores([{ customerId: 'x', recency: 3, frequency: 1, monetary: 9 }], { bins: 4 })[0]).toMatchObject({ r: 2, f: 2, m: 2 });
  });

  it('accepts the Table returned by rfm() from @marksman/profiling', () => {
    const table = rfm(
      [
        { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
        { customerId: 'a', orderId: 2, timestamp: '2024-01-21', quantity: 2, amount: 30 },
        { customerId: 'b', orderId: 3, timestamp: '2024-01-11', quantity: 1, amount: 5 },
      ],
      { asOf: '2024-01-31' },
    );
    const s = rfmScores(table, { bins: 2 });
    expect(s.map((x) => [x.customerId, x.r, x.f, x.m])).toEqual([
      ['a', 2, 2, 2],
      ['b', 1, 1, 1],
    ]);
  });

  it('rejects bad input with typed errors', () => {
    expectCode(() => rfmScores([]), ValidationError, 'E_EMPTY');
    expectCode(() => rfmScores('x' as never), ValidationError, 'E_PROFILES_TYPE');
    expectCode(() => rfmScores([{ customerId: 1, recency: 1, frequency: 1 }] as never), ValidationError, 'E_FEATURE_MISSING');
    expectCode(() => rfmScores([{ customerId: 1, recency: NaN, frequency: 1, monetary: 1 }]), ValidationError, 'E_NOT_FINITE');
    expectCode(() => rfmScores([{ customerId: null, recency: 1, frequency: 1, monetary: 1 }] as never), ValidationError, 'E_ID_TYPE');
    expectCode(
      () => rfmScores([{ customerId: 1, recency: 1, frequency: 1, monetary: 1 }, { customerId: 1, recency: 2, frequency: 1, monetary: 1 }]),
      ValidationError,
      'E_DUPLICATE_ID',
    );
    expectCode(() => rfmScores(Table.fromColumns({ customerId: [1], recency: [1], frequency: [1] })), ValidationError, 'E_FEATURE_MISSING');
    expectCode(() => rfmScores([{ customerId: 1, recency: 1, frequency: 1, monetary: 1 }], { bins: 1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => rfmScores([{ customerId: 1, recency: 1, frequency: 1, monetary: 1 }], { bin: 5 } as never), OptionsError, 'E_OPTION_UNKNOWN');
    expectCode(() => rfmScores([{ customerId: 1, recency: 1, frequency: 1, monetary: 1 }], { ties: 'min' as never }), OptionsError, 'E_OPTION_RANGE');
  });
});

function cell(r: number, f: number, m = 3, bins = 5): RfmScore {
  return { customerId: `${r}${f}${m}`, recency: 0, frequency: 0, monetary: 0, r, f, m, bins };
}

describe('rfmSegments', () => {
  it('the default table covers every cell of the 5 × 5 R × F grid exactly once, with 11 named segments', () => {
    const names = new Set<string>();
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const matching = DEFAULT_RFM_SEGMENTS.filter((rule) => r >= rule.recency[0] && r <= rule.recency[1] && f >= rule.frequency[0] && f <= rule.frequency[1]);
        expect(matching).toHaveLength(1);
        for (let m = 1; m <= 5; m++) expect(rfmSegments([cell(r, f, m)])[0]!.segment).toBe(matching[0]!.name);
        names.add(matching[0]!.name);
      }
    }
    expect([...names].sort()).toEqual(
      ['About to sleep', 'At risk', "Can't lose them", 'Champions', 'Hibernating', 'Lost', 'Loyal', 'Need attention', 'New customers', 'Potential loyalist', 'Promising'].sort(),
    );
  });

  it('places the grid corners in the conventional segments', () => {
    const seg = (r: number, f: number) => rfmSegments([cell(r, f)])[0]!.segment;
    expect(seg(5, 5)).toBe('Champions');
    expect(seg(5, 1)).toBe('New customers');
    expect(seg(1, 5)).toBe("Can't lose them");
    expect(seg(1, 1)).toBe('Lost');
    expect(seg(2, 2)).toBe('Hibernating');
    expect(seg(3, 3)).toBe('Need attention');
  });

  it('custom rules: first match wins, monetary ranges are honoured, inputs are not mutated', () => {
    const rules = Object.freeze([
      Object.freeze({ name: 'Big spenders', recency: [1, 5] as const, frequency: [1, 5] as const, monetary: [5, 5] as const }),
      Object.freeze({ name: 'Everyone else', recency: [1, 5] as const, frequency: [1, 5] as const }),
    ]);
    const scores = Object.freeze([Object.freeze(cell(1, 1, 5)), Object.freeze(cell(5, 5, 4))]);
    const out = rfmSegments(scores, rules);
    expect(out.map((x) => x.segment)).toEqual(['Big spenders', 'Everyone else']);
    expect(out[0]).toMatchObject({ r: 1, f: 1, m: 5, customerId: '115' });
    // custom rules work with any number of bins
    expect(rfmSegments([cell(3, 3, 3, 3)], [{ name: 'All', recency: [1, 3], frequency: [1, 3] }])[0]!.segment).toBe('All');
  });

  it('rejects malformed tables and uncovered customers with typed errors', () => {
    expectCode(() => rfmSegments([cell(1, 1)], []), OptionsError, 'E_RFM_RULES');
    expectCode(() => rfmSegments([cell(1, 1)], [{ name: '', recency: [1, 5], frequency: [1, 5] }]), OptionsError, 'E_RFM_RULES');
    expectCode(() => rfmSegments([cell(1, 1)], [{ name: 'x', recency: [5, 1], frequency: [1, 5] }]), OptionsError, 'E_RFM_RULES');
    expectCode(() => rfmSegments([cell(1, 1)], [{ name: 'x', recency: [4, 5], frequency: [1, 5] }]), ValidationError, 'E_RFM_UNMATCHED');
    expectCode(() => rfmSegments([cell(1, 1, 1, 4)]), ValidationError, 'E_RFM_BINS');
    expectCode(() => rfmSegments([{ customerId: 1 }] as never), ValidationError, 'E_RFM_SCORES');
    expectCode(() => rfmSegments('x' as never), ValidationError, 'E_RFM_SCORES');
  });

  it('end to end: every simulated customer gets exactly one default segment', () => {
    const rng = new Random(11);
    const rows = Array.from({ length: 500 }, (_, i) => ({ customerId: i, recency: Math.floor(rng.exponential(1 / 60)), frequency: 1 + rng.poisson(1.5), monetary: Math.round(rng.gamma(2, 50)) }));
    const out = rfmSegments(rfmScores(rows));
    expect(out).toHaveLength(500);
    const names = new Set(DEFAULT_RFM_SEGMENTS.map((r) => r.name));
    for (const x of out) expect(names.has(x.segment)).toBe(true);
    // the segments are boxes on the R × F grid, so a tree on (r, f) recovers them exactly, with integer cut points
    const model = segmentRules(out, out.map((x) => x.segment), { features: ['r', 'f'], maxDepth: 8 });
    expect(model.predict(out)).toEqual(out.map((x) => x.segment));
    for (const rule of model.rules) expect(rule.share).toBe(1);
    expect(model.rules.some((r) => /^r > 4 and f > 3 → Champions/.test(r.text))).toBe(true);
  });
});
