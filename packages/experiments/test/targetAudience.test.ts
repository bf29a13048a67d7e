import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import type { SimulatedShop } from '@marksman/datasets';
import { targetAudience } from '@marksman/experiments';
import type { UpliftScorer } from '@marksman/experiments';
import { codeOf, errorOf } from './helpers';

type Rec = Record<string, unknown>;

/** A scorer that reads the uplift from a field (stands for a fitted model). */
const fieldScorer = (field: string): UpliftScorer => ({ predict: (rows) => Float64Array.from(rows, (r) => r[field] as number) });

const freezeRows = <T extends object>(rows: T[]): readonly T[] => Object.freeze(rows.map((r) => Object.freeze({ ...r })));

const CUSTOMERS = freezeRows([
  { customerId: 'a', u: 0.3, clv: 10, band: 'young' },
  { customerId: 'b', u: 0.02, clv: 100, band: 'young' },
  { customerId: 'c', u: 0.12, clv: 20, band: 'old' },
  { customerId: 'd', u: -0.05, clv: 50, band: 'old' },
  { customerId: 'e', u: 0.08, clv: 5, band: 'old' },
]);

describe('targetAudience: the decision', () => {
  it('hand-computed case: ranks by uplift × value − cost, stops where contacts lose money', () => {
    // gains at value 20, cost 1: a 5, b −0.6, c 1.4, d −2, e 0.6
    const t = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20 });
    expect(t.ids).toEqual(['a', 'c', 'e']);
    expect(Array.from(t.selected)).toEqual([0, 2, 4]);
    expect(t.limitedBy).toBe('profit');
    expect(t.capacity).toBe(5);
    expect(t.spend).toBe(3);
    expect(t.cutoff).toBeCloseTo(0.6, 12);
    expect(t.predicted.incrementalConversions).toBeCloseTo(0.5, 12);
    expect(t.predicted.incrementalValue).toBeCloseTo(10, 12);
    expect(t.predicted.incrementalProfit).toBeCloseTo(7, 12);
    expect(Array.from(t.profitCurve, (v) => +v.toFixed(10))).toEqual([0, 5, 6.4, 7, 6.4, 4.4]);
    expect(Array.from(t.conversionsCurve, (v) => +v.toFixed(10))).toEqual([0, 0.3, 0.42, 0.5, 0.52, 0.47]);
    expect(t.breakEven).toEqual({ uplift: 0.05, contacts: 5, costPerContact: 10 / 3 });
    expect(Array.from(t.expectedGain, (v) => +v.toFixed(10))).toEqual([5, -0.6, 1.4, -2, 0.6]);
    expect(t.estimate).toBeNull();
    expect(t.fairness).toBeNull();
  });

  it('a budget or maxContacts caps the audience at its best customers', () => {
    const b = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20, budget: 2.5 });
    expect([b.ids, b.capacity, b.limitedBy, b.spend]).toEqual([['a', 'c'], 2, 'budget', 2]);
    // 0.3 / 0.1 is 2.9999999999999996 in doubles: still three contacts
    expect(targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 0.1, valuePerConversion: 20, budget: 0.3 }).contacts).toBe(3);
    const m = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20, budget: 100, maxContacts: 1 });
    expect([m.ids, m.limitedBy]).toEqual([['a'], 'maxContacts']);
    // free contacts with a budget: contact every customer with a positive uplift
    const f = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 0, valuePerConversion: 20, budget: 0 });
    expect(f.ids).toEqual(['a', 'c', 'e', 'b']);
    // a cost no customer repays: nobody is contacted, the campaign breaks even at 0 contacts
    const none = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 10, valuePerConversion: 20 });
    expect([none.contacts, none.ids, none.cutoff, none.breakEven.contacts, none.breakEven.costPerContact]).toEqual([0, [], null, 0, null]);
  });

  it('per-customer values (valueField, e.g. CLV) change the ranking', () => {
    // gains at cost 1: a 2, b 1, c 1.4, d −3.5, e −0.6
    const t = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valueField: 'clv' });
    expect(t.ids).toEqual(['a', 'c', 'b']);
    expect(t.predicted.incrementalProfit).toBeCloseTo(4.4, 12);
    expect(t.breakEven.uplift).toBeNull();
    expect(t.breakEven.costPerContact).toBeCloseTo(7.4 / 3, 12);
  });

  it('the chosen audience is the most profitable subset within the capacity (brute force)', () => {
    const rng = new Random(5);
    for (let rep = 0; rep < 30; rep++) {
      const n = 8;
      const rows = Array.from({ length: n }, (_, i) => ({ customerId: i, u: rng.uniform(-0.2, 0.4), clv: rng.uniform(1, 30) }));
      const cost = rng.uniform(0.5, 3);
      const maxContacts = 1 + rng.int(n);
      const t = targetAudience(fieldScorer('u'), rows, { costPerContact: cost, valueField: 'clv', maxContacts });
      let best = 0;
      for (let mask = 0; mask < 1 << n; mask++) {
        let size = 0;
        let profit = 0;
        for (let i = 0; i < n; i++) {
          if (mask & (1 << i)) {
            size++;
            profit += rows[i]!.u * rows[i]!.clv - cost;
          }
        }
        if (size <= maxContacts && profit > best) best = profit;
      }
      expect(t.predicted.incrementalProfit).toBeCloseTo(best, 9);
    }
  });

  it('precomputed scores give the same decision as the model; ids can be left out', () => {
    const scores = CUSTOMERS.map((r) => r.u);
    const a = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20 });
    const b = targetAudience(Float64Array.from(scores), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20, idField: null });
    expect(Array.from(b.selected)).toEqual(Array.from(a.selected));
    expect(b.ids).toBeNull();
  });
});

describe('targetAudience: measured gains on a randomised hold-out', () => {
  it("the uplift interval is Newcombe's hybrid score interval (published values)", () => {
    // Newcombe (1998), Statistics in Medicine 17: 873–890, Table II: 56/70 − 48/80 → [0.0524, 0.3339].
    const rows: Rec[] = [];
    for (let i = 0; i < 70; i++) rows.push({ s: 0.5, treatment: 1, outcome: i < 56 ? 1 : 0 });
    for (let i = 0; i < 80; i++) rows.push({ s: 0.5, treatment: 0, outcome: i < 48 ? 1 : 0 });
    const t = targetAudience(fieldScorer('s'), [{ customerId: 1, s: 0.5 }], { costPerContact: 1, valuePerConversion: 10, evaluation: { rows } });
    const e = t.estimate!;
    expect([e.treated, e.control, e.treatedConversions, e.controlConversions]).toEqual([70, 80, 56, 48]);
    expect(e.upliftPerContact.value).toBeCloseTo(0.2, 12);
    expect(e.upliftPerContact.lower).toBeCloseTo(0.0524, 4);
    expect(e.upliftPerContact.upper).toBeCloseTo(0.3339, 4);
    // one contact, no spread: conversions = the uplift; profit = 10 × that − 1
    expect(e.incrementalConversions).toEqual(e.upliftPerContact);
    expect(e.incrementalProfit.lower).toBeCloseTo(10 * 0.0524 - 1, 3);
    expect(e.profitMethod).toBe('newcombe');
    // Table II, 5/56 − 0/29 → [−0.0381, 0.1926]
    const rows2: Rec[] = [];
    for (let i = 0; i < 56; i++) rows2.push({ s: 0.5, treatment: true, outcome: i < 5 ? 1 : 0 });
    for (let i = 0; i < 29; i++) rows2.push({ s: 0.5, treatment: false, outcome: 0 });
    const e2 = targetAudience(fieldScorer('s'), [{ customerId: 1, s: 0.5 }], { costPerContact: 1, valuePerConversion: 10, evaluation: { rows: rows2 } }).estimate!;
    expect(e2.upliftPerContact.lower).toBeCloseTo(-0.0381, 4);
    expect(e2.upliftPerContact.upper).toBeCloseTo(0.1926, 4);
  });

  it('only evaluation rows the rule would contact enter the estimate', () => {
    const rows: Rec[] = [
      { s: 0.3, treatment: 1, outcome: 1 },
      { s: 0.3, treatment: 0, outcome: 0 },
      { s: 0.3, treatment: 1, outcome: 0 },
      { s: 0.01, treatment: 1, outcome: 1 }, // below the cut-off: left out
      { s: 0.01, treatment: 0, outcome: 1 },
    ];
    const t = targetAudience(fieldScorer('s'), [{ customerId: 'x', s: 0.3 }, { customerId: 'y', s: 0.01 }], { costPerContact: 1, valuePerConversion: 10, evaluation: Object.freeze({ rows: freezeRows(rows) }) });
    expect(t.ids).toEqual(['x']);
    expect(t.estimate).toMatchObject({ rows: 3, treated: 2, control: 1, treatedConversions: 1, controlConversions: 0 });
    // a rule that selects no control row has nothing to compare with
    const noControl = rows.filter((r) => !(r.s === 0.3 && r.treatment === 0));
    expect(targetAudience(fieldScorer('s'), [{ customerId: 'x', s: 0.3 }], { costPerContact: 1, valuePerConversion: 10, evaluation: { rows: noControl } }).estimate).toBeNull();
  });

  it('the interval covers the true incremental conversions and profit in about 95% of simulated campaigns', () => {
    // Each replicate: fresh customers with known effects τ = 0.15·x − 0.02, a model that is noisy and
    // overconfident (1.5 τ + noise), and a fresh randomised hold-out. Target: Σ τ over the chosen audience.
    const reps = 200;
    let hitConv = 0;
    let hitProfit = 0;
    let hitValueProfit = 0;
    const rng = new Random(2024);
    for (let rep = 0; rep < reps; rep++) {
      const make = (n: number) =>
        Array.from({ length: n }, () => {
          const x = rng.next();
          const tau = 0.15 * x - 0.02;
          return { x, tau, score: Math.max(-1, Math.min(1, 1.5 * tau + rng.normal(0, 0.03))), clv: 5 + 30 * rng.next() };
        });
      const customers = make(500);
      const ev = make(1200).map((r) => {
        const treatment = rng.bernoulli(0.5) ? 1 : 0;
        const p = 0.1 + 0.1 * r.x + treatment * r.tau;
        return { ...r, treatment, outcome: rng.bernoulli(p) ? 1 : 0 };
      });
      const model = fieldScorer('score');
      const t = targetAudience(model, customers, { costPerContact: 1, valuePerConversion: 20, idField: null, evaluation: { rows: ev } });
      let truth = 0;
      for (const i of t.selected) truth += customers[i]!.tau;
      const e = t.estimate!;
      if (e.incrementalConversions.lower <= truth && truth <= e.incrementalConversions.upper) hitConv++;
      const profit = 20 * truth - t.spend;
      if (e.incrementalProfit.lower <= profit && profit <= e.incrementalProfit.upper) hitProfit++;
      const tv = targetAudience(model, customers, { costPerContact: 1, valueField: 'clv', idField: null, evaluation: { rows: ev } });
      let valueTruth = -tv.spend;
      for (const i of tv.selected) valueTruth += customers[i]!.tau * customers[i]!.clv;
      const ev2 = tv.estimate!;
      expect(ev2.profitMethod).toBe('wald');
      if (ev2.incrementalProfit.lower <= valueTruth && valueTruth <= ev2.incrementalProfit.upper) hitValueProfit++;
    }
    // 200 replicates: a binomial standard error of 1.5 points around 95%.
    for (const hits of [hitConv, hitProfit, hitValueProfit]) {
      expect(hits / reps).toBeGreaterThan(0.9);
      expect(hits / reps).toBeLessThan(0.995);
    }
  });
});

describe('targetAudience on the simulated shop (true effects known)', () => {
  let shop: SimulatedShop;
  beforeAll(() => {
    shop = simulateShop({ seed: 3, customers: 4000, items: 50, interactions: false });
  });

  it('the measured interval covers the chosen audience’s true incremental conversions across hold-out splits', () => {
    const tau = shop.truth.treatmentEffects.conversion[1]!;
    const index = new Map(shop.customers.map((c, i) => [c.customerId, i]));
    const eligible = shop.campaign.outcomes.map((o, j) => ({ ...o, arm: shop.campaign.assignments[j]!.armIndex }));
    // The model: the true effect with multiplicative noise, read by customer id.
    const noise = new Random(9);
    const scoreOf = new Float64Array(tau.length);
    for (let i = 0; i < tau.length; i++) scoreOf[i] = Math.min(1, (tau[i] as number) * Math.exp(noise.normal(0, 0.3)));
    const model: UpliftScorer = { predict: (rows) => Float64Array.from(rows, (r) => scoreOf[index.get(r.customerId as string)!]!) };
    let hits = 0;
    const splits = 40;
    for (let s = 0; s < splits; s++) {
      const rng = new Random(100 + s);
      const customers: Rec[] = [];
      const evaluation: Rec[] = [];
      for (const o of eligible) {
        if (rng.bernoulli(0.5)) customers.push({ customerId: o.customerId });
        else if (o.arm !== 2) evaluation.push({ customerId: o.customerId, treatment: o.arm === 1 ? 1 : 0, outcome: o.converted });
      }
      const t = targetAudience(model, customers, { costPerContact: 1, valuePerConversion: 20, evaluation: { rows: evaluation } });
      expect(t.contacts).toBeGreaterThan(100);
      let truth = 0;
      for (const i of t.selected) truth += tau[index.get(customers[i]!.customerId as string)!]!;
      const e = t.estimate!.incrementalConversions;
      if (e.lower <= truth && truth <= e.upper) hits++;
    }
    expect(hits / splits).toBeGreaterThanOrEqual(0.85);
  });
});

describe('targetAudience: fairness of the decision by a protected attribute', () => {
  it('hand-computed selection rates, disparate impact and outcome rates per group', () => {
    const evaluation = [
      { u: 0.3, band: 'young', treatment: 1, outcome: 1 },
      { u: 0.3, band: 'young', treatment: 0, outcome: 0 },
      { u: 0.3, band: 'old', treatment: 1, outcome: 1 },
      { u: 0.3, band: 'old', treatment: 1, outcome: 0 },
      { u: 0.3, band: 'old', treatment: 0, outcome: 1 },
      { u: 0.0, band: 'old', treatment: 1, outcome: 1 }, // converted, not selected: lowers old's TPR
    ];
    const t = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20, protectedAttribute: 'band', evaluation: { rows: evaluation } });
    const f = t.fairness!;
    expect(f.attribute).toBe('band');
    // selected a (young), c and e (old): young 1/2, old 2/3
    expect(f.groups.map((g) => [g.group, g.customers, g.selected])).toEqual([['old', 3, 2], ['young', 2, 1]]);
    expect(f.groups[0]!.selectionRate.value).toBeCloseTo(2 / 3, 12);
    expect(f.groups[0]!.selectionRate.method).toBe('wilson');
    expect(f.disparateImpact).toBeCloseTo(0.5 / (2 / 3), 12);
    expect(f.parityDifference).toBeCloseTo(2 / 3 - 0.5, 12);
    const old = f.groups[0]!.outcomes!;
    expect(old).toMatchObject({ rows: 4, selected: 3, selectedTreated: 2, selectedControl: 1, treatedRate: 0.5, controlRate: 1, truePositiveRate: 0.5 });
    expect(old.uplift!.value).toBeCloseTo(-0.5, 12);
    const young = f.groups[1]!.outcomes!;
    expect(young).toMatchObject({ rows: 2, selected: 2, treatedRate: 1, controlRate: 0, truePositiveRate: 1 });
    expect(f.equalOpportunityDifference).toBeCloseTo(0.5, 12);
    // without an evaluation set: selection rates only
    const bare = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 1, valuePerConversion: 20, protectedAttribute: 'band' }).fairness!;
    expect(bare.groups.every((g) => g.outcomes === null)).toBe(true);
    expect(bare.equalOpportunityDifference).toBeNull();
    // nobody selected: parity 0, disparate impact undefined (null)
    const none = targetAudience(fieldScorer('u'), CUSTOMERS, { costPerContact: 100, valuePerConversion: 20, protectedAttribute: 'band' }).fairness!;
    expect([none.parityDifference, none.disparateImpact]).toEqual([0, null]);
  });
});

describe('targetAudience: bad input gets typed errors naming the field', () => {
  const ok = { costPerContact: 1, valuePerConversion: 20 };
  const m = fieldScorer('u');
  const field = (f: () => unknown) => {
    const e = errorOf(f);
    return e === null ? 'no error' : `${e.code} ${e.field ?? ''}${e.row === undefined ? '' : `@${e.row}`}`;
  };
  it('budgets, costs, values and options', () => {
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, budget: 0.5 }))).toBe('E_BUDGET budget');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, budget: -1 }))).toBe('E_OPTION_RANGE budget');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, costPerContact: -0.01 }))).toBe('E_OPTION_RANGE costPerContact');
    expect(field(() => targetAudience(m, CUSTOMERS, { valuePerConversion: 20 }))).toBe('E_OPTION_MISSING costPerContact');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, costPerContact: '1' as never }))).toBe('E_OPTION_TYPE costPerContact');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, valuePerConversion: 0 }))).toBe('E_OPTION_RANGE valuePerConversion');
    expect(field(() => targetAudience(m, CUSTOMERS, { costPerContact: 1 }))).toBe('E_OPTION_MISSING valuePerConversion, valueField');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, valueField: 'clv' }))).toBe('E_OPTION_CONFLICT valuePerConversion');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, maxContacts: 0 }))).toBe('E_OPTION_RANGE maxContacts');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, maxContacts: 2.5 }))).toBe('E_OPTION_RANGE maxContacts');
    // ε-like misuse: a confidence of 0 or 1 (or 95 meant as a percentage)
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, confidence: 95 }))).toBe('E_OPTION_RANGE confidence');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, idField: '' }))).toBe('E_OPTION_TYPE idField');
    expect(field(() => targetAudience(m, CUSTOMERS, { ...ok, budgte: 5 } as never))).toBe('E_OPTION_UNKNOWN budgte');
    expect(field(() => targetAudience(m, CUSTOMERS, { costPerContact: 1e300, valuePerConversion: 1, idField: null }))).toBe('no error');
    expect(field(() => targetAudience(m, Array.from({ length: 5 }, (_, i) => ({ u: 0, i })), { costPerContact: 1e308, valuePerConversion: 1, idField: null }))).toBe('E_OVERFLOW costPerContact');
  });
  it('scores, models and records', () => {
    expect(field(() => targetAudience([0.1, NaN, 0, 0, 0], CUSTOMERS, ok))).toBe('E_NAN model@1');
    expect(field(() => targetAudience([0.1, 0, 0, 0], CUSTOMERS, ok))).toBe('E_LENGTH model');
    expect(field(() => targetAudience([0.1, 2, 0, 0, 0], CUSTOMERS, ok))).toBe('E_RANGE model@1');
    expect(field(() => targetAudience({ predict: () => new Float64Array(5).fill(NaN) }, CUSTOMERS, ok))).toBe('E_NAN model@0');
    expect(field(() => targetAudience({ predict: 1 } as never, CUSTOMERS, ok))).toBe('E_INPUT model.predict');
    expect(field(() => targetAudience(null as never, CUSTOMERS, ok))).toBe('E_INPUT model');
    expect(field(() => targetAudience(m, [], ok))).toBe('E_EMPTY customers');
    expect(field(() => targetAudience(m, [null] as never, ok))).toBe('E_INPUT customers@0');
    expect(field(() => targetAudience(m, [{ customerId: 'a', u: 0 }, { customerId: 'a', u: 0 }], ok))).toBe('E_DUPLICATE customerId@1');
    expect(field(() => targetAudience(m, [{ u: 0 }], ok))).toBe('E_MISSING customerId@0');
    expect(field(() => targetAudience(m, [{ customerId: NaN, u: 0 }], ok))).toBe('E_ID_TYPE customerId@0');
    expect(field(() => targetAudience(m, [{ customerId: 1, u: 0, clv: -3 }], { costPerContact: 1, valueField: 'clv' }))).toBe('E_RANGE clv@0');
    expect(field(() => targetAudience(m, [{ customerId: 1, u: 0, clv: NaN }], { costPerContact: 1, valueField: 'clv' }))).toBe('E_NAN clv@0');
    expect(field(() => targetAudience(m, [{ customerId: 1, u: 0, clv: '3' }], { costPerContact: 1, valueField: 'clv' }))).toBe('E_TYPE clv@0');
    expect(field(() => targetAudience(m, [{ customerId: 1, u: 0 }], { ...ok, protectedAttribute: 'band' }))).toBe('E_MISSING band@0');
    expect(field(() => targetAudience(m, [{ customerId: 1, u: 0, band: {} }], { ...ok, protectedAttribute: 'band' }))).toBe('E_LABEL band@0');
  });
  it('evaluation sets', () => {
    const rows = [{ u: 0.2, treatment: 1, outcome: 1 }, { u: 0.2, treatment: 0, outcome: 0 }];
    const one = (evaluation: unknown) => field(() => targetAudience(m, CUSTOMERS, { ...ok, evaluation: evaluation as never }));
    expect(one({ rows: rows.map((r) => ({ ...r, treatment: 1 })) })).toBe('E_ONE_ARM treatment');
    expect(one({ rows: [{ ...rows[0], treatment: 'yes' }, rows[1]] })).toBe('E_LABEL treatment@0');
    expect(one({ rows: [rows[0], { ...rows[1], outcome: 3 }] })).toBe('E_LABEL outcome@1');
    expect(one({ rows: [{ u: 0.2, outcome: 1 }, rows[1]] })).toBe('E_MISSING treatment@0');
    expect(one({ rows: rows.map((r) => ({ ...r, arm: r.treatment })), treatment: 'arm' })).toBe('no error');
    expect(one({ rows, scores: [0.2, 0.2] })).toBe('E_OPTION_CONFLICT evaluation.scores');
    expect(one({ rows, weights: [1, 1] })).toBe('E_OPTION_UNKNOWN evaluation.weights');
    expect(one([])).toBe('E_OPTION_TYPE evaluation');
    expect(one({ rows: [] })).toBe('E_EMPTY evaluation.rows');
    const scores = CUSTOMERS.map((r) => r.u);
    expect(field(() => targetAudience(scores, CUSTOMERS, { ...ok, evaluation: { rows } }))).toBe('E_OPTION_MISSING evaluation.scores');
    expect(field(() => targetAudience(scores, CUSTOMERS, { ...ok, evaluation: { rows, scores: [0.2] } }))).toBe('E_LENGTH evaluation.scores');
    expect(field(() => targetAudience(scores, CUSTOMERS, { ...ok, evaluation: { rows, scores: [0.2, NaN] } }))).toBe('E_NAN evaluation.scores@1');
    expect(codeOf(() => targetAudience(scores, CUSTOMERS, { ...ok, evaluation: { rows, scores: [0.2, 0.2] } }))).toBe('no error');
  });
});
