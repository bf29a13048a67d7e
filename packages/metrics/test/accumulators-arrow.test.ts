// The accumulators' and sketches' addMany on Apache Arrow vectors. Properties:
// addMany of an Arrow vector leaves the same state (toJSON) as addMany of the
// same values as an array, and merging such shards gives the one-pass state;
// a null is the typed error a null in an array gives (with its row), all or
// nothing; a vector of the wrong type is E_ARROW_TYPE naming the argument.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { CovarianceAccumulator, HyperLogLog, MeanAccumulator, ProportionAccumulator, QuantileSketch, RatioAccumulator } from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

const rng = new Random(11);
const xs = Object.freeze(Array.from({ length: 400 }, () => Math.round(Math.exp(rng.normal(3, 1)) * 100) / 100));
const ys = Object.freeze(xs.map((x) => Math.round((x * 0.4 + rng.normal(0, 5)) * 100) / 100));
const outcomes = Object.freeze(xs.map((x) => x > 20));
const ids = Object.freeze(xs.map((x) => `c${Math.floor(x) % 97}`));

const f64 = (v: readonly number[]): arrow.Vector => arrow.makeVector(Float64Array.from(v));
const withNull = <T>(v: readonly T[], at: number): (T | null)[] => v.map((x, i) => (i === at ? null : x));

describe('addMany of Arrow vectors', () => {
  it('MeanAccumulator and QuantileSketch: the array state, merged shards the one-pass state', () => {
    expect(new MeanAccumulator().addMany(f64(xs)).toJSON()).toEqual(new MeanAccumulator().addMany(xs).toJSON());
    const shards = new MeanAccumulator().addMany(f64(xs.slice(0, 150))).merge(new MeanAccumulator().addMany(f64(xs.slice(150))));
    expect(shards.toJSON()).toEqual(new MeanAccumulator().addMany(xs.slice(0, 150)).merge(new MeanAccumulator().addMany(xs.slice(150))).toJSON());
    expect(new QuantileSketch().addMany(f64(xs)).toJSON()).toEqual(new QuantileSketch().addMany(xs).toJSON());
    const ints = xs.map(Math.round);
    expect(new QuantileSketch().addMany(arrow.makeVector(Int32Array.from(ints))).toJSON()).toEqual(new QuantileSketch().addMany(ints).toJSON());
  });

  it('ProportionAccumulator: Bool and integer vectors give the array state', () => {
    const expected = new ProportionAccumulator().addMany(outcomes).toJSON();
    expect(new ProportionAccumulator().addMany(arrow.vectorFromArray([...outcomes], new arrow.Bool())).toJSON()).toEqual(expected);
    expect(new ProportionAccumulator().addMany(arrow.makeVector(Uint8Array.from(outcomes, Number))).toJSON()).toEqual(expected);
  });

  it('RatioAccumulator and CovarianceAccumulator: pairs of vectors (or a vector and an array) give the arrays\' state', () => {
    expect(new RatioAccumulator().addMany(f64(xs), f64(ys)).toJSON()).toEqual(new RatioAccumulator().addMany(xs, ys).toJSON());
    expect(new CovarianceAccumulator().addMany(f64(xs), ys).toJSON()).toEqual(new CovarianceAccumulator().addMany(xs, ys).toJSON());
  });

  it('HyperLogLog: text, dictionary-encoded text and integer ids give the array registers', () => {
    expect(new HyperLogLog().addMany(arrow.vectorFromArray([...ids], new arrow.Utf8())).toJSON()).toEqual(new HyperLogLog().addMany(ids).toJSON());
    expect(new HyperLogLog().addMany(arrow.vectorFromArray([...ids], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()))).toJSON()).toEqual(new HyperLogLog().addMany(ids).toJSON());
    const nums = xs.map(Math.round);
    expect(new HyperLogLog().addMany(arrow.makeVector(Int32Array.from(nums))).toJSON()).toEqual(new HyperLogLog().addMany(nums).toJSON());
  });

  it('a null is the error a null in an array gives, and adds nothing; a wrong type is E_ARROW_TYPE naming the argument', () => {
    const mean = new MeanAccumulator().addMany([1, 2]);
    const before = mean.toJSON();
    expect(error(() => mean.addMany(arrow.vectorFromArray(withNull(xs, 7), new arrow.Float64())))).toEqual(error(() => new MeanAccumulator().addMany(withNull(xs, 7) as number[])));
    expect(error(() => mean.addMany(arrow.vectorFromArray(withNull(xs, 7), new arrow.Float64())))).toMatchObject({ field: 'xs', row: 7 });
    expect(mean.toJSON()).toEqual(before);
    expect(error(() => new QuantileSketch().addMany(arrow.vectorFromArray(withNull(xs, 3), new arrow.Float64())))).toMatchObject({ code: 'E_NAN', field: 'xs', row: 3 });
    expect(error(() => new ProportionAccumulator().addMany(arrow.vectorFromArray(withNull(outcomes, 2), new arrow.Bool())))).toEqual(error(() => new ProportionAccumulator().addMany(withNull(outcomes, 2) as boolean[])));
    expect(error(() => new RatioAccumulator().addMany(f64(xs), arrow.vectorFromArray(withNull(ys, 5), new arrow.Float64())))).toMatchObject({ field: 'ys', row: 5 });
    expect(error(() => new HyperLogLog().addMany(arrow.vectorFromArray(withNull(ids, 4), new arrow.Utf8())))).toEqual(error(() => new HyperLogLog().addMany(withNull(ids, 4) as string[])));
    expect(error(() => new MeanAccumulator().addMany(arrow.vectorFromArray(['1', '2'])))).toEqual({ code: 'E_ARROW_TYPE', field: 'xs', row: undefined });
    expect(error(() => new CovarianceAccumulator().addMany(f64([1, 2]), arrow.vectorFromArray([new Date(1), new Date(2)])))).toEqual({ code: 'E_ARROW_TYPE', field: 'ys', row: undefined });
    expect(error(() => new ProportionAccumulator().addMany(arrow.vectorFromArray(['yes'])))).toEqual({ code: 'E_ARROW_TYPE', field: 'outcomes', row: undefined });
    expect(error(() => new HyperLogLog().addMany(arrow.vectorFromArray([true], new arrow.Bool())))).toEqual({ code: 'E_ARROW_TYPE', field: 'ids', row: undefined });
  });
});
