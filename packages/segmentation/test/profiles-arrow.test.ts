// rfmScores, segmentRules (and its model's predict) and lookalike on an
// Apache Arrow table of profiles. Property: the same answer as from the same
// profiles as records; a text column named as a feature is E_ARROW_TYPE; a
// null feature is refused as NaN in a Table is (E_NOT_FINITE with its row).
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { lookalike, rfmScores, segmentRules } from '@marksman/segmentation';
import { errorWithRowOf } from '../../../test-support/errors';

const rng = new Random(9);
const N = 120;
const profiles = Object.freeze(
  Array.from({ length: N }, (_, i) =>
    Object.freeze({
      customerId: `c${i}`,
      recency: Math.floor(rng.uniform() * 300),
      frequency: 1 + Math.floor(rng.uniform() * 9),
      monetary: Math.round(rng.uniform() * 90_000) / 100,
    }),
  ),
);
const labels = Object.freeze(profiles.map((p) => (p.frequency > 4 && p.recency < 150 ? 'loyal' : 'other')));

function table(): arrow.Table {
  return new arrow.Table({
    customerId: arrow.vectorFromArray(profiles.map((p) => p.customerId)),
    recency: arrow.makeVector(Int32Array.from(profiles, (p) => p.recency)),
    frequency: arrow.makeVector({ type: new arrow.Int64(), data: BigInt64Array.from(profiles, (p) => BigInt(p.frequency)) }),
    monetary: arrow.makeVector(Float64Array.from(profiles, (p) => p.monetary)),
  });
}

const error = errorWithRowOf;

describe('segmentation profiles from an Arrow table', () => {
  it('rfmScores, segmentRules and lookalike equal the records path', () => {
    const t = table();
    expect(rfmScores(t)).toEqual(rfmScores(profiles));
    const fromArrow = segmentRules(t, labels, { maxDepth: 3 });
    const fromRecords = segmentRules(profiles, labels, { maxDepth: 3 });
    expect(fromArrow.toText()).toBe(fromRecords.toText());
    expect(fromArrow.predict(t)).toEqual(fromRecords.predict(profiles));
    expect(fromRecords.ruleIndex(t)).toEqual(fromRecords.ruleIndex(profiles));
    expect(lookalike(['c1', 'c2'], t, { size: 10 })).toEqual(lookalike(['c1', 'c2'], profiles, { size: 10 }));
  });

  it('a text column named as a feature is E_ARROW_TYPE; a null feature E_NOT_FINITE with its row', () => {
    const t = new arrow.Table({
      customerId: arrow.vectorFromArray(['a', 'b', 'c']),
      recency: arrow.vectorFromArray([1, null, 3], new arrow.Float64()),
      frequency: arrow.makeVector(Int32Array.of(1, 2, 3)),
      monetary: arrow.makeVector(Float64Array.of(5, 6, 7)),
      tier: arrow.vectorFromArray(['gold', 'silver', 'gold']),
    });
    expect(error(() => segmentRules(t, ['x', 'y', 'x'], { features: ['frequency', 'tier'] }))).toEqual({ code: 'E_ARROW_TYPE', field: 'tier', row: undefined });
    expect(error(() => rfmScores(t))).toEqual({ code: 'E_NOT_FINITE', field: 'recency', row: 1 });
    // Without a feature list, only the numeric columns are features (as with a Table).
    expect(segmentRules(new arrow.Table({ frequency: t.getChild('frequency')!, tier: t.getChild('tier')! }), ['x', 'y', 'x']).features).toEqual(['frequency']);
  });
});
