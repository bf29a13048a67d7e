// Calibration by seeded simulation: the tests reject a true null at the
// nominal rate and the intervals cover the truth at the nominal rate.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { cuped, proportionsZTest, welchTTest } from '@marksman/experiments';

const SIMS = 10_000;

describe('calibration (10,000 seeded A/A tests each)', () => {
  it('two-proportion z-test: false-positive rate and CI coverage ≈ 5% / 95%', () => {
    const rng = new Random(11);
    const n = 1000;
    const p = 0.1;
    let rejections = 0;
    let covered = 0;
    for (let s = 0; s < SIMS; s++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        if (rng.bernoulli(p)) a++;
        if (rng.bernoulli(p)) b++;
      }
      const r = proportionsZTest({ n, conversions: a }, { n, conversions: b });
      if (r.pValue < 0.05) rejections++;
      if (r.ciLow <= 0 && 0 <= r.ciHigh) covered++;
    }
    expect(rejections / SIMS).toBeGreaterThanOrEqual(0.04);
    expect(rejections / SIMS).toBeLessThanOrEqual(0.06);
    expect(covered / SIMS).toBeGreaterThanOrEqual(0.94);
    expect(covered / SIMS).toBeLessThanOrEqual(0.96);
  });

  it('Welch t-test with unequal variances and sizes: false-positive rate and CI coverage ≈ 5% / 95%', () => {
    const rng = new Random(12);
    const control = new Float64Array(20);
    const treatment = new Float64Array(45);
    let rejections = 0;
    let covered = 0;
    for (let s = 0; s < SIMS; s++) {
      for (let i = 0; i < control.length; i++) control[i] = rng.normal(5, 1);
      for (let i = 0; i < treatment.length; i++) treatment[i] = rng.normal(5, 3);
      const r = welchTTest(control, treatment);
      if (r.pValue < 0.05) rejections++;
      if (r.ciLow <= 0 && 0 <= r.ciHigh) covered++;
    }
    expect(rejections / SIMS).toBeGreaterThanOrEqual(0.04);
    expect(rejections / SIMS).toBeLessThanOrEqual(0.06);
    expect(covered / SIMS).toBeGreaterThanOrEqual(0.94);
    expect(covered / SIMS).toBeLessThanOrEqual(0.96);
  });

  it('CUPED keeps 95% coverage of a true effect while removing the variance the covariate explains', () => {
    const rng = new Random(13);
    const sims = 3000;
    const n = 200;
    const effect = 0.5;
    const mk = () => ({ values: new Float64Array(n), covariates: new Float64Array(n) });
    const c = mk();
    const t = mk();
    let covered = 0;
    let reduction = 0;
    const adjusted: number[] = [];
    const raw: number[] = [];
    for (let s = 0; s < sims; s++) {
      for (const [arm, shift] of [
        [c, 0],
        [t, effect],
      ] as const) {
        for (let i = 0; i < n; i++) {
          const z = rng.normal(10, 2);
          arm.covariates[i] = z;
          arm.values[i] = 2 + shift + 0.8 * z + rng.normal(0, 2); // corr(y, z) = 0.625
        }
      }
      const r = cuped(c, t);
      if (r.ciLow <= effect && effect <= r.ciHigh) covered++;
      reduction += r.varianceReduction;
      adjusted.push(r.diff);
      raw.push(r.unadjusted.diff);
    }
    const variance = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
    };
    expect(covered / sims).toBeGreaterThanOrEqual(0.935);
    expect(covered / sims).toBeLessThanOrEqual(0.965);
    // theory: variance reduction = ρ² = 0.64·4 / (0.64·4 + 4) ≈ 0.39
    expect(reduction / sims).toBeGreaterThan(0.35);
    expect(reduction / sims).toBeLessThan(0.43);
    const empirical = 1 - variance(adjusted) / variance(raw);
    expect(empirical).toBeGreaterThan(0.33);
    expect(empirical).toBeLessThan(0.45);
  });

  it('CUPED on a ratio metric (revenue per session) keeps coverage of the true difference and reduces variance', () => {
    const rng = new Random(14);
    const sims = 1500;
    const n = 400;
    const arm = () => ({ numerator: new Float64Array(n), denominator: new Float64Array(n), covariates: [new Float64Array(n), new Float64Array(n)] });
    const c = arm();
    const t = arm();
    let covered = 0;
    let reduction = 0;
    for (let s = 0; s < sims; s++) {
      for (const [a, shift] of [
        [c, 1],
        [t, 1.1],
      ] as const) {
        for (let i = 0; i < n; i++) {
          const u = rng.gamma(2, 5); // the user's spend per session, mean 10
          const y = 1 + rng.poisson(2);
          const y0 = 1 + rng.poisson(2);
          a.denominator[i] = y;
          a.numerator[i] = y * u * shift * rng.gamma(4, 0.25);
          a.covariates[1]![i] = y0;
          a.covariates[0]![i] = y0 * u * rng.gamma(4, 0.25);
        }
      }
      const r = cuped(c, t);
      // true ratios: 10 and 11 revenue per session
      if (r.ciLow <= 1 && 1 <= r.ciHigh) covered++;
      reduction += r.varianceReduction;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.93);
    expect(covered / sims).toBeLessThanOrEqual(0.97);
    expect(reduction / sims).toBeGreaterThan(0.1);
  });
});
