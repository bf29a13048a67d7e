import { describe, expect, it } from 'vitest';
import { ThompsonSampling, UCB1, simulateBandit } from '@marksman/experiments';
import type { BanditAllocation } from '@marksman/experiments';
import { Random } from '@marksman/core';
import { banditAllocationChart, regretChart } from '@marksman/charts';
import { checkSpec, deepFreeze, svgTexts } from './helpers';

describe('banditAllocationChart', () => {
  it('records every batch’s shares and counts; traffic moves to the best arm', async () => {
    const policy = new ThompsonSampling(3, { seed: 2 });
    const rates = [0.04, 0.06, 0.1];
    const rng = new Random(9);
    const allocations: BanditAllocation[] = [];
    for (let day = 0; day < 12; day++) {
      const a = policy.allocate(1000);
      allocations.push(a);
      a.counts.forEach((n, arm) => {
        if (n === 0) return;
        let conversions = 0;
        for (let i = 0; i < n; i++) if (rng.next() < rates[arm]!) conversions++;
        policy.updateStats(arm, { n, conversions });
      });
    }
    deepFreeze(allocations);
    const spec = banditAllocationChart(allocations, { armNames: ['A', 'B', 'C'] });
    const rows = spec.datasets.allocation!;
    expect(rows.length).toBe(12 * 3);
    allocations.forEach((a, b) => {
      a.shares.forEach((s, k) => expect(rows.find((r) => r.batch === b + 1 && r.armIndex === k)).toMatchObject({ share: s, count: a.counts[k], arm: ['A', 'B', 'C'][k] }));
    });
    const lastC = rows.filter((r) => r.arm === 'C').at(-1)!.share as number;
    expect(lastC).toBeGreaterThan(0.8);
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Bandit traffic allocation by batch', 'A', 'B', 'C', 'Share of traffic']));
  });

  it('takes plain share arrays and refuses bad ones', () => {
    const spec = banditAllocationChart([[0.5, 0.5], [0.25, 0.75]]);
    expect(spec.datasets.allocation!.map((r) => [r.arm, r.share, r.count])).toEqual([['arm 0', 0.5, null], ['arm 1', 0.5, null], ['arm 0', 0.25, null], ['arm 1', 0.75, null]]);
    expect(() => banditAllocationChart([[0.5, 0.5], [1]])).toThrow(expect.objectContaining({ code: 'E_LENGTH', row: 1 }));
    expect(() => banditAllocationChart([[0.5, 0.6]])).toThrow(expect.objectContaining({ code: 'E_RANGE', row: 0 }));
    expect(() => banditAllocationChart([[-0.5, 1.5]])).toThrow(expect.objectContaining({ code: 'E_RANGE' }));
    expect(() => banditAllocationChart([{ counts: [1] }] as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
    expect(() => banditAllocationChart([[1, 0]], { armNames: ['only one'] })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'armNames' }));
  });

  it('checks the counts of an allocation: one whole number ≥ 0 per arm (they used to pass unread, or as NaN)', () => {
    const shares = [0.25, 0.75];
    expect(banditAllocationChart([{ shares, counts: null } as never]).datasets.allocation!.map((r) => r.count)).toEqual([null, null]);
    expect(() => banditAllocationChart([{ shares, counts: 42 } as never])).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'allocations.counts', row: 0 }));
    expect(() => banditAllocationChart([{ shares, counts: [25] }])).toThrow(expect.objectContaining({ code: 'E_LENGTH', field: 'allocations.counts', row: 0 }));
    for (const bad of [Number.NaN, -1, 2.5, '25']) {
      expect(() => banditAllocationChart([{ shares, counts: [bad, 75] } as never])).toThrow(expect.objectContaining({ code: 'E_RANGE', field: 'allocations.counts', row: 0 }));
    }
    expect(() => banditAllocationChart([{ counts: [1] }] as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'allocations.shares' }));
  });
});

describe('regretChart', () => {
  it('thins each policy to at most maxPoints rounds, keeps the last, and copies the regret exactly', async () => {
    const arms = [{ kind: 'bernoulli', p: 0.05 }, { kind: 'bernoulli', p: 0.08 }] as const;
    const ts = simulateBandit(new ThompsonSampling(2, { seed: 1 }), arms, { horizon: 3001, seed: 4 });
    const ucb = simulateBandit(new UCB1(2), arms, { horizon: 3001, seed: 4 });
    const spec = regretChart({ thompson: ts, ucb1: ucb }, { maxPoints: 301 });
    const rows = spec.datasets.regret!;
    for (const [name, sim] of [['thompson', ts], ['ucb1', ucb]] as const) {
      const mine = rows.filter((r) => r.policy === name);
      expect(mine.length).toBe(301);
      expect(mine[0]!.round).toBe(1);
      expect(mine.at(-1)).toMatchObject({ round: 3001, regret: sim.regret });
      for (const r of mine) expect(r.regret).toBe(sim.cumulativeRegret[(r.round as number) - 1]);
      expect(new Set(mine.map((r) => r.round)).size).toBe(301);
    }
    const svg = await checkSpec(spec);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Cumulative regret', 'thompson', 'ucb1']));
  });

  it('takes a single simulation; short ones are drawn whole', () => {
    const sim = simulateBandit(new UCB1(2), [{ kind: 'bernoulli', p: 0.1 }, { kind: 'bernoulli', p: 0.2 }], { horizon: 20 });
    const rows = regretChart(sim).datasets.regret!;
    expect(rows.map((r) => r.round)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(() => regretChart(sim, { maxPoints: 1 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    expect(() => regretChart({})).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT' }));
    expect(() => regretChart({ a: { cumulativeRegret: [] } } as never)).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
  });
});
