import { beforeAll, describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import type { Transaction } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { loadOnlineRetail } from '@marksman/datasets/node';
import { BgNbdModel, GammaGammaModel, fitBgNbd, fitGammaGamma, fitParetoNbd, summarizeForClv } from '@marksman/profiling';
import type { ClvDiagnostic, ClvSummary } from '@marksman/profiling';
import { hasCdnow, hasRetail, readCdnowSummary, retailDir } from './clv-data';
import { simulateBgNbd, simulateParetoNbd } from './clv-simulate';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MarksmanError) return `${e.name}:${e.code}`;
    throw e;
  }
  return undefined;
}

const codes = (d: readonly ClvDiagnostic[]): string[] => d.map((x) => x.code);
const find = (d: readonly ClvDiagnostic[], code: string, parameter?: string): ClvDiagnostic | undefined =>
  d.find((x) => x.code === code && (parameter === undefined || x.parameters?.includes(parameter)));

describe('diagnostics flag what the data do not identify', () => {
  it('BG/NBD on customers who (almost) never drop out: a at the boundary, SE(b) > b, a flat likelihood — yet converged', () => {
    // p ~ Beta(0.02, 50): dropout is practically absent, the situation of Online Retail (issue 15).
    const sim = Object.freeze(simulateBgNbd({ r: 0.8, alpha: 8, a: 0.02, b: 50 }, 2000, 7, [20, 30, 40, 52], 13));
    const m = fitBgNbd(sim, { timeUnit: 'week' });
    expect(m.converged).toBe(true); // the optimiser did its job; identification is another question
    expect(m.params.a).toBeLessThan(0.01);
    const boundary = find(m.diagnostics, 'CLV_PARAMETER_AT_BOUNDARY', 'a')!;
    expect(boundary.severity).toBe('warning');
    expect(boundary.value).toBe(m.params.a);
    expect(boundary.message).toMatch(/almost nobody ever drops out/);
    expect(m.standardErrors.b).toBeGreaterThan(m.params.b);
    const se = find(m.diagnostics, 'CLV_SE_EXCEEDS_ESTIMATE', 'b')!;
    expect(se.message).toContain(`(${Number(m.standardErrors.b.toPrecision(3))})`);
    expect(se.value).toBeCloseTo(m.standardErrors.b / m.params.b, 12);
    const flat = find(m.diagnostics, 'CLV_FLAT_LIKELIHOOD')!;
    expect(flat.parameters).toEqual(expect.arrayContaining(['a', 'b']));
    expect(flat.value).toBeLessThan(0.5);
  });

  it('Pareto/NBD on immortal customers: s collapses to 0 and the information is not positive definite', () => {
    const sim = Object.freeze(simulateParetoNbd({ r: 0.8, alpha: 8, s: 0.5, beta: 1e6 }, 1500, 7, [20, 30, 40, 52]));
    const m = fitParetoNbd(sim, { timeUnit: 'week' });
    expect(m.params.s).toBeLessThan(1e-6);
    expect(find(m.diagnostics, 'CLV_PARAMETER_AT_BOUNDARY', 's')!.message).toMatch(/almost nobody ever leaves/);
    expect(codes(m.diagnostics)).toContain('CLV_HESSIAN_NOT_PD');
    expect(m.fit!.covariance).toBeNull();
    expect(m.summary().every((row) => Number.isNaN(row.standardError) && Number.isNaN(row.lower))).toBe(true);
  });

  it('a well-identified fit has no warnings; its summary reproduces the standard errors and gives log-scale intervals', () => {
    const sim = simulateBgNbd({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, 4000, 3, [26, 39, 52], 13);
    const m = fitBgNbd(sim);
    expect(m.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const table = m.summary();
    expect(table.map((r) => r.parameter)).toEqual(['r', 'alpha', 'a', 'b']);
    for (const row of table) {
      const k = row.parameter as 'r' | 'alpha' | 'a' | 'b';
      expect(row.estimate).toBe(m.params[k]);
      expect(row.standardError).toBe(m.standardErrors[k]);
      // exp(ln θ ± 1.96 SE/θ): symmetric on the log scale, so lower · upper = θ².
      expect(row.lower * row.upper).toBeCloseTo(row.estimate ** 2, 10);
      expect(Math.log(row.upper / row.estimate)).toBeCloseTo((1.959963984540054 * row.standardError) / row.estimate, 10);
    }
    // A narrower level gives a narrower interval: z(0.5) = 0.6745.
    const half = m.summary(0.5)[0]!;
    expect(Math.log(half.upper / half.estimate)).toBeCloseTo((0.6744897501960817 * half.standardError) / half.estimate, 10);
    expect(codeOf(() => m.summary(1))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => m.summary('0.9' as never))).toBe('OptionsError:E_CLV_OPTION');
    // The covariance is that of the log-parameters: SE(θ) = θ·√Σᵢᵢ.
    const cov = m.fit!.covariance!;
    expect(cov.length).toBe(4);
    expect(m.standardErrors.alpha).toBeCloseTo(m.params.alpha * Math.sqrt(cov[1]![1]!), 12);
  });

  it('flags too few repeat customers, and a fit stopped early (converged false comes first)', () => {
    const rows = [
      { frequency: 2, recency: 30.4, T: 38.9 }, { frequency: 1, recency: 1.7, T: 38.9 },
      { frequency: 0, recency: 0, T: 38.9 }, { frequency: 0, recency: 0, T: 38.9 },
      { frequency: 7, recency: 29.4, T: 38.9 }, { frequency: 1, recency: 5, T: 38.9 },
    ];
    const few = find(fitBgNbd(rows).diagnostics, 'CLV_FEW_REPEAT_CUSTOMERS')!;
    expect(few.value).toBe(4);
    expect(few.message).toMatch(/^Only 4 of 6 customers made a repeat purchase/);
    const stopped = fitBgNbd(simulateBgNbd({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, 500, 1, [30, 40], 0), { maxIterations: 2 });
    expect(stopped.converged).toBe(false);
    expect(stopped.diagnostics[0]!.code).toBe('CLV_NOT_CONVERGED');
    expect(stopped.diagnostics[0]!.severity).toBe('error');
    // A model built from parameters was not fitted: nothing to diagnose.
    expect(new BgNbdModel({ r: 1, alpha: 1, a: 1, b: 2 }).diagnostics).toEqual([]);
  });

  it('Gamma-Gamma reports the frequency–spend correlation: info when weak, a warning when strong', () => {
    const weak = fitGammaGamma([10, 12, 30, 25, 8, 14, 40, 22, 18, 11].map((m, i) => ({ frequency: 1 + (i % 3), recency: 5, T: 10, monetaryValue: m })));
    const w = find(weak.diagnostics, 'CLV_SPEND_FREQUENCY_CORRELATION')!;
    const xs = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1];
    const ms = [10, 12, 30, 25, 8, 14, 40, 22, 18, 11];
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const [mx, mm] = [mean(xs), mean(ms)];
    const r = xs.reduce((s, x, i) => s + (x - mx) * (ms[i]! - mm), 0) / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ms.reduce((s, m) => s + (m - mm) ** 2, 0));
    expect(w.value).toBeCloseTo(r, 12);
    expect(w.severity).toBe(Math.abs(r) < 0.3 ? 'info' : 'warning');
    // Spend that grows with frequency: the independence assumption fails.
    const strong = fitGammaGamma(Array.from({ length: 60 }, (_, i) => ({ frequency: 1 + (i % 6), recency: 5, T: 10, monetaryValue: 10 * (1 + (i % 6)) + (i % 5) })));
    const s = find(strong.diagnostics, 'CLV_SPEND_FREQUENCY_CORRELATION')!;
    expect(s.severity).toBe('warning');
    expect(s.value).toBeGreaterThan(0.9);
    expect(s.message).toContain(s.value!.toFixed(2));
  });

  it('a summary with a holdout period is checked against it: a good fit passes, a poor one is flagged with the numbers', () => {
    const shop = simulateShop({ seed: 5, customers: 800 });
    const summary: ClvSummary = summarizeForClv(shop.transactions, { asOf: '2024-12-30', timeUnit: 'week', calibrationEnd: '2024-09-30' });
    const m = fitBgNbd(summary);
    const predicted = summary.rows.reduce((s, c) => s + m.conditionalExpectedPurchases(summary.durationHoldout, c), 0);
    const actual = summary.rows.reduce((s, c) => s + c.frequencyHoldout!, 0);
    const check = find(m.diagnostics, 'CLV_HOLDOUT_FIT') ?? find(m.diagnostics, 'CLV_POOR_HOLDOUT_FIT')!;
    expect(check.value).toBeCloseTo((predicted - actual) / actual, 12);
    expect(check.code).toBe(Math.abs(predicted - actual) / actual <= 0.15 ? 'CLV_HOLDOUT_FIT' : 'CLV_POOR_HOLDOUT_FIT');
    expect(check.message).toContain('the 13-week holdout');
    // The same calibration data with twice the holdout purchases: the model is 50 % low.
    const doubled = { ...summary, rows: summary.rows.map((r) => ({ ...r, frequencyHoldout: 2 * r.frequencyHoldout! })) };
    const poor = find(fitBgNbd(doubled).diagnostics, 'CLV_POOR_HOLDOUT_FIT')!;
    expect(poor.severity).toBe('warning');
    expect(poor.value).toBeCloseTo((predicted - 2 * actual) / (2 * actual), 6);
    expect(poor.message).toMatch(/predicted purchases of [\d,.]+ in the 13-week holdout where customers made [\d,.]+ \(−\d+(\.\d+)? %/);
    // Gamma-Gamma checks the mean spend of the holdout purchases.
    const gg = fitGammaGamma(summary);
    const spend = find(gg.diagnostics, 'CLV_HOLDOUT_FIT') ?? find(gg.diagnostics, 'CLV_POOR_HOLDOUT_FIT')!;
    expect(spend.message).toMatch(/mean spend per purchase/);
    // Rows without a holdout: no holdout diagnostic.
    expect(codes(fitBgNbd(summary.rows.map((r) => ({ frequency: r.frequency, recency: r.recency, T: r.T }))).diagnostics)).not.toContain('CLV_HOLDOUT_FIT');
  });

  it('diagnostics and the covariance survive JSON; malformed ones are refused', () => {
    const sim = simulateBgNbd({ r: 0.8, alpha: 8, a: 0.02, b: 50 }, 1000, 7, [20, 30, 40, 52], 13);
    const m = fitBgNbd(sim, { timeUnit: 'week' });
    const json = JSON.parse(JSON.stringify(m)) as ReturnType<BgNbdModel['toJSON']> & { fit: Record<string, unknown> };
    const back = BgNbdModel.fromJSON(json);
    expect(back.diagnostics).toEqual(m.diagnostics);
    expect(back.fit!.covariance).toEqual(m.fit!.covariance);
    // A version-1 file (no covariance, no diagnostics) is still read.
    const { covariance: _c, diagnostics: _d, ...old } = json.fit;
    const v1 = BgNbdModel.fromJSON({ ...json, version: 1, fit: old } as never);
    expect(v1.diagnostics).toEqual([]);
    expect(v1.fit!.covariance).toBeNull();
    const bad = (fit: Record<string, unknown>) => codeOf(() => BgNbdModel.fromJSON({ ...json, fit } as never));
    expect(bad({ ...json.fit, covariance: [[1, 0], [0, 1]] })).toBe('ValidationError:E_CLV_JSON');
    expect(bad({ ...json.fit, diagnostics: [{ code: 'CLV_SOMETHING', severity: 'warning', message: 'x' }] })).toBe('ValidationError:E_CLV_JSON');
    expect(bad({ ...json.fit, diagnostics: [{ code: 'CLV_FLAT_LIKELIHOOD', severity: 'loud', message: 'x' }] })).toBe('ValidationError:E_CLV_JSON');
    expect(bad({ ...json.fit, diagnostics: {} })).toBe('ValidationError:E_CLV_JSON');
    const gg = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
    expect(gg.summary().map((r) => r.parameter)).toEqual(['p', 'q', 'v']);
  });
});

describe.skipIf(!hasCdnow)('diagnostics on CDNOW (needs ../shared/datasets/cdnow)', () => {
  it("BG/NBD: no warnings, and summary() gives lifetimes' standard errors 0.012557, 0.378221, 0.185719, 0.705345", () => {
    const m = fitBgNbd(readCdnowSummary(), { timeUnit: 'week' });
    expect(m.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const se = m.summary().map((r) => r.standardError);
    [0.012557, 0.378221, 0.185719, 0.705345].forEach((want, i) => expect(Math.abs(se[i]! - want) / want).toBeLessThan(2e-3));
  });
});

describe.skipIf(!hasRetail)('the Online Retail cases of issue 15 (needs ../shared/datasets/online-retail)', () => {
  // Purchases of identified customers: cancellations (C… invoices), returns and free lines left out.
  let lines: Transaction[] = [];
  beforeAll(() => {
    lines = loadOnlineRetail(retailDir).transactions.rows.filter((t) => t.quantity > 0 && t.amount > 0 && !String(t.orderId).startsWith('C'));
  });

  it('BG/NBD weekly as of 2011-12-09: a ≈ 0.003 at the boundary, SE(b) > b, and converged is still true', () => {
    const m = fitBgNbd(summarizeForClv(lines, { asOf: '2011-12-10', timeUnit: 'week' }));
    expect(m.converged).toBe(true);
    expect(m.params.a).toBeLessThan(0.01);
    expect(m.standardErrors.b).toBeGreaterThan(m.params.b);
    expect(find(m.diagnostics, 'CLV_PARAMETER_AT_BOUNDARY', 'a')).toBeDefined();
    expect(find(m.diagnostics, 'CLV_SE_EXCEEDS_ESTIMATE', 'b')).toBeDefined();
  });

  it('Pareto/NBD: s collapses towards 0 and is flagged', () => {
    const m = fitParetoNbd(summarizeForClv(lines, { asOf: '2011-12-10', timeUnit: 'week' }));
    expect(m.params.s).toBeLessThan(1e-6);
    expect(find(m.diagnostics, 'CLV_PARAMETER_AT_BOUNDARY', 's')).toBeDefined();
  });

  it('calibration to 2011-09-09, 13-week holdout: the BG/NBD forecast falls short by about a quarter and is flagged', () => {
    const summary = summarizeForClv(lines, { asOf: '2011-12-10', calibrationEnd: '2011-09-10', timeUnit: 'week' });
    const poor = find(fitBgNbd(summary).diagnostics, 'CLV_POOR_HOLDOUT_FIT')!;
    expect(poor.value).toBeLessThan(-0.15);
    expect(poor.value).toBeGreaterThan(-0.35);
  });
});
