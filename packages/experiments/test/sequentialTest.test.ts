import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { ValidationError } from '@marksman/core';
import { sequentialTest } from '@marksman/experiments';
import type { SequentialTestResult } from '@marksman/experiments';

/** Sum of `n` Bernoulli(p) draws. */
function binomial(rng: Random, n: number, p: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) c++;
  return c;
}

/** Two-sided fixed-horizon pooled z-test, as a naive analyst would run it at every look. */
function zTestRejects(nA: number, cA: number, nB: number, cB: number, z = 1.959963984540054): boolean {
  const p = (cA + cB) / (nA + nB);
  const se = Math.sqrt(p * (1 - p) * (1 / nA + 1 / nB));
  return se > 0 && Math.abs(cB / nB - cA / nA) / se > z;
}

interface Run {
  seqRejected: boolean;
  peekRejected: boolean;
  covered: boolean;
  monotone: boolean;
}

/** One experiment with `looks` daily looks of `perDay` visitors per arm. */
function runProportions(rng: Random, pA: number, pB: number, looks: number, perDay: number): Run {
  let nA = 0, cA = 0, nB = 0, cB = 0;
  let prev: SequentialTestResult | null = null;
  const run: Run = { seqRejected: false, peekRejected: false, covered: true, monotone: true };
  for (let day = 0; day < looks; day++) {
    nA += perDay;
    nB += perDay;
    cA += binomial(rng, perDay, pA);
    cB += binomial(rng, perDay, pB);
    const r: SequentialTestResult = sequentialTest([{ n: nA, conversions: cA }, { n: nB, conversions: cB }], { previous: prev });
    const c = r.comparisons[0]!;
    if (prev) {
      const b = prev.comparisons[0]!;
      if (c.pValue > b.pValue || c.ciLow < b.ciLow || c.ciHigh > b.ciHigh) run.monotone = false;
    }
    if (c.significant) run.seqRejected = true;
    if (zTestRejects(nA, cA, nB, cB)) run.peekRejected = true;
    if (!(c.ciLow <= pB - pA && pB - pA <= c.ciHigh)) run.covered = false;
    prev = r;
  }
  return run;
}

const ALPHA = 0.05;

describe('sequentialTest', () => {
  it('mirrors the doc example', () => {
    const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
    expect(day1.comparisons[0]!.pValue.toFixed(3)).toBe('0.413');
    const day2 = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: day1 });
    expect(day2.look).toBe(2);
    expect(day2.comparisons[0]!.pValue.toFixed(3)).toBe('0.057');
  });

  it('the likelihood ratio is the normal mixture of Johari et al. (checked by numerical integration)', () => {
    const r = sequentialTest([{ n: 3000, sum: 30000, sumSquares: 3000 * (100 + 16) }, { n: 2800, sum: 28500, sumSquares: 2800 * (10.178571428571429 ** 2 + 18) }], {
      tau2: 0.04,
    });
    const c = r.comparisons[0]!;
    const V = c.standardError ** 2;
    // Λ = ∫ N(θ̂; θ, V)/N(θ̂; 0, V) · N(θ; 0, τ²) dθ, by the midpoint rule on ±12 τ
    const tau = Math.sqrt(0.04);
    let lr = 0;
    const steps = 200_000;
    const h = (24 * tau) / steps;
    for (let i = 0; i < steps; i++) {
      const th = -12 * tau + (i + 0.5) * h;
      const ratio = Math.exp((-((c.diff - th) ** 2) + c.diff ** 2) / (2 * V));
      lr += (ratio * Math.exp((-th * th) / (2 * 0.04)) * h) / Math.sqrt(2 * Math.PI * 0.04);
    }
    expect(Math.abs(c.likelihoodRatio / lr - 1)).toBeLessThan(1e-9);
    expect(c.pValue).toBeCloseTo(Math.min(1, 1 / lr), 12);
  });

  it('the confidence sequence has the half-width of GrowthBook / Howard et al. (2021)', () => {
    const n = 4000;
    const r = sequentialTest([{ n, conversions: 400 }, { n, conversions: 452 }], { plannedSampleSize: 5000 });
    const c = r.comparisons[0]!;
    const s2 = 0.1 * 0.9 + 0.113 * 0.887; // per-unit variance of the difference
    const rho2 = (-2 * Math.log(ALPHA) + Math.log(-2 * Math.log(ALPHA) + 1)) / 5000;
    const half = Math.sqrt(s2) * Math.sqrt(((2 * (n * rho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(n * rho2 + 1) / ALPHA));
    expect(c.ciHigh - c.diff).toBeCloseTo(half, 12);
    expect(c.diff - c.ciLow).toBeCloseTo(half, 12);
    // the boundary is where Λ(θ0) = 1/α: the p-value of "θ = ciHigh" is exactly α
    const V = c.standardError ** 2;
    const d = c.diff - c.ciHigh;
    const logLR = 0.5 * Math.log(V / (V + c.tau2)) + (c.tau2 * d * d) / (2 * V * (V + c.tau2));
    expect(Math.exp(-logLR)).toBeCloseTo(ALPHA, 12);
  });

  it('A/A with 25 daily looks: the sequential test keeps the false-positive rate ≤ α, peeking at a z-test does not', () => {
    // 2000 simulated experiments, 25 looks of 200 visitors per arm, p = 10%.
    // Tolerance: 3 standard errors of a rate estimated from 2000 runs at α,
    // 3·√(0.05·0.95/2000) ≈ 0.0146 (a chance failure at most ~0.1% if the true rate were α).
    const rng = new Random(11);
    const sims = 2000;
    let seq = 0;
    let peek = 0;
    let monotone = true;
    for (let s = 0; s < sims; s++) {
      const run = runProportions(rng, 0.1, 0.1, 25, 200);
      if (run.seqRejected) seq++;
      if (run.peekRejected) peek++;
      monotone &&= run.monotone;
    }
    const tol = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / sims);
    if (process.env.MARKSMAN_REPORT) console.log('A/A proportions: sequential FPR', seq / sims, 'peeking z-test FPR', peek / sims);
    expect(seq / sims).toBeLessThanOrEqual(ALPHA + tol);
    expect(peek / sims).toBeGreaterThan(ALPHA + tol);
    expect(peek / sims).toBeGreaterThan(2 * (seq / sims));
    expect(monotone).toBe(true);
  });

  it('A/A on a mean metric (skewed, revenue-like) keeps the false-positive rate ≤ α', () => {
    const rng = new Random(12);
    const sims = 600;
    let seq = 0;
    for (let s = 0; s < sims; s++) {
      let prev: SequentialTestResult | null = null;
      const acc = [
        { n: 0, sum: 0, sumSquares: 0 },
        { n: 0, sum: 0, sumSquares: 0 },
      ];
      let rejected = false;
      for (let day = 0; day < 20; day++) {
        for (const a of acc) {
          for (let i = 0; i < 100; i++) {
            const x = rng.exponential(1 / 20); // mean 20, sd 20
            a.n++;
            a.sum += x;
            a.sumSquares += x * x;
          }
        }
        const r: SequentialTestResult = sequentialTest(acc.map((a) => ({ ...a })), { previous: prev });
        if (r.comparisons[0]!.significant) rejected = true;
        prev = r;
      }
      if (rejected) seq++;
    }
    if (process.env.MARKSMAN_REPORT) console.log('A/A means: sequential FPR', seq / sims);
    const tol = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / sims);
    expect(seq / sims).toBeLessThanOrEqual(ALPHA + tol);
  });

  it('with a real difference the confidence sequence covers it at every look at once, and the test finds it', () => {
    const rng = new Random(13);
    const sims = 800;
    let covered = 0;
    let found = 0;
    for (let s = 0; s < sims; s++) {
      const run = runProportions(rng, 0.1, 0.12, 25, 200);
      if (run.covered) covered++;
      if (run.seqRejected) found++;
    }
    const tol = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / sims);
    if (process.env.MARKSMAN_REPORT) console.log('coverage', covered / sims, 'power', found / sims);
    expect(covered / sims).toBeGreaterThanOrEqual(1 - ALPHA - tol);
    // z ≈ 3.2 at the last look: the always-valid test still detects most of these
    expect(found / sims).toBeGreaterThan(0.5);
  });

  it('carries no evidence while there is no variance, and compares every variant with the control', () => {
    const r = sequentialTest([{ n: 100, conversions: 0 }, { n: 100, conversions: 0 }, { n: 1200, conversions: 300 }]);
    expect(r.comparisons).toHaveLength(2);
    expect(r.comparisons[0]!.pValue).toBe(1);
    expect(r.comparisons[0]!.ciLow).toBe(-1);
    expect(r.comparisons[0]!.ciHigh).toBe(1);
    expect(r.comparisons[1]!.index).toBe(2);
    expect(r.comparisons[1]!.pValue).toBeLessThan(0.001);
    const input = Object.freeze([Object.freeze({ n: 50, conversions: 5 }), Object.freeze({ n: 50, conversions: 9 })]);
    expect(() => sequentialTest(input, { control: 1 })).not.toThrow();
  });

  it('accepts a previous look that went through JSON (unbounded ends become null)', () => {
    const first = sequentialTest([{ n: 10, sum: 0, sumSquares: 0 }, { n: 10, sum: 0, sumSquares: 0 }]);
    expect(first.comparisons[0]!.ciLow).toBe(-Infinity);
    const stored = JSON.parse(JSON.stringify(first)) as SequentialTestResult;
    const second = sequentialTest([{ n: 50, sum: 100, sumSquares: 500 }, { n: 50, sum: 120, sumSquares: 700 }], { previous: stored });
    const direct = sequentialTest([{ n: 50, sum: 100, sumSquares: 500 }, { n: 50, sum: 120, sumSquares: 700 }]);
    expect(second.look).toBe(2);
    expect(second.comparisons[0]!.ciLow).toBe(direct.comparisons[0]!.ciLow);
    expect(second.comparisons[0]!.ciHigh).toBe(direct.comparisons[0]!.ciHigh);
    expect(Number.isFinite(second.comparisons[0]!.ciLow)).toBe(true);
  });

  it('refuses bad input with stable codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).code;
      }
      return 'no error';
    };
    const a = { n: 100, conversions: 10 };
    expect(code(() => sequentialTest([a]))).toBe('E_TOO_FEW_VARIANTS');
    expect(code(() => sequentialTest([a, { n: 0, conversions: 0 }]))).toBe('E_ZERO_VISITORS');
    expect(code(() => sequentialTest([a, { n: 10, conversions: 20 }]))).toBe('E_CONVERSIONS_EXCEED_N');
    expect(code(() => sequentialTest([a, { n: 10, conversions: -2 }]))).toBe('E_NEGATIVE_COUNT');
    expect(code(() => sequentialTest([a, { n: 10, sum: 3, sumSquares: 5 }]))).toBe('E_METRIC_KIND');
    expect(code(() => sequentialTest([a, a], { alpha: 0 }))).toBe('E_OPTION_RANGE');
    expect(code(() => sequentialTest([a, a], { tau2: -1 }))).toBe('E_OPTION_RANGE');
    const first = sequentialTest([a, a]);
    expect(code(() => sequentialTest([{ n: 90, conversions: 9 }, a], { previous: first }))).toBe('E_LOOK_ORDER');
    expect(code(() => sequentialTest([a, a], { previous: first, alpha: 0.1 }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest([a, a, a], { previous: first }))).toBe('E_PREVIOUS_MISMATCH');
  });

  it('refuses a forged or corrupted previous look instead of carrying it forward', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).code;
      }
      return 'no error';
    };
    const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
    const day2 = [{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }];
    const forged = (patch: Record<string, unknown>) => ({ ...day1, comparisons: [{ ...day1.comparisons[0]!, ...patch }] }) as SequentialTestResult;
    // It used to return a p-value of −5.
    expect(code(() => sequentialTest(day2, { previous: forged({ pValue: -5 }) }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: forged({ ciLow: 0.5, ciHigh: 0.1 }) }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: forged({ index: 7 }) }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: { ...day1, look: 1.5 } }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: { ...day1, look: '1' as never } }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: { ...day1, comparisons: null as never } }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: { ...day1, n: [1000, '1000'] as never } }))).toBe('E_PREVIOUS_MISMATCH');
    expect(code(() => sequentialTest(day2, { previous: { ...day1, extra: 1 } as never }))).toBe('E_PREVIOUS_MISMATCH');
    // A result that went through JSON (±Infinity → null) is still accepted.
    expect(sequentialTest(day2, { previous: JSON.parse(JSON.stringify(day1)) as SequentialTestResult }).look).toBe(2);
    expect(code(() => sequentialTest([null as never, day2[1]!]))).toBe('E_NOT_FINITE');
  });
});
