import { describe, expect, it } from 'vitest';
import { qiniCoefficient, qiniCurve, upliftCurve } from '@marksman/metrics';
import { qiniChart, upliftChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const y = [1, 0, 1, 0, 1, 0, 1, 1];
const t = [1, 1, 0, 0, 1, 0, 1, 0];
const s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];

describe('upliftChart and qiniChart', () => {
  it('plot the curve points and a random line between its ends', async () => {
    const curve = deepFreeze(upliftCurve(y, t, s));
    const spec = upliftChart(curve);
    expect(spec.datasets.curve!.map((r) => r.targeted)).toEqual(Array.from(curve.targeted));
    expect(spec.datasets.curve!.map((r) => r.value)).toEqual(Array.from(curve.value));
    const last = curve.targeted.length - 1;
    expect(spec.datasets.random).toEqual([{ targeted: 0, value: 0 }, { targeted: curve.targeted[last], value: curve.value[last] }]);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Uplift curve', 'People targeted (highest predicted uplift first)']));
  });

  it('the Qini chart: the area between curve and random line has the sign of the Qini coefficient', async () => {
    const spec = qiniChart(qiniCurve(y, t, s));
    const c = spec.datasets.curve!;
    const r = spec.datasets.random!;
    let area = 0;
    const slope = ((r[1]!.value as number) - (r[0]!.value as number)) / ((r[1]!.targeted as number) - (r[0]!.targeted as number));
    for (let i = 1; i < c.length; i++) {
      const dx = (c[i]!.targeted as number) - (c[i - 1]!.targeted as number);
      const above = (p: (typeof c)[number]) => (p.value as number) - slope * (p.targeted as number);
      area += (dx * (above(c[i]!) + above(c[i - 1]!))) / 2;
    }
    expect(Math.sign(area)).toBe(Math.sign(qiniCoefficient(y, t, s)));
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Qini curve', 'Incremental responders']));
  });

  it('refuses what is not a curve', () => {
    expect(() => qiniChart({ targeted: [0, 1] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'curve.value' }));
    expect(() => upliftChart({ targeted: [0, 1], value: [0, Infinity] } as never)).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE' }));
  });
});
