import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import { MbgNbdModel, clvIntervals, fitMbgNbd } from '@marksman/profiling';
import reference from './fixtures/clv-models-reference.json';
import clv from './fixtures/clv-reference.json';
import { hasCdnow, readCdnowSummary } from './clv-data';

const ref = reference.mbgNbd;
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

describe('MbgNbdModel (reference: fixtures/clv-models-reference.py, lifetimes ModifiedBetaGeoFitter formulas in scipy)', () => {
  const m = new MbgNbdModel(ref.params, 'week');
  it('expected purchases, P(alive) and conditional expectations match the reference', () => {
    reference.horizons.forEach((t, i) => expect(rel(m.expectedPurchases(t), ref.expectedPurchases[i]!)).toBeLessThan(1e-10));
    customers.forEach((c, i) => {
      expect(m.probabilityAlive(c)).toBeCloseTo(ref.probabilityAlive[i]!, 12);
      reference.horizons.forEach((t, j) => expect(rel(m.conditionalExpectedPurchases(t, c), ref.conditionalExpectedPurchases[i]![j]!)).toBeLessThan(1e-10));
    });
  });
  it('unlike BG/NBD, a customer without repeat purchases may be gone; a customer seen for no time is a new customer', () => {
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })).toBeLessThan(1);
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })).toBeGreaterThan(m.probabilityAlive({ frequency: 0, recency: 0, T: 60 }));
    for (const t of [1, 39, 200]) expect(rel(m.conditionalExpectedPurchases(t, { frequency: 0, recency: 0, T: 0 }), m.expectedPurchases(t))).toBeLessThan(1e-12);
    expect(m.expectedPurchases(0)).toBe(0);
  });
  it('mirrors the doc examples and round-trips through JSON', () => {
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 }).toFixed(4)).toBe('0.3897');
    expect(m.expectedPurchases(39).toFixed(4)).toBe('1.1830');
    expect(m.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4)).toBe('1.2630');
    expect(m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 }).toFixed(4)).toBe('0.7062');
    const back = MbgNbdModel.fromJSON(JSON.parse(JSON.stringify(m)) as ReturnType<MbgNbdModel['toJSON']>);
    expect(back.params).toEqual(m.params);
    expect(back.timeUnit).toBe('week');
    expect(codeOf(() => MbgNbdModel.fromJSON({ ...m.toJSON(), model: 'bg-nbd' } as never))).toBe('OptionsError:E_CLV_PARAMS');
    expect(codeOf(() => new MbgNbdModel({ r: 1, alpha: 1, a: 1, b: 1 }).expectedPurchases(3))).toBe('StateError:E_CLV_CLOSED_FORM');
    expect(codeOf(() => m.conditionalExpectedPurchases(-1, customers[0]!))).toBe('OptionsError:E_CLV_HORIZON');
    expect(codeOf(() => m.probabilityAlive({ frequency: 1, recency: 5, T: 4 }))).toBe('ValidationError:E_CLV_SUMMARY');
  });
});

describe('fitMbgNbd', () => {
  it('matches scipy on the simulated data set (same likelihood, scipy BFGS)', () => {
    const rows = Object.freeze(clv.simulatedFit.rows.map((r) => Object.freeze({ frequency: r.frequency, recency: r.recency, T: r.T })));
    const m = fitMbgNbd(rows, { timeUnit: 'week' });
    expect(m.converged).toBe(true);
    expect(m.logLikelihood).toBeCloseTo(ref.simulatedFit.logLikelihood, 5);
    // On these 400 customers a and b are large and weakly identified (the likelihood is flat along them).
    for (const k of ['r', 'alpha'] as const) expect(rel(m.params[k], ref.simulatedFit.params[k])).toBeLessThan(1e-3);
    expect(m.fit!.covariance).not.toBeNull();
    const iv = clvIntervals(rows, { purchaseModel: m, horizon: 10, draws: 40 });
    expect(iv.method).toMatch(/MBG\/NBD/);
  });
  it('refuses bad input and takes a signal', () => {
    expect(codeOf(() => fitMbgNbd([]))).toBe('ValidationError:E_CLV_EMPTY');
    expect(codeOf(() => fitMbgNbd([{ frequency: 0, recency: 0, T: 4 }]))).toBe('ValidationError:E_CLV_NO_REPEATS');
    expect(codeOf(() => fitMbgNbd([{ frequency: 1, recency: 2, T: 4 }], { penalty: -1 }))).toBe('OptionsError:E_CLV_OPTION');
    const c = new AbortController();
    c.abort();
    expect(codeOf(() => fitMbgNbd(clv.simulatedFit.rows, { signal: c.signal }))).toBe('AbortError:E_ABORTED');
  });
});

describe.skipIf(!hasCdnow)('fitMbgNbd on CDNOW (needs ../shared/datasets/cdnow)', () => {
  it("reproduces BTYDplus's estimates r 0.525, alpha 6.183, a 0.891, b 1.614 (as lifetimes' tests)", () => {
    const m = fitMbgNbd(readCdnowSummary(), { timeUnit: 'week' });
    expect(m.converged).toBe(true);
    const want = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(m.params[k] - want[k])).toBeLessThan(5e-4);
  });
});
