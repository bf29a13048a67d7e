import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { BgBbModel, clvIntervals, fitBgBb, summarizeForClv } from '@marksman/profiling';
import reference from './fixtures/clv-models-reference.json';

const ref = reference.bgBb;
// Fader, Hardie & Shang (2010): 11,104 donors, six annual opportunities; one row per donor.
const donors = Object.freeze(ref.donations.flatMap(([frequency, recency, n, count]) => Array.from({ length: count! }, () => ({ frequency: frequency!, recency: recency!, T: n! }))));
const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MarksmanError) return `${e.name}:${e.code}`;
    throw e;
  }
  return undefined;
}

describe('fitBgBb on the donation data of Fader, Hardie & Shang (2010)', () => {
  const m = fitBgBb(donors);
  it('reproduces the published estimates α 1.204, β 0.750, γ 0.657, δ 2.783 and LL −33,225.6, and scipy to 1e-4', () => {
    expect(m.converged).toBe(true);
    expect(donors.length).toBe(11104);
    const published = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      expect(Math.abs(m.params[k] - published[k])).toBeLessThan(1e-3);
      expect(rel(m.params[k], ref.fit.params[k])).toBeLessThan(1e-4);
    }
    expect(m.logLikelihood).toBeCloseTo(-33225.6, 1);
    expect(m.opportunitiesPerUnit).toBe(1);
    expect(m.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });
  it("reproduces Table 6's P(alive in 2002) (0.11, 0.59, 0.93) and the paper's spreadsheet totals", () => {
    const fitted = new BgBbModel(ref.fit.params);
    ref.donations.forEach(([frequency, recency, n], i) => {
      const c = { frequency: frequency!, recency: recency!, T: n! };
      expect(fitted.probabilityAlive(c)).toBeCloseTo(ref.probabilityAliveNext[i]!, 10);
      expect(rel(fitted.conditionalExpectedPurchases(5, c), ref.conditionalExpectedPurchases5[i]!)).toBeLessThan(1e-10);
    });
    expect(fitted.probabilityAlive({ frequency: 0, recency: 0, T: 6 }).toFixed(2)).toBe('0.11');
    expect(fitted.probabilityAlive({ frequency: 2, recency: 4, T: 6 }).toFixed(2)).toBe('0.59');
    expect(fitted.probabilityAlive({ frequency: 6, recency: 6, T: 6 }).toFixed(2)).toBe('0.93');
    // Expected donations 2002–2006 of the whole cohort: 12,884.2 in Hardie's BG/BB spreadsheet.
    const total = ref.donations.reduce((s, [x, tx, n, w]) => s + w! * fitted.conditionalExpectedPurchases(5, { frequency: x!, recency: tx!, T: n! }), 0);
    expect(total).toBeCloseTo(12884.2, 0);
    // Donors expected to give 0 and 6 times in 1996–2001: 3,454.9 and 1,253.1.
    expect(11104 * fitted.probabilityOfPurchases(0, 6)).toBeCloseTo(3454.9, 0);
    expect(11104 * fitted.probabilityOfPurchases(6, 6)).toBeCloseTo(1253.1, 0);
    ref.probabilityOfPurchases6.forEach((p, x) => expect(fitted.probabilityOfPurchases(x, 6)).toBeCloseTo(p, 12));
    ref.expectedPurchases.forEach((e, i) => expect(rel(fitted.expectedPurchases(i + 1), e)).toBeLessThan(1e-10));
    let sum = 0;
    for (let x = 0; x <= 6; x++) sum += fitted.probabilityOfPurchases(x, 6);
    expect(sum).toBeCloseTo(1, 12);
    expect(fitted.probabilityOfPurchases(7, 6)).toBe(0);
  });
  it('γ = 1 exactly (where the closed form divides by γ − 1) agrees with its neighbours', () => {
    const at = (gamma: number): number => new BgBbModel({ alpha: 1.2, beta: 0.75, gamma, delta: 2.8 }).conditionalExpectedPurchases(5, { frequency: 2, recency: 4, T: 6 });
    expect(Math.abs(at(1) - (at(1 - 1e-5) + at(1 + 1e-5)) / 2)).toBeLessThan(1e-8);
    const e = (gamma: number): number => new BgBbModel({ alpha: 1.2, beta: 0.75, gamma, delta: 2.8 }).expectedPurchases(10);
    expect(Math.abs(e(1) - e(1 + 1e-7))).toBeLessThan(1e-6);
  });
});

describe('BG/BB on a summary: one opportunity per day', () => {
  const day = (d: number): number => Date.UTC(2024, 0, 1) + d * 86_400_000;
  const lines = [0, 3, 9, 20, 2, 30, 5, 6, 14, 28, 1, 40, 41].map((d, i) => ({ customerId: i % 4, orderId: i, timestamp: day(d), quantity: 1, amount: 5 }));
  it('reads a weekly summary in days, predicts in weeks; intervals and JSON work', () => {
    const summary = summarizeForClv(lines, { asOf: day(60), timeUnit: 'week' });
    const m = fitBgBb(summary);
    expect(m.timeUnit).toBe('week');
    expect(m.opportunitiesPerUnit).toBe(7);
    const c = summary.rows[0]!;
    // Two weeks ahead are 14 daily opportunities; a fraction of a day adds none.
    expect(m.conditionalExpectedPurchases(2, c)).toBeCloseTo(m.conditionalExpectedPurchases(2 + 0.1 / 7, c), 14);
    expect(m.conditionalExpectedPurchases(2, c)).toBeLessThan(m.conditionalExpectedPurchases(2 + 1 / 7, c));
    const back = BgBbModel.fromJSON(JSON.parse(JSON.stringify(m)) as ReturnType<BgBbModel['toJSON']>);
    expect(back.opportunitiesPerUnit).toBe(7);
    expect(back.conditionalExpectedPurchases(3, c)).toBe(m.conditionalExpectedPurchases(3, c));
    if (m.fit!.covariance !== null) expect(clvIntervals(summary, { purchaseModel: m, horizon: 4, draws: 30 }).method).toMatch(/BG\/BB/);
  });
  it('refuses histories that are not whole opportunities and bad options', () => {
    expect(codeOf(() => fitBgBb([{ frequency: 1, recency: 1.5, T: 6 }, { frequency: 0, recency: 0, T: 6 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitBgBb([{ frequency: 3, recency: 2, T: 6 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitBgBb([{ frequency: 1, recency: 1, T: 6 }], { opportunitiesPerUnit: 0 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => new BgBbModel({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, 'week', -1))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => new BgBbModel({ alpha: 1, beta: 1, gamma: 1, delta: 1 }).probabilityAlive({ frequency: 1, recency: 0.5, T: 3 }))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => BgBbModel.fromJSON({ model: 'bg-bb', params: { alpha: 1, beta: 1, gamma: 1, delta: 1 }, timeUnit: undefined, opportunitiesPerUnit: 1, fit: undefined, extra: 1 } as never))).toBe('ValidationError:E_CLV_JSON');
  });
  it('mirrors the doc examples', () => {
    const p = new BgBbModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
    expect(p.probabilityAlive({ frequency: 6, recency: 6, T: 6 }).toFixed(2)).toBe('0.93');
    expect(p.expectedPurchases(6).toFixed(3)).toBe('2.220');
    expect(p.conditionalExpectedPurchases(5, { frequency: 6, recency: 6, T: 6 }).toFixed(3)).toBe('3.752');
    expect((11104 * p.probabilityOfPurchases(0, 6)).toFixed(0)).toBe('3456');
    const rows = [[0, 0], [1, 1], [1, 5], [2, 6], [3, 4], [4, 6], [5, 6], [6, 6], [0, 0], [2, 3]].map(([frequency, recency]) => ({ frequency: frequency!, recency: recency!, T: 6 }));
    expect(fitBgBb(rows).logLikelihood).toBeLessThan(0);
  });
});
