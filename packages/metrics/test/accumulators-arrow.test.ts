// The accumulators' and sketches' addMany on Apache Arrow vectors. Property:
// adding an Arrow vector leaves exactly the state adding the same values as
// an array leaves (toJSON equal); a null is the error a null in an array is
// (typed, naming the field and row) and adds nothing; a column of the wrong
// type is E_ARROW_TYPE naming the field; inputs are left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { CovarianceAccumulator, HyperLogLog, MeanAccumulator, ProportionAccumulator, QuantileSketch, RatioAccumulator } from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

function withNull<T>(xs: readonly T[], at: number): (T | null)[] {
  const out: (T | null)[] = [...xs];
  out[at] = null;
  return out;
}

interface Acc {
  toJSON(): unknown;
}

describe('addMany of Arrow vectors', () => {
  const rng = new Random(13);
  const n = 300;
  const x = Array.from({ length: n }, () => Math.round(rng.uniform() * 10000) / 100);
  const y = x.map((v) => 1 + Math.round(v * rng.uniform()));
  const yInt = Int32Array.from(y);
  const conv = x.map((v) => v > 50);
  const ids = x.map((v) => `c${Math.floor(v)}`);

  const ONE: Readonly<Record<string, { make: () => Acc & { addMany(v: never): unknown }; values: readonly unknown[]; vector: () => arrow.Vector; field: string; wrong: () => arrow.Vector }>> = {
    MeanAccumulator: { make: () => new MeanAccumulator() as never, values: x, vector: () => arrow.makeVector(Float64Array.from(x)), field: 'xs', wrong: () => arrow.vectorFromArray(x.map(String)) },
    ProportionAccumulator: { make: () => new ProportionAccumulator() as never, values: conv, vector: () => arrow.vectorFromArray(conv, new arrow.Bool()), field: 'outcomes', wrong: () => arrow.vectorFromArray(conv.map(String)) },
    QuantileSketch: { make: () => new QuantileSketch() as never, values: x, vector: () => arrow.makeVector(Float32Array.from(x)), field: 'xs', wrong: () => arrow.vectorFromArray(x.map((v) => new Date(v))) },
    HyperLogLog: { make: () => new HyperLogLog() as never, values: ids, vector: () => arrow.vectorFromArray(ids), field: 'ids', wrong: () => arrow.vectorFromArray(conv, new arrow.Bool()) },
  };

  for (const [name, c] of Object.entries(ONE)) {
    it(`${name}.addMany: an Arrow vector leaves the array's state; a null or a wrong type is a typed error and adds nothing`, () => {
      const vec = c.vector();
      // A Float32 vector holds rounded values: compare with the same values as an array.
      const same = Array.from(vec.toArray() as ArrayLike<unknown>);
      const expected = c.make();
      expected.addMany(Object.freeze(same) as never);
      const fromArrow = c.make();
      fromArrow.addMany(vec as never);
      expect(fromArrow.toJSON()).toEqual(expected.toJSON());
      expect(Array.from(vec.toArray() as ArrayLike<unknown>)).toEqual(same);

      const before = JSON.stringify(fromArrow.toJSON());
      const nulls = withNull(same, 17);
      const nullVec = arrow.vectorFromArray(nulls, vec.type);
      const arrayError = error(() => c.make().addMany(nulls as never));
      expect(arrayError).toMatchObject({ field: c.field, row: 17 });
      expect(error(() => fromArrow.addMany(nullVec as never))).toEqual(arrayError);
      expect(error(() => fromArrow.addMany(c.wrong() as never))).toEqual({ code: 'E_ARROW_TYPE', field: c.field, row: undefined });
      expect(JSON.stringify(fromArrow.toJSON())).toBe(before);
    });
  }

  for (const [name, make] of Object.entries({ RatioAccumulator: () => new RatioAccumulator(), CovarianceAccumulator: () => new CovarianceAccumulator() })) {
    it(`${name}.addMany: Arrow vectors leave the arrays' state; a null or a wrong type is a typed error naming xs or ys and adds nothing`, () => {
      const expected = make().addMany(Object.freeze([...x]), Object.freeze([...y]));
      const acc = make().addMany(arrow.makeVector(Float64Array.from(x)), arrow.makeVector(yInt));
      expect(acc.toJSON()).toEqual(expected.toJSON());
      expect(make().addMany(x, arrow.vectorFromArray(y.map(BigInt), new arrow.Int64())).toJSON()).toEqual(expected.toJSON());
      const before = JSON.stringify(acc.toJSON());
      const yNull = withNull(y, 3);
      expect(error(() => acc.addMany(x, arrow.vectorFromArray(yNull, new arrow.Int32())))).toEqual(error(() => make().addMany(x, yNull as never)));
      expect(error(() => acc.addMany(x, arrow.vectorFromArray(yNull, new arrow.Int32())))).toMatchObject({ field: 'ys', row: 3 });
      expect(error(() => acc.addMany(arrow.vectorFromArray(x.map(String)), y))).toEqual({ code: 'E_ARROW_TYPE', field: 'xs', row: undefined });
      expect(JSON.stringify(acc.toJSON())).toBe(before);
      expect(Array.from(yInt)).toEqual(y);
    });
  }
});
