import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { Interaction } from '@marksman/core';
import { kFoldSplit, leaveLastOutSplit, portableKey, portableSplit, randomUserSplit } from '@marksman/recsys';
import type { InteractionSplit } from '@marksman/recsys';
import fixture from './fixtures/portable_split.json';
import { frozen, plantedClusters } from './synthetic';
import { skipUnless } from '../../../test-support/skip';

const dataDir = process.env.MARKSMAN_DATA_DIR ?? resolve(__dirname, '../../../../shared/datasets');
const uData = resolve(dataDir, 'movielens-100k/u.data');
const hasMovieLens = existsSync(uData);

describe('portableSplit', () => {
  it('computes the SplitMix64 keys of the Python reference (fixtures/portable_split.py)', () => {
    for (const k of fixture.keys) expect(portableKey(k.u, k.i, k.seed)).toBe(BigInt(k.key));
    expect(portableKey('196', '242')).toBe(portableKey(196, 242));
    expect(portableKey('abc', 1)).not.toBe(portableKey('abd', 1));
  });

  it('holds out ⌊(2n + 5)/10⌋ per user, the same rows as the Python reference', () => {
    const rows = frozen(fixture.rows.map(([userId, itemId]) => ({ userId: userId!, itemId: itemId! })));
    const { train, test } = portableSplit(rows);
    const testRows = test.map((r) => rows.indexOf(r)).sort((a, b) => a - b);
    expect(testRows).toEqual(fixture.testRows);
    expect(train.length + test.length).toBe(rows.length);
    // user u has u + 2 interactions
    for (let u = 1; u <= 12; u++) expect(test.filter((r) => r.userId === u)).toHaveLength(Math.floor((2 * (u + 2) + 5) / 10));
  });

  it.skipIf(skipUnless(hasMovieLens, 'recsys: MovieLens 100K split', `${uData} is absent (set MARKSMAN_DATA_DIR)`))('(needs MovieLens 100K under MARKSMAN_DATA_DIR, skipped when absent) gives 44,296 train / 11,079 test interactions and 942 test users on MovieLens 100K pos4', () => {
    const rows = readFileSync(uData, 'utf8').trim().split('\n').map((l) => l.split('\t').map(Number)).filter((r) => r[2]! >= 4).map(([u, i]) => ({ userId: u!, itemId: i! }));
    const { train, test } = portableSplit(rows);
    expect([train.length, test.length, new Set(test.map((r) => r.userId)).size]).toEqual([44296, 11079, 942]);
  });

  it('refuses bad options and records', () => {
    expect(() => portableSplit([], { testFraction: 1.5 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'testFraction' }));
    expect(() => portableSplit([], { seed: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'seed' }));
    expect(() => portableSplit('x' as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => portableSplit([5] as never)).toThrow(expect.objectContaining({ code: 'E_NOT_OBJECT', row: 0 }));
    expect(() => portableSplit([{ userId: 1 }] as never)).toThrow(expect.objectContaining({ code: 'E_MISSING', field: 'itemId' }));
    expect(() => portableSplit([{ userId: true, itemId: 1 }] as never)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
  });

  it('doc example', () => {
    const rows = [1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ userId: 1, itemId }));
    const { train, test } = portableSplit(rows);
    expect([train.length, test.length]).toEqual([6, 1]);
  });
});

describe('randomUserSplit', () => {
  const data = frozen(plantedClusters(3, { users: 30 }).rows);
  it('holds out ⌊p·n + ½⌋ of each user, keeps every row once, and repeats for a seed', () => {
    const a = randomUserSplit(data, { testFraction: 0.3, seed: 9 });
    const b = randomUserSplit(data, { testFraction: 0.3, seed: 9 });
    const c = randomUserSplit(data, { testFraction: 0.3, seed: 10 });
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
    expect(new Set([...a.train, ...a.test]).size).toBe(data.length);
    for (let u = 0; u < 30; u++) expect(a.test.filter((r) => r.userId === `u${u}`)).toHaveLength(Math.floor(0.3 * 12 + 0.5));
    expect(randomUserSplit(data, { testFraction: 0 }).test).toEqual([]);
  });
  it('doc example and bad options', () => {
    const rows = [1, 2, 3, 4, 5].map((itemId) => ({ userId: 'u', itemId }));
    expect(randomUserSplit(rows, { testFraction: 0.4, seed: 1 }).test.length).toBe(2);
    expect(() => randomUserSplit(rows, { testFraction: -0.1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => randomUserSplit(rows, { seed: 0.5 })).toThrow(expect.objectContaining({ code: 'E_SEED' }));
  });
});

describe('leaveLastOutSplit', () => {
  it('holds out the latest k per user, ties in input order, and leaves each user one training row', () => {
    const rows = frozen([
      { userId: 1, itemId: 'a', timestamp: '2024-01-03' },
      { userId: 1, itemId: 'b', timestamp: '2024-01-01' },
      { userId: 1, itemId: 'c', timestamp: '2024-01-02' },
      { userId: 2, itemId: 'x', timestamp: 5 },
      { userId: 2, itemId: 'y', timestamp: 5 },
      { userId: 3, itemId: 'z', timestamp: new Date(0) },
    ]);
    expect(leaveLastOutSplit(rows).test.map((r) => r.itemId)).toEqual(['a', 'y']);
    expect(leaveLastOutSplit(rows, { k: 2 }).test.map((r) => r.itemId)).toEqual(['a', 'c', 'y']);
    expect(leaveLastOutSplit(rows, { k: 2 }).train.map((r) => r.itemId)).toEqual(['b', 'x', 'z']);
  });
  it('refuses missing timestamps and bad k', () => {
    expect(() => leaveLastOutSplit([{ userId: 1, itemId: 2 }])).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', row: 0, field: 'timestamp' }));
    expect(() => leaveLastOutSplit([], { k: 0 })).toThrow(expect.objectContaining({ code: 'E_K' }));
  });
});

/**
 * Shop-like records with many repeat purchases: 25 customers, 12 items,
 * 300 records, so most (user, item) pairs occur several times.
 */
function repeatPurchases(seed: number): readonly Interaction[] {
  const rng = new Random(seed);
  const rows: Interaction[] = [];
  for (let r = 0; r < 300; r++) {
    rows.push({ userId: `c${rng.int(25)}`, itemId: rng.int(12), weight: 1 + rng.int(3), timestamp: 1_700_000_000_000 + rng.int(1_000_000) * 1000 });
  }
  return frozen(rows);
}

const pairKey = (r: Interaction): string => `${typeof r.userId}:${String(r.userId)}|${typeof r.itemId}:${String(r.itemId)}`;

/** No (user, item) pair on both sides, and every input record on exactly one side. */
function expectPairSplit(rows: readonly Interaction[], split: InteractionSplit): void {
  const trainPairs = new Set(split.train.map(pairKey));
  expect(split.test.filter((r) => trainPairs.has(pairKey(r)))).toEqual([]);
  expect(split.train.length + split.test.length).toBe(rows.length);
  const seen = new Map<Interaction, number>();
  for (const r of [...split.train, ...split.test]) seen.set(r, (seen.get(r) ?? 0) + 1);
  expect(seen.size).toBe(rows.length);
  for (const r of rows) expect(seen.get(r)).toBe(1);
}

describe('splits keep every (user, item) pair on one side (no leakage through repeat purchases)', () => {
  const seeds = [1, 2, 3, 4, 5];
  it('the data really repeat pairs', () => {
    const rows = repeatPurchases(1);
    expect(new Set(rows.map(pairKey)).size).toBeLessThan(rows.length / 1.5);
  });
  it.each(seeds)('randomUserSplit, seed %i: pairs on one side, rows once, ⌊p·pairs + ½⌋ pairs per user held out', (seed) => {
    const rows = repeatPurchases(seed);
    const split = randomUserSplit(rows, { seed, testFraction: 0.3 });
    expectPairSplit(rows, split);
    const pairsOf = (list: readonly Interaction[], u: unknown) => new Set(list.filter((r) => r.userId === u).map(pairKey)).size;
    for (const u of new Set(rows.map((r) => r.userId))) expect(pairsOf(split.test, u)).toBe(Math.floor(0.3 * pairsOf(rows, u) + 0.5));
  });
  it.each(seeds)('portableSplit, seed %i: pairs on one side, rows once', (seed) => {
    const rows = repeatPurchases(seed);
    expectPairSplit(rows, portableSplit(rows, { seed, testFraction: 0.3 }));
  });
  it.each(seeds)('leaveLastOutSplit, seed %i: pairs on one side, rows once; the test pairs are the ones bought last', (seed) => {
    const rows = repeatPurchases(seed);
    for (const k of [1, 2]) {
      const split = leaveLastOutSplit(rows, { k });
      expectPairSplit(rows, split);
      const latest = (list: readonly Interaction[], u: unknown) => Math.max(...list.filter((r) => r.userId === u).map((r) => r.timestamp as number));
      for (const u of new Set(split.test.map((r) => r.userId))) {
        // Every training pair of the user was last bought before (or with) the earliest "last purchase" of a test pair.
        const testPairs = new Set(split.test.filter((r) => r.userId === u).map(pairKey));
        expect(testPairs.size).toBe(Math.min(k, new Set(rows.filter((r) => r.userId === u).map(pairKey)).size - 1));
        const lastOf = (key: string) => latest(rows.filter((r) => pairKey(r) === key), u);
        const firstTestLast = Math.min(...[...testPairs].map(lastOf));
        expect(latest(split.train, u)).toBeLessThanOrEqual(firstTestLast);
      }
    }
  });
  it.each(seeds)('kFoldSplit, seed %i: in every fold pairs on one side and rows once; every row tested exactly once', (seed) => {
    const rows = repeatPurchases(seed);
    const folds = kFoldSplit(rows, { folds: 4, seed });
    for (const fold of folds) expectPairSplit(rows, fold);
    const tested = folds.flatMap((f) => f.test);
    expect(new Set(tested).size).toBe(rows.length);
    expect(tested.length).toBe(rows.length);
  });
  it('a repeated pair is held out whole: two purchases of one item go to test together', () => {
    const rows = frozen([
      { userId: 'u', itemId: 'a', timestamp: '2024-01-01' },
      { userId: 'u', itemId: 'b', timestamp: '2024-01-02' },
      { userId: 'u', itemId: 'a', timestamp: '2024-01-03' },
    ]);
    // The last pair (by its latest purchase) is a, with both its rows.
    expect(leaveLastOutSplit(rows).test).toEqual([rows[0], rows[2]]);
    expect(leaveLastOutSplit(rows).train).toEqual([rows[1]]);
    // Two pairs, testFraction 0.5: one pair goes to test, whole.
    for (let seed = 0; seed < 6; seed++) {
      const { test } = randomUserSplit(rows, { testFraction: 0.5, seed });
      expect([[rows[1]], [rows[0], rows[2]]]).toContainEqual(test);
    }
    expect(() => kFoldSplit(rows, { folds: 3 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'folds' }));
  });
  it('refuses NaN or non-numeric weights and unreadable timestamps in every split, naming the row', () => {
    const good = { userId: 1, itemId: 2, weight: 1, timestamp: '2024-01-01' };
    const splits: Array<(rows: readonly Interaction[]) => unknown> = [
      (r) => randomUserSplit(r),
      (r) => portableSplit(r),
      (r) => leaveLastOutSplit(r),
      (r) => kFoldSplit(r, { folds: 2 }),
    ];
    for (const split of splits) {
      for (const weight of [Number.NaN, Infinity, '3', null]) {
        expect(() => split(frozen([good, { ...good, itemId: 3, weight: weight as number }]))).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_NUMBER', row: 1, field: 'weight' }));
      }
      expect(() => split(frozen([good, { ...good, itemId: 3, timestamp: 'yesterday' }]))).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', row: 1, field: 'timestamp' }));
      expect(() => split(frozen([good, { ...good, itemId: 10n as never }]))).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 1, field: 'itemId' }));
    }
  });
  it('portableKey refuses bad ids and seeds with typed errors', () => {
    expect(() => portableKey(null as never, 1)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
    expect(() => portableKey(1, Number.NaN)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
    for (const seed of [0.5, Number.NaN, -1, 'x']) expect(() => portableKey(1, 1, seed as number)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'seed' }));
    expect(portableKey(1, 1, 0)).toBe(portableKey('1', '1', 0));
  });
});
