// k-anonymity thresholds and differentially private releases: known answers,
// the budget's accounting, and the noise's distribution (its scale checked by
// sample statistics within tolerances that shrink with the number of draws).
import { describe, expect, it } from 'vitest';
import { MarksmanError, StateError } from '@marksman/core';
import { PrivacyBudget, kAnonymize, privateCount, privateMean, privateSum } from '@marksman/metrics';

const errorOf = (f: () => unknown): MarksmanError => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('kAnonymize', () => {
  const audience = Object.freeze(
    [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, zip: '10115', age: '30-39' })),
      ...Array.from({ length: 2 }, (_, i) => ({ id: `b${i}`, zip: '10115', age: '60-69' })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `c${i}`, zip: '80331', age: '30-39' })),
      { id: 'd0', zip: '80331', age: '60-69' },
    ].map((r) => Object.freeze(r)),
  );

  it('suppresses audience cells under k and reports them with their rows', () => {
    const r = kAnonymize(audience, { k: 5, quasiIdentifiers: ['zip', 'age'] });
    expect(r.rows.map((x) => x.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    expect(r.suppressed).toEqual([
      { key: { zip: '10115', age: '60-69' }, size: 2, rows: [6, 7] },
      { key: { zip: '80331', age: '30-39' }, size: 3, rows: [8, 9, 10] },
      { key: { zip: '80331', age: '60-69' }, size: 1, rows: [11] },
    ]);
    expect(r.suppressedPeople).toBe(6);
    expect(r.rows.length + r.suppressedPeople).toBe(audience.length);
    expect(kAnonymize(audience, { k: 1, quasiIdentifiers: ['zip', 'age'] }).rows).toEqual([...audience]);
  });

  it('merges small cells into one generalised cell, or suppresses them when the pool is still under k', () => {
    const m = kAnonymize(audience, { k: 5, quasiIdentifiers: ['zip', 'age'], mode: 'merge' });
    expect(m.rows).toHaveLength(12);
    expect(m.rows.slice(6).every((x) => x.zip === '*' && x.age === '*')).toBe(true);
    expect(m.rows.slice(6).map((x) => x.id)).toEqual(['b0', 'b1', 'c0', 'c1', 'c2', 'd0']);
    expect(m.merged.map((c) => c.size)).toEqual([2, 3, 1]);
    expect(m.suppressed).toEqual([]);
    expect(audience[6]!.zip).toBe('10115'); // inputs untouched
    const still = kAnonymize(audience, { k: 13, quasiIdentifiers: ['zip', 'age'], mode: 'merge' });
    expect(still.rows).toEqual([]);
    expect(still.suppressedPeople).toBe(12);
    // every released combination describes at least k people
    for (const k of [2, 3, 4, 5, 6]) {
      const res = kAnonymize(audience, { k, quasiIdentifiers: ['zip', 'age'], mode: 'merge' });
      const sizes = new Map<string, number>();
      for (const row of res.rows) sizes.set(`${row.zip}|${row.age}`, (sizes.get(`${row.zip}|${row.age}`) ?? 0) + 1);
      for (const size of sizes.values()) expect(size).toBeGreaterThanOrEqual(k);
    }
  });

  it('weights report cells by their count and sums the listed fields of merged cells', () => {
    const report = [
      { region: 'north', customers: 120, revenue: 5000 },
      { region: 'east', customers: 4, revenue: 90 },
      { region: 'west', customers: 3, revenue: 60 },
      { region: 'south', customers: 0, revenue: 0 },
    ];
    const r = kAnonymize(report, { k: 5, quasiIdentifiers: ['region'], count: 'customers', mode: 'merge', sum: ['revenue'] });
    expect(r.rows).toEqual([report[0], { region: '*', customers: 7, revenue: 150 }]);
    expect(r.merged.map((c) => c.key.region)).toEqual(['east', 'west', 'south']);
  });

  it('refuses bad input with typed errors naming the field', () => {
    expect(errorOf(() => kAnonymize(audience, { k: 0, quasiIdentifiers: ['zip'] })).field).toBe('k');
    expect(errorOf(() => kAnonymize(audience, { k: 0.5, quasiIdentifiers: ['zip'] })).code).toBe('E_OPTION_RANGE');
    expect(errorOf(() => kAnonymize(audience, { quasiIdentifiers: ['zip'] } as never)).code).toBe('E_OPTION_MISSING');
    expect(errorOf(() => kAnonymize(audience, { k: 2 } as never)).field).toBe('quasiIdentifiers');
    expect(errorOf(() => kAnonymize(audience, { k: 2, quasiIdentifiers: [] })).code).toBe('E_EMPTY');
    const e = errorOf(() => kAnonymize(audience, { k: 2, quasiIdentifiers: ['zip', 'gender'] }));
    expect([e.code, e.field, e.row]).toEqual(['E_MISSING', 'gender', 0]);
    expect(errorOf(() => kAnonymize([{ zip: { a: 1 } }], { k: 2, quasiIdentifiers: ['zip'] })).code).toBe('E_LABEL');
    expect(errorOf(() => kAnonymize([{ zip: 'x', n: -1 }], { k: 2, quasiIdentifiers: ['zip'], count: 'n' })).code).toBe('E_RANGE');
    expect(errorOf(() => kAnonymize([null as never], { k: 2, quasiIdentifiers: ['zip'] })).code).toBe('E_INPUT');
    expect(errorOf(() => kAnonymize(audience, { k: 2, quasiIdentifiers: ['zip'], mode: 'blur' as never })).code).toBe('E_OPTION_VALUE');
  });
});

describe('PrivacyBudget', () => {
  it('charges releases, refuses to overspend without changing anything, and keeps a ledger', () => {
    const b = new PrivacyBudget({ epsilon: 1, delta: 1e-6, seed: 1 });
    for (let i = 0; i < 10; i++) b.spend(0.1, 0, `q${i}`);
    expect(b.remaining().epsilon).toBeCloseTo(0, 12);
    const e = errorOf(() => b.spend(0.01));
    expect(e).toBeInstanceOf(StateError);
    expect([e.code, e.field]).toEqual(['E_BUDGET_EXCEEDED', 'epsilon']);
    expect(b.ledger()).toHaveLength(10);
    const d = new PrivacyBudget({ epsilon: 1, delta: 1e-6, seed: 1 });
    expect(errorOf(() => d.spend(0.5, 2e-6)).field).toBe('delta');
    expect(d.spent()).toEqual({ epsilon: 0, delta: 0 });
    expect(d.total()).toEqual({ epsilon: 1, delta: 1e-6 });
  });

  it('refuses a release that would overspend before drawing noise: the next release is the same as without it', () => {
    const a = new PrivacyBudget({ epsilon: 1, seed: 9 });
    const b = new PrivacyBudget({ epsilon: 1, seed: 9 });
    expect(errorOf(() => privateCount(10, a, { epsilon: 2 })).code).toBe('E_BUDGET_EXCEEDED');
    expect(privateCount(10, a, { epsilon: 0.5 })).toEqual(privateCount(10, b, { epsilon: 0.5 }));
    expect(privateCount(10, new PrivacyBudget({ epsilon: 1, seed: 10 }), { epsilon: 0.5 }).value).not.toBe(privateCount(10, b, { epsilon: 0.5 }).value);
  });

  it('refuses bad budgets: ε ≤ 0, δ outside [0, 1), no seed', () => {
    expect(errorOf(() => new PrivacyBudget({ epsilon: 0, seed: 1 })).field).toBe('epsilon');
    expect(errorOf(() => new PrivacyBudget({ epsilon: -1, seed: 1 })).code).toBe('E_OPTION_RANGE');
    expect(errorOf(() => new PrivacyBudget({ epsilon: 1, delta: 1, seed: 1 })).field).toBe('delta');
    expect(errorOf(() => new PrivacyBudget({ epsilon: 1 } as never)).code).toBe('E_OPTION_MISSING');
    expect(errorOf(() => new PrivacyBudget({ epsilon: 1, seed: 1.5 })).code).toBe('E_SEED');
    expect(errorOf(() => new PrivacyBudget({ epsilon: 1, seed: 1 }).spend(0)).field).toBe('epsilon');
  });
});

/** Noise of `draws` releases from one large budget. */
function noise(draws: number, release: (b: PrivacyBudget) => number): Float64Array {
  const b = new PrivacyBudget({ epsilon: 1e9, delta: 0.5, seed: 2024 });
  return Float64Array.from({ length: draws }, () => release(b));
}
const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
const variance = (x: Float64Array) => {
  const m = mean(x);
  return x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
};

describe('differentially private releases', () => {
  const N = 4000;

  it('Laplace count noise has scale b = 1/ε: E|noise| = b, Var = 2b², mean 0 (within 4 standard errors)', () => {
    const eps = 0.5;
    const b = 1 / eps;
    const x = noise(N, (budget) => privateCount(1000, budget, { epsilon: eps }).value - 1000);
    const abs = Float64Array.from(x, Math.abs);
    expect(Math.abs(mean(abs) - b)).toBeLessThan((4 * b) / Math.sqrt(N)); // |Lap(b)| ~ Exp(1/b): sd b
    expect(Math.abs(mean(x))).toBeLessThan((4 * b * Math.SQRT2) / Math.sqrt(N));
    // Var(s²) ≈ (μ₄ − σ⁴)/n with μ₄ = 24b⁴, σ² = 2b²
    expect(Math.abs(variance(x) - 2 * b * b)).toBeLessThan(4 * Math.sqrt((24 - 4) / N) * b * b);
  });

  it('Gaussian noise has σ = Δ·√(2 ln(1.25/δ))/ε (classic calibration): (n − 1)s²/σ² within the chi-square bounds', () => {
    const [eps, delta] = [0.8, 1e-5];
    const sigma = (50 * Math.sqrt(2 * Math.log(1.25 / delta))) / eps;
    const values = [10, 20, 50, 0];
    const first = privateSum(values, new PrivacyBudget({ epsilon: 1, delta: 1e-4, seed: 1 }), { epsilon: eps, delta, mechanism: 'gaussian', lower: 0, upper: 50 });
    expect(first.scale).toBeCloseTo(sigma, 10);
    expect(first.sensitivity).toBe(50);
    const x = noise(N, (b) => privateSum(values, b, { epsilon: eps, delta, mechanism: 'gaussian', lower: 0, upper: 50 }).value - 80);
    const chi2 = ((N - 1) * variance(x)) / (sigma * sigma);
    // χ²(N − 1) has mean N − 1 and sd √(2(N − 1))
    expect(Math.abs(chi2 - (N - 1))).toBeLessThan(4 * Math.sqrt(2 * (N - 1)));
    expect(Math.abs(mean(x))).toBeLessThan((4 * sigma) / Math.sqrt(N));
  });

  it('Laplace sum noise scales with the bound: b = max(|lower|, |upper|)/ε', () => {
    const x = noise(N, (b) => privateSum([-3, 4], b, { epsilon: 2, lower: -10, upper: 5 }).value - 1);
    const b = 10 / 2;
    expect(Math.abs(mean(Float64Array.from(x, Math.abs)) - b)).toBeLessThan((4 * b) / Math.sqrt(N));
  });

  it('private means stay within the bounds and centre on the true mean', () => {
    const values = Array.from({ length: 2000 }, (_, i) => i % 100);
    const x = noise(400, (b) => privateMean(values, b, { epsilon: 1, lower: 0, upper: 100 }).value);
    for (const v of x) expect(v >= 0 && v <= 100).toBe(true);
    expect(Math.abs(mean(x) - 49.5)).toBeLessThan(0.2);
    const budget = new PrivacyBudget({ epsilon: 1, delta: 1e-5, seed: 4 });
    privateMean(values, budget, { epsilon: 1, delta: 1e-5, mechanism: 'gaussian', lower: 0, upper: 100, label: 'mean spend' });
    expect(budget.ledger()).toEqual([{ epsilon: 1, delta: 1e-5, label: 'mean spend' }]);
  });

  it('refuses bad releases with typed errors naming the field, and spends nothing', () => {
    const b = new PrivacyBudget({ epsilon: 5, delta: 1e-5, seed: 1 });
    expect(errorOf(() => privateCount(5, b, { epsilon: 0 })).field).toBe('epsilon');
    expect(errorOf(() => privateCount(5, b, { epsilon: -1 })).code).toBe('E_OPTION_RANGE');
    expect(errorOf(() => privateCount(5, b, {} as never)).code).toBe('E_OPTION_MISSING');
    expect(errorOf(() => privateCount(5, b, { epsilon: 1.5, delta: 1e-6, mechanism: 'gaussian' })).field).toBe('epsilon');
    expect(errorOf(() => privateCount(5, b, { epsilon: 0.5, mechanism: 'gaussian' })).field).toBe('delta');
    expect(errorOf(() => privateCount(5, b, { epsilon: 0.5, delta: 1e-6 })).code).toBe('E_OPTION_CONFLICT');
    expect(errorOf(() => privateCount(2.5, b, { epsilon: 0.5 })).code).toBe('E_RANGE');
    expect(errorOf(() => privateCount(5, {} as never, { epsilon: 0.5 })).field).toBe('budget');
    const e = errorOf(() => privateSum([1, 200], b, { epsilon: 0.5, lower: 0, upper: 100 }));
    expect([e.code, e.field, e.row]).toEqual(['E_RANGE', 'values', 1]);
    expect(errorOf(() => privateSum([1], b, { epsilon: 0.5, lower: 5, upper: 5 })).field).toBe('upper');
    expect(errorOf(() => privateMean([1], b, { epsilon: 0.5, upper: 5 } as never)).field).toBe('lower');
    expect(errorOf(() => privateMean([1], b, { epsilon: 2.5, delta: 1e-6, mechanism: 'gaussian', lower: 0, upper: 5 })).field).toBe('epsilon');
    expect(b.spent()).toEqual({ epsilon: 0, delta: 0 });
    // clamping is opt-in
    expect(privateSum([1, 200], b, { epsilon: 0.5, lower: 0, upper: 100, clamp: true }).sensitivity).toBe(100);
  });
});
