import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import type { Id } from '@marksman/core';
import { longTailShare } from '@marksman/metrics';
import { longTailRerank } from '@marksman/recsys';
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

// h1, h2 head; t1, t2 tail. Scores 1.0, 0.9, 0.5, 0.4 → relevance 1, 5/6, 1/6, 0.
const longTail: ReadonlySet<Id> = new Set(['t1', 't2', 't3']);
const c: readonly Recommendation[] = Object.freeze([
  Object.freeze({ itemId: 'h1', score: 1.0 }),
  Object.freeze({ itemId: 'h2', score: 0.9 }),
  Object.freeze({ itemId: 't1', score: 0.5 }),
  Object.freeze({ itemId: 't2', score: 0.4 }),
]);

describe('longTailRerank (xQuAD, Abdollahpouri et al. 2019)', () => {
  it('known answer by hand, smooth: λ = 0.8, history half tail', () => {
    const history = Object.freeze(['h9', 't3']);
    // step 1: h1 0.2·1 + 0.8·0.5·1 = 0.6 beats t1 0.2/6 + 0.4
    // step 2 (S = {h1}): head cover 0, tail cover 1: h2 0.2·5/6 = 0.167, t1 0.2/6 + 0.4 = 0.433 → t1
    // step 3 (S = {h1, t1}): both covers ½: h2 0.167 + 0.2 = 0.367, t2 0 + 0.2 → h2
    expect(ids(longTailRerank(c, { k: 3, lambda: 0.8, longTail, history }))).toEqual(['h1', 't1', 'h2']);
    // binary: after step 2 both groups are covered, so relevance decides: h2
    expect(ids(longTailRerank(c, { k: 4, lambda: 0.8, longTail, history, variant: 'binary' }))).toEqual(['h1', 't1', 'h2', 't2']);
  });

  it('is personal: a user whose history is all head gets no tail boost, an all-tail user a tail item first', () => {
    expect(ids(longTailRerank(c, { k: 2, lambda: 0.9, longTail, history: ['h1', 'h7'] }))).toEqual(['h1', 'h2']);
    // step 1: t1 0.1/6 + 0.9 beats h1 0.1; step 2: the tail is covered (1 − 1/1 = 0), so relevance picks h1
    expect(ids(longTailRerank(c, { k: 2, lambda: 0.9, longTail, history: ['t3'] }))).toEqual(['t1', 'h1']);
    // no history: half and half
    expect(ids(longTailRerank(c, { k: 2, lambda: 0.8, longTail }))).toEqual(['h1', 't1']);
  });

  it('λ = 0 keeps the input order; the tail share grows with λ', () => {
    expect(longTailRerank(c, { k: 4, lambda: 0, longTail, history: ['t3'] })).toEqual([...c]);
    let prev = -1;
    for (const lambda of [0, 0.3, 0.6, 0.9]) {
      const share = longTailShare([ids(longTailRerank(c, { k: 2, lambda, longTail, history: ['t3', 'h1'] }))], longTail);
      expect(share).toBeGreaterThanOrEqual(prev);
      prev = share;
    }
    expect(prev).toBe(0.5);
  });

  it('refuses bad options with typed errors', () => {
    expect(codeOf(() => longTailRerank(c, { k: 2 }))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => longTailRerank(c, { longTail: ['t1'] as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => longTailRerank(c, { longTail, history: 'h1' as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => longTailRerank(c, { longTail, history: [{}] as never }))).toBe('E_ID_TYPE');
    expect(codeOf(() => longTailRerank(c, { longTail, lambda: -0.1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => longTailRerank(c, { longTail, variant: 'soft' as never }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => longTailRerank(c, { longTail, beta: 1 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});
