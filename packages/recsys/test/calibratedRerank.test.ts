import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import type { Id } from '@marksman/core';
import { miscalibration } from '@marksman/metrics';
import { calibratedRerank } from '@marksman/recsys';
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

const genre = Object.freeze(
  new Map<Id, readonly Id[]>([
    ['a1', ['Action']],
    ['a2', ['Action']],
    ['a3', ['Action']],
    ['a4', ['Action']],
    ['d1', ['Drama']],
    ['d2', ['Drama']],
    ['ad', ['Action', 'Drama']],
  ]),
);
const history = Object.freeze(['a1', 'a2', 'a3', 'd1']); // p = (3/4 Action, 1/4 Drama)

describe('calibratedRerank (Steck 2018)', () => {
  it('known answer by hand, λ = 0.5: a2 first, then d2 (KL 0.1283) over a4 (KL 0.9374)', () => {
    // relevance: a2 1, a4 0.9, d2 0.5, a3 0 (scores already in [0, 1], min 0)
    const c = Object.freeze([
      { itemId: 'a2', score: 1.0 },
      { itemId: 'a4', score: 0.9 },
      { itemId: 'd2', score: 0.5 },
      { itemId: 'a3', score: 0 },
    ]);
    const klAll = 0.75 * Math.log(0.75 / 0.9975) + 0.25 * Math.log(0.25 / 0.0025); // q = (1, 0)
    const klHalf = 0.75 * Math.log(0.75 / 0.5025) + 0.25 * Math.log(0.25 / 0.4975); // q = (1/2, 1/2)
    expect(klAll).toBeCloseTo(0.9374, 4);
    expect(klHalf).toBeCloseTo(0.1283, 4);
    // step 2 gains (the constant 0.5·rel(a2) dropped): a4 0.5·0.9 − 0.5·klAll = −0.0187; d2 0.5·0.5 − 0.5·klHalf = 0.1858
    expect(ids(calibratedRerank(c, { k: 2, lambda: 0.5, itemCategories: genre, history }))).toEqual(['a2', 'd2']);
    expect(miscalibration([['a2', 'd2']], [history], genre)).toBeCloseTo(klHalf, 14);
    // λ = 0.1: 0.9·0.9 − 0.1·klAll = 0.716 beats 0.9·0.5 − 0.1·klHalf = 0.437
    expect(ids(calibratedRerank(c, { k: 2, lambda: 0.1, itemCategories: genre, history }))).toEqual(['a2', 'a4']);
  });

  it('λ = 0 keeps the input order; no history means no target (relevance order)', () => {
    const c = Object.freeze(['a1', 'a2', 'a3', 'a4', 'ad', 'd1', 'd2'].map((id, i) => Object.freeze({ itemId: id, score: 7 - i })));
    expect(calibratedRerank(c, { k: 5, lambda: 0, itemCategories: genre, history })).toEqual(c.slice(0, 5));
    expect(calibratedRerank(c, { k: 5, lambda: 0.9, itemCategories: genre })).toEqual(c.slice(0, 5));
  });

  it('each greedy step maximises (1 − λ)·Σ rel − λ·C_KL as computed by miscalibration (brute force over the candidates)', () => {
    const rng = new Random(8);
    const cats = ['A', 'B', 'C', 'D'];
    const itemCategories = new Map<Id, Id[]>();
    for (let i = 0; i < 40; i++) itemCategories.set(i, rng.next() < 0.3 ? [cats[rng.int(4)]!, cats[rng.int(4)]!] : [cats[rng.int(4)]!]);
    for (let rep = 0; rep < 8; rep++) {
      const hist = Array.from({ length: 3 + rng.int(10) }, () => rng.int(40));
      const n = 5 + rng.int(20);
      const pool = Array.from({ length: 40 }, (_, i) => i).sort(() => rng.next() - 0.5).slice(0, n);
      const c = pool.map((i) => ({ itemId: i, score: rng.normal(0, 1) })).sort((x, y) => y.score - x.score);
      const lambda = 0.2 + 0.7 * rng.next();
      const k = 1 + rng.int(8);
      const got = ids(calibratedRerank(c, { k, lambda, itemCategories, history: hist }));
      const lo = c[c.length - 1]!.score;
      const hi = c[0]!.score;
      const rel = new Map<Id, number>(c.map((r) => [r.itemId, (r.score - lo) / (hi - lo)]));
      const chosen: Id[] = [];
      while (chosen.length < Math.min(k, n)) {
        let best: Id | null = null;
        let bestV = -Infinity;
        for (const r of c) {
          if (chosen.includes(r.itemId)) continue;
          const list = [...chosen, r.itemId];
          const v = (1 - lambda) * list.reduce<number>((s, id) => s + rel.get(id)!, 0) - lambda * miscalibration([list], [hist], itemCategories);
          if (v > bestV + 1e-12) {
            bestV = v;
            best = r.itemId;
          }
        }
        chosen.push(best!);
      }
      expect(got).toEqual(chosen);
    }
  });

  it('lowers miscalibration relative to the relevance top k', () => {
    const rng = new Random(2);
    const itemCategories = new Map<Id, Id[]>();
    for (let i = 0; i < 100; i++) itemCategories.set(i, [i < 70 ? 'Pop' : i < 90 ? 'Jazz' : 'Folk']);
    let before = 0;
    let after = 0;
    for (let u = 0; u < 20; u++) {
      const hist = [70 + rng.int(20), 90 + rng.int(10), rng.int(70)]; // a jazz, a folk and a pop fan
      const c = Array.from({ length: 100 }, (_, i) => ({ itemId: i, score: (i < 70 ? 1 : 0) + rng.next() })).sort((x, y) => y.score - x.score);
      before += miscalibration([ids(c.slice(0, 10))], [hist], itemCategories);
      after += miscalibration([ids(calibratedRerank(c, { k: 10, lambda: 0.9, itemCategories, history: hist }))], [hist], itemCategories);
    }
    expect(after).toBeLessThan(before / 5);
  });

  it('refuses bad options and items with typed errors', () => {
    const c = [{ itemId: 'a1', score: 1 }, { itemId: 'd1', score: 0 }];
    expect(codeOf(() => calibratedRerank(c, { history }))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: [['a1', ['Action']]] as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, history: 'a1' as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, history: [null] as never }))).toBe('E_ID_TYPE');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, lambda: 2 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, alpha: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, smoothing: 0.1 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => calibratedRerank([...c, { itemId: 'zz', score: 2 }], { itemCategories: genre, history }))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => calibratedRerank(c, { itemCategories: genre, history: ['zz'] }))).toBe('E_UNKNOWN_ITEM');
    const odd = new Map<Id, never>([['a1', [] as never], ['d1', 'Drama' as never], ['x', [{}] as never]]);
    expect(codeOf(() => calibratedRerank([c[0]!], { itemCategories: odd }))).toBe('E_EMPTY');
    expect(codeOf(() => calibratedRerank([c[1]!], { itemCategories: odd }))).toBe('E_SHAPE');
    expect(codeOf(() => calibratedRerank([{ itemId: 'x', score: 1 }], { itemCategories: odd }))).toBe('E_ID_TYPE');
  });
});
