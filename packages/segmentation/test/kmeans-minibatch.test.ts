import { AbortError, OptionsError, Random, ValidationError } from '@marksman/core';
import { adjustedRandIndex } from '@marksman/metrics';
import { kmeans, miniBatchKMeans, type MiniBatchProgress, type PointMatrix } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

/** n points around g well-separated centers in d dimensions, with the true group of each. */
function blobs(seed: number, n: number, d: number, g: number, spread = 1): { data: PointMatrix; truth: number[] } {
  const rng = new Random(seed);
  const centers = Array.from({ length: g * d }, () => rng.uniform(-20, 20));
  const values = new Float64Array(n * d);
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(g);
    truth.push(c);
    for (let j = 0; j < d; j++) values[i * d + j] = rng.normal(centers[c * d + j]!, spread);
  }
  return { data: Object.freeze({ values, columns: d }), truth };
}

/** Σ w‖x − c(x)‖² recomputed from the labels and centroids. */
function inertiaOf(data: PointMatrix, labels: Int32Array, centroids: number[][], w?: ArrayLike<number>): number {
  const d = data.columns;
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += (data.values[i * d + j]! - centroids[labels[i]!]![j]!) ** 2;
    s += (w === undefined ? 1 : w[i]!) * t;
  }
  return s;
}

describe('miniBatchKMeans', () => {
  it('recovers separated clusters and lands within 1% of the full k-means inertia', () => {
    const { data, truth } = blobs(1, 20_000, 4, 5);
    const copy = data.values.slice();
    const model = miniBatchKMeans(data, 5, { seed: 2 });
    const full = kmeans(data, 5, { seed: 2 });
    expect(adjustedRandIndex(truth, Array.from(model.labels))).toBeGreaterThan(0.99);
    expect(model.inertia / full.inertia).toBeLessThan(1.01);
    expect(model.inertia / full.inertia).toBeGreaterThan(0.999);
    expect(data.values.every((v, i) => Object.is(v, copy[i]))).toBe(true);
  });

  it('labels every point with its nearest centroid and reports the exact inertia', () => {
    const { data } = blobs(3, 3001, 3, 4, 3);
    const model = miniBatchKMeans(data, 4, { seed: 5, batchSize: 256 });
    const d = data.columns;
    for (let i = 0; i < 3001; i++) {
      let best = Infinity;
      for (const c of model.centroids) {
        let t = 0;
        for (let j = 0; j < d; j++) t += (data.values[i * d + j]! - c[j]!) ** 2;
        best = Math.min(best, t);
      }
      let own = 0;
      for (let j = 0; j < d; j++) own += (data.values[i * d + j]! - model.centroids[model.labels[i]!]![j]!) ** 2;
      expect(own).toBeLessThanOrEqual(best * (1 + 1e-12));
    }
    expect(model.inertia).toBeCloseTo(inertiaOf(data, model.labels, model.centroids), 6);
    expect(Array.from(model.predict(data))).toEqual(Array.from(model.labels));
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const { data } = blobs(4, 5000, 2, 6, 4);
    const a = miniBatchKMeans(data, 6, { seed: 9, batchSize: 128 });
    const b = miniBatchKMeans(data, 6, { seed: 9, batchSize: 128 });
    const c = miniBatchKMeans(data, 6, { seed: 10, batchSize: 128 });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.centroids).not.toEqual(c.centroids);
  });

  it('weights pull the centers: one cluster of two points weighted 1 and 3 settles near their weighted mean', () => {
    const rows: number[][] = [];
    const w: number[] = [];
    for (let i = 0; i < 2000; i++) {
      rows.push([i % 2 === 0 ? 0 : 10]);
      w.push(i % 2 === 0 ? 1 : 3);
    }
    const weighted = miniBatchKMeans(rows, 1, { seed: 1, batchSize: 100, sampleWeights: w, maxNoImprovement: null, maxIterations: 5 });
    const plain = miniBatchKMeans(rows, 1, { seed: 1, batchSize: 100, maxNoImprovement: null, maxIterations: 5 });
    expect(Math.abs(weighted.centroids[0]![0]! - 7.5)).toBeLessThan(0.25);
    expect(Math.abs(plain.centroids[0]![0]! - 5)).toBeLessThan(0.25);
    // Zero-weight points far away neither attract a center nor escape labelling.
    const far = rows.concat(Array.from({ length: 50 }, () => [1e4]));
    const fw = w.concat(new Array<number>(50).fill(0));
    const two = miniBatchKMeans(far, 2, { seed: 4, batchSize: 100, sampleWeights: fw });
    expect(two.centroids.every((c) => c[0]! < 20)).toBe(true);
    expect(two.labels.length).toBe(2050);
    expect(two.inertia).toBeCloseTo(inertiaOf({ values: Float64Array.from(far.flat()), columns: 1 }, two.labels, two.centroids, fw), 3);
  });

  it('moves a center that receives no points to a data point (and leaves it with reassignmentRatio 0)', () => {
    const { data } = blobs(6, 4000, 2, 3, 1);
    const init = [[0, 0], [5, 5], [1e6, 1e6]];
    const moved = miniBatchKMeans(data, 3, { init, seed: 1, batchSize: 200 });
    expect(moved.centroids.every((c) => Math.abs(c[0]!) < 100)).toBe(true);
    expect(new Set(moved.labels).size).toBe(3);
    const stuck = miniBatchKMeans(data, 3, { init, seed: 1, batchSize: 200, reassignmentRatio: 0 });
    expect(stuck.centroids[2]).toEqual([1e6, 1e6]);
    expect(new Set(stuck.labels).size).toBe(2);
    expect(moved.inertia).toBeLessThan(stuck.inertia);
  });

  it('stops early on a plateau, runs every step without a stopping rule, and stops on tolerance', () => {
    const { data } = blobs(7, 10_000, 2, 4, 1);
    const steps: MiniBatchProgress[] = [];
    const early = miniBatchKMeans(data, 4, { seed: 3, batchSize: 100, onProgress: (p) => steps.push(p) });
    expect(early.converged).toBe(true);
    expect(early.iterations).toBeLessThan(10_000);
    expect(steps.map((p) => p.step)).toEqual(Array.from({ length: early.iterations }, (_, i) => i + 1));
    expect(steps[0]!.smoothedInertia).toBeNull();
    expect(steps.slice(1).every((p) => typeof p.smoothedInertia === 'number' && p.smoothedInertia > 0)).toBe(true);
    expect(steps.every((p) => p.batchInertia >= 0 && p.centerShift >= 0 && p.reassigned >= 0)).toBe(true);
    const full = miniBatchKMeans(data, 4, { seed: 3, batchSize: 1000, maxIterations: 2, maxNoImprovement: null });
    expect(full.iterations).toBe(20); // ⌊2 · 10,000 / 1,000⌋
    expect(full.converged).toBe(false);
    const tol = miniBatchKMeans(data, 4, { seed: 3, batchSize: 100, maxNoImprovement: null, tolerance: 1e-3 });
    expect(tol.converged).toBe(true);
    expect(tol.iterations).toBeLessThan(10_000);
  });

  it('starts from k-means++ on a sample, or from random rows, or from given centers', () => {
    const { data, truth } = blobs(8, 6000, 3, 4, 0.5);
    const pp = miniBatchKMeans(data, 4, { seed: 1, initSize: 400, nInit: 2 });
    expect(adjustedRandIndex(truth, Array.from(pp.labels))).toBeGreaterThan(0.99);
    // Random rows often put two centers in one blob, which mini-batch updates cannot undo.
    const random = miniBatchKMeans(data, 4, { seed: 1, init: 'random', initSize: 400, nInit: 2 });
    expect(new Set(random.labels).size).toBe(4);
    expect(pp.inertia).toBeLessThan(random.inertia);
    const given = miniBatchKMeans(data, 4, { init: pp.centroids, maxNoImprovement: null, maxIterations: 1, batchSize: 500 });
    expect(adjustedRandIndex(truth, Array.from(given.labels))).toBeGreaterThan(0.99);
    expect(given.iterations).toBe(12);
    // initSize larger than the data: the whole data set is the sample.
    expect(miniBatchKMeans(data, 4, { seed: 1, initSize: 10_000 }).centroids).toHaveLength(4);
  });

  it('refuses bad input with typed errors', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e instanceof ValidationError || e instanceof OptionsError || e instanceof AbortError).toBe(true);
        return (e as { code: string }).code;
      }
      return 'none';
    };
    expect(code(() => miniBatchKMeans([], 2))).toBe('E_EMPTY');
    expect(code(() => miniBatchKMeans([[1], [2]], 3))).toBe('E_K_TOO_LARGE');
    expect(code(() => miniBatchKMeans([[1], [NaN], [3]], 2))).toBe('E_NOT_FINITE');
    // Fewer distinct points than k, though enough rows.
    expect(code(() => miniBatchKMeans(Array.from({ length: 500 }, (_, i) => [i % 2]), 3))).toBe('E_K_TOO_LARGE');
    expect(code(() => miniBatchKMeans(Array.from({ length: 500 }, (_, i) => [i % 2]), 3, { init: 'random' }))).toBe('E_K_TOO_LARGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { batchSize: 0 }))).toBe('E_OPTION_RANGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { reassignmentRatio: 2 }))).toBe('E_OPTION_RANGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { initSize: 1 }))).toBe('E_OPTION_RANGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { maxNoImprovement: 0 }))).toBe('E_OPTION_RANGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { tolerance: -1 }))).toBe('E_OPTION_RANGE');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { batchsize: 10 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { init: [[1]] }))).toBe('E_INIT');
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { sampleWeights: [1, -1, 1] }))).toBe('E_WEIGHTS');
    const ctl = new AbortController();
    ctl.abort();
    expect(code(() => miniBatchKMeans([[1], [2], [3]], 2, { signal: ctl.signal }))).toBe('E_ABORTED');
  });
});
