// attribution of an Apache Arrow table of paths (channels as a List of text,
// conversions and nulls as numbers, ages as a List of numbers). Properties:
// every model gives the answer of the same paths as ConversionPath records;
// a column of the wrong type is E_ARROW_TYPE naming it; a null is the error
// a null in a record gives; the table is left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { attribution } from '@marksman/metrics';
import type { AttributionModel, ConversionPath } from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

const CHANNELS = ['search', 'email', 'social', 'display', 'direct'];

function journeys(n: number, seed: number): readonly ConversionPath[] {
  const rng = new Random(seed);
  return Object.freeze(
    Array.from({ length: n }, () => {
      const len = 1 + rng.int(4);
      const channels = Array.from({ length: len }, () => CHANNELS[rng.int(CHANNELS.length)]!);
      const ages = channels.map((_, j) => len - 1 - j + Math.round(rng.uniform() * 10) / 10);
      return Object.freeze({ channels, conversions: rng.int(3), nulls: rng.int(5), ages });
    }),
  );
}

const listOf = (t: arrow.DataType): arrow.List => new arrow.List(new arrow.Field('item', t, true));

function tableOf(paths: readonly ConversionPath[], dictionary: boolean): arrow.Table {
  const text = dictionary ? new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()) : new arrow.Utf8();
  return new arrow.Table({
    journeyId: arrow.makeVector(Int32Array.from(paths, (_, i) => i)),
    channels: arrow.vectorFromArray(paths.map((p) => Array.from(p.channels)), listOf(text)),
    conversions: arrow.makeVector(Float64Array.from(paths, (p) => p.conversions ?? 1)),
    nulls: arrow.makeVector(Int32Array.from(paths, (p) => p.nulls ?? 0)),
    ages: arrow.vectorFromArray(paths.map((p) => Array.from(p.ages ?? [])), listOf(new arrow.Float64())),
  });
}

const MODELS: readonly AttributionModel[] = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'];

describe('attribution of an Arrow table of paths', () => {
  const paths = journeys(200, 3);
  for (const dictionary of [false, true]) {
    it(`every model gives the records' answer (${dictionary ? 'dictionary-encoded' : 'Utf8'} channels)`, () => {
      const table = tableOf(paths, dictionary);
      for (const model of MODELS) expect(attribution(table, { model }), model).toEqual(attribution(paths, { model }));
      expect(table.numRows).toBe(200);
    });
  }

  it('conversions, nulls and ages are optional columns, as the record fields are', () => {
    const bare = new arrow.Table({ channels: arrow.vectorFromArray([['a', 'b'], ['b']], listOf(new arrow.Utf8())) });
    expect(attribution(bare)).toEqual(attribution([['a', 'b'], ['b']]));
  });

  it('a wrong column type is E_ARROW_TYPE naming it; a missing channels column E_COLUMN; nulls are the records\' errors', () => {
    const table = tableOf(paths.slice(0, 3), false);
    const flat = new arrow.Table({ channels: arrow.vectorFromArray(['a', 'b']) });
    expect(error(() => attribution(flat))).toEqual({ code: 'E_ARROW_TYPE', field: 'channels', row: undefined });
    const numericChannels = new arrow.Table({ channels: arrow.vectorFromArray([[1, 2]], listOf(new arrow.Int32())) });
    expect(error(() => attribution(numericChannels))).toEqual({ code: 'E_ARROW_TYPE', field: 'channels', row: undefined });
    const textCounts = new arrow.Table({ channels: table.getChild('channels')!, conversions: arrow.vectorFromArray(['1', '2', '3']) });
    expect(error(() => attribution(textCounts))).toEqual({ code: 'E_ARROW_TYPE', field: 'conversions', row: undefined });
    expect(error(() => attribution(new arrow.Table({ journeyId: arrow.makeVector(Int32Array.of(1)) })))).toEqual({ code: 'E_COLUMN', field: 'channels', row: undefined });
    const nullCount = new arrow.Table({ channels: table.getChild('channels')!, conversions: arrow.vectorFromArray([1, null, 2], new arrow.Float64()) });
    expect(error(() => attribution(nullCount))).toEqual(error(() => attribution([{ channels: ['a'] }, { channels: ['b'], conversions: null as unknown as number }])));
    expect(error(() => attribution(nullCount))).toEqual({ code: 'E_NAN', field: 'conversions', row: 1 });
    const nullTouch = new arrow.Table({ channels: arrow.vectorFromArray([['a'], ['b', null]], listOf(new arrow.Utf8())) });
    expect(error(() => attribution(nullTouch))).toEqual({ code: 'E_LABEL', field: 'channels', row: 1 });
    const nullPath = new arrow.Table({ channels: arrow.vectorFromArray([['a'], null], listOf(new arrow.Utf8())) });
    expect(error(() => attribution(nullPath))).toEqual({ code: 'E_SHAPE', field: 'channels', row: 1 });
  });
});
