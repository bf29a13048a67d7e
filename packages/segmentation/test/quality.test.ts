import { readFileSync } from 'node:fs';
import type { MarksmanError } from '@marksman/core';
import { OptionsError, Random, ValidationError } from '@marksman/core';
import { SILHOUETTE_EXACT_LIMIT, calinskiHarabasz, daviesBouldin, kmeans, silhouetteScore } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

interface QualityCase {
  name: string;
  data: number[][];
  labels: number[];
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/quality-sklearn.json', import.meta.url), 'utf8')) as { cases: QualityCase[] };

const freezeRows = (rows: number[][]): readonly (readonly number[])[] => Object.freeze(rows.map((r) => Object.freeze(r.slice())));
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

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

describe('cluster-quality scores equal scikit-learn 1.2.1 to 1e-9 relative', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const rows = freezeRows(c.data);
      const labels = Object.freeze(c.labels.slice());
      const matrix = Object.freeze({ values: Float64Array.from(c.data.flat()), columns: c.data[0]!.length });
      expect(relErr(silhouetteScore(rows, labels), c.silhouette)).toBeLessThan(1e-9);
      expect(relErr(calinskiHarabasz(rows, labels), c.calinskiHarabasz)).toBeLessThan(1e-9);
      expect(relErr(daviesBouldin(rows, labels), c.daviesBouldin)).toBeLessThan(1e-9);
      expect(relErr(silhouetteScore(matrix, Int32Array.from(labels)), c.silhouette)).toBeLessThan(1e-9);
      expect(relErr(calinskiHarabasz(matrix, labels), c.calinskiHarabasz)).toBeLessThan(1e-9);
      expect(relErr(daviesBouldin(matrix, labels), c.daviesBouldin)).toBeLessThan(1e-9);
    });
  }
});

describe('cluster-quality invariants', () => {
  const rng = new Random(8);
  const rows = Array.from({ length: 3000 }, (_, i) => {
    const g = i % 4;
    return [rng.normal(g * 4, 1), rng.normal(g % 2 ? 3 : -3, 1.5)];
  });
  const labels = kmeans(rows, 4, { seed: 1 }).labels;

  it('renaming the labels changes nothing', () => {
    const renamed = Array.from(labels, (l) => 100 - 7 * l);
    expect(silhouetteScore(rows, renamed)).toBeCloseTo(silhouetteScore(rows, labels), 12);
    expect(calinskiHarabasz(rows, renamed)).toBeCloseTo(calinskiHarabasz(rows, labels), 9);
    expect(daviesBouldin(rows, renamed)).toBeCloseTo(daviesBouldin(rows, labels), 12);
  });

  it('sampled silhouette: the full sample equals the exact score; a 600-point sample is within 0.03', () => {
    const exact = silhouetteScore(rows, labels);
    expect(silhouetteScore(rows, labels, { sampleSize: rows.length, seed: 5 })).toBeCloseTo(exact, 12);
    const est = silhouetteScore(rows, labels, { sampleSize: 600, seed: 5 });
    expect(Math.abs(est - exact)).toBeLessThan(0.03);
    expect(silhouetteScore(rows, labels, { sampleSize: 600, seed: 5 })).toBe(est);
  });

  it('better clusterings score better on all three', () => {
    const shuffled = new Random(2).shuffle(Array.from(labels));
    expect(silhouetteScore(rows, labels)).toBeGreaterThan(silhouetteScore(rows, shuffled));
    expect(calinskiHarabasz(rows, labels)).toBeGreaterThan(calinskiHarabasz(rows, shuffled));
    expect(daviesBouldin(rows, labels)).toBeLessThan(daviesBouldin(rows, shuffled));
  });

  it('edge cases follow scikit-learn: coincident points and centroids', () => {
    // Every cluster is one repeated point: CH = 1 by convention, DB = 0, silhouette 1.
    const pts = [[0, 0], [0, 0], [3, 4], [3, 4]];
    expect(calinskiHarabasz(pts, [0, 0, 1, 1])).toBe(1);
    expect(daviesBouldin(pts, [0, 0, 1, 1])).toBe(0);
    expect(silhouetteScore(pts, [0, 0, 1, 1])).toBe(1);
    // Two clusters with the same centroid: the pair contributes 0 to Davies-Bouldin
    // (sklearn gives 0.24242424242424243 = (2/11 + 3/11 + 3/11) / 3).
    expect(daviesBouldin([[-1], [1], [-2], [2], [10], [12]], [0, 0, 1, 1, 2, 2])).toBeCloseTo(8 / 33, 15);
  });

  it('doc examples', () => {
    expect(calinskiHarabasz([[0], [2], [10], [12]], [0, 0, 1, 1])).toBe(50);
    expect(daviesBouldin([[0], [2], [10], [12]], [0, 0, 1, 1])).toBeCloseTo(0.2, 15);
    expect(silhouetteScore([[0], [2], [10], [12]], [0, 0, 1, 1])).toBeCloseTo((9 / 11 + 7 / 9) / 2, 15);
  });
});

describe('cluster-quality errors', () => {
  it('label count outside 2..n-1, single point, bad labels', () => {
    for (const f of [silhouetteScore, calinskiHarabasz, daviesBouldin]) {
      expectCode(() => f([[0], [1], [2]], [0, 0, 0]), ValidationError, 'E_LABEL_COUNT');
      expectCode(() => f([[0], [1], [2]], [0, 1, 2]), ValidationError, 'E_LABEL_COUNT');
      expectCode(() => f([[0]], [0]), ValidationError, 'E_LABEL_COUNT');
      expectCode(() => f([[0], [1], [2]], [0, 1]), ValidationError, 'E_LABELS');
      expectCode(() => f([[0], [1], [2]], [0, 1, 0.5]), ValidationError, 'E_LABELS');
      expectCode(() => f([[0], [1], [2]], null as unknown as number[]), ValidationError, 'E_LABELS');
      expectCode(() => f([], []), ValidationError, 'E_EMPTY');
      expectCode(() => f([[0], [NaN], [2]], [0, 1, 1]), ValidationError, 'E_NOT_FINITE');
    }
  });
  it('exact silhouette refuses above its limit; sampleSize is checked', () => {
    const n = SILHOUETTE_EXACT_LIMIT + 1;
    const big = { values: Float64Array.from({ length: n }, (_, i) => i % 97), columns: 1 };
    const labels = Int32Array.from({ length: n }, (_, i) => (i % 97 < 50 ? 0 : 1));
    expectCode(() => silhouetteScore(big, labels), ValidationError, 'E_TOO_LARGE');
    expect(silhouetteScore(big, labels, { sampleSize: 400, seed: 1 })).toBeGreaterThan(0.5);
    expectCode(() => silhouetteScore(big, labels, { sampleSize: SILHOUETTE_EXACT_LIMIT + 1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => silhouetteScore([[0], [1], [2]], [0, 1, 1], { sampleSize: 1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => silhouetteScore([[0], [1], [5], [6]], [0, 0, 1, 1], { sampleSize: 2, seed: 0 }), ValidationError, 'E_LABEL_COUNT');
  });
});
