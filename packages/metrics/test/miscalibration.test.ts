import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { miscalibration } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

const genre = Object.freeze(
  new Map<string, readonly string[]>([
    ['a1', ['Action']],
    ['a2', ['Action']],
    ['a3', ['Action']],
    ['d1', ['Drama']],
    ['d2', ['Drama']],
    ['ad', ['Action', 'Drama']],
    ['c1', ['Comedy']],
  ]),
);

/** Σ_g p ln(p / ((1 − α) q + α p)) written out. */
const kl = (p: number[], q: number[], alpha = 0.01) => p.reduce((s, pg, g) => (pg === 0 ? s : s + pg * Math.log(pg / ((1 - alpha) * q[g]! + alpha * pg))), 0);

describe('miscalibration (Steck 2018 C_KL)', () => {
  it('known answers by hand: p = (3/4, 1/4) against q = (1, 0) and (1/2, 1/2)', () => {
    const history = Object.freeze([Object.freeze(['a1', 'a2', 'a3', 'd1'])]);
    // q̃ = (0.9975, 0.0025): 0.75 ln(0.75/0.9975) + 0.25 ln(100) = 0.937408…
    expect(miscalibration([['a1', 'a2']], history, genre)).toBeCloseTo(0.75 * Math.log(0.75 / 0.9975) + 0.25 * Math.log(100), 14);
    expect(miscalibration([['a1', 'a2']], history, genre)).toBeCloseTo(0.937408, 6);
    // q̃ = (0.5025, 0.4975)
    expect(miscalibration([['a2', 'd2']], history, genre)).toBeCloseTo(0.75 * Math.log(0.75 / 0.5025) + 0.25 * Math.log(0.25 / 0.4975), 14);
    expect(miscalibration([['a1', 'a2', 'a3', 'd1']], history, genre)).toBeCloseTo(0, 14);
  });

  it('splits a multi-category item evenly, ignores categories absent from the history, averages over users', () => {
    // history [ad, c1]: p = (Action 1/4, Drama 1/4, Comedy 1/2); list [a1, ad]: q = (3/4, 1/4, 0)
    const one = kl([0.25, 0.25, 0.5], [0.75, 0.25, 0]);
    expect(miscalibration([['a1', 'ad']], [['ad', 'c1']], genre)).toBeCloseTo(one, 14);
    // a user with no history and a user with an empty list are left out
    const recs = new Map([['ann', ['a1', 'ad']], ['bob', ['d1']], ['cid', []]]);
    const hist = new Map([['ann', ['ad', 'c1']], ['cid', ['a1']], ['dee', ['a1']]]);
    expect(miscalibration(recs, hist, genre)).toBeCloseTo(one, 14);
    // a repeated history item counts each time: [a1, a1, d1] is 2/3 Action
    expect(miscalibration([['d1']], [['a1', 'a1', 'd1']], genre)).toBeCloseTo(kl([2 / 3, 1 / 3], [0, 1]), 14);
    // k cuts the list; larger alpha pulls q̃ towards p
    expect(miscalibration([['a1', 'd1']], [['a1', 'd1']], genre, { k: 1 })).toBeCloseTo(kl([0.5, 0.5], [1, 0]), 14);
    expect(miscalibration([['a1']], [['a1', 'd1']], genre, { alpha: 0.5 })).toBeCloseTo(kl([0.5, 0.5], [1, 0], 0.5), 14);
    expect(miscalibration([['a1']], [['a1', 'd1']], genre, { alpha: 0.5 })).toBeLessThan(miscalibration([['a1']], [['a1', 'd1']], genre));
  });

  it('refuses bad input with typed errors', () => {
    const h = [['a1']];
    expect(codeOf(() => miscalibration([['zz']], h, genre))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => miscalibration([['a1']], [['zz']], genre))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => miscalibration([['x']], [['a1']], new Map([['x', []], ['a1', ['A']]])))).toBe('E_EMPTY');
    expect(codeOf(() => miscalibration([['x']], [['a1']], new Map<string, never>([['x', 'A' as never], ['a1', ['A'] as never]])))).toBe('E_SHAPE');
    expect(codeOf(() => miscalibration([[]], h, genre))).toBe('E_EMPTY');
    expect(codeOf(() => miscalibration([['a1']], new Map([[0, ['a1']]]), genre))).toBe('E_SHAPE');
    expect(codeOf(() => miscalibration([['a1']], [7 as never], genre))).toBe('E_SHAPE');
    expect(codeOf(() => miscalibration([['a1']], h, { a1: ['A'] } as never))).toBe('E_SHAPE');
    expect(codeOf(() => miscalibration([['a1', 'a1']], h, genre))).toBe('E_DUPLICATE');
    expect(codeOf(() => miscalibration([['a1']], [[null as never]], genre))).toBe('E_ID');
    expect(codeOf(() => miscalibration([['a1']], h, genre, { alpha: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => miscalibration([['a1']], h, genre, { k: -1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => miscalibration([['a1']], h, genre, { lambda: 1 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});
