/**
 * Cold start on MovieLens 100K: 10% of the items are held out entirely (no
 * training interaction; their interactions are test-only), and the learned
 * models with item and user features must rank those cold items for each
 * user better than a content baseline (cosine of the user's genre profile
 * and the item's genres) and than random.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Id, Interaction } from '@marksman/core';
import { loadMovieLens100k } from '@marksman/datasets/node';
import { portableKey } from '@marksman/recsys';
import { FactorizationMachine, NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';
import type { ItemFeatureRecord, UserFeatureRecord } from '@marksman/recsys/tfjs';
import { Random } from '@marksman/core';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'recsys-cold-start-100k',
  title: 'Cold items on MovieLens 100K: learned models with features vs a genre-profile content baseline and random',
  protocol:
    'MovieLens 100K, ratings ≥ 4 as positives. Items with at least one positive are ordered by portableKey(0, itemId, 42) (the ' +
    'SplitMix64 key of shared/BENCHMARKS.md with user 0); the first ⌊n/10⌋ are cold: all their interactions are test-only, the ' +
    'rest is training. Item features: genres (a string array) and release decade; user features: age (numeric), gender, ' +
    'occupation (u.user). For every user with a cold test item, the cold items are ranked (include: cold items only) and ' +
    'recall@20 and NDCG@20 (binary relevance) are averaged over those users. Content baseline: cosine between the sum of the ' +
    "genre vectors of the user's training items and the item's genre vector. Random: the mean of 20 seeded random orders. " +
    'Model settings (idDropout, epochs) are chosen on a validation cold split inside the training data (another 10% of the warm ' +
    'items by portableKey(0, itemId, 7)), then refitted on all training data. Backend: TensorFlow.js wasm.',
};

export interface ColdData {
  train: Interaction[];
  test: Map<Id, Set<Id>>;
  cold: Id[];
}

/** Splits items by key: the first tenth of `items` (by portableKey(0, id, seed)) are cold. */
export function coldSplit(rows: readonly Interaction[], items: readonly Id[], seed: number): ColdData {
  const ordered = [...items].sort((a, b) => {
    const ka = portableKey(0, a, seed);
    const kb = portableKey(0, b, seed);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const cold = ordered.slice(0, Math.floor(ordered.length / 10));
  const coldSet = new Set(cold);
  const train: Interaction[] = [];
  const test = new Map<Id, Set<Id>>();
  for (const r of rows) {
    if (!coldSet.has(r.itemId)) {
      train.push(r);
      continue;
    }
    let s = test.get(r.userId);
    if (s === undefined) test.set(r.userId, (s = new Set()));
    s.add(r.itemId);
  }
  return { train, test, cold };
}

/** Mean recall@k and NDCG@k over users of `test` for a ranking function of the cold items. */
export function score(d: ColdData, rank: (userId: Id) => Id[], k = 20): { recall: number; ndcg: number; users: number } {
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  for (const [u, relevant] of d.test) {
    const list = rank(u).slice(0, k);
    let hits = 0;
    let dcg = 0;
    list.forEach((item, j) => {
      if (relevant.has(item)) {
        hits++;
        dcg += 1 / Math.log2(j + 2);
      }
    });
    let idcg = 0;
    for (let j = 0; j < Math.min(k, relevant.size); j++) idcg += 1 / Math.log2(j + 2);
    recall += hits / relevant.size;
    ndcg += dcg / idcg;
    users++;
  }
  return { recall: recall / users, ndcg: ndcg / users, users };
}

type Learned = TwoTower | FactorizationMachine | NeuMF;

/** The features of this protocol: items' genres (a string array) and release decade; users' age (numeric), gender, occupation. */
export function movieLensFeatures(ml: ReturnType<typeof loadMovieLens100k>): { userFeatures: UserFeatureRecord[]; itemFeatures: ItemFeatureRecord[] } {
  const itemFeatures: ItemFeatureRecord[] = ml.items.map((it) => ({
    itemId: it.itemId,
    genres: it.genres.slice(),
    decade: it.releaseDate === null ? null : `${Math.floor(new Date(it.releaseDate).getUTCFullYear() / 10) * 10}s`,
  }));
  const userFeatures: UserFeatureRecord[] = ml.users.map((u) => ({
    userId: u.customerId,
    age: u.attributes.age as number,
    gender: u.attributes.gender as string,
    occupation: u.attributes.occupation as string,
  }));
  return { userFeatures, itemFeatures };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  if (!existsSync(join(ctx.dataDir, 'movielens-100k', 'u.data'))) return { rows, notes: [`MovieLens 100K not found under ${ctx.dataDir}.`] };
  const ml = loadMovieLens100k(join(ctx.dataDir, 'movielens-100k'));
  const positives: Interaction[] = ml.ratings.rows.filter((r) => (r.weight ?? 0) >= 4).map((r) => ({ userId: r.userId, itemId: r.itemId }));
  const genres = new Map<Id, readonly string[]>(ml.items.map((it) => [it.itemId, it.genres]));
  const { userFeatures, itemFeatures } = movieLensFeatures(ml);
  const withPositives = [...new Set(positives.map((r) => r.itemId))];
  const d = coldSplit(positives, withPositives, 42);
  notes.push(`${d.cold.length} cold items, ${d.train.length} training positives, ${d.test.size} users with a cold test item.`);

  // Content baseline: the user's genre profile against each item's genres.
  const allGenres = [...new Set(ml.items.flatMap((it) => it.genres))];
  const vec = (item: Id) => allGenres.map((g) => (genres.get(item) ?? []).includes(g) ? 1 : 0);
  const profile = new Map<Id, number[]>();
  for (const r of d.train) {
    const p = profile.get(r.userId) ?? allGenres.map(() => 0);
    vec(r.itemId).forEach((v, g) => (p[g]! += v));
    profile.set(r.userId, p);
  }
  const cosine = (a: number[], b: number[]) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    a.forEach((x, t) => {
      ab += x * b[t]!;
      aa += x * x;
      bb += b[t]! * b[t]!;
    });
    return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
  };
  const coldVecs = d.cold.map((i) => [i, vec(i)] as const);
  const content = score(d, (u) => {
    const p = profile.get(u) ?? allGenres.map(() => 0);
    return coldVecs.map(([i, v]) => [i, cosine(p, v)] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i);
  });
  rows.push({ model: 'content baseline (genre-profile cosine)', recall20: content.recall, ndcg20: content.ndcg, users: content.users });
  let rr = 0;
  let rn = 0;
  for (let s = 0; s < 20; s++) {
    const rng = new Random(1000 + s);
    const r = score(d, () => {
      const order = d.cold.slice();
      rng.shuffle(order);
      return order;
    });
    rr += r.recall / 20;
    rn += r.ndcg / 20;
  }
  rows.push({ model: 'random (mean of 20 orders)', recall20: rr, ndcg20: rn, users: content.users });

  await useBackend('wasm');
  const makers: Array<[string, (o: Record<string, unknown>) => Learned]> = [
    ['FactorizationMachine + features', (o) => new FactorizationMachine({ factors: 64, learningRate: 0.005, ...o })],
    ['TwoTower + features', (o) => new TwoTower({ embeddingDim: 64, layers: [64], ...o })],
    ['NeuMF + features', (o) => new NeuMF({ learningRate: 0.002, ...o })],
  ];
  const grid = ctx.quick ? [{ idDropout: 0.5, epochs: 10 }] : [{ idDropout: 0.25, epochs: 10 }, { idDropout: 0.5, epochs: 10 }, { idDropout: 0.25, epochs: 20 }, { idDropout: 0.5, epochs: 20 }];
  // Validation: another tenth of the warm items, by another seed, cold inside the training data.
  const warm = [...new Set(d.train.map((r) => r.itemId))];
  const v = coldSplit(d.train, warm, 7);
  const fitFeatures = { userFeatures, itemFeatures };
  for (const [name, make] of makers) {
    let best: { options: Record<string, unknown>; recall: number } | null = null;
    for (const options of grid) {
      const m = make(options);
      await m.fit(v.train, fitFeatures);
      const r = score(v, (u) => m.recommend(u, { k: 20, include: v.cold }).map((x) => x.itemId));
      notes.push(`${name} ${JSON.stringify(options)}: validation cold recall@20 ${r.recall.toFixed(4)}`);
      m.dispose();
      if (best === null || r.recall > best.recall) best = { options, recall: r.recall };
    }
    const m = make(best!.options);
    const t0 = performance.now();
    await m.fit(d.train, fitFeatures);
    const seconds = (performance.now() - t0) / 1000;
    const r = score(d, (u) => m.recommend(u, { k: 20, include: d.cold }).map((x) => x.itemId));
    rows.push({ model: `${name} ${JSON.stringify(best!.options)}`, recall20: r.recall, ndcg20: r.ndcg, users: r.users, fitSeconds: seconds, validationRecall20: best!.recall });
    m.dispose();
  }
  return { rows, notes };
}
