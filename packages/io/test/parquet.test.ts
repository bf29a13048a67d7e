// Parquet: write → read is exact for every column kind we write; bad bytes,
// unknown columns and mixed columns get typed errors.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random, Table, isMarksmanError } from '@marksman/core';
import { readParquet, toArrow, writeParquet } from '@marksman/io';
import { rfm } from '@marksman/profiling';

async function rejectsWith(p: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (!isMarksmanError(e)) throw e;
    return { code: e.code, field: e.field };
  }
  throw new Error('expected a rejection');
}

function thrown(f: () => unknown): { code: string; field: string | undefined } {
  try {
    f();
  } catch (e) {
    if (!isMarksmanError(e)) throw e;
    return { code: e.code, field: e.field };
  }
  throw new Error('expected an error');
}

describe('writeParquet → readParquet round trip', () => {
  it('is exact for doubles (extremes included), floats, int32, strings, booleans and nulls, over several row groups', async () => {
    const rng = new Random(11);
    const n = 2503;
    const dbl = Float64Array.from({ length: n }, () => (rng.uniform() - 0.5) * 1e6);
    dbl[0] = Number.MAX_VALUE;
    dbl[1] = -Number.MIN_VALUE;
    dbl[2] = 0.1 + 0.2;
    const f32 = Float32Array.from({ length: n }, () => rng.uniform());
    const i32 = Int32Array.from({ length: n }, () => Math.floor((rng.uniform() - 0.5) * 2 ** 31));
    const str = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 'Zoë — 顧客 🎯' : `c${i % 97}`));
    const bool = Array.from({ length: n }, (_, i) => i % 3 === 0);
    const withNulls = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i / 4));
    const strNulls = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : `s${i}`));
    const input = Object.freeze({ dbl, f32, i32, str, bool, withNulls, strNulls });
    for (const compression of ['snappy', 'none'] as const) {
      const bytes = writeParquet(input, { rowGroupSize: 1000, compression });
      const back = await readParquet(bytes);
      expect(Object.keys(back)).toEqual(Object.keys(input));
      expect(back.dbl).toEqual(dbl);
      expect(back.f32).toEqual(f32);
      expect(back.i32).toEqual(i32);
      expect(back.str).toEqual(str);
      expect(back.bool).toEqual(bool);
      expect(back.withNulls).toEqual(withNulls);
      expect(back.strNulls).toEqual(strNulls);
    }
    // The input columns were not touched.
    expect(dbl[2]).toBe(0.1 + 0.2);
  });

  it('records, a Marksman Table, and an Arrow table round-trip to the same columns; columns can be chosen', async () => {
    const records = Object.freeze([Object.freeze({ id: 'a', spend: 1.5, vip: true }), Object.freeze({ id: 'b', spend: null, vip: false })]);
    const fromRecords = await readParquet(writeParquet(records));
    expect(fromRecords).toEqual({ id: ['a', 'b'], spend: [1.5, null], vip: [true, false] });
    expect(await readParquet(writeParquet(Table.fromRecords(records)))).toEqual(fromRecords);
    const t = toArrow(records, arrow);
    expect(await readParquet(writeParquet(t))).toEqual(fromRecords);
    expect(await readParquet(writeParquet(records), { columns: ['vip', 'id'] })).toEqual({ vip: [true, false], id: ['a', 'b'] });
  });

  it('an RFM table written and read back feeds the same numbers', async () => {
    const t = rfm(
      [
        { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
        { customerId: 'b', orderId: 2, timestamp: '2024-01-05', quantity: 1, amount: 7.25 },
        { customerId: 'a', orderId: 3, timestamp: '2024-01-21', quantity: 1, amount: 30 },
      ],
      { asOf: '2024-01-31' },
    );
    const back = await readParquet(writeParquet(t));
    expect(Table.fromColumns(back).toRecords()).toEqual(t.toRecords());
  });
});

describe('bad input', () => {
  it('E_PARQUET for bytes that are not Parquet, E_INPUT for a non-buffer, E_COLUMN for an unknown column', async () => {
    expect(await rejectsWith(readParquet(new TextEncoder().encode('id,spend\na,1\n')))).toMatchObject({ code: 'E_PARQUET' });
    expect(await rejectsWith(readParquet('file.parquet' as unknown as Uint8Array))).toMatchObject({ code: 'E_INPUT', field: 'file' });
    expect(await rejectsWith(readParquet(writeParquet({ x: [1] }), { columns: ['y'] }))).toEqual({ code: 'E_COLUMN', field: 'y' });
    expect(await rejectsWith(readParquet(writeParquet({ x: [1] }), { colums: ['x'] } as never))).toMatchObject({ code: 'E_OPTION_UNKNOWN' });
  });

  it('E_COLUMN_TYPE for a column mixing kinds or holding objects; E_COLUMN_LENGTH for ragged columns; option ranges', () => {
    expect(thrown(() => writeParquet({ id: ['a', 2] }))).toEqual({ code: 'E_COLUMN_TYPE', field: 'id' });
    expect(thrown(() => writeParquet([{ tags: ['x'] }]))).toEqual({ code: 'E_COLUMN_TYPE', field: 'tags' });
    expect(thrown(() => writeParquet({ a: [1, 2], b: [1] }))).toEqual({ code: 'E_COLUMN_LENGTH', field: 'b' });
    expect(thrown(() => writeParquet({ a: [1] }, { compression: 'gzip' as never }))).toEqual({ code: 'E_OPTION_RANGE', field: 'compression' });
    expect(thrown(() => writeParquet({ a: [1] }, { rowGroupSize: 0 }))).toEqual({ code: 'E_OPTION_RANGE', field: 'rowGroupSize' });
    expect(thrown(() => writeParquet(42 as never))).toEqual({ code: 'E_INPUT', field: 'data' });
  });

  it('E_PARQUET_TYPE for 64-bit integers beyond 2^53 (safe ones become numbers)', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const ok = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'n', data: BigInt64Array.of(1n, 2n), type: 'INT64' }] }));
    expect((await readParquet(ok)).n).toEqual(Float64Array.of(1, 2));
    const big = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'n', data: BigInt64Array.of(1n, 2n ** 60n), type: 'INT64' }] }));
    expect(await rejectsWith(readParquet(big))).toEqual({ code: 'E_PARQUET_TYPE', field: 'n' });
  });
});
