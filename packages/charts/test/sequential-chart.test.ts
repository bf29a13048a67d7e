import { describe, expect, it } from 'vitest';
import { sequentialTest } from '@marksman/experiments';
import type { SequentialTestResult } from '@marksman/experiments';
import { sequentialChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

function looks(): SequentialTestResult[] {
  const out: SequentialTestResult[] = [];
  let previous: SequentialTestResult | null = null;
  for (let day = 1; day <= 8; day++) {
    const n = 500 * day;
    const r: SequentialTestResult = sequentialTest(
      [{ n, conversions: Math.round(n * 0.1) }, { n, conversions: Math.round(n * 0.115) }, { n, conversions: Math.round(n * 0.1) + (day % 2) }],
      { previous },
    );
    out.push(r);
    previous = r;
  }
  return out;
}

describe('sequentialChart', () => {
  it('one row per look and variant with the looks’ numbers; intervals only narrow', async () => {
    const all = deepFreeze(looks());
    const spec = sequentialChart(all, { variantNames: ['control', 'B', 'C'] });
    const rows = spec.datasets.path!;
    expect(rows.length).toBe(8 * 2);
    all.forEach((look, i) => {
      for (const c of look.comparisons) {
        const row = rows.find((r) => r.look === i + 1 && r.variant === ['control', 'B', 'C'][c.index])!;
        expect(row).toMatchObject({ units: 3 * 500 * (i + 1), diff: c.diff, pValue: c.pValue, ciLow: c.ciLow, ciHigh: c.ciHigh, significant: c.significant });
      }
    });
    const b = rows.filter((r) => r.variant === 'B');
    for (let i = 1; i < b.length; i++) {
      expect(b[i]!.ciLow as number).toBeGreaterThanOrEqual(b[i - 1]!.ciLow as number);
      expect(b[i]!.ciHigh as number).toBeLessThanOrEqual(b[i - 1]!.ciHigh as number);
      expect(b[i]!.pValue as number).toBeLessThanOrEqual(b[i - 1]!.pValue as number);
    }
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Always-valid p-value (rule at α = 0.05)', 'Difference (variant − control) with 95% confidence sequence', 'B', 'C']));
  });

  it('an unbounded interval end (no variance yet) becomes null, also after JSON', async () => {
    const first = sequentialTest([{ n: 10, conversions: 0 }, { n: 10, conversions: 0 }]);
    const json = JSON.parse(JSON.stringify(first)) as SequentialTestResult;
    const spec = sequentialChart([json]);
    expect(spec.datasets.path![0]).toMatchObject({ variant: 'variant 1' });
    await checkSpec(spec);
  });

  it('labels relative lifts as such, and refuses looks that mix the two scales', async () => {
    const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }], { difference: 'relative' });
    const day2 = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { difference: 'relative', previous: day1 });
    const spec = sequentialChart([day1, day2]);
    expect(spec.datasets.path![1]).toMatchObject({ diff: day2.comparisons[0]!.diff });
    expect(svgTexts(await checkSpec(spec))).toEqual(expect.arrayContaining(['Relative lift (variant / control − 1) with 95% confidence sequence']));
    const absolute = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }]);
    expect(() => sequentialChart([day1, { ...absolute, look: 2 }])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'looks.difference', row: 1 }));
    expect(() => sequentialChart([{ ...day1, difference: 'ratio' } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'looks.difference', row: 0 }));
  });

  it('refuses looks out of order, bad results and too few names', () => {
    const all = looks();
    expect(() => sequentialChart([all[1]!, all[0]!])).toThrow(expect.objectContaining({ code: 'E_CHART_LOOK_ORDER', row: 1 }));
    expect(() => sequentialChart([{ look: 1 }] as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', row: 0 }));
    expect(() => sequentialChart(all, { variantNames: ['control', 'B'] })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'variantNames' }));
    expect(() => sequentialChart(all, { variantNames: 'B' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'variantNames' }));
  });

  it('names the part of a look that is wrong: n, comparisons, alpha, a p-value, a variant index', () => {
    const [first] = looks();
    const bad = (look: object, field: string) => expect(() => sequentialChart([{ ...first!, ...look } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field, row: 0 }));
    bad({ n: 42 }, 'looks.n');
    bad({ comparisons: {} }, 'looks.comparisons');
    bad({ alpha: 0 }, 'looks.alpha');
    bad({ alpha: 42 }, 'looks.alpha');
    const cmp = first!.comparisons[0]!;
    bad({ comparisons: [{ ...cmp, pValue: 1.5 }] }, 'looks.comparisons.pValue');
    bad({ comparisons: [{ ...cmp, index: -1 }] }, 'looks.comparisons.index');
    bad({ comparisons: [{ ...cmp, index: 0.5 }] }, 'looks.comparisons.index');
  });
});
