// Property tests (issue #16): a Random restored from its state continues
// exactly where the original was (spare normal draws included), and id
// indexes and sparse matrices round trip through JSON text.
import { describe, expect, it } from 'vitest';
import { CsrMatrix, IdIndex, Random } from '@marksman/core';
import { checkProperty, fc } from '../../../test-support/properties';

describe('state round trips', () => {
  it('Random.fromState(getState()) continues the same sequence', async () => {
    await checkProperty('Random state round trip', [fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 20 }), fc.boolean()], (seed, before, oddNormal) => {
      const a = new Random(seed);
      for (let i = 0; i < before; i++) a.next();
      if (oddNormal) a.normal(); // leaves a spare normal in the state
      const b = Random.fromState(JSON.parse(JSON.stringify(a.getState())));
      const draw = (r: Random) => [r.next(), r.normal(), r.int(100), r.gamma(2.5), r.poisson(4)];
      expect(draw(b)).toEqual(draw(a));
    }, 200);
  });

  it('IdIndex and CsrMatrix JSON round trips', async () => {
    const ids = fc.uniqueArray(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: -1000, max: 1000 })), { maxLength: 30 });
    const coo = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 6 }), fc.double({ min: -100, max: 100, noNaN: true })), { maxLength: 30 });
    await checkProperty('IdIndex and CsrMatrix JSON round trips', [ids, coo], (list, entries) => {
      const index = IdIndex.from(list);
      expect(IdIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON()))).ids()).toEqual(index.ids());
      const m = CsrMatrix.fromCoo(Int32Array.from(entries, (e) => e[0]), Int32Array.from(entries, (e) => e[1]), Float64Array.from(entries, (e) => e[2]), 6, 7);
      const copy = CsrMatrix.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(copy.toDense()).toEqual(m.toDense());
    }, 100);
  });
});
