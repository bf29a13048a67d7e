import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BPR, Popularity, evaluateRanking, randomUserSplit } from '@marksman/recsys';
import type { BPRTrainingJob, Recommendation } from '@marksman/recsys';
import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
import { frozen, plantedClusters } from '../synthetic';

const planted = plantedClusters(5, { users: 150, clusters: 4, itemsPerCluster: 20, perUser: 10 });
const data = frozen(planted.rows);
const ids = (list: Recommendation[]) => list.map((r) => r.itemId);

function overlap(a: Recommendation[][], b: Recommendation[][]): number {
  let hit = 0;
  let all = 0;
  a.forEach((list, u) => {
    const other = new Set(ids(b[u]!));
    for (const r of list) hit += other.has(r.itemId) ? 1 : 0;
    all += list.length;
  });
  return hit / all;
}

function worstDifference(a: readonly number[], b: readonly number[]): number {
  expect(b).toHaveLength(a.length);
  let worst = 0;
  for (let t = 0; t < a.length; t++) worst = Math.max(worst, Math.abs(a[t]! - b[t]!));
  return worst;
}

describe('tfjsBprEngine', () => {
  const small = frozen(plantedClusters(8, { users: 40, clusters: 2, itemsPerCluster: 8, perUser: 4 }).rows);

  it.each(['cpu', 'wasm'] as const)('with batchSize 1 it takes the same SGD steps as the typed engine (%s)', async (backend) => {
    await useBackend(backend);
    const opts = { factors: 4, iterations: 3, learningRate: 0.05, seed: 2 } as const;
    const typed = (await new BPR(opts).fit(small)).toJSON();
    const before = tf.memory().numTensors;
    const viaTf = (await new BPR({ ...opts, engine: tfjsBprEngine({ batchSize: 1 }) }).fit(small)).toJSON();
    expect(tf.memory().numTensors).toBe(before);
    for (const key of ['userFactors', 'itemFactors', 'itemBias'] as const) {
      expect(worstDifference(typed.state[key]!, viaTf.state[key]!)).toBeLessThan(1e-5);
    }
  });

  // Under 4 triples against 4 table rows (user a has no negative): the L2
  // term rides in the scattered rows; 6 triples against 6 rows: it is
  // applied as a per-row shrink. Six triples over six rows repeat some row.
  const fewTriples = frozen([{ userId: 'a', itemId: 'x' }, { userId: 'a', itemId: 'y' }, { userId: 'b', itemId: 'x' }]);
  const manyTriples = frozen([
    { userId: 'a', itemId: 'x' }, { userId: 'a', itemId: 'y' }, { userId: 'b', itemId: 'y' },
    { userId: 'b', itemId: 'z' }, { userId: 'c', itemId: 'x' }, { userId: 'c', itemId: 'z' },
  ]);
  it.each([
    ['cpu', 'fewer triples than table rows', fewTriples],
    ['cpu', 'as many triples as table rows', manyTriples],
    ['wasm', 'fewer triples than table rows', fewTriples],
    ['wasm', 'as many triples as table rows', manyTriples],
  ] as const)('on %s, %s: one step of a batch equals the dense summed-gradient step (repeated rows add up)', async (backend, _case, rows) => {
    await useBackend(backend);
    // With one epoch of n triples in one batch, the result is θ − η Σ ∇
    // over the batch, computed here by hand from the initial factors.
    const opts = { factors: 2, iterations: 1, learningRate: 0.5, regularization: 0.1, seed: 4 } as const;
    let job: { X: Float32Array; Y: Float32Array; B: Float32Array; us: number[]; ps: number[]; ns: number[] } | null = null;
    const spy = {
      name: 'spy',
      async train(j: BPRTrainingJob) {
        const X = j.init.userFactors.slice();
        const Y = j.init.itemFactors.slice();
        const B = j.init.itemBias.slice();
        await j.epochs(async (n) => {
          job = { X, Y, B, us: Array.from(j.triples.users.subarray(0, n)), ps: Array.from(j.triples.positives.subarray(0, n)), ns: Array.from(j.triples.negatives.subarray(0, n)) };
          return 0;
        });
        return { userFactors: X, itemFactors: Y, itemBias: B };
      },
    };
    await new BPR({ ...opts, engine: spy }).fit(rows);
    const J = job!;
    if (rows === manyTriples) expect(J.us).toHaveLength(6);
    else expect(J.us.length).toBeLessThan(4);
    const f = 2;
    const gX = new Float64Array(J.X.length);
    const gY = new Float64Array(J.Y.length);
    const gB = new Float64Array(J.B.length);
    for (let s = 0; s < J.us.length; s++) {
      const u = J.us[s]!;
      const p = J.ps[s]!;
      const q = J.ns[s]!;
      let x = J.B[p]! - J.B[q]!;
      for (let k = 0; k < f; k++) x += J.X[u * f + k]! * (J.Y[p * f + k]! - J.Y[q * f + k]!);
      const z = 1 / (1 + Math.exp(x));
      for (let k = 0; k < f; k++) {
        gX[u * f + k] = gX[u * f + k]! + 0.1 * J.X[u * f + k]! - z * (J.Y[p * f + k]! - J.Y[q * f + k]!);
        gY[p * f + k] = gY[p * f + k]! + 0.1 * J.Y[p * f + k]! - z * J.X[u * f + k]!;
        gY[q * f + k] = gY[q * f + k]! + 0.1 * J.Y[q * f + k]! + z * J.X[u * f + k]!;
      }
      gB[p] = gB[p]! + 0.1 * J.B[p]! - z;
      gB[q] = gB[q]! + 0.1 * J.B[q]! + z;
    }
    const expectX = Array.from(J.X, (v, t) => v - 0.5 * gX[t]!);
    const expectY = Array.from(J.Y, (v, t) => v - 0.5 * gY[t]!);
    const expectB = Array.from(J.B, (v, t) => v - 0.5 * gB[t]!);
    const got = (await new BPR({ ...opts, engine: tfjsBprEngine({ batchSize: 64 }) }).fit(rows)).toJSON().state;
    expect(worstDifference(expectX, got.userFactors!)).toBeLessThan(1e-6);
    expect(worstDifference(expectY, got.itemFactors!)).toBeLessThan(1e-6);
    expect(worstDifference(expectB, got.itemBias!)).toBeLessThan(1e-6);
  });

  it.each(['cpu', 'wasm'] as const)('on %s: leaks no tensors (also when aborted), learns the clusters, agrees across backends', async (backend) => {
    await useBackend(backend);
    const { train, test } = randomUserSplit(data, { testFraction: 0.3, seed: 2 });
    const opts = { factors: 16, iterations: 30, learningRate: 0.05, seed: 3, engine: tfjsBprEngine({ batchSize: 128 }) } as const;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const model = await new BPR(opts).fit(frozen(train), { onProgress: (p) => losses.push(p.loss!) });
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[29]!).toBeLessThan(0.7 * losses[0]!);
    const pop = await new Popularity().fit(frozen(train));
    expect(evaluateRanking(model, frozen(test)).ndcg).toBeGreaterThan(evaluateRanking(pop, frozen(test)).ndcg + 0.1);
    const ctl = new AbortController();
    const aborted = new BPR(opts).fit(frozen(train), { signal: ctl.signal, onProgress: (p) => p.step === 2 && ctl.abort() });
    await expect(aborted).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(tf.memory().numTensors).toBe(before);
    // Without onProgress the engine skips the loss (a finiteness check stands in for it): the steps are the same.
    const quiet = await new BPR(opts).fit(frozen(train));
    expect(quiet.toJSON().state).toEqual(model.toJSON().state);
    expect(tf.memory().numTensors).toBe(before);
    // Same triples, same initialisation: another backend differs only by float32 rounding.
    await useBackend(backend === 'cpu' ? 'wasm' : 'cpu');
    const other = await new BPR(opts).fit(frozen(train));
    const users = [...new Set(train.map((r) => r.userId))];
    expect(overlap(model.recommendMany(users), other.recommendMany(users))).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses bad options and diverges with a typed error, leaking nothing', async () => {
    expect(() => tfjsBprEngine({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'batchSize' }));
    expect(() => tfjsBprEngine({ batchSize: 1.5 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'batchSize' }));
    expect(() => tfjsBprEngine({ size: 3 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    await expect(new BPR({ factors: 4, iterations: 3, learningRate: 1e30, engine: tfjsBprEngine() }).fit(data)).rejects.toMatchObject({ code: 'E_DIVERGED' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
