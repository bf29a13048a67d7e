import { describe, expect, it } from 'vitest';
import { attribution } from '@marksman/metrics';
import { attributionChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const paths = [
  { channels: ['search', 'email', 'direct'], conversions: 30, nulls: 20 },
  { channels: ['social', 'search'], conversions: 10, nulls: 40 },
  { channels: ['email'], conversions: 25, nulls: 10 },
  { channels: ['social'], conversions: 5, nulls: 60 },
  { channels: ['direct'], conversions: 15, nulls: 15 },
];

describe('attributionChart', () => {
  it('one bar per model and channel; each model’s shares are its credits over its conversions and sum to 1', async () => {
    const results = deepFreeze((['last_touch', 'linear', 'markov'] as const).map((model) => attribution(paths, { model })));
    const spec = attributionChart(results);
    const rows = spec.datasets.credits!;
    expect(rows.length).toBe(3 * 4);
    for (const r of results) {
      const mine = rows.filter((x) => x.model === r.model);
      expect(mine.map((x) => x.channel)).toEqual(r.channels);
      expect(mine.map((x) => x.credit)).toEqual(Array.from(r.credits));
      expect(mine.reduce((a, x) => a + (x.share as number), 0)).toBeCloseTo(1, 12);
      expect(mine.map((x) => x.removalEffect)).toEqual(r.removalEffects === null ? [null, null, null, null] : Array.from(r.removalEffects));
    }
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Attribution: share of conversions by channel', 'search', 'email', 'direct', 'social', 'markov', 'linear', 'last_touch']));
  });

  it("draws Shapley results, whose credits may be negative (a channel that lowers the conversion rate)", async () => {
    // {a} converts 30 %, {a, b} 20 %: adding b lowers the rate, so b's Shapley credit is negative
    const shapley = attribution(
      [
        { channels: ['a'], conversions: 30, nulls: 70 },
        { channels: ['b'], conversions: 1, nulls: 99 },
        { channels: ['a', 'b'], conversions: 20, nulls: 80 },
      ],
      { model: 'shapley' },
    );
    expect(shapley.credits[1]).toBeLessThan(0);
    const rows = attributionChart(shapley).datasets.credits!;
    expect(rows.map((x) => x.credit)).toEqual(Array.from(shapley.credits));
    await checkSpec(attributionChart(shapley));
  });

  it('a single result needs no legend; a model given twice is refused', async () => {
    const one = attribution(paths);
    const spec = attributionChart(one);
    expect((spec.encoding as Record<string, unknown>).color).toBeUndefined();
    await checkSpec(spec);
    expect(() => attributionChart([one, one])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 1 }));
    expect(() => attributionChart({ ...one, credits: new Float64Array(2) })).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => attributionChart([])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => attributionChart({ model: 'x' } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'results.channels' }));
    expect(() => attributionChart({ ...one, model: 42 } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'results.model' }));
  });

  it('refuses conversions that the credits do not sum to, and negative credits (shares would be made up or infinite)', () => {
    const one = attribution(paths, { model: 'markov' });
    for (const conversions of [1e-308, 0, 42, -1]) {
      expect(() => attributionChart({ ...one, conversions })).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'results.conversions', row: 0 }));
    }
    const credits = Float64Array.from(one.credits);
    credits[0] = -credits[0]!;
    credits[1] = credits[1]! - 2 * credits[0]!;
    expect(() => attributionChart({ ...one, credits })).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'results.credits', row: 0 }));
  });
});
