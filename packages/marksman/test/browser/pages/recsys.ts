import * as entry from '@marksman/recsys';
import { ALS, ItemKNN, Popularity } from '@marksman/recsys';
import { expose, type Smoke } from './smoke';

const ROWS = [
  { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
  { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
  { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
];

export async function smoke(): Promise<Smoke> {
  const ids = (list: ReadonlyArray<{ itemId: unknown }>) => list.map((r) => r.itemId);
  const popularity = await new Popularity().fit(ROWS);
  const knn = await new ItemKNN({ neighbours: 5 }).fit(ROWS);
  const als = await new ALS({ factors: 4, iterations: 10, regularization: 0.1, seed: 1 }).fit(ROWS);
  return {
    exports: Object.keys(entry).sort(),
    result: { popularity: ids(popularity.recommend('dee', { k: 2 })), knn: ids(knn.recommend('cid', { k: 1 })), als: ids(als.recommend('cid', { k: 1 })) },
    browser: null,
  };
}
expose(smoke);
