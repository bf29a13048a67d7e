/**
 * The learned recommenders (TwoTower, FactorizationMachine with ids only,
 * NeuMF) on MovieLens 100K and 1M with the portable split of
 * shared/BENCHMARKS.md, against implicit's published anchors and our typed
 * BPR and ALS in the same run. Hyperparameters and the number of epochs are
 * chosen on a validation split inside the training data, never on the test
 * split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interaction } from '@marksman/core';
import { ALS, BPR, evaluateRanking, portableSplit } from '@marksman/recsys';
import type { Recommender } from '@marksman/recsys';
import { FactorizationMachine, NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';
import type { LearnedFitOptions } from '@marksman/recsys/tfjs';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-learned',
  title: 'Learned recommenders on TensorFlow.js (TwoTower, FM ids only, NeuMF) on MovieLens 100K and 1M, pos4, portable split',
  protocol:
    'MovieLens 100K u.data and 1M ratings_derived_no_timestamp.csv, ratings ≥ 4 as positives, portable split (SplitMix64 keys, ' +
    'seed 42, ⌊(2n+5)/10⌋ of each user to test; 100K: 44,296 / 11,079 asserted). Tuning inside the training split only: a second ' +
    'portable split of the training pairs (seed 7, 20% validation); each configuration of a small grid is fitted on the rest with ' +
    'validation NDCG@10 after every epoch (early stopping, patience 3); the configuration with the best validation NDCG is refitted ' +
    'on the whole training split for its best epoch count and evaluated once on the test split (@10, binary relevance, training ' +
    'items excluded). Backend: TensorFlow.js wasm in Node, one process. ML-1M uses the configuration chosen on ML-100K (epochs chosen ' +
    'on its own validation split). In the same run: typed BPR (64 factors, 100 epochs, lr 0.01, reg 0.01) and ALS (64 factors, reg ' +
    '0.05, 15 iterations). implicit rows are the anchors of shared/BENCHMARKS.md.',
};

type Make = (extra: Record<string, unknown>) => TwoTower | FactorizationMachine | NeuMF;

const GRIDS: Array<{ model: string; make: Make; grid: Array<Record<string, unknown>>; maxEpochs: number }> = [
  {
    model: 'FactorizationMachine (ids, bpr loss)',
    make: (o) => new FactorizationMachine({ factors: 64, batchSize: 1024, ...o }),
    grid: [{ learningRate: 0.005 }, { learningRate: 0.01 }, { learningRate: 0.005, l2: 1e-5 }],
    maxEpochs: 40,
  },
  {
    model: 'TwoTower (ids)',
    make: (o) => new TwoTower({ embeddingDim: 64, batchSize: 512, ...o }),
    grid: [{ layers: [64], temperature: 0.05 }, { layers: [64], temperature: 0.1 }, { layers: [], temperature: 0.05 }],
    maxEpochs: 30,
  },
  {
    model: 'NeuMF',
    make: (o) => new NeuMF({ batchSize: 1024, ...o }),
    grid: [{ learningRate: 0.002 }, { learningRate: 0.005 }],
    maxEpochs: 30,
  },
];

function load100k(dataDir: string): Interaction[] | null {
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

function load1m(dataDir: string): Interaction[] | null {
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

function quality(model: Recommender, test: readonly Interaction[]): BenchRow {
  const e = evaluateRanking(model, test, { k: 10 });
  return { precision10: e.precision, recall10: e.recall, ndcg10: e.ndcg, map10: e.map };
}

/** Chooses a configuration and an epoch count on validation data inside `train`. */
async function tune(entry: (typeof GRIDS)[number], train: Interaction[], grid: Array<Record<string, unknown>>, notes: string[], data: string): Promise<{ options: Record<string, unknown>; epochs: number; validationNdcg: number }> {
  const { train: fitPart, test: validation } = portableSplit(train, { seed: 7 });
  let best: { options: Record<string, unknown>; epochs: number; validationNdcg: number } | null = null;
  for (const options of grid) {
    const model = entry.make({ ...options, epochs: entry.maxEpochs, patience: 3 });
    const t0 = performance.now();
    await model.fit(fitPart, { validation } as Partial<LearnedFitOptions>);
    const r = model.fitReport!;
    const score = r.validation[r.bestEpoch - 1]!.ndcg;
    notes.push(`${data} ${entry.model} ${JSON.stringify(options)}: validation NDCG@10 ${score.toFixed(4)} at epoch ${r.bestEpoch} of ${r.epochs} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    model.dispose();
    if (best === null || score > best.validationNdcg) best = { options, epochs: r.bestEpoch, validationNdcg: score };
  }
  return best!;
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const choice = await useBackend('wasm');
  notes.push(`TensorFlow.js backend: ${choice.backend}.`);
  const ml100k = load100k(ctx.dataDir);
  if (ml100k === null) return { rows, notes: [`MovieLens 100K not found under ${ctx.dataDir}; nothing measured.`] };
  const { train, test } = portableSplit(ml100k);
  if (train.length !== 44296 || test.length !== 11079) throw new Error(`portable split mismatch: ${train.length} / ${test.length}`);
  rows.push(
    { data: 'ML-100K', model: 'implicit 0.7.3 ALS (anchor)', ndcg10: 0.2284, precision10: 0.1586, recall10: 0.1898, map10: 0.1251 },
    { data: 'ML-100K', model: 'implicit 0.7.3 BPR (anchor)', ndcg10: 0.2109, precision10: 0.1495, recall10: 0.1807, map10: 0.1102 },
  );
  const classic = async (data: string, tr: Interaction[], te: Interaction[]) => {
    for (const [name, make] of [
      ['ALS (typed, 64 f, 15 it)', () => new ALS({ factors: 64, regularization: 0.05, iterations: 15 })],
      ['BPR (typed, 64 f, 100 epochs)', () => new BPR({ factors: 64, iterations: 100, learningRate: 0.01, regularization: 0.01 })],
    ] as const) {
      const t0 = performance.now();
      const m = await make().fit(tr);
      rows.push({ data, model: `marksman ${name}`, fitSeconds: (performance.now() - t0) / 1000, ...quality(m, te) });
    }
  };
  await classic('ML-100K', train, test);
  const chosen = new Map<string, Record<string, unknown>>();
  for (const entry of GRIDS) {
    const grid = ctx.quick ? entry.grid.slice(0, 1) : entry.grid;
    const t = await tune(entry, train, grid, notes, 'ML-100K');
    chosen.set(entry.model, t.options);
    const model = entry.make({ ...t.options, epochs: t.epochs });
    const t0 = performance.now();
    await model.fit(train);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ data: 'ML-100K', model: `marksman ${entry.model} ${JSON.stringify(t.options)}`, epochs: t.epochs, fitSeconds: seconds, secondsPerEpoch: seconds / t.epochs, validationNdcg10: t.validationNdcg, ...quality(model, test) });
    model.dispose();
  }
  const ml1m = ctx.quick ? null : load1m(ctx.dataDir);
  if (ml1m === null) {
    notes.push(ctx.quick ? 'ML-1M skipped (--quick).' : `MovieLens 1M not found under ${ctx.dataDir}.`);
    return { rows, notes };
  }
  const split1m = portableSplit(ml1m);
  await classic('ML-1M', split1m.train, split1m.test);
  for (const entry of GRIDS) {
    const options = chosen.get(entry.model)!;
    const t = await tune(entry, split1m.train, [options], notes, 'ML-1M');
    const model = entry.make({ ...options, epochs: t.epochs });
    const t0 = performance.now();
    await model.fit(split1m.train);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ data: 'ML-1M', model: `marksman ${entry.model} ${JSON.stringify(options)}`, epochs: t.epochs, fitSeconds: seconds, secondsPerEpoch: seconds / t.epochs, validationNdcg10: t.validationNdcg, ...quality(model, split1m.test) });
    model.dispose();
  }
  notes.push('Times are wall seconds on the machine recorded in this file; the 2-core machine was shared with other jobs when this ran, so they are upper bounds.');
  return { rows, notes };
}
