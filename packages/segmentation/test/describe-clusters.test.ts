import type { MarksmanError } from '@marksman/core';
import { OptionsError, Random, ValidationError } from '@marksman/core';
import { describeClusters } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

function expectCode(fn: () => unknown, cls: typeof MarksmanError, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as MarksmanError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('describeClusters', () => {
  const rng = new Random(12);
  // Two segments: "loyal" (low recency, many orders, high spend) and "lapsed"; spend is noise-free of segment in column 3.
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const loyal = i % 4 === 0;
    rows.push([loyal ? rng.normal(20, 5) : rng.normal(200, 40), loyal ? rng.normal(12, 2) : rng.normal(2, 1), loyal ? rng.normal(900, 100) : rng.normal(150, 50), rng.normal(0, 1)]);
    labels.push(loyal ? 7 : -3);
  }
  const names = ['recency', 'frequency', 'monetary', 'noise'];
  const out = describeClusters(Object.freeze(rows.map((r) => Object.freeze(r))), Object.freeze(labels), { featureNames: names, top: 3 });

  it('sizes, shares and centroids are the plain per-cluster counts and means', () => {
    expect(out.clusters.map((c) => c.label)).toEqual([-3, 7]);
    expect(out.clusters.map((c) => c.size)).toEqual([1500, 500]);
    expect(out.clusters[1]!.share).toBe(0.25);
    for (const c of out.clusters) {
      const members = rows.filter((_, i) => labels[i] === c.label);
      c.centroid.forEach((v, j) => expect(v).toBeCloseTo(members.reduce((s, r) => s + r[j]!, 0) / members.length, 9));
    }
    // The size-weighted mean of the centroids is the population mean.
    out.populationMean.forEach((mu, j) => expect(out.clusters.reduce((s, c) => s + c.share * c.centroid[j]!, 0)).toBeCloseTo(mu, 9));
  });

  it('z-scores are (cluster mean − population mean) / population sd, and the size-weighted z-scores sum to 0', () => {
    for (const c of out.clusters) c.zScores.forEach((z, j) => expect(z).toBeCloseTo((c.centroid[j]! - out.populationMean[j]!) / out.populationSd[j]!, 12));
    for (let j = 0; j < 4; j++) expect(out.clusters.reduce((s, c) => s + c.share * c.zScores[j]!, 0)).toBeCloseTo(0, 12);
  });

  it('ranks the segment-defining features first and leaves the noise out', () => {
    const loyal = out.clusters[1]!;
    expect(loyal.distinguishing.map((f) => f.feature).sort()).toEqual(['frequency', 'monetary', 'recency']);
    expect(loyal.distinguishing.find((f) => f.feature === 'recency')!.direction).toBe('lower');
    expect(loyal.distinguishing.find((f) => f.feature === 'monetary')!.direction).toBe('higher');
    const zs = loyal.distinguishing.map((f) => Math.abs(f.zScore));
    expect(zs).toEqual([...zs].sort((a, b) => b - a));
    expect(Math.abs(loyal.zScores[3]!)).toBeLessThan(0.2);
  });

  it('a constant feature gets z = 0; default names; PointMatrix input', () => {
    const r = describeClusters({ values: Float64Array.from([1, 5, 2, 5, 9, 5, 10, 5]), columns: 2 }, [0, 0, 1, 1]);
    expect(r.features).toEqual(['x0', 'x1']);
    expect(r.clusters[0]!.zScores[1]).toBe(0);
    expect(r.clusters[0]!.sd).toEqual([0.5, 0]);
  });

  it('doc example', () => {
    const r = describeClusters([[10, 1], [20, 1], [300, 9], [310, 11]], [0, 0, 1, 1], { featureNames: ['recencyDays', 'orders'] });
    expect(r.clusters[1]!.centroid).toEqual([305, 10]);
    expect(r.clusters[1]!.distinguishing[0]!.feature).toBe('recencyDays');
    expect(r.clusters[1]!.distinguishing[0]!.direction).toBe('higher');
  });

  it('refuses bad input', () => {
    expectCode(() => describeClusters([[1, 2]], [0], { featureNames: ['a'] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => describeClusters([[1, 2]], [0], { top: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => describeClusters([[1, 2]], [0, 1]), ValidationError, 'E_LABELS');
    expectCode(() => describeClusters([], []), ValidationError, 'E_EMPTY');
    expectCode(() => describeClusters([[NaN, 1]], [0]), ValidationError, 'E_NOT_FINITE');
  });
});
