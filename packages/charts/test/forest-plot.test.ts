import { describe, expect, it } from 'vitest';
import { proportionsZTest, welchTTest } from '@marksman/experiments';
import { forestPlot } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const conversion = proportionsZTest({ n: 21306, conversions: 122 }, { n: 21307, conversions: 267 });
const visits = proportionsZTest({ n: 21306, conversions: 2262 }, { n: 21307, conversions: 3894 });
const spend = welchTTest({ n: 21306, mean: 0.653, sd: 11.4 }, { n: 21307, mean: 1.423, sd: 17.9 });
const unsub = { diff: -0.0005, ciLow: -0.0021, ciHigh: -0.0002, pValue: 0.02, alpha: 0.05 };

describe('forestPlot', () => {
  it('plots each metric’s estimate and interval, in its unit, in input order', async () => {
    const metrics = deepFreeze([
      { name: 'conversion', result: conversion },
      { name: 'visit', result: visits, role: 'secondary' as const },
      { name: 'unsubscribe', result: unsub, role: 'guardrail' as const },
      { name: 'spend', result: spend, format: 'number' as const },
    ]);
    const spec = forestPlot(metrics);
    const rows = spec.datasets.intervals!;
    expect(rows.map((r) => r.name)).toEqual(['conversion', 'visit', 'unsubscribe', 'spend']);
    expect(rows[0]).toMatchObject({ unit: 'pp', role: 'primary', interval: 'above 0', level: 0.95 });
    expect(rows[0]!.estimate).toBeCloseTo(100 * conversion.diff, 12);
    expect([rows[0]!.low, rows[0]!.high]).toEqual([100 * conversion.ciLow, 100 * conversion.ciHigh]);
    expect(rows[2]).toMatchObject({ interval: 'below 0', role: 'guardrail' });
    expect(rows[3]).toMatchObject({ unit: 'number', estimate: spend.diff, low: spend.ciLow, high: spend.ciHigh });
    // pp metrics share a panel; the plain number gets its own axis
    expect((spec.vconcat as unknown[]).length).toBe(2);
    expect(spec.title).toBe('Differences (treatment − control) with 95% confidence intervals');
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['conversion', 'visit', 'unsubscribe', 'spend', 'Difference (percentage points)', 'Difference', 'above 0', 'below 0']));
  });

  it("scale 'lift' puts every metric on one percent axis from the tests' lift intervals", async () => {
    const spec = forestPlot([{ name: 'conversion', result: conversion }, { name: 'spend', result: spend, format: 'number' }], { scale: 'lift' });
    const rows = spec.datasets.intervals!;
    expect(rows.map((r) => r.unit)).toEqual(['lift', 'lift']);
    expect(rows[0]!.estimate).toBeCloseTo(100 * conversion.lift!, 12);
    expect(rows[1]!.low).toBeCloseTo(100 * spend.liftCiLow!, 12);
    expect((spec.vconcat as unknown[]).length).toBe(1);
    await checkSpec(spec);
  });

  it('refuses results it cannot draw', () => {
    expect(() => forestPlot([{ name: 'x', result: unsub }], { scale: 'lift' })).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'metrics.result.lift', row: 0 }));
    expect(() => forestPlot([{ name: '', result: unsub }])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'metrics.name' }));
    expect(() => forestPlot([{ name: 'x', result: null } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'metrics.result' }));
    expect(() => forestPlot([{ name: 'x', result: unsub, format: 'bp' } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'metrics.format' }));
    expect(() => forestPlot([])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => forestPlot([{ name: 'x', result: unsub }], { scale: 'log' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'scale' }));
  });

  it('refuses a role, p-value or alpha that summarizeExperiment would refuse, and a reversed interval', () => {
    const bad = (metric: object, field: string) => expect(() => forestPlot([{ name: 'x', ...metric } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field, row: 0 }));
    bad({ result: unsub, role: 'headline' }, 'metrics.role');
    bad({ result: unsub, role: 42 }, 'metrics.role');
    bad({ result: { ...unsub, pValue: Number.NaN } }, 'metrics.result.pValue');
    bad({ result: { ...unsub, pValue: 1.5 } }, 'metrics.result.pValue');
    bad({ result: { ...unsub, alpha: 0 } }, 'metrics.result.alpha');
    bad({ result: { ...unsub, alpha: '0.05' } }, 'metrics.result.alpha');
    bad({ result: { ...unsub, ciLow: 0.01 } }, 'metrics.result.ciLow');
    // role, pValue and alpha may be left out: a guardrail-free chart with no p-value or level
    const row = forestPlot([{ name: 'x', result: { diff: 0.01, ciLow: 0, ciHigh: 0.02 }, role: null } as never]).datasets.intervals![0]!;
    expect([row.role, row.pValue, row.level]).toEqual(['primary', null, null]);
  });

  it('refuses a difference whose percentage overflows instead of drawing Infinity', () => {
    expect(() => forestPlot([{ name: 'x', result: { ...unsub, diff: 1e308, ciHigh: 1e308 } }])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'metrics.result.diff', row: 0 }));
    // the same numbers in their own unit are fine
    expect(forestPlot([{ name: 'x', result: { ...unsub, diff: 1e308, ciHigh: 1e308 }, format: 'number' }]).datasets.intervals![0]!.estimate).toBe(1e308);
  });
});
