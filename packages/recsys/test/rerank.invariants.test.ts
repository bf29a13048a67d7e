// Properties every re-ranker keeps, whatever its objective: the output is a
// subset of the candidates with no repeats, of length min(k, n), with the
// candidates' own scores (no boost), the same for the same input, and the
// input untouched (frozen). Plus the candidate checks they share.
import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import type { Id } from '@marksman/core';
import { applyBusinessRules, calibratedRerank, longTailRerank, mmrRerank } from '@marksman/recsys';
import type { Recommendation } from '@marksman/recsys';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

const rng = new Random(21);
const items = Array.from({ length: 60 }, (_, i) => `i${i}`);
const genres = ['Action', 'Drama', 'Comedy', 'Horror', 'Docs'];
const itemCategories = new Map<Id, readonly Id[]>(items.map((id) => [id, [genres[rng.int(5)]!, ...(rng.next() < 0.3 ? [genres[rng.int(5)]!] : [])]]));
const itemVectors = new Map<Id, number[]>(items.map((id) => [id, [rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]]));
const longTail = new Set<Id>(items.filter((_, i) => i >= 12));
const history = Object.freeze(items.filter(() => rng.next() < 0.2));

type Reranker = (c: readonly Recommendation[], k: number) => Recommendation[];
const rerankers: Array<[string, Reranker]> = [
  ['mmrRerank (features)', (c, k) => mmrRerank(c, { k, lambda: 0.6, itemFeatures: itemCategories })],
  ['mmrRerank (vectors)', (c, k) => mmrRerank(c, { k, lambda: 0.3, itemVectors })],
  ['longTailRerank', (c, k) => longTailRerank(c, { k, lambda: 0.7, longTail, history })],
  ['longTailRerank (binary)', (c, k) => longTailRerank(c, { k, lambda: 0.7, longTail, history, variant: 'binary' })],
  ['calibratedRerank', (c, k) => calibratedRerank(c, { k, lambda: 0.8, itemCategories, history })],
  ['applyBusinessRules', (c, k) => applyBusinessRules(c, { k, exclude: history, itemCategory: new Map([...itemCategories].map(([id, g]) => [id, g[0]!])), maxPerCategory: 3 })],
];

function candidateList(n: number): readonly Recommendation[] {
  const pool = [...items];
  const out: Recommendation[] = [];
  for (let t = 0; t < n; t++) {
    const id = pool.splice(rng.int(pool.length), 1)[0]!;
    out.push(Object.freeze({ itemId: id, score: Math.round(rng.normal(0, 1) * 4) / 4 })); // ties happen
  }
  out.sort((a, b) => b.score - a.score);
  return Object.freeze(out);
}

describe.each(rerankers)('%s', (name, rerank) => {
  it('returns a subset of the candidates, no repeats, min(k, n) items (fewer only when rules drop some), input scores', () => {
    for (let rep = 0; rep < 25; rep++) {
      const c = candidateList(1 + rng.int(40));
      const k = 1 + rng.int(15);
      const byId = new Map(c.map((r) => [r.itemId, r.score]));
      const out = rerank(c, k);
      expect(out.length).toBeLessThanOrEqual(Math.min(k, c.length));
      if (!name.startsWith('applyBusinessRules')) expect(out.length).toBe(Math.min(k, c.length));
      expect(new Set(out.map((r) => r.itemId)).size).toBe(out.length);
      for (const r of out) expect(byId.get(r.itemId)).toBe(r.score);
      expect(rerank(c, k)).toEqual(out); // deterministic
    }
  });

  it('gives [] for no candidates', () => {
    expect(rerank(Object.freeze([]), 5)).toEqual([]);
  });

  it('refuses bad candidates with typed errors naming the row', () => {
    expect(codeOf(() => rerank('abc' as never, 3))).toBe('E_INPUT');
    expect(codeOf(() => rerank([null] as never, 3))).toBe('E_NOT_OBJECT');
    expect(codeOf(() => rerank([{ score: 1 }] as never, 3))).toBe('E_MISSING');
    expect(codeOf(() => rerank([{ itemId: true, score: 1 }] as never, 3))).toBe('E_ID_TYPE');
    expect(codeOf(() => rerank([{ itemId: 'i1', score: NaN }], 3))).toBe('E_NUMBER');
    expect(codeOf(() => rerank([{ itemId: 'i1', score: '1' }] as never, 3))).toBe('E_NUMBER');
    expect(() => rerank([{ itemId: 'i1', score: 1 }, { itemId: 'i1', score: 0.5 }], 3)).toThrow(expect.objectContaining({ code: 'E_DUPLICATE', row: 1 }));
    expect(codeOf(() => rerank([{ itemId: 'i1', score: 1 }], 0))).toBe('E_K');
    expect(codeOf(() => rerank([{ itemId: 'i1', score: 1 }], 2.5))).toBe('E_K');
  });
});
