import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { BgNbdModel, fitBgNbd, summarizeForClv } from '@marksman/profiling';
import reference from './fixtures/clv-reference.json';
import { hasCdnow, readCdnowSummary } from './clv-data';
import { simulateBgNbd } from './clv-simulate';

const P = reference.params.bgNbd;
const customers = reference.customers.map(([frequency, recency, T]) => Object.freeze({ frequency: frequency!, recency: recency!, T: T! }));
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

describe('BgNbdModel predictions (reference: scipy implementation in fixtures/clv-reference.py)', () => {
  const m = new BgNbdModel(P, 'week');
  it('expected purchases of a new customer, E[X(t)]', () => {
    reference.horizons.forEach((t, i) => expect(rel(m.expectedPurchases(t), reference.bgNbd.expectedPurchases[i]!)).toBeLessThan(1e-10));
    expect(m.expectedPurchases(0)).toBe(0);
  });
  it('probability alive and conditional expected purchases', () => {
    customers.forEach((c, i) => {
      expect(m.probabilityAlive(c)).toBeCloseTo(reference.bgNbd.probabilityAlive[i]!, 12);
      reference.horizons.forEach((t, j) => expect(rel(m.conditionalExpectedPurchases(t, c), reference.bgNbd.conditionalExpectedPurchases[i]![j]!)).toBeLessThan(1e-10));
    });
  });
  it('P(X(t) = n) matches, sums to 1 and has mean E[X(t)]', () => {
    reference.bgNbd.probabilityOfPurchases39.forEach((p, n) => expect(m.probabilityOfPurchases(n, 39)).toBeCloseTo(p, 13));
    for (const t of [5, 39, 100]) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 3000; n++) {
        const p = m.probabilityOfPurchases(n, t);
        total += p;
        mean += n * p;
      }
      expect(total).toBeCloseTo(1, 10);
      expect(rel(mean, m.expectedPurchases(t))).toBeLessThan(1e-8);
    }
    expect(m.probabilityOfPurchases(0, 0)).toBe(1);
    expect(m.probabilityOfPurchases(2, 0)).toBe(0);
  });
  it('agrees with the reference on a second parameter set (a > 1)', () => {
    const alt = new BgNbdModel(reference.alternative.params.bgNbd);
    const want = reference.alternative.bgNbd;
    reference.horizons.forEach((t, i) => expect(rel(alt.expectedPurchases(t), want.expectedPurchases[i]!)).toBeLessThan(1e-10));
    customers.forEach((c, i) => reference.horizons.forEach((t, j) => expect(rel(alt.conditionalExpectedPurchases(t, c), want.conditionalExpectedPurchases[i]![j]!)).toBeLessThan(1e-10)));
    want.probabilityOfPurchases39.forEach((p, n) => expect(alt.probabilityOfPurchases(n, 39)).toBeCloseTo(p, 13));
  });
  it('conditional expectation of a customer seen for zero time equals the population expectation', () => {
    // A customer with no history (x = 0, T = 0) is a new customer: E[Y(t) | 0, 0, 0] = E[X(t)].
    for (const t of [1, 39, 200]) expect(rel(m.conditionalExpectedPurchases(t, { frequency: 0, recency: 0, T: 0 }), m.expectedPurchases(t))).toBeLessThan(1e-10);
  });
  it('mirrors the doc examples and round-trips through JSON', () => {
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    expect(m.expectedPurchases(39).toFixed(4)).toBe('1.1967');
    expect(m.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4)).toBe('1.2260');
    expect(m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4)).toBe('0.7266');
    expect(m.probabilityOfPurchases(0, 39).toFixed(4)).toBe('0.5738');
    expect(new BgNbdModel({ r: 1, alpha: 2, a: 3, b: 4 }).toJSON().params).toEqual({ r: 1, alpha: 2, a: 3, b: 4 });
    const json = JSON.parse(JSON.stringify(m)) as ReturnType<BgNbdModel['toJSON']>;
    const back = BgNbdModel.fromJSON(json);
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, model: 'pareto-nbd' } as never))).toBe('OptionsError:E_CLV_PARAMS');
    const fitted = fitBgNbd(reference.simulatedFit.rows, { timeUnit: 'week' });
    const again = BgNbdModel.fromJSON(JSON.parse(JSON.stringify(fitted)) as ReturnType<BgNbdModel['toJSON']>);
    expect(again.params).toEqual(fitted.params);
    expect(again.logLikelihood).toBe(fitted.logLikelihood);
    expect(again.converged).toBe(true);
    expect(again.timeUnit).toBe('week');
    expect(BgNbdModel.fromJSON({ model: 'bg-nbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, timeUnit: 'week', fit: undefined }).params.r).toBe(0.243);
    expect(back.conditionalExpectedPurchases(10, customers[2]!)).toBe(m.conditionalExpectedPurchases(10, customers[2]!));
    expect(m.converged).toBe(true);
    expect(m.logLikelihood).toBeNaN();
    expect(m.standardErrors.r).toBeNaN();
  });
  it('refuses bad parameters and arguments', () => {
    expect(codeOf(() => new BgNbdModel({ ...P, a: -1 }))).toBe('OptionsError:E_CLV_PARAMS');
    expect(codeOf(() => m.expectedPurchases(-1))).toBe('OptionsError:E_CLV_HORIZON');
    expect(codeOf(() => m.probabilityOfPurchases(1.5, 3))).toBe('OptionsError:E_CLV_HORIZON');
    expect(codeOf(() => m.probabilityAlive({ frequency: 0, recency: 3, T: 5 }))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => m.conditionalExpectedPurchases(1, { frequency: 1, recency: 6, T: 5 }))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => new BgNbdModel({ r: 1, alpha: 1, a: 0.3, b: 0.4 }).expectedPurchases(1))).toBe('StateError:E_CLV_CLOSED_FORM');
  });
});

// lifetimes docs/Quickstart.md: BetaGeoFitter on the CDNOW summary prints r 0.242593, alpha 4.413532,
// a 0.792886, b 2.425752, and ranks customers by conditional_expected_number_of_purchases_up_to_time(1, …).
const LIFETIMES_PARAMS = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const LIFETIMES_TOP5: [number, number, number, number][] = [
  [18, 35.14, 35.86, 0.424877],
  [19, 34.0, 34.14, 0.474738],
  [17, 28.43, 28.86, 0.486526],
  [29, 37.71, 38.0, 0.662396],
  [26, 30.86, 31.0, 0.710623],
];

describe("lifetimes' published predictions", () => {
  it('conditional expected purchases in the next week of its five best CDNOW customers (6 digits)', () => {
    const m = new BgNbdModel(LIFETIMES_PARAMS, 'week');
    for (const [frequency, recency, T, want] of LIFETIMES_TOP5) {
      expect(rel(m.conditionalExpectedPurchases(1, { frequency, recency, T }), want)).toBeLessThan(5e-6);
    }
  });
});

describe('fitBgNbd', () => {
  it('matches scipy on a simulated data set (same likelihood, scipy BFGS)', () => {
    const rows = Object.freeze(reference.simulatedFit.rows.map((r) => Object.freeze(r)));
    const m = fitBgNbd(rows, { timeUnit: 'week' });
    const want = reference.simulatedFit.bgNbd;
    expect(m.converged).toBe(true);
    expect(m.logLikelihood).toBeCloseTo(want.logLikelihood, 6);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(m.params[k], want.params[k])).toBeLessThan(1e-4);
    expect(m.fit!.nCustomers).toBe(400);
    expect(m.timeUnit).toBe('week');
  });

  it('recovers the true parameters of simulated customers within 4 standard errors, and predicts the holdout', () => {
    // 10,000 customers, ages 26–52 weeks. The asymptotic standard errors shrink as 1/√n; with the
    // observed information at this n they are about 4 % (r), 6 % (alpha) and 15–20 % (a, b) of the
    // values, and over 30 seeds the z-scores (estimate − truth)/SE had mean ≈ 0 and sd ≈ 1, so 4 SE
    // is a test that fails for a biased or wrongly scaled fit, not for sampling noise.
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const sim = simulateBgNbd(truth, 10_000, 2026, [26, 32, 39, 45, 52], 52);
    const m = fitBgNbd(sim);
    expect(m.converged).toBe(true);
    const se = m.fit!.standardErrors;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(se[k]).toBeGreaterThan(0);
      expect(Math.abs(m.params[k] - truth[k])).toBeLessThan(4 * se[k]);
    }
    // Calibration → holdout: predicted repeat purchases in the next 52 weeks track the actual ones,
    // overall and by calibration frequency (0, 1, 2, 3–6, 7+), within 4 sd of the sum of residuals.
    const groups = [0, 1, 2, 3, 7];
    const pred = new Float64Array(groups.length + 1);
    const act = new Float64Array(groups.length + 1);
    const ss = new Float64Array(groups.length + 1);
    for (const c of sim) {
      const e = m.conditionalExpectedPurchases(52, c);
      let g = 0;
      while (g + 1 < groups.length && c.frequency >= groups[g + 1]!) g++;
      for (const j of [g, groups.length]) {
        pred[j] = pred[j]! + e;
        act[j] = act[j]! + c.holdout;
        ss[j] = ss[j]! + (c.holdout - e) ** 2;
      }
    }
    for (let j = 0; j <= groups.length; j++) {
      expect(Math.abs(pred[j]! - act[j]!)).toBeLessThan(4 * Math.sqrt(ss[j]!));
    }
    expect(Math.abs(pred[groups.length]! - act[groups.length]!) / act[groups.length]!).toBeLessThan(0.05);
  });

  it('an L2 penalty shrinks the parameters and is not counted in the log-likelihood', () => {
    const rows = reference.simulatedFit.rows;
    const free = fitBgNbd(rows);
    const pen = fitBgNbd(rows, { penalty: 0.1 });
    const sq = (p: { r: number; alpha: number; a: number; b: number }): number => p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2;
    expect(sq(pen.params)).toBeLessThan(sq(free.params));
    expect(pen.logLikelihood).toBeLessThan(free.logLikelihood);
    expect(pen.fit!.penalty).toBe(0.1);
  });

  it('reports a fit that did not converge instead of hiding it', () => {
    const m = fitBgNbd(reference.simulatedFit.rows, { maxIterations: 2 });
    expect(m.converged).toBe(false);
    expect(m.fit!.report.message.length).toBeGreaterThan(0);
    expect(m.fit!.report.iterations).toBeGreaterThan(0);
  });

  it('refuses bad input with typed errors', () => {
    const rows = [{ frequency: 1, recency: 2, T: 5 }, { frequency: 0, recency: 0, T: 5 }];
    expect(codeOf(() => fitBgNbd([]))).toBe('ValidationError:E_CLV_EMPTY');
    expect(codeOf(() => fitBgNbd([{ frequency: 0, recency: 0, T: 5 }, { frequency: 0, recency: 0, T: 9 }]))).toBe('ValidationError:E_CLV_NO_REPEATS');
    expect(codeOf(() => fitBgNbd([{ frequency: 1.5, recency: 2, T: 5 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitBgNbd([{ frequency: 1, recency: 7, T: 5 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitBgNbd({} as never))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitBgNbd(rows, { penalty: -1 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => fitBgNbd(rows, { maxIterations: 0 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => fitBgNbd(rows, { tolerance: 0 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => fitBgNbd(rows, { timeUnit: 'year' as 'week' }))).toBe('OptionsError:E_CLV_TIME_UNIT');
    const day = (d: number): number => Date.UTC(2024, 0, 1) + d * 86_400_000;
    const summary = summarizeForClv(
      [0, 3, 9, 20, 2, 30, 5, 6].map((d, i) => ({ customerId: i % 3, orderId: i, timestamp: day(d), quantity: 1, amount: 5 })),
      { asOf: day(40), timeUnit: 'day' },
    );
    expect(codeOf(() => fitBgNbd(summary, { timeUnit: 'week' }))).toBe('OptionsError:E_CLV_TIME_UNIT');
    expect(fitBgNbd(summary).timeUnit).toBe('day');
    expect(codeOf(() => fitBgNbd(rows, { initialParams: { r: 0, alpha: 1, a: 1, b: 1 } }))).toBe('OptionsError:E_CLV_PARAMS');
    // An absurd frequency is refused at the boundary, naming the row and the field.
    expect(codeOf(() => fitBgNbd([...rows, { frequency: 1e307, recency: 5, T: 5 }], { maxIterations: 5 }))).toBe('ValidationError:E_CLV_SUMMARY');
    // A start where the log-likelihood overflows, with no finite point to move to: a typed error, not garbage.
    expect(codeOf(() => fitBgNbd(rows, { initialParams: { r: 1e-300, alpha: 1e300, a: 1e300, b: 1e-300 }, maxIterations: 5 }))).toBe('ConvergenceError:E_DIVERGED');
  });

  it('mirrors its doc example', () => {
    const rows = [
      { frequency: 2, recency: 30.4, T: 38.9 }, { frequency: 1, recency: 1.7, T: 38.9 },
      { frequency: 0, recency: 0, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
      { frequency: 0, recency: 0, T: 38.9 }, { frequency: 7, recency: 29.4, T: 38.9 },
      { frequency: 1, recency: 5, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
    ];
    const m = fitBgNbd(rows, { timeUnit: 'week' });
    expect(m.converged).toBe(true);
    expect(m.params.r).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasCdnow)('fitBgNbd on CDNOW (needs ../shared/datasets/cdnow)', () => {
  it('reproduces Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793, b 2.426, LL −9582.4 (each within 0.5 %)', () => {
    const m = fitBgNbd(Object.freeze(readCdnowSummary()), { timeUnit: 'week' });
    expect(m.converged).toBe(true);
    const want = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(m.params[k], want[k])).toBeLessThan(0.005);
    expect(m.logLikelihood).toBeCloseTo(-9582.4, 1);
    // …and lifetimes' printed estimates to 6 digits, and its standard errors 0.012557, 0.378221, 0.185719, 0.705345.
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(m.params[k], LIFETIMES_PARAMS[k])).toBeLessThan(5e-6);
    expect(m.standardErrors.r).toBeCloseTo(0.0126, 3);
    expect(m.standardErrors.alpha).toBeCloseTo(0.378, 2);
    expect(m.standardErrors.a).toBeCloseTo(0.186, 2);
    expect(m.standardErrors.b).toBeCloseTo(0.705, 2);
  });
});

describe('customer-value inputs are checked row by row, and saved models field by field', () => {
  const ok = Object.freeze({ frequency: 2, recency: 10, T: 30 });
  const where = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof MarksmanError) return `${e.code}@${e.row}.${e.field}`;
      throw e;
    }
    return 'no error';
  };
  it('refuses impossible rows, naming the row and the field', () => {
    expect(where(() => fitBgNbd([ok, { frequency: 3, recency: 0, T: 10 }]))).toBe('E_CLV_SUMMARY@1.recency');
    expect(where(() => fitBgNbd([ok, { frequency: 1, recency: 1, T: 1e308 }]))).toBe('E_CLV_SUMMARY@1.T');
    expect(where(() => fitBgNbd([ok, { frequency: 1, recency: 12, T: 10 }]))).toBe('E_CLV_SUMMARY@1.recency');
    expect(where(() => fitBgNbd([ok, { frequency: 1.5, recency: 2, T: 10 }]))).toBe('E_CLV_SUMMARY@1.frequency');
    expect(where(() => fitBgNbd([ok, { frequency: 1e307, recency: 2, T: 10 }]))).toBe('E_CLV_SUMMARY@1.frequency');
    expect(where(() => fitBgNbd([ok, { frequency: '2' as never, recency: 2, T: 10 }]))).toBe('E_CLV_SUMMARY@1.frequency');
    expect(where(() => fitBgNbd([ok, { frequency: 1, recency: 2, T: 10, monetaryValue: NaN }]))).toBe('E_CLV_SUMMARY@1.monetaryValue');
    expect(where(() => fitBgNbd([ok, { frequency: 1, recency: 2, T: 10, monetaryValue: '5' as never }]))).toBe('E_CLV_SUMMARY@1.monetaryValue');
    expect(where(() => fitBgNbd([ok, null as never]))).toBe('E_CLV_SUMMARY@1.row');
    expect(where(() => fitBgNbd({ rows: [ok], timeUnit: 'fortnight' } as never))).toBe('E_CLV_TIME_UNIT@undefined.timeUnit');
  });
  it('refuses an unknown time unit and misspelt or extra parameters', () => {
    expect(codeOf(() => new BgNbdModel(P, 'weeks' as never))).toBe('OptionsError:E_CLV_TIME_UNIT');
    expect(codeOf(() => new BgNbdModel({ ...P, typo: 1 } as never))).toBe('OptionsError:E_CLV_PARAMS');
    expect(codeOf(() => fitBgNbd([ok], { maxIterations: 1e308 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => fitBgNbd([ok], { tolerance: '1e-7' as never }))).toBe('OptionsError:E_CLV_OPTION');
  });
  it('probabilityOfPurchases and horizons are bounded (n = 1e308 used to loop forever)', () => {
    const m = new BgNbdModel(P, 'week');
    expect(codeOf(() => m.probabilityOfPurchases(1e308, 39))).toBe('OptionsError:E_CLV_HORIZON');
    expect(codeOf(() => m.probabilityOfPurchases(3, 1e300))).toBe('OptionsError:E_CLV_HORIZON');
    expect(codeOf(() => m.expectedPurchases('39' as never))).toBe('OptionsError:E_CLV_HORIZON');
    // t = 1e6 weeks for a brand-new customer: the ₂F₁ series cannot converge, and NaN is not an answer.
    expect(codeOf(() => m.conditionalExpectedPurchases(1e6, { frequency: 0, recency: 0, T: 0 }))).toBe('OptionsError:E_CLV_HORIZON');
    expect(Number.isFinite(m.conditionalExpectedPurchases(3e5, { frequency: 0, recency: 0, T: 0 }))).toBe(true);
  });
  it('fromJSON checks the version, the fields and the fit facts; a fitted model round-trips', () => {
    const fitted = fitBgNbd(reference.simulatedFit.rows, { timeUnit: 'week' });
    const json = JSON.parse(JSON.stringify(fitted)) as Record<string, unknown> & { fit: Record<string, unknown> };
    expect(json.version).toBe(2);
    expect(BgNbdModel.fromJSON(json as never).fit!.report).toEqual(fitted.fit!.report);
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, version: 3 } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, extra: true } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, timeUnit: 'hour' } as never))).toBe('OptionsError:E_CLV_TIME_UNIT');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, fit: { ...json.fit, logLikelihood: 'x' } } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, fit: { ...json.fit, nCustomers: -1 } } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, fit: { ...json.fit, report: null } } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => BgNbdModel.fromJSON({ ...json, fit: { ...json.fit, standardErrors: { r: 1 } } } as never))).toBe('ValidationError:E_CLV_JSON');
  });
  it('fitBgNbd takes a signal and onProgress', () => {
    const c = new AbortController();
    c.abort();
    expect(codeOf(() => fitBgNbd(reference.simulatedFit.rows, { signal: c.signal }))).toBe('AbortError:E_ABORTED');
    const stages = new Set<string>();
    let last = 0;
    const m = fitBgNbd(reference.simulatedFit.rows, {
      onProgress: (p) => {
        stages.add(p.stage);
        expect(p.iteration).toBeGreaterThan(last);
        expect(Number.isFinite(p.objective)).toBe(true);
        last = p.iteration;
      },
    });
    expect(last).toBe(m.fit!.report.iterations);
    expect(stages.has('bfgs')).toBe(true);
  });
});
