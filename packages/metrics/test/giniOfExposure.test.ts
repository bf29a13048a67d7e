import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { giniOfExposure } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

/** Gini as the mean absolute difference over ordered pairs, Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ): independent of the sorted formula. */
function giniByPairs(x: readonly number[]): number {
  const n = x.length;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  let d = 0;
  for (const a of x) for (const b of x) d += Math.abs(a - b);
  return d / (2 * n * n * mean);
}

/** RecBole's GiniIndex.get_gini (recbole/evaluator/metrics.py), step by step: zero counts for unshown items, full lists. */
function recboleGini(lists: readonly (readonly string[])[], numItems: number): number {
  const counts = new Map<string, number>();
  for (const l of lists) for (const i of l) counts.set(i, (counts.get(i) ?? 0) + 1);
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const totalNum = lists.reduce((s, l) => s + l.length, 0);
  let g = 0;
  sorted.forEach((c, t) => {
    const idx = numItems - sorted.length + 1 + t;
    g += (2 * idx - numItems - 1) * c;
  });
  return g / totalNum / numItems;
}

describe('giniOfExposure', () => {
  it('known answers: exposures 0, 0, 1, 3 give 0.625; equal exposure 0; one item (n − 1)/n', () => {
    const lists = Object.freeze([Object.freeze(['c', 'd']), Object.freeze(['d']), Object.freeze(['d'])]);
    expect(giniOfExposure(lists, ['a', 'b', 'c', 'd'])).toBeCloseTo(0.625, 15);
    expect(giniByPairs([0, 0, 1, 3])).toBeCloseTo(0.625, 15);
    expect(giniOfExposure([['a', 'b'], ['c', 'd']], 4)).toBe(0);
    expect(giniOfExposure([['x'], ['x']], 10)).toBeCloseTo(0.9, 15);
  });

  it('counts never-recommended catalogue items: the same lists over a larger catalogue are less equal', () => {
    const lists = [['a', 'b'], ['a', 'c']];
    const small = giniOfExposure(lists, 3);
    const large = giniOfExposure(lists, 30);
    expect(large).toBeGreaterThan(small);
    // catalogue given as ids, as a Set, or as a size: the same answer
    const ids = Array.from({ length: 30 }, (_, i) => (i < 3 ? ['a', 'b', 'c'][i]! : `z${i}`));
    expect(giniOfExposure(lists, ids)).toBeCloseTo(large, 15);
    expect(giniOfExposure(lists, new Set(ids))).toBeCloseTo(large, 15);
  });

  it('agrees with the pairwise definition and with RecBole’s formula on random lists', () => {
    const rng = new Random(7);
    for (let rep = 0; rep < 20; rep++) {
      const n = 5 + rng.int(40);
      const lists: string[][] = [];
      for (let u = 0; u < 1 + rng.int(30); u++) {
        const l = new Set<string>();
        const len = rng.int(Math.min(n, 8));
        while (l.size < len) l.add(`i${Math.floor(n * rng.next() ** 2)}`); // skewed towards low ids
        lists.push([...l]);
      }
      if (lists.every((l) => l.length === 0)) continue;
      const exposure = Array.from({ length: n }, (_, i) => lists.filter((l) => l.includes(`i${i}`)).length);
      const g = giniOfExposure(lists, n);
      expect(g).toBeCloseTo(giniByPairs(exposure), 12);
      expect(g).toBeCloseTo(recboleGini(lists, n), 12);
    }
  });

  it("'dcg' weighting discounts lower positions by 1/log2(j + 2)", () => {
    // a at rank 1 twice (2), b and c at rank 2 once (1/log2 3 each), d never.
    const w = 1 / Math.log2(3);
    expect(giniOfExposure([['a', 'b'], ['a', 'c']], 4, { weighting: 'dcg' })).toBeCloseTo(giniByPairs([2, w, w, 0]), 14);
    // All at rank 1: same as uniform.
    expect(giniOfExposure([['a'], ['a'], ['b']], 3, { weighting: 'dcg' })).toBeCloseTo(giniOfExposure([['a'], ['a'], ['b']], 3), 15);
  });

  it('k cuts each list; Map and array forms agree', () => {
    const lists = [['a', 'b', 'c'], ['a', 'd', 'e']];
    expect(giniOfExposure(lists, 5, { k: 1 })).toBeCloseTo(giniByPairs([2, 0, 0, 0, 0]), 15);
    const map = new Map([['ann', lists[0]!], ['bob', lists[1]!]]);
    expect(giniOfExposure(map, 5)).toBeCloseTo(giniOfExposure(lists, 5), 15);
    expect(giniOfExposure([['a'], []], 2)).toBeCloseTo(0.5, 15);
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => giniOfExposure([['z']], ['a']))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => giniOfExposure([['a', 'b']], 1))).toBe('E_RANGE');
    expect(codeOf(() => giniOfExposure([['a']], 2.5))).toBe('E_RANGE');
    expect(codeOf(() => giniOfExposure([['a']], []))).toBe('E_EMPTY');
    expect(codeOf(() => giniOfExposure([[], []], 3))).toBe('E_EMPTY');
    expect(codeOf(() => giniOfExposure([['a', 'a']], 3))).toBe('E_DUPLICATE');
    expect(codeOf(() => giniOfExposure([['a', 'a']], 3, { k: 1 }))).toBe('no error');
    expect(codeOf(() => giniOfExposure([5 as never], 3))).toBe('E_SHAPE');
    expect(codeOf(() => giniOfExposure(42 as never, 3))).toBe('E_SHAPE');
    expect(codeOf(() => giniOfExposure([['a']], 'abc' as never))).toBe('E_SHAPE');
    expect(codeOf(() => giniOfExposure([[null as never]], 3))).toBe('E_ID');
    expect(codeOf(() => giniOfExposure([[NaN]], 3))).toBe('E_NAN');
    expect(codeOf(() => giniOfExposure([['a']], 3, { k: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => giniOfExposure([['a']], 3, { weighting: 'log' as never }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => giniOfExposure([['a']], 3, { topK: 3 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});
