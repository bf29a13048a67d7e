/**
 * Calibration of the relative-lift intervals (issue #12): exact enumeration
 * for a low conversion rate, seeded simulation for heavy-tailed revenue.
 * The anchor is the nominal level itself (5 % A/A rejection split 2.5 % per
 * tail, 95 % coverage).
 */
import { Random } from '@marksman/core';
import { relativeLift } from '@marksman/experiments';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-lift-calibration',
  title: 'Relative-lift intervals at low counts and heavy tails (enumeration + simulation)',
  protocol:
    'relativeLift at alpha 0.05, liftMethod fieller (default) and delta (gbstats). (1) Conversion 1 % in both arms, ' +
    '2,000 users per arm: every outcome enumerated exactly with binomial probabilities (A/A rejection per tail), and ' +
    '1 % vs 1.1 % for the coverage of the true +10 % lift. (2) Lognormal revenue exp(1.5·N(0, 1)), 500 users per arm, ' +
    'from { n, sum, sumSquares }: 10,000 seeded A/A experiments (seed 1) and 10,000 with the treatment scaled by 1.1 ' +
    '(seed 2); 2,000 each in a quick run; Fieller once more with 100,000 each (seeds 3, 4). Targets: A/A rejection in [4 %, 6 %] with each tail ≤ 3.5 %, coverage in [94 %, 96 %].',
};

function binomialPmf(n: number, p: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  out[0] = Math.exp(n * Math.log1p(-p));
  for (let k = 0; k < kMax; k++) out[k + 1] = (out[k]! * (n - k) * p) / ((k + 1) * (1 - p));
  return out;
}

function enumerate(method: 'fieller' | 'delta'): BenchRow {
  const n = 2000;
  const kMax = 120;
  const c = binomialPmf(n, 0.01, kMax);
  const t = binomialPmf(n, 0.011, kMax);
  let above = 0;
  let below = 0;
  let covered = 0;
  for (let a = 1; a <= kMax; a++) {
    for (let b = 0; b <= kMax; b++) {
      const r = relativeLift({ n, conversions: a }, { n, conversions: b }, { liftMethod: method });
      const wAA = c[a]! * c[b]!;
      if (r.ciLow > 0) above += wAA;
      if (r.ciHigh < 0) below += wAA;
      if (r.ciLow <= 0.1 && 0.1 <= r.ciHigh) covered += c[a]! * t[b]!;
    }
  }
  return {
    scenario: '1 % conversion, 2,000 per arm (exact)',
    liftMethod: method,
    experiments: 'all outcomes',
    'A/A rejection': above + below,
    'rejects with lift > 0': above,
    'rejects with lift < 0': below,
    'coverage of +10 %': covered,
  };
}

function simulate(method: 'fieller' | 'delta', sims: number, seeds: readonly [number, number] = [1, 2]): BenchRow {
  const n = 500;
  const draw = (rng: Random, scale: number) => {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = scale * Math.exp(1.5 * rng.normal());
      s += v;
      ss += v * v;
    }
    return { n, sum: s, sumSquares: ss };
  };
  const aa = new Random(seeds[0]);
  const ab = new Random(seeds[1]);
  let above = 0;
  let below = 0;
  let covered = 0;
  for (let k = 0; k < sims; k++) {
    const r = relativeLift(draw(aa, 1), draw(aa, 1), { liftMethod: method });
    if (r.ciLow > 0) above++;
    if (r.ciHigh < 0) below++;
    const r2 = relativeLift(draw(ab, 1), draw(ab, 1.1), { liftMethod: method });
    if (r2.ciLow <= 0.1 && 0.1 <= r2.ciHigh) covered++;
  }
  return {
    scenario: 'lognormal revenue (σ 1.5), 500 per arm (simulated)',
    liftMethod: method,
    experiments: sims,
    'A/A rejection': (above + below) / sims,
    'rejects with lift > 0': above / sims,
    'rejects with lift < 0': below / sims,
    'coverage of +10 %': covered / sims,
  };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const sims = ctx.quick ? 2000 : 10000;
  const se = Math.sqrt((0.05 * 0.95) / sims);
  return {
    rows: [
      enumerate('fieller'),
      enumerate('delta'),
      simulate('fieller', sims),
      simulate('delta', sims),
      ...(ctx.quick ? [] : [simulate('fieller', 100000, [3, 4])]),
    ],
    notes: [
      `Monte Carlo standard error of a rate near 5 % over ${sims} experiments: ${se.toFixed(4)} (near 95 %: the same).`,
      'The last row repeats the Fieller simulation with 100,000 experiments per scenario (seeds 3 and 4) to pin its A/A rate down (standard error 0.0007).',
    ],
  };
}
