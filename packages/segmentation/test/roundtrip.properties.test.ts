// Property tests (issue #16): k-means and segment-rule models restored by
// fromJSON from their JSON text predict exactly as the originals, and the
// same seed gives the same clustering. Inputs are frozen.
import { describe, expect, it } from 'vitest';
import { KMeansModel, SegmentRulesModel, kmeans, segmentRules } from '@marksman/segmentation';
import { checkProperty, deepFreeze, fc } from '../../../test-support/properties';

const points = fc
  .integer({ min: 1, max: 3 })
  .chain((d) => fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: d, maxLength: d }), { minLength: 4, maxLength: 30 }))
  .map(deepFreeze);
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('segmentation models round trip through JSON text', () => {
  it('KMeansModel', async () => {
    await checkProperty('KMeansModel JSON round trip', [points, seed, fc.integer({ min: 1, max: 3 })], (xs, s, k) => {
      const model = kmeans(xs, k, { seed: s });
      const copy = KMeansModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(copy.toJSON()).toEqual(model.toJSON());
      expect(copy.predict(xs)).toEqual(model.predict(xs));
      expect(kmeans(xs, k, { seed: s }).toJSON()).toEqual(model.toJSON());
    }, 60);
  });

  it('SegmentRulesModel', async () => {
    const profiles = fc
      .array(fc.record({ recency: fc.integer({ min: 0, max: 400 }), orders: fc.integer({ min: 1, max: 30 }), label: fc.constantFrom('a', 'b', 'c') }), { minLength: 4, maxLength: 40 })
      .filter((rows) => new Set(rows.map((r) => r.label)).size >= 2)
      .map(deepFreeze);
    await checkProperty('SegmentRulesModel JSON round trip', [profiles], (rows) => {
      const model = segmentRules(rows.map((r) => ({ recency: r.recency, orders: r.orders })), rows.map((r) => r.label), { minSamplesLeaf: 1 });
      const copy = SegmentRulesModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(copy.toJSON()).toEqual(model.toJSON());
      const probe = rows.map((r) => ({ recency: r.recency + 1, orders: r.orders }));
      expect(copy.predict(probe)).toEqual(model.predict(probe));
      expect(copy.toText()).toBe(model.toText());
    }, 40);
  });
});
