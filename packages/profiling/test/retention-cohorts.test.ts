import { describe, expect, it } from 'vitest';
import type { Transaction } from '@marksman/core';
import { Random, periodKey } from '@marksman/core';
import { retentionCohorts } from '@marksman/profiling';
import { freezeRows } from './features-helpers';

const line = (customerId: string | number, timestamp: string, amount = 10): Transaction => ({ customerId, orderId: `${customerId}@${timestamp}`, timestamp, quantity: 1, amount });

describe('retentionCohorts', () => {
  it('hand-computed monthly table: cohorts by first purchase, distinct customers per later month, zeros kept', () => {
    const r = retentionCohorts(
      freezeRows([
        line('a', '2024-01-05'), line('a', '2024-01-25'), line('a', '2024-03-01'),
        line('b', '2024-01-31T23:59:59Z'), line('b', '2024-02-01T00:00:00Z'),
        line('c', '2024-02-02'), line('d', '2024-02-28'), line('d', '2024-04-30'),
        line(7, '2024-04-01'),
      ]),
    );
    expect(r.period).toBe('month');
    expect(r.lastPeriod).toBe('2024-04');
    expect(r.cohorts.map((c) => c.cohort)).toEqual(['2024-01', '2024-02', '2024-04']);
    expect(r.cohorts[0]).toMatchObject({ customers: 2, active: [2, 1, 1, 0], retention: [1, 0.5, 0.5, 0] });
    expect(r.cohorts[1]).toMatchObject({ customers: 2, active: [2, 0, 1], retention: [1, 0, 0.5] });
    expect(r.cohorts[2]).toMatchObject({ customers: 1, active: [1], retention: [1] });
    expect(new Date(r.cohorts[1]!.start).toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('columns give the same table as records, and order of lines does not matter', () => {
    const rng = new Random(11);
    const rows: Transaction[] = [];
    for (let i = 0; i < 300; i++) {
      const day = Math.floor(rng.next() * 200);
      rows.push({ customerId: `c${Math.floor(rng.next() * 40)}`, orderId: i, timestamp: Date.UTC(2024, 0, 1) + day * 86_400_000, quantity: 1, amount: 5 });
    }
    const a = retentionCohorts(freezeRows(rows), { period: 'week' });
    const shuffled = rows.slice().reverse();
    const b = retentionCohorts({
      customerId: shuffled.map((r) => r.customerId),
      orderId: shuffled.map((r) => r.orderId),
      timestamp: shuffled.map((r) => r.timestamp as number),
      amount: shuffled.map((r) => r.amount!),
    });
    expect(retentionCohorts(shuffled, { period: 'week' })).toEqual(a);
    expect(b.period).toBe('month');
    // invariants: every customer in exactly one cohort; active[0] is the cohort size; counts never exceed it
    expect(a.cohorts.reduce((s, c) => s + c.customers, 0)).toBe(new Set(rows.map((r) => r.customerId)).size);
    for (const c of a.cohorts) {
      expect(c.active[0]).toBe(c.customers);
      for (const v of c.active) expect(v).toBeLessThanOrEqual(c.customers);
    }
    // brute force: customers of a cohort active k weeks later
    const weekIndex = (ts: number) => Math.floor((ts - Date.UTC(2024, 0, 1)) / (7 * 86_400_000)); // 2024-01-01 is a Monday
    const firstWeek = new Map<string, number>();
    for (const r of rows) firstWeek.set(r.customerId as string, Math.min(firstWeek.get(r.customerId as string) ?? Infinity, weekIndex(r.timestamp as number)));
    for (const c of a.cohorts) {
      const w0 = weekIndex(c.start);
      c.active.forEach((v, k) => {
        const who = new Set(rows.filter((r) => firstWeek.get(r.customerId as string) === w0 && weekIndex(r.timestamp as number) === w0 + k).map((r) => r.customerId));
        expect(v).toBe(who.size);
      });
      expect(c.cohort).toBe(periodKey(c.start, 'week'));
    }
  });

  it('reads calendar periods in the time zone given', () => {
    const rows = freezeRows([line('a', '2024-01-31T23:30:00Z'), line('a', '2024-02-01T00:30:00Z')]);
    expect(retentionCohorts(rows).cohorts[0]!.active).toEqual([1, 1]);
    // in New York both lines are on 31 January
    const ny = retentionCohorts(rows, { timeZone: 'America/New_York' });
    expect(ny.cohorts.map((c) => [c.cohort, c.active])).toEqual([['2024-01', [1]]]);
    expect(retentionCohorts(rows, { period: 'day' }).cohorts[0]!.active).toEqual([1, 1]);
    expect(retentionCohorts(rows, { period: 'quarter' }).cohorts[0]!.active).toEqual([1]);
    expect(retentionCohorts(rows, { period: 'year' }).lastPeriod).toBe('2024');
  });

  it('refuses bad options and bad rows with typed errors', () => {
    const rows = [line('a', '2024-01-05')];
    expect(() => retentionCohorts(rows, { period: 'fortnight' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'period' }));
    expect(() => retentionCohorts(rows, { weekStartsOn: 9 as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'weekStartsOn' }));
    expect(() => retentionCohorts(rows, { timeZone: 'Mars/Olympus' })).toThrow(expect.objectContaining({ code: 'E_TIME_ZONE', source: 'retentionCohorts', field: 'timeZone' }));
    expect(() => retentionCohorts(rows, { perod: 'week' } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => retentionCohorts([])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => retentionCohorts([{ ...rows[0]!, timestamp: 'yesterday' }])).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', row: 0 }));
  });
});
