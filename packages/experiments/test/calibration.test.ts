// Calibration by seeded simulation: the tests reject a true null at the
// nominal rate and the intervals cover the truth at the nominal rate.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { cuped, proportionsZTest, relativeLift, welchTTest } from '@marksman/experiments';
import { fixture } from './helpers';

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
    let liftCovered = 0;
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
      // true means 10 and 10.5: a 5 % lift
      if (r.liftCiLow! <= 0.05 && 0.05 <= r.liftCiHigh!) liftCovered++;
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
    expect(liftCovered / sims).toBeGreaterThanOrEqual(0.935);
    expect(liftCovered / sims).toBeLessThanOrEqual(0.965);
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
    let liftCovered = 0;
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
      if (r.liftCiLow! <= 0.1 && 0.1 <= r.liftCiHigh!) liftCovered++;
      reduction += r.varianceReduction;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.93);
    expect(covered / sims).toBeLessThanOrEqual(0.97);
    expect(liftCovered / sims).toBeGreaterThanOrEqual(0.93);
    expect(liftCovered / sims).toBeLessThanOrEqual(0.97);
    expect(reduction / sims).toBeGreaterThan(0.1);
  });
});

/** Binomial(n, p) probabilities of 0…kMax by the ratio recurrence (exact to rounding). */
function binomialPmf(n: number, p: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  out[0] = Math.exp(n * Math.log1p(-p));
  for (let k = 0; k < kMax; k++) out[k + 1] = (out[k]! * (n - k) * p) / ((k + 1) * (1 - p));
  return out;
}

/**
 * Exact distribution of relativeLift's decisions over every outcome of two
 * binomial arms (no Monte Carlo): probability that the interval lies above
 * 0, below 0, and that it covers `truth`. Outcomes with a 0 % control (no
 * lift defined) have probability 0.99^2000 ≈ 2e-9 and count as neither.
 */
function enumerateLift(pC: number, pT: number, n: number, truth: number, liftMethod: 'fieller' | 'delta') {
  const kMax = 120;
  const wC = binomialPmf(n, pC, kMax);
  const wT = binomialPmf(n, pT, kMax);
  let above = 0;
  let below = 0;
  let covered = 0;
  for (let a = 1; a <= kMax; a++) {
    for (let b = 0; b <= kMax; b++) {
      const w = wC[a]! * wT[b]!;
      if (w < 1e-18) continue;
      const r = relativeLift({ n, conversions: a }, { n, conversions: b }, { liftMethod });
      if (r.ciLow > 0) above += w;
      if (r.ciHigh < 0) below += w;
      if (r.ciLow <= truth && truth <= r.ciHigh) covered += w;
    }
  }
  return { above, below, rejected: above + below, covered };
}

describe('relative lift calibration (issue #12 targets: A/A rejection in [4%, 6%], each tail ≤ 3.5%, coverage in [94%, 96%])', () => {
  const ref = fixture<{ enumeration: { rejectPositive: number; rejectNegative: number; coverage: number } }>('lift-reference.json').enumeration;

  it('1% conversion, 2,000 per arm, exact enumeration: Fieller meets the targets (and agrees with scipy)', () => {
    const aa = enumerateLift(0.01, 0.01, 2000, 0, 'fieller');
    const ab = enumerateLift(0.01, 0.011, 2000, 0.1, 'fieller');
    expect(aa.rejected).toBeGreaterThanOrEqual(0.04);
    expect(aa.rejected).toBeLessThanOrEqual(0.06);
    expect(aa.above).toBeLessThanOrEqual(0.035);
    expect(aa.below).toBeLessThanOrEqual(0.035);
    expect(ab.covered).toBeGreaterThanOrEqual(0.94);
    expect(ab.covered).toBeLessThanOrEqual(0.96);
    // the same sums computed in lift-reference.py by numerical test inversion
    expect(Math.abs(aa.above - ref.rejectPositive)).toBeLessThan(1e-9);
    expect(Math.abs(aa.below - ref.rejectNegative)).toBeLessThan(1e-9);
    expect(Math.abs(ab.covered - ref.coverage)).toBeLessThan(1e-9);
  });

  it('the symmetric delta-method interval (gbstats) fails the same targets: it rejects on one side', () => {
    const aa = enumerateLift(0.01, 0.01, 2000, 0, 'delta');
    const ab = enumerateLift(0.01, 0.011, 2000, 0.1, 'delta');
    expect(aa.rejected).toBeGreaterThan(0.06); // 6.4 %
    expect(aa.below).toBeGreaterThan(0.06); // nearly all of it when the observed lift is negative
    expect(aa.above).toBeLessThan(0.001);
    expect(ab.covered).toBeLessThan(0.94); // 93.8 %
  });

  it('lognormal revenue (σ = 1.5), 500 per arm, 4,000 seeded experiments each: Fieller with Welch t meets the targets, delta does not', () => {
    const rng = new Random(1212);
    const n = 500;
    const sims = 4000;
    const arm = (scale: number) => {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const v = scale * Math.exp(1.5 * rng.normal());
        s += v;
        ss += v * v;
      }
      return { n, sum: s, sumSquares: ss };
    };
    let above = 0;
    let below = 0;
    let deltaBelow = 0;
    let covered = 0;
    for (let k = 0; k < sims; k++) {
      const c = arm(1);
      const t = arm(1);
      const r = relativeLift(c, t);
      if (r.ciLow > 0) above++;
      if (r.ciHigh < 0) below++;
      if (relativeLift(c, t, { liftMethod: 'delta' }).ciHigh < 0) deltaBelow++;
      const c2 = arm(1);
      const t2 = arm(1.1);
      const r2 = relativeLift(c2, t2);
      if (r2.ciLow <= 0.1 && 0.1 <= r2.ciHigh) covered++;
    }
    expect((above + below) / sims).toBeGreaterThanOrEqual(0.04);
    expect((above + below) / sims).toBeLessThanOrEqual(0.06);
    expect(above / sims).toBeLessThanOrEqual(0.035);
    expect(below / sims).toBeLessThanOrEqual(0.035);
    expect(covered / sims).toBeGreaterThanOrEqual(0.94);
    expect(covered / sims).toBeLessThanOrEqual(0.96);
    expect(deltaBelow / sims).toBeGreaterThan(0.035);
  });
});
