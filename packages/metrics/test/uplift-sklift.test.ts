// uplift@k, uplift by percentile, Qini AUC and AUUC against scikit-uplift's
// definitions: reference values from test/fixtures/make_uplift.py, which
// re-implements sklift.metrics with numpy/pandas (scikit-uplift itself
// cannot be installed here), on random cases with many tied scores; plus
// hand-computed cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { areaUnderUpliftCurve, qiniCoefficient, upliftAtK, upliftByPercentile } from '@marksman/metrics';
import type { UpliftPercentileRow, UpliftStrategy } from '@marksman/metrics';

interface Case {
  y: number[];
  t: number[];
  s: number[];
  qini: number;
  qiniNoNegative: number;
  auuc: number;
  atK: { strategy: UpliftStrategy; k: number; value: number | null }[];
  byPercentile: { strategy: UpliftStrategy; bins: number; bins_?: never; total: UpliftPercentileRow; weightedAverageUplift: number | null }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/uplift.json', import.meta.url), 'utf8')) as { cases: (Case & { byPercentile: { bins: unknown }[] })[] };

const close = (a: number | null, b: number | null) => {
  if (b === null) expect(a).toBeNull();
  else expect(a).toBeCloseTo(b, 12);
};

const errorOf = (f: () => unknown): MarksmanError | null => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e;
    throw e;
  }
  return null;
};

describe('equal to scikit-uplift definitions (fixtures from make_uplift.py)', () => {
  fixture.cases.forEach((c, index) => {
    const y = Object.freeze([...c.y]);
    const t = Object.freeze([...c.t]);
    const s = Object.freeze([...c.s]);
    it(`case ${index}: qini_auc_score, uplift_auc_score`, () => {
      close(qiniCoefficient(y, t, s), c.qini);
      close(qiniCoefficient(y, t, s, { negativeEffect: false }), c.qiniNoNegative);
      close(areaUnderUpliftCurve(y, t, s), c.auuc);
    });
    it(`case ${index}: uplift_at_k, both strategies`, () => {
      for (const a of c.atK) close(upliftAtK(y, t, s, { k: a.k, strategy: a.strategy }), a.value);
    });
    it(`case ${index}: uplift_by_percentile (std, total) and weighted_average_uplift`, () => {
      for (const raw of c.byPercentile) {
        const want = raw as unknown as { strategy: UpliftStrategy; bins: UpliftPercentileRow[]; total: UpliftPercentileRow; weightedAverageUplift: number | null };
        const got = upliftByPercentile(y, t, s, { bins: want.bins.length, strategy: want.strategy });
        expect(got.bins.length).toBe(want.bins.length);
        [...got.bins, got.total].forEach((row, b) => {
          const w = b < want.bins.length ? want.bins[b]! : want.total;
          expect([row.percentile, row.nTreatment, row.nControl]).toEqual([w.percentile, w.nTreatment, w.nControl]);
          close(row.responseRateTreatment, w.responseRateTreatment);
          close(row.responseRateControl, w.responseRateControl);
          close(row.uplift, w.uplift);
          close(row.stdTreatment, w.stdTreatment);
          close(row.stdControl, w.stdControl);
          close(row.stdUplift, w.stdUplift);
        });
        close(got.weightedAverageUplift, want.weightedAverageUplift);
      }
    });
  });
});

describe('hand-computed', () => {
  // Ranked by score: rows 0..9. Treated: 0, 2, 5, 6, 9. Responders: 0, 2, 4, 7.
  const y = [1, 0, 1, 0, 1, 0, 0, 1, 0, 0];
  const t = [1, 0, 1, 0, 0, 1, 1, 0, 0, 1];
  const s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];
  it('overall: the top ⌊0.6 · 10⌋ = 6 rows hold treated 0, 2, 5 (2 of 3 respond) and control 1, 3, 4 (1 of 3)', () => {
    expect(upliftAtK(y, t, s, { k: 0.6 })).toBeCloseTo(2 / 3 - 1 / 3, 15);
    // A share is truncated: ⌊0.69 · 10⌋ = 6 as well.
    expect(upliftAtK(y, t, s, { k: 0.69 })).toBe(upliftAtK(y, t, s, { k: 0.6 }));
    expect(upliftAtK(y, t, s, { k: 6 })).toBe(upliftAtK(y, t, s, { k: 0.6 }));
  });
  it('by group: the top ⌊0.6 · 5⌋ = 3 of each group: treated 0, 2, 5 (2/3), control 1, 3, 4 (1/3); k = 4: treated 0, 2, 5, 6 (2/4), control 1, 3, 4, 7 (2/4)', () => {
    expect(upliftAtK(y, t, s, { k: 0.6, strategy: 'by_group' })).toBeCloseTo(1 / 3, 15);
    expect(upliftAtK(y, t, s, { k: 4, strategy: 'by_group' })).toBe(0);
  });
  it('ties: the later row comes first, as numpy mergesort reversed', () => {
    // All scores equal: ranking is rows 9, 8, ..., 0; top 2 = rows 9 (treated, 0) and 8 (control, 0).
    expect(upliftAtK(y, t, Array(10).fill(1), { k: 2 })).toBe(0);
    // Top 3 adds row 7 (control, responder): 0 − 1/2.
    expect(upliftAtK(y, t, Array(10).fill(1), { k: 3 })).toBe(-0.5);
  });
  it('by percentile: bins of numpy array_split sizes (4, 3, 3), empty groups give null', () => {
    const r = upliftByPercentile(y, t, s, { bins: 3 });
    expect(r.bins.map((b) => [b.percentile, b.nTreatment, b.nControl])).toEqual([[33, 2, 2], [67, 2, 1], [100, 1, 2]]);
    expect(r.bins.map((b) => b.uplift)).toEqual([1, -1, -0.5]);
    expect(r.total.uplift).toBeCloseTo(2 / 5 - 2 / 5, 15);
    // Weighted by treated counts: (2·1 + 2·(−1) + 1·(−0.5)) / 5.
    expect(r.weightedAverageUplift).toBeCloseTo(-0.1, 15);
    const sparse = upliftByPercentile([1, 0, 1, 0], [1, 1, 0, 0], [4, 3, 2, 1], { bins: 2 });
    expect(sparse.bins[0]).toMatchObject({ nControl: 0, responseRateControl: null, uplift: null, stdUplift: null, responseRateTreatment: 0.5 });
    expect(sparse.weightedAverageUplift).toBeNull();
  });
  it('binary standard errors: √(p(1 − p)/n)', () => {
    const r = upliftByPercentile(y, t, s, { bins: 2, strategy: 'by_group' });
    // Treated ranked: 0, 2, 5 | 6, 9 → rates 2/3, 0; control ranked: 1, 3, 4 | 7, 8 → 1/3, 1/2.
    expect(r.bins[0]!.stdTreatment).toBeCloseTo(Math.sqrt((2 / 3) * (1 / 3) / 3), 15);
    expect(r.bins[1]!.stdUplift).toBeCloseTo(Math.sqrt(0 + 0.25 / 2), 15);
  });
});

describe('typed errors naming the field', () => {
  const y = [1, 0, 1, 0, 1, 0];
  const t = [1, 1, 0, 0, 1, 0];
  const s = [6, 5, 4, 3, 2, 1];
  const cases: [string, () => unknown, string, string][] = [
    ['k = 0', () => upliftAtK(y, t, s, { k: 0 }), 'E_OPTION_RANGE', 'k'],
    ['k = 1.5', () => upliftAtK(y, t, s, { k: 1.5 }), 'E_OPTION_RANGE', 'k'],
    ['k selects nobody', () => upliftAtK(y, t, s, { k: 0.1 }), 'E_K_RANGE', 'k'],
    ['k selects everybody', () => upliftAtK(y, t, s, { k: 6 }), 'E_K_RANGE', 'k'],
    ['k above a group size', () => upliftAtK(y, t, s, { k: 4, strategy: 'by_group' }), 'E_K_RANGE', 'k'],
    ['top k without control', () => upliftAtK(y, t, s, { k: 2 }), 'E_EMPTY_GROUP', 'k'],
    ['unknown strategy', () => upliftAtK(y, t, s, { strategy: 'first' as UpliftStrategy }), 'E_OPTION_RANGE', 'strategy'],
    ['one group only', () => upliftAtK(y, [1, 1, 1, 1, 1, 1], s), 'E_SINGLE_CLASS', 'treatment'],
    ['bins ≥ n', () => upliftByPercentile(y, t, s, { bins: 6 }), 'E_BINS', 'bins'],
    ['bins not whole', () => upliftByPercentile(y, t, s, { bins: 2.5 }), 'E_OPTION_RANGE', 'bins'],
    ['percentile strategy', () => upliftByPercentile(y, t, s, { strategy: 'x' as UpliftStrategy }), 'E_OPTION_RANGE', 'strategy'],
    ['non-binary outcome', () => upliftByPercentile([2, 0, 1, 0, 1, 0], t, s, { bins: 2 }), 'E_LABEL', 'yTrue'],
  ];
  for (const [name, f, code, field] of cases) {
    it(name, () => {
      const e = errorOf(f);
      expect([e?.code, e?.field]).toEqual([code, field]);
    });
  }
});
