// How fitUplift reads records: in one pass when every field is a finite number or text throughout (arm rows
// grouped for the T- and X-learner, scratch columns kept between fits for the linear learners), field by field
// otherwise. Whatever the path, the base models are the ones fitted on each arm's records by hand, a later fit
// leaves an earlier model alone, and errors come in the same order as when every record is checked first.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { fitUplift } from '@marksman/experiments';
import type { FitUpliftOptions } from '@marksman/experiments';
import { LinearRegression, LogisticRegression } from '@marksman/learn';
import { errorOf } from './helpers';

interface Row {
  readonly recency: number;
  readonly history: number;
  readonly zip: string;
  readonly channel: string;
  readonly arm: number;
  readonly visit: number;
  readonly spend: number;
}

/** Numbers and text only (the one-pass reading), arms interleaved at random. */
function simulate(n: number, seed: number): Row[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => {
    const recency = 1 + r.int(12);
    const history = Math.log1p(30 + 500 * r.next());
    const zip = ['Urban', 'Rural', 'Surburban'][r.int(3)]!;
    const channel = ['Web', 'Phone', 'Multichannel'][r.int(3)]!;
    const arm = r.int(2);
    const visit = r.next() < 0.1 + 0.02 * history + (arm === 1 ? 0.01 * recency : 0) ? 1 : 0;
    const spend = visit * (20 + 3 * history + (arm === 1 ? recency : 0) + r.normal(0, 4));
    return Object.freeze({ recency, history, zip, channel, arm, visit, spend });
  });
}

const rows = Object.freeze(simulate(3000, 11));
const test = Object.freeze(simulate(500, 12));
const features = Object.freeze(['recency', 'history', 'zip', 'channel']);
const base: FitUpliftOptions = Object.freeze({ treatment: 'arm', outcome: 'spend', features, method: 't-learner', learner: 'logistic', seed: 0 });

/** The encoded columns fitUplift builds: numbers as they are, text one-hot with levels sorted. */
function columns(rs: readonly Row[]): { X: Float64Array[]; names: string[] } {
  const zips = ['Rural', 'Surburban', 'Urban'];
  const channels = ['Multichannel', 'Phone', 'Web'];
  const X = [
    Float64Array.from(rs, (r) => r.recency),
    Float64Array.from(rs, (r) => r.history),
    ...zips.map((z) => Float64Array.from(rs, (r) => (r.zip === z ? 1 : 0))),
    ...channels.map((c) => Float64Array.from(rs, (r) => (r.channel === c ? 1 : 0))),
  ];
  return { X, names: ['recency', 'history', ...zips.map((z) => `zip=${z}`), ...channels.map((c) => `channel=${c}`)] };
}

describe('fitUplift: the one-pass reading fits the same base models as fitting each arm by hand', () => {
  const { X: testX } = columns(test);
  const arm = (a: number) => rows.filter((r) => r.arm === a);

  it('T-learner, least squares: uplift = arm model − control model, to the last bit', () => {
    const m = fitUplift(rows, base);
    const fit = (a: number) => {
      const { X, names } = columns(arm(a));
      return new LinearRegression().fit(X, Float64Array.from(arm(a), (r) => r.spend), { featureNames: names });
    };
    const t = fit(1).predict(testX);
    const c = fit(0).predict(testX);
    expect(Array.from(m.predict(test))).toEqual(Array.from(t, (v, i) => v - c[i]!));
  });

  it('X-learner, least squares: the effect models are least squares on the imputed effects, to the last bit', () => {
    const m = fitUplift(rows, { ...base, method: 'x-learner' });
    const data = (a: number) => {
      const { X, names } = columns(arm(a));
      return { X, names, y: Float64Array.from(arm(a), (r) => r.spend) };
    };
    const c = data(0);
    const t = data(1);
    const m0 = new LinearRegression().fit(c.X, c.y, { featureNames: c.names });
    const m1 = new LinearRegression().fit(t.X, t.y, { featureNames: t.names });
    const dT = m0.predict(t.X).map((v, i) => t.y[i]! - v);
    const dC = m1.predict(c.X).map((v, i) => v - c.y[i]!);
    const models = m.toJSON().models;
    expect(models.slice(0, 2)).toEqual([m0.toJSON(), m1.toJSON()]);
    expect(models.slice(2)).toEqual([new LinearRegression().fit(t.X, dT, { featureNames: t.names }).toJSON(), new LinearRegression().fit(c.X, dC, { featureNames: c.names }).toJSON()]);
  });

  it('T-learner, logistic: uplift = difference of the arm classifiers, to the last bit', () => {
    const m = fitUplift(rows, { ...base, outcome: 'visit' });
    const fit = (a: number) => {
      const { X, names } = columns(arm(a));
      return new LogisticRegression().fit(X, Int32Array.from(arm(a), (r) => r.visit), { featureNames: names });
    };
    const t = fit(1).predictProbaOf(testX, 1);
    const c = fit(0).predictProbaOf(testX, 1);
    expect(Array.from(m.predict(test))).toEqual(Array.from(t, (v, i) => v - c[i]!));
  });

  it('class transformation with one treated arm: the weighted classifier on every record, in data order', () => {
    const m = fitUplift(rows, { ...base, outcome: 'visit', method: 'class-transformation' });
    const { X, names } = columns(rows);
    const nT = rows.filter((r) => r.arm === 1).length;
    const n = rows.length;
    const z = Int32Array.from(rows, (r) => ((r.arm === 1) === (r.visit === 1) ? 1 : 0));
    const w = Float64Array.from(rows, (r) => (r.arm === 1 ? n / (2 * nT) : n / (2 * (n - nT))));
    const p = new LogisticRegression().fit(X, z, { featureNames: names, sampleWeight: w }).predictProbaOf(testX, 1);
    expect(Array.from(m.predict(test))).toEqual(Array.from(p, (v) => 2 * v - 1));
  });

  it('the same model as the field-by-field reading (a boolean outcome takes that path)', () => {
    const asBoolean = rows.map((r) => ({ ...r, visit: r.visit === 1 }));
    const a = fitUplift(rows, { ...base, outcome: 'visit', method: 'x-learner' });
    const b = fitUplift(asBoolean, { ...base, outcome: 'visit', method: 'x-learner' });
    expect(b.toJSON().models).toEqual(a.toJSON().models);
  });

  it('arm labels as text (three arms) or booleans: the same models on either reading', () => {
    const names = ['control', 'mail', 'sms'];
    const text = rows.map((r, i) => ({ ...r, arm: names[r.arm === 0 ? 0 : 1 + (i % 2)]! }));
    const flags = rows.map((r) => ({ ...r, arm: r.arm === 1 }));
    for (const [data, method] of [
      [text, 't-learner'],
      [text, 'class-transformation'],
      [flags, 'x-learner'],
      [flags, 's-learner'],
    ] as const) {
      const a = fitUplift(data, { ...base, outcome: 'visit', method });
      const b = fitUplift(
        data.map((r) => ({ ...r, visit: r.visit === 1 })),
        { ...base, outcome: 'visit', method },
      );
      expect(a.arms).toEqual(data === text ? ['mail', 'sms'] : [true]);
      expect(b.toJSON().models).toEqual(a.toJSON().models);
    }
  });
});

describe('fitUplift: scratch columns kept between fits', () => {
  it('a later fit (another size, another method) leaves an earlier model as it was; refitting gives the same model', () => {
    const a = fitUplift(rows, { ...base, method: 'x-learner' });
    const json = JSON.stringify(a.toJSON());
    const u = a.predict(test);
    fitUplift(simulate(5000, 13), { ...base, method: 's-learner' });
    fitUplift(rows.slice(0, 700), { ...base, outcome: 'visit', method: 'class-transformation' });
    expect(JSON.stringify(a.toJSON())).toBe(json);
    expect(Array.from(a.predict(test))).toEqual(Array.from(u));
    expect(JSON.stringify(fitUplift(rows, { ...base, method: 'x-learner' }).toJSON())).toBe(json);
  });
});

describe('fitUplift: records are checked as they are read, errors in the same order', () => {
  const withRow = (i: number, r: unknown) => rows.map((x, k) => (k === i ? r : x)) as never;
  it('a record that is not an object comes before a bad arm label earlier in the data (E_ROWS)', () => {
    const data = rows.map((x, k) => (k === 3 ? { ...x, arm: 'x' } : k === 10 ? 7 : x)) as never;
    const e = errorOf(() => fitUplift(data, base));
    expect([e?.code, e?.field, e?.row]).toEqual(['E_ROWS', 'rows', 10]);
  });
  it('a record that is not an object, arms fine (E_ROWS with its index)', () => {
    const e = errorOf(() => fitUplift(withRow(5, null), base));
    expect([e?.code, e?.row]).toEqual(['E_ROWS', 5]);
  });
  it('an arm label of another type, every record an object (E_MIXED_TYPES)', () => {
    const e = errorOf(() => fitUplift(withRow(4, { ...rows[4]!, arm: 'one' }), base));
    expect([e?.code, e?.field, e?.row]).toEqual(['E_MIXED_TYPES', 'arm', 4]);
  });
  it('a bad outcome comes before a bad feature in an earlier record (outcome checked first)', () => {
    const data = rows.map((x, k) => (k === 2 ? { ...x, recency: Infinity } : k === 9 ? { ...x, spend: NaN } : x));
    const e = errorOf(() => fitUplift(data, base));
    expect([e?.code, e?.field, e?.row]).toEqual(['E_NAN', 'spend', 9]);
  });
  it('a bad feature is named with its record (E_NOT_FINITE)', () => {
    const e = errorOf(() => fitUplift(withRow(2, { ...rows[2]!, recency: Infinity }), base));
    expect([e?.code, e?.field, e?.row]).toEqual(['E_NOT_FINITE', 'recency', 2]);
  });
});
