import { describe, expect, it } from 'vitest';
import type { Id, Interaction } from '@marksman/core';
import { ItemKNN } from '@marksman/recsys';
import type { ItemKNNOptions } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

const data = frozen(plantedClusters(5, { users: 60, clusters: 3, itemsPerCluster: 12, perUser: 7 }).rows);

/** Dense brute force: weighted item vectors, cosine with shrinkage, top-K by (similarity desc, first-seen order). */
function reference(rows: readonly Interaction[], o: ItemKNNOptions): Map<Id, Array<{ itemId: Id; score: number }>> {
  const users: Id[] = [];
  const items: Id[] = [];
  for (const r of rows) {
    if (!users.includes(r.userId)) users.push(r.userId);
    if (!items.includes(r.itemId)) items.push(r.itemId);
  }
  const W = items.map(() => new Array<number>(users.length).fill(0));
  for (const r of rows) W[items.indexOf(r.itemId)]![users.indexOf(r.userId)]! += r.weight ?? 1;
  const touched = users.map((_, u) => W.filter((row) => row[u]! > 0).length);
  const idf = touched.map((n) => Math.log(items.length / n));
  const len = W.map((row) => row.reduce((a, b) => a + b, 0));
  const avg = len.reduce((a, b) => a + b, 0) / items.length;
  const X = W.map((row, i) =>
    row.map((w, u) => {
      if (w === 0) return 0;
      if (o.weighting === 'tfidf') return Math.sqrt(w) * idf[u]!;
      if (o.weighting === 'bm25') return ((w * (o.bm25K1 + 1)) / (o.bm25K1 * (1 - o.bm25B + (o.bm25B * len[i]!) / avg) + w)) * idf[u]!;
      return w;
    }),
  );
  const norm = X.map((row) => Math.sqrt(row.reduce((s, v) => s + v * v, 0)));
  const out = new Map<Id, Array<{ itemId: Id; score: number }>>();
  items.forEach((id, i) => {
    const sims = items
      .map((jd, j) => ({ j, itemId: jd, score: j === i ? 0 : X[i]!.reduce((s, v, u) => s + v * X[j]![u]!, 0) / (norm[i]! * norm[j]! + o.shrinkage) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.j - b.j)
      .slice(0, o.neighbours);
    out.set(id, sims.map(({ itemId, score }) => ({ itemId, score })));
  });
  return out;
}

const base: ItemKNNOptions = { weighting: 'none', neighbours: 6, shrinkage: 0, bm25K1: 1.2, bm25B: 0.75 };

describe('ItemKNN', () => {
  it.each([
    { weighting: 'none', shrinkage: 0 },
    { weighting: 'none', shrinkage: 3 },
    { weighting: 'tfidf', shrinkage: 1 },
    { weighting: 'bm25', shrinkage: 0.5 },
  ] as const)('keeps the top-K neighbours of a brute-force dense cosine ($weighting, shrinkage $shrinkage)', async (opts) => {
    const o = { ...base, ...opts };
    const model = await new ItemKNN(o).fit(data);
    const ref = reference(data, o);
    for (const [itemId, want] of ref) {
      const got = model.similarItems(itemId, o.neighbours);
      expect(got.map((g) => g.itemId)).toEqual(want.map((w) => w.itemId));
      got.forEach((g, t) => expect(g.score).toBeCloseTo(want[t]!.score, 10));
    }
  });

  it('scores a user as Σ weight × similarity over the history, and explain splits that sum', async () => {
    const model = await new ItemKNN(base).fit(data);
    const ref = reference(data, base);
    const history = data.filter((r) => r.userId === 'u4');
    const expected = new Map<Id, number>();
    for (const h of history) for (const n of ref.get(h.itemId)!) expected.set(n.itemId, (expected.get(n.itemId) ?? 0) + (h.weight ?? 1) * n.score);
    const all = model.recommend('u4', { k: 1000, excludeSeen: false });
    for (const r of all) expect(r.score).toBeCloseTo(expected.get(r.itemId) ?? 0, 10);
    const top = model.recommend('u4', { k: 1 })[0]!;
    const e = model.explain('u4', top.itemId, { k: 50 });
    expect(e.score).toBe(top.score);
    expect(e.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(top.score, 12);
    for (const c of e.contributions) expect(history.map((h) => h.itemId)).toContain(c.itemId);
  });

  it('reports progress, stops on abort, and refuses bad options', async () => {
    const steps: number[] = [];
    await new ItemKNN().fit(data, { onProgress: (p) => steps.push(p.step) });
    expect(steps.at(-1)).toBe(steps.length);
    const ac = new AbortController();
    ac.abort();
    await expect(new ItemKNN().fit(data, { signal: ac.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
    for (const bad of [{ neighbours: 0 }, { weighting: 'idf' }, { shrinkage: -1 }, { bm25K1: 0 }, { bm25B: 2 }]) {
      expect(() => new ItemKNN(bad as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE' }));
    }
  });

  it('doc example', async () => {
    const rows = [
      { userId: 1, itemId: 'tent' }, { userId: 1, itemId: 'stove' },
      { userId: 2, itemId: 'tent' }, { userId: 2, itemId: 'stove' },
      { userId: 3, itemId: 'tent' }, { userId: 4, itemId: 'lipstick' },
    ];
    const model = await new ItemKNN({ neighbours: 5 }).fit(rows);
    expect(model.recommend(3, { k: 1 }).map((r) => r.itemId)).toEqual(['stove']);
    expect(model.similarItems('stove', 1).map((r) => r.itemId)).toEqual(['tent']);
  });
});
