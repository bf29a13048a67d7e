import { readFileSync } from 'node:fs';
import type { MarksmanError } from '@marksman/core';
import { AbortError, OptionsError, Random, ValidationError } from '@marksman/core';
import { adjustedRandIndex } from '@marksman/metrics';
import { KMeansModel, describeClusters, kmeans, silhouetteScore, type KMeansProgress } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

interface GivenRun {
  labels: number[];
  centroids: number[][];
  inertia: number;
  iterations: number;
}
interface GivenCase {
  name: string;
  data: number[][];
  init: number[][];
  maxIterations: number;
  tolerance: number;
  sampleWeights: number[] | null;
  lloyd: GivenRun;
  elkan: GivenRun;
}
interface PlusPlusCase {
  name: string;
  data: number[][];
  k: number;
  inertia: number;
  singleInitMeanInertia: number;
  singleInitSdInertia: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/kmeans-sklearn.json', import.meta.url), 'utf8')) as {
  given: GivenCase[];
  plusplus: PlusPlusCase[];
};

const freezeRows = (rows: number[][]): readonly (readonly number[])[] => Object.freeze(rows.map((r) => Object.freeze(r.slice())));

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** Separable Gaussian blobs with known membership, from the seeded stream. */
function blobs(rng: Random, n: number, d: number, centers: number, spread: number): { rows: number[][]; truth: number[] } {
  const mus = Array.from({ length: centers }, () => Array.from({ length: d }, () => rng.uniform(-spread, spread)));
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = rng.int(centers);
    truth.push(g);
    rows.push(mus[g]!.map((m) => rng.normal(m, 1)));
  }
  return { rows, truth };
}

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

describe('kmeans matches scikit-learn 1.2.1 step for step from given centers', () => {
  for (const c of fixture.given) {
    for (const algorithm of ['lloyd', 'elkan'] as const) {
      it(`${c.name} (${algorithm}): same labels, centroids, inertia and iteration count`, () => {
        const ref = c[algorithm];
        const m = kmeans(freezeRows(c.data), c.init.length, {
          init: freezeRows(c.init),
          algorithm,
          maxIterations: c.maxIterations,
          tolerance: c.tolerance,
          sampleWeights: c.sampleWeights ?? undefined,
        });
        expect(Array.from(m.labels)).toEqual(ref.labels);
        expect(m.iterations).toBe(ref.iterations);
        expect(relErr(m.inertia, ref.inertia)).toBeLessThan(1e-9);
        m.centroids.forEach((row, g) => row.forEach((v, j) => expect(Math.abs(v - ref.centroids[g]![j]!)).toBeLessThan(1e-9 * (1 + Math.abs(ref.centroids[g]![j]!)))));
        expect(m.converged).toBe(ref.iterations < c.maxIterations);
      });
    }
  }
});

describe('greedy k-means++ behaves like scikit-learn\'s', () => {
  for (const c of fixture.plusplus) {
    it(`${c.name}: best of 10 restarts within 0.5% of sklearn's; mean single-init inertia within 4 standard errors`, () => {
      const rows = freezeRows(c.data);
      const m = kmeans(rows, c.k, { nInit: 10, seed: 3 });
      expect(relErr(m.inertia, c.inertia)).toBeLessThan(0.005);
      expect(m.converged).toBe(true);
      const runs = 100;
      let sum = 0;
      for (let s = 0; s < runs; s++) sum += kmeans(rows, c.k, { seed: 100 + s }).inertia;
      const se = c.singleInitSdInertia * Math.sqrt(1 / runs + 1 / 200);
      expect(Math.abs(sum / runs - c.singleInitMeanInertia)).toBeLessThan(4 * se);
    });
  }
});

describe('kmeans properties', () => {
  it('recovers separable latent segments: adjusted Rand index ≥ 0.9 (Lloyd and Elkan, d = 3, 6, 11)', () => {
    for (const d of [3, 6, 11]) {
      const { rows, truth } = blobs(new Random(10 + d), 3000, d, 6, 12);
      for (const algorithm of ['lloyd', 'elkan'] as const) {
        const m = kmeans(freezeRows(rows), 6, { seed: 1, nInit: 3, algorithm });
        expect(adjustedRandIndex(truth, Array.from(m.labels))).toBeGreaterThanOrEqual(0.9);
      }
    }
  });

  it('is deterministic for a seed, and rows and PointMatrix inputs agree', () => {
    const { rows } = blobs(new Random(2), 800, 5, 4, 3);
    const a = kmeans(freezeRows(rows), 4, { seed: 9, nInit: 2 });
    const b = kmeans(freezeRows(rows), 4, { seed: 9, nInit: 2 });
    const c = kmeans(Object.freeze({ values: Float64Array.from(rows.flat()), columns: 5 }), 4, { seed: 9, nInit: 2 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.centroids).toEqual(a.centroids);
    expect(Array.from(c.labels)).toEqual(Array.from(a.labels));
    expect(c.inertia).toBe(a.inertia);
  });

  it('Lloyd and Elkan agree from the same seeding; random init works too', () => {
    const { rows } = blobs(new Random(4), 1500, 7, 5, 6);
    const l = kmeans(freezeRows(rows), 5, { seed: 2 });
    const e = kmeans(freezeRows(rows), 5, { seed: 2, algorithm: 'elkan' });
    expect(Array.from(e.labels)).toEqual(Array.from(l.labels));
    expect(relErr(e.inertia, l.inertia)).toBeLessThan(1e-12);
    expect(e.iterations).toBe(l.iterations);
    const r = kmeans(freezeRows(rows), 5, { seed: 2, init: 'random', nInit: 5 });
    expect(r.inertia).toBeLessThan(l.inertia * 1.05);
  });

  it('inertia equals Σ‖x − centroid(label)‖² and labels are nearest centroids (predict on training data)', () => {
    const { rows } = blobs(new Random(5), 600, 4, 3, 4);
    const m = kmeans(freezeRows(rows), 3, { seed: 0 });
    let s = 0;
    rows.forEach((r, i) => r.forEach((v, j) => (s += (v - m.centroids[m.labels[i]!]![j]!) ** 2)));
    expect(relErr(m.inertia, s)).toBeLessThan(1e-12);
    expect(Array.from(m.predict(freezeRows(rows)))).toEqual(Array.from(m.labels));
  });

  it('is shift-invariant: the same blobs moved 1e6 away from the origin get the same labels and inertia', () => {
    const { rows } = blobs(new Random(8), 2000, 8, 5, 4);
    const far = rows.map((r) => r.map((v, j) => v + 1e6 * (j % 2 ? -1 : 1)));
    for (const algorithm of ['lloyd', 'elkan'] as const) {
      const a = kmeans(freezeRows(rows), 5, { seed: 3, algorithm });
      const b = kmeans(freezeRows(far), 5, { seed: 3, algorithm });
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(relErr(b.inertia, a.inertia)).toBeLessThan(1e-6);
      expect(b.iterations).toBe(a.iterations);
    }
  });

  it('the stride-4, stride-8 and general kernels agree: appending zero columns changes nothing (odd n)', () => {
    for (const d of [3, 4, 8]) {
      const { rows } = blobs(new Random(20 + d), 1001, d, 4, 3);
      const padded = rows.map((r) => [...r, 0]);
      const init = rows.slice(0, 4);
      const a = kmeans(freezeRows(rows), 4, { init });
      const b = kmeans(freezeRows(padded), 4, { init: init.map((r) => [...r, 0]) });
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(b.iterations).toBe(a.iterations);
      expect(relErr(b.inertia, a.inertia)).toBeLessThan(1e-10);
    }
  });

  it('integer sample weights equal repeating the rows', () => {
    const { rows } = blobs(new Random(6), 300, 3, 3, 3);
    const weights = rows.map((_, i) => 1 + (i % 3));
    const repeated = rows.flatMap((r, i) => Array.from({ length: weights[i]! }, () => r));
    const init = [rows[0]!, rows[1]!, rows[2]!];
    const a = kmeans(freezeRows(rows), 3, { init, sampleWeights: Object.freeze(weights) });
    const b = kmeans(freezeRows(repeated), 3, { init });
    expect(relErr(a.inertia, b.inertia)).toBeLessThan(1e-10);
    a.centroids.forEach((row, g) => row.forEach((v, j) => expect(v).toBeCloseTo(b.centroids[g]![j]!, 10)));
  });

  it('more restarts never give a higher inertia than the first restart alone', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [Math.sin(i) * 5, Math.cos(i * 1.3) * 3, (i % 17) / 4]);
    const one = kmeans(freezeRows(rows), 7, { seed: 11, nInit: 1 });
    const ten = kmeans(freezeRows(rows), 7, { seed: 11, nInit: 10 });
    expect(ten.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('stops at maxIterations with converged = false, reports progress, and can be aborted', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [(i * 7919) % 1000 / 1000, (i * 104729) % 997 / 997]);
    const seen: KMeansProgress[] = [];
    const m = kmeans(freezeRows(rows), 8, { maxIterations: 2, tolerance: 0, onProgress: (p) => seen.push(p) });
    expect(m.iterations).toBe(2);
    expect(m.converged).toBe(false);
    expect(seen.map((p) => p.iteration)).toEqual([1, 2]);
    expect(seen[0]!.labelsChanged).toBe(2000);
    const ctl = new AbortController();
    expect(() => kmeans(freezeRows(rows), 8, { signal: ctl.signal, onProgress: () => ctl.abort() })).toThrow(AbortError);
  });

  it('k = 1 gives the mean; a single point with k = 1 is its own center', () => {
    const m = kmeans([[1, 2], [3, 6]], 1);
    expect(m.centroids).toEqual([[2, 4]]);
    expect(m.inertia).toBe(10);
    const one = kmeans([[5, 5]], 1);
    expect(one.inertia).toBe(0);
    expect(Array.from(one.labels)).toEqual([0]);
  });

  it('toJSON / fromJSON round-trip exactly', () => {
    const { rows } = blobs(new Random(7), 200, 2, 3, 5);
    const m = kmeans(freezeRows(rows), 3, { seed: 4 });
    const back = KMeansModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.centroids).toEqual(m.centroids);
    expect(Array.from(back.labels)).toEqual(Array.from(m.labels));
    expect([back.inertia, back.iterations, back.converged]).toEqual([m.inertia, m.iterations, m.converged]);
    expect(Array.from(back.predict(rows))).toEqual(Array.from(m.predict(rows)));
  });

  it('doc examples', () => {
    const model = kmeans([[1, 1], [1, 2], [9, 9], [9, 10]], 2, { seed: 7 });
    expect(model.inertia).toBe(1);
    expect(model.labels[0] === model.labels[1] && model.labels[0] !== model.labels[2]).toBe(true);
    const m2 = KMeansModel.fromJSON({ labels: [0, 1], centroids: [[0], [10]], inertia: 0, iterations: 1, converged: true });
    expect(Array.from(m2.predict([[2], [7]]))).toEqual([0, 1]);
  });
});

describe('kmeans and the quality scores take points as rows, records, named columns or a row-major matrix (issue 15 §6)', () => {
  const rows = [[1, 10], [1.5, 11], [8, 2], [9, 1], [8.5, 1.5], [1.2, 10.5]];
  // Records list their fields in any order; the features are the names sorted (frequency, recency).
  const records = Object.freeze(rows.map(([f, r], i) => Object.freeze(i % 2 === 0 ? { frequency: f!, recency: r! } : { recency: r!, frequency: f! })));
  it('gives the same clustering, centroids and predictions from records as from rows', () => {
    const a = kmeans(rows, 2, { seed: 3 });
    const b = kmeans(records, 2, { seed: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.centroids).toEqual(a.centroids);
    expect(Array.from(b.predict([{ recency: 2, frequency: 9 }]))).toEqual(Array.from(a.predict([[9, 2]])));
    const d = describeClusters(records, a.labels);
    expect(d.features).toEqual(['frequency', 'recency']);
    expect(silhouetteScore(records, a.labels)).toBeCloseTo(silhouetteScore(rows, a.labels), 12);
  });
  it('gives the same answers from named columns (arrays or typed arrays, any key order) as from records', () => {
    const columns = Object.freeze({ recency: Float64Array.from(rows, (r) => r[1]!), frequency: Object.freeze(rows.map((r) => r[0]!)) });
    const a = kmeans(records, 2, { seed: 3 });
    const b = kmeans(columns, 2, { seed: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.centroids).toEqual(a.centroids);
    expect(describeClusters(columns, a.labels).features).toEqual(['frequency', 'recency']);
    expect(silhouetteScore(columns, a.labels)).toBeCloseTo(silhouetteScore(records, a.labels), 12);
    expect(Array.from(b.predict({ frequency: [9], recency: [2] }))).toEqual(Array.from(a.predict([{ recency: 2, frequency: 9 }])));
    expectCode(() => kmeans({ recency: [1, 2], frequency: [1] }, 1), ValidationError, 'E_RAGGED');
    expectCode(() => kmeans({ recency: [1, 2], frequency: 'x' } as never, 1), ValidationError, 'E_POINTS_TYPE');
    expectCode(() => kmeans({ recency: [1, NaN] }, 1), ValidationError, 'E_NOT_FINITE');
    expectCode(() => kmeans({}, 1), ValidationError, 'E_EMPTY');
    expect(() => kmeans({ recency: [1, 2], frequency: [1] }, 1)).toThrow(/read as columns/);
  });
  it('names the layouts in its errors', () => {
    expectCode(() => kmeans([{ recency: 1, frequency: 2 }, { recency: 3 }], 1), ValidationError, 'E_RAGGED');
    expectCode(() => kmeans([{ recency: 1 }, [3]] as never, 1), ValidationError, 'E_POINTS_TYPE');
    expectCode(() => kmeans([{ recency: 1 }, { recency: '3' }] as never, 1), ValidationError, 'E_NOT_FINITE');
    expect(() => kmeans([[1, 2], [3]], 1)).toThrow(/read as rows \(one array per point, one value per feature\)/);
    expect(() => kmeans('points' as never, 1)).toThrow(/rows \(one array of numbers per point\), records \(one object with named numeric fields per point\)/);
  });
});

describe('kmeans refuses bad input with typed errors', () => {
  const ok = [[0, 0], [1, 1], [5, 5], [6, 6]];
  it('empty data, empty rows, ragged rows, wrong types', () => {
    expectCode(() => kmeans([], 2), ValidationError, 'E_EMPTY');
    expectCode(() => kmeans([[]], 1), ValidationError, 'E_EMPTY');
    expectCode(() => kmeans({ values: new Float64Array(0), columns: 2 }, 1), ValidationError, 'E_EMPTY');
    expectCode(() => kmeans([[1, 2], [3]], 1), ValidationError, 'E_RAGGED');
    expectCode(() => kmeans({ values: new Float64Array(5), columns: 2 }, 1), ValidationError, 'E_RAGGED');
    expectCode(() => kmeans([1, 2] as unknown as number[][], 1), ValidationError, 'E_POINTS_TYPE');
    expectCode(() => kmeans({ values: [1, 2] as unknown as Float64Array, columns: 1 }, 1), ValidationError, 'E_POINTS_TYPE');
    expectCode(() => kmeans({ values: new Float64Array(4), columns: 0 }, 1), ValidationError, 'E_POINTS_TYPE');
  });
  it('NaN or infinite features name the row', () => {
    try {
      kmeans([[0, 0], [1, NaN], [2, 2]], 2);
      throw new Error('no throw');
    } catch (e) {
      expect((e as ValidationError).code).toBe('E_NOT_FINITE');
      expect((e as ValidationError).row).toBe(1);
    }
    try {
      kmeans({ values: Float64Array.from([0, 0, 1, 1, 2, Infinity]), columns: 2 }, 2);
      throw new Error('no throw');
    } catch (e) {
      expect((e as ValidationError).code).toBe('E_NOT_FINITE');
      expect((e as ValidationError).row).toBe(2);
    }
    expectCode(() => kmeans({ values: Float64Array.from([1e308, -1e308, 0]), columns: 1 }, 1), ValidationError, 'E_NOT_FINITE');
  });
  it('k above the number of points or of distinct points; a single point with k = 2', () => {
    expectCode(() => kmeans(ok, 5), ValidationError, 'E_K_TOO_LARGE');
    expectCode(() => kmeans([[1, 1]], 2), ValidationError, 'E_K_TOO_LARGE');
    const dup = [[1, 1], [1, 1], [2, 2], [2, 2], [1, 1]];
    expectCode(() => kmeans(dup, 3), ValidationError, 'E_K_TOO_LARGE');
    expectCode(() => kmeans(dup, 3, { init: 'random' }), ValidationError, 'E_K_TOO_LARGE');
    expectCode(() => kmeans(ok, 3, { sampleWeights: [1, 0, 0, 1] }), ValidationError, 'E_K_TOO_LARGE');
    expect(kmeans(dup, 2).inertia).toBe(0);
  });
  it('bad k and options', () => {
    expectCode(() => kmeans(ok, 0), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 1.5), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { nInit: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { maxIterations: -1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { tolerance: -1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { algorithm: 'hartigan' as 'lloyd' }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { init: 'kmeans||' as 'random' }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => kmeans(ok, 2, { sed: 1 } as never), OptionsError, 'E_OPTION_UNKNOWN');
  });
  it('bad weights and starting centers', () => {
    expectCode(() => kmeans(ok, 2, { sampleWeights: [1, 1] }), ValidationError, 'E_WEIGHTS');
    expectCode(() => kmeans(ok, 2, { sampleWeights: [1, -1, 1, 1] }), ValidationError, 'E_WEIGHTS');
    expectCode(() => kmeans(ok, 2, { sampleWeights: [0, 0, 0, 0] }), ValidationError, 'E_WEIGHTS');
    expectCode(() => kmeans(ok, 2, { sampleWeights: 5 as unknown as number[] }), OptionsError, 'E_WEIGHTS');
    expectCode(() => kmeans(ok, 2, { init: [[0, 0]] }), ValidationError, 'E_INIT');
    expectCode(() => kmeans(ok, 2, { init: [[0, 0], [1]] }), ValidationError, 'E_INIT');
  });
  it('predict and fromJSON check their input', () => {
    const m = kmeans(ok, 2);
    expectCode(() => m.predict([[1, 2, 3]]), ValidationError, 'E_DIMENSION');
    expectCode(() => KMeansModel.fromJSON({ labels: [], centroids: [[1], [1, 2]], inertia: 0, iterations: 0, converged: true }), ValidationError, 'E_MODEL_JSON');
  });
  it('does not mutate a PointMatrix', () => {
    const values = Float64Array.from([0, 0, 1, 1, 5, 5, 6, 6]);
    const copy = values.slice();
    kmeans(Object.freeze({ values, columns: 2 }), 2, { init: 'random', nInit: 3 });
    expect(Array.from(values)).toEqual(Array.from(copy));
  });
});
