/**
 * BPR on MovieLens 100K (pos4, portable split) against the published
 * `implicit` anchor, with the measurement behind BPR's default engine
 * (typed-array SGD vs the TensorFlow.js mini-batch engine on wasm and cpu);
 * and ExplicitMF rating prediction on ML-100K's own u1…u5 base/test folds
 * (plus a shuffled 5-fold of u.data, Surprise's protocol) against Surprise's
 * published RMSE.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interaction } from '@marksman/core';
import { parseMovieLensRatings } from '@marksman/datasets';
import { BPR, ExplicitMF, evaluateRanking, evaluateRating, kFoldSplit, portableSplit } from '@marksman/recsys';
import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
import type { ExplicitMFOptions } from '@marksman/recsys';
import { median, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-bpr-explicit-100k',
  title: 'BPR (pos4, portable split) vs implicit 0.7.3 and ExplicitMF (u1…u5 folds) vs Surprise on MovieLens 100K',
  protocol:
    'BPR: MovieLens 100K u.data, ratings ≥ 4 as positives, portable split (seed 42: 44,296 train / 11,079 test), ' +
    'metrics @10 over users with ≥ 1 test item, train items excluded; 64 factors, 100 epochs, learningRate 0.01, ' +
    'regularization 0.01, seed 0. Engine typed: fit time median of 3 runs after 1 warm-up (1 run with --quick), top-10 ' +
    'for all 942 test users median of 5 after 1 warm-up; engine ' +
    "tfjsBprEngine with batch 32,768 triples (its default until 2026-12-07; closed-form BPR gradients gathered and scattered for the rows a batch touches): one full fit on wasm (skipped with --quick), and seconds " +
    'per epoch from 5-epoch fits on wasm and cpu. ExplicitMF: u1…u5.base → u1…u5.test (and a shuffled 5-fold of u.data, ' +
    'kFoldSplit seed 0), RMSE/MAE over every test rating, predictions clipped to the training range; one fit per fold ' +
    '(fold 1 only with --quick). Anchors: implicit BPR NDCG@10 0.2109 (fit 0.73 s, top-10 0.03 s) and Surprise SVD 0.934 / SVD++ 0.919 ' +
    '(published, shuffled 5-fold, default parameters), from shared/BENCHMARKS.md, not rerun here.',
};

function readRatings(dataDir: string, file: string): Interaction[] {
  return [...parseMovieLensRatings(readFileSync(join(dataDir, 'movielens-100k', file), 'utf8'), { file }).rows];
}

const BPR_OPTIONS = { factors: 64, iterations: 100, learningRate: 0.01, regularization: 0.01, seed: 0 } as const;

async function bprRows(dataDir: string, quick: boolean): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const pos = readRatings(dataDir, 'u.data').filter((r) => r.weight! >= 4).map((r) => ({ userId: r.userId, itemId: r.itemId }));
  const { train, test } = portableSplit(pos);
  if (train.length !== 44296 || test.length !== 11079) throw new Error(`portable split mismatch: ${train.length} / ${test.length}`);
  const rows: BenchRow[] = [{ model: 'implicit BPR (anchor)', engine: 'C++ Hogwild', fitSeconds: 0.73, secondsPerEpoch: 0.0073, top10AllUsersSeconds: 0.03, ndcg10: 0.2109, precision10: 0.1495, recall10: 0.1807, map10: 0.1102 }];
  const notes: string[] = [];
  const quality = (model: BPR) => {
    const e = evaluateRanking(model, test, { k: 10 });
    return { ndcg10: e.ndcg, precision10: e.precision, recall10: e.recall, map10: e.map };
  };
  let typed: BPR | null = null;
  const t = await timeIt(async () => (typed = await new BPR(BPR_OPTIONS).fit(train)), quick ? 1 : 3, quick ? 0 : 1);
  const users = [...new Set(test.map((r) => r.userId))];
  const top = await timeIt(() => typed!.recommendMany(users, { k: 10 }), quick ? 1 : 5, quick ? 0 : 1);
  rows.push({ model: 'BPR (64 f, 100 epochs)', engine: 'typed', fitSeconds: t.median, secondsPerEpoch: t.median / 100, top10AllUsersSeconds: top.median, ...quality(typed!) });
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    const t0 = performance.now();
    await new BPR({ ...BPR_OPTIONS, iterations: 5, engine: tfjsBprEngine({ batchSize: 32768 }) }).fit(train);
    const perEpoch = (performance.now() - t0) / 1000 / 5;
    if (backend === 'wasm' && !quick) {
      const t1 = performance.now();
      const full = await new BPR({ ...BPR_OPTIONS, engine: tfjsBprEngine({ batchSize: 32768 }) }).fit(train);
      const s = (performance.now() - t1) / 1000;
      rows.push({ model: 'BPR (64 f, 100 epochs)', engine: `tfjs ${backend}, batch 32768`, fitSeconds: s, secondsPerEpoch: s / 100, ...quality(full) });
    } else {
      rows.push({ model: 'BPR (5-epoch timing only)', engine: `tfjs ${backend}, batch 32768`, fitSeconds: null, secondsPerEpoch: perEpoch });
    }
  }
  notes.push('BPR default engine: typed (per-triple SGD on float32 factors in a WebAssembly SIMD kernel); the tfjs engine (sparse gathers and scatter-adds of the rows each mini-batch touches) is there for GPU backends (WebGL/WebGPU); its epoch time per backend is in recsys-bpr-engines-100k.');
  return { rows, notes };
}

const MF_CASES: Array<[string, Partial<ExplicitMFOptions>]> = [
  ['SVD defaults (100 f, 20 epochs, lr 0.005, reg 0.02 = Surprise SVD)', {}],
  ['SVD tuned (100 f, 60 epochs, lr 0.005, reg 0.08)', { factors: 100, iterations: 60, learningRate: 0.005, regularization: 0.08 }],
  ['SVD++ (20 f, 30 epochs, lr 0.007, reg 0.05)', { factors: 20, iterations: 30, learningRate: 0.007, regularization: 0.05, implicitFeedback: true }],
  ['ALS (20 f, 10 sweeps, reg 0.08 × ratings)', { factors: 20, iterations: 10, solver: 'als', regularization: 0.08 }],
];

async function mfRows(dataDir: string, quick: boolean): Promise<BenchRow[]> {
  const folds = quick ? [1] : [1, 2, 3, 4, 5];
  const data = folds.map((k) => ({ train: readRatings(dataDir, `u${k}.base`), test: readRatings(dataDir, `u${k}.test`) }));
  const rows: BenchRow[] = [
    { model: 'Surprise SVD (anchor, shuffled 5-fold)', protocol: 'shuffled 5-fold', rmse: 0.934, mae: null, fitSeconds: null },
    { model: 'Surprise SVD++ (anchor, shuffled 5-fold)', protocol: 'shuffled 5-fold', rmse: 0.919, mae: null, fitSeconds: null },
  ];
  const evaluate = async (label: string, protocol: string, opts: Partial<ExplicitMFOptions>, splits: Array<{ train: Interaction[]; test: Interaction[] }>) => {
    const rmse: number[] = [];
    const mae: number[] = [];
    const secs: number[] = [];
    for (const s of splits) {
      const t0 = performance.now();
      const model = await new ExplicitMF(opts).fit(s.train);
      secs.push((performance.now() - t0) / 1000);
      const e = evaluateRating(model, s.test);
      rmse.push(e.rmse);
      mae.push(e.mae);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({ model: label, protocol, rmse: mean(rmse), mae: mean(mae), fitSeconds: median(secs) });
  };
  for (const [label, opts] of MF_CASES) await evaluate(label, quick ? 'u1 only' : 'u1…u5 mean', opts, data);
  if (!quick) await evaluate(MF_CASES[0]![0], 'shuffled 5-fold of u.data (kFoldSplit seed 0)', {}, kFoldSplit(readRatings(dataDir, 'u.data'), { folds: 5, seed: 0 }));
  return rows;
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  if (!existsSync(join(ctx.dataDir, 'movielens-100k', 'u.data'))) {
    return { rows: [], notes: [`skipped: MovieLens 100K not found under ${ctx.dataDir} (set MARKSMAN_DATA_DIR).`] };
  }
  const bpr = await bprRows(ctx.dataDir, ctx.quick);
  const mf = await mfRows(ctx.dataDir, ctx.quick);
  return {
    rows: [...bpr.rows.map((r) => ({ data: 'ML-100K pos4', ...r })), ...mf.map((r) => ({ data: 'ML-100K ratings', ...r }))],
    notes: [...bpr.notes, 'Times are wall seconds, 1 thread, on a 2-core machine shared with other jobs (load from other helpers), so they are upper bounds.'],
  };
}
