/**
 * Regret of the bandit policies on simulated Bernoulli arms (seeded); the
 * anchor is the shape of the regret curve (logarithmic vs linear growth).
 */
import { EpsilonGreedy, ThompsonSampling, UCB1, simulateBandit } from '@marksman/experiments';
import type { BanditArm, BanditPolicy } from '@marksman/experiments';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-bandit-regret',
  title: 'Bandit regret on Bernoulli arms 0.3 / 0.4 / 0.5 (simulation)',
  protocol:
    'Bernoulli arms 0.3 / 0.4 / 0.5, pseudo-regret at rounds 1,000, 4,000 and 16,000, mean over 20 seeds (5 in a quick run), ' +
    'reward seeds 500 + s, policy seeds s; Thompson sampling Beta(1, 1), Gaussian Thompson sampling (normal-gamma prior ' +
    'μ0 0, κ0 1, α0 1, β0 1), top-two TS (β = 0.5), UCB1 (c = 1), ε-greedy (ε = 0.1), and Thompson sampling updated ' +
    'in batches of 250 units (allocate / updateStats).',
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

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const seeds = ctx.quick ? 5 : 20;
  return {
    rows: [
      regret('Thompson sampling (Bernoulli)', (s) => new ThompsonSampling(3, { seed: s }), seeds),
      regret('Thompson sampling (Gaussian)', (s) => new ThompsonSampling(3, { seed: s, likelihood: 'gaussian' }), seeds),
      regret('top-two Thompson sampling', (s) => new ThompsonSampling(3, { seed: s, topTwo: 0.5 }), seeds),
      regret('UCB1', () => new UCB1(3), seeds),
      regret('ε-greedy (0.1)', (s) => new EpsilonGreedy(3, { seed: s }), seeds),
      regret('Thompson sampling, batches of 250', (s) => new ThompsonSampling(3, { seed: s }), seeds, 250),
    ],
    notes: [
      'Linear regret gives ratios of 4; logarithmic regret gives ratios near 1.',
      'Top-two sampling sends about half the traffic to challengers on purpose (best-arm identification), so its regret grows linearly.',
    ],
  };
}
