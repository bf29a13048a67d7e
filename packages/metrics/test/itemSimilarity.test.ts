import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { itemSimilarity } from '@marksman/metrics';

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
  new Map<string, readonly string[] | ReadonlySet<string>>([
    ['heat', Object.freeze(['Action', 'Crime'])],
    ['ronin', Object.freeze(['Action', 'Crime', 'Thriller', 'Action'])], // a repeat counts once
    ['up', new Set(['Animation'])],
    ['blank', Object.freeze([])],
  ]),
);

describe('itemSimilarity', () => {
  it('feature sets: Jaccard |A∩B|/|A∪B| and cosine |A∩B|/√(|A||B|), symmetric, 1 for an item with itself', () => {
    const jac = itemSimilarity({ itemFeatures: genres });
    const cos = itemSimilarity({ itemFeatures: genres, featureSimilarity: 'cosine' });
    expect(jac('heat', 'ronin')).toBeCloseTo(2 / 3, 15);
    expect(jac('ronin', 'heat')).toBeCloseTo(2 / 3, 15);
    expect(cos('heat', 'ronin')).toBeCloseTo(2 / Math.sqrt(6), 15);
    expect(jac('heat', 'up')).toBe(0);
    expect(jac('heat', 'heat')).toBe(1);
    expect(cos('up', 'up')).toBe(1);
    // no features: similar to nothing
    expect(jac('blank', 'heat')).toBe(0);
    expect(jac('blank', 'blank')).toBe(0);
  });

  it('vectors: cosine, clamped to [−1, 1], 0 for a zero vector; typed arrays accepted', () => {
    const v = new Map<number, ArrayLike<number>>([
      [1, Float32Array.of(3, 4)],
      [2, [4, 3]],
      [3, [-3, -4]],
      [4, [0, 0]],
    ]);
    const cos = itemSimilarity({ itemVectors: v });
    expect(cos(1, 2)).toBeCloseTo(24 / 25, 7);
    expect(cos(1, 3)).toBe(-1);
    expect(cos(1, 1)).toBe(1);
    expect(cos(4, 1)).toBe(0);
  });

  it('wraps your function and checks its values', () => {
    const sim = itemSimilarity({ similarity: (a, b) => (a === b ? 1 : 0.25) });
    expect(sim('x', 'y')).toBe(0.25);
    expect(codeOf(() => itemSimilarity({ similarity: () => 2 })('a', 'b'))).toBe('E_RANGE');
    expect(codeOf(() => itemSimilarity({ similarity: () => -1.5 })('a', 'b'))).toBe('E_RANGE');
    expect(codeOf(() => itemSimilarity({ similarity: () => NaN })('a', 'b'))).toBe('E_NAN');
    expect(codeOf(() => itemSimilarity({ similarity: () => Infinity })('a', 'b'))).toBe('E_NOT_FINITE');
    expect(codeOf(() => itemSimilarity({ similarity: (() => 'high') as never })('a', 'b'))).toBe('E_NAN');
  });

  it('checks an item only when asked about it (bad entries elsewhere do not matter)', () => {
    const v = new Map<string, ArrayLike<number>>([['a', [1, 0]], ['b', [0, 1]], ['bad', [NaN, 1]]]);
    const cos = itemSimilarity({ itemVectors: v });
    expect(cos('a', 'b')).toBe(0);
    expect(codeOf(() => cos('a', 'bad'))).toBe('E_NAN');
  });

  it('refuses bad sources and bad entries with typed errors', () => {
    expect(codeOf(() => itemSimilarity({}))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => itemSimilarity(undefined as never))).toBe('E_OPTION_MISSING');
    expect(codeOf(() => itemSimilarity({ itemFeatures: genres, similarity: () => 0 }))).toBe('E_OPTION_CONFLICT');
    expect(codeOf(() => itemSimilarity({ itemFeatures: { heat: ['Action'] } as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => itemSimilarity({ itemVectors: [[1, 2]] as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => itemSimilarity({ similarity: 0.5 as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => itemSimilarity({ itemFeatures: genres, featureSimilarity: 'dice' as never }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => itemSimilarity({ itemFeatures: genres, weights: 1 } as never))).toBe('E_OPTION_UNKNOWN');
    const jac = itemSimilarity({ itemFeatures: new Map<string, never>([['a', ['x'] as never], ['n', 7 as never], ['z', [null] as never]]) });
    expect(codeOf(() => jac('a', 'missing'))).toBe('E_UNKNOWN_ITEM');
    expect(codeOf(() => jac('a', 'n'))).toBe('E_SHAPE');
    expect(codeOf(() => jac('a', 'z'))).toBe('E_ID');
    const cos = itemSimilarity({ itemVectors: new Map<string, never>([['a', [1, 2] as never], ['b', [1, 2, 3] as never], ['e', [] as never], ['s', 'xy' as never], ['i', [1, Infinity] as never]]) });
    expect(codeOf(() => cos('a', 'b'))).toBe('E_LENGTH');
    expect(codeOf(() => cos('a', 'e'))).toBe('E_EMPTY');
    expect(codeOf(() => cos('a', 's'))).toBe('E_SHAPE');
    expect(codeOf(() => cos('a', 'i'))).toBe('E_NOT_FINITE');
    expect(codeOf(() => cos('a', 'nope'))).toBe('E_UNKNOWN_ITEM');
  });
});
