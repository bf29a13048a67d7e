import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import type { Id } from '@marksman/core';
import { itemSimilarity } from '@marksman/metrics';
import { ALS, mmrRerank } from '@marksman/recsys';
import type { Recommendation } from '@marksman/recsys';
import { plantedClusters } from './synthetic';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

// a, b, c with scores 1.0, 0.9, 0.5 → relevance 1, 0.8, 0; sim(a,b) 0.9, sim(a,c) 0, sim(b,c) 0.2.
const sims: Record<string, number> = { 'a|b': 0.9, 'a|c': 0, 'b|c': 0.2 };
const similarity = (x: Id, y: Id): number => (x === y ? 1 : sims[[x, y].sort().join('|')]!);
const abc: readonly Recommendation[] = Object.freeze([
  Object.freeze({ itemId: 'a', score: 1.0 }),
  Object.freeze({ itemId: 'b', score: 0.9 }),
  Object.freeze({ itemId: 'c', score: 0.5 }),
]);
const ids = (l: readonly Recommendation[]) => l.map((r) => r.itemId);

describe('mmrRerank (Carbonell & Goldstein 1998)', () => {
  it('known answer by hand: λ = 0.5 takes a, then c (0 − 0.5·0 = 0 beats 0.4 − 0.45), then b', () => {
    expect(ids(mmrRerank(abc, { k: 3, lambda: 0.5, similarity }))).toEqual(['a', 'c', 'b']);
    // λ = 0.7: b scores 0.7·0.8 − 0.3·0.9 = 0.29 > c's 0 → relevance wins
    expect(ids(mmrRerank(abc, { k: 3, lambda: 0.7, similarity }))).toEqual(['a', 'b', 'c']);
    // λ = 0: the first pick is a tie at 0 (earlier wins), then the least similar
    expect(ids(mmrRerank(abc, { k: 3, lambda: 0, similarity }))).toEqual(['a', 'c', 'b']);
    // items keep their candidate scores
    expect(mmrRerank(abc, { k: 2, lambda: 0.5, similarity })).toEqual([{ itemId: 'a', score: 1 }, { itemId: 'c', score: 0.5 }]);
  });

  it('λ = 1 gives the relevance order (the input order for a sorted list; ties keep input order)', () => {
    const rng = new Random(4);
    const vectors = new Map<Id, number[]>();
    for (let i = 0; i < 50; i++) vectors.set(i, [rng.normal(0, 1), rng.normal(0, 1)]);
    const c = Array.from({ length: 50 }, (_, i) => ({ itemId: i, score: Math.round(rng.normal(0, 1) * 3) / 3 }));
    const sorted = [...c].sort((x, y) => y.score - x.score);
    expect(mmrRerank(sorted, { k: 20, lambda: 1, itemVectors: vectors })).toEqual(sorted.slice(0, 20));
    expect(mmrRerank(c, { k: 20, lambda: 1, itemVectors: vectors })).toEqual(sorted.slice(0, 20)); // unsorted input: stable sort by score
  });

  it('normalises relevance per list: scaling or shifting the scores changes nothing', () => {
    const shifted = abc.map((r) => ({ itemId: r.itemId, score: 100 * r.score - 7 }));
    for (const lambda of [0.3, 0.5, 0.7]) {
      expect(ids(mmrRerank(shifted, { k: 3, lambda, similarity }))).toEqual(ids(mmrRerank(abc, { k: 3, lambda, similarity })));
    }
    // all scores equal: relevance 1 for all, the first pick is the first candidate
    const flat = abc.map((r) => ({ itemId: r.itemId, score: 2 }));
    expect(ids(mmrRerank(flat, { k: 3, lambda: 0.5, similarity }))).toEqual(['a', 'c', 'b']);
  });

  it('uses the largest similarity to the chosen items, negative cosines included', () => {
    // x is anti-aligned with the first pick; the penalty max(−1) = −1 makes it a bonus.
    const v = new Map<Id, number[]>([['p', [1, 0]], ['x', [-1, 0]], ['y', [0, 1]]]);
    const c = [{ itemId: 'p', score: 3 }, { itemId: 'y', score: 2 }, { itemId: 'x', score: 1 }];
    // after p: y: 0.5·0.5 − 0.5·0 = 0.25; x: 0 − 0.5·(−1) = 0.5
    expect(ids(mmrRerank(c, { k: 3, lambda: 0.5, itemVectors: v }))).toEqual(['p', 'x', 'y']);
  });

  it('matches a from-scratch MMR (max over all chosen items recomputed each step) with ≤ k·n similarity calls', () => {
    const rng = new Random(9);
    const vectors = new Map<Id, number[]>();
    for (let i = 0; i < 80; i++) vectors.set(i, [rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]);
    const cos = itemSimilarity({ itemVectors: vectors });
    for (let rep = 0; rep < 10; rep++) {
      const n = 10 + rng.int(70);
      const c = Array.from({ length: n }, (_, i) => ({ itemId: i, score: rng.normal(0, 1) })).sort((x, y) => y.score - x.score);
      const k = 1 + rng.int(12);
      const lambda = rng.next();
      let calls = 0;
      const counted = (a: Id, b: Id) => {
        calls++;
        return cos(a, b);
      };
      const got = ids(mmrRerank(c, { k, lambda, similarity: counted }));
      expect(calls).toBeLessThanOrEqual(k * n);
      // naive reference
      const lo = Math.min(...c.map((r) => r.score));
      const hi = Math.max(...c.map((r) => r.score));
      const rel = c.map((r) => (r.score - lo) / (hi - lo));
      const chosen: number[] = [];
      while (chosen.length < Math.min(k, n)) {
        let best = -1;
        let bestV = -Infinity;
        for (let i = 0; i < n; i++) {
          if (chosen.includes(i)) continue;
          const pen = chosen.length === 0 ? 0 : Math.max(...chosen.map((j) => cos(c[i]!.itemId, c[j]!.itemId)));
          const v = lambda * rel[i]! - (1 - lambda) * pen;
          if (v > bestV) {
            bestV = v;
            best = i;
          }
        }
        chosen.push(best);
      }
      expect(got).toEqual(chosen.map((i) => c[i]!.itemId));
    }
  });

  it('diversifies an ALS model’s list by its own item factors', async () => {
    const { rows, itemCluster } = plantedClusters(3, { users: 80 });
    const model = await new ALS({ factors: 8, iterations: 8, regularization: 0.1, seed: 1 }).fit(rows);
    const vectors = new Map<Id, Float32Array>();
    for (let i = 0; i < itemCluster.length; i++) {
      const f = model.itemFactors(i);
      if (f !== null) vectors.set(i, f);
    }
    const clustersIn = (l: readonly Recommendation[]) => new Set(l.map((r) => itemCluster[r.itemId as number])).size;
    let before = 0;
    let after = 0;
    for (let u = 0; u < 80; u++) {
      const cands = model.recommend(`u${u}`, { k: 50 });
      before += clustersIn(cands.slice(0, 10));
      after += clustersIn(mmrRerank(cands, { k: 10, lambda: 0.3, itemVectors: vectors }));
    }
    expect(after).toBeGreaterThan(before);
  });

  it('refuses bad options with typed errors', () => {
    const genres = new Map([['a', ['x']], ['b', ['y']]]);
    const c = [{ itemId: 'a', score: 1 }, { itemId: 'b', score: 0 }];
    expect(() => mmrRerank(c, { k: 2 })).toThrow(expect.objectContaining({ code: 'E_OPTION_MISSING', source: 'mmrRerank' }));
    expect(codeOf(() => mmrRerank(c))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: genres, similarity }))).toBe('E_OPTION_CONFLICT');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: genres, lambda: 1.2 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: genres, lambda: NaN }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: genres, diversity: 0.5 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: [['a', ['x']]] as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => mmrRerank(c, { itemFeatures: genres, featureSimilarity: 'dice' as never }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => mmrRerank([...c, { itemId: 'z', score: 0.5 }], { itemFeatures: genres }))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => mmrRerank(c, { similarity: () => 7 }))).toBe('E_RANGE');
  });
});
