// arrowSelectRows (core/internal): the rows a splitter keeps, as an Arrow
// table of the caller's schema. Properties: the selected table's rows are the
// input's rows at the given row numbers (every column type, nulls, several
// batches); the schema is the input's; a contiguous run is a zero-copy slice;
// dictionaries are shared; the input is left unchanged; unsupported columns
// and non-apache-arrow tables get typed errors.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { arrowSelectRows } from '@marksman/core/internal';
import { errorOf } from '../../../test-support/errors';

const error = errorOf;

/** A table with one column of each type the selector gathers, with nulls in most. */
function mixed(n: number, seed: number): arrow.Table {
  const rng = new Random(seed);
  const maybe = <T>(x: T): T | null => (rng.uniform() < 0.15 ? null : x);
  const words = ['tent', 'stove', 'ñandú', '', 'lamp'];
  return new arrow.Table({
    i32: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i * 3 - 7)),
    f64: arrow.vectorFromArray(Array.from({ length: n }, () => maybe(rng.normal())), new arrow.Float64()),
    i64: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i) * 10_000_000_000n), new arrow.Int64()),
    text: arrow.vectorFromArray(Array.from({ length: n }, () => maybe(words[Math.floor(rng.uniform() * 5)]!)), new arrow.Utf8()),
    large: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `row ${i}`), new arrow.LargeUtf8()),
    dict: arrow.vectorFromArray(Array.from({ length: n }, () => maybe(words[Math.floor(rng.uniform() * 5)]!)), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    flag: arrow.vectorFromArray(Array.from({ length: n }, () => maybe(rng.uniform() < 0.5)), new arrow.Bool()),
    at: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => maybe(Date.UTC(2024, 0, 1) + i * 1000)), new arrow.TimestampMillisecond()),
    list: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => maybe(Array.from({ length: i % 4 }, (_, k) => i + k))), new arrow.List(new arrow.Field('x', new arrow.Int32()))),
    pair: arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => maybe({ a: i, b: `b${i}` })),
      new arrow.Struct([new arrow.Field('a', new arrow.Float64()), new arrow.Field('b', new arrow.Utf8())]),
    ),
  });
}

function rowsOf(t: arrow.Table): unknown[] {
  return t.toArray().map((r: arrow.StructRowProxy) => JSON.parse(JSON.stringify(r.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))) as unknown);
}

function pick(n: number, p: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rng.uniform() < p) out.push(i);
  return Int32Array.from(out);
}

describe('arrowSelectRows', () => {
  it('keeps exactly the selected rows of every column type, nulls included, in one batch or several', () => {
    const one = mixed(200, 1);
    const several = mixed(70, 2).concat(mixed(90, 4), mixed(40, 5));
    for (const t of [one, several]) {
      const all = rowsOf(t);
      for (const [p, seed] of [[0.3, 6], [0.8, 7], [0.02, 8]] as const) {
        const rows = pick(t.numRows, p, seed);
        const out = arrowSelectRows('test', t, rows);
        expect(out).toBeInstanceOf(arrow.Table);
        expect(out.numRows).toBe(rows.length);
        expect(out.schema).toEqual(t.schema);
        expect(rowsOf(out)).toEqual(Array.from(rows, (r) => all[r]));
        // Null counts agree with the values.
        for (const f of t.schema.fields) expect(out.getChild(f.name)!.nullCount).toBe(Array.from(rows).filter((r) => t.getChild(f.name)!.get(r) === null).length);
      }
    }
  });

  it('a contiguous run is a slice of the same buffers; dictionaries are shared, not copied', () => {
    const t = mixed(100, 9);
    const run = arrowSelectRows('test', t, Int32Array.from({ length: 30 }, (_, i) => 40 + i));
    expect(run.getChild('i32')!.data[0]!.values.buffer).toBe(t.getChild('i32')!.data[0]!.values.buffer);
    expect(rowsOf(run)).toEqual(rowsOf(t).slice(40, 70));
    const gathered = arrowSelectRows('test', t, Int32Array.of(1, 5, 99));
    expect(gathered.getChild('dict')!.data[0]!.dictionary).toBe(t.getChild('dict')!.data[0]!.dictionary);
    expect(arrowSelectRows('test', t, new Int32Array(0)).numRows).toBe(0);
  });

  it('leaves the input table unchanged', () => {
    const t = mixed(60, 10);
    const before = rowsOf(t);
    arrowSelectRows('test', t, Int32Array.of(0, 2, 3, 59));
    expect(rowsOf(t)).toEqual(before);
  });

  it('refuses a Union column (E_ARROW_TYPE naming it), rows out of order (E_INPUT) and tables without batches (E_INPUT)', () => {
    const builder = arrow.makeBuilder({
      type: new arrow.DenseUnion([0, 1], [new arrow.Field('n', new arrow.Float64()), new arrow.Field('s', new arrow.Utf8())]),
      valueToChildTypeId: (_b: unknown, v: unknown) => (typeof v === 'number' ? 0 : 1),
    } as Parameters<typeof arrow.makeBuilder<arrow.DenseUnion>>[0]);
    for (const v of [1, 'a', 2]) builder.append(v);
    const union = arrow.makeVector(builder.finish().flush());
    const t = new arrow.Table({ id: arrow.makeVector(Int32Array.of(1, 2, 3)), u: union });
    expect(error(() => arrowSelectRows('f', t, Int32Array.of(0, 2)))).toEqual({ code: 'E_ARROW_TYPE', field: 'u' });
    expect(error(() => arrowSelectRows('f', mixed(5, 11), Int32Array.of(3, 1)))).toEqual({ code: 'E_INPUT', field: 'rows' });
    expect(error(() => arrowSelectRows('f', mixed(5, 11), Int32Array.of(5)))).toEqual({ code: 'E_INPUT', field: 'rows' });
    const flechetteLike = { schema: { fields: [{ name: 'x' }] }, numRows: 1, getChild: () => ({ length: 1, get: () => 1, toArray: () => [1] }) };
    expect(error(() => arrowSelectRows('f', flechetteLike, Int32Array.of(0)))).toEqual({ code: 'E_INPUT', field: 'table' });
  });
});
