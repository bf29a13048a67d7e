// Every learner takes an Apache Arrow table as X, read by column name.
// Properties: a model fitted on an Arrow table equals (toJSON) the model
// fitted on the same records, and predicts the same from Arrow as from
// records; Arrow's buffers are not written; nulls are missing values under
// each learner's rule; wrong column types are E_ARROW_TYPE naming the column.
import * as arrow from 'apache-arrow';
import { Random } from '@marksman/core';
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
  LogisticRegression,
  RandomForestClassifier,
  RandomForestRegressor,
} from '@marksman/learn';
import type { FeatureInput } from '@marksman/learn';
import { describe, expect, it } from 'vitest';
import { deepFreeze, typed } from './helpers';

interface Learner {
  fit(X: FeatureInput, y: never): Learner;
  predict(X: FeatureInput): ArrayLike<unknown>;
  toJSON(): unknown;
}
type Make = () => Learner;
const learners: [string, Make, 'class' | 'value'][] = [
  ['LogisticRegression', () => new LogisticRegression() as unknown as Learner, 'class'],
  ['DecisionTreeClassifier', () => new DecisionTreeClassifier({ maxDepth: 4 }) as unknown as Learner, 'class'],
  ['RandomForestClassifier', () => new RandomForestClassifier({ nEstimators: 5, seed: 3 }) as unknown as Learner, 'class'],
  ['HistGradientBoostingClassifier', () => new HistGradientBoostingClassifier({ maxIter: 10 }) as unknown as Learner, 'class'],
  ['DecisionTreeRegressor', () => new DecisionTreeRegressor({ maxDepth: 4 }) as unknown as Learner, 'value'],
  ['RandomForestRegressor', () => new RandomForestRegressor({ nEstimators: 5, seed: 3 }) as unknown as Learner, 'value'],
  ['HistGradientBoostingRegressor', () => new HistGradientBoostingRegressor({ maxIter: 10 }) as unknown as Learner, 'value'],
];

const N = 300;
const rng = new Random(5);
const recency = Float64Array.from({ length: N }, () => Math.round(rng.uniform() * 365));
const orders = Int32Array.from({ length: N }, () => 1 + Math.floor(rng.uniform() * 12));
const spend = Float32Array.from({ length: N }, () => Math.round(rng.uniform() * 50_000) / 100);
const visits = BigInt64Array.from({ length: N }, () => BigInt(Math.floor(rng.uniform() * 40)));
const records = deepFreeze(Array.from({ length: N }, (_, i) => ({ recency: recency[i]!, orders: orders[i]!, spend: spend[i]!, visits: Number(visits[i]!) })));
const yClass = deepFreeze(Array.from({ length: N }, (_, i) => (orders[i]! * 20 - recency[i]! / 5 + rng.normal() * 10 > 80 ? 'buyer' : 'not')));
const yValue = deepFreeze(Array.from({ length: N }, (_, i) => orders[i]! * 3 - recency[i]! / 50 + spend[i]! / 100 + rng.normal()));
// The table holds the columns in another order, and one more that the fit is not told about.
const table = new arrow.Table({
  spend: arrow.makeVector(spend),
  visits: arrow.makeVector({ type: new arrow.Int64(), data: visits }),
  orders: arrow.makeVector(orders),
  recency: arrow.makeVector(recency),
});

describe.each(learners)('%s on an Arrow table', (_name, make, kind) => {
  const y = (kind === 'class' ? yClass : yValue) as never;

  it('fits and predicts exactly as from the same records (Float32, Int32, Int64 columns; names from the schema)', () => {
    const snapshot = table.schema.fields.map((f) => Array.from((table.getChild(f.name as never) as { toArray(): unknown }).toArray() as ArrayLike<unknown>));
    type Fit = { fit(X: FeatureInput, y: never, o?: object): Learner };
    // Without names, the features are the table's columns in schema order.
    const fromArrow = (make() as unknown as Fit).fit(table, y);
    expect((fromArrow.toJSON() as { featureNames: string[] }).featureNames).toEqual(['spend', 'visits', 'orders', 'recency']);
    expect(fromArrow.toJSON()).toEqual((make() as unknown as Fit).fit(records, y, { featureNames: ['spend', 'visits', 'orders', 'recency'] }).toJSON());
    // With names given, Arrow and records give the same model; either scores either, by name.
    const names = ['recency', 'orders', 'spend', 'visits'];
    const a = (make() as unknown as Fit).fit(table, y, { featureNames: names });
    const r = (make() as unknown as Fit).fit(records, y, { featureNames: names });
    expect(a.toJSON()).toEqual(r.toJSON());
    expect(Array.from(a.predict(table))).toEqual(Array.from(r.predict(records)));
    expect(Array.from(r.predict(table))).toEqual(Array.from(r.predict(records)));
    expect(Array.from(fromArrow.predict(table))).toEqual(Array.from(fromArrow.predict(records)));
    expect(table.schema.fields.map((f) => Array.from((table.getChild(f.name as never) as { toArray(): unknown }).toArray() as ArrayLike<unknown>))).toEqual(snapshot);
  });

  it('refuses a text, boolean or date column (E_ARROW_TYPE), a missing column (E_FEATURE_MISSING) and an Int64 beyond 2^53', () => {
    const base = { recency: arrow.makeVector(Float64Array.of(1, 2, 3, 4)), orders: arrow.makeVector(Int32Array.of(1, 2, 1, 2)) };
    const y4 = (kind === 'class' ? ['a', 'b', 'a', 'b'] : [1, 2, 3, 4]) as never;
    expect(() => make().fit(new arrow.Table({ ...base, channel: arrow.vectorFromArray(['web', 'shop', 'web', 'shop']) }), y4)).toThrow(typed('ValidationError', 'E_ARROW_TYPE', 'channel'));
    expect(() => make().fit(new arrow.Table({ ...base, vip: arrow.vectorFromArray([true, false, true, false]) }), y4)).toThrow(typed('ValidationError', 'E_ARROW_TYPE', 'vip'));
    expect(() => make().fit(new arrow.Table({ ...base, first: arrow.vectorFromArray([1, 2, 3, 4].map((d) => new Date(d * 86_400_000)), new arrow.DateMillisecond()) }), y4)).toThrow(
      typed('ValidationError', 'E_ARROW_TYPE', 'first'),
    );
    const big = arrow.makeVector({ type: new arrow.Int64(), data: BigInt64Array.of(1n, 2n, 2n ** 60n, 3n) });
    expect(() => make().fit(new arrow.Table({ ...base, big }), y4)).toThrow(expect.objectContaining({ code: 'E_ARROW_TYPE', field: 'big', row: 2 }));
    const fitted = make().fit(new arrow.Table(base), y4);
    expect(() => fitted.predict(new arrow.Table({ recency: base.recency }))).toThrow(typed('ValidationError', 'E_FEATURE_MISSING', 'orders'));
    expect(() => (make() as unknown as { fit(X: FeatureInput, y: never, o: object): Learner }).fit(new arrow.Table(base), y4, { featureNames: ['recency', 'tenure'] })).toThrow(typed('ValidationError', 'E_FEATURE_MISSING', 'tenure'));
  });

  it('reads a null as a missing value, as a null in named columns is read', () => {
    const withNull = { recency: [1, 2, null, 4, 5, 6], orders: [1, 2, 1, 2, 1, 2] };
    const t = new arrow.Table({ recency: arrow.vectorFromArray(withNull.recency, new arrow.Float64()), orders: arrow.vectorFromArray(withNull.orders, new arrow.Int32()) });
    const y6 = (kind === 'class' ? ['a', 'b', 'a', 'b', 'a', 'b'] : [1, 2, 3, 4, 5, 6]) as never;
    let named: unknown;
    try {
      named = make().fit(withNull as never, y6).toJSON();
    } catch (e) {
      named = e;
    }
    if (named instanceof Error) {
      expect(() => make().fit(t, y6)).toThrow(expect.objectContaining({ code: (named as unknown as { code: string }).code, field: 'recency', row: 2 }));
    } else {
      expect(make().fit(t, y6).toJSON()).toEqual(named);
    }
  });
});
