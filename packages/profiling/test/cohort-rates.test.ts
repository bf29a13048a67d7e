import { describe, expect, it } from 'vitest';
import type { Transaction } from '@marksman/core';
import { Random } from '@marksman/core';
import { churnRateInterval, repeatPurchaseRateInterval } from '@marksman/metrics';
import { cohortRates, retentionCohorts } from '@marksman/profiling';
import { freezeRows } from './features-helpers';

const line = (customerId: string | number, orderId: string, timestamp: string): Transaction => ({ customerId, orderId, timestamp, quantity: 1, amount: 10 });

describe('cohortRates', () => {
  // Jan cohort: a (orders Jan, Mar), b (one order of two lines, Jan), c (Jan; Jun), e (Jan 31 and Feb 1, same order id)
  // Feb cohort: f (Feb, Feb), g (Feb); Apr cohort: h (Apr); Jun cohort: k (Jun). Last period: 2024-06.
  const rows = freezeRows([
    line('a', 'a1', '2024-01-05'), line('a', 'a2', '2024-03-01'),
    line('b', 'b1', '2024-01-10'), line('b', 'b1', '2024-01-10'),
    line('c', 'c1', '2024-01-20'), line('c', 'c2', '2024-06-03'),
    line('e', 'e1', '2024-01-31T23:00:00Z'), line('e', 'e1', '2024-02-01T01:00:00Z'),
    line('f', 'f1', '2024-02-03'), line('f', 'f2', '2024-02-20'),
    line('g', 'g1', '2024-02-11'),
    line('h', 'h1', '2024-04-30'),
    line('k', 'k1', '2024-06-15'),
  ]);

  it('hand-computed counts: repeat = a second distinct order, churn = no line in the last churnAfter periods', () => {
    const r = cohortRates(rows, { churnAfter: 2 });
    expect([r.period, r.lastPeriod, r.churnAfter, r.repeatWithin]).toEqual(['month', '2024-06', 2, null]);
    // churn window: May–June. Jan: a (last Mar), b, e churned; c active in June → 3 of 4.
    // Feb: f, g churned → 2 of 2. Apr: h (last Apr) churned → 1 of 1. Jun: acquired inside the window → null.
    expect(r.cohorts.map((c) => [c.cohort, c.customers, c.repeatCustomers, c.churned])).toEqual([
      ['2024-01', 4, 2, 3],
      ['2024-02', 2, 1, 2],
      ['2024-04', 1, 0, 1],
      ['2024-06', 1, 0, null],
    ]);
    expect(r.cohorts[3]!.churnRate).toBeNull();
    // The intervals are metrics' Wilson intervals of those counts.
    expect(r.cohorts[0]!.repeatRate).toEqual(repeatPurchaseRateInterval(2, 4));
    expect(r.cohorts[0]!.churnRate).toEqual(churnRateInterval(3, 4));
    expect(r.cohorts[0]!.churnRate!.lower).toBeCloseTo(0.300642, 6); // statsmodels proportion_confint(3, 4, method='wilson')
    expect(r.cohorts[0]!.churnRate!.upper).toBeCloseTo(0.954413, 6);
    expect(new Date(r.cohorts[1]!.start).toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('repeatWithin counts a second order only inside the window, and leaves young cohorts out', () => {
    const r = cohortRates(rows, { repeatWithin: 1, confidence: 0.9 });
    // Jan: a's second order is in March (2 months later) → not counted; c's in June → not counted.
    // Feb: f's second order in February → counted. Jun: its window (Jun–Jul) runs past the data → null.
    expect(r.cohorts.map((c) => c.repeatCustomers)).toEqual([0, 1, 0, null]);
    expect(r.cohorts[1]!.repeatRate).toEqual(repeatPurchaseRateInterval(1, 2, { confidence: 0.9 }));
    expect(cohortRates(rows, { repeatWithin: 2 }).cohorts.map((c) => c.repeatCustomers)).toEqual([1, 1, 0, null]);
    expect(cohortRates(rows, { repeatWithin: 0 }).cohorts.map((c) => c.repeatCustomers)).toEqual([0, 1, 0, 0]);
  });

  it('agrees with a brute-force count and with retentionCohorts on random data', () => {
    const rng = new Random(4);
    const tx: Transaction[] = [];
    for (let i = 0; i < 400; i++) {
      const c = `c${rng.int(60)}`;
      tx.push({ customerId: c, orderId: `${c}-${rng.int(5)}`, timestamp: Date.UTC(2024, 0, 1) + rng.int(300) * 86_400_000, quantity: 1, amount: 5 });
    }
    const r = cohortRates(freezeRows(tx), { churnAfter: 2 });
    const ret = retentionCohorts(tx);
    expect(r.cohorts.map((c) => [c.cohort, c.customers])).toEqual(ret.cohorts.map((c) => [c.cohort, c.customers]));
    const month = (ts: number) => new Date(ts).getUTCFullYear() * 12 + new Date(ts).getUTCMonth();
    const lastMonth = Math.max(...tx.map((t) => month(t.timestamp as number)));
    for (const c of r.cohorts) {
      const m0 = month(c.start);
      const members = [...new Set(tx.map((t) => t.customerId))].filter((id) => Math.min(...tx.filter((t) => t.customerId === id).map((t) => month(t.timestamp as number))) === m0);
      const repeaters = members.filter((id) => new Set(tx.filter((t) => t.customerId === id).map((t) => t.orderId)).size >= 2);
      const churned = members.filter((id) => Math.max(...tx.filter((t) => t.customerId === id).map((t) => month(t.timestamp as number))) < lastMonth - 1);
      expect(c.repeatCustomers).toBe(repeaters.length);
      expect(c.churned).toBe(m0 < lastMonth - 1 ? churned.length : null);
    }
  });

  it('refuses bad options and bad rows with typed errors naming the field', () => {
    const one = [line('a', 'a1', '2024-01-05')];
    expect(() => cohortRates(one, { churnAfter: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'churnAfter' }));
    expect(() => cohortRates(one, { churnAfter: 1.5 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'churnAfter' }));
    expect(() => cohortRates(one, { repeatWithin: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'repeatWithin' }));
    expect(() => cohortRates(one, { confidence: 1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'confidence' }));
    expect(() => cohortRates(one, { period: 'fortnight' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'period' }));
    expect(() => cohortRates(one, { timeZone: 'Mars/Olympus' })).toThrow(expect.objectContaining({ code: 'E_TIME_ZONE', source: 'cohortRates', field: 'timeZone' }));
    expect(() => cohortRates(one, { churnAftr: 2 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => cohortRates([])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => cohortRates([{ ...one[0]!, timestamp: 'soon' }])).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', row: 0 }));
  });
});
