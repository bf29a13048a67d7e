/**
 * Recommenders on MovieLens 100K with the portable split of shared/BENCHMARKS.md,
 * compared with the published `implicit` 0.7.3 anchors; plus the measurement
 * behind ALS's choice of typed arrays over TensorFlow.js (wasm) for the Gram
 * matrix YᵀY and for batch scoring.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Interaction } from '@marksman/core';
import { ALS, ItemKNN, Popularity, evaluateRanking, portableSplit } from '@marksman/recsys';
import { useBackend } from '@marksman/recsys/tfjs';
import type { Recommender } from '@marksman/recsys';
import { median, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-movielens-100k',
  title: 'Recommenders on MovieLens 100K and 1M (pos4, portable split) vs implicit 0.7.3',
  protocol:
    'MovieLens 100K u.data, ratings ≥ 4 as positives (weight 1), portable split (SplitMix64 keys, seed 42, first ' +
    '⌊(2n+5)/10⌋ of each user to test: 44,296 train / 11,079 test, 942 users, asserted). Metrics @10, binary relevance, ' +
    'train items excluded, over users with ≥ 1 test item. Models: Popularity; ItemKNN (cosine, 20 neighbours); ALS (64 ' +
    'factors, regularization 0.05, 15 iterations, CG 3 steps, alpha 1, confidence 1 + alpha·w, seed 0). Fit and ' +
    'top-10-for-all-942-users times (wall; fit also in CPU seconds) are medians of 5 runs after 1 warm-up (1 run with --quick), 1 thread. implicit ' +
    'rows are the anchors of shared/BENCHMARKS.md, measured on the same machine kind, not rerun here. ML-1M: ' +
    'ratings_derived_no_timestamp.csv, same variant and split, Popularity and ALS only, medians of 3 fits after 1 warm-up.',
};

const ANCHORS_100K: BenchRow[] = [
  { data: 'ML-100K', model: 'implicit Popularity (anchor)', fitSeconds: null, top10AllUsersSeconds: null, precision10: 0.1148, recall10: 0.1078, ndcg10: 0.1502, map10: 0.0736 },
  { data: 'ML-100K', model: 'implicit ALS (anchor)', fitSeconds: 0.19, top10AllUsersSeconds: 0.03, precision10: 0.1586, recall10: 0.1898, ndcg10: 0.2284, map10: 0.1251 },
];
const ANCHORS_1M: BenchRow[] = [
  { data: 'ML-1M', model: 'implicit ALS (anchor)', fitSeconds: 1.56, top10AllUsersSeconds: 0.26, precision10: 0.2127, recall10: 0.1511, ndcg10: 0.2591, map10: 0.1453 },
];

function loadPos4Ml1m(dataDir: string): Interaction[] | null {
  const file = join(dataDir, 'movielens-1m', 'ratings_derived_no_timestamp.csv');
  if (!existsSync(file)) return null;
  const out: Interaction[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let t = 1; t < lines.length; t++) {
    if (lines[t]!.trim() === '') continue;
    const [u, i, r] = lines[t]!.split(',').map(Number);
    if (r! >= 4) out.push({ userId: u!, itemId: i! });
  }
  return out;
}

/** Fits each model (median wall and CPU time), times top-10 for every test user, evaluates @10. */
async function runCases(data: string, train: Interaction[], test: Interaction[], cases: Array<[string, () => Recommender]>, repeats: number, warmup: number): Promise<{ rows: BenchRow[]; models: Recommender[] }> {
  const users = [...new Set(test.map((r) => r.userId))];
  const rows: BenchRow[] = [];
  const models: Recommender[] = [];
  for (const [name, make] of cases) {
    let model = make();
    const cpu: number[] = [];
    const fit = await timeIt(async () => {
      model = make();
      const c0 = process.cpuUsage();
      await model.fit(train);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
    }, repeats, warmup);
    const rec = await timeIt(() => model.recommendMany(users, { k: 10 }), repeats, warmup);
    const e = evaluateRanking(model, test, { k: 10 });
    rows.push({
      data,
      model: `marksman ${name}`,
      fitSeconds: fit.median,
      fitCpuSeconds: median(cpu.slice(warmup)),
      top10AllUsersSeconds: rec.median,
      precision10: e.precision,
      recall10: e.recall,
      ndcg10: e.ndcg,
      map10: e.map,
    });
    models.push(model);
  }
  return { rows, models };
}

function loadPos4(dataDir: string): Interaction[] | null {
  const file = join(dataDir, 'movielens-100k', 'u.data');
  if (!existsSync(file)) return null;
  const out: Interaction[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const [u, i, r] = line.split('\t').map(Number);
    if (r! >= 4) out.push({ userId: u!, itemId: i! });
  }
  return out;
}

/** The few TensorFlow.js calls used here (tfjs-core is a dependency of @marksman/recsys, not of the repository root). */
interface Tensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface Tf {
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  matMul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor;
  topk(x: Tensor, k: number): { values: Tensor; indices: Tensor };
  tidy<T extends Tensor>(fn: () => T): T;
  add(a: Tensor, b: Tensor): Tensor;
  memory(): { numTensors: number };
}

/** The same tfjs-core instance @marksman/recsys uses (resolved from its folder). */
async function loadTf(): Promise<Tf> {
  const require = createRequire(fileURLToPath(new URL('../../packages/recsys/package.json', import.meta.url)));
  return (await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href)) as Tf;
}

/** Gram YᵀY as a float64 typed-array loop vs tf.matMul on the wasm backend; recommendMany vs tfjs matMul + topk. */
async function gramAndScoring(model: ALS, users: number[], repeats: number): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const json = model.toJSON();
  const f = model.options.factors;
  const Y = Float32Array.from(json.state.itemFactors!);
  const nI = json.itemIds.length;
  const typedGram = () => {
    const G = new Float64Array(f * f);
    for (let r = 0; r < nI; r++) {
      const o = r * f;
      for (let a = 0; a < f; a++) {
        const va = Y[o + a]!;
        for (let b = a; b < f; b++) G[a * f + b]! += va * Y[o + b]!;
      }
    }
    return G;
  };
  const choice = await useBackend('wasm');
  const tf = await loadTf();
  const before = tf.memory().numTensors;
  const yT = tf.tensor2d(Y, [nI, f]);
  const tfGram = async () => {
    const g = tf.matMul(yT, yT, true, false);
    await g.data();
    g.dispose();
  };
  const uIdx = users.map((u) => json.userIds.indexOf(u));
  const U = new Float32Array(uIdx.length * f);
  uIdx.forEach((u, b) => U.set(json.state.userFactors!.slice(u * f, (u + 1) * f), b * f));
  // Scores + top-k on the backend; seen items are masked with -Infinity as recommend does with its skip mask.
  const mask = new Float32Array(uIdx.length * nI);
  uIdx.forEach((u, b) => {
    for (let t = json.history.indptr[u]!; t < json.history.indptr[u + 1]!; t++) mask[b * nI + json.history.indices[t]!] = -Infinity;
  });
  const tfScoring = async () => {
    const out = tf.tidy(() => {
      const s = tf.add(tf.matMul(tf.tensor2d(U, [uIdx.length, f]), yT, false, true), tf.tensor2d(mask, [uIdx.length, nI]));
      return tf.topk(s, 10).indices;
    });
    await out.data();
    out.dispose();
  };
  const typedScoring = () => model.recommendMany(users, { k: 10 });
  const tg = await timeIt(typedGram, repeats);
  const wg = await timeIt(tfGram, repeats);
  const ts = await timeIt(typedScoring, repeats);
  const ws = await timeIt(tfScoring, repeats);
  yT.dispose();
  const leaked = tf.memory().numTensors - before;
  return {
    rows: [
      { model: `kernel: YᵀY ${nI}×${f}, float64 typed-array loop (Cholesky path)`, fitSeconds: tg.median },
      { model: `kernel: YᵀY ${nI}×${f}, tfjs ${choice.backend}`, fitSeconds: wg.median },
      { model: `kernel: top-10 for ${users.length} users, recommendMany (WebAssembly SIMD scoring + heap top-k, ids mapped)`, top10AllUsersSeconds: ts.median },
      { model: `kernel: top-10 for ${users.length} users, tfjs ${choice.backend} matMul + topk (no id mapping)`, top10AllUsersSeconds: ws.median },
    ],
    notes: [`tfjs tensors left after the kernel measurements: ${leaked}.`],
  };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows = loadPos4(ctx.dataDir);
  if (rows === null) return { rows: [], notes: [`skipped: MovieLens 100K not found under ${ctx.dataDir} (set MARKSMAN_DATA_DIR).`] };
  const { train, test } = portableSplit(rows);
  const testUsers = new Set(test.map((r) => r.userId));
  if (train.length !== 44296 || test.length !== 11079 || testUsers.size !== 942) {
    throw new Error(`portable split mismatch: ${train.length} train / ${test.length} test / ${testUsers.size} users (expected 44,296 / 11,079 / 942)`);
  }
  const users = [...testUsers] as number[];
  const repeats = ctx.quick ? 1 : 5;
  const warmup = ctx.quick ? 0 : 1;
  const out: BenchRow[] = [];
  const notes: string[] = [];
  const alsOptions = { factors: 64, regularization: 0.05, iterations: 15, alpha: 1, solver: 'cg' } as const;
  const cases: Array<[string, () => Recommender]> = [
    ['Popularity', () => new Popularity()],
    ['ItemKNN (cosine, K = 20)', () => new ItemKNN({ neighbours: 20 })],
    ['ALS (64 f, reg 0.05, 15 it, CG, alpha 1)', () => new ALS(alsOptions)],
  ];
  const small = await runCases('ML-100K', train, test, cases, repeats, warmup);
  out.push(...small.rows);
  const als = small.models[2] as ALS;
  out.push(...ANCHORS_100K);
  const kernels = await gramAndScoring(als, users, repeats);
  out.push(...kernels.rows.map((r) => ({ data: 'ML-100K', ...r })));
  notes.push(...kernels.notes);

  const big = loadPos4Ml1m(ctx.dataDir);
  if (big === null || ctx.quick) {
    notes.push(ctx.quick ? 'ML-1M skipped in a quick run.' : `ML-1M skipped: not found under ${ctx.dataDir}.`);
  } else {
    const split = portableSplit(big);
    const bigCases: Array<[string, () => Recommender]> = [
      ['Popularity', () => new Popularity()],
      ['ALS (64 f, reg 0.05, 15 it, CG, alpha 1)', () => new ALS(alsOptions)],
    ];
    const r = await runCases('ML-1M', split.train, split.test, bigCases, 3, 1);
    out.push(...r.rows, ...ANCHORS_1M);
    notes.push(`ML-1M pos4 portable split: ${split.train.length} train / ${split.test.length} test interactions; times are medians of 3 runs after 1 warm-up.`);
  }
  notes.push(
    `Fit times are medians of ${repeats} runs; fitCpuSeconds is the process CPU time of a fit (user + system), steadier than wall time on a shared, loaded 2-core machine. Compare ratios within one run.`,
    'ALS runs its CG solver, Gram matrices and batch scoring on the built-in WebAssembly SIMD kernels (float32); the kernel rows compare the float64 typed-array Gram (used by the Cholesky solver and fold-in) and recommendMany with TensorFlow.js wasm.',
  );
  return { rows: out, notes };
}
