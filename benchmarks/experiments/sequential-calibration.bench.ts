/**
 * Calibration of sequentialTest under daily peeking, by seeded simulation:
 * the anchor is α itself (and the naive z-test peeked at every look).
 */
import { Random } from '@marksman/core';
import { sequentialTest } from '@marksman/experiments';
import type { SequentialTestResult } from '@marksman/experiments';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-sequential-calibration',
  title: 'Sequential test under daily peeking (simulation)',
  protocol:
    'Conversion rate 10% in both arms (A/A) or 10% vs 12%, 25 daily looks of 200 visitors per arm, ' +
    'sequentialTest with alpha 0.05 and default tuning (plannedSampleSize 5000), previous look passed on; a pooled ' +
    'two-sided z-test at 1.96 run at every look as the naive comparison, and once at the end; ' +
    '10,000 experiments per scenario (2,000 in a quick run), seeds 1 and 2.',
};

function binomial(rng: Random, n: number, p: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) c++;
  return c;
}

function zRejects(nA: number, cA: number, nB: number, cB: number): boolean {
  const p = (cA + cB) / (nA + nB);
  const se = Math.sqrt(p * (1 - p) * (1 / nA + 1 / nB));
  return se > 0 && Math.abs(cB / nB - cA / nA) / se > 1.959963984540054;
}

function calibrate(sims: number, pA: number, pB: number, seed: number): BenchRow {
  const rng = new Random(seed);
  let seq = 0;
  let peek = 0;
  let lastOnly = 0;
  let covered = 0;
  for (let s = 0; s < sims; s++) {
    let nA = 0, cA = 0, nB = 0, cB = 0;
    let prev: SequentialTestResult | null = null;
    let rejected = false;
    let peeked = false;
    let cover = true;
    for (let day = 0; day < 25; day++) {
      nA += 200;
      nB += 200;
      cA += binomial(rng, 200, pA);
      cB += binomial(rng, 200, pB);
      const r: SequentialTestResult = sequentialTest([{ n: nA, conversions: cA }, { n: nB, conversions: cB }], { previous: prev });
      const c = r.comparisons[0]!;
      if (c.significant) rejected = true;
      if (zRejects(nA, cA, nB, cB)) peeked = true;
      if (!(c.ciLow <= pB - pA && pB - pA <= c.ciHigh)) cover = false;
      prev = r;
    }
    if (rejected) seq++;
    if (peeked) peek++;
    if (zRejects(nA, cA, nB, cB)) lastOnly++;
    if (cover) covered++;
  }
  return {
    scenario: pA === pB ? 'A/A (10% vs 10%)' : 'A/B (10% vs 12%)',
    experiments: sims,
    'sequential: rejects at some look': seq / sims,
    'z-test at every look: rejects at some look': peek / sims,
    'z-test once at the end': lastOnly / sims,
    'confidence sequence covers the truth at all 25 looks': covered / sims,
  };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const sims = ctx.quick ? 2000 : 10000;
  const se = Math.sqrt((0.05 * 0.95) / sims);
  return {
    rows: [calibrate(sims, 0.1, 0.1, 1), calibrate(sims, 0.1, 0.12, 2)],
    notes: [`Standard error of a rejection rate near 0.05 over ${sims} experiments: ${se.toFixed(4)}.`],
  };
}
