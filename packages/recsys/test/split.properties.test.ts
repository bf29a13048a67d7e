// Property tests of the evaluation splits (issue #16): over generated
// interaction lists (repeated pairs included), every split keeps each row
// exactly once, never puts a (user, item) pair on both sides, and leaves its
// frozen input as it was.
import { describe, it } from 'vitest';
import { expect } from 'vitest';
import { kFoldSplit, leaveLastOutSplit, portableSplit, randomUserSplit } from '@marksman/recsys';
import type { InteractionSplit } from '@marksman/recsys';
import { checkProperty, deepFreeze, fc } from '../../../test-support/properties';

interface Row {
  readonly userId: string;
  readonly itemId: number;
  readonly weight: number;
  readonly timestamp: number;
  readonly n: number;
}

/** 1–60 interactions of up to 8 users and 12 items; pairs may repeat, timestamps may tie. */
const rows = fc
  .array(fc.record({ u: fc.integer({ min: 0, max: 7 }), i: fc.integer({ min: 0, max: 11 }), w: fc.integer({ min: 1, max: 3 }), t: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 60 })
  .map((list) => deepFreeze(list.map((r, n): Row => ({ userId: `u${r.u}`, itemId: r.i, weight: r.w, timestamp: Date.UTC(2024, 0, 1) + r.t * 3_600_000, n }))));
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const fraction = fc.double({ min: 0.05, max: 0.95, noNaN: true });

/** Each row once across train and test, and no pair on both sides. */
function holds(input: readonly Row[], split: InteractionSplit<Row>): void {
  const seen = [...split.train, ...split.test].map((r) => r.n).sort((a, b) => a - b);
  expect(seen).toEqual(input.map((r) => r.n));
  const trainPairs = new Set(split.train.map((r) => `${r.userId}|${r.itemId}`));
  expect(split.test.filter((r) => trainPairs.has(`${r.userId}|${r.itemId}`))).toEqual([]);
}

const RUNS = 60;

describe('splits: every row once, no pair on both sides, input untouched', () => {
  it('portableSplit', async () => {
    await checkProperty('portableSplit keeps rows and pairs apart', [rows, seed, fraction], (input, s, testFraction) => {
      const before = JSON.stringify(input);
      holds(input, portableSplit(input, { seed: s, testFraction }));
      expect(JSON.stringify(input)).toBe(before);
    }, RUNS);
  });

  it('randomUserSplit', async () => {
    await checkProperty('randomUserSplit keeps rows and pairs apart', [rows, seed, fraction], (input, s, testFraction) => {
      holds(input, randomUserSplit(input, { seed: s, testFraction }));
    }, RUNS);
  });

  it('leaveLastOutSplit', async () => {
    await checkProperty('leaveLastOutSplit keeps rows and pairs apart', [rows, fc.integer({ min: 1, max: 4 })], (input, k) => {
      holds(input, leaveLastOutSplit(input, { k }));
    }, RUNS);
  });

  it('kFoldSplit: each fold splits cleanly and every row is tested in exactly one fold', async () => {
    await checkProperty('kFoldSplit keeps rows and pairs apart', [rows, seed, fc.integer({ min: 2, max: 5 })], (input, s, folds) => {
      const pairs = new Set(input.map((r) => `${r.userId}|${r.itemId}`)).size;
      if (pairs < folds) {
        // Documented: more folds than (user, item) pairs is refused.
        expect(() => kFoldSplit(input, { seed: s, folds })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'folds' }));
        return;
      }
      const all = kFoldSplit(input, { seed: s, folds });
      expect(all.length).toBe(folds);
      for (const fold of all) holds(input, fold);
      const tested = all.flatMap((f) => f.test.map((r) => r.n)).sort((a, b) => a - b);
      expect(tested).toEqual(input.map((r) => r.n));
    }, RUNS);
  });

  it('same seed, same split', async () => {
    await checkProperty('splits are deterministic for a seed', [rows, seed], (input, s) => {
      expect(portableSplit(input, { seed: s })).toEqual(portableSplit(input, { seed: s }));
      expect(randomUserSplit(input, { seed: s })).toEqual(randomUserSplit(input, { seed: s }));
      const folds = Math.min(3, new Set(input.map((r) => `${r.userId}|${r.itemId}`)).size);
      if (folds >= 2) expect(kFoldSplit(input, { seed: s, folds })).toEqual(kFoldSplit(input, { seed: s, folds }));
    }, 30);
  });
});
