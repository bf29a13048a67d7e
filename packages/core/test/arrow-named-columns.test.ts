// The named-column Arrow readers of core/internal (arrowIdColumn,
// arrowNumberColumn, arrowListColumn; a vector of ids through arrowVectorValues). Properties: a
// null-free numeric column is Arrow's own buffer (no copy); dictionaries are
// decoded to their strings; nulls stay null (dictionary nulls too, not '');
// a missing column is undefined; a wrong type is E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowIdColumn, arrowListColumn, arrowNumberColumn, arrowVectorValues } from '@marksman/core/internal';
import { errorOf } from '../../../test-support/errors';

const dict = (): arrow.Dictionary => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());

describe('named Arrow columns', () => {
  const ints = Int32Array.of(4, 5, 6);
  const table = new arrow.Table({
    id: arrow.makeVector(ints),
    name: arrow.vectorFromArray(['a', 'b', 'a'], dict()),
    gap: arrow.vectorFromArray(['a', null, 'b'], dict()),
    x: arrow.vectorFromArray([1.5, null, 3], new arrow.Float64()),
    flag: arrow.vectorFromArray([true, false, true], new arrow.Bool()),
    tags: arrow.vectorFromArray([['p', 'q'], [], null], new arrow.List(new arrow.Field('item', dict(), true))),
  });

  it('ids: integers in place, dictionaries decoded, nulls kept; a missing column is undefined', () => {
    const id = arrowIdColumn('t', table, 'id');
    expect(id).toBeInstanceOf(Int32Array);
    expect((id as Int32Array).buffer).toBe(ints.buffer);
    expect(arrowIdColumn('t', table, 'name')).toEqual(['a', 'b', 'a']);
    expect(Array.from(arrowIdColumn('t', table, 'gap')!)).toEqual(['a', null, 'b']);
    expect(arrowIdColumn('t', table, 'nope')).toBeUndefined();
    expect(errorOf(() => arrowIdColumn('t', table, 'flag'))).toEqual({ code: 'E_ARROW_TYPE', field: 'flag' });
    expect(Array.from(arrowVectorValues('t', 'ids', arrow.vectorFromArray(['u', null], dict()), 'id'))).toEqual(['u', null]);
    expect(errorOf(() => arrowVectorValues('t', 'ids', arrow.vectorFromArray([new Date(0)]), 'id'))).toEqual({ code: 'E_ARROW_TYPE', field: 'ids' });
  });

  it('numbers: nulls as null; text is E_ARROW_TYPE', () => {
    expect(Array.from(arrowNumberColumn('t', table, 'x')!)).toEqual([1.5, null, 3]);
    expect(errorOf(() => arrowNumberColumn('t', table, 'name'))).toEqual({ code: 'E_ARROW_TYPE', field: 'name' });
  });

  it('lists: one array per row, null rows null; a flat column or wrong elements are E_ARROW_TYPE', () => {
    expect(arrowListColumn('t', table, 'tags', 'text')).toEqual([['p', 'q'], [], null]);
    expect(errorOf(() => arrowListColumn('t', table, 'tags', 'number'))).toEqual({ code: 'E_ARROW_TYPE', field: 'tags' });
    expect(errorOf(() => arrowListColumn('t', table, 'name', 'text'))).toEqual({ code: 'E_ARROW_TYPE', field: 'name' });
    expect(errorOf(() => arrowListColumn('t', [] as never, 'tags', 'text'))).toEqual({ code: 'E_INPUT', field: 'table' });
  });
});
