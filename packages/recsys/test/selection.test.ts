// recommendMany's partial top-k selection against a full sort: ties, k
// larger than the eligible items, include/exclude, and batches that cross
// the factor models' scoring-block boundary (64 users).
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { Id, Interaction } from '@marksman/core';
import { ALS, BPR, ItemKNN, Popularity } from '@marksman/recsys';
import type { Recommendation } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

// 12 items whose first appearance order (the tie-break) differs from their
// names; popularity counts only 1, 2 or 3, so most scores are tied.
function tiedData(seed: number): { rows: readonly Interaction[]; order: string[]; count: Map<string, number> } {
  const rng = new Random(seed);
  const order = rng.shuffle(Array.from({ length: 12 }, (_, i) => String.fromCharCode(97 + i)));
  const count = new Map<string, number>();
  const rows: Interaction[] = [];
  // every item once, in `order`, by a user of its own: fixes the index order
  order.forEach((item, j) => rows.push({ userId: `seed${j}`, itemId: item }));
  for (const item of order) count.set(item, 1);
  for (let u = 0; u < 20; u++) {
    const item = order[rng.int(order.length)]!;
    if (count.get(item)! >= 3) continue;
    count.set(item, count.get(item)! + 1);
    rows.push({ userId: `u${u}`, itemId: item });
  }
  return { rows: frozen(rows), order, count };
}

/** The reference: every eligible item, fully sorted by score, ties by first appearance. */
function fullSort(order: string[], count: Map<string, number>, skip: Set<Id>, k: number): Recommendation[] {
  return order
    .map((itemId, j) => ({ itemId, score: count.get(itemId)!, j }))
    .filter((r) => !skip.has(r.itemId))
    .sort((a, b) => b.score - a.score || a.j - b.j)
    .slice(0, k)
    .map(({ itemId, score }) => ({ itemId, score }));
}

describe('recommendMany: partial selection agrees with a full sort', () => {
  it('breaks ties by first appearance in the training data and returns every eligible item when k exceeds them', async () => {
    for (const seed of [1, 2, 3]) {
      const { rows, order, count } = tiedData(seed);
      const model = await new Popularity().fit(rows);
      const users = [...new Set(rows.map((r) => r.userId))];
      users.push('stranger');
      for (const k of [1, 2, 3, 5, 8, 11, 12, 13, 40]) {
        const lists = model.recommendMany(users, { k });
        users.forEach((u, t) => {
          const seen = new Set<Id>(rows.filter((r) => r.userId === u).map((r) => r.itemId));
          const expected = fullSort(order, count, seen, k);
          expect(lists[t]).toEqual(expected);
          expect(lists[t]!.length).toBe(Math.min(k, order.length - seen.size));
        });
        // include and exclude go through the same selection
        const include = [order[11]!, order[0]!, order[5]!, order[7]!];
        const inc = model.recommendMany(['stranger'], { k, include, excludeSeen: false })[0]!;
        expect(inc).toEqual(fullSort(order, count, new Set(order.filter((x) => !include.includes(x))), k));
        const exclude = order.slice(0, 4);
        const exc = model.recommendMany(['stranger'], { k, exclude })[0]!;
        expect(exc).toEqual(fullSort(order, count, new Set(exclude), k));
      }
    }
  });

  it.each([
    ['ALS', () => new ALS({ factors: 6, iterations: 4, regularization: 0.1 })],
    ['BPR', () => new BPR({ factors: 6, iterations: 20, learningRate: 0.05, seed: 2 })],
    ['ItemKNN', () => new ItemKNN({ neighbours: 5 })],
  ] as const)('%s: each top-k list over a 150-user batch is the prefix of the full ranking without the seen items', async (_name, make) => {
    const planted = plantedClusters(3, { users: 150 });
    const data = frozen(planted.rows);
    const model = await make().fit(data);
    const users = [...Array.from({ length: 150 }, (_, u) => `u${u}`), 'stranger'];
    const many = model.recommendMany(users, { k: 7 });
    const everything = model.recommendMany(users, { k: model.itemCount + 5, excludeSeen: false });
    users.forEach((u, t) => {
      const seen = new Set<Id>(data.filter((r) => r.userId === u).map((r) => r.itemId));
      expect(everything[t]).toHaveLength(model.itemCount);
      const prefix = everything[t]!.filter((r) => !seen.has(r.itemId)).slice(0, 7);
      expect(many[t]).toEqual(prefix);
      for (let j = 1; j < many[t]!.length; j++) expect(many[t]![j - 1]!.score).toBeGreaterThanOrEqual(many[t]![j]!.score);
    });
    // a batch is the same as one call per user, whatever its size
    expect(many.slice(60, 70)).toEqual(users.slice(60, 70).map((u) => model.recommend(u, { k: 7 })));
  });
});
