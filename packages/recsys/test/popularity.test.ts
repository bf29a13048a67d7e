import { describe, expect, it } from 'vitest';
import { Popularity } from '@marksman/recsys';
import { frozen } from './synthetic';

const rows = frozen([
  { userId: 1, itemId: 'a' }, { userId: 2, itemId: 'a' }, { userId: 2, itemId: 'b' }, { userId: 3, itemId: 'c' },
]);

describe('Popularity', () => {
  it('Recommender doc example', async () => {
    const model = await new Popularity().fit([{ userId: 'u1', itemId: 'a' }, { userId: 'u2', itemId: 'a' }, { userId: 'u2', itemId: 'b' }]);
    expect(model.recommend('u1', { k: 1 })).toEqual([{ itemId: 'b', score: 1 }]);
  });

  it('ranks by distinct users (doc example), the same list for everyone minus what they saw', async () => {
    const model = await new Popularity().fit(rows);
    expect(model.recommend(3, { k: 2 })).toEqual([{ itemId: 'a', score: 2 }, { itemId: 'b', score: 1 }]);
    expect(model.recommend('someone new', { k: 1 })).toEqual([{ itemId: 'a', score: 2 }]);
    // equal scores: first-seen item first
    expect(model.recommend(1)).toEqual([{ itemId: 'b', score: 1 }, { itemId: 'c', score: 1 }]);
    expect(model.similarItems('a', 5)).toEqual([{ itemId: 'b', score: 1 }, { itemId: 'c', score: 1 }]);
    expect(model.explain(2, 'a')).toEqual({ userId: 2, itemId: 'a', score: 2, coldStart: false, contributions: [] });
    expect(model.userCount).toBe(3);
    expect(model.itemCount).toBe(3);
  });

  it("by: 'weight' sums weights (repeated pairs add up), also for the cold-start list", async () => {
    const model = await new Popularity({ by: 'weight' }).fit(frozen([
      { userId: 1, itemId: 'a', weight: 1 }, { userId: 2, itemId: 'a' }, { userId: 3, itemId: 'b', weight: 2 }, { userId: 3, itemId: 'b', weight: 1.5 },
    ]));
    expect(model.recommend('new')).toEqual([{ itemId: 'b', score: 3.5 }, { itemId: 'a', score: 2 }]);
    expect(() => new Popularity({ by: 'clicks' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'by' }));
  });
});
