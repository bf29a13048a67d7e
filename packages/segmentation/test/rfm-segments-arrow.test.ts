// rfmSegments on an Apache Arrow table of scores. Property: the assignments
// equal those of the same scores as records; an Arrow null is the records'
// typed error (with its row); a wrong column type is E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { rfmScores, rfmSegments } from '@marksman/segmentation';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

describe('rfmSegments of an Arrow table', () => {
  const rng = new Random(4);
  const customers = Array.from({ length: 200 }, (_, i) => ({ customerId: `c${i}`, recency: rng.int(365), frequency: 1 + rng.int(20), monetary: Math.round(rng.uniform() * 5000) / 10 }));
  const scores = Object.freeze(rfmScores(customers));

  function tableOf(kind: 'text' | 'dictionary' | 'int'): arrow.Table {
    const ids = kind === 'int' ? arrow.makeVector(Int32Array.from(scores, (_, i) => i)) : arrow.vectorFromArray(scores.map((s) => s.customerId as string), kind === 'text' ? new arrow.Utf8() : new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    const num = (f: 'recency' | 'frequency' | 'monetary' | 'r' | 'f' | 'm' | 'bins'): arrow.Vector => arrow.makeVector(Float64Array.from(scores, (s) => s[f]));
    return new arrow.Table({ customerId: ids, recency: num('recency'), frequency: num('frequency'), monetary: num('monetary'), r: num('r'), f: num('f'), m: num('m'), bins: arrow.makeVector(Int32Array.from(scores, (s) => s.bins)) });
  }

  for (const kind of ['text', 'dictionary', 'int'] as const) {
    it(`gives the records' assignments (${kind} customer ids)`, () => {
      const expected = rfmSegments(scores);
      const got = rfmSegments(tableOf(kind));
      expect(got.map((a) => a.segment)).toEqual(expected.map((a) => a.segment));
      if (kind !== 'int') expect(got).toEqual(expected);
    });
  }

  it('a null score is E_RFM_SCORES with its row; a text score column is E_ARROW_TYPE naming it', () => {
    const t = tableOf('text');
    const rWithNull = arrow.vectorFromArray(scores.map((s, i) => (i === 3 ? null : s.r)), new arrow.Float64());
    const cols = Object.fromEntries(t.schema.fields.map((f) => [f.name, f.name === 'r' ? rWithNull : t.getChild(f.name)!]));
    expect(error(() => rfmSegments(new arrow.Table(cols)))).toEqual({ code: 'E_RFM_SCORES', field: 'scores', row: 3 });
    const text = Object.fromEntries(t.schema.fields.map((f) => [f.name, f.name === 'm' ? arrow.vectorFromArray(scores.map((s) => String(s.m))) : t.getChild(f.name)!]));
    expect(error(() => rfmSegments(new arrow.Table(text)))).toEqual({ code: 'E_ARROW_TYPE', field: 'm', row: undefined });
  });
});
