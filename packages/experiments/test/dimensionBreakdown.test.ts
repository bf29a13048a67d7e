import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { adjustPValues, dimensionBreakdown, proportionsZTest, relativeLift, welchTTest, type ProportionInput } from '@marksman/experiments';
import { codeOf } from './helpers';

const segments = Object.freeze([
  Object.freeze({ segment: 'desktop', control: { n: 8000, conversions: 480 }, treatment: { n: 8100, conversions: 560 } }),
  Object.freeze({ segment: 'mobile', control: { n: 11000, conversions: 440 }, treatment: { n: 10900, conversions: 490 } }),
  Object.freeze({ segment: 'tablet', control: { n: 1000, conversions: 50 }, treatment: { n: 1050, conversions: 68 } }),
]);

describe('dimensionBreakdown', () => {
  it('runs the test per segment, keeps its result whole and adjusts the p-values across segments', () => {
    const r = dimensionBreakdown(segments, proportionsZTest);
    const raw = segments.map((s) => proportionsZTest(s.control, s.treatment).pValue);
    expect(r.segments.map((s) => s.pValue)).toEqual(raw);
    expect(r.segments.map((s) => s.adjustedPValue)).toEqual(adjustPValues(raw, 'holm'));
    expect(r.segments[0]!.result.diff).toBeCloseTo(560 / 8100 - 480 / 8000, 14);
    expect(r.segments.map((s) => s.significant)).toEqual([false, false, false]);
    expect(r.family).toBe(3);
    expect(r.note).toBe('p-values adjusted by Holm (family-wise error rate) across 3 segments.');
    const none = dimensionBreakdown(segments, proportionsZTest, { correction: 'none' });
    expect(none.segments[0]!.significant).toBe(true); // the uncorrected reading would "find" desktop
    expect(none.note).toMatch(/not adjusted across 3 segments: expect about 0.15 false positives/);
    const bh = dimensionBreakdown(segments, proportionsZTest, { correction: 'bh', alpha: 0.1 });
    expect(bh.segments.map((s) => s.adjustedPValue)).toEqual(adjustPValues(raw, 'bh'));
    expect(bh.note).toMatch(/Benjamini–Hochberg/);
  });
  it('accepts any test, options through a closure', () => {
    const means = [
      { segment: 'new', control: [3, 4, 5, 6, 2], treatment: [5, 6, 7, 6, 8] },
      { segment: 'returning', control: [10, 12, 11, 13], treatment: [11, 12, 12, 14] },
    ];
    const r = dimensionBreakdown(means, (c, t) => welchTTest(c, t, { alternative: 'greater' }), { correction: 'bonferroni' });
    expect(r.segments[1]!.adjustedPValue).toBeCloseTo(Math.min(1, 2 * welchTTest(means[1]!.control, means[1]!.treatment, { alternative: 'greater' }).pValue), 14);
    const lifts = dimensionBreakdown(segments as readonly { segment: string; control: ProportionInput; treatment: ProportionInput }[], relativeLift);
    expect(lifts.segments[2]!.result.lift).toBeCloseTo(68 / 1050 / (50 / 1000) - 1, 12);
  });
  it('A/A over 10 segments (1,000 seeded experiments): Holm keeps the chance of any false segment near 5%, no correction does not', () => {
    const rng = new Random(77);
    let holm = 0;
    let none = 0;
    const draw = (n: number) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (rng.next() < 0.1) c++;
      return { n, conversions: c };
    };
    for (let s = 0; s < 1000; s++) {
      const segs = Array.from({ length: 10 }, (_, k) => ({ segment: `s${k}`, control: draw(300), treatment: draw(300) }));
      if (dimensionBreakdown(segs, proportionsZTest).segments.some((x) => x.significant)) holm++;
      if (dimensionBreakdown(segs, proportionsZTest, { correction: 'none' }).segments.some((x) => x.significant)) none++;
    }
    expect(holm / 1000).toBeLessThan(0.07);
    expect(none / 1000).toBeGreaterThan(0.3); // 1 − 0.95^10 ≈ 0.40
  });
  it('typed errors', () => {
    expect(codeOf(() => dimensionBreakdown([], proportionsZTest))).toBe('E_SEGMENTS');
    expect(codeOf(() => dimensionBreakdown([segments[0]!, segments[0]!], proportionsZTest))).toBe('E_SEGMENTS');
    expect(codeOf(() => dimensionBreakdown([{ ...segments[0]!, segment: '' }], proportionsZTest))).toBe('E_SEGMENTS');
    expect(codeOf(() => dimensionBreakdown(segments, () => ({ pValue: 2 })))).toBe('E_SEGMENTS');
    expect(codeOf(() => dimensionBreakdown(segments, 'proportionsZTest' as never))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => dimensionBreakdown(segments, proportionsZTest, { correction: 'fdr' as never }))).toBe('E_ADJUST_METHOD');
    expect(codeOf(() => dimensionBreakdown(segments, proportionsZTest, { alpha: 2 }))).toBe('E_ALPHA');
    expect(codeOf(() => dimensionBreakdown(segments, proportionsZTest, { corection: 'holm' } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => dimensionBreakdown([{ segment: 'x', control: { n: 0, conversions: 0 }, treatment: { n: 5, conversions: 1 } }], proportionsZTest))).toBe('E_ZERO_VISITORS');
  });
});
