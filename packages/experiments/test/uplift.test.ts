// Uplift models on a simulated experiment where every customer's true effect
// is known: each method × learner must rank customers by their true effect,
// round-trip through JSON exactly, and refuse bad input with typed errors.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { fitUplift, UpliftModel } from '@marksman/experiments';
import type { FitUpliftOptions, UpliftLearner, UpliftMethod } from '@marksman/experiments';
import { qiniCoefficient } from '@marksman/metrics';
import { codeOf, errorOf } from './helpers';

const METHODS: UpliftMethod[] = ['s-learner', 't-learner', 'x-learner', 'class-transformation'];
const LEARNERS: UpliftLearner[] = ['logistic', 'gbm', 'forest'];

interface Customer {
  readonly age: number;
  readonly engaged: boolean;
  readonly channel: string;
  readonly arm: string;
  readonly visit: number;
  readonly spend: number;
  readonly trueUplift: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Visit probability: base from engagement and channel; e-mail adds a lift that grows with age (none up to 30); sms adds nothing. trueUplift is e-mail's lift. */
function simulate(n: number, seed: number, arms: readonly string[] = ['none', 'email']): Customer[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => {
    const age = 18 + r.int(50);
    const engaged = r.bernoulli(0.4);
    const channel = ['Web', 'Phone', 'Multichannel'][r.int(3)]!;
    const arm = arms[r.int(arms.length)]!;
    const base = sigmoid(-1.2 + (engaged ? 0.8 : 0) + (channel === 'Web' ? 0.3 : 0));
    const lift = Math.max(0, (age - 30) / 37) * 0.35;
    const p = Math.min(1, base + (arm === 'email' ? lift : 0));
    const visit = r.next() < p ? 1 : 0;
    const spend = 20 + 0.5 * age + (arm === 'email' ? 10 + 0.4 * (age - 18) : 0) + r.normal(0, 5);
    return Object.freeze({ age, engaged, channel, arm, visit, spend, trueUplift: lift });
  });
}

const pearson = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

const train = Object.freeze(simulate(4000, 1));
const test = Object.freeze(simulate(3000, 2));
const base: FitUpliftOptions = Object.freeze({ treatment: 'arm', outcome: 'visit', features: Object.freeze(['age', 'engaged', 'channel']), method: 't-learner', learner: 'logistic', seed: 7, control: 'none' });
const small = { learnerOptions: null } as const;
const fast = (learner: UpliftLearner) => (learner === 'forest' ? { nEstimators: 20, minSamplesLeaf: 20 } : learner === 'gbm' ? { maxIter: 40 } : {});

describe('fitUplift: every method × learner ranks customers by their true effect (binary outcome)', () => {
  for (const method of METHODS) {
    for (const learner of LEARNERS) {
      it(`${method} × ${learner}`, () => {
        const m = fitUplift(train, { ...base, ...small, method, learner, learnerOptions: fast(learner) });
        expect(m.arms).toEqual(['email']);
        expect(m.method).toBe(method);
        const u = m.predict(test);
        expect(u).toBeInstanceOf(Float64Array);
        expect(u.length).toBe(test.length);
        for (const v of u) expect(v >= -1 && v <= 1).toBe(true);
        const truth = test.map((c) => c.trueUplift);
        const y = test.map((c) => c.visit);
        const t = test.map((c) => (c.arm === 'email' ? 1 : 0));
        if (method === 's-learner' && learner === 'logistic') {
          // One logistic model with a treatment term has no age × treatment interaction: it can only
          // estimate the average effect (≈ 0.133 here), not who gains most.
          const mean = u.reduce((a, b) => a + b, 0) / u.length;
          expect(mean).toBeGreaterThan(0.09);
          expect(mean).toBeLessThan(0.18);
        } else {
          expect(pearson(u, truth)).toBeGreaterThan(learner === 'logistic' ? 0.9 : 0.5);
          // At least 60% of the Qini coefficient of the true effects (the best any model can do on this sample).
          expect(qiniCoefficient(y, t, u)).toBeGreaterThan(0.6 * qiniCoefficient(y, t, truth));
        }
        // Exact JSON round trip.
        const copy = UpliftModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
        expect(Array.from(copy.predict(test))).toEqual(Array.from(u));
        expect(copy.toJSON()).toEqual(JSON.parse(JSON.stringify(m.toJSON())));
      });
    }
  }
});

describe('fitUplift: continuous outcomes use regressors', () => {
  for (const method of ['s-learner', 't-learner', 'x-learner'] as const) {
    it(`${method} × logistic (least squares) recovers a linear effect 10 + 0.4·(age − 18)`, () => {
      const m = fitUplift(train, { ...base, method, outcome: 'spend', learner: 'logistic' });
      expect(m.outcomeKind).toBe('continuous');
      const u = m.predict([{ age: 18, engaged: false, channel: 'Web' }, { age: 68, engaged: true, channel: 'Phone' }]);
      if (method === 's-learner') {
        // One linear model: the treatment shifts the intercept only, so the uplift is the average effect.
        expect(u[0]).toBeCloseTo(u[1]!, 9);
        expect(u[0]).toBeGreaterThan(15);
        expect(u[0]).toBeLessThan(25);
      } else {
        expect(u[0]).toBeGreaterThan(9);
        expect(u[0]).toBeLessThan(11);
        expect(u[1]).toBeGreaterThan(29);
        expect(u[1]).toBeLessThan(31);
      }
      expect(Array.from(UpliftModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON()))).predict(test))).toEqual(Array.from(m.predict(test)));
    });
  }
  it('gbm and forest regressors rank by the effect', () => {
    for (const learner of ['gbm', 'forest'] as const) {
      const m = fitUplift(train, { ...base, method: 't-learner', outcome: 'spend', learner, learnerOptions: fast(learner) });
      const u = m.predict(test);
      expect(pearson(u, test.map((c) => c.age))).toBeGreaterThan(0.8);
    }
  });
  it('class transformation refuses a continuous outcome (E_OUTCOME_KIND names the method)', () => {
    const e = errorOf(() => fitUplift(train, { ...base, method: 'class-transformation', outcome: 'spend' }));
    expect(e?.code).toBe('E_OUTCOME_KIND');
    expect(e?.field).toBe('method');
  });
});

describe('fitUplift: multi-treatment, one comparison per arm against control', () => {
  const three = Object.freeze(simulate(6000, 3, ['none', 'email', 'sms']));
  for (const method of METHODS) {
    it(method, () => {
      const m = fitUplift(three, { ...base, method, learner: 'logistic' });
      expect(m.arms).toEqual(['email', 'sms']);
      const all = m.predictAll(test);
      expect(all.length).toBe(2);
      expect(Array.from(all[0]!)).toEqual(Array.from(m.predict(test)));
      // E-mail's effect grows with age; sms has none.
      const ages = test.map((c) => c.age);
      if (method !== 's-learner') expect(pearson(all[0]!, ages)).toBeGreaterThan(0.7);
      let email = 0;
      for (const v of all[0]!) email += v / all[0]!.length;
      expect(email).toBeGreaterThan(0.09);
      let mean = 0;
      for (const v of all[1]!) mean += v / all[1]!.length;
      expect(Math.abs(mean)).toBeLessThan(0.06);
      const copy = UpliftModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(copy.predictAll(test).map((a) => Array.from(a))).toEqual(all.map((a) => Array.from(a)));
    });
  }
});

describe('fitUplift: house rules', () => {
  it('same seed, same model; the input is not modified (frozen records)', () => {
    const a = fitUplift(train, { ...base, learner: 'forest', learnerOptions: { nEstimators: 5 } });
    const b = fitUplift(train, { ...base, learner: 'forest', learnerOptions: { nEstimators: 5 } });
    expect(a.toJSON()).toEqual(b.toJSON());
  });
  it('numeric labels default to control 0, booleans to false', () => {
    const rows = train.map((c) => ({ ...c, t: c.arm === 'email' ? 1 : 0, b: c.arm === 'email' }));
    expect(fitUplift(rows, { ...base, treatment: 't', control: null }).control).toBe(0);
    expect(fitUplift(rows, { ...base, treatment: 'b', control: null }).arms).toEqual([true]);
  });
  it('encodes text one-hot, every level, sorted; an unseen level reads as all zeros', () => {
    const m = fitUplift(train, base);
    expect(m.encodedFeatures).toEqual(['age', 'engaged', 'channel=Multichannel', 'channel=Phone', 'channel=Web']);
    expect(m.featureEncoding[2]).toEqual({ name: 'channel', kind: 'categorical', levels: ['Multichannel', 'Phone', 'Web'] });
    const u = m.predict([{ age: 40, engaged: true, channel: 'Fax' }]);
    expect(Number.isFinite(u[0])).toBe(true);
  });
  it('reports progress after each base model and stops on abort', () => {
    const seen: number[] = [];
    fitUplift(train, { ...base, method: 'x-learner', onProgress: (p) => seen.push(p.step) });
    expect(seen).toEqual([1, 2, 3, 4]);
    const c = new AbortController();
    const e = errorOf(() => fitUplift(train, { ...base, method: 'x-learner', signal: c.signal, onProgress: (p) => p.step === 2 && c.abort() }));
    expect(e?.code).toBe('E_ABORTED');
    expect(codeOf(() => fitUplift(train, { ...base, signal: AbortSignal.abort() }))).toBe('E_ABORTED');
  });
  it("gbm reads NaN and null numeric features as missing; other learners refuse them naming field and record", () => {
    const rows = train.map((c, i) => (i === 5 ? { ...c, age: NaN } : i === 9 ? { ...c, age: null } : c));
    const m = fitUplift(rows, { ...base, learner: 'gbm', learnerOptions: { maxIter: 20 } });
    expect(Number.isFinite(m.predict([{ age: NaN, engaged: true, channel: 'Web' }])[0])).toBe(true);
    for (const learner of ['logistic', 'forest'] as const) {
      const e = errorOf(() => fitUplift(rows, { ...base, learner }));
      expect([e?.code, e?.field, e?.row]).toEqual(['E_NAN', 'age', 5]);
    }
    const e = errorOf(() => fitUplift(train, base).predict([{ age: 3, engaged: true, channel: 'Web' }, { age: null, engaged: true, channel: 'Web' }]));
    expect([e?.code, e?.field, e?.row]).toEqual(['E_MISSING', 'age', 1]);
  });
});

describe('fitUplift: bad input gets typed errors naming the field', () => {
  const cases: [string, () => unknown, string, string | undefined][] = [
    ['one arm only', () => fitUplift(train.filter((c) => c.arm === 'none'), base), 'E_SINGLE_ARM', 'arm'],
    ['no control records', () => fitUplift(train.filter((c) => c.arm === 'email'), base), 'E_CONTROL_MISSING', 'control'],
    ['constant outcome', () => fitUplift(train.map((c) => ({ ...c, visit: 1 })), base), 'E_CONSTANT_OUTCOME', 'visit'],
    ['constant outcome within an arm (T-learner)', () => fitUplift(train.map((c) => ({ ...c, visit: c.arm === 'none' ? 0 : c.visit })), base), 'E_CONSTANT_OUTCOME', 'visit'],
    ['transformed class constant', () => fitUplift(train.map((c) => ({ ...c, visit: c.arm === 'none' ? 0 : 1 })), { ...base, method: 'class-transformation' }), 'E_CONSTANT_OUTCOME', 'visit'],
    ['unknown method', () => fitUplift(train, { ...base, method: 'r-learner' as UpliftMethod }), 'E_OPTION_RANGE', 'method'],
    ['unknown learner', () => fitUplift(train, { ...base, learner: 'svm' as UpliftLearner }), 'E_OPTION_RANGE', 'learner'],
    ['missing method', () => fitUplift(train, { ...base, method: undefined as unknown as UpliftMethod }), 'E_OPTION_MISSING', 'method'],
    ['unknown option', () => fitUplift(train, { ...base, bogus: 1 } as FitUpliftOptions), 'E_OPTION_UNKNOWN', 'bogus'],
    ['feature is the outcome', () => fitUplift(train, { ...base, features: ['age', 'visit'] }), 'E_OPTION_RANGE', 'features'],
    ['features not names', () => fitUplift(train, { ...base, features: [] }), 'E_OPTION_TYPE', 'features'],
    ['treatment not a name', () => fitUplift(train, { ...base, treatment: '' }), 'E_OPTION_TYPE', 'treatment'],
    ['seed not an integer', () => fitUplift(train, { ...base, seed: 0.5 }), 'E_OPTION_RANGE', 'seed'],
    ['learnerOptions.seed', () => fitUplift(train, { ...base, learnerOptions: { seed: 1 } }), 'E_OPTION_RANGE', 'learnerOptions.seed'],
    ['learnerOptions not an object', () => fitUplift(train, { ...base, learnerOptions: [] as unknown as Record<string, unknown> }), 'E_OPTION_TYPE', 'learnerOptions'],
    ['onProgress not a function', () => fitUplift(train, { ...base, onProgress: 3 as never }), 'E_OPTION_TYPE', 'onProgress'],
    ['signal not a signal', () => fitUplift(train, { ...base, signal: {} as never }), 'E_OPTION_TYPE', 'signal'],
    ['control not a label', () => fitUplift(train, { ...base, control: {} as never }), 'E_OPTION_TYPE', 'control'],
    ['NaN outcome', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, visit: NaN } : c)), base), 'E_NAN', 'visit'],
    ['infinite outcome', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, spend: Infinity } : c)), { ...base, outcome: 'spend' }), 'E_NOT_FINITE', 'spend'],
    ['least squares overflow', () => fitUplift(train.map((c, i) => (i < 8 ? { ...c, spend: 1e308 } : c)), { ...base, outcome: 'spend' }), 'E_OVERFLOW', 'spend'],
    ['continuous outcome beyond ±1e150, gbm too', () => fitUplift(train.map((c, i) => (i === 5 ? { ...c, spend: -2e150 } : c)), { ...base, outcome: 'spend', learner: 'gbm' }), 'E_OVERFLOW', 'spend'],
    ['missing outcome', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, visit: undefined } : c)), base), 'E_MISSING', 'visit'],
    ['text outcome', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, visit: 'yes' } : c)), base), 'E_LABEL', 'visit'],
    ['outcome mixes booleans and numbers', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, visit: true } : c)), base), 'E_MIXED_TYPES', 'visit'],
    ['arm labels of two types', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, arm: 1 } : c)), base), 'E_MIXED_TYPES', 'arm'],
    ['missing arm', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, arm: null } : c)), base), 'E_MISSING', 'arm'],
    ['NaN arm', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, arm: NaN } : c)), base), 'E_NAN', 'arm'],
    ['infinite arm', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, arm: Infinity } : c)), base), 'E_NOT_FINITE', 'arm'],
    ['object arm', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, arm: {} } : c)), base), 'E_LABEL', 'arm'],
    ['feature mixes text and numbers', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, channel: 4 } : c)), base), 'E_MIXED_TYPES', 'channel'],
    ['feature is an object', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, age: {} } : c)), base), 'E_FEATURE_TYPE', 'age'],
    ['infinite feature', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, age: -Infinity } : c)), base), 'E_NOT_FINITE', 'age'],
    ['missing text feature (gbm too)', () => fitUplift(train.map((c, i) => (i === 3 ? { ...c, channel: null } : c)), { ...base, learner: 'gbm' }), 'E_MISSING', 'channel'],
    ['rows not an array', () => fitUplift({} as never, base), 'E_ROWS', 'rows'],
    ['no rows', () => fitUplift([], base), 'E_EMPTY', 'rows'],
    ['a row that is not a record', () => fitUplift([...train.slice(0, 5), 3 as never], base), 'E_ROWS', 'rows'],
    ['predict: text where a number was learned', () => fitUplift(train, base).predict([{ age: '40', engaged: true, channel: 'Web' }]), 'E_FEATURE_TYPE', 'age'],
    ['predict: number where text was learned', () => fitUplift(train, base).predict([{ age: 40, engaged: true, channel: 2 }]), 'E_FEATURE_TYPE', 'channel'],
    ['predict: infinite feature', () => fitUplift(train, base).predictAll([{ age: Infinity, engaged: true, channel: 'Web' }]), 'E_NOT_FINITE', 'age'],
    ['unknown learner option, even where only least squares is fitted', () => fitUplift(train, { ...base, outcome: 'spend', learnerOptions: { nEstimators: 5 } }), 'E_OPTION_UNKNOWN', 'nEstimators'],
    ['learner option refused by the learner', () => fitUplift(train, { ...base, learner: 'gbm', learnerOptions: { maxIter: -1 } }), 'E_OPTION_RANGE', 'maxIter'],
  ];
  for (const [name, f, code, field] of cases) {
    it(name, () => {
      const e = errorOf(f);
      expect(e?.code).toBe(code);
      expect(e?.field).toBe(field);
    });
  }
});

describe('UpliftModel.fromJSON checks every field', () => {
  const good = () => JSON.parse(JSON.stringify(fitUplift(train, { ...base, method: 'x-learner' }).toJSON())) as Record<string, unknown>;
  const bad: [string, (j: Record<string, unknown>) => void, string][] = [
    ['type', (j) => (j.type = 'x'), 'type'],
    ['version', (j) => (j.version = 2), 'version'],
    ['method', (j) => (j.method = 'r-learner'), 'method'],
    ['learner', (j) => (j.learner = 'svm'), 'learner'],
    ['outcomeKind', (j) => (j.outcomeKind = 'count'), 'outcomeKind'],
    ['treatment', (j) => (j.treatment = 3), 'treatment'],
    ['control', (j) => (j.control = null), 'control'],
    ['arms repeat control', (j) => (j.arms = ['none']), 'arms'],
    ['features', (j) => (j.features = []), 'features'],
    ['feature kind', (j) => ((j.features as Record<string, unknown>[])[0]!.kind = 'date'), 'features[0].kind'],
    ['feature levels', (j) => ((j.features as Record<string, unknown>[])[2]!.levels = []), 'features[2].levels'],
    ['models count', (j) => (j.models = (j.models as unknown[]).slice(1)), 'models'],
    ['model of another learner', (j) => ((j.models as Record<string, unknown>[])[0]!.type = 'marksman.RandomForestClassifier'), 'models[0]'],
    ['effect model of the wrong role', (j) => ((j.models as unknown[])[2] = (j.models as unknown[])[0]), 'models[2]'],
    ['propensity', (j) => (j.propensity = [1.5]), 'propensity'],
  ];
  for (const [name, change, field] of bad) {
    it(name, () => {
      const j = good();
      change(j);
      const e = errorOf(() => UpliftModel.fromJSON(j as never));
      expect(e?.code).toBe('E_MODEL_JSON');
      expect(e?.field).toBe(field);
    });
  }
  it('feature names of a base model must match the encoding', () => {
    const j = good();
    (j.features as Record<string, unknown>[])[0]!.name = 'years';
    const e = errorOf(() => UpliftModel.fromJSON(j as never));
    expect([e?.code, e?.field]).toEqual(['E_MODEL_JSON', 'models[0].featureNames']);
  });
});
