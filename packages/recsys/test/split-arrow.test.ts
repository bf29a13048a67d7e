// The recommender splits on Apache Arrow tables. Properties: records → Arrow
// → split puts the same rows on the same sides as records → split (each side
// an Arrow table of the input's schema, extra columns carried along); a
// column of the wrong type is E_ARROW_TYPE naming it; a null is what null in
// a record is; the input table is left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { kFoldSplit, leaveLastOutSplit, portableSplit, randomUserSplit } from '@marksman/recsys';
import { errorWithRowOf } from '../../../test-support/errors';

const T0 = Date.UTC(2024, 0, 1);

interface Row {
  readonly userId: string;
  readonly itemId: number;
  readonly weight: number;
  readonly timestamp: number;
  readonly row: number;
  readonly note: string | null;
}

function rows(n: number, seed: number): readonly Row[] {
  const rng = new Random(seed);
  return Object.freeze(
    Array.from({ length: n }, (_, row) =>
      Object.freeze({
        userId: `u${Math.floor(rng.uniform() * 25)}`,
        itemId: Math.floor(rng.uniform() * 30),
        weight: 1 + Math.floor(rng.uniform() * 5),
        timestamp: T0 + Math.floor(rng.uniform() * 1e6) * 1000,
        row,
        note: rng.uniform() < 0.2 ? null : `n${row}`,
      }),
    ),
  );
}

function tableOf(rs: readonly Row[]): arrow.Table {
  return new arrow.Table({
    userId: arrow.vectorFromArray(rs.map((r) => r.userId), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    itemId: arrow.makeVector(Int32Array.from(rs, (r) => r.itemId)),
    weight: arrow.makeVector(Float64Array.from(rs, (r) => r.weight)),
    timestamp: arrow.vectorFromArray(rs.map((r) => r.timestamp), new arrow.TimestampMillisecond()),
    row: arrow.makeVector(Int32Array.from(rs, (r) => r.row)),
    note: arrow.vectorFromArray(rs.map((r) => r.note), new arrow.Utf8()),
  });
}

/** The input rows of an Arrow side, with every column checked against the records. */
function sideRows(t: arrow.Table, all: readonly Row[]): number[] {
  const out = Array.from(t.getChild('row')!.toArray() as Int32Array);
  out.forEach((r, i) => {
    const rec = all[r]!;
    expect([t.getChild('userId')!.get(i), t.getChild('itemId')!.get(i), t.getChild('weight')!.get(i), t.getChild('note')!.get(i)]).toEqual([rec.userId, rec.itemId, rec.weight, rec.note]);
    expect(Number(t.getChild('timestamp')!.get(i))).toBe(rec.timestamp);
  });
  return out;
}

const error = errorWithRowOf;

const SPLITS = {
  portableSplit: (x: readonly Row[] | arrow.Table) => [x instanceof arrow.Table ? portableSplit(x, { seed: 3 }) : portableSplit(x, { seed: 3 })],
  randomUserSplit: (x: readonly Row[] | arrow.Table) => [x instanceof arrow.Table ? randomUserSplit(x, { seed: 4, testFraction: 0.3 }) : randomUserSplit(x, { seed: 4, testFraction: 0.3 })],
  leaveLastOutSplit: (x: readonly Row[] | arrow.Table) => [x instanceof arrow.Table ? leaveLastOutSplit(x, { k: 2 }) : leaveLastOutSplit(x, { k: 2 })],
  kFoldSplit: (x: readonly Row[] | arrow.Table) => (x instanceof arrow.Table ? kFoldSplit(x, { folds: 4, seed: 5 }) : kFoldSplit(x, { folds: 4, seed: 5 })),
} as const;

describe('splits of an Arrow table', () => {
  for (const [name, split] of Object.entries(SPLITS)) {
    it(`${name}: the same rows on the same sides as for records, as Arrow tables of the input's schema`, () => {
      const rs = rows(400, 1);
      const t = tableOf(rs);
      const before = JSON.stringify(t.toArray());
      const fromRecords = split(rs) as { train: Row[]; test: Row[] }[];
      const fromArrow = split(t) as { train: arrow.Table; test: arrow.Table }[];
      expect(fromArrow.length).toBe(fromRecords.length);
      fromArrow.forEach((s, k) => {
        expect(s.train).toBeInstanceOf(arrow.Table);
        expect(s.test.schema).toEqual(t.schema);
        expect(sideRows(s.train, rs)).toEqual(fromRecords[k]!.train.map((r) => r.row));
        expect(sideRows(s.test, rs)).toEqual(fromRecords[k]!.test.map((r) => r.row));
      });
      expect(JSON.stringify(t.toArray())).toBe(before);
    });
  }

  it('a table split over several batches gives the split of its rows', () => {
    const rs = rows(300, 2);
    const t = tableOf(rs.slice(0, 100)).concat(tableOf(rs.slice(100, 250)), tableOf(rs.slice(250)));
    const a = portableSplit(t);
    const b = portableSplit(rs);
    expect(sideRows(a.test, rs)).toEqual(b.test.map((r) => r.row));
    expect(sideRows(a.train, rs)).toEqual(b.train.map((r) => r.row));
  });

  it('a column of the wrong type is E_ARROW_TYPE naming it; a null is what null in a record is', () => {
    const ok = { userId: ['a', 'b'], itemId: Int32Array.of(1, 2) };
    expect(error(() => portableSplit(arrow.tableFromArrays({ ...ok, userId: [true, false] })))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'userId' });
    expect(error(() => randomUserSplit(arrow.tableFromArrays({ ...ok, weight: ['high', 'low'] })))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'weight' });
    expect(error(() => kFoldSplit(arrow.tableFromArrays({ ...ok, itemId: [new Date(0), new Date(1)] })))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'itemId' });
    expect(error(() => leaveLastOutSplit(arrow.tableFromArrays({ ...ok, timestamp: [true, false] })))).toMatchObject({ code: 'E_ARROW_TYPE', field: 'timestamp' });
    const withNull = arrow.tableFromArrays({ userId: ['a', null], itemId: Int32Array.of(1, 2) });
    expect(error(() => portableSplit(withNull))).toEqual(error(() => portableSplit([{ userId: 'a', itemId: 1 }, { userId: null as unknown as string, itemId: 2 }])));
    const noTime = arrow.tableFromArrays({ userId: ['a', 'a'], itemId: Int32Array.of(1, 2), timestamp: Float64Array.of(0, Number.NaN) });
    expect(error(() => leaveLastOutSplit(noTime))).toMatchObject({ code: 'E_TIMESTAMP', row: 1 });
  });
});
