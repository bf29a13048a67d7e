import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { longTailItems, longTailShare } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('longTailItems', () => {
  it('the short head is the ⌈share·n⌉ most popular items, ties at the boundary included', () => {
    const pop = Object.freeze(new Map([['a', 9], ['b', 7], ['c', 7], ['d', 3], ['e', 0]]));
    expect([...longTailItems(pop)]).toEqual(['b', 'c', 'd', 'e']); // ⌈0.2 · 5⌉ = 1: only a
    expect([...longTailItems(pop, { headShare: 0.4 })]).toEqual(['d', 'e']); // 2nd place tied: b and c both head
    expect([...longTailItems(pop, { headShare: 0 })]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...longTailItems(pop, { headShare: 1 })]).toEqual([]);
  });

  it('does not depend on the order of the map, and 0.2 · 15 is 3 head items (no floating-point surprise)', () => {
    const entries = Array.from({ length: 15 }, (_, i) => [`i${i}`, 100 - i] as const);
    const forward = longTailItems(new Map(entries));
    const backward = longTailItems(new Map([...entries].reverse()));
    expect(forward.size).toBe(12);
    expect([...backward].sort()).toEqual([...forward].sort());
    expect(forward.has('i2')).toBe(false);
    expect(forward.has('i3')).toBe(true);
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => longTailItems(new Map()))).toBe('E_EMPTY');
    expect(codeOf(() => longTailItems(new Map([['a', -1]])))).toBe('E_RANGE');
    expect(codeOf(() => longTailItems(new Map([['a', NaN]])))).toBe('E_NAN');
    expect(codeOf(() => longTailItems(new Map([[null as never, 1]])))).toBe('E_ID');
    expect(codeOf(() => longTailItems({ a: 1 } as never))).toBe('E_SHAPE');
    expect(codeOf(() => longTailItems(new Map([['a', 1]]), { headShare: 1.5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => longTailItems(new Map([['a', 1]]), { head: 0.2 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});

describe('longTailShare', () => {
  it('mean share of tail items per non-empty list (APLT)', () => {
    const tail = new Set(['t1', 't2', 't3']);
    expect(longTailShare(Object.freeze([Object.freeze(['h', 't1']), Object.freeze(['t2', 't3', 'h2']), Object.freeze([])]), tail)).toBeCloseTo((1 / 2 + 2 / 3) / 2, 15);
    expect(longTailShare([['h', 't1']], tail, { k: 1 })).toBe(0);
    expect(longTailShare(new Map([['u', ['t1']]]), tail)).toBe(1);
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => longTailShare([[], []], new Set(['a'])))).toBe('E_EMPTY');
    expect(codeOf(() => longTailShare([['a']], ['a'] as never))).toBe('E_SHAPE');
    expect(codeOf(() => longTailShare([['a', 'a']], new Set(['a'])))).toBe('E_DUPLICATE');
    expect(codeOf(() => longTailShare([['a']], new Set([{}] as never)))).toBe('E_ID');
    expect(codeOf(() => longTailShare([['a']], new Set(['a']), { k: 0 }))).toBe('E_OPTION_RANGE');
  });
});
