// Found by the battery (packages/marksman/test/battery.test.ts).
import { describe, expect, it } from 'vitest';
import { applyBusinessRules } from '@marksman/recsys';

describe('applyBusinessRules', () => {
  it('refuses an exclude list holding something that is no id (it was silently ignored)', () => {
    const candidates = [{ itemId: 'a', score: 2 }, { itemId: 'b', score: 1 }];
    expect(() => applyBusinessRules(candidates, { exclude: ['a', Number.NaN] })).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'exclude', row: 1 }));
    expect(applyBusinessRules(candidates, { exclude: ['a'] }).map((r) => r.itemId)).toEqual(['b']);
  });
});

describe('evaluateRanking and saved states', () => {
  it('checks candidates even without rerank (NaN, Infinity, strings were ignored)', async () => {
    const { Popularity, evaluateRanking } = await import('@marksman/recsys');
    const model = await new Popularity().fit([{ userId: 1, itemId: 'a' }, { userId: 2, itemId: 'b' }]);
    for (const candidates of [Number.NaN, Infinity, '5', 0]) {
      expect(() => evaluateRanking(model, [{ userId: 1, itemId: 'b' }], { candidates: candidates as number })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'candidates' }));
    }
    expect(evaluateRanking(model, [{ userId: 1, itemId: 'b' }], { k: 1, candidates: 50 }).users).toBe(1);
  });

  it('fromJSON refuses factors beyond the float32 range (they became Infinity)', async () => {
    const { ALS } = await import('@marksman/recsys');
    const rows = Array.from({ length: 6 }, (_, u) => [{ userId: `u${u}`, itemId: u % 3 }, { userId: `u${u}`, itemId: 3 + (u % 2) }]).flat();
    const json = JSON.parse(JSON.stringify((await new ALS({ factors: 2, iterations: 2 }).fit(rows)).toJSON()));
    json.state.userFactors[0] = 1e308;
    expect(() => ALS.fromJSON(json)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'state.userFactors' }));
  });
});
