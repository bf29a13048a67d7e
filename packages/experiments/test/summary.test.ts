import { describe, expect, it } from 'vitest';
import { proportionsZTest, srmTest, summarizeExperiment, welchTTest, type MetricSummaryInput } from '@marksman/experiments';
import { Random } from '@marksman/core';
import { codeOf } from './helpers';

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7): enough to make test p-values. */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const r = (diff: number, ciLow: number, ciHigh: number, pValue: number) => Object.freeze({ diff, ciLow, ciHigh, pValue, alpha: 0.05 });

describe('summarizeExperiment', () => {
  it('mirrors the doc example (real Hillstrom counts, and a metric that loses significance after Holm)', () => {
    const conv = proportionsZTest(Object.freeze({ n: 21306, conversions: 122 }), Object.freeze({ n: 21307, conversions: 267 }));
    const s = summarizeExperiment([{ name: 'conversion', result: conv }]);
    expect(s.lines[0]).toBe('Variant B increased conversion by 0.68 pp (95% CI 0.50–0.86).');
    expect(s.decision).toBe('ship');
    expect(s.srmPassed).toBeNull();
    const conv2 = proportionsZTest({ n: 20000, conversions: 1000 }, { n: 20180, conversions: 1105 });
    expect(conv2.pValue.toFixed(3)).toBe('0.032');
    const aov = r(0.8, -1.2, 2.8, 0.43);
    const t = summarizeExperiment([
      { name: 'conversion', result: conv2 },
      { name: 'order value', result: aov, format: 'number', role: 'secondary' },
    ]);
    expect(t.lines[0]).toBe(
      'Variant B showed no detectable change in conversion after Holm correction across 2 metrics (+0.48 pp, adjusted p = 0.065; unadjusted 95% CI 0.04–0.91).',
    );
    expect(t.lines[1]).toBe('Variant B showed no detectable change in order value (+0.80, 95% CI −1.20 to 2.80).');
    expect(t.lines[2]).toBe('p-values are Holm-adjusted across the 2 primary and secondary comparisons of variant B vs control; intervals are unadjusted.');
    expect(t.decision).toBe('inconclusive');
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
    expect(s.metrics[1]!.sentence).toBe('Variant B showed no detectable change in revenue per visitor (+0.20, 95% CI −0.10 to 0.50).');
    expect(s.metrics[0]!.sentence).toBe(
      'Variant B showed no detectable change in conversion after Holm correction across 2 metrics (+1.00 pp, adjusted p = 0.060; unadjusted 95% CI 0.10–1.90).',
    );
    expect(s.lines).toContain('p-values are Holm-adjusted across the 2 primary and secondary comparisons of variant B vs control; intervals are unadjusted.');
    const none = summarizeExperiment(
      [
        { name: 'conversion', result: r(0.01, 0.001, 0.019, 0.03) },
        { name: 'aov', format: 'number', result: r(0.2, -0.1, 0.5, 0.2) },
      ],
      { adjust: 'none' },
    );
    expect(none.metrics[0]!.significant).toBe(true);
    expect(none.metrics[0]!.sentence).toBe('Variant B increased conversion by 1.00 pp (95% CI 0.10–1.90).');
    // Bonferroni and BH name themselves in the clause
    const bonf = summarizeExperiment(
      [
        { name: 'conversion', result: r(0.01, 0.001, 0.019, 0.03) },
        { name: 'aov', format: 'number', result: r(0.2, -0.1, 0.5, 0.2) },
      ],
      { adjust: 'bonferroni' },
    );
    expect(bonf.metrics[0]!.sentence).toMatch(/after Bonferroni correction across 2 metrics \(\+1\.00 pp, adjusted p = 0\.060; unadjusted 95% CI/);
  });
  it('never states a verdict that its own interval contradicts', () => {
    // a significant p-value whose (differently approximated) interval touches 0
    const sig = summarizeExperiment([{ name: 'conversion', result: r(0.004, -0.0001, 0.0081, 0.049) }]);
    expect(sig.metrics[0]!.outcome).toBe('improved');
    expect(sig.lines[0]).toBe('Variant B increased conversion by 0.40 pp (p = 0.049 < α = 0.05, though the 95% CI −0.01 to 0.81 includes 0).');
    // a non-significant p-value (at the summary's alpha) with an interval that excludes 0
    const strict = summarizeExperiment([{ name: 'conversion', result: r(0.01, 0.001, 0.019, 0.03) }], { alpha: 0.01 });
    expect(strict.lines[0]).toBe('Variant B showed no detectable change in conversion (+1.00 pp, p = 0.030 ≥ α = 0.01, though the 95% CI 0.10–1.90 excludes 0).');
    // property: over many random two-metric families, a sentence without a clause has an interval on the side of its verdict
    const rng = new Random(7);
    const fmt3 = (x: number) => x.toFixed(3).replace('-', '−');
    for (let k = 0; k < 500; k++) {
      const make = () => {
        const diff = rng.normal(0, 1);
        const se = 0.2 + rng.uniform(0, 1);
        const z = diff / se;
        const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
        return r(diff, diff - 1.959963984540054 * se, diff + 1.959963984540054 * se, p);
      };
      const results = [make(), make()];
      const s = summarizeExperiment([
        { name: 'a', result: results[0]!, format: 'number', digits: 3 },
        { name: 'b', result: results[1]!, format: 'number', digits: 3, role: 'secondary' },
      ]);
      for (const [i, m] of s.metrics.entries()) {
        const { ciLow, ciHigh, pValue } = results[i]!;
        const clause = /after Holm correction|though the/.test(m.sentence);
        if (!clause) {
          if (m.outcome === 'no detectable change') expect(ciLow <= 0 && ciHigh >= 0).toBe(true);
          else expect(ciLow > 0 || ciHigh < 0).toBe(true);
        }
        // the Holm clause appears exactly when the metric is significant alone but not after correction
        expect(/after Holm correction/.test(m.sentence)).toBe(pValue < 0.05 && !m.significant);
        // the interval printed is the test's own
        expect(m.sentence).toContain(`${fmt3(ciLow)}${ciLow < 0 || ciHigh < 0 ? ' to ' : '–'}${fmt3(ciHigh)}`);
        expect(m.sentence).not.toContain('-'); // minus signs are U+2212
      }
    }
  });
  it('words real test results (percent format, decreases)', () => {
    const z = proportionsZTest({ n: 20000, conversions: 1200 }, { n: 20000, conversions: 1000 });
    const s = summarizeExperiment([{ name: 'conversion', result: z }], { variantName: 'C' });
    expect(s.lines[0]).toMatch(/^Variant C decreased conversion by 1\.00 pp \(95% CI −1\.\d\d to −0\.\d\d\)\.$/);
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

describe('summarizeExperiment validates what it summarises', () => {
  const ok = { diff: 0.01, ciLow: 0.005, ciHigh: 0.015, pValue: 0.001, alpha: 0.05 };
  it('a reversed interval is refused instead of deciding "ship"', () => {
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: { ...ok, ciLow: 0.02, ciHigh: -0.01 } }]))).toBe('E_METRIC_RESULT');
  });
  it('refuses missing or malformed metrics and results with typed errors', () => {
    expect(codeOf(() => summarizeExperiment([null as never]))).toBe('E_METRIC');
    expect(codeOf(() => summarizeExperiment([{ name: 'c' } as never]))).toBe('E_METRIC_RESULT');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: { ...ok, diff: NaN } }]))).toBe('E_METRIC_RESULT');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: { ...ok, alpha: '0.05' as never } }]))).toBe('E_METRIC_RESULT');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: { ...ok, pValue: -5 } }]))).toBe('E_P_VALUE');
    expect(codeOf(() => summarizeExperiment([{ name: '', result: ok }]))).toBe('E_METRIC');
  });
  it('a misspelt metric field (which would fall back to a default) is an error', () => {
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: ok, higherIsBeter: false } as never]))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: ok, higherIsBetter: 'no' as never }]))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: ok }], { alpha: '0.05' as never }))).toBe('E_ALPHA');
    expect(codeOf(() => summarizeExperiment([{ name: 'c', result: ok }], { srm: { mismatch: 'no' } as never }))).toBe('E_OPTION_RANGE');
  });
  it('one-sided results with an infinite end still summarise', () => {
    expect(summarizeExperiment([{ name: 'c', result: { ...ok, ciHigh: Infinity } }]).decision).toBe('ship');
  });
});
