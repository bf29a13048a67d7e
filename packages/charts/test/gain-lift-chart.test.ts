import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { gainChart, liftChart } from '@marksman/charts';
import { checkSpec, svgTexts } from './helpers';

// 200 people, a score that is informative but noisy, ties included.
const rng = new Random(7);
const n = 200;
const yTrue: number[] = [];
const scores: number[] = [];
for (let i = 0; i < n; i++) {
  const y = rng.next() < 0.3 ? 1 : 0;
  yTrue.push(y);
  scores.push(Math.round((y * 0.3 + rng.next()) * 20) / 20);
}
Object.freeze(yTrue);
Object.freeze(scores);

describe('gainChart and liftChart', () => {
  it('gains rise from (0, 0) to (1, 1), never fall, and agree with a direct count at every threshold', async () => {
    const spec = gainChart(yTrue, scores);
    const rows = spec.datasets.gains!;
    expect(rows[0]).toMatchObject({ share: 0, capturedShare: 0, threshold: null });
    expect(rows[rows.length - 1]).toMatchObject({ share: 1, capturedShare: 1 });
    for (let i = 1; i < rows.length; i++) {
      const t = rows[i]!.threshold as number;
      let k = 0;
      let tp = 0;
      for (let j = 0; j < n; j++) {
        if (scores[j]! < t) continue;
        k++;
        tp += yTrue[j]!;
      }
      expect(rows[i]!.targeted).toBe(k);
      expect(rows[i]!.captured).toBe(tp);
      expect(rows[i]!.capturedShare).toBeGreaterThanOrEqual(rows[i - 1]!.capturedShare as number);
    }
    // one point per distinct score, plus the start
    expect(rows.length).toBe(new Set(scores).size + 1);
    const positives = yTrue.reduce((a, b) => a + b, 0);
    expect(spec.datasets.perfect![1]).toEqual({ share: positives / n, capturedShare: 1 });
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Cumulative gains', 'Share of positives captured']));
  });

  it('lift is the captured share over the targeted share, and ends at 1', async () => {
    const gains = gainChart(yTrue, scores).datasets.gains!;
    const spec = liftChart(yTrue, scores);
    const rows = spec.datasets.lift!;
    expect(rows.length).toBe(gains.length - 1);
    rows.forEach((r, i) => {
      const g = gains[i + 1]!;
      expect(r.lift).toBeCloseTo((g.capturedShare as number) / (g.share as number), 12);
    });
    expect(rows[rows.length - 1]!.lift).toBeCloseTo(1, 12);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toContain('Cumulative lift');
  });

  it('a perfect ranking captures every positive after targeting exactly the positives', () => {
    const rows = gainChart([1, 1, 0, 0, 0], [5, 4, 3, 2, 1]).datasets.gains!;
    expect(rows[2]).toMatchObject({ share: 0.4, capturedShare: 1 });
  });

  it('refuses bad outcomes and scores with typed errors', () => {
    expect(() => gainChart([0, 0, 0], [1, 2, 3])).toThrow(expect.objectContaining({ code: 'E_SINGLE_CLASS' }));
    expect(() => liftChart([0, 2], [1, 2])).toThrow(expect.objectContaining({ code: 'E_LABEL', row: 1 }));
    expect(() => gainChart([0, 1], [1, NaN])).toThrow(expect.objectContaining({ code: 'E_NOT_FINITE', row: 1 }));
    expect(() => gainChart([0, 1], [1])).toThrow(expect.objectContaining({ code: 'E_LENGTH' }));
    expect(() => gainChart([], [])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => gainChart('01' as never, [1, 2])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
  });
});
