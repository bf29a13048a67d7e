/**
 * Does the field-aware factorization machine pay? FactorizationMachine with
 * `fieldAware: true` (FFM) against the plain FM at equal settings on
 * MovieLens 100K: the pos4 portable split with ids only and with user and
 * item features, and the cold-item protocol of cold-start.bench.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import type { Interaction } from '@marksman/core';
import { loadMovieLens100k } from '@marksman/datasets/node';
import { evaluateRanking, portableSplit } from '@marksman/recsys';
import { FactorizationMachine, useBackend } from '@marksman/recsys/tfjs';
import type { ItemFeatureRecord, UserFeatureRecord } from '@marksman/recsys/tfjs';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';
import { coldSplit, movieLensFeatures, score } from './cold-start.bench';

const FACTORS = 32;
const SETTINGS = { factors: FACTORS, batchSize: 1024, learningRate: 0.005, l2: 1e-5, loss: 'bpr', seed: 0 } as const;

export const meta: BenchMeta = {
  id: 'recsys-ffm-vs-fm',
  title: 'Field-aware FM vs FM (TensorFlow.js wasm) on MovieLens 100K: pos4 portable split (ids, features) and cold items',
  protocol:
    `FactorizationMachine with fieldAware false (FM) and true (FFM) at equal settings: ${FACTORS} factors, BPR loss, 1 negative, ` +
    'batch 1024, Adam lr 0.005, l2 1e-5, seed 0. (1) MovieLens 100K ratings ≥ 4, portable split (SplitMix64 keys, seed 42; 44,296 / ' +
    '11,079 asserted), ids only and with features (users: age numeric, gender, occupation; items: genres string array, release ' +
    'decade): the epoch count is chosen on a second portable split of the training pairs (seed 7; validation NDCG@10 after every ' +
    'epoch, patience 3, at most 30 epochs, 12 with --quick), then each model is refitted on the whole training split for its epoch ' +
    'count and evaluated once on the test split (@10, binary relevance, training items excluded). (2) The cold-item protocol of ' +
    'recsys-cold-start-100k (the first tenth of the items by portableKey(0, itemId, 42) cold; cold items ranked for every user with ' +
    'a cold test item; recall@20, NDCG@20), with the same features, idDropout 0.5 and 20 epochs (10 with --quick) for both. Fit ' +
    'times are wall seconds of the final fit. Backend: TensorFlow.js wasm in Node, one process.',
};

interface Variant {
  readonly name: string;
  readonly fieldAware: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'FM', fieldAware: false },
  { name: 'FFM', fieldAware: true },
];

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const dir = join(ctx.dataDir, 'movielens-100k');
  if (!existsSync(join(dir, 'u.data'))) return { rows, notes: [`MovieLens 100K not found under ${ctx.dataDir}; nothing measured.`] };
  const load = () => execSync('uptime').toString().trim().replace(/^.*load average/, 'load average');
  notes.push(`At start: ${load()} (2-core machine shared with other jobs).`);
  const choice = await useBackend('wasm');
  notes.push(`TensorFlow.js backend: ${choice.backend}.${ctx.quick ? ' Quick run: at most 12 epochs on the split, 10 on cold items.' : ''}`);
  const ml = loadMovieLens100k(dir);
  const positives: Interaction[] = ml.ratings.rows.filter((r) => (r.weight ?? 0) >= 4).map((r) => ({ userId: r.userId, itemId: r.itemId }));
  const { userFeatures, itemFeatures } = movieLensFeatures(ml);
  const { train, test } = portableSplit(positives);
  if (train.length !== 44296 || test.length !== 11079) throw new Error(`portable split mismatch: ${train.length} / ${test.length}`);
  const maxEpochs = ctx.quick ? 12 : 30;

  const split = async (data: string, features: { userFeatures: UserFeatureRecord[]; itemFeatures: ItemFeatureRecord[] } | null) => {
    const { train: fitPart, test: validation } = portableSplit(train, { seed: 7 });
    for (const v of VARIANTS) {
      const tuning = new FactorizationMachine({ ...SETTINGS, fieldAware: v.fieldAware, epochs: maxEpochs, patience: 3 });
      await tuning.fit(fitPart, { validation, ...(features ?? {}) });
      const r = tuning.fitReport!;
      const validationNdcg = r.validation[r.bestEpoch - 1]!.ndcg;
      notes.push(`${data} ${v.name}: validation NDCG@10 ${validationNdcg.toFixed(4)} at epoch ${r.bestEpoch} of ${r.epochs}.`);
      tuning.dispose();
      const model = new FactorizationMachine({ ...SETTINGS, fieldAware: v.fieldAware, epochs: r.bestEpoch });
      const t0 = performance.now();
      await model.fit(train, features ?? {});
      const seconds = (performance.now() - t0) / 1000;
      const e = evaluateRanking(model, test, { k: 10 });
      rows.push({ data, model: v.name, epochs: r.bestEpoch, fitSeconds: seconds, secondsPerEpoch: seconds / r.bestEpoch, validationNdcg10: validationNdcg, ndcg10: e.ndcg, recall10: e.recall, precision10: e.precision, recall20: null, ndcg20: null });
      model.dispose();
    }
  };
  await split('ML-100K pos4, ids only', null);
  await split('ML-100K pos4, features', { userFeatures, itemFeatures });

  const withPositives = [...new Set(positives.map((r) => r.itemId))];
  const d = coldSplit(positives, withPositives, 42);
  const coldEpochs = ctx.quick ? 10 : 20;
  for (const v of VARIANTS) {
    const model = new FactorizationMachine({ ...SETTINGS, fieldAware: v.fieldAware, epochs: coldEpochs, idDropout: 0.5 });
    const t0 = performance.now();
    await model.fit(d.train, { userFeatures, itemFeatures });
    const seconds = (performance.now() - t0) / 1000;
    const r = score(d, (u) => model.recommend(u, { k: 20, include: d.cold }).map((x) => x.itemId));
    rows.push({ data: `ML-100K cold items (${d.cold.length}), features`, model: v.name, epochs: coldEpochs, fitSeconds: seconds, secondsPerEpoch: seconds / coldEpochs, validationNdcg10: null, ndcg10: null, recall10: null, precision10: null, recall20: r.recall, ndcg20: r.ndcg });
    model.dispose();
  }
  notes.push(`At end: ${load()}. Times are wall seconds on a shared 2-core machine: compare FM and FFM within this run only.`);
  return { rows, notes };
}
