import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError, OptionsError, Random } from '@marksman/core';
import {
  averagePrecisionAtK,
  catalogueCoverage,
  hitRateAtK,
  ndcgAtK,
  novelty,
  precisionAtK,
  rankingReport,
  recallAtK,
  reciprocalRank,
} from '@marksman/metrics';

interface UserCase {
  user: string;
  recommended: string[];
  relevant: string[];
  expected?: { precision: number; recall: number; ndcg: number; averagePrecision: number; reciprocalRank: number; hit: number };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/ranking.json', import.meta.url), 'utf8')) as {
  k: number;
  users: UserCase[];
  means: Record<'precision' | 'recall' | 'ndcg' | 'averagePrecision' | 'reciprocalRank' | 'hit', number>;
  evaluated: number;
};

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('per-user ranking metrics vs fixtures/make_ranking.py (NDCG from sklearn ndcg_score)', () => {
  const k = fixture.k;
  it('matches every user to 1e-12', () => {
    let checked = 0;
    for (const u of fixture.users) {
      if (!u.expected) continue;
      const rec = Object.freeze([...u.recommended]);
      const rel = Object.freeze([...u.relevant]);
      const e = u.expected;
      expect(precisionAtK(rec, rel, k)).toBeCloseTo(e.precision, 12);
      expect(recallAtK(rec, rel, k)).toBeCloseTo(e.recall, 12);
      expect(ndcgAtK(rec, rel, k)).toBeCloseTo(e.ndcg, 12);
      expect(averagePrecisionAtK(rec, rel, k)).toBeCloseTo(e.averagePrecision, 12);
      expect(reciprocalRank(rec, rel, k)).toBeCloseTo(e.reciprocalRank, 12);
      expect(hitRateAtK(rec, new Set(rel), k)).toBe(e.hit);
      checked++;
    }
    expect(checked).toBe(fixture.evaluated);
  });

  it('rankingReport averages over users with ≥ 1 relevant item (Map and array forms agree)', () => {
    const recs = new Map(fixture.users.map((u) => [u.user, u.recommended] as const));
    const rels = new Map(fixture.users.map((u) => [u.user, u.relevant] as const));
    const r = rankingReport(recs, rels, { k });
    expect(r.users).toBe(fixture.evaluated);
    expect(r.skippedUsers).toBe(fixture.users.length - fixture.evaluated);
    expect(r.precision).toBeCloseTo(fixture.means.precision, 12);
    expect(r.recall).toBeCloseTo(fixture.means.recall, 12);
    expect(r.ndcg).toBeCloseTo(fixture.means.ndcg, 12);
    expect(r.map).toBeCloseTo(fixture.means.averagePrecision, 12);
    expect(r.mrr).toBeCloseTo(fixture.means.reciprocalRank, 12);
    expect(r.hitRate).toBeCloseTo(fixture.means.hit, 12);
    const asArrays = rankingReport(
      fixture.users.map((u) => u.recommended),
      fixture.users.map((u) => u.relevant),
    );
    expect(asArrays.k).toBe(10);
    expect(asArrays.ndcg).toBe(r.ndcg);
    expect(r.perUser.users[0]).toBe('u1');
    expect(asArrays.perUser.users[0]).toBe(1);
  });
});

describe('ranking metrics: documented examples and invariants', () => {
  const rec = Object.freeze(['a', 'b', 'c', 'd']);
  const rel = Object.freeze(['b', 'd', 'x']);
  it('documented examples', () => {
    expect(precisionAtK(rec, rel, 4)).toBe(0.5);
    expect(precisionAtK(['a', 'b'], ['b'], 4)).toBe(0.25);
    expect(recallAtK(rec, rel, 4)).toBeCloseTo(2 / 3, 15);
    expect(ndcgAtK(rec, rel, 4)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 15);
    expect(averagePrecisionAtK(rec, rel, 4)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 15);
    expect(reciprocalRank(rec, ['c'])).toBeCloseTo(1 / 3, 15);
    expect(reciprocalRank(rec, ['c'], 2)).toBe(0);
    expect(hitRateAtK(['a', 'b', 'c'], ['c'], 3)).toBe(1);
    expect(hitRateAtK(['a', 'b', 'c'], ['c'], 2)).toBe(0);
  });

  it('a perfect ranking scores 1 on NDCG and AP, and precision min(|rel|, k)/k', () => {
    const r = new Random(2);
    for (let t = 0; t < 50; t++) {
      const nRel = 1 + r.int(15);
      const k = 1 + r.int(12);
      const relevant = Array.from({ length: nRel }, (_, i) => i);
      const ranked = [...relevant, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111];
      expect(ndcgAtK(ranked, relevant, k)).toBeCloseTo(1, 14);
      expect(averagePrecisionAtK(ranked, relevant, k)).toBeCloseTo(1, 14);
      expect(precisionAtK(ranked, relevant, k)).toBeCloseTo(Math.min(nRel, k) / k, 15);
      expect(reciprocalRank(ranked, relevant)).toBe(1);
    }
  });

  it('metrics lie in [0, 1] and moving a hit up never lowers NDCG or AP', () => {
    const r = new Random(9);
    for (let t = 0; t < 200; t++) {
      const items = Array.from({ length: 15 }, (_, i) => `i${i}`);
      const order = Array.from(r.sample(15, 15), (i) => items[i]!);
      const relevant = items.filter(() => r.next() < 0.3);
      if (relevant.length === 0) continue;
      const k = 1 + r.int(15);
      const n = ndcgAtK(order, relevant, k);
      const ap = averagePrecisionAtK(order, relevant, k);
      for (const v of [n, ap, precisionAtK(order, relevant, k), recallAtK(order, relevant, k)]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1 + 1e-15);
      }
      // Swap the first adjacent (miss, hit) pair inside the top k: the hit moves up.
      const rs = new Set(relevant);
      for (let j = 0; j + 1 < Math.min(k, order.length); j++) {
        if (!rs.has(order[j]!) && rs.has(order[j + 1]!)) {
          const better = [...order];
          [better[j], better[j + 1]] = [better[j + 1]!, better[j]!];
          expect(ndcgAtK(better, relevant, k)).toBeGreaterThan(n);
          expect(averagePrecisionAtK(better, relevant, k)).toBeGreaterThan(ap);
          break;
        }
      }
    }
  });

  it('accepts numeric ids in typed arrays, and sets', () => {
    expect(precisionAtK(Int32Array.from([3, 1, 2]), new Set([1, 2]), 3)).toBeCloseTo(2 / 3, 15);
  });

  it('throws typed errors', () => {
    expect(codeOf(() => precisionAtK(['a'], ['a'], 0))).toBe('E_RANGE');
    expect(codeOf(() => precisionAtK(['a'], ['a'], 2.5))).toBe('E_RANGE');
    expect(codeOf(() => recallAtK(['a'], [], 3))).toBe('E_EMPTY');
    expect(codeOf(() => ndcgAtK(['a', 'b', 'a'], ['a'], 3))).toBe('E_DUPLICATE');
    expect(codeOf(() => averagePrecisionAtK(['a', NaN], ['a'], 3))).toBe('E_NAN');
    expect(codeOf(() => hitRateAtK(['a', {} as string], ['a'], 3))).toBe('E_ID');
    expect(codeOf(() => reciprocalRank(['a'], [null as unknown as string]))).toBe('E_ID');
    // A duplicate beyond the cut-off is outside the evaluated list.
    expect(precisionAtK(['a', 'b', 'a'], ['a'], 2)).toBe(0.5);
  });
});

describe('rankingReport', () => {
  it('documented example; users without recommendations score 0', () => {
    const recs = new Map([['u1', ['a', 'b', 'c']], ['u2', ['c', 'a', 'b']]]);
    const test = new Map([['u1', ['a']], ['u2', ['b', 'd']], ['u3', []]]);
    const r = rankingReport(recs, test, { k: 2 });
    expect(r.users).toBe(2);
    expect(r.skippedUsers).toBe(1);
    expect(r.precision).toBe(0.25);
    expect(r.hitRate).toBe(0.5);
    const withCold = rankingReport(recs, new Map([...test, ['u4', ['a']]]), { k: 2 });
    expect(withCold.users).toBe(3);
    expect(withCold.perUser.precision[2]).toBe(0);
    expect(withCold.precision).toBeCloseTo(0.5 / 3, 15);
  });

  it('throws typed errors', () => {
    expect(codeOf(() => rankingReport(new Map(), [['a']]))).toBe('E_SHAPE');
    expect(codeOf(() => rankingReport([['a']], [['a'], ['b']]))).toBe('E_LENGTH');
    expect(codeOf(() => rankingReport([['a']], [[]]))).toBe('E_EMPTY');
    expect(codeOf(() => rankingReport([['a']], [['a']], { k: 0 }))).toBe('E_OPTION_RANGE');
    expect(() => rankingReport([['a']], [['a']], { cutoff: 3 } as never)).toThrow(OptionsError);
    expect(codeOf(() => rankingReport(5 as never, 6 as never))).toBe('E_SHAPE');
    expect(codeOf(() => rankingReport([7 as never], [['a']]))).toBe('E_SHAPE');
    expect(codeOf(() => precisionAtK(['a'], null as never, 1))).toBe('E_SHAPE');
  });
});

describe('catalogueCoverage', () => {
  it('documented examples', () => {
    expect(catalogueCoverage([['a', 'b'], ['a', 'c']], ['a', 'b', 'c', 'd', 'e'])).toBe(0.6);
    expect(catalogueCoverage([['a', 'b'], ['a', 'c']], 5, { k: 1 })).toBe(0.2);
    expect(catalogueCoverage(new Map([['u', ['a']]]), new Set(['a', 'b']))).toBe(0.5);
  });
  it('throws typed errors', () => {
    expect(codeOf(() => catalogueCoverage([['z']], ['a']))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => catalogueCoverage([['a', 'b']], 1))).toBe('E_RANGE');
    expect(codeOf(() => catalogueCoverage([['a']], 0))).toBe('E_RANGE');
    expect(codeOf(() => catalogueCoverage([['a']], []))).toBe('E_EMPTY');
    expect(codeOf(() => catalogueCoverage([['a']], 3, { k: -1 }))).toBe('E_OPTION_RANGE');
  });
});

describe('novelty', () => {
  const popularity = new Map([['a', 6], ['b', 1], ['c', 1]]);
  it('documented examples (bits of self-information)', () => {
    expect(novelty([['b'], ['c']], popularity)).toBe(3);
    expect(novelty([['a', 'b']], popularity, { users: 8 })).toBeCloseTo((-Math.log2(6 / 8) - Math.log2(1 / 8)) / 2, 14);
  });
  it('averages per user first, then over users with a list; respects k', () => {
    // user 1: (0.415 + 3) / 2, user 2: 3, empty user ignored
    const v = novelty([['a', 'b'], ['c'], []], popularity);
    expect(v).toBeCloseTo(((-Math.log2(0.75) + 3) / 2 + 3) / 2, 14);
    expect(novelty([['a', 'b']], popularity, { k: 1 })).toBeCloseTo(-Math.log2(0.75), 14);
  });
  it('recommending only the most popular item is least novel', () => {
    expect(novelty([['a']], popularity)).toBeLessThan(novelty([['b']], popularity));
  });
  it('throws typed errors', () => {
    expect(codeOf(() => novelty([['z']], popularity))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => novelty([['a']], new Map([['a', -1]])))).toBe('E_RANGE');
    expect(codeOf(() => novelty([['a']], popularity, { users: 3 }))).toBe('E_RANGE');
    expect(codeOf(() => novelty([['a']], new Map([['a', NaN]])))).toBe('E_NAN');
    expect(codeOf(() => novelty([['a']], new Map([['a', Infinity]])))).toBe('E_NOT_FINITE');
    expect(codeOf(() => novelty([[]], popularity))).toBe('E_EMPTY');
    expect(codeOf(() => novelty([['a']], popularity, { users: 0.5 }))).toBe('E_OPTION_RANGE');
  });
});

describe('missing, non-list and absurd arguments are typed errors', () => {
  it('ranking metrics name the argument at fault', () => {
    expect(codeOf(() => precisionAtK(undefined as never, ['a'], 2))).toBe('E_SHAPE');
    expect(codeOf(() => precisionAtK('ab' as never, ['a'], 2))).toBe('E_SHAPE');
    expect(codeOf(() => recallAtK(['a'], {} as never, 2))).toBe('E_SHAPE');
    expect(codeOf(() => hitRateAtK(['a'], null as never, 2))).toBe('E_SHAPE');
    expect(codeOf(() => ndcgAtK(['a'], ['a'], 1e308))).toBe('E_RANGE');
    expect(codeOf(() => reciprocalRank(['a'], ['a'], '2' as never))).toBe('E_RANGE');
    expect(codeOf(() => averagePrecisionAtK(['a'], ['a'], 2.5))).toBe('E_RANGE');
  });
  it('rankingReport refuses a user whose list is null instead of treating it as empty', () => {
    expect(codeOf(() => rankingReport([null as never, ['a']], [['a'], ['a']], { k: 2 }))).toBe('E_SHAPE');
    expect(codeOf(() => rankingReport(new Map([['u', null as never]]), new Map([['u', ['a']]]), { k: 2 }))).toBe('E_SHAPE');
    expect(codeOf(() => rankingReport([['a']], [['a']], { k: 1e308 }))).toBe('E_OPTION_RANGE');
    // a user absent from recommended simply got nothing
    expect(rankingReport(new Map([['u', ['a']]]), new Map([['u', ['a']], ['v', ['b']]]), { k: 1 }).perUser.hit).toEqual(Float64Array.from([1, 0]));
  });
  it('novelty and catalogueCoverage refuse a missing popularity map, non-list users and overflowing counts', () => {
    for (const bad of [undefined, null, {}, [['a', 1]]]) expect(codeOf(() => novelty([['a']], bad as never))).toBe('E_SHAPE');
    expect(codeOf(() => novelty([NaN as never], new Map([['a', 1]])))).toBe('E_SHAPE');
    expect(codeOf(() => novelty([['a']], new Map([['a', 1e308], ['b', 1e308]])))).toBe('E_OVERFLOW');
    expect(codeOf(() => novelty([['a']], new Map([['a', 1]]), { users: 1e308 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => catalogueCoverage([null as never], 5))).toBe('E_SHAPE');
    expect(codeOf(() => catalogueCoverage([['a']], 1e308))).toBe('E_RANGE');
    expect(codeOf(() => catalogueCoverage([['a']], null as never))).toBe('E_SHAPE');
  });
});
