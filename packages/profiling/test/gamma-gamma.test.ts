import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { GammaGammaModel, fitGammaGamma } from '@marksman/profiling';
import reference from './fixtures/clv-reference.json';
import { hasCdnow, readCdnowSummary } from './clv-data';

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

describe('GammaGammaModel', () => {
  const m = new GammaGammaModel(reference.params.gammaGamma);
  it('conditional expected spend matches the reference and shrinks towards the population mean', () => {
    reference.gammaGamma.cases.forEach(([x, mean], i) => {
      expect(m.conditionalExpectedAverageSpend({ frequency: x!, monetaryValue: mean! })).toBeCloseTo(reference.gammaGamma.conditionalExpectedAverageSpend[i]!, 10);
    });
    // No repeat purchase → the population mean; many purchases → close to the customer's own mean.
    expect(m.conditionalExpectedAverageSpend({ frequency: 0 })).toBeCloseTo(m.expectedPopulationSpend(), 12);
    expect(rel(m.conditionalExpectedAverageSpend({ frequency: 100000, monetaryValue: 80 }), 80)).toBeLessThan(1e-3);
  });
  it('mirrors the doc examples', () => {
    expect(m.expectedPopulationSpend().toFixed(2)).toBe('35.22');
    expect(new GammaGammaModel({ p: 2, q: 3, v: 10 }).expectedPopulationSpend()).toBe(10);
    expect(m.conditionalExpectedAverageSpend({ frequency: 2, monetaryValue: 22.35 }).toFixed(2)).toBe('24.66');
    expect(new GammaGammaModel({ p: 1, q: 2, v: 3 }).toJSON().params).toEqual({ p: 1, q: 2, v: 3 });
    const back = GammaGammaModel.fromJSON(JSON.parse(JSON.stringify(m)) as ReturnType<GammaGammaModel['toJSON']>);
    expect(back.params).toEqual(m.params);
    expect(GammaGammaModel.fromJSON({ model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 }, fit: undefined }).params.p).toBe(6.25);
    expect(codeOf(() => GammaGammaModel.fromJSON({ model: 'bg-nbd' } as never))).toBe('OptionsError:E_CLV_PARAMS');
  });
  it('refuses bad parameters and customers', () => {
    expect(codeOf(() => new GammaGammaModel({ p: 1, q: 0, v: 1 }))).toBe('OptionsError:E_CLV_PARAMS');
    expect(codeOf(() => new GammaGammaModel({ p: 1, q: 0.5, v: 1 }).expectedPopulationSpend())).toBe('StateError:E_CLV_CLOSED_FORM');
    expect(codeOf(() => m.conditionalExpectedAverageSpend({ frequency: 2, monetaryValue: -5 }))).toBe('ValidationError:E_CLV_SUMMARY');
  });
  it('names the field at fault, refuses numeric strings and validates saved fits', () => {
    const m = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
    expect(codeOf(() => m.conditionalExpectedAverageSpend(null as never))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => m.conditionalExpectedAverageSpend({ frequency: 2, monetaryValue: '22' as never }))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => m.conditionalExpectedAverageSpend({ frequency: 1e308, monetaryValue: 22 }))).toBe('ValidationError:E_CLV_SUMMARY');
    const json = JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
    expect(json.version).toBe(2);
    expect(codeOf(() => GammaGammaModel.fromJSON({ ...json, timeUnit: 'week' } as never))).toBe('ValidationError:E_CLV_JSON');
    expect(codeOf(() => GammaGammaModel.fromJSON({ ...json, params: { p: 1, q: 2, v: 3, w: 4 } } as never))).toBe('OptionsError:E_CLV_PARAMS');
  });
});

describe('fitGammaGamma', () => {
  it('matches scipy on a simulated data set, using only customers with repeat purchases', () => {
    const rows = Object.freeze(reference.simulatedFit.rows.map((r) => Object.freeze(r)));
    const g = fitGammaGamma(rows);
    const want = reference.simulatedFit.gammaGamma;
    expect(g.converged).toBe(true);
    expect(g.logLikelihood).toBeCloseTo(want.logLikelihood, 6);
    for (const k of ['p', 'q', 'v'] as const) expect(rel(g.params[k], want.params[k])).toBeLessThan(1e-4);
    expect(g.fit!.nCustomers).toBe(rows.filter((r) => r.frequency > 0).length);
  });
  it('negative or zero spend of a repeat buyer, and no repeat buyers at all, are typed errors', () => {
    const ok = { frequency: 2, recency: 3, T: 5, monetaryValue: 10 };
    expect(codeOf(() => fitGammaGamma([ok, { ...ok, monetaryValue: -4 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitGammaGamma([ok, { frequency: 1, recency: 1, T: 5 }]))).toBe('ValidationError:E_CLV_SUMMARY');
    expect(codeOf(() => fitGammaGamma([{ frequency: 0, recency: 0, T: 5, monetaryValue: 0 }]))).toBe('ValidationError:E_CLV_NO_REPEATS');
    expect(codeOf(() => fitGammaGamma([ok], { maxIterations: 1.5 }))).toBe('OptionsError:E_CLV_OPTION');
    expect(codeOf(() => fitGammaGamma([ok], { initialParams: { p: 1, q: -1, v: 1 } }))).toBe('OptionsError:E_CLV_PARAMS');
  });
  it('takes a signal and refuses absurd spend', () => {
    const rows = [10, 12, 30, 25, 8].map((m, i) => ({ frequency: 1 + (i % 3), recency: 5, T: 10, monetaryValue: m }));
    const c = new AbortController();
    c.abort();
    expect(codeOf(() => fitGammaGamma(rows, { signal: c.signal }))).toBe('AbortError:E_ABORTED');
    expect(codeOf(() => fitGammaGamma([...rows, { frequency: 2, recency: 1, T: 10, monetaryValue: 1e308 }]))).toBe('ValidationError:E_CLV_SUMMARY');
  });
  it('mirrors its doc example', () => {
    const rows = [10, 12, 30, 25, 8, 14, 40, 22, 18, 11].map((m, i) => ({ frequency: 1 + (i % 3), recency: 5, T: 10, monetaryValue: m }));
    expect(fitGammaGamma(rows).converged).toBe(true);
  });
});

describe.skipIf(!hasCdnow)('fitGammaGamma on CDNOW (needs ../shared/datasets/cdnow)', () => {
  it('reproduces p 6.25, q 3.74, v 15.44 on the 946 repeat customers (each within 0.5 %)', () => {
    const g = fitGammaGamma(readCdnowSummary());
    expect(g.converged).toBe(true);
    expect(g.fit!.nCustomers).toBe(946);
    const want = { p: 6.25, q: 3.74, v: 15.44 };
    for (const k of ['p', 'q', 'v'] as const) expect(rel(g.params[k], want[k])).toBeLessThan(0.005);
  });
});
