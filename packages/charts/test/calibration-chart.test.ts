import { describe, expect, it } from 'vitest';
import { calibrationCurve } from '@marksman/metrics';
import { calibrationChart } from '@marksman/charts';
import { checkSpec, deepFreeze, markCount, svgTexts } from './helpers';

describe('calibrationChart', () => {
  it('plots one point per bin with the curve values and counts', async () => {
    const y = [0, 0, 1, 0, 1, 1, 1, 0, 1, 1];
    const p = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    const curve = deepFreeze(calibrationCurve(y, p, { bins: 4 }));
    const spec = calibrationChart(curve);
    const rows = spec.datasets.calibration!;
    expect(rows.map((r) => r.meanPredicted)).toEqual(Array.from(curve.meanPredicted));
    expect(rows.map((r) => r.fractionPositive)).toEqual(Array.from(curve.fractionPositive));
    expect(rows.map((r) => r.count)).toEqual(Array.from(curve.counts));
    expect(rows.reduce((a, r) => a + (r.count as number), 0)).toBe(10);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Calibration', 'Mean predicted probability', 'Observed share of positives']));
    expect(markCount(svg, 'symbol')).toBeGreaterThan(0);
  });

  it('refuses a curve whose counts do not pair with its bins', () => {
    expect(() => calibrationChart({ fractionPositive: [0, 1], meanPredicted: [0.1, 0.9], counts: [3] } as never)).toThrow(
      expect.objectContaining({ code: 'E_LENGTH', field: 'curve.counts' }),
    );
  });
});
