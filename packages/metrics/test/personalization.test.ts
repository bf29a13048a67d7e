import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { personalization } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

/** 1 − mean over user pairs of |A∩B|/√(|A||B|), by brute force. */
function byPairs(lists: readonly (readonly string[])[]): number {
  const ls = lists.filter((l) => l.length > 0);
  let s = 0;
  let pairs = 0;
  for (let u = 0; u < ls.length; u++) {
    for (let v = u + 1; v < ls.length; v++) {
      const common = ls[u]!.filter((i) => ls[v]!.includes(i)).length;
      s += common / Math.sqrt(ls[u]!.length * ls[v]!.length);
      pairs++;
    }
  }
  return 1 - s / pairs;
}

function randomLists(rng: Random, users: number, items: number, len: () => number): string[][] {
  return Array.from({ length: users }, () => {
    const l = new Set<string>();
    const n = len();
    while (l.size < n) l.add(`i${Math.floor(items * rng.next() ** 2)}`);
    return [...l];
  });
}

describe('personalization', () => {
  it('known answers: identical lists 0, disjoint lists 1, one shared item of two', () => {
    expect(personalization([['a', 'b'], ['b', 'a'], ['a', 'b']])).toBeCloseTo(0, 14);
    expect(personalization([['a', 'b'], ['c', 'd'], ['e']])).toBe(1);
    expect(personalization(Object.freeze([Object.freeze(['a', 'b']), Object.freeze(['a', 'c']), Object.freeze(['d', 'e'])]))).toBeCloseTo(1 - 0.5 / 3, 14);
  });

  it('equals Zhou et al.’s mean Hamming distance 1 − q/L when lists have one length L', () => {
    const rng = new Random(11);
    const lists = randomLists(rng, 40, 60, () => 5);
    let h = 0;
    let pairs = 0;
    for (let u = 0; u < lists.length; u++) {
      for (let v = u + 1; v < lists.length; v++) {
        h += 1 - lists[u]!.filter((i) => lists[v]!.includes(i)).length / 5;
        pairs++;
      }
    }
    expect(personalization(lists)).toBeCloseTo(h / pairs, 12);
  });

  it('matches the pairwise cosine definition for lists of any length (empty lists left out), and k cuts lists', () => {
    const rng = new Random(5);
    for (let rep = 0; rep < 10; rep++) {
      const lists = randomLists(rng, 3 + rng.int(30), 40, () => rng.int(9));
      if (lists.filter((l) => l.length > 0).length < 2) continue;
      expect(personalization(lists)).toBeCloseTo(byPairs(lists), 12);
      expect(personalization(lists, { k: 3 })).toBeCloseTo(byPairs(lists.map((l) => l.slice(0, 3))), 12);
    }
    const map = new Map([['ann', ['a', 'b']], ['bob', ['a']], ['cid', []]]);
    expect(personalization(map)).toBeCloseTo(1 - 1 / Math.SQRT2, 14);
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => personalization([['a', 'b'], []]))).toBe('E_EMPTY');
    expect(codeOf(() => personalization([['a', 'a'], ['b']]))).toBe('E_DUPLICATE');
    expect(codeOf(() => personalization([['a'], [undefined as never]]))).toBe('E_ID');
    expect(codeOf(() => personalization(3 as never))).toBe('E_SHAPE');
    expect(codeOf(() => personalization([['a'], ['b']], { k: 1.5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => personalization([['a'], ['b']], { n: 1 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});
