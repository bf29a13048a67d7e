// Group-sequential designs (Lan-DeMets spending) and their analysis:
// bounds against scipy's multivariate normal (group-sequential-reference.py)
// and published tables, sizes, the analysis at each look, and a seeded
// calibration (the 10,000-run version is benchmarks/experiments/sequential-calibration.bench.ts).
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import {
  groupSequentialDesign,
  groupSequentialTest,
  proportionsZTest,
  sampleSizeMeans,
  sequentialSampleSize,
  type Alternative,
  type GroupSequentialTestResult,
  type SpendingFunction,
} from '@marksman/experiments';
import { codeOf, errorOf, fixture } from './helpers';

const ref = fixture<{ designs: { timing: number[]; spending: SpendingFunction; alpha: number; alternative: Alternative; efficacyBounds: number[]; drift?: number }[] }>(
  'group-sequential-reference.json',
);

describe('groupSequentialDesign: Lan-DeMets bounds', () => {
  it.each(ref.designs.map((c, i) => [i, c] as const))('agrees with scipy multivariate_normal (Genz) to 5e-5: case %i', (_i, c) => {
    const d = groupSequentialDesign({ timing: Object.freeze(c.timing), spending: c.spending, alpha: c.alpha, alternative: c.alternative });
    d.efficacyBounds.forEach((b, k) => expect(Math.abs(b - c.efficacyBounds[k]!)).toBeLessThan(5e-5));
    if (c.drift !== undefined) expect(Math.abs(d.drift - c.drift)).toBeLessThan(1e-4);
    expect(d.alphaSpent[d.looks - 1]).toBeCloseTo(c.alpha, 14);
  });
  it('matches the published K = 5, two-sided α = 0.05 bounds (ldbounds / gsDesign / rpact) to the printed digits', () => {
    const obf = groupSequentialDesign({ looks: 5 });
    [4.8769, 3.3569, 2.6803, 2.2898, 2.031].forEach((b, k) => expect(Math.abs(obf.efficacyBounds[k]! - b)).toBeLessThan(2e-4));
    const pocock = groupSequentialDesign({ looks: 5, spending: 'pocock' });
    [2.438, 2.4268, 2.4101, 2.3966, 2.3859].forEach((b, k) => expect(Math.abs(pocock.efficacyBounds[k]! - b)).toBeLessThan(2e-4));
    // O'Brien-Fleming keeps the last look near the fixed-horizon 1.96 and costs little; Pocock the reverse
    expect(obf.inflation).toBeLessThan(pocock.inflation);
    expect(obf.inflation).toBeGreaterThan(1);
    expect(pocock.expectedFractionAlternative).toBeLessThan(obf.expectedFractionAlternative);
  });
  it("'less' mirrors 'greater'; the nominal alpha is each bound's single-look p-value", () => {
    const g = groupSequentialDesign({ looks: 3, alternative: 'greater' });
    const l = groupSequentialDesign({ looks: 3, alternative: 'less' });
    expect(l.efficacyBounds).toEqual(g.efficacyBounds.map((b) => -b));
    expect(l.drift).toBe(g.drift);
    const two = groupSequentialDesign({ looks: 3 });
    two.nominalAlpha.forEach((p, k) => expect(p).toBeLessThanOrEqual(two.alphaSpent[k]! + 1e-15));
    expect(Object.isFrozen(two) && Object.isFrozen(two.efficacyBounds)).toBe(true);
  });
  it('one look is the fixed-horizon test', () => {
    const d = groupSequentialDesign({ looks: 1 });
    expect(d.efficacyBounds[0]).toBeCloseTo(1.959963984540054, 8);
    expect(d.inflation).toBeCloseTo(1, 10);
  });
  it('futility bounds (β-spending) rise to meet the last efficacy bound, cost sample size and save it under H₀', () => {
    const plain = groupSequentialDesign({ looks: 5 });
    const fut = groupSequentialDesign({ looks: 5, futility: 'obrien-fleming' });
    const f = fut.futilityBounds!;
    expect(f[4]).toBe(fut.efficacyBounds[4]);
    for (let k = 1; k < 5; k++) expect(f[k]!).toBeGreaterThan(f[k - 1]!);
    expect(fut.efficacyBounds).toEqual(plain.efficacyBounds); // non-binding: alpha is spent as without them
    expect(fut.inflation).toBeGreaterThan(plain.inflation);
    expect(fut.expectedFractionNull).toBeLessThan(0.7 * plain.expectedFractionNull);
    const oneSided = groupSequentialDesign({ looks: 4, alternative: 'greater', futility: 'pocock' });
    expect(oneSided.futilityBounds![0]!).toBeLessThan(oneSided.efficacyBounds[0]!);
  });
  it('refuses bad specifications with typed errors', () => {
    expect(codeOf(() => groupSequentialDesign({ looks: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ looks: 101 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ timing: [0.5, 0.4, 1] }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ timing: [0.5, 0.9] }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ timing: [0, 1] }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ spending: 'haybittle' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ futility: 'yes' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialDesign({ power: 1 }))).toBe('E_POWER');
    expect(codeOf(() => groupSequentialDesign({ alpha: 0 }))).toBe('E_ALPHA');
    expect(codeOf(() => groupSequentialDesign({ alternative: 'larger' as never }))).toBe('E_ALTERNATIVE');
    expect(codeOf(() => groupSequentialDesign({ look: 5 } as never))).toBe('E_OPTION_UNKNOWN');
  });
  it('refuses a look that spends no alpha in double precision (its bound would be infinite), naming the cause', () => {
    expect(() => groupSequentialDesign({ alpha: 1e-308 })).toThrow(expect.objectContaining({ code: 'E_ALPHA', field: 'alpha' }));
    expect(() => groupSequentialDesign({ timing: [0.0001, 1] })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'timing' }));
    // Pocock spends alpha at any look, and a tiny but usable alpha still gives finite bounds.
    expect(groupSequentialDesign({ timing: [0.0001, 1], spending: 'pocock' }).efficacyBounds.every(Number.isFinite)).toBe(true);
    expect(groupSequentialDesign({ alpha: 1e-12 }).efficacyBounds.every(Number.isFinite)).toBe(true);
  });
});

interface Previous {
  spec: Record<string, unknown>;
  efficacyBounds: number[];
  futilityBounds: number[] | null;
  alphaSpent: number[];
  nominalAlpha: number[];
  drift: number;
  inflation: number;
  expectedFractionNull: number;
  expectedFractionAlternative: number;
  power: number;
}
const previous = fixture<{ designs: Previous[] }>('group-sequential-previous.json');

describe('groupSequentialDesign: the same numbers as the whole-grid integration (group-sequential-previous.json)', () => {
  // Within 1e-9 relative, the tolerance at which a design read back from JSON is accepted, so designs saved
  // before the integration summed over a window of the grid still analyse.
  const near = (got: number, want: number): boolean => got === want || Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  it.each(previous.designs.map((p) => [JSON.stringify(p.spec), p] as const))('%s', (_name, p) => {
    const d = groupSequentialDesign(p.spec);
    for (const field of ['efficacyBounds', 'alphaSpent', 'nominalAlpha'] as const) {
      expect(d[field].length).toBe(p[field].length);
      d[field].forEach((v, k) => expect(near(v, p[field][k]!), `${field}[${k}]: ${v} vs ${p[field][k]}`).toBe(true));
    }
    if (p.futilityBounds === null) expect(d.futilityBounds).toBeNull();
    else p.futilityBounds.forEach((f, k) => expect(near(d.futilityBounds![k]!, f), `futilityBounds[${k}]`).toBe(true));
    for (const field of ['drift', 'inflation', 'expectedFractionNull', 'expectedFractionAlternative'] as const) {
      expect(near(d[field], p[field]), `${field}: ${d[field]} vs ${p[field]}`).toBe(true);
    }
    expect(near(sequentialSampleSize({ mde: 2, sd: 10 }, { design: d }).power, p.power)).toBe(true);
    // a design saved by the previous code is accepted as it stands
    const { efficacyBounds, futilityBounds, alphaSpent, nominalAlpha, drift, inflation, expectedFractionNull, expectedFractionAlternative } = p;
    const saved: unknown = JSON.parse(
      JSON.stringify({ ...d, efficacyBounds, futilityBounds, alphaSpent, nominalAlpha, drift, inflation, expectedFractionNull, expectedFractionAlternative }),
    );
    expect(sequentialSampleSize({ mde: 2, sd: 10 }, { design: saved as typeof d }).power).toBeCloseTo(p.power, 9);
  });
});

describe('sequentialSampleSize with a group-sequential design', () => {
  it('is the fixed-horizon size times the inflation, with the units of each look', () => {
    const design = groupSequentialDesign({ looks: 5 });
    const r = sequentialSampleSize({ mde: 2, sd: 10 }, { design });
    expect(r.exact).toBeCloseTo(sampleSizeMeans(2, 10).exact * design.inflation, 6);
    expect(r.fixedHorizon).toBeCloseTo(sampleSizeMeans(2, 10).exact, 6);
    expect(r.tau2).toBeNull();
    expect(r.schedule).toEqual(design.timing.map((t) => Math.ceil(t * r.nControl - 1e-9)));
    expect(r.power).toBeGreaterThanOrEqual(0.8);
    expect(r.power).toBeLessThan(0.801);
    expect(r.boundary).toBe(design.efficacyBounds[4]);
    // far cheaper than the always-valid test at the same power
    expect(r.nControl).toBeLessThan(0.6 * sequentialSampleSize({ mde: 2, sd: 10 }).nControl);
  });
  it('takes alpha, power and sides from the design, and refuses the mSPRT options beside it', () => {
    const design = groupSequentialDesign({ looks: 3, alternative: 'greater', power: 0.9 });
    const r = sequentialSampleSize({ baseline: 0.1, mde: 0.02 }, { design });
    expect(r.power).toBeGreaterThanOrEqual(0.9);
    expect(sequentialSampleSize({ baseline: 0.1, mde: -0.02 }, { design: groupSequentialDesign({ looks: 3, alternative: 'less', power: 0.9 }) }).nControl).toBeGreaterThan(0);
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 10 }, { design, tau2: 1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 10 }, { design, looks: 3 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 10 }, { design, alpha: 0.1 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sequentialSampleSize({ mde: 2, sd: 10 }, { design: { looks: 3 } as never }))).toBe('E_DESIGN');
  });
});

const mean = (n: number, m: number, sd: number) => ({ n, sum: n * m, sumSquares: (n - 1) * sd * sd + n * m * m });

describe('groupSequentialTest', () => {
  const design = groupSequentialDesign({ looks: 4 });
  it('uses the design bounds at the planned looks and spends alpha at unplanned ones', () => {
    const planned = groupSequentialTest([mean(100, 10, 5), mean(100, 10.5, 5)], { design, maxSampleSize: 400 });
    expect(planned.comparisons[0]!.efficacyBound).toBe(design.efficacyBounds[0]);
    // looks at 30 %, 55 % and the end: the bounds of a design planned with that timing
    const opts = { design, maxSampleSize: 1000 };
    const l1 = groupSequentialTest([mean(300, 10, 5), mean(300, 10.2, 5)], opts);
    const l2 = groupSequentialTest([mean(550, 10, 5), mean(550, 10.2, 5)], { ...opts, previous: l1 });
    const l3 = groupSequentialTest([mean(1000, 10, 5), mean(1000, 10.2, 5)], { ...opts, previous: l2 });
    const same = groupSequentialDesign({ timing: [0.3, 0.55, 1] });
    [l1, l2, l3].forEach((l, k) => expect(l.comparisons[0]!.efficacyBound).toBeCloseTo(same.efficacyBounds[k]!, 9));
    expect(l3.final).toBe(true);
    expect(codeOf(() => groupSequentialTest([mean(1100, 10, 5), mean(1100, 10.2, 5)], { ...opts, previous: l3 }))).toBe('E_PREVIOUS_MISMATCH');
    // traffic ran out: final: true at 80 % spends what is left
    const early = groupSequentialTest([mean(800, 10, 5), mean(800, 10.2, 5)], { ...opts, previous: l1, final: true });
    expect(early.comparisons[0]!.efficacyBound).toBeCloseTo(groupSequentialDesign({ timing: [0.375, 1] }).efficacyBounds[1]!, 1);
    expect(early.final).toBe(true);
  });
  it('the repeated p-value is at most alpha exactly when the bound is crossed, and the repeated interval then excludes 0', () => {
    for (const m of [10.3, 10.6, 10.9, 11.0, 11.1, 11.4, 12]) {
      const r = groupSequentialTest([mean(200, 10, 5), mean(200, m, 5)], { design, maxSampleSize: 800 }).comparisons[0]!;
      expect(r.pValue <= 0.05).toBe(r.decision === 'efficacy');
      expect(r.ciLow > 0).toBe(r.decision === 'efficacy');
      expect(Math.abs(r.ciHigh - r.diff - Math.abs(r.efficacyBound) * r.standardError)).toBeLessThan(1e-12);
    }
    // at the bound itself the repeated p-value is alpha
    const a = design.efficacyBounds[0]!;
    const se = Math.sqrt(2 * 25 / 200);
    const atBound = groupSequentialTest([mean(200, 10, 5), mean(200, 10 + a * se, 5)], { design, maxSampleSize: 800 }).comparisons[0]!;
    expect(atBound.pValue).toBeCloseTo(0.05, 6);
  });
  it('freezes a comparison after an efficacy stop; previous looks survive JSON', () => {
    const opts = { design, maxSampleSize: 400 };
    const l1 = groupSequentialTest([mean(100, 10, 5), mean(100, 13.5, 5)], opts);
    expect(l1.comparisons[0]!.decision).toBe('efficacy');
    const json = JSON.parse(JSON.stringify(l1)) as GroupSequentialTestResult;
    const l2 = groupSequentialTest([mean(200, 10, 5), mean(200, 10, 5)], { ...opts, previous: json });
    expect(l2.comparisons[0]!.decision).toBe('efficacy');
    expect(l2.comparisons[0]!.stoppedAt).toBe(1);
    expect(l2.comparisons[0]!.diff).toBe(l1.comparisons[0]!.diff);
    // a design read back from JSON is rebuilt and accepted; one with edited bounds is refused
    const designJson = JSON.parse(JSON.stringify(design)) as typeof design;
    expect(groupSequentialTest([mean(100, 10, 5), mean(100, 13.5, 5)], { design: designJson, maxSampleSize: 400 })).toEqual(l1);
    expect(codeOf(() => groupSequentialTest([mean(100, 10, 5), mean(100, 13.5, 5)], { design: { ...designJson, efficacyBounds: [1, 1, 1, 1] }, maxSampleSize: 400 }))).toBe('E_DESIGN');
  });
  it('refuses a design (read back from JSON) with any number edited, naming the field', () => {
    const json = JSON.parse(JSON.stringify(design)) as Record<string, unknown>;
    const v = [mean(100, 10, 5), mean(100, 10.5, 5)];
    expect(groupSequentialTest(v, { design: json as never, maxSampleSize: 400 }).look).toBe(1);
    const edits: Record<string, unknown> = {
      looks: 5,
      alphaSpent: [0.05, 0.05, 0.05, 0.05],
      nominalAlpha: [0.01, 0.01, 0.01, 0.01],
      drift: 3,
      inflation: 1,
      expectedFractionNull: 0.5,
      expectedFractionAlternative: '0.7',
      futilityBounds: [0, 0, 0, 0],
    };
    for (const [field, value] of Object.entries(edits)) {
      const e = errorOf(() => groupSequentialTest(v, { design: { ...json, [field]: value } as never, maxSampleSize: 400 }));
      expect([e?.code, e?.field], field).toEqual(['E_DESIGN', `design.${field}`]);
      expect(errorOf(() => sequentialSampleSize({ mde: 2, sd: 10 }, { design: { ...json, [field]: value } as never }))?.code).toBe('E_DESIGN');
    }
  });
  it('reports a lift of null, not NaN or Infinity, when the control mean is 0 or denormal', () => {
    const zero = groupSequentialTest([{ n: 100, conversions: 0 }, { n: 100, conversions: 4 }], { design, maxSampleSize: 400 });
    expect(zero.comparisons[0]!.lift).toBeNull();
    expect(Number.isFinite(zero.comparisons[0]!.diff)).toBe(true);
    // a previous look with a null lift is accepted at the next look
    const next = groupSequentialTest([{ n: 200, conversions: 3 }, { n: 200, conversions: 9 }], { design, maxSampleSize: 400, previous: JSON.parse(JSON.stringify(zero)) as GroupSequentialTestResult });
    expect(next.comparisons[0]!.lift).toBeCloseTo(2, 12);
    const tiny = groupSequentialTest([{ n: 100, sum: 1e-308, sumSquares: 1 }, mean(100, 10, 5)], { design, maxSampleSize: 400 });
    expect(tiny.comparisons[0]!.lift).toBeNull();
  });
  it('flags futility (non-binding) where the design has futility bounds', () => {
    const fut = groupSequentialDesign({ looks: 4, futility: 'obrien-fleming' });
    const opts = { design: fut, maxSampleSize: 800 };
    const l1 = groupSequentialTest([{ n: 200, conversions: 20 }, { n: 200, conversions: 20 }], opts);
    const l2 = groupSequentialTest([{ n: 400, conversions: 40 }, { n: 400, conversions: 40 }], { ...opts, previous: l1 });
    expect(l2.comparisons[0]!.futilityBound).toBe(fut.futilityBounds![1]);
    expect(l2.comparisons[0]!.decision).toBe('futility');
    // non-binding: the next look is still analysed
    const l3 = groupSequentialTest([{ n: 600, conversions: 60 }, { n: 600, conversions: 75 }], { ...opts, previous: l2 });
    expect(l3.look).toBe(3);
  });
  it('agrees with the pooled two-proportion z statistic and handles several variants', () => {
    const r = groupSequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }, { n: 1000, conversions: 95 }], { design, maxSampleSize: 4000, repeatedPValue: false });
    expect(r.comparisons[0]!.statistic).toBeCloseTo(proportionsZTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }).z, 12);
    expect(r.comparisons.map((c) => c.index)).toEqual([1, 2]);
    expect(Number.isNaN(r.comparisons[0]!.pValue)).toBe(true);
  });
  it('typed errors', () => {
    const v = [mean(100, 10, 5), mean(100, 11, 5)];
    expect(codeOf(() => groupSequentialTest(v, { maxSampleSize: 400 }))).toBe('E_DESIGN');
    expect(codeOf(() => groupSequentialTest(v, { design }))).toBe('E_SAMPLE_SIZE');
    expect(codeOf(() => groupSequentialTest(v, { design, maxSampleSize: 400, final: 'yes' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => groupSequentialTest([v[0]!], { design, maxSampleSize: 400 }))).toBe('E_TOO_FEW_VARIANTS');
    expect(codeOf(() => groupSequentialTest([v[0]!, { n: 100, conversions: 3 }], { design, maxSampleSize: 400 }))).toBe('E_METRIC_KIND');
    const l1 = groupSequentialTest(v, { design, maxSampleSize: 400 });
    expect(codeOf(() => groupSequentialTest(v, { design, maxSampleSize: 400, previous: l1 }))).toBe('E_LOOK_ORDER');
    expect(codeOf(() => groupSequentialTest([mean(200, 10, 5), mean(90, 11, 5)], { design, maxSampleSize: 400, previous: l1 }))).toBe('E_LOOK_ORDER');
    expect(codeOf(() => groupSequentialTest([mean(200, 10, 5), mean(200, 11, 5)], { design, maxSampleSize: 500, previous: l1 }))).toBe('E_PREVIOUS_MISMATCH');
    expect(codeOf(() => groupSequentialTest([mean(200, 10, 5), mean(200, 11, 5)], { design, maxSampleSize: 400, previous: { ...l1, extra: 1 } as never }))).toBe('E_PREVIOUS_MISMATCH');
    expect(codeOf(() => groupSequentialTest(v, { design, maxSampleSize: 400, contrl: 0 } as never))).toBe('E_OPTION_UNKNOWN');
  });
});

describe('calibration with 25 looks (2,000 seeded experiments; 10,000 in the benchmark)', () => {
  // 10 % conversion, 25 looks of 200 visitors per arm, O'Brien-Fleming at α = 0.05.
  const design = groupSequentialDesign({ looks: 25 });
  const run = (pB: number, seed: number, sims: number) => {
    const rng = new Random(seed);
    let gs = 0;
    let fixed = 0;
    for (let s = 0; s < sims; s++) {
      let cA = 0;
      let cB = 0;
      let prev: GroupSequentialTestResult | null = null;
      let stopped = false;
      for (let k = 1; k <= 25; k++) {
        for (let i = 0; i < 200; i++) {
          if (rng.next() < 0.1) cA++;
          if (rng.next() < pB) cB++;
        }
        if (!stopped) {
          prev = groupSequentialTest([{ n: 200 * k, conversions: cA }, { n: 200 * k, conversions: cB }], { design, maxSampleSize: 5000, previous: prev, repeatedPValue: false });
          if (prev.comparisons[0]!.decision === 'efficacy') stopped = true;
        }
      }
      if (stopped) gs++;
      if (proportionsZTest({ n: 5000, conversions: cA }, { n: 5000, conversions: cB }).pValue < 0.05) fixed++;
    }
    return { gs: gs / sims, fixed: fixed / sims };
  };
  it('A/A: false positives ≤ α (within 3 standard errors of 2,000 runs)', () => {
    const r = run(0.1, 21, 2000);
    expect(r.gs).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / 2000));
  });
  it('10 % → 12 %: power within 5 points of one look at the same maximum sample', () => {
    const r = run(0.12, 22, 1000);
    expect(r.fixed - r.gs).toBeLessThan(0.05);
    expect(r.gs).toBeGreaterThan(0.8);
  });
});
