// fitUplift, UpliftModel.predict / predictAll and targetAudience take an
// Apache Arrow table of customers: the same model, scores and audience as
// from the same records (text features one-hot encoded as in records).
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { fitUplift, targetAudience } from '@marksman/experiments';

const rng = new Random(8);
const rows = Object.freeze(
  Array.from({ length: 400 }, (_, i) => {
    const channel = ['Web', 'Phone', 'Shop'][i % 3]!;
    const recency = Math.floor(rng.uniform() * 12);
    const mailed = i % 2;
    const p = 0.1 + (mailed === 1 && channel === 'Web' ? 0.3 : 0) + (recency < 4 ? 0.1 : 0);
    return Object.freeze({ id: `c${i}`, recency, channel, mailed, visit: rng.uniform() < p ? 1 : 0, clv: 10 + (i % 7) });
  }),
);

function table(): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(rows.map((r) => r.id)),
    recency: arrow.makeVector(Int32Array.from(rows, (r) => r.recency)),
    channel: arrow.vectorFromArray(rows.map((r) => r.channel)),
    mailed: arrow.makeVector({ type: new arrow.Int64(), data: BigInt64Array.from(rows, (r) => BigInt(r.mailed)) }),
    visit: arrow.makeVector(Uint8Array.from(rows, (r) => r.visit)),
    clv: arrow.makeVector(Float64Array.from(rows, (r) => r.clv)),
  });
}

describe('uplift and targeting from an Arrow table', () => {
  it('fitUplift, predict and targetAudience equal the records path', () => {
    const options = { treatment: 'mailed', outcome: 'visit', features: ['recency', 'channel'], method: 't-learner' as const, learner: 'logistic' as const, seed: 0 };
    const t = table();
    const fromArrow = fitUplift(t, options);
    const fromRecords = fitUplift(rows, options);
    expect(fromArrow.toJSON()).toEqual(fromRecords.toJSON());
    expect(fromArrow.predict(t)).toEqual(fromRecords.predict(rows));
    expect(fromRecords.predictAll(t)).toEqual(fromRecords.predictAll(rows));
    const audience = { costPerContact: 1, valueField: 'clv', idField: 'id' };
    expect(targetAudience(fromRecords, t, audience)).toEqual(targetAudience(fromRecords, rows, audience));
  });
});
