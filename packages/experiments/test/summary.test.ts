import { describe, expect, it } from 'vitest';
import { proportionsZTest, srmTest, summarizeExperiment, welchTTest, type MetricSummaryInput } from '@marksman/experiments';
import { codeOf } from './helpers';

const r = (diff: number, ciLow: number, ciHigh: number, pValue: number) => Object.freeze({ diff, ciLow, ciHigh, pValue, alpha: 0.05 });

describe('summarizeExperiment', () => {
  it('mirrors the doc example', () => {
    const s = summarizeExperiment([{ name: 'conversion', result: r(0.0068, 0.0045, 0.0091, 1e-8) }], { srm: null });
    expect(s.lines[0]).toBe('Variant B increased conversion by 0.68 pp (95% CI 0.45–0.91).');
    expect(s.decision).toBe('ship');
    expect(s.srmPassed).toBeNull();
  });
  it('appends the SRM verdict and marks a broken split as invalid', () => {
    const ok = summarizeExperiment([{ name: 'conversion', result: r(0.0068, 0.0045, 0.0091, 1e-8) }], { srm: srmTest([5000, 5020]) });
    expect(ok.lines[0]).toBe('Variant B increased conversion by 0.68 pp (95% CI 0.45–0.91); SRM passed.');
    const bad = summarizeExperiment([{ name: 'conversion', result: r(0.0068, 0.0045, 0.0091, 1e-8) }], { srm: srmTest([5000, 5600]) });
    expect(bad.decision).toBe('invalid');
    expect(bad.srmPassed).toBe(false);
    expect(bad.lines[0]).toMatch(/SRM FAILED \(p = .*\): the traffic split is broken/);
  });
  it('a worsened guardrail blocks shipping even when the primary metric wins', () => {
    const metrics: MetricSummaryInput[] = [
      { name: 'conversion', result: r(0.01, 0.005, 0.015, 0.0001) },
      { name: 'unsubscribe rate', role: 'guardrail', higherIsBetter: false, result: r(0.004, 0.001, 0.007, 0.01) },
    ];
    const s = summarizeExperiment(Object.freeze(metrics));
    expect(s.guardrailsPassed).toBe(false);
    expect(s.decision).toBe('do not ship');
    expect(s.metrics[1]!.outcome).toBe('worsened');
    expect(s.lines).toContain('Guardrails worsened: unsubscribe rate.'.replace('Guardrails', 'Guardrail'));
  });
  it('corrects primary and secondary metrics together (Holm) and says so', () => {
    const s = summarizeExperiment([
      { name: 'conversion', result: r(0.01, 0.001, 0.019, 0.03) },
      { name: 'revenue per visitor', format: 'number', result: r(0.2, -0.1, 0.5, 0.2), role: 'secondary' },
    ]);
    expect(s.metrics[0]!.adjustedPValue).toBeCloseTo(0.06, 12);
    expect(s.metrics[0]!.significant).toBe(false);
    expect(s.decision).toBe('inconclusive');
    expect(s.metrics[1]!.sentence).toBe('Variant B showed no detectable change in revenue per visitor (+0.20, 95% CI -0.10–0.50).');
    expect(s.lines).toContain('p-values are Holm-adjusted across the 2 primary and secondary comparisons of variant B vs control.');
    const none = summarizeExperiment(
      [
        { name: 'conversion', result: r(0.01, 0.001, 0.019, 0.03) },
        { name: 'aov', format: 'number', result: r(0.2, -0.1, 0.5, 0.2) },
      ],
      { adjust: 'none' },
    );
    expect(none.metrics[0]!.significant).toBe(true);
  });
  it('words real test results (percent format, decreases)', () => {
    const z = proportionsZTest({ n: 20000, conversions: 1200 }, { n: 20000, conversions: 1000 });
    const s = summarizeExperiment([{ name: 'conversion', result: z }], { variantName: 'C' });
    expect(s.lines[0]).toMatch(/^Variant C decreased conversion by 1\.00 pp \(95% CI -1\.\d\d–-0\.\d\d\)\.$/);
    expect(s.decision).toBe('do not ship');
    const t = welchTTest({ mean: 0.1, sd: 0.05, n: 400 }, { mean: 0.11, sd: 0.05, n: 400 });
    const p = summarizeExperiment([{ name: 'click-through', format: 'percent', digits: 1, result: t }]);
    expect(p.lines[0]).toMatch(/^Variant B increased click-through by 1\.0% \(95% CI 0\.\d–1\.\d\)\.$/);
  });
  it('mirrors the README example (Hillstrom counts, Mens E-Mail vs No E-Mail)', () => {
    const control = { n: 21306, conversions: 122 };
    const treatment = { n: 21307, conversions: 267 };
    const conv = proportionsZTest(control, treatment);
    const s = summarizeExperiment([{ name: 'conversion', result: conv }], { srm: srmTest([control.n, treatment.n]) });
    expect(s.lines[0]).toBe('Variant B increased conversion by 0.68 pp (95% CI 0.50–0.86); SRM passed.');
  });
  it('raises typed errors', () => {
    expect(codeOf(() => summarizeExperiment([]))).toBe('E_NO_METRICS');
    expect(codeOf(() => summarizeExperiment([{ name: 'x', result: r(0, 0, 0, 2) }], { adjust: 'none' }))).toBe('E_P_VALUE');
    expect(codeOf(() => summarizeExperiment([{ name: 'x', role: 'main' as 'primary', result: r(0, 0, 0, 0.5) }]))).toBe('E_METRIC_ROLE');
    expect(codeOf(() => summarizeExperiment([{ name: 'x', format: 'bp' as 'pp', result: r(0, 0, 0, 0.5) }]))).toBe('E_DIFF_FORMAT');
    expect(codeOf(() => summarizeExperiment([{ name: 'x', result: r(0, 0, 0, 0.5) }], { alpha: 2 }))).toBe('E_ALPHA');
    expect(codeOf(() => summarizeExperiment([{ name: 'x', result: r(0, 0, 0, 0.5) }], { adjust: 'sidak' as 'bh' }))).toBe('E_ADJUST_METHOD');
  });
});
