import { describe, expect, it } from 'vitest';
import { simulateShop } from '@marksman/datasets';
import { calibrationReport, fitBgNbd, fitParetoNbd, summarizeForClv } from '@marksman/profiling';
import { clvCalibrationReportChart } from '@marksman/charts';
import { checkSpec, deepFreeze } from './helpers';

const shop = simulateShop({ seed: 5, customers: 600 });
const summary = summarizeForClv(shop.transactions, { asOf: '2024-12-29', timeUnit: 'week', calibrationEnd: '2024-09-29' });
const report = deepFreeze(calibrationReport({ 'BG/NBD': fitBgNbd(summary), 'Pareto/NBD': fitParetoNbd(summary) }, summary));

describe('clvCalibrationReportChart', () => {
  it('draws one row per group for the actual line and each model, with the report numbers', () => {
    const spec = clvCalibrationReportChart(report);
    checkSpec(spec);
    const rows = spec.datasets.purchases!;
    expect(rows).toHaveLength(report.groups.length * 3);
    report.groups.forEach((g, i) => {
      expect(rows[3 * i]).toEqual({ series: 'actual', frequency: g.frequency, label: g.label, customers: g.customers, purchases: g.actual });
      expect(rows[3 * i + 1]!.purchases).toBe(g.predicted[0]);
      expect(rows[3 * i + 2]!.series).toBe('Pareto/NBD');
    });
  });
  it('refuses a group label that is not text, a holdout duration that is not a finite number > 0 and an unknown time unit', () => {
    const groups = report.groups.map((g, i) => (i === 1 ? { ...g, label: 3 } : g));
    expect(() => clvCalibrationReportChart({ ...report, groups } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.groups.label', row: 1 }));
    expect(() => clvCalibrationReportChart({ ...report, durationHoldout: Infinity })).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.durationHoldout' }));
    expect(() => clvCalibrationReportChart({ ...report, timeUnit: 'fortnight' } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.timeUnit' }));
  });
});
