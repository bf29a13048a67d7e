import type { MarksmanError } from '@marksman/core';
import { OptionsError, Random, ValidationError } from '@marksman/core';
import { calinskiHarabasz, chooseK, daviesBouldin, kmeans, silhouetteScore, type ChooseKRow } from '@marksman/segmentation';
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

function blobs(seed: number, n: number, centers: number[][], sd: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => centers[i % centers.length]!.map((m) => rng.normal(m, sd)));
}

describe('chooseK', () => {
  const centers = [[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8], [8, 8, 8]];
  const rows = Object.freeze(blobs(3, 1000, centers, 1).map((r) => Object.freeze(r)));

  it('finds the true number of well-separated clusters, and every score votes for it', () => {
    const r = chooseK(rows, { kRange: [2, 8], seed: 2 });
    expect(r.recommendedK).toBe(5);
    expect(r.bestBy).toEqual({ silhouette: 5, calinskiHarabasz: 5, daviesBouldin: 5 });
    expect(r.table.map((x) => x.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(r.reason).toContain('k = 5 is the choice of 3 of 3 scores');
    // Scores of 1,000 and more carry thousands separators, as everywhere in Marksman's text.
    const ch = r.table.find((x) => x.k === 5)!.calinskiHarabasz!;
    expect(ch).toBeGreaterThan(1000);
    expect(r.reason).toContain(`Calinski-Harabasz is highest at k = 5 (${Number(ch.toPrecision(4)).toLocaleString('en-US')})`);
    expect(r.reason).toMatch(/\(\d{1,3}(,\d{3})+\)/);
    expect(r.elbowK).toBe(5);
  });

  it('table rows equal kmeans and the score functions run separately', () => {
    const r = chooseK(rows, { kRange: [3, 4], seed: 2, nInit: 2 });
    for (const row of r.table) {
      const m = kmeans(rows, row.k, { seed: 2, nInit: 2 });
      expect(row.inertia).toBe(m.inertia);
      expect(row.silhouette).toBe(silhouetteScore(rows, m.labels));
      expect(row.calinskiHarabasz).toBe(calinskiHarabasz(rows, m.labels));
      expect(row.daviesBouldin).toBe(daviesBouldin(rows, m.labels));
    }
    // Inertia never increases with k on this data.
    const full = chooseK(rows, { kRange: [1, 7], metrics: [], seed: 2 });
    for (let i = 1; i < full.table.length; i++) expect(full.table[i]!.inertia).toBeLessThanOrEqual(full.table[i - 1]!.inertia);
  });

  it('without scores the elbow decides; a single metric decides alone; k = 1 rows have null scores', () => {
    const r = chooseK(rows, { kRange: [2, 8], metrics: [], seed: 2 });
    expect(r.recommendedK).toBe(5);
    expect(r.elbowK).toBe(5);
    expect(r.reason).toContain('elbow');
    expect(r.table[0]!.silhouette).toBeNull();
    const one = chooseK(rows, { kRange: [1, 6], metrics: ['daviesBouldin'], seed: 2 });
    expect(one.recommendedK).toBe(5);
    expect(one.table[0]!.daviesBouldin).toBeNull();
    expect(one.table[1]!.silhouette).toBeNull();
    const single = chooseK(rows, { kRange: [4, 4], metrics: [] });
    expect(single.recommendedK).toBe(4);
    expect(single.elbowK).toBeNull();
  });

  it('ties between scores go to the silhouette, reports progress, samples the silhouette when asked', () => {
    const seen: ChooseKRow[] = [];
    const r = chooseK(rows, { kRange: [4, 6], metrics: ['calinskiHarabasz', 'silhouette'], seed: 2, silhouetteSampleSize: 300, onProgress: (row) => seen.push(row) });
    expect(seen.map((x) => x.k)).toEqual([4, 5, 6]);
    expect(r.recommendedK).toBe(r.bestBy.silhouette);
  });

  it('doc example', () => {
    const pts = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
    const result = chooseK(pts, { kRange: [2, 5], seed: 1 });
    expect(result.recommendedK).toBe(3);
    expect(result.table.length).toBe(4);
  });

  it('refuses bad ranges, metrics and data', () => {
    expectCode(() => chooseK(rows, { kRange: [0, 3] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => chooseK(rows, { kRange: [4, 3] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => chooseK(rows, { kRange: [2] as unknown as [number, number] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => chooseK(rows, { metrics: ['gap' as 'silhouette'] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => chooseK([[1, 2]], { kRange: [2, 3] }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => chooseK([[1, 2], [3, 4]]), OptionsError, 'E_OPTION_RANGE');
    // The default range shrinks to n − 1 on small data.
    expect(chooseK([[0], [1], [10], [11], [20]]).table.map((r) => r.k)).toEqual([2, 3, 4]);
    expectCode(() => chooseK([], {}), ValidationError, 'E_EMPTY');
    expectCode(() => chooseK([[1], [NaN]], {}), ValidationError, 'E_NOT_FINITE');
    expectCode(() => chooseK([[1], [1], [1], [2]], { kRange: [2, 3] }), ValidationError, 'E_K_TOO_LARGE');
  });
});
