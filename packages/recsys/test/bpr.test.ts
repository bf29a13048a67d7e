import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { BPR, Popularity, evaluateRanking, randomUserSplit } from '@marksman/recsys';
import type { BPRFactors, BPRTrainingJob, FitProgress, Recommendation } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

const planted = plantedClusters(5, { users: 150, clusters: 4, itemsPerCluster: 20, perUser: 10 });
const data = frozen(planted.rows);
const ids = (list: Recommendation[]) => list.map((r) => r.itemId);

describe('BPR', () => {
  it('doc example', async () => {
    const rows = [
      { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
      { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
      { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
    ];
    const model = await new BPR({ factors: 8, iterations: 300, learningRate: 0.1, seed: 1 }).fit(frozen(rows));
    expect(model.recommend('cid', { k: 1 }).map((r) => r.itemId)).toEqual(['stove']);
  });

  // factors 3: plain typed-array loop (float64 arithmetic); factors 4: the WebAssembly SIMD kernel (float32).
  it.each([3, 4])('one epoch is exactly the hand-computed SGD steps from the seeded initialisation (%i factors)', async (f) => {
    const lr = 0.5;
    const reg = 0.1;
    const model = await new BPR({ factors: f, iterations: 1, learningRate: lr, regularization: reg, seed: 9 }).fit(frozen([{ userId: 'u', itemId: 'a' }, { userId: 'v', itemId: 'b' }]));
    // Initialisation: users then items, uniform (r − ½)/f from Random(seed), float32.
    const rng = new Random(9);
    const init = Array.from({ length: 4 * f }, () => Math.fround((rng.next() - 0.5) / f));
    const [xu, xv, ya, yb] = [0, 1, 2, 3].map((k) => init.slice(k * f, (k + 1) * f));
    // An epoch draws nnz = 2 triples; each user's only negative is the other item. Replay
    // the two draws of pair index (uniform over the 2 pairs) to know the order.
    const state = { x: { u: xu!, v: xv! }, y: { a: ya!, b: yb! }, b: { a: 0, b: 0 } };
    for (let s = 0; s < 2; s++) {
      const t = Math.floor((rng.nextUint32() * 2) / 4294967296);
      const [user, pos, neg] = t === 0 ? (['u', 'a', 'b'] as const) : (['v', 'b', 'a'] as const);
      for (;;) {
        const c = Math.floor((rng.nextUint32() * 2) / 4294967296);
        if ((c === 0 ? 'a' : 'b') === neg) break;
      }
      const x = state.x[user];
      const p = state.y[pos];
      const n = state.y[neg];
      let score = state.b[pos] - state.b[neg];
      for (let q = 0; q < f; q++) score += x[q]! * (p[q]! - n[q]!);
      const z = 1 / (1 + Math.exp(score));
      state.b[pos] = Math.fround(state.b[pos] + lr * (z - reg * state.b[pos]));
      state.b[neg] = Math.fround(state.b[neg] + lr * (-z - reg * state.b[neg]));
      const x0 = x.slice();
      for (let q = 0; q < f; q++) {
        x[q] = Math.fround(x0[q]! + lr * (z * (p[q]! - n[q]!) - reg * x0[q]!));
        const pq = p[q]!;
        p[q] = Math.fround(pq + lr * (z * x0[q]! - reg * pq));
        n[q] = Math.fround(n[q]! + lr * (-z * x0[q]! - reg * n[q]!));
      }
    }
    expect(Array.from(model.userFactors('u')!)).toEqual(state.x.u.map((v) => expect.closeTo(v, 6)));
    expect(Array.from(model.userFactors('v')!)).toEqual(state.x.v.map((v) => expect.closeTo(v, 6)));
    expect(Array.from(model.itemFactors('a')!)).toEqual(state.y.a.map((v) => expect.closeTo(v, 6)));
    expect(model.itemBias('b')).toBeCloseTo(state.b.b, 6);
    expect(model.itemBias('zzz')).toBeNull();
    expect(model.userFactors('zzz')).toBeNull();
    expect(model.itemFactors('zzz')).toBeNull();
  });

  it('beats popularity on planted clusters (held-out NDCG@10), and the training loss falls', async () => {
    const { train, test } = randomUserSplit(data, { testFraction: 0.3, seed: 2 });
    const losses: FitProgress[] = [];
    const bpr = await new BPR({ factors: 16, iterations: 40, learningRate: 0.05, seed: 3 }).fit(frozen(train), { onProgress: (p) => losses.push(p) });
    const pop = await new Popularity().fit(frozen(train));
    const a = evaluateRanking(bpr, frozen(test), { k: 10 });
    const b = evaluateRanking(pop, frozen(test), { k: 10 });
    expect(a.ndcg).toBeGreaterThan(b.ndcg + 0.1);
    expect(losses).toHaveLength(40);
    expect(losses[0]).toMatchObject({ step: 1, steps: 40, phase: 'epoch' });
    expect(losses[39]!.loss!).toBeLessThan(0.6 * losses[0]!.loss!);
    // The learned item vectors put items of one cluster together.
    const sim = bpr.similarItems(0, 5);
    const sameCluster = sim.filter((r) => planted.itemCluster[r.itemId as number] === 0).length;
    expect(sameCluster).toBeGreaterThanOrEqual(4);
  });

  it('is deterministic for a seed; another seed gives other factors', async () => {
    const opts = { factors: 8, iterations: 5 } as const;
    const a = await new BPR({ ...opts, seed: 4 }).fit(data);
    const b = await new BPR({ ...opts, seed: 4 }).fit(data);
    const c = await new BPR(opts).fit(data, { seed: 5 });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(c.toJSON().state.userFactors).not.toEqual(a.toJSON().state.userFactors);
  });

  it('toJSON → JSON text → fromJSON gives identical recommendations, similar items and fold-ins', async () => {
    const model = await new BPR({ factors: 8, iterations: 10, seed: 1 }).fit(data);
    const copy = BPR.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const users = ['u0', 'u7', 'u99', 'nobody'];
    expect(copy.recommendMany(users, { k: 10 })).toEqual(model.recommendMany(users, { k: 10 }));
    expect(copy.similarItems(3, 5)).toEqual(model.similarItems(3, 5));
    const extra = frozen([{ userId: 'new', itemId: 1 }, { userId: 'new', itemId: 2 }, { userId: 'u0', itemId: 60 }]);
    expect(copy.foldIn(extra)).toEqual(model.foldIn(extra));
    expect(copy.recommend('new')).toEqual(model.recommend('new'));
    expect(() => BPR.fromJSON({ ...model.toJSON(), state: { ...model.toJSON().state, itemBias: [1] } })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON' }));
  });

  it('fold-in re-learns a copied training user close to the original; unknown users get popularity', async () => {
    const model = await new BPR({ factors: 16, iterations: 40, learningRate: 0.05, seed: 3 }).fit(data);
    const pop = await new Popularity().fit(data);
    let agree = 0;
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    for (const u of users) {
      const copy = data.filter((r) => r.userId === u).map((r) => ({ ...r, userId: `${u}-copy` }));
      const report = model.foldIn(frozen([...copy, { userId: `${u}-copy`, itemId: 'unknown-item' }]));
      expect(report.newUsers).toEqual([`${u}-copy`]);
      expect(report.unknownItemRows).toEqual([copy.length]);
      const mine = new Set(ids(model.recommend(u)));
      agree += ids(model.recommend(`${u}-copy`)).filter((i) => mine.has(i)).length;
    }
    expect(agree / (10 * users.length)).toBeGreaterThan(0.6);
    expect(model.isKnownUser('stranger')).toBe(false);
    expect(model.recommend('stranger', { k: 5 })).toEqual(pop.recommend('stranger', { k: 5 }));
    expect(model.explain('stranger', 0)).toMatchObject({ coldStart: true, contributions: [] });
    const e = model.explain('u1', 5);
    expect(e.coldStart).toBe(false);
    const scores = model.recommend('u1', { k: 80, excludeSeen: false });
    expect(scores.find((r) => r.itemId === 5)!.score).toBeCloseTo(e.score, 12);
    // Scores (SIMD batch scoring at 16 factors) are xᵤ·yᵢ + bᵢ.
    const x = model.userFactors('u1')!;
    for (const r of scores.slice(0, 20)) {
      const y = model.itemFactors(r.itemId)!;
      expect(r.score).toBeCloseTo(x.reduce((acc, v, q) => acc + v * y[q]!, model.itemBias(r.itemId)!), 5);
    }
  });

  it('explain: the real score; cosine contributions from the history only, sorted, at most k; top contributors share the cluster', async () => {
    const model = await new BPR({ factors: 16, iterations: 40, learningRate: 0.05, seed: 3 }).fit(data);
    const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let q = 0; q < a.length; q++) {
        ab += a[q]! * b[q]!;
        aa += a[q]! * a[q]!;
        bb += b[q]! * b[q]!;
      }
      return ab / Math.sqrt(aa * bb);
    };
    let same = 0;
    let all = 0;
    for (let u = 0; u < 150; u += 3) {
      const userId = `u${u}`;
      const seen = new Set(data.filter((r) => r.userId === userId).map((r) => r.itemId));
      const top = model.recommend(userId, { k: 1 })[0]!;
      const why = model.explain(userId, top.itemId, { k: 4 });
      expect(why).toMatchObject({ userId, itemId: top.itemId, coldStart: false, score: expect.closeTo(top.score, 12) });
      expect(why.contributions.length).toBe(Math.min(4, seen.size));
      const full = model.explain(userId, top.itemId, { k: 100 }).contributions;
      expect(full.length).toBe(seen.size);
      expect(new Set(full.map((c) => c.itemId))).toEqual(seen);
      expect(full.slice(0, 4)).toEqual(why.contributions);
      for (let t = 0; t < full.length; t++) {
        const c = full[t]!;
        if (t > 0) expect(c.contribution).toBeLessThanOrEqual(full[t - 1]!.contribution);
        expect(c.contribution).toBeCloseTo(cos(model.itemFactors(c.itemId)!, model.itemFactors(top.itemId)!), 5);
      }
      all++;
      if (planted.itemCluster[why.contributions[0]!.itemId as number] === planted.itemCluster[top.itemId as number]) same++;
    }
    // 90% of a user's items come from their cluster, so its most similar history item should too.
    expect(same / all).toBeGreaterThan(0.9);
    const copy = BPR.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.explain('u7', 3, { k: 5 })).toEqual(model.explain('u7', 3, { k: 5 }));
    expect(() => model.explain('u7', 3, { k: 0 })).toThrow(expect.objectContaining({ code: 'E_K' }));
  });

  it('rejects bad options and inputs with typed errors', async () => {
    expect(() => new BPR({ factors: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'factors' }));
    expect(() => new BPR({ learningRate: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'learningRate' }));
    expect(() => new BPR({ engine: 'gpu' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'engine' }));
    // The tfjs engine moved to @marksman/recsys/tfjs; the message says where.
    expect(() => new BPR({ engine: 'tfjs' as never })).toThrow(/tfjsBprEngine/);
    expect(() => new BPR({ engine: { name: 'x' } as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'engine' }));
    expect(() => new BPR({ batchSize: 16 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => new BPR({ epochs: 3 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    const model = new BPR({ factors: 4, iterations: 2 });
    expect(() => model.recommend('u0')).toThrow(expect.objectContaining({ code: 'E_NOT_FITTED' }));
    await expect(model.fit(frozen([{ userId: 'a', itemId: 'x', weight: Number.NaN }]))).rejects.toMatchObject({ code: 'E_NUMBER', row: 0 });
    await model.fit(data);
    expect(() => model.recommend('u0', { k: 0 })).toThrow(expect.objectContaining({ code: 'E_K' }));
    expect(() => model.similarItems('nope')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ITEM' }));
    await expect(new BPR({ factors: 4, iterations: 3, learningRate: 1e30 }).fit(data)).rejects.toMatchObject({ code: 'E_DIVERGED' });
    const ctl = new AbortController();
    ctl.abort();
    await expect(new BPR({ factors: 4, iterations: 3 }).fit(data, { signal: ctl.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('gives the same factors and losses whether the kernel\'s memory is fresh or reused from an earlier, larger fit, also with fits running at once', async () => {
    const opts = { factors: 8, iterations: 5 } as const;
    const big = frozen(plantedClusters(6, { users: 300, clusters: 5, itemsPerCluster: 30, perUser: 20 }).rows);
    const run = async (signal?: AbortSignal) => {
      const losses: Array<number | null> = [];
      const model = await new BPR(opts).fit(data, { onProgress: (p: FitProgress) => losses.push(p.loss), signal });
      return { state: model.toJSON().state, losses };
    };
    const first = await run();
    await new BPR({ factors: 16, iterations: 3 }).fit(big);
    expect(await run()).toEqual(first);
    // With a signal each fit yields between epochs, so the two interleave.
    const signal = new AbortController().signal;
    const [again] = await Promise.all([run(signal), new BPR({ factors: 16, iterations: 5 }).fit(big, { signal, onProgress: () => {} })]);
    expect(again).toEqual(first);
  });
});

describe('BPR engines', () => {
  it('tells the engine whether the loss is reported, and refuses non-finite factors from an engine (E_DIVERGED)', async () => {
    const small = frozen(plantedClusters(8, { users: 40, clusters: 2, itemsPerCluster: 8, perUser: 4 }).rows);
    const told: boolean[] = [];
    const broken = {
      name: 'broken',
      async train(job: BPRTrainingJob): Promise<BPRFactors> {
        told.push(job.lossReported);
        await job.epochs(() => Promise.resolve(0));
        const Y = job.init.itemFactors.slice();
        Y[3] = Number.NaN;
        return { userFactors: job.init.userFactors.slice(), itemFactors: Y, itemBias: job.init.itemBias.slice() };
      },
    };
    const opts = { factors: 4, iterations: 2, seed: 1, engine: broken } as const;
    await expect(new BPR(opts).fit(small)).rejects.toMatchObject({ code: 'E_DIVERGED', field: 'learningRate' });
    await expect(new BPR(opts).fit(small, { onProgress: () => undefined })).rejects.toMatchObject({ code: 'E_DIVERGED' });
    expect(told).toEqual([false, true]);
  });

  it('trains with an engine object on the same triples and initial factors, and stores the engine by name', async () => {
    const small = frozen(plantedClusters(8, { users: 40, clusters: 2, itemsPerCluster: 8, perUser: 4 }).rows);
    const opts = { factors: 4, iterations: 3, learningRate: 0.05, seed: 2 } as const;
    const typed = await new BPR(opts).fit(small);
    // A plain-JS engine that applies the triples one by one, as the typed engine does.
    const seen: number[] = [];
    const engine = {
      name: 'plain',
      async train(job: BPRTrainingJob): Promise<BPRFactors> {
        const X = job.init.userFactors.slice();
        const Y = job.init.itemFactors.slice();
        const B = job.init.itemBias.slice();
        const f = job.factors;
        await job.epochs(async (n) => {
          seen.push(n);
          let loss = 0;
          for (let s = 0; s < n; s++) {
            const u = job.triples.users[s]! * f;
            const p = job.triples.positives[s]!;
            const q = job.triples.negatives[s]!;
            let x = B[p]! - B[q]!;
            for (let k = 0; k < f; k++) x += X[u + k]! * (Y[p * f + k]! - Y[q * f + k]!);
            loss += Math.log1p(Math.exp(-x));
            const a = job.learningRate / (1 + Math.exp(x));
            const keep = 1 - job.learningRate * job.regularization;
            B[p] = keep * B[p]! + a;
            B[q] = keep * B[q]! - a;
            for (let k = 0; k < f; k++) {
              const xu = X[u + k]!;
              const yp = Y[p * f + k]!;
              const yn = Y[q * f + k]!;
              X[u + k] = keep * xu + a * (yp - yn);
              Y[p * f + k] = keep * yp + a * xu;
              Y[q * f + k] = keep * yn - a * xu;
            }
          }
          return loss;
        });
        return { userFactors: X, itemFactors: Y, itemBias: B };
      },
    };
    const losses: number[] = [];
    const viaEngine = await new BPR({ ...opts, engine }).fit(small, { onProgress: (p) => losses.push(p.loss!) });
    expect(seen).toHaveLength(3);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    const a = typed.toJSON().state.itemFactors!;
    const b = viaEngine.toJSON().state.itemFactors!;
    let worst = 0;
    for (let t = 0; t < a.length; t++) worst = Math.max(worst, Math.abs(a[t]! - b[t]!));
    expect(worst).toBeLessThan(1e-5);
    expect(viaEngine.toJSON().options.engine).toBe('plain');
    // A snapshot restores with the typed engine (the engine only matters for training).
    expect(BPR.fromJSON(JSON.parse(JSON.stringify(viaEngine.toJSON()))).options.engine).toBe('typed');
    // An engine that returns arrays of the wrong size is caught.
    const broken = { name: 'broken', train: () => Promise.resolve({ userFactors: new Float32Array(1), itemFactors: new Float32Array(1), itemBias: new Float32Array(1) }) };
    await expect(new BPR({ ...opts, engine: broken }).fit(small)).rejects.toMatchObject({ code: 'E_ENGINE_OUTPUT', field: 'engine' });
  });
});
