import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { sampleSizeMeans, sampleSizeProportions, sequentialSampleSize, sequentialTest } from '@marksman/experiments';
import type { SequentialTestResult } from '@marksman/experiments';
import { codeOf } from './helpers';

/** Standard normal cdf, computed independently of the package by Simpson's rule on the density. */
function phi(z: number): number {
  // Simpson integration of the density from −12 (error far below what the tests need).
  const a = -12;
  if (z <= a) return 0;
  const m = 4000;
  const h = (z - a) / m;
  let s = 0;
  for (let i = 0; i <= m; i++) {
    const x = a + i * h;
    const w = i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * Math.exp(-0.5 * x * x);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** Single-look power of the mSPRT written out independently of the package: P(|Z| ≥ b), Z ~ N(δ/√V, 1). */
function lookPower(delta: number, V: number, tau2: number, alpha: number): number {
  const b = Math.sqrt(((V + tau2) / tau2) * (Math.log((V + tau2) / V) - 2 * Math.log(alpha)));
  const shift = Math.abs(delta) / Math.sqrt(V);
  return phi(shift - b) + phi(-shift - b);
}

/** `{ n, sum, sumSquares }` whose mean is `mean` and whose sample variance is exactly `variance`. */
function meanStats(n: number, mean: number, variance: number) {
  return { n, sum: n * mean, sumSquares: (n - 1) * variance + n * mean * mean };
}

/** Sum of `n` Bernoulli(p) draws. */
function binomial(rng: Random, n: number, p: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) c++;
  return c;
}

describe('sequentialSampleSize', () => {
  it('solves the single-look power of the mSPRT exactly, and the size is the smallest that does', () => {
    const cases = [
      { effect: { mde: 2, sd: 10 }, options: {} },
      { effect: { mde: -0.3, sd: 1.7 }, options: { alpha: 0.01, power: 0.9, ratio: 2, tau2: 0.05 } },
      { effect: { baseline: 0.1, mde: 0.02 }, options: {} },
      { effect: { baseline: 0.3, mde: -0.1, mdeType: 'relative' as const }, options: { alpha: 0.1, power: 0.95, ratio: 0.5, plannedSampleSize: 20000 } },
    ];
    for (const { effect, options } of cases) {
      const r = sequentialSampleSize(Object.freeze(effect), Object.freeze(options));
      const alpha = (options as { alpha?: number }).alpha ?? 0.05;
      const target = (options as { power?: number }).power ?? 0.8;
      const ratio = (options as { ratio?: number }).ratio ?? 1;
      let delta: number, vc: number, vt: number;
      if ('baseline' in effect) {
        delta = effect.mdeType === 'relative' ? effect.baseline * effect.mde : effect.mde;
        const pT = effect.baseline + delta;
        vc = effect.baseline * (1 - effect.baseline);
        vt = pT * (1 - pT);
      } else {
        delta = effect.mde;
        vc = vt = effect.sd ** 2;
      }
      const V = (n: number) => vc / n + vt / (ratio * n);
      expect(lookPower(delta, V(r.exact), r.tau2!, alpha)).toBeCloseTo(target, 6);
      expect(lookPower(delta, V(r.exact * (1 - 1e-4)), r.tau2!, alpha)).toBeLessThan(target);
      expect(r.power).toBeGreaterThanOrEqual(target);
      expect(r.nControl).toBe(Math.ceil(r.exact));
      expect(r.nTreatment).toBe(Math.ceil(r.exact * ratio));
      expect(r.total).toBe(r.nControl + r.nTreatment);
      expect(r.inflation).toBeCloseTo(r.exact / r.fixedHorizon, 12);
    }
  });

  it('needs more units than the fixed-horizon test, with the fixed-horizon n of sampleSizeMeans / sampleSizeProportions', () => {
    for (const alpha of [0.001, 0.01, 0.05, 0.2]) {
      for (const power of [0.5, 0.8, 0.95]) {
        for (const ratio of [0.5, 1, 3]) {
          const m = sequentialSampleSize({ mde: 1.5, sd: 8 }, { alpha, power, ratio });
          expect(m.fixedHorizon).toBeCloseTo(sampleSizeMeans(1.5, 8, { alpha, power, ratio }).exact, 6);
          expect(m.inflation).toBeGreaterThan(1);
          const p = sequentialSampleSize({ baseline: 0.05, mde: 0.01 }, { alpha, power, ratio });
          // unpooled variance here, pooled under H0 in sampleSizeProportions: within 2.5 % for balanced arms
          // (unbalanced arms weigh the two variances differently under H0, up to 10 % here)
          if (ratio === 1) expect(Math.abs(p.fixedHorizon / sampleSizeProportions(0.05, 0.01, { alpha, power }).exact - 1)).toBeLessThan(0.025);
          expect(p.inflation).toBeGreaterThan(1);
          expect(p.nControl).toBeGreaterThan(sampleSizeProportions(0.05, 0.01, { alpha, power, ratio }).nControl);
        }
      }
    }
  });

  it('is monotone in power and effect, symmetric in the sign of the effect, and invariant to the unit of the metric', () => {
    const n = (o: { power?: number; mde?: number }) => sequentialSampleSize({ mde: o.mde ?? 2, sd: 10 }, { power: o.power ?? 0.8 }).exact;
    const powers = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99].map((p) => n({ power: p }));
    for (let i = 1; i < powers.length; i++) expect(powers[i]!).toBeGreaterThan(powers[i - 1]!);
    const mdes = [0.5, 1, 2, 4].map((d) => n({ mde: d }));
    for (let i = 1; i < mdes.length; i++) expect(mdes[i]!).toBeLessThan(mdes[i - 1]!);
    expect(n({ mde: -2 })).toBeCloseTo(n({ mde: 2 }), 8);
    // revenue in cents instead of dollars: τ² scales by 100², the size does not move
    const dollars = sequentialSampleSize({ mde: 2, sd: 10 }, { tau2: 0.7 });
    const cents = sequentialSampleSize({ mde: 200, sd: 1000 }, { tau2: 7000 });
    expect(cents.exact).toBeCloseTo(dollars.exact, 6);
    expect(sequentialSampleSize({ mde: 200, sd: 1000 }).tau2).toBeCloseTo(sequentialSampleSize({ mde: 2, sd: 10 }).tau2! * 1e4, 8);
  });

  it('costs relatively more at a lax alpha and tends to the fixed-horizon n as alpha → 0', () => {
    // b² = ((V+τ²)/τ²)(ln((V+τ²)/V) + 2 ln(1/α)) against z²_{α/2} ≈ 2 ln(1/α): the mixture's extra
    // ln((V+τ²)/V) weighs less as ln(1/α) grows, so the inflation falls toward 1 (slowly) as α shrinks.
    const alphas = [1e-12, 1e-8, 1e-4, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5];
    const infl = alphas.map((alpha) => {
      const first = sequentialSampleSize({ mde: 2, sd: 10 }, { alpha });
      // τ² tuned for the size that comes out, so each alpha gets its best mixture
      return sequentialSampleSize({ mde: 2, sd: 10 }, { alpha, plannedSampleSize: first.exact }).inflation;
    });
    for (let i = 1; i < infl.length; i++) expect(infl[i]!).toBeGreaterThan(infl[i - 1]!);
    expect(infl[0]!).toBeGreaterThan(1);
    expect(infl[0]!).toBeLessThan(1.2);
    // at α = 0.05 and power 0.8 the price of peeking safely is about 1.9×: ((3.04 + 0.84)/(1.96 + 0.84))²
    expect(infl[5]!).toBeGreaterThan(1.85);
    expect(infl[5]!).toBeLessThan(1.95);
  });

  it('is worst for a mixture far too narrow or too wide, and balanced arms need the fewest units', () => {
    const at = (tau2: number) => sequentialSampleSize({ mde: 2, sd: 10 }, { tau2 }).exact;
    const tuned = at(2);
    expect(at(1e-4)).toBeGreaterThan(20 * tuned); // τ² → 0: the boundary grows without limit
    expect(at(1e-2)).toBeGreaterThan(at(0.1));
    expect(at(0.1)).toBeGreaterThan(tuned);
    expect(at(100)).toBeGreaterThan(tuned);
    expect(at(1e4)).toBeGreaterThan(at(100)); // τ² → ∞: the boundary grows like √ln τ²
    const total = (ratio: number) => sequentialSampleSize({ mde: 2, sd: 10 }, { ratio, tau2: 2 });
    expect(total(1).total).toBeLessThan(total(2).total);
    expect(total(1).total).toBeLessThan(total(0.5).total);
    // equal variances: the ratio changes n, never the inflation
    expect(total(3).inflation).toBeCloseTo(total(1).inflation, 8);
  });

  it('uses the boundary and the τ² that sequentialTest computes at the designed size', () => {
    // means, τ² from plannedSampleSize on both sides (sequentialTest estimates the variance: make it exactly sd²)
    const design = sequentialSampleSize({ mde: 2, sd: 10 }, { plannedSampleSize: 700, ratio: 2 });
    const se = Math.sqrt(100 / design.nControl + 100 / design.nTreatment);
    const look = (diff: number) =>
      sequentialTest([meanStats(design.nControl, 50, 100), meanStats(design.nTreatment, 50 + diff, 100)], { plannedSampleSize: 700 }).comparisons[0]!;
    const atBoundary = look(design.boundary * se);
    expect(atBoundary.tau2).toBeCloseTo(design.tau2!, 12);
    expect(atBoundary.standardError).toBeCloseTo(se, 12);
    expect(atBoundary.likelihoodRatio * 0.05).toBeCloseTo(1, 8);
    expect((atBoundary.ciHigh - atBoundary.ciLow) / 2 / se).toBeCloseTo(design.boundary, 8);
    expect(look(design.boundary * se * (1 + 1e-6)).significant).toBe(true);
    expect(look(design.boundary * se * (1 - 1e-6)).significant).toBe(false);
    expect(look(-design.boundary * se * (1 + 1e-6)).significant).toBe(true);
    // proportions: the default τ² rule gives the same τ² when the observed rates are the design's
    const conv = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { alpha: 0.1 });
    const seq = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }], { alpha: 0.1 }).comparisons[0]!;
    expect(seq.tau2).toBeCloseTo(conv.tau2!, 15);
    // with that τ² given explicitly the boundaries agree at the designed n
    const V = 0.09 / conv.nControl + 0.1056 / conv.nTreatment;
    const half = (diff: number) => {
      const c = sequentialTest([meanStats(conv.nControl, 0, 0.09), meanStats(conv.nTreatment, diff, 0.1056)], { alpha: 0.1, tau2: conv.tau2 }).comparisons[0]!;
      return (c.ciHigh - c.ciLow) / 2;
    };
    expect(half(0.02) / Math.sqrt(V)).toBeCloseTo(conv.boundary, 6);
  });

  /** `reps` seeded 10% → 12% experiments of n per arm looked at on `days` equally spaced days. */
  function simulateConversion(n: number, days: number, reps: number, seed: number) {
    const rng = new Random(seed);
    let finalOnly = 0;
    let peeking = 0;
    let earlier = 0;
    for (let r = 0; r < reps; r++) {
      let nA = 0, cA = 0, cB = 0;
      let prev: SequentialTestResult | null = null;
      let rejectedBy = -1;
      for (let d = 1; d <= days; d++) {
        const next = Math.round((n * d) / days);
        cA += binomial(rng, next - nA, 0.1);
        cB += binomial(rng, next - nA, 0.12);
        nA = next;
        prev = sequentialTest([{ n: nA, conversions: cA }, { n: nA, conversions: cB }], { previous: prev });
        if (rejectedBy < 0 && prev.comparisons[0]!.significant) rejectedBy = d;
      }
      const once = sequentialTest([{ n, conversions: cA }, { n, conversions: cB }]).comparisons[0]!.significant;
      if (once) finalOnly++;
      if (rejectedBy > 0) peeking++;
      if (rejectedBy > 0 && rejectedBy < days) earlier++;
      // a running minimum can only add rejections: peeking rejects whenever the single final look does
      if (once) expect(rejectedBy).toBeGreaterThan(0);
    }
    return { finalOnly, peeking, earlier };
  }

  it('simulation: at the designed size the test rejects with at least the target power, more so with daily peeking', () => {
    // 10% → 12%, default τ² rule (plannedSampleSize 5000) on both sides: the path an analyst follows.
    const design = sequentialSampleSize({ baseline: 0.1, mde: 0.02 });
    const reps = 1500;
    const { finalOnly, peeking, earlier } = simulateConversion(design.nControl, 14, reps, 2017);
    // Binomial standard error of a frequency near 0.8 over 1500 runs: √(0.8·0.2/1500) ≈ 0.0103.
    const se = Math.sqrt((design.power * (1 - design.power)) / reps);
    // One final look rejects with the designed single-look power (normal approximation at n ≈ 7400): within 4 SE both ways,
    // so a wrong boundary (1.96 would give 0.99, a too strict one less than 0.75) fails.
    expect(Math.abs(finalOnly / reps - design.power)).toBeLessThan(4 * se);
    // Peeking daily rejects at least as often; and it is a real gain (runs stop before the last day).
    expect(peeking / reps).toBeGreaterThanOrEqual(0.8 - 3 * se);
    expect(peeking).toBeGreaterThan(finalOnly);
    expect(earlier / reps).toBeGreaterThan(0.3);
  });

  it('with looks planned, simulates the path: fewer units, and sequentialTest reaches the target power with those looks', () => {
    const analytic = sequentialSampleSize({ baseline: 0.1, mde: 0.02 });
    const sizes = [1, 5, 30, 100].map((looks) => sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { looks }));
    // one look simulated = the analytic size, up to Monte Carlo error (power SE √(0.16/20000) ≈ 0.003 → about 1 % of n)
    expect(Math.abs(sizes[0]!.exact / analytic.exact - 1)).toBeLessThan(0.02);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!.exact).toBeLessThan(sizes[i - 1]!.exact);
    for (const r of sizes) {
      expect(r.power).toBeGreaterThanOrEqual(0.8);
      expect(r.tau2).toBe(analytic.tau2);
      expect(r.fixedHorizon).toBe(analytic.fixedHorizon);
    }
    expect(sizes[3]!.exact).toBeLessThan(0.9 * analytic.exact);
    // seeded: the same seed gives the same design, another seed one within Monte Carlo error
    const a = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { looks: 14, seed: 5 });
    expect(sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { looks: 14, seed: 5 })).toEqual(a);
    const b = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { looks: 14, seed: 6 });
    expect(Math.abs(b.exact / a.exact - 1)).toBeLessThan(0.03);
    // unit-level data, estimated variances, τ² re-derived at each look: power with 14 looks ≈ 0.8 within 4 SE
    // (SE from the 1500 runs, √(0.16/1500) ≈ 0.010, plus the design's own Monte Carlo error ≈ 0.003)
    const reps = 1500;
    const sim = simulateConversion(a.nControl, 14, reps, 99);
    const se = Math.sqrt(0.16 / reps) + Math.sqrt(0.16 / 20000);
    expect(Math.abs(sim.peeking / reps - 0.8)).toBeLessThan(4 * se);
    // the single final look alone now falls short of the target: the refinement spends the peeking gain
    expect(sim.finalOnly).toBeLessThan(sim.peeking);
  });

  it('simulation on a mean metric with τ² re-derived from the observed variances at each look', () => {
    const design = sequentialSampleSize({ mde: 2, sd: 10 }, { plannedSampleSize: 700 });
    const n = design.nControl;
    const reps = 1000;
    const rng = new Random(7);
    let rejected = 0;
    for (let r = 0; r < reps; r++) {
      const arms = [0, 2].map((shift) => {
        let sum = 0, sumSquares = 0;
        for (let i = 0; i < n; i++) {
          const y = 50 + shift + 10 * rng.normal();
          sum += y;
          sumSquares += y * y;
        }
        return { n, sum, sumSquares };
      });
      if (sequentialTest(arms, { plannedSampleSize: 700 }).comparisons[0]!.significant) rejected++;
    }
    const se = Math.sqrt((design.power * (1 - design.power)) / reps);
    expect(Math.abs(rejected / reps - design.power)).toBeLessThan(4 * se);
  });

  it('refuses bad input with stable codes', () => {
    const m = { mde: 2, sd: 10 };
    expect(codeOf(() => sequentialSampleSize({ mde: 0, sd: 10 }))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ mde: NaN, sd: 10 }))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ mde: 1e-9, sd: 10 }))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ baseline: 0.1, mde: 0.95 }))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ baseline: 0.1, mde: 0 }))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ baseline: 0.1, mde: 0.02, sd: 1 } as never))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize(null as never))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => sequentialSampleSize({ baseline: 1, mde: 0.02 }))).toBe('E_BASELINE');
    expect(codeOf(() => sequentialSampleSize({ baseline: 0.1, mde: 0.02, mdeType: 'percent' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 0 }))).toBe('E_SD');
    expect(codeOf(() => sequentialSampleSize(m, { power: 1 }))).toBe('E_POWER');
    expect(codeOf(() => sequentialSampleSize(m, { alpha: 0 }))).toBe('E_ALPHA');
    expect(codeOf(() => sequentialSampleSize(m, { ratio: -1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { tau2: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { plannedSampleSize: Infinity }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { sequential: true } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => sequentialSampleSize(m, { looks: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { looks: 2.5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { looks: 10, simulations: 99 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { looks: 10000, simulations: 1e5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize(m, { looks: 10, seed: NaN }))).toBe('E_OPTION_RANGE');
  });
  it('refuses a misspelt effect field and an sd that makes the effect vanish', () => {
    expect(codeOf(() => sequentialSampleSize({ baseline: 0.1, mde: 0.02, mdetype: 'relative' } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sigma: 10 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 1e308 }))).toBe('E_EFFECT_SIZE');
  });
});
