import { describe, expect, it } from 'vitest';
import { simulateShop } from '@marksman/datasets';
import { BgNbdModel, ParetoNbdModel, fitBgNbd, summarizeForClv } from '@marksman/profiling';
import { clvCalibrationChart, probabilityAliveChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const shop = simulateShop({ seed: 5, customers: 600 });
const summary = deepFreeze(summarizeForClv(shop.transactions, { asOf: '2024-12-29', timeUnit: 'week', calibrationEnd: '2024-09-29' }));
const model = fitBgNbd(summary);

describe('clvCalibrationChart', () => {
  it('groups customers by calibration frequency and averages actual and predicted holdout purchases', async () => {
    const spec = clvCalibrationChart(summary, model, { maxFrequency: 4 });
    const rows = spec.datasets.purchases!;
    const actual = rows.filter((r) => r.series === 'actual');
    const predicted = rows.filter((r) => r.series === 'model');
    expect(actual.map((r) => r.label)).toEqual(predicted.map((r) => r.label));
    // brute force per group; the last group holds everyone at 4 or more
    for (const r of actual) {
      const g = r.frequency as number;
      const members = summary.rows.filter((c) => (g === 4 ? c.frequency >= 4 : c.frequency === g));
      expect(r.customers).toBe(members.length);
      expect(r.purchases).toBeCloseTo(members.reduce((a, c) => a + c.frequencyHoldout!, 0) / members.length, 12);
      const p = predicted.find((x) => x.frequency === g)!;
      expect(p.purchases).toBeCloseTo(members.reduce((a, c) => a + model.conditionalExpectedPurchases(summary.durationHoldout, c), 0) / members.length, 12);
    }
    expect(actual.reduce((a, r) => a + (r.customers as number), 0)).toBe(summary.rows.length);
    expect(actual[actual.length - 1]!.label).toBe('4+');
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Holdout purchases by calibration-period frequency', 'actual', 'model', '4+']));
  });

  it('needs a summary with a holdout period and a purchase model', () => {
    const plain = summarizeForClv(shop.transactions, { asOf: '2024-12-29', timeUnit: 'week' });
    expect(() => clvCalibrationChart(plain, model)).toThrow(expect.objectContaining({ code: 'E_CHART_NO_HOLDOUT' }));
    expect(() => clvCalibrationChart(summary, {} as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'model' }));
    expect(() => clvCalibrationChart(summary, model, { maxFrequency: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'maxFrequency' }));
    const noHoldoutRow = { ...summary, rows: [{ frequency: 1, recency: 1, T: 2 }] };
    expect(() => clvCalibrationChart(noHoldoutRow as never, model)).toThrow(expect.objectContaining({ code: 'E_CHART_NO_HOLDOUT', row: 0 }));
  });

  it('refuses a calibrationEnd, holdout length or time unit that summarizeForClv never makes', () => {
    expect(() => clvCalibrationChart({ ...summary, calibrationEnd: undefined }, model)).toThrow(expect.objectContaining({ code: 'E_CHART_NO_HOLDOUT', field: 'summary.calibrationEnd' }));
    for (const calibrationEnd of [Number.NaN, '2024-09-29', {}]) {
      expect(() => clvCalibrationChart({ ...summary, calibrationEnd } as never, model)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'summary.calibrationEnd' }));
    }
    for (const durationHoldout of [0, -1]) {
      expect(() => clvCalibrationChart({ ...summary, durationHoldout }, model)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'summary.durationHoldout' }));
    }
    for (const timeUnit of ['fortnight', 42, {}]) {
      expect(() => clvCalibrationChart({ ...summary, timeUnit } as never, model)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'summary.timeUnit' }));
    }
    // without a unit the axis gives the holdout length alone
    const y = (clvCalibrationChart({ ...summary, timeUnit: undefined } as never, model).encoding as { y: { title: string } }).y.title;
    expect(y).toBe(`Mean purchases in the holdout (${Number(summary.durationHoldout.toFixed(2))})`);
  });
});

describe('probabilityAliveChart', () => {
  it('each cell holds the model probability at its frequency and recency; it rises with recency', async () => {
    const m = new BgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 'week');
    const spec = probabilityAliveChart(m, { maxFrequency: 8, T: 40, recencyStep: 2 });
    const cells = spec.datasets.cells!;
    expect(cells.length).toBe(1 + 8 * 20);
    for (const c of cells) {
      expect(c.evaluatedAt).toBe(c.frequency === 0 ? 0 : c.recencyEnd);
      expect(c.probabilityAlive).toBe(m.probabilityAlive({ frequency: c.frequency as number, recency: c.evaluatedAt as number, T: 40 }));
      expect(c.recencyEnd as number).toBeLessThanOrEqual(40);
    }
    for (let x = 1; x <= 8; x++) {
      const row = cells.filter((c) => c.frequency === x).map((c) => c.probabilityAlive as number);
      for (let j = 1; j < row.length; j++) expect(row[j]!).toBeGreaterThanOrEqual(row[j - 1]!);
    }
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Probability alive, customers of age T = 40', 'P(alive)']));
  });

  it('works with a Pareto/NBD model; the last cell ends at T', () => {
    const m = new ParetoNbdModel({ r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 }, 'week');
    const cells = probabilityAliveChart(m, { maxFrequency: 3, T: 10.5 }).datasets.cells!;
    expect(cells.filter((c) => c.frequency === 1).map((c) => c.recency)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cells[cells.length - 1]!.recencyEnd).toBe(10.5);
  });

  it('refuses missing or bad options', () => {
    const m = new BgNbdModel({ r: 1, alpha: 1, a: 1, b: 2 });
    expect(() => probabilityAliveChart(m, { T: 10 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'maxFrequency' }));
    expect(() => probabilityAliveChart(m, { maxFrequency: 3, T: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'T' }));
    expect(() => probabilityAliveChart(m, { maxFrequency: 3, T: 10, recencyStep: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'recencyStep' }));
    expect(() => probabilityAliveChart(m, { maxFrequency: 1000, T: 1000, recencyStep: 1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'recencyStep' }));
    expect(() => probabilityAliveChart({} as never, { maxFrequency: 3, T: 10 })).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
  });
});
