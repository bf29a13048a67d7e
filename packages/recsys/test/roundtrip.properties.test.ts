// Property tests of the classic recommenders (issue #16): over generated
// interaction data and seeds, a model restored by fromJSON from its JSON
// text is the same model (same snapshot, same lists for known and new
// users), and the same seed gives the same model. Inputs are frozen.
import { describe, expect, it } from 'vitest';
import { ALS, BPR, ExplicitMF, ItemKNN, Popularity } from '@marksman/recsys';
import type { Recommender, RecommenderJSON } from '@marksman/recsys';
import { checkProperty, deepFreeze, fc } from '../../../test-support/properties';

const data = fc
  .array(fc.record({ u: fc.integer({ min: 0, max: 7 }), i: fc.integer({ min: 0, max: 9 }), w: fc.integer({ min: 1, max: 5 }) }), { minLength: 2, maxLength: 50 })
  .map((list) => deepFreeze(list.map((r) => ({ userId: `u${r.u}`, itemId: r.i, weight: r.w }))));
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

interface Model {
  readonly name: string;
  make(seed: number): Recommender;
  restore(json: RecommenderJSON): Recommender;
}

const MODELS: Model[] = [
  { name: 'Popularity', make: () => new Popularity(), restore: (j) => Popularity.fromJSON(j) },
  { name: 'ItemKNN', make: () => new ItemKNN({ neighbours: 3 }), restore: (j) => ItemKNN.fromJSON(j) },
  { name: 'ALS', make: (s) => new ALS({ factors: 2, iterations: 2, seed: s }), restore: (j) => ALS.fromJSON(j) },
  { name: 'BPR', make: (s) => new BPR({ factors: 2, iterations: 3, seed: s }), restore: (j) => BPR.fromJSON(j) },
  { name: 'ExplicitMF', make: (s) => new ExplicitMF({ factors: 2, iterations: 3, seed: s }), restore: (j) => ExplicitMF.fromJSON(j) },
];

describe.each(MODELS)('$name: toJSON → JSON text → fromJSON is the same model', ({ name, make, restore }) => {
  it('same snapshot, same lists, and the same seed gives the same model', async () => {
    await checkProperty(`${name} JSON round trip`, [data, seed], async (rows, s) => {
      const model = await make(s).fit(rows);
      const json = model.toJSON();
      const copy = restore(JSON.parse(JSON.stringify(json)));
      expect(copy.toJSON()).toEqual(json);
      const users = [...new Set(rows.map((r) => r.userId)), 'someone new'];
      expect(copy.recommendMany(users, { k: 4 })).toEqual(model.recommendMany(users, { k: 4 }));
      expect((await make(s).fit(rows)).toJSON()).toEqual(json);
    }, 20);
  });
});
