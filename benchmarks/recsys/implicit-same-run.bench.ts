/**
 * ALS and BPR fit time against implicit's CPU fits in the same run, on
 * MovieLens 100K and 1M (pos4, portable split). implicit is not a
 * dependency and is not installed from a registry here: the caller builds it
 * and names the folder holding its `implicit` package in
 * MARKSMAN_IMPLICIT_PYTHONPATH; without it the implicit rows are skipped with
 * the reason.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interaction } from '@marksman/core';
import { ALS, BPR, evaluateRanking, portableSplit } from '@marksman/recsys';
import type { Recommender } from '@marksman/recsys';
import { median, referencePython, runPython, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-implicit-same-run',
  title: 'ALS and BPR fit time vs implicit 0.7 (CPU, built from source), same run, one thread',
  protocol:
    'MovieLens 100K u.data and ML-1M ratings_derived_no_timestamp.csv, ratings ≥ 4 as positives (weight 1), portable split ' +
    '(SplitMix64 keys, seed 42; 100K: 44,296 train / 11,079 test, asserted). ALS: 64 factors, regularization 0.05, 15 iterations, ' +
    'conjugate gradient (3 steps), alpha 1, seed / random_state 0. BPR: 64 factors (implicit: 64 + a bias column), 100 epochs, ' +
    'learning rate 0.01, regularization 0.01, seed / random_state 0. Ours: Node, one thread. implicit: its CPU models ' +
    '(num_threads 1, OPENBLAS_NUM_THREADS 1, Debian python3 with numpy/scipy OpenBLAS), built from source by the caller and ' +
    'named by MARKSMAN_IMPLICIT_PYTHONPATH, fed the same training pairs (dense indexes) by benchmarks/recsys/implicit_reference.py ' +
    'in a child process of the same run. Fit time: median of 5 fits after 1 warm-up fit (ML-1M: ALS 3 after 1, BPR a single ' +
    'fit without warm-up, about 15 s of CPU; --quick: 100K only, 3 fits), wall and process CPU seconds; ratio = ours ÷ implicit (below 1: we are faster). Metrics @10 of the ' +
    'last fit on the test split, the protocol of shared/BENCHMARKS.md. Load average (1 min) recorded before and after.',
};

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function loadPos4Ml100k(dataDir: string): Interaction[] | null {
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

/** The split as dense indexes (users and items numbered in order of first appearance in train). */
function denseSplit(train: Interaction[], test: Interaction[]): { users: number; items: number; train: number[][]; test: number[][] } {
  const uIdx = new Map<unknown, number>();
  const iIdx = new Map<unknown, number>();
  const idx = (m: Map<unknown, number>, k: unknown) => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = m.size));
    return v;
  };
  const tr = train.map((r) => [idx(uIdx, r.userId), idx(iIdx, r.itemId)]);
  // A test item unseen in training gets an index past the last item: it counts in |test_u| and the ideal
  // DCG but can never be recommended, as in evaluateRanking. (Every user with test pairs has training pairs.)
  const nItems = iIdx.size;
  const unseen = new Map<unknown, number>();
  const te = test.map((r) => [uIdx.get(r.userId)!, iIdx.get(r.itemId) ?? nItems + idx(unseen, r.itemId)]);
  if (te.some(([u]) => u === undefined)) throw new Error('a test user has no training pairs');
  return { users: uIdx.size, items: nItems, train: tr, test: te };
}

async function timeOurs(make: () => Recommender, train: Interaction[], repeats: number, warmup: number): Promise<{ wall: number; cpu: number; model: Recommender }> {
  let model = make();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < warmup + repeats; rep++) {
    model = make();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await model.fit(train);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (rep >= warmup) {
      wall.push(dt);
      cpu.push((c.user + c.system) / 1e6);
    }
  }
  return { wall: median(wall), cpu: median(cpu), model };
}

interface ImplicitModelResult {
  median: number;
  cpuMedian: number;
  precision10: number;
  recall10: number;
  ndcg10: number;
  map10: number;
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [`load average (1 min) at start: ${loadavg()[0]!.toFixed(2)}.`];
  const folder = process.env.MARKSMAN_IMPLICIT_PYTHONPATH;
  const py = referencePython(['numpy', 'scipy', 'tqdm']);
  let why: string | null = null;
  if (folder === undefined || folder === '') why = 'MARKSMAN_IMPLICIT_PYTHONPATH is not set (it names the folder holding an implicit package built from source)';
  else if (!existsSync(join(folder, 'implicit', 'cpu'))) why = `MARKSMAN_IMPLICIT_PYTHONPATH (${folder}) holds no implicit/cpu package`;
  else if (py === null) why = 'Debian python3 with numpy, scipy and tqdm is not installed';
  if (why !== null) notes.push(`implicit rows skipped: ${why}.`);

  const sets: Array<[string, Interaction[] | null]> = [['ML-100K', loadPos4Ml100k(ctx.dataDir)]];
  if (!ctx.quick) sets.push(['ML-1M', loadPos4Ml1m(ctx.dataDir)]);
  else notes.push('ML-1M skipped in a quick run.');
  const tmp = mkdtempSync(join(tmpdir(), 'marksman-implicit-'));
  try {
    for (const [data, pos] of sets) {
      if (pos === null) {
        notes.push(`${data} skipped: not found under ${ctx.dataDir}.`);
        continue;
      }
      const { train, test } = portableSplit(pos);
      if (data === 'ML-100K' && (train.length !== 44296 || test.length !== 11079)) {
        throw new Error(`portable split mismatch: ${train.length} train / ${test.length} test (expected 44,296 / 11,079)`);
      }
      const cases: Array<['als' | 'bpr', string, () => Recommender, number, number]> = [
        ['als', 'ALS (64 f, reg 0.05, 15 it, CG 3 steps, alpha 1)', () => new ALS({ factors: 64, regularization: 0.05, iterations: 15, alpha: 1, solver: 'cg', seed: 0 }), ctx.quick ? 3 : data === 'ML-1M' ? 3 : 5, 1],
        ['bpr', 'BPR (64 f, 100 epochs, lr 0.01, reg 0.01)', () => new BPR({ factors: 64, iterations: 100, learningRate: 0.01, regularization: 0.01, seed: 0 }), ctx.quick ? 3 : data === 'ML-1M' ? 1 : 5, data === 'ML-1M' ? 0 : 1],
      ];
      let ref: Record<string, ImplicitModelResult> | null = null;
      if (why === null) {
        const file = join(tmp, `${data}.json`);
        writeFileSync(file, JSON.stringify(denseSplit(train, test)));
        const before = loadavg()[0]!;
        const out: Record<string, ImplicitModelResult> = {};
        for (const [key, , , repeats, warmup] of cases) {
          const r = runPython(py!, here('implicit_reference.py'), [folder!, file, String(repeats), String(warmup), key], { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }) as Record<string, ImplicitModelResult>;
          out[key] = r[key]!;
        }
        ref = out;
        notes.push(`${data}: implicit fits ran with load average ${before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}.`);
      }
      const before = loadavg()[0]!;
      for (const [key, name, make, repeats, warmup] of cases) {
        const ours = await timeOurs(make, train, repeats, warmup);
        const e = evaluateRanking(ours.model, test, { k: 10 });
        const r = ref?.[key];
        rows.push({ data, model: `marksman ${name}`, fitSeconds: ours.wall, fitCpuSeconds: ours.cpu, vsImplicitWall: r ? ours.wall / r.median : null, vsImplicitCpu: r ? ours.cpu / r.cpuMedian : null, ndcg10: e.ndcg, map10: e.map });
        if (r) rows.push({ data, model: `implicit ${name}`, fitSeconds: r.median, fitCpuSeconds: r.cpuMedian, vsImplicitWall: 1, vsImplicitCpu: 1, ndcg10: r.ndcg10, map10: r.map10 });
      }
      notes.push(`${data}: our fits ran with load average ${before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}.`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  notes.push(
    'The machine (2 cores) is shared: wall times are upper bounds; process CPU seconds are steadier. Compare ratios within one run.',
    "BPR samples differently on the two sides: implicit draws the negative item from the training pairs (popularity-weighted) and skips a triple whose negative the user has; ours draws it uniformly over the catalogue and retries.",
  );
  return { rows, notes };
}
