import { describe, expect, it } from 'vitest';
import { Popularity, evaluateRanking } from '@marksman/recsys';
import { frozen } from './synthetic';

const train = frozen([{ userId: 1, itemId: 'a' }, { userId: 2, itemId: 'a' }, { userId: 2, itemId: 'b' }, { userId: 3, itemId: 'c' }]);

describe('evaluateRanking', () => {
  it('doc example: hand-checked precision and hit rate', async () => {
    const model = await new Popularity().fit(train);
    const r = evaluateRanking(model, [{ userId: 1, itemId: 'b' }, { userId: 3, itemId: 'b' }], { k: 1 });
    expect([r.users, r.precision, r.hitRate]).toEqual([2, 0.5, 0.5]);
  });

  it('computes every metric by the protocol definitions, counts cold-start users and coverage', async () => {
    const model = await new Popularity().fit(train);
    // user 1 gets [b, c]; user 'new' (cold start) gets [a, b]
    const test = frozen([{ userId: 1, itemId: 'c' }, { userId: 1, itemId: 'z' }, { userId: 'new', itemId: 'a' }, { userId: 'new', itemId: 'c' }]);
    const r = evaluateRanking(model, test, { k: 2 });
    expect(r.users).toBe(2);
    expect(r.coldStartUsers).toBe(1);
    expect(r.precision).toBeCloseTo((1 / 2 + 1 / 2) / 2, 12);
    expect(r.recall).toBeCloseTo((1 / 2 + 1 / 2) / 2, 12);
    const idcg = 1 + 1 / Math.log2(3);
    expect(r.ndcg).toBeCloseTo((1 / Math.log2(3) / idcg + 1 / idcg) / 2, 12);
    expect(r.map).toBeCloseTo((0.5 / 2 + 1 / 2) / 2, 12);
    expect(r.mrr).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(r.hitRate).toBe(1);
    expect(r.coverage).toBeCloseTo(3 / 3, 12);
    expect(r.perUser.ndcg).toHaveLength(2);
  });

  it('keeps the given training items out of the lists', async () => {
    const model = await new Popularity().fit(train);
    const withTrain = evaluateRanking(model, [{ userId: 'new', itemId: 'b' }], { k: 1, train: [{ userId: 'new', itemId: 'a' }] });
    expect(withTrain.precision).toBe(1);
    expect(evaluateRanking(model, [{ userId: 'new', itemId: 'b' }], { k: 1 }).precision).toBe(0);
  });

  it('refuses something that is not a recommender, test rows without usable ids, and a train option that is not a list', async () => {
    const model = await new Popularity().fit(train);
    for (const bad of [null, undefined, {}, { recommendMany: () => [] }, 5]) {
      expect(() => evaluateRanking(bad as never, train)).toThrow(expect.objectContaining({ name: 'StateError', code: 'E_NOT_RECOMMENDER', field: 'model' }));
    }
    expect(() => evaluateRanking(model, frozen([{ userId: 1, itemId: 'a' }, { itemId: 'b' } as never]))).toThrow(expect.objectContaining({ code: 'E_MISSING', row: 1, field: 'userId' }));
    expect(() => evaluateRanking(model, frozen([{ userId: Number.NaN, itemId: 'a' }]))).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', row: 0, field: 'userId' }));
    expect(() => evaluateRanking(model, train, { train: frozen([{ userId: 1, itemId: null as never }]) })).toThrow(expect.objectContaining({ code: 'E_MISSING', row: 0, field: 'itemId' }));
    expect(() => evaluateRanking(model, train, { train: 'x' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'train' }));
  });

  it('takes a k above the catalogue (lists hold every eligible item; Precision@k still divides by k)', async () => {
    const model = await new Popularity().fit(train);
    const test = frozen([{ userId: 1, itemId: 'b' }, { userId: 3, itemId: 'a' }]);
    const big = 1e6;
    const r = evaluateRanking(model, test, { k: big });
    const all = evaluateRanking(model, test, { k: model.itemCount });
    expect([r.recall, r.hitRate, r.ndcg, r.mrr]).toEqual([all.recall, all.hitRate, all.ndcg, all.mrr]);
    expect(r.precision * big).toBeCloseTo(all.precision * model.itemCount, 10); // mean hits / k
    // Beyond 2⁵³ − 1 a cut-off is not a count any more.
    expect(() => evaluateRanking(model, test, { k: 1e308 })).toThrow(expect.objectContaining({ code: 'E_K', field: 'k' }));
  });

  it('refuses empty test sets and bad k', async () => {
    const model = await new Popularity().fit(train);
    expect(() => evaluateRanking(model, [])).toThrow(expect.objectContaining({ code: 'E_EMPTY' }));
    expect(() => evaluateRanking(model, [{ userId: 1, itemId: 'a' }], { k: 0 })).toThrow(expect.objectContaining({ code: 'E_K' }));
    expect(() => evaluateRanking(model, 'x' as never)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => evaluateRanking(model, [null] as never)).toThrow(expect.objectContaining({ code: 'E_NOT_OBJECT' }));
  });
});
