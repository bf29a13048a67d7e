import { describe, expect, it } from 'vitest';
import { IdIndex, IdIndexBuilder, Random, StateError, ValidationError } from '@marksman/core';
import type { Id } from '@marksman/core';

describe('IdIndex', () => {
  it('mirrors its doc examples', () => {
    const users = IdIndex.from(['ann', 'bob', 'ann', 7]);
    expect(users.size).toBe(3);
    expect(users.index('bob')).toBe(1);
    expect(users.index('7')).toBe(-1);
    expect(users.id(2)).toBe(7);
    expect(IdIndex.from([3, 1, 3]).ids()).toEqual([3, 1]);
    expect(IdIndex.from(['a', 'b']).encode(['b', 'z', 'a'])).toEqual(Int32Array.of(1, -1, 0));
    expect(IdIndex.from(['a', 'b']).decode(Int32Array.of(1, 0, 1))).toEqual(['b', 'a', 'b']);
    expect(IdIndex.from([2, 'x']).toJSON()).toEqual({ ids: [2, 'x'] });
    expect(IdIndex.from([1]).has('1')).toBe(false);
  });

  it('treats 1 and "1" as different ids, 0 and -0 as the same', () => {
    const idx = IdIndex.from([1, '1', 0, -0]);
    expect(idx.size).toBe(3);
    expect(idx.index(1)).toBe(0);
    expect(idx.index('1')).toBe(1);
    expect(idx.index(-0)).toBe(2);
  });

  it('round-trips id → index → id and through JSON exactly (random ids)', () => {
    const rng = new Random(11);
    const ids: Id[] = Array.from({ length: 2000 }, () => (rng.next() < 0.5 ? `u${rng.int(800)}` : rng.int(800)));
    const idx = IdIndex.from(Object.freeze(ids.slice()));
    const distinct = [...new Set(ids)];
    expect(idx.ids()).toEqual(distinct); // first-seen order, deduplicated
    const codes = idx.encode(ids);
    expect(idx.decode(codes)).toEqual(ids);
    for (let i = 0; i < idx.size; i++) expect(idx.index(idx.id(i))).toBe(i);
    const back = IdIndex.fromJSON(JSON.parse(JSON.stringify(idx)));
    expect(back.ids()).toEqual(idx.ids());
    expect(back.ids().map((x) => typeof x)).toEqual(idx.ids().map((x) => typeof x));
    expect(back.encode(ids)).toEqual(codes);
  });

  it('returns copies: changing ids() or toJSON() does not change the index', () => {
    const idx = IdIndex.from(['a', 'b']);
    idx.ids().push('c');
    (idx.toJSON().ids as Id[]).push('d');
    expect(idx.size).toBe(2);
  });

  it('empty index', () => {
    const idx = IdIndex.from([]);
    expect(idx.size).toBe(0);
    expect(idx.encode([])).toEqual(new Int32Array(0));
    expect(idx.decode(new Int32Array(0))).toEqual([]);
    expect(IdIndex.fromJSON({ ids: [] }).size).toBe(0);
  });

  it('indexOrThrow and strict encode throw StateError E_UNKNOWN_ID', () => {
    const idx = IdIndex.from(['a', 'b']);
    expect(idx.indexOrThrow('b')).toBe(1);
    expect(() => idx.indexOrThrow('c')).toThrow(StateError);
    expect(() => idx.indexOrThrow('c')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ID' }));
    expect(() => idx.encode(['a', 'zz'], { strict: true })).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ID', row: 1 }));
    expect(() => idx.encode(['a'], { strict: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'strict' }));
    expect(() => idx.encode(['a'], { strcit: true } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });

  it('id and decode throw StateError E_INDEX_RANGE out of range', () => {
    const idx = IdIndex.from(['a']);
    for (const bad of [-1, 1, 0.5, Number.NaN]) expect(() => idx.id(bad)).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE' }));
    expect(() => idx.decode(Int32Array.of(0, 5))).toThrow(expect.objectContaining({ code: 'E_INDEX_RANGE', row: 1 }));
  });

  it('refuses bad ids (E_ID_TYPE) and bad JSON (E_INPUT, E_DUPLICATE_ID)', () => {
    expect(() => IdIndex.from(['a', Number.NaN])).toThrow(ValidationError);
    expect(() => IdIndex.from(['a', ''])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 1 }));
    expect(() => IdIndex.from([null as unknown as Id])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE' }));
    expect(() => IdIndex.fromJSON({ ids: ['a', 'a'] })).toThrow(expect.objectContaining({ code: 'E_DUPLICATE_ID', row: 1 }));
    expect(() => IdIndex.fromJSON({ ids: [{}] } as never)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE' }));
    expect(() => IdIndex.fromJSON({} as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => IdIndex.fromJSON(null as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('IdIndexBuilder', () => {
  it('mirrors its doc example', () => {
    const b = new IdIndexBuilder();
    expect(b.add('u1')).toBe(0);
    expect(b.add('u2')).toBe(1);
    expect(b.add('u1')).toBe(0);
    expect(b.size).toBe(2);
    expect(b.index('u3')).toBe(-1);
  });

  it('build() snapshots; the builder keeps growing without changing the snapshot', () => {
    const b = IdIndex.builder();
    b.add('a');
    const first = b.build();
    b.add('b');
    expect(first.size).toBe(1);
    expect(first.index('b')).toBe(-1);
    expect(b.build().ids()).toEqual(['a', 'b']);
  });

  it('toBuilder extends an index keeping existing indexes', () => {
    const idx = IdIndex.from(['x', 'y']);
    const b = idx.toBuilder();
    expect(b.add('z')).toBe(2);
    expect(b.add('x')).toBe(0);
    expect(idx.size).toBe(2);
  });

  it('refuses bad ids', () => {
    expect(() => new IdIndexBuilder().add(Number.POSITIVE_INFINITY)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE' }));
  });
});

describe('IdIndex doc examples', () => {
  it('are true', () => {
    const b = IdIndex.builder();
    expect(b.add('x')).toBe(0);
    expect(b.build().size).toBe(1);
    const a = IdIndex.from(['x', 2]);
    expect(IdIndex.fromJSON(JSON.parse(JSON.stringify(a))).ids()).toEqual(['x', 2]);
    expect(IdIndex.from(['a', 'b']).index('c')).toBe(-1);
    expect(IdIndex.from(['a', 'b']).id(1)).toBe('b');
    expect(IdIndex.from(['b', 'a', 'b']).ids()).toEqual(['b', 'a']);
    expect(IdIndex.from(['a']).toBuilder().add('b')).toBe(1);
    expect(new IdIndexBuilder().add(42)).toBe(0);
    const c = new IdIndexBuilder();
    c.add('a');
    expect(c.build().ids()).toEqual(['a']);
  });

  it('refuses a missing or non-iterable argument with E_INPUT naming it', () => {
    for (const bad of [null, undefined, 5, 'abc', { length: 2 }]) {
      expect(() => IdIndex.from(bad as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'ids', source: 'IdIndex.from' }));
      expect(() => IdIndex.from(['a']).encode(bad as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'ids' }));
    }
    for (const bad of [null, undefined, '01', { length: 1, 0: 0 }]) {
      expect(() => IdIndex.from(['a']).decode(bad as never)).toThrow(expect.objectContaining({ code: 'E_INPUT', field: 'indexes' }));
    }
    expect(() => IdIndex.from(['a', 'b']).decode(['1'] as never)).toThrow(StateError);
    // any iterable of ids still works
    expect(IdIndex.from(new Set(['x', 'y'])).ids()).toEqual(['x', 'y']);
    expect(IdIndex.from(['a']).index(undefined as never)).toBe(-1);
  });
});
