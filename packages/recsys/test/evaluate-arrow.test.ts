// evaluateRanking and evaluateRating take the test (and train) interactions
// as an Apache Arrow table: the same evaluation as from the same records; a
// column of the wrong type is E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random, isMarksmanError } from '@marksman/core';
import { ExplicitMF, Popularity, evaluateRanking, evaluateRating } from '@marksman/recsys';

const rng = new Random(21);
const rows = Object.freeze(
  Array.from({ length: 400 }, () => Object.freeze({ userId: `u${Math.floor(rng.uniform() * 40)}`, itemId: Math.floor(rng.uniform() * 30), weight: 1 + Math.floor(rng.uniform() * 5) })),
);
const train = rows.slice(0, 300);
const test = Object.freeze(rows.slice(300));

function arrowOf(list: readonly { userId: string; itemId: number; weight: number }[]): arrow.Table {
  return new arrow.Table({
    userId: arrow.vectorFromArray(list.map((r) => r.userId)),
    itemId: arrow.makeVector({ type: new arrow.Int64(), data: BigInt64Array.from(list, (r) => BigInt(r.itemId)) }),
    weight: arrow.makeVector(Float32Array.from(list, (r) => r.weight)),
  });
}

function code(f: () => unknown): [string, string | undefined] | undefined {
  try {
    f();
  } catch (e) {
    if (isMarksmanError(e)) return [e.code, e.field];
    throw e;
  }
  return undefined;
}

describe('evaluation from Arrow tables', () => {
  it('evaluateRanking: the same report from Arrow test and train tables as from records', async () => {
    const model = await new Popularity().fit(train);
    expect(evaluateRanking(model, arrowOf(test), { k: 5, train: arrowOf(train) })).toEqual(evaluateRanking(model, test, { k: 5, train }));
    const wrong = new arrow.Table({ userId: arrow.vectorFromArray([true]), itemId: arrow.makeVector(Int32Array.of(1)) });
    expect(code(() => evaluateRanking(model, wrong))).toEqual(['E_ARROW_TYPE', 'userId']);
  });

  it('evaluateRating: the same errors from an Arrow table as from records; a text weight is E_ARROW_TYPE', async () => {
    const model = await new ExplicitMF({ factors: 2, iterations: 3, seed: 1 }).fit(train);
    expect(evaluateRating(model, arrowOf(test))).toEqual(evaluateRating(model, test));
    const wrong = new arrow.Table({ userId: arrow.vectorFromArray(['u1']), itemId: arrow.makeVector(Int32Array.of(1)), weight: arrow.vectorFromArray(['5']) });
    expect(code(() => evaluateRating(model, wrong))).toEqual(['E_ARROW_TYPE', 'weight']);
  });
});
