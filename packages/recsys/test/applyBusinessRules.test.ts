import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import type { Id } from '@marksman/core';
import { applyBusinessRules, mmrRerank } from '@marksman/recsys';
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
const ids = (l: readonly Recommendation[]) => l.map((r) => r.itemId);

const c: readonly Recommendation[] = Object.freeze(
  [
    ['tent', 0.9],
    ['stove', 0.8],
    ['mat', 0.7],
    ['lamp', 0.6],
    ['mug', 0.5],
    ['pot', 0.4],
  ].map(([itemId, score]) => Object.freeze({ itemId: itemId as string, score: score as number })),
);
const category = Object.freeze(new Map<Id, Id>([['stove', 'cooking'], ['mug', 'cooking'], ['pot', 'cooking'], ['mat', 'sleeping'], ['tent', 'sleeping']]));

describe('applyBusinessRules', () => {
  it('drops excluded (list or Set) and out-of-stock (Set or function) items, keeping order and scores', () => {
    expect(applyBusinessRules(c, { k: 3, exclude: ['tent', 'mat'] })).toEqual([c[1], c[3], c[4]]);
    expect(ids(applyBusinessRules(c, { exclude: new Set(['stove']) }))).toEqual(['tent', 'mat', 'lamp', 'mug', 'pot']);
    expect(ids(applyBusinessRules(c, { inStock: new Set(['mug', 'tent']) }))).toEqual(['tent', 'mug']);
    // only a literal true keeps an item
    expect(ids(applyBusinessRules(c, { inStock: (id) => (id === 'lamp' ? true : (1 as never)) }))).toEqual(['lamp']);
    expect(applyBusinessRules(c, { k: 10 })).toEqual([...c]);
  });

  it('caps items per category in list order; items without a category are not capped', () => {
    expect(ids(applyBusinessRules(c, { itemCategory: category, maxPerCategory: 1 }))).toEqual(['tent', 'stove', 'lamp']);
    expect(ids(applyBusinessRules(c, { itemCategory: category, maxPerCategory: 2 }))).toEqual(['tent', 'stove', 'mat', 'lamp', 'mug']);
    expect(ids(applyBusinessRules(c, { k: 2, itemCategory: (id) => (id === 'lamp' ? undefined : 'all'), maxPerCategory: 1 }))).toEqual(['tent', 'lamp']);
  });

  it('boost adds to the min-max relevance of the kept items and re-sorts (ties keep input order)', () => {
    // kept after exclude: stove 0.8 … pot 0.4 → relevance 1, 0.75, 0.5, 0.25, 0
    const out = applyBusinessRules(c, { exclude: ['tent'], boost: new Map([['pot', 0.8], ['mat', 0.25]]) });
    expect(ids(out)).toEqual(['stove', 'mat', 'pot', 'lamp', 'mug']);
    // stove 1 + 0 and mat 0.75 + 0.25 tie at 1: input order; pot 0 + 0.8
    const scores = out.map((r) => r.score);
    [1, 1, 0.8, 0.5, 0.25].forEach((x, t) => expect(scores[t]).toBeCloseTo(x, 12));
    // a function works the same; a zero boost keeps the relevance order
    expect(ids(applyBusinessRules(c, { boost: () => 0 }))).toEqual(ids(c));
    expect(ids(applyBusinessRules(c, { k: 2, boost: (id) => (id === 'mug' ? 1 : 0) }))).toEqual(['mug', 'tent']);
  });

  it('composes: rules on top of a diversified list keep the diversified order', () => {
    const genres = new Map<Id, Id[]>([...c].map((r) => [r.itemId, [category.get(r.itemId) ?? 'other']]));
    const diverse = mmrRerank(c, { k: 6, lambda: 0.3, itemFeatures: genres });
    const ruled = applyBusinessRules(diverse, { k: 4, exclude: ['lamp'] });
    expect(ids(ruled)).toEqual(ids(diverse).filter((id) => id !== 'lamp').slice(0, 4));
  });

  it('refuses bad rules with typed errors', () => {
    expect(codeOf(() => applyBusinessRules(c, { maxPerCategory: 2 }))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => applyBusinessRules(c, { itemCategory: category }))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => applyBusinessRules(c, { itemCategory: category, maxPerCategory: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => applyBusinessRules(c, { itemCategory: category, maxPerCategory: 1.5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => applyBusinessRules(c, { itemCategory: { tent: 'x' } as never, maxPerCategory: 1 }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => applyBusinessRules(c, { exclude: 'tent' as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => applyBusinessRules(c, { inStock: ['tent'] as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => applyBusinessRules(c, { boost: [['tent', 1]] as never }))).toBe('E_OPTION_TYPE');
    expect(() => applyBusinessRules(c, { boost: new Map([['mat', NaN]]) })).toThrow(expect.objectContaining({ code: 'E_NUMBER', field: 'boost', row: 2 }));
    expect(codeOf(() => applyBusinessRules(c, { boost: () => '1' as never }))).toBe('E_NUMBER');
    expect(codeOf(() => applyBusinessRules(c, { pinned: ['tent'] } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => applyBusinessRules(c, { k: 0 }))).toBe('E_K');
  });
});
