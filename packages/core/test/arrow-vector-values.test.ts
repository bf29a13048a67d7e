// arrowVectorValues, the reader behind the metrics' Arrow vectors. Per kind:
// 'number' takes numeric columns, 'binary' numeric or Bool, 'label' text
// (Utf8, LargeUtf8, dictionary-encoded Utf8), numeric or Bool (as 1 / 0),
// 'id' text or numeric;
// anything else is E_ARROW_TYPE naming the field. Null-free numeric columns
// come back as Arrow's own typed array (no copy); nulls come back as `null`
// at their rows, never dropped.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowVectorValues } from '@marksman/core/internal';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

describe('arrowVectorValues', () => {
  it("'label': text, dictionary, integer and Float columns are their values; Bool is 1 / 0; nulls stay at their rows", () => {
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray(['b', 'a', 'b'], new arrow.Utf8()), 'label'))).toEqual(['b', 'a', 'b']);
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray(['b', 'a', 'b'], new arrow.LargeUtf8()), 'label'))).toEqual(['b', 'a', 'b']);
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray(['b', null, 'b']), 'label'))).toEqual(['b', null, 'b']);
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray([true, false, null, true], new arrow.Bool()), 'label'))).toEqual([1, 0, null, 1]);
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray([3n, -2n], new arrow.Int64()), 'label'))).toEqual([3, -2]);
    expect(Array.from(arrowVectorValues('f', 'y', arrow.vectorFromArray([3, null, 1], new arrow.Int16()), 'label'))).toEqual([3, null, 1]);
    const codes = Int32Array.of(4, 1, 4);
    const vec = arrow.makeVector(codes);
    const values = arrowVectorValues('f', 'y', vec, 'label');
    expect(values).toBeInstanceOf(Int32Array);
    expect((values as Int32Array).buffer).toBe(codes.buffer);
  });

  it('refuses a column whose type does not fit the kind with E_ARROW_TYPE naming the field, and a 64-bit label beyond ±2^53 with its row', () => {
    const dates = arrow.vectorFromArray([new Date(0), new Date(1)]);
    const text = arrow.vectorFromArray(['a', 'b']);
    const bools = arrow.vectorFromArray([true, false], new arrow.Bool());
    expect(error(() => arrowVectorValues('f', 'groups', dates, 'label'))).toEqual({ code: 'E_ARROW_TYPE', field: 'groups', row: undefined });
    expect(error(() => arrowVectorValues('f', 'scores', text, 'number'))).toEqual({ code: 'E_ARROW_TYPE', field: 'scores', row: undefined });
    expect(error(() => arrowVectorValues('f', 'yTrue', text, 'binary'))).toEqual({ code: 'E_ARROW_TYPE', field: 'yTrue', row: undefined });
    expect(error(() => arrowVectorValues('f', 'values', bools, 'number'))).toEqual({ code: 'E_ARROW_TYPE', field: 'values', row: undefined });
    expect(Array.from(arrowVectorValues('f', 'yTrue', bools, 'binary'))).toEqual([true, false]);
    const huge = arrow.vectorFromArray([1n, 2n ** 60n], new arrow.Int64());
    expect(error(() => arrowVectorValues('f', 'labels', huge, 'label'))).toEqual({ code: 'E_ARROW_TYPE', field: 'labels', row: 1 });
    expect(error(() => arrowVectorValues('f', 'y', text, 'text' as never))).toEqual({ code: 'E_INPUT', field: 'y', row: undefined });
  });

  it("'id': text, dictionary and integer columns are their values; Bool and dates are E_ARROW_TYPE naming the field", () => {
    expect(Array.from(arrowVectorValues('f', 'ids', arrow.vectorFromArray(['u1', null, 'u2']), 'id'))).toEqual(['u1', null, 'u2']);
    expect(Array.from(arrowVectorValues('f', 'ids', arrow.vectorFromArray([7n, 9n], new arrow.Int64()), 'id'))).toEqual([7, 9]);
    expect(error(() => arrowVectorValues('f', 'ids', arrow.vectorFromArray([true, false], new arrow.Bool()), 'id'))).toEqual({ code: 'E_ARROW_TYPE', field: 'ids', row: undefined });
    expect(error(() => arrowVectorValues('f', 'ids', arrow.vectorFromArray([new Date(0)]), 'id'))).toEqual({ code: 'E_ARROW_TYPE', field: 'ids', row: undefined });
    expect(error(() => arrowVectorValues('f', 'ids', arrow.vectorFromArray([2n ** 62n], new arrow.Int64()), 'id'))).toEqual({ code: 'E_ARROW_TYPE', field: 'ids', row: 0 });
  });
});
