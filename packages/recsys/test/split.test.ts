import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leaveLastOutSplit, portableKey, portableSplit, randomUserSplit } from '@marksman/recsys';
import fixture from './fixtures/portable_split.json';
import { frozen, plantedClusters } from './synthetic';

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

  it.skipIf(!hasMovieLens)('(needs MovieLens 100K under MARKSMAN_DATA_DIR, skipped when absent) gives 44,296 train / 11,079 test interactions and 942 test users on MovieLens 100K pos4', () => {
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
