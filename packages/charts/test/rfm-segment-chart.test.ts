import { describe, expect, it } from 'vitest';
import { rfmScores, rfmSegments } from '@marksman/segmentation';
import { rfmSegmentChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

describe('rfmSegmentChart', () => {
  it('counts customers and sums spend per segment; shares add up to 1', async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ customerId: `c${i}`, recency: (i * 37) % 101, frequency: 1 + ((i * 7) % 9), monetary: 10 + ((i * 13) % 50) }));
    const segments = deepFreeze(rfmSegments(rfmScores(records)));
    const spec = rfmSegmentChart(segments);
    const rows = spec.datasets.segments!;
    for (const r of rows) {
      const members = segments.filter((s) => s.segment === r.segment);
      expect(r.customers).toBe(members.length);
      expect(r.monetary).toBeCloseTo(members.reduce((a, s) => a + s.monetary, 0), 9);
    }
    expect(rows.reduce((a, r) => a + (r.customers as number), 0)).toBe(40);
    expect(rows.reduce((a, r) => a + (r.customerShare as number), 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((a, r) => a + (r.monetaryShare as number), 0)).toBeCloseTo(1, 12);
    // largest first
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.customers as number).toBeGreaterThanOrEqual(rows[i]!.customers as number);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['RFM segments', 'Customers', ...rows.map((r) => r.segment as string)]));
  });

  it('refuses rows without a segment or a finite monetary value', () => {
    expect(() => rfmSegmentChart([{ segment: 'A', monetary: NaN }] as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 0, field: 'assignments.monetary' }));
    expect(() => rfmSegmentChart([{ segment: 'A', monetary: 1 }, { monetary: 1 }] as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 1, field: 'assignments.segment' }));
    expect(() => rfmSegmentChart([])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
  });
});
