import { describe, expect, it } from 'vitest';
import { rocAuc, rocCurve } from '@marksman/metrics';
import { rocChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

const y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0];
const s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.55, 0.6, 0.3, 0.05];

describe('rocChart', () => {
  it('plots exactly the points of the curve, in its order, with the AUC of rocAuc in the title', async () => {
    const curve = deepFreeze(rocCurve(y, s));
    const spec = rocChart(curve);
    const rows = spec.datasets.roc!;
    expect(rows.map((r) => r.fpr)).toEqual(Array.from(curve.fpr));
    expect(rows.map((r) => r.tpr)).toEqual(Array.from(curve.tpr));
    expect(rows.map((r) => r.order)).toEqual(rows.map((_, i) => i));
    expect(rows[0]!.threshold).toBeNull(); // Infinity has no JSON form
    expect(rows.slice(1).map((r) => r.threshold)).toEqual(Array.from(curve.thresholds).slice(1));
    expect(spec.title).toBe(`ROC curve (AUC ${rocAuc(y, s).toFixed(3)})`);
    const svg = await checkSpec(spec);
    const texts = svgTexts(svg);
    expect(texts).toContain(spec.title);
    expect(texts).toContain('False-positive rate');
    expect(texts).toContain('True-positive rate');
    // one line for the curve and one for the chance diagonal
    expect(svg.match(/class="mark-line role-mark/g)?.length).toBe(2);
  });

  it('accepts a curve that went through JSON (plain arrays, no thresholds) and a custom title and size', () => {
    const spec = rocChart({ fpr: [0, 0.5, 1], tpr: [0, 1, 1] } as never, { title: 'Model A', width: 200, height: 150 });
    expect(spec.title).toBe('Model A');
    expect([spec.width, spec.height]).toEqual([200, 150]);
    expect(spec.datasets.roc!.map((r) => r.threshold)).toEqual([null, null, null]);
  });

  it('refuses what is not a ROC curve, with typed errors', () => {
    expect(() => rocChart(null as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'curve' }));
    expect(() => rocChart({ fpr: [0, 1], tpr: [0, 0.5, 1] } as never)).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => rocChart({ fpr: [0], tpr: [0] } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => rocChart({ fpr: [0, NaN], tpr: [0, 1] } as never)).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', row: 1 }));
    expect(() => rocChart({ fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity] } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => rocChart(rocCurve(y, s), { widht: 3 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => rocChart(rocCurve(y, s), { height: -1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'height' }));
    expect(() => rocChart(rocCurve(y, s), { title: 3 as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'title' }));
  });
});
