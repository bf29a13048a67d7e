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
