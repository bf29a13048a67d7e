import { describe, expect, it } from 'vitest';
import { Random, Table, ValidationError } from '@marksman/core';
import type { ArrowLikeTable, ArrowLikeVector, ColumnValue } from '@marksman/core';

/** A minimal stand-in for an apache-arrow Table (schema.fields + getChild). */
function fakeArrow(columns: Record<string, { values: unknown[] | ArrayLike<unknown>; typed?: boolean; nullCount?: number; noGet?: boolean }>): ArrowLikeTable {
  return {
    schema: { fields: Object.keys(columns).map((name) => ({ name })) },
    getChild(name: string): ArrowLikeVector | null {
      const c = columns[name];
      if (c === undefined) return null;
      const vec: ArrowLikeVector = {
        length: c.values.length,
        nullCount: c.nullCount ?? 0,
        toArray: () => c.values,
        ...(c.noGet ? {} : { get: (i: number) => (c.values as ArrayLike<unknown>)[i] }),
      };
      return vec;
    },
  };
}

describe('Table construction', () => {
  it('mirrors the class doc example', () => {
    const t = Table.fromRecords([
      { customer: 'ann', spend: 12.5 },
      { customer: 'bob', spend: null },
    ]);
    expect(t.column('spend')).toEqual(Float64Array.of(12.5, Number.NaN));
    expect(t.row(1)).toEqual({ customer: 'bob', spend: null });
    expect(t.columnKind('customer')).toBe('values');
  });

  it('round-trips records → table → records exactly (random mixed records)', () => {
    const rng = new Random(4);
    const pick = (): ColumnValue => {
      const u = rng.next();
      return u < 0.1 ? null : u < 0.2 ? Number.NaN : u < 0.6 ? rng.normal() : u < 0.8 ? -0 : 7;
    };
    const records = Object.freeze(
      Array.from({ length: 300 }, (_, i) =>
        Object.freeze({ id: `r${i}`, x: pick(), flag: i % 3 === 0, mixed: i % 2 === 0 ? i : `s${i}`, blank: null, nums: i % 5 === 0 ? null : i }),
      ),
    );
    const t = Table.fromRecords(records);
    expect(t.numRows).toBe(300);
    expect(t.columnNames).toEqual(['id', 'x', 'flag', 'mixed', 'blank', 'nums']);
    expect(t.columnKind('x')).toBe('float64');
    expect(t.columnKind('nums')).toBe('float64');
    expect(t.columnKind('mixed')).toBe('values');
    expect(t.columnKind('blank')).toBe('values');
    expect(t.toRecords()).toEqual(records.map((r) => ({ ...r })));
    // toEqual treats -0 as 0 and NaN as NaN; check the sign of zero too.
    t.toRecords().forEach((r, i) => expect(Object.is(r.x, records[i]?.x)).toBe(true));
  });

  it('fromRecords: union of keys in first-seen order, missing → null, columns option', () => {
    const t = Table.fromRecords([{ a: 1 }, { b: 'x', a: 2 }, { a: undefined }]);
    expect(t.columnNames).toEqual(['a', 'b']);
    expect(t.toRecords()).toEqual([
      { a: 1, b: null },
      { a: 2, b: 'x' },
      { a: null, b: null },
    ]);
    const u = Table.fromRecords([{ a: 1, b: 'x' }, { a: 2 }], { columns: ['b', 'a'] });
    expect(u.columnNames).toEqual(['b', 'a']);
    expect(u.toRecords()).toEqual([
      { b: 'x', a: 1 },
      { b: null, a: 2 },
    ]);
    expect(Table.fromRecords([{ a: 1 }], { columns: ['zz'] }).toRecords()).toEqual([{ zz: null }]);
  });

  it('fromColumns keeps typed kinds, copies inputs and infers plain arrays', () => {
    const f32 = Float32Array.of(1.5, 2.5);
    const i32 = Int32Array.of(3, 4);
    const u8 = Uint8Array.of(0, 1);
    const names = Object.freeze(['a', 'b']);
    const t = Table.fromColumns({ f32, i32, u8, names, n: [1, null], i16: Int16Array.of(-1, 2) as never });
    expect(t.numRows).toBe(2);
    expect(['f32', 'i32', 'u8', 'names', 'n', 'i16'].map((c) => t.columnKind(c))).toEqual(['float32', 'int32', 'uint8', 'values', 'float64', 'float64']);
    f32[0] = 99;
    expect(t.column('f32')[0]).toBe(1.5);
    expect(t.row(1)).toEqual({ f32: 2.5, i32: 4, u8: 1, names: 'b', n: null, i16: 2 });
    expect(Table.fromColumns({ id: ['a', 'b'], n: Int32Array.of(3, 4) }).columnKind('n')).toBe('int32');
  });

  it('fromArrow reads typed, nullable and string vectors from an Arrow-like table', () => {
    const t = Table.fromArrow(
      fakeArrow({
        x: { values: Float64Array.of(1, 2, 3) },
        n: { values: [1, null, 3], nullCount: 1 },
        s: { values: ['a', 'b', null], nullCount: 1, noGet: true },
        big: { values: BigInt64Array.of(10n, 20n, 30n) },
        when: { values: [new Date(0), new Date(1000), null], nullCount: 1 },
      }),
    );
    expect(t.numRows).toBe(3);
    expect(t.column('x')).toEqual(Float64Array.of(1, 2, 3));
    expect(t.toRecords()).toEqual([
      { x: 1, n: 1, s: 'a', big: 10, when: 0 },
      { x: 2, n: null, s: 'b', big: 20, when: 1000 },
      { x: 3, n: 3, s: null, big: 30, when: null },
    ]);
    const doc = { schema: { fields: [{ name: 'x' }] }, getChild: () => ({ length: 2, nullCount: 0, toArray: () => Float64Array.of(1, 2) }) };
    expect(Table.fromArrow(doc).column('x')).toEqual(Float64Array.of(1, 2));
  });

  it('fromArrow errors: E_INPUT, E_COLUMN, E_COLUMN_TYPE, E_COLUMN_LENGTH', () => {
    expect(() => Table.fromArrow({} as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => Table.fromArrow({ schema: { fields: [{ name: 'a' }] }, getChild: () => null })).toThrow(expect.objectContaining({ code: 'E_COLUMN', field: 'a' }));
    expect(() => Table.fromArrow({ schema: { fields: [{ name: 'a' }] }, getChild: () => ({ length: 1 }) })).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE' }));
    expect(() => Table.fromArrow(fakeArrow({ a: { values: [{}], nullCount: 0 } }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', row: 0 }));
    expect(() => Table.fromArrow(fakeArrow({ a: { values: BigInt64Array.of(2n ** 60n) } }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE' }));
    expect(() => Table.fromArrow(fakeArrow({ a: { values: [1, 2] }, b: { values: [1] } }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_LENGTH', field: 'b' }));
    expect(() => Table.fromArrow(fakeArrow({ a: { values: Float64Array.of(1, 0), nullCount: 1, noGet: true } }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', field: 'a' }));
  });

  it('empty tables behave', () => {
    const e = Table.fromRecords([]);
    expect([e.numRows, e.columnNames.length]).toEqual([0, 0]);
    expect(e.toRecords()).toEqual([]);
    const c = Table.fromColumns({ a: new Float64Array(0), b: [] });
    expect(c.numRows).toBe(0);
    expect(c.filter(() => true).numRows).toBe(0);
    expect(c.slice(0, 5).numRows).toBe(0);
    expect(c.take([]).numRows).toBe(0);
    expect(c.groupIndexes('a').size).toBe(0);
    expect(Table.fromColumns({}).numRows).toBe(0);
    expect(Table.fromColumns({}).withColumn('x', [1, 2]).numRows).toBe(2);
  });

  it('construction errors: E_INPUT, E_NOT_OBJECT, E_COLUMN_TYPE, E_COLUMN_LENGTH, E_COLUMN', () => {
    expect(() => Table.fromRecords('x' as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => Table.fromRecords([{ a: 1 }, 3 as never])).toThrow(expect.objectContaining({ code: 'E_NOT_OBJECT', row: 1 }));
    expect(() => Table.fromRecords([{ when: new Date() }])).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', field: 'when', row: 0 }));
    expect(() => Table.fromRecords([{ a: 1 }], { columns: ['a', 'a'] })).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(() => Table.fromRecords([{ a: 1 }], { columns: 'a' as never })).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(() => Table.fromRecords([], { cols: [] } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => Table.fromColumns({ a: [1, 2], b: [1] })).toThrow(ValidationError);
    expect(() => Table.fromColumns({ a: [1, 2], b: [1] })).toThrow(expect.objectContaining({ code: 'E_COLUMN_LENGTH', field: 'b' }));
    expect(() => Table.fromColumns({ a: 'abc' as never })).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE' }));
    expect(() => Table.fromColumns({ a: [{ x: 1 }] as never })).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE' }));
    expect(() => Table.fromColumns(null as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('Table operations', () => {
  const base = Object.freeze([
    { seg: 'a', spend: 10, n: 1 },
    { seg: 'b', spend: null, n: 2 },
    { seg: 'a', spend: 30, n: 3 },
    { seg: 'c', spend: 40, n: 4 },
    { seg: 'b', spend: 50, n: 5 },
  ]);
  const t = Table.fromRecords(base);

  it('column, has, columnNames; value columns are frozen', () => {
    expect(t.has('seg')).toBe(true);
    expect(t.has('nope')).toBe(false);
    expect(Object.isFrozen(t.column('seg'))).toBe(true);
    expect(Object.isFrozen(t.columnNames)).toBe(true);
    expect(() => (t.column('seg') as ColumnValue[]).push('z')).toThrow(TypeError);
    expect(Table.fromColumns({ a: ['x', 'y'] }).column('a')).toEqual(['x', 'y']);
  });

  it('numericColumn returns typed columns and refuses value columns', () => {
    expect(t.numericColumn('n')).toBe(t.column('n'));
    expect(Table.fromRecords([{ spend: 5 }, { spend: null }]).numericColumn('spend')).toEqual(Float64Array.of(5, Number.NaN));
    expect(() => t.numericColumn('seg')).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', field: 'seg' }));
    expect(() => t.numericColumn('nope')).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
  });

  it('unknown columns are E_COLUMN and bad rows E_INDEX_RANGE', () => {
    for (const f of [() => t.column('x'), () => t.columnKind('x'), () => t.select(['seg', 'x']), () => t.groupIndexes('x')]) {
      expect(f).toThrow(expect.objectContaining({ code: 'E_COLUMN', field: 'x' }));
    }
    expect(() => t.select(['seg', 'seg'])).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(() => t.row(5)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => t.row(-1)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => t.take([0, 9])).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
  });

  it('toColumns returns fresh copies', () => {
    const cols = t.toColumns();
    (cols.spend as Float64Array)[0] = -1;
    (cols.seg as ColumnValue[])[0] = 'zzz';
    expect(t.row(0)).toEqual({ seg: 'a', spend: 10, n: 1 });
    expect(Table.fromRecords([{ a: 1 }, { a: 2 }]).toColumns()).toEqual({ a: Float64Array.of(1, 2) });
  });

  it('select, take, filter, slice agree with the same operations on records', () => {
    expect(t.select(['n', 'seg']).toRecords()).toEqual(base.map((r) => ({ n: r.n, seg: r.seg })));
    expect(t.take(Int32Array.of(4, 1, 1)).toRecords()).toEqual([base[4], base[1], base[1]]);
    expect(t.filter((r, i) => r.seg === 'b' || i === 0).toRecords()).toEqual(base.filter((r, i) => r.seg === 'b' || i === 0));
    expect(t.slice(1, 4).toRecords()).toEqual(base.slice(1, 4));
    expect(t.slice(-2).toRecords()).toEqual(base.slice(-2));
    expect(t.slice(3, 1).numRows).toBe(0);
    expect(Table.fromColumns({ a: [10, 20, 30] }).take([2, 0]).column('a')).toEqual(Float64Array.of(30, 10));
    expect(Table.fromColumns({ a: [1, 2, 3, 4] }).slice(1, 3).column('a')).toEqual(Float64Array.of(2, 3));
    expect(Table.fromColumns({ a: [1, 5, 3] }).filter((r) => (r.a as number) > 2).numRows).toBe(2);
  });

  it('withColumn adds or replaces without touching the original', () => {
    const u = t.withColumn('double', Float64Array.from(base, (r) => r.n * 2));
    expect(u.columnNames).toEqual(['seg', 'spend', 'n', 'double']);
    expect(u.row(2).double).toBe(6);
    expect(t.has('double')).toBe(false);
    const v = t.withColumn('seg', ['x', 'x', 'x', 'x', 'x']);
    expect(v.columnNames).toEqual(['seg', 'spend', 'n']);
    expect(v.row(0).seg).toBe('x');
    expect(t.row(0).seg).toBe('a');
    expect(() => t.withColumn('bad', [1, 2])).toThrow(expect.objectContaining({ code: 'E_COLUMN_LENGTH' }));
    expect(() => t.withColumn(3 as never, [1, 2, 3, 4, 5])).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(Table.fromColumns({ q: [2, 3], p: [5, 1] }).withColumn('amount', [10, 3]).columnNames).toEqual(['q', 'p', 'amount']);
  });

  it('groupIndexes partitions the rows, keys in first-seen order, nulls under null', () => {
    const g = t.groupIndexes('seg');
    expect([...g.keys()]).toEqual(['a', 'b', 'c']);
    expect(g.get('a')).toEqual(Int32Array.of(0, 2));
    expect(g.get('b')).toEqual(Int32Array.of(1, 4));
    const s = t.groupIndexes('spend');
    expect(s.get(null)).toEqual(Int32Array.of(1));
    const rng = new Random(8);
    const big = Table.fromColumns({ k: Array.from({ length: 1000 }, () => `g${rng.int(17)}`) });
    const groups = big.groupIndexes('k');
    const all = [...groups.values()].flatMap((a) => [...a]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const [key, idx] of groups) for (const i of idx) expect(big.row(i).k).toBe(key);
    const d = Table.fromColumns({ seg: ['a', 'b', 'a'] }).groupIndexes('seg');
    expect(d.get('a')).toEqual(Int32Array.of(0, 2));
    expect([...d.keys()]).toEqual(['a', 'b']);
  });

  it('derived tables keep nulls of numeric columns', () => {
    expect(t.take([1]).row(0).spend).toBeNull();
    expect(t.slice(1, 2).row(0).spend).toBeNull();
    expect(t.filter((r) => r.seg === 'b').toRecords()[0]?.spend).toBeNull();
  });
});

describe('Table doc examples', () => {
  it('are true', () => {
    const t = Table.fromRecords([{ a: 1, b: 'x' }, { a: 2 }], { columns: ['b', 'a'] });
    expect(t.columnNames).toEqual(['b', 'a']);
    expect(Table.fromColumns({ a: [1] }).has('b')).toBe(false);
    expect(Table.fromColumns({ a: [1, 2] }).columnKind('a')).toBe('float64');
    expect(Table.fromColumns({ a: [1, 2], b: ['x', 'y'] }).row(1)).toEqual({ a: 2, b: 'y' });
    expect(Table.fromColumns({ a: [1, null] }).toRecords()).toEqual([{ a: 1 }, { a: null }]);
    expect(Table.fromColumns({ a: [1], b: [2], c: [3] }).select(['c', 'a']).columnNames).toEqual(['c', 'a']);
  });

  it('refuses missing or wrong-type arguments with typed errors naming them', () => {
    const t = Table.fromColumns({ a: [1, 2, 3] });
    expect(() => t.select(null as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'names' }));
    expect(() => t.take(undefined as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'indexes' }));
    expect(() => t.filter('a > 1' as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'predicate' }));
    expect(() => t.slice('1' as never)).toThrow(expect.objectContaining({ code: 'E_NUMBER', field: 'start' }));
    expect(() => t.slice(0, NaN)).toThrow(expect.objectContaining({ code: 'E_NUMBER', field: 'end' }));
    expect(t.slice(-Infinity, Infinity).numRows).toBe(3); // clamped like Array.prototype.slice
    expect(t.slice(0.9, 2.7).column('a')).toEqual(Float64Array.of(1, 2));
    const arrow = (fields: unknown[], child: unknown) => ({ schema: { fields }, getChild: () => child }) as never;
    expect(() => Table.fromArrow(arrow([null], null))).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(() => Table.fromArrow(arrow([{ name: 7 }], null))).toThrow(expect.objectContaining({ code: 'E_COLUMN' }));
    expect(() => Table.fromArrow(arrow([{ name: 'x' }], { length: 1e308, get: () => 1 }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_LENGTH', field: 'x' }));
    expect(() => Table.fromArrow(arrow([{ name: 'x' }], { length: 1, toArray: () => null }))).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', field: 'x' }));
    expect(() => Table.fromArrow(arrow([{ name: 'x' }], 5))).toThrow(expect.objectContaining({ code: 'E_COLUMN_TYPE', field: 'x' }));
  });
});
