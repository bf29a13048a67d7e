/**
 * Regret of the bandit policies on simulated Bernoulli arms (seeded); the
 * anchor is the shape of the regret curve (logarithmic vs linear growth),
 * and, for low conversion rates, the share of traffic the best arm gets.
 */
import { EpsilonGreedy, KLUCB, ThompsonSampling, UCB1, simulateBandit } from '@marksman/experiments';
import type { BanditArm, BanditPolicy } from '@marksman/experiments';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-bandit-regret',
  title: 'Bandit regret on Bernoulli arms 0.3 / 0.4 / 0.5, and best-arm share at low rates 5 % / 6 % / 7 % (simulation)',
  protocol:
    'Bernoulli arms 0.3 / 0.4 / 0.5, pseudo-regret at rounds 1,000, 4,000 and 16,000, mean over 20 seeds (5 in a quick run), ' +
    'reward seeds 500 + s, policy seeds s; Thompson sampling Beta(1, 1), Gaussian Thompson sampling (normal-gamma prior ' +
    'μ0 0, κ0 1, α0 1, β0 1), top-two TS (β = 0.5), UCB1 (c = 1), KL-UCB+ and KL-UCB (c = 0), ε-greedy (ε = 0.1), and ' +
    'Thompson sampling updated in batches of 250 units (allocate / updateStats). Low rates: Bernoulli arms 0.05 / 0.06 / 0.07, ' +
    '20,000 rounds, share of pulls on the best arm and pseudo-regret at the end, mean (and median) over 50 seeds ' +
    '(10 in a quick run), reward seeds 900 + s, policy seeds s; target (issue #12): a share ≥ 0.75.',
};

function regret(name: string, make: (seed: number) => BanditPolicy, seeds: number, batchSize = 1): BenchRow {
  const arms: BanditArm[] = [
    { kind: 'bernoulli', p: 0.3 },
    { kind: 'bernoulli', p: 0.4 },
    { kind: 'bernoulli', p: 0.5 },
  ];
  const at = [999, 3999, 15999];
  const sums = [0, 0, 0];
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < seeds; s++) {
    const sim = simulateBandit(make(s), arms, { horizon: 16000, seed: 500 + s, batchSize });
    at.forEach((t, i) => (sums[i]! += sim.cumulativeRegret[t]!));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const [r1, r4, r16] = sums.map((x) => x / seeds) as [number, number, number];
  return { policy: name, 'regret T=1000': r1, 'regret T=4000': r4, 'regret T=16000': r16, 'R(4000)/R(1000)': r4 / r1, 'R(16000)/R(4000)': r16 / r4, 's per run': secs / seeds };
}

function lowRates(name: string, make: (seed: number) => BanditPolicy, seeds: number): BenchRow {
  const arms: BanditArm[] = [
    { kind: 'bernoulli', p: 0.05 },
    { kind: 'bernoulli', p: 0.06 },
    { kind: 'bernoulli', p: 0.07 },
  ];
  const shares: number[] = [];
  let regret = 0;
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < seeds; s++) {
    const sim = simulateBandit(make(s), arms, { horizon: 20000, seed: 900 + s });
    shares.push(sim.pulls[2]! / 20000);
    regret += sim.regret;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const sorted = [...shares].sort((a, b) => a - b);
  const median = seeds % 2 ? sorted[(seeds - 1) / 2]! : (sorted[seeds / 2 - 1]! + sorted[seeds / 2]!) / 2;
  return {
    policy: `${name} (arms 5 % / 6 % / 7 %, 20,000 rounds)`,
    'best-arm share (mean)': shares.reduce((a, b) => a + b, 0) / seeds,
    'best-arm share (median)': median,
    'best-arm share (lowest run)': sorted[0]!,
    'regret T=20000': regret / seeds,
    's per run': secs / seeds,
  };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const seeds = ctx.quick ? 5 : 20;
  const lowSeeds = ctx.quick ? 10 : 50;
  return {
    rows: [
      regret('Thompson sampling (Bernoulli)', (s) => new ThompsonSampling(3, { seed: s }), seeds),
      regret('Thompson sampling (Gaussian)', (s) => new ThompsonSampling(3, { seed: s, likelihood: 'gaussian' }), seeds),
      regret('top-two Thompson sampling', (s) => new ThompsonSampling(3, { seed: s, topTwo: 0.5 }), seeds),
      regret('UCB1', () => new UCB1(3), seeds),
      regret('KL-UCB+', () => new KLUCB(3), seeds),
      regret('ε-greedy (0.1)', (s) => new EpsilonGreedy(3, { seed: s }), seeds),
      regret('Thompson sampling, batches of 250', (s) => new ThompsonSampling(3, { seed: s }), seeds, 250),
      lowRates('Thompson sampling (Bernoulli)', (s) => new ThompsonSampling(3, { seed: s }), lowSeeds),
      lowRates('KL-UCB+', () => new KLUCB(3), lowSeeds),
      lowRates('KL-UCB', () => new KLUCB(3, { exploration: 'kl-ucb' }), lowSeeds),
      lowRates('UCB1', () => new UCB1(3), lowSeeds),
      lowRates('ε-greedy (0.1)', (s) => new EpsilonGreedy(3, { seed: s }), lowSeeds),
    ],
    notes: [
      'Linear regret gives ratios of 4; logarithmic regret gives ratios near 1.',
      'Top-two sampling sends about half the traffic to challengers on purpose (best-arm identification), so its regret grows linearly.',
    ],
  };
}
