import { describe, expect, it } from 'vitest';
import { averagePrecisionScore, precisionRecallCurve } from '@marksman/metrics';
import { precisionRecallChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1];
const s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.55, 0.6, 0.3, 0.05, 0.55];

describe('precisionRecallChart', () => {
  it('plots the points of the curve from recall 0 upwards, titled with the average precision of averagePrecisionScore', async () => {
    const curve = deepFreeze(precisionRecallCurve(y, s));
    const spec = precisionRecallChart(curve);
    const rows = spec.datasets.pr!;
    expect(rows.map((r) => r.recall)).toEqual(Array.from(curve.recall).reverse());
    expect(rows.map((r) => r.precision)).toEqual(Array.from(curve.precision).reverse());
    expect(rows[0]!.threshold).toBeNull();
    expect(rows.slice(1).map((r) => r.threshold)).toEqual(Array.from(curve.thresholds).reverse());
    expect(spec.title).toBe(`Precision–recall curve (AP ${averagePrecisionScore(y, s).toFixed(3)})`);
    // the baseline is the share of positives
    expect(spec.datasets.baseline![0]!.precision).toBeCloseTo(6 / 11, 15);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([spec.title, 'Recall', 'Precision']));
  });

  it('refuses mismatched arrays', () => {
    expect(() => precisionRecallChart({ precision: [1, 1], recall: [0] } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => precisionRecallChart({ precision: [0.5, 1, 1], recall: [1, 0] } as never)).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => precisionRecallChart({ precision: [0.5, 1], recall: [1, 0], thresholds: [0.1, 0.2] } as never)).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => precisionRecallChart('curve' as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
  });
});
