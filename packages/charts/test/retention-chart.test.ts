import { describe, expect, it } from 'vitest';
import { simulateShop } from '@marksman/datasets';
import { retentionCohorts } from '@marksman/profiling';
import { retentionChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

describe('retentionChart', () => {
  it('has one cell per cohort and period with the table’s counts and shares', async () => {
    const shop = simulateShop({ seed: 3, customers: 400 });
    const cohorts = deepFreeze(retentionCohorts(shop.transactions));
    const spec = retentionChart(cohorts);
    const cells = spec.datasets.retention!;
    expect(cells.length).toBe(cohorts.cohorts.reduce((a, c) => a + c.active.length, 0));
    for (const c of cohorts.cohorts) {
      const mine = cells.filter((x) => x.cohort === c.cohort);
      expect(mine.map((x) => x.active)).toEqual(c.active);
      expect(mine.map((x) => x.retention)).toEqual(c.retention);
      expect(mine[0]!.retention).toBe(1);
    }
    const svg = await checkSpec(spec);
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['Retention by monthly cohort', 'Months since first purchase', '100%']));
    expect(texts).toContain(`${cohorts.cohorts[0]!.cohort} · ${cohorts.cohorts[0]!.customers}`);
  });

  it('names the period in the title and refuses what is not a cohort table', () => {
    const line = (customerId: string, timestamp: string) => ({ customerId, orderId: `${customerId}${timestamp}`, timestamp, quantity: 1, amount: 1 });
    expect(retentionChart(retentionCohorts([line('a', '2024-01-01'), line('a', '2024-01-09')], { period: 'week' })).title).toBe('Retention by weekly cohort');
    expect(() => retentionChart({ period: 'month', cohorts: [{ cohort: '2024-01', customers: 2, active: [] }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 0 }));
    expect(() => retentionChart({ period: 'month', cohorts: [] } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
  });

  it('refuses cohort sizes and counts that are not whole numbers of customers, so every share lies in [0, 1]', () => {
    const cohort = (customers: unknown, active: unknown[]) => ({ period: 'month', cohorts: [{ cohort: '2024-01', customers, active }] }) as never;
    expect(retentionChart(cohort(4, [4, 1, 0])).datasets.retention!.map((r) => r.retention)).toEqual([1, 0.25, 0]);
    // a tiny cohort size made the shares Infinity; a negative one made them 0
    for (const customers of [1e-308, 0, -1, 2.5]) {
      expect(() => retentionChart(cohort(customers, [1]))).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'cohorts.cohorts.customers', row: 0 }));
    }
    for (const count of [-1, 0.5, 5]) {
      expect(() => retentionChart(cohort(4, [4, count]))).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'cohorts.cohorts.active', row: 0 }));
    }
  });

  it('refuses an unknown period (it names the axis); without one the chart speaks of periods', () => {
    const table = { cohorts: [{ cohort: '2024-01', customers: 2, active: [2, 1] }] };
    const spec = retentionChart(table as never);
    expect(spec.title).toBe('Retention by cohort');
    expect((spec.encoding as { x: { title: string } }).x.title).toBe('Periods since first purchase');
    for (const period of ['fortnight', 'toString', 42, {}]) {
      expect(() => retentionChart({ ...table, period } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'cohorts.period' }));
    }
  });
});
