import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { intraListDiversity, itemSimilarity } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

const genres = Object.freeze(
  new Map([
    ['heat', ['Action', 'Crime']],
    ['ronin', ['Action', 'Crime', 'Thriller']],
    ['up', ['Animation']],
    ['cars', ['Animation', 'Comedy']],
  ]),
);

describe('intraListDiversity', () => {
  it('known answers: mean pairwise 1 − Jaccard per list, then the mean over lists with two items', () => {
    // [heat, ronin, up]: 1/3, 1, 1 → 7/9; [up, cars]: 1 − 1/2; [heat] has no pair and is left out.
    const lists = Object.freeze([Object.freeze(['heat', 'ronin', 'up']), Object.freeze(['up', 'cars']), Object.freeze(['heat'])]);
    expect(intraListDiversity(lists, { itemFeatures: genres })).toBeCloseTo((7 / 9 + 1 / 2) / 2, 15);
    // cosine on sets: heat–ronin 2/√6, up–cars 1/√2
    const cosine = ((1 - 2 / Math.sqrt(6) + 1 + 1) / 3 + (1 - 1 / Math.SQRT2)) / 2;
    expect(intraListDiversity(lists, { itemFeatures: genres, featureSimilarity: 'cosine' })).toBeCloseTo(cosine, 15);
    // k = 2 keeps [heat, ronin] and [up, cars]
    expect(intraListDiversity(lists, { itemFeatures: genres, k: 2 })).toBeCloseTo((1 / 3 + 1 / 2) / 2, 15);
  });

  it('vectors, a prepared itemSimilarity and your own function give the brute-force answer', () => {
    const rng = new Random(3);
    const vectors = new Map<number, number[]>();
    for (let i = 0; i < 30; i++) vectors.set(i, [rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]);
    const cos = (a: number[], b: number[]) => (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / Math.hypot(...a) / Math.hypot(...b);
    const lists = Array.from({ length: 12 }, (_, u) => [u, u + 5, u + 11, u + 17]);
    let want = 0;
    for (const l of lists) {
      let d = 0;
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) d += 1 - cos(vectors.get(l[i]!)!, vectors.get(l[j]!)!);
      want += d / 6;
    }
    want /= lists.length;
    expect(intraListDiversity(lists, { itemVectors: vectors })).toBeCloseTo(want, 12);
    expect(intraListDiversity(lists, { similarity: itemSimilarity({ itemVectors: vectors }) })).toBeCloseTo(want, 12);
    expect(intraListDiversity(lists, { similarity: (a, b) => cos(vectors.get(a as number)!, vectors.get(b as number)!) })).toBeCloseTo(want, 12);
  });

  it('lies in [0, 1] with feature sets; Map and array forms agree', () => {
    const map = new Map([['ann', ['heat', 'up']], ['bob', ['ronin', 'cars', 'heat']]]);
    const v = intraListDiversity(map, { itemFeatures: genres });
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
    expect(intraListDiversity([...map.values()], { itemFeatures: genres })).toBe(v);
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => intraListDiversity([['heat'], []], { itemFeatures: genres }))).toBe('E_EMPTY');
    expect(codeOf(() => intraListDiversity([['heat', 'heat']], { itemFeatures: genres }))).toBe('E_DUPLICATE');
    expect(codeOf(() => intraListDiversity([['heat', 'alien']], { itemFeatures: genres }))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], {} as never))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], undefined as never))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], { itemFeatures: genres, itemVectors: new Map() }))).toBe('E_OPTION_CONFLICT');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], { itemFeatures: genres, k: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], { itemFeatures: genres, cutoff: 2 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => intraListDiversity([['heat', 'up']], { similarity: () => 3 }))).toBe('E_RANGE');
    expect(codeOf(() => intraListDiversity('x' as never, { itemFeatures: genres }))).toBe('E_SHAPE');
    // the error names the function the caller used and the field at fault
    expect(() => intraListDiversity([['heat', 'alien']], { itemFeatures: genres })).toThrow(expect.objectContaining({ source: 'intraListDiversity', field: 'itemFeatures' }));
  });
});
