// Every classic recommender refuses bad ids, bad options and damaged
// snapshots with typed errors naming the field, clamps k to the catalogue,
// and honours an AbortSignal (issue #16).
import { describe, expect, it } from 'vitest';
import type { Interaction } from '@marksman/core';
import { ALS, BPR, ExplicitMF, ItemKNN, Popularity } from '@marksman/recsys';
import type { Recommender, RecommenderJSON } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

interface Factory {
  readonly name: string;
  readonly make: (options?: Record<string, unknown>) => Recommender;
  readonly restore: (json: RecommenderJSON) => Recommender;
  /** Options that make a fit long (so an abort must stop it) yet valid. */
  readonly long: Record<string, unknown>;
}

const MODELS: Factory[] = [
  { name: 'Popularity', make: (o) => new Popularity(o), restore: (j) => Popularity.fromJSON(j), long: {} },
  { name: 'ItemKNN', make: (o) => new ItemKNN({ neighbours: 5, ...o }), restore: (j) => ItemKNN.fromJSON(j), long: {} },
  { name: 'ALS', make: (o) => new ALS({ factors: 4, iterations: 3, regularization: 0.1, ...o }), restore: (j) => ALS.fromJSON(j), long: { iterations: 1_000_000 } },
  { name: 'BPR', make: (o) => new BPR({ factors: 4, iterations: 3, ...o }), restore: (j) => BPR.fromJSON(j), long: { iterations: 1_000_000 } },
  { name: 'ExplicitMF', make: (o) => new ExplicitMF({ factors: 4, iterations: 3, ...o }), restore: (j) => ExplicitMF.fromJSON(j), long: { iterations: 1_000_000 } },
];

const data = frozen(plantedClusters(5, { users: 30, clusters: 2, itemsPerCluster: 8, perUser: 5 }).rows);
const NOT_IDS: unknown[] = [null, undefined, Number.NaN, Infinity, '', {}, [], true, 10n, Symbol('s'), () => 1];

const copy = (j: RecommenderJSON): RecommenderJSON & { history: { indptr: number[]; indices: number[]; weights: number[] }; state: Record<string, unknown[]>; options: Record<string, unknown> } =>
  JSON.parse(JSON.stringify(j)) as never;

describe.each(MODELS)('$name at the boundary', ({ name, make, restore, long }) => {
  it('refuses values that are no id with E_ID_TYPE naming the argument, instead of treating them as new users', async () => {
    const m = await make().fit(data);
    for (const bad of NOT_IDS) {
      const id = bad as never;
      expect(() => m.recommend(id)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => m.recommendMany(['u0', id])).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userIds', row: 1 }));
      expect(() => m.isKnownUser(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => m.explain(id, 0)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => m.explain('u0', id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
      expect(() => m.similarItems(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
      expect(() => m.recommend('u0', { include: [0, id] })).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'include', row: 1 }));
      expect(() => m.recommend('u0', { exclude: [id] })).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'exclude', row: 0 }));
    }
    // Real but unknown ids still get the documented answers.
    expect(m.isKnownUser('nobody')).toBe(false);
    expect(m.recommend('nobody', { k: 3 })).toEqual(m.recommend('someone else', { k: 3 }));
    expect(() => m.recommend('u0', { excludeSeen: 1 as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'excludeSeen' }));
  });

  it('clamps k to the catalogue: a huge k returns every eligible item, as k = items does', async () => {
    const m = await make().fit(data);
    const all = m.recommend('u0', { k: m.itemCount });
    expect(m.recommend('u0', { k: 1e308 })).toEqual(all);
    expect(m.recommend('u0', { k: Number.MAX_SAFE_INTEGER })).toEqual(all);
    expect(m.recommendMany(['u0', 'new'], { k: 1e308 })).toEqual(m.recommendMany(['u0', 'new'], { k: m.itemCount }));
    expect(m.similarItems(0, 1e308)).toEqual(m.similarItems(0, m.itemCount));
    expect(m.explain('u0', 0, { k: 1e308 })).toEqual(m.explain('u0', 0, { k: m.itemCount }));
    for (const k of [0, -1, 0.5, Number.NaN, Infinity, '3']) expect(() => m.recommend('u0', { k: k as number })).toThrow(expect.objectContaining({ code: 'E_K', field: 'k' }));
  });

  it('refuses unreadable timestamps in fit and foldIn rows (present timestamps must parse)', async () => {
    const rows = (ts: unknown): Interaction[] => [...data.slice(0, 4), { userId: 'x', itemId: 0, weight: 1, timestamp: ts as string }];
    for (const ts of ['yesterday', '2024-13-01', Number.NaN, {}, true]) {
      await expect(make().fit(frozen(rows(ts)))).rejects.toMatchObject({ code: 'E_TIMESTAMP', row: 4, field: 'timestamp' });
    }
    const m = await make().fit(frozen(rows('2024-03-01T10:00:00Z')));
    expect(() => m.foldIn(frozen([{ userId: 'y', itemId: 0, weight: 2, timestamp: 'yesterday' }]))).toThrow(expect.objectContaining({ code: 'E_TIMESTAMP', row: 0 }));
    expect(m.foldIn(frozen([{ userId: 'y', itemId: 0, weight: 2, timestamp: new Date(0) }])).newUsers).toEqual(['y']);
  });

  it('honours an AbortSignal: already aborted, or aborted during a fit of a million iterations', async () => {
    await expect(make().fit(data, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError', code: 'E_ABORTED' });
    const ctl = new AbortController();
    const m = make(long);
    let steps = 0;
    const fit = m.fit(data, { signal: ctl.signal, onProgress: () => { steps++; ctl.abort(); } });
    await expect(fit).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(steps).toBeLessThanOrEqual(2);
    expect(() => m.recommend('u0')).toThrow(expect.objectContaining({ code: 'E_NOT_FITTED' }));
    // A refit stopped in its last step leaves the previous model whole.
    const fitted = await make().fit(data);
    const before = fitted.recommend('u0');
    const other = frozen(data.map((r) => ({ ...r, userId: `${String(r.userId)}-b` })));
    const stop = new AbortController();
    await expect(fitted.fit(other, { signal: stop.signal, onProgress: (p) => { if (p.step === p.steps) stop.abort(); } })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(fitted.recommend('u0')).toEqual(before);
    await expect(make().fit(data, { onProgress: 'log' as never })).rejects.toMatchObject({ name: 'OptionsError', code: 'E_OPTION_TYPE', field: 'onProgress' });
    await expect(make().fit(data, { signal: { aborted: 'no' } as never })).rejects.toMatchObject({ code: 'E_OPTION_TYPE', field: 'signal' });
  });

  it('fromJSON refuses damaged snapshots with E_MODEL_JSON naming the field', async () => {
    const m = await make().fit(data);
    const good = m.toJSON();
    expect(restore(copy(good)).recommend('u0')).toEqual(m.recommend('u0'));
    const damaged: Array<[string, (j: ReturnType<typeof copy>) => void]> = [
      ['json', () => undefined],
      ['version', (j) => { (j as { version: number }).version = 2; }],
      ['options', (j) => { j.options = null as never; }],
      ['options.bogus', (j) => { j.options.bogus = 1; }],
      ['userIds[0]', (j) => { (j.userIds as unknown[])[0] = null; }],
      ['itemIds[1]', (j) => { (j.itemIds as unknown[])[1] = {}; }],
      ['itemIds', (j) => { (j.itemIds as unknown[])[1] = j.itemIds[0]; }],
      ['history.indptr[1]', (j) => { j.history.indptr[1] = j.history.indices.length + 5; }],
      ['history.indptr[2]', (j) => { j.history.indptr[2] = j.history.indptr[1]! - 1; }],
      ['history.indptr[0]', (j) => { j.history.indptr[0] = 1; }],
      ['history.indices[1]', (j) => { [j.history.indices[0], j.history.indices[1]] = [j.history.indices[1]!, j.history.indices[0]!]; }],
      ['history.indices[0]', (j) => { j.history.indices[0] = j.itemIds.length; }],
      ['history.weights[0]', (j) => { j.history.weights[0] = null as never; }],
      ['state.popularity', (j) => { j.state.popularity![0] = -1; }],
      ['state', (j) => { j.state = null as never; }],
    ];
    if (name !== 'ExplicitMF') damaged.push(['history.weights[2]', (j) => { j.history.weights[2] = -3; }]);
    for (const key of Object.keys(good.state)) {
      if (key === 'popularity') continue;
      damaged.push([`state.${key}`, (j) => { (j.state[key] as unknown[])[0] = 'x'; }]);
      damaged.push([`state.${key}`, (j) => { (j.state[key] as unknown[])[0] = null; }]);
      damaged.push([`state.${key}`, (j) => { j.state[key] = j.state[key]!.slice(1); }]);
    }
    const options = Object.keys(good.options);
    for (const key of options) damaged.push([`options.${key}`, (j) => { j.options[key] = Symbol('bad'); }]);
    for (const [field, damage] of damaged) {
      const j = copy(good);
      damage(j);
      const input = field === 'json' ? (null as never) : j;
      expect(() => restore(input), `${name}: ${field}`).toThrow(expect.objectContaining({ name: 'ParseError', code: 'E_MODEL_JSON', field }));
    }
  });
});

describe('option bounds: absurd sizes are refused before any work', () => {
  it('factors ≤ 4096 and iterations ≤ 1,000,000 for ALS, BPR and ExplicitMF; ALS cgSteps ≤ 4096; safe integers elsewhere', () => {
    const makers: Array<[string, (o: Record<string, unknown>) => unknown]> = [
      ['ALS', (o) => new ALS(o)],
      ['BPR', (o) => new BPR(o)],
      ['ExplicitMF', (o) => new ExplicitMF(o)],
    ];
    for (const [, make] of makers) {
      for (const factors of [1e308, 4097, 0, 2.5, Number.NaN]) expect(() => make({ factors })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_OPTION_RANGE', field: 'factors' }));
      for (const iterations of [1e308, 1_000_001, 0, Infinity]) expect(() => make({ iterations })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'iterations' }));
      expect(() => make({ factors: 4096, iterations: 1_000_000 })).not.toThrow();
      for (const regularization of [Symbol('x'), -1, Infinity]) expect(() => make({ regularization })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'regularization' }));
    }
    expect(() => new ALS({ cgSteps: 1e308 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'cgSteps' }));
    expect(() => new BPR({ batchSize: 1e308 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    expect(() => new ItemKNN({ neighbours: 1e308 })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'neighbours' }));
    expect(() => new ItemKNN({ shrinkage: Symbol('x') as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'shrinkage' }));
  });

  it('ItemKNN keeps at most every other item: a neighbour count above the catalogue equals items − 1', async () => {
    const items = new Set(data.map((r) => r.itemId)).size;
    const big = await new ItemKNN({ neighbours: Number.MAX_SAFE_INTEGER }).fit(data);
    const exact = await new ItemKNN({ neighbours: items - 1 }).fit(data);
    expect(big.toJSON().state).toEqual(exact.toJSON().state);
  });

  it('ALS, BPR and ExplicitMF factor accessors refuse values that are no id', async () => {
    const als = await new ALS({ factors: 4, iterations: 2 }).fit(data);
    const bpr = await new BPR({ factors: 4, iterations: 2 }).fit(data);
    const mf = await new ExplicitMF({ factors: 4, iterations: 2 }).fit(data);
    for (const bad of [null, Number.NaN, {}, '']) {
      const id = bad as never;
      expect(() => als.userFactors(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => als.itemFactors(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
      expect(() => bpr.userFactors(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => bpr.itemFactors(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
      expect(() => bpr.itemBias(id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
      expect(() => mf.predictRating(id, 0)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
      expect(() => mf.predictRating('u0', id)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
    }
    expect(als.userFactors('nobody')).toBeNull();
    expect(mf.predictRating('nobody', 'nothing')).toBe(mf.globalMean);
  });

  it('ExplicitMF.fromJSON also refuses a rating range whose minimum exceeds its maximum, and keeps ratings ≤ 0 in the history', async () => {
    const rows = frozen([{ userId: 'a', itemId: 'x', weight: -2 }, { userId: 'a', itemId: 'y', weight: 0 }, { userId: 'b', itemId: 'x', weight: 3 }]);
    const mf = await new ExplicitMF({ factors: 2, iterations: 2 }).fit(rows);
    const j = copy(mf.toJSON());
    expect(ExplicitMF.fromJSON(j).predictRating('a', 'x')).toBe(mf.predictRating('a', 'x'));
    j.state.globals = [0, 5, 1];
    expect(() => ExplicitMF.fromJSON(j)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'state.globals' }));
  });

  it('BPR.fromJSON refuses a fit seed that is not a safe integer; ItemKNN.fromJSON a damaged neighbour list', async () => {
    const bpr = copy((await new BPR({ factors: 4, iterations: 2 }).fit(data)).toJSON());
    bpr.state.fitSeed = [0.5];
    expect(() => BPR.fromJSON(bpr)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'state.fitSeed' }));
    const knn = copy((await new ItemKNN({ neighbours: 3 }).fit(data)).toJSON());
    const bad = copy(knn);
    (bad.state.neighbourIndptr as number[])[2] = 0;
    expect(() => ItemKNN.fromJSON(bad)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'state.neighbourIndptr[2]' }));
    const bad2 = copy(knn);
    (bad2.state.neighbourIndices as number[])[0] = 999;
    expect(() => ItemKNN.fromJSON(bad2)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'state.neighbourIndices[0]' }));
  });
});
