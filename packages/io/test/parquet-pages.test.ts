// readParquet decodes flat columns page by page (dictionary codes kept as
// integers until the column is built): its columns must equal what hyparquet's
// own row reader gives for the same bytes, for every page shape the writers
// produce (dictionary-coded and plain pages, several pages and row groups,
// nulls, required and optional columns, 32/64-bit integers, floats, times),
// and the write side's Dictionary columns, Dates and nulls must round-trip.
import { existsSync, readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { Random, dictionaryEncode, isMarksmanError } from '@marksman/core';
import { readParquet, toArrow, writeParquet } from '@marksman/io';
import { skipUnless } from '../../../test-support/skip';

/** hyparquet's rows, as the column values readParquet promises: bigints as numbers, Dates as epoch ms, null for missing. */
async function reference(bytes: Uint8Array): Promise<Record<string, unknown[]>> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file });
  const out: Record<string, unknown[]> = {};
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      (out[k] ??= []).push(v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v);
    }
  }
  return out;
}

function plain(col: unknown): unknown[] {
  return Array.from(col as ArrayLike<unknown>);
}

describe('readParquet page by page agrees with hyparquet row by row', () => {
  const rng = new Random(5);
  const n = 5000;
  const few = (k: number) => Array.from({ length: n }, () => Math.floor(rng.uniform() * k));
  const codes = few(7);
  const columnData: ColumnSource[] = [
    // Few distinct values: dictionary-coded pages; many: plain pages.
    { name: 'dictText', data: codes.map((c) => `segment ${c} ✓`), type: 'STRING', nullable: false },
    { name: 'dictTextNulls', data: codes.map((c, i) => (i % 9 === 0 ? null : `c${c}`)), type: 'STRING' },
    { name: 'plainText', data: Array.from({ length: n }, (_, i) => `order-${i}`), type: 'STRING' },
    { name: 'plainTextNulls', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `o${i}`)), type: 'STRING' },
    { name: 'dictDouble', data: Float64Array.from(codes, (c) => c / 4), type: 'DOUBLE', nullable: false },
    { name: 'dictDoubleNulls', data: codes.map((c, i) => (i % 5 === 0 ? null : c * 1.5)), type: 'DOUBLE' },
    { name: 'dictInt32', data: Int32Array.from(codes, (c) => c - 3), type: 'INT32', nullable: false },
    { name: 'plainInt32', data: Int32Array.from({ length: n }, (_, i) => i * 7919 - 2 ** 30), type: 'INT32', nullable: false },
    { name: 'dictFloat', data: Float32Array.from(codes, (c) => c / 8), type: 'FLOAT', nullable: false },
    { name: 'dictInt64', data: BigInt64Array.from(codes, (c) => BigInt(c) * 10n ** 12n), type: 'INT64', nullable: false },
    { name: 'plainInt64Nulls', data: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : BigInt(i) - 2n ** 40n)), type: 'INT64' },
    { name: 'time', data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + (i % 11) * 3_600_000)), type: 'TIMESTAMP', nullable: false },
    { name: 'timeNulls', data: Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : new Date(Date.UTC(2023, 5, 1) + i * 1000))), type: 'TIMESTAMP' },
    { name: 'flag', data: codes.map((c) => c % 2 === 0), type: 'BOOLEAN', nullable: false },
    { name: 'flagNulls', data: codes.map((c, i) => (i % 7 === 0 ? null : c > 2)), type: 'BOOLEAN' },
  ];

  it('for several row groups and several pages per chunk, snappy and uncompressed', async () => {
    for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
      // 1,500-row groups, 2 KiB pages: each chunk has several pages, the last group is short.
      const bytes = new Uint8Array(parquetWriteBuffer({ columnData, codec, rowGroupSize: 1500, pageSize: 2048 }));
      const ours = await readParquet(bytes);
      const expected = await reference(bytes);
      for (const { name } of columnData) expect([name, plain(ours[name])]).toEqual([name, expected[name]]);
      // The column types readParquet documents.
      expect(ours.dictText).toBeInstanceOf(Array);
      expect(ours.dictDouble).toBeInstanceOf(Float64Array);
      expect(ours.dictInt32).toBeInstanceOf(Int32Array);
      expect(ours.plainInt32).toBeInstanceOf(Int32Array);
      expect(ours.dictFloat).toBeInstanceOf(Float32Array);
      expect(ours.dictInt64).toBeInstanceOf(Float64Array);
      expect(ours.time).toBeInstanceOf(Float64Array);
      expect(ours.dictDoubleNulls).toBeInstanceOf(Array);
      expect(ours.timeNulls).toBeInstanceOf(Array);
    }
  });

  it('a chosen subset of columns, in the order asked', async () => {
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 1000 }));
    const ours = await readParquet(bytes, { columns: ['timeNulls', 'dictTextNulls'] });
    const expected = await reference(bytes);
    expect(Object.keys(ours)).toEqual(['timeNulls', 'dictTextNulls']);
    expect(plain(ours.dictTextNulls)).toEqual(expected.dictTextNulls);
    expect(plain(ours.timeNulls)).toEqual(expected.timeNulls);
  });

  const pandasFile = '/usr/lib/python3/dist-packages/pandas/tests/io/data/parquet/simple.parquet';
  it.skipIf(skipUnless(existsSync(pandasFile), 'parquet-pages', `${pandasFile} (Debian's pandas tests, written by parquet-cpp with version-1 data pages) not found`))(
    'a file written by parquet-cpp (PLAIN_DICTIONARY, version-1 data pages, optional columns) reads as hyparquet reads it',
    async () => {
      const bytes = new Uint8Array(readFileSync(pandasFile));
      const ours = await readParquet(bytes);
      expect(ours).toEqual({ A: Float64Array.of(1, 2, 3), B: ['foo', 'foo', 'foo'] });
      const expected = await reference(bytes);
      expect(plain(ours.A)).toEqual(expected.A);
    },
  );

  it('E_PARQUET for a file cut inside its column chunks, E_PARQUET_TYPE for INT64 beyond 2^53 in a dictionary', async () => {
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData: columnData.slice(0, 3), rowGroupSize: 1500 }));
    // The footer kept, a stretch of the pages zeroed.
    const broken = bytes.slice();
    broken.fill(0, 8, 600);
    let code = '';
    try {
      await readParquet(broken);
    } catch (e) {
      code = isMarksmanError(e) ? e.code : 'not typed';
    }
    expect(code).toBe('E_PARQUET');
    const big = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'n', data: BigInt64Array.from({ length: 100 }, (_, i) => (i === 50 ? 2n ** 60n : 1n)), type: 'INT64', nullable: false }] }));
    let err: { code: string; row: number | undefined } | null = null;
    try {
      await readParquet(big);
    } catch (e) {
      if (isMarksmanError(e)) err = { code: e.code, row: e.row };
    }
    expect(err).toEqual({ code: 'E_PARQUET_TYPE', row: 50 });
  });
});

describe('writeParquet → readParquet for what parseCsv and cleaning hand on', () => {
  it('Dictionary columns come back as their strings; Dates as epoch ms; nulls kept; across row groups', async () => {
    const n = 2345;
    const country = dictionaryEncode(Array.from({ length: n }, (_, i) => ['UK', 'France', 'Éire', ''][i % 4]!));
    const when = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2011, 0, 1) + i * 60_000));
    const whenNulls = when.map((d, i) => (i % 10 === 0 ? null : d));
    const note = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : ['a', 'b'][i % 2]!));
    const allNull = Array.from({ length: n }, () => null);
    const input = Object.freeze({ country, when, whenNulls, note, allNull });
    const back = await readParquet(writeParquet(input, { rowGroupSize: 500 }));
    expect(back.country).toEqual(Array.from(country.codes, (c) => country.values[c]));
    expect(back.when).toEqual(Float64Array.from(when, (d) => d.getTime()));
    expect(back.whenNulls).toEqual(whenNulls.map((d) => (d === null ? null : d.getTime())));
    expect(back.note).toEqual(note);
    expect(back.allNull).toEqual(allNull);
    // The inputs are untouched.
    expect(when[0]).toBeInstanceOf(Date);
  });

  it('toArrow keeps a Dictionary column as Arrow dictionary codes over the same memory; values read back equal', async () => {
    const segment = dictionaryEncode(['vip', 'new', 'vip', 'lapsed', 'new']);
    const t = toArrow({ segment, spend: Float64Array.of(5, 1, 7, 0, 2) }, arrow);
    const vec = t.getChild('segment')!;
    expect(String(vec.type)).toBe('Dictionary<Int32, Utf8>');
    expect(vec.data[0]!.values).toBe(segment.codes);
    expect(vec.toArray()).toEqual(['vip', 'new', 'vip', 'lapsed', 'new']);
    // Parquet strings without nulls become a dictionary vector too, with nulls Arrow's own inference.
    const cols = await readParquet(writeParquet({ id: ['a', 'b', 'a'], note: ['x', null, 'y'] }));
    const u = toArrow(cols, arrow);
    expect(String(u.getChild('id')!.type)).toBe('Dictionary<Int32, Utf8>');
    expect(u.getChild('id')!.toArray()).toEqual(['a', 'b', 'a']);
    expect(u.getChild('note')!.nullCount).toBe(1);
    expect([...u.getChild('note')!]).toEqual(['x', null, 'y']);
  });

  it('E_COLUMN_TYPE for a Dictionary column with a code outside its values (toArrow and writeParquet)', () => {
    const bad = Object.freeze({ kind: 'dictionary' as const, codes: Int32Array.of(0, 2), values: Object.freeze(['a', 'b']) });
    for (const f of [() => toArrow({ s: bad }, arrow), () => writeParquet({ s: bad })]) {
      let err: { code: string; field: string | undefined; row: number | undefined } | null = null;
      try {
        f();
      } catch (e) {
        if (isMarksmanError(e)) err = { code: e.code, field: e.field, row: e.row };
      }
      expect(err).toEqual({ code: 'E_COLUMN_TYPE', field: 's', row: 1 });
    }
  });
});
