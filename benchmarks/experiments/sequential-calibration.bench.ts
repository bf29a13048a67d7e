/**
 * Calibration of sequentialTest (always-valid, unplanned looks) and of
 * groupSequentialTest (planned looks, Lan-DeMets spending) under daily
 * peeking, by seeded simulation: the anchor is α itself (and the naive
 * z-test peeked at every look, and the fixed-horizon test at the end).
 */
import { Random } from '@marksman/core';
import { groupSequentialDesign, groupSequentialTest, sequentialTest } from '@marksman/experiments';
import type { GroupSequentialDesign, GroupSequentialTestResult, SequentialTestResult } from '@marksman/experiments';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'experiments-sequential-calibration',
  title: 'Sequential and group-sequential tests under daily peeking (simulation)',
  protocol:
    'Conversion rate 10% in both arms (A/A) or 10% vs 12%, 25 daily looks of 200 visitors per arm, ' +
    'sequentialTest with alpha 0.05 and default tuning (plannedSampleSize 5000), previous look passed on; ' +
    'groupSequentialTest with 25-look designs (alpha 0.05 two-sided, O\'Brien-Fleming and Pocock spending, ' +
    'maxSampleSize 5000, repeatedPValue off: decisions only), stopping at the first efficacy crossing; a pooled ' +
    'two-sided z-test at 1.96 run at every look as the naive comparison, and once at the end; ' +
    '10,000 experiments per scenario (2,000 in a quick run), seeds 1 and 2; the same data for every procedure.',
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

/** One planned-look procedure followed through an experiment: stops at its first efficacy crossing. */
class Planned {
  prev: GroupSequentialTestResult | null = null;
  stoppedAt = 0;
  constructor(readonly design: GroupSequentialDesign) {}
  look(day: number, nA: number, cA: number, nB: number, cB: number): void {
    if (this.stoppedAt > 0) return;
    const r = groupSequentialTest([{ n: nA, conversions: cA }, { n: nB, conversions: cB }], {
      design: this.design,
      maxSampleSize: 5000,
      previous: this.prev,
      repeatedPValue: false,
    });
    if (r.comparisons[0]!.decision === 'efficacy') this.stoppedAt = day + 1;
    this.prev = r;
  }
}

function calibrate(sims: number, pA: number, pB: number, seed: number, designs: readonly GroupSequentialDesign[]): BenchRow {
  const rng = new Random(seed);
  let seq = 0;
  let peek = 0;
  let lastOnly = 0;
  let covered = 0;
  const gs = designs.map(() => ({ rejected: 0, looks: 0 }));
  for (let s = 0; s < sims; s++) {
    let nA = 0, cA = 0, nB = 0, cB = 0;
    let prev: SequentialTestResult | null = null;
    let rejected = false;
    let peeked = false;
    let cover = true;
    const planned = designs.map((d) => new Planned(d));
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
      for (const p of planned) p.look(day, nA, cA, nB, cB);
    }
    if (rejected) seq++;
    if (peeked) peek++;
    if (zRejects(nA, cA, nB, cB)) lastOnly++;
    if (cover) covered++;
    planned.forEach((p, i) => {
      if (p.stoppedAt > 0) gs[i]!.rejected++;
      gs[i]!.looks += p.stoppedAt > 0 ? p.stoppedAt : 25;
    });
  }
  return {
    scenario: pA === pB ? 'A/A (10% vs 10%)' : 'A/B (10% vs 12%)',
    experiments: sims,
    'sequential: rejects at some look': seq / sims,
    "group-sequential O'Brien-Fleming: rejects": gs[0]!.rejected / sims,
    "group-sequential O'Brien-Fleming: mean looks used": gs[0]!.looks / sims,
    'group-sequential Pocock: rejects': gs[1]!.rejected / sims,
    'group-sequential Pocock: mean looks used': gs[1]!.looks / sims,
    'z-test at every look: rejects at some look': peek / sims,
    'z-test once at the end': lastOnly / sims,
    'confidence sequence covers the truth at all 25 looks': covered / sims,
  };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const sims = ctx.quick ? 2000 : 10000;
  const se = Math.sqrt((0.05 * 0.95) / sims);
  const designs = [groupSequentialDesign({ looks: 25 }), groupSequentialDesign({ looks: 25, spending: 'pocock' })];
  return {
    rows: [calibrate(sims, 0.1, 0.1, 1, designs), calibrate(sims, 0.1, 0.12, 2, designs)],
    notes: [
      `Standard error of a rejection rate near 0.05 over ${sims} experiments: ${se.toFixed(4)}.`,
      `Targets (issue #12): group-sequential A/A rejection ≤ 5 % and power within 5 points of the z-test once at the end (the same maximum sample, 5,000 per arm).`,
      `Design inflation (maximum over fixed-horizon sample at 80 % power): O'Brien-Fleming ${designs[0]!.inflation.toFixed(3)}, Pocock ${designs[1]!.inflation.toFixed(3)}.`,
    ],
  };
}
