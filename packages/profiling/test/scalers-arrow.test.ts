// The scalers on an Apache Arrow table. Properties: a table is read as the
// same columns given as plain arrays (same fitted state, same transforms,
// returned as columns); a scaler fitted on columns transforms a table by
// name and the other way round; the table's buffers are never written; a
// null is refused as `null` in plain columns is (E_NUMBER with its row and
// feature), never dropped; a text column is E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { log1pTransform, minMaxScaler, quantileRank, robustScaler, standardScaler } from '@marksman/profiling';
import { errorOf, errorWithRowOf } from '../../../test-support/errors';

const recency = Float64Array.of(3, 40, 12, Number.NaN, 7, 90, 1, 25);
const frequency = Int32Array.of(5, 1, 2, 8, 3, 1, 12, 4);
const monetary = Float64Array.of(120.5, 15, 60, 300, 45.25, 9.99, 800, 70);
const columns = Object.freeze({ recency, frequency, monetary });

const SCALERS = [
  ['standardScaler', () => standardScaler()],
  ['minMaxScaler', () => minMaxScaler()],
  ['robustScaler', () => robustScaler()],
  ['quantileRank', () => quantileRank({ nQuantiles: 4 })],
  ['log1pTransform', () => log1pTransform()],
] as const;

function table(): arrow.Table {
  return arrow.tableFromArrays({ recency: recency.slice(), frequency: frequency.slice(), monetary: monetary.slice() });
}

describe('scalers on Arrow tables', () => {
  for (const [name, make] of SCALERS) {
    it(`${name}: a table fits and transforms as its columns do, and comes back as columns`, () => {
      const t = table();
      const before = t.getChild('monetary')!.toArray().slice();
      const fromTable = make().fit(t);
      const fromColumns = make().fit(columns);
      expect(fromTable.toJSON()).toEqual(fromColumns.toJSON());
      const out = fromTable.transform(t);
      expect(Object.keys(out)).toEqual(['recency', 'frequency', 'monetary']);
      expect(out).toEqual(fromColumns.transform(columns));
      // Fitted on columns, transforming a table (and the other way round): matched by name.
      expect(fromColumns.transform(t)).toEqual(fromTable.transform(columns));
      expect(fromTable.inverseTransform(arrow.tableFromArrays(out))).toEqual(fromColumns.inverseTransform(out));
      expect(t.getChild('monetary')!.toArray()).toEqual(before);
    });
  }

  it('reads the table by name: a table with its columns in another order transforms the same', () => {
    const scaler = standardScaler().fit(columns);
    const reordered = arrow.tableFromArrays({ monetary: monetary.slice(), recency: recency.slice(), frequency: frequency.slice() });
    expect(scaler.transform(reordered)).toEqual(scaler.transform(columns));
  });

  it('refuses a null as null in plain columns is, naming the feature and row', () => {
    const withNull = new arrow.Table({ spend: arrow.vectorFromArray([1.5, null, 3], new arrow.Float64()) });
    expect(errorWithRowOf(() => standardScaler().fit(withNull))).toEqual({ code: 'E_NUMBER', field: 'spend', row: 1 });
    expect(errorWithRowOf(() => standardScaler().fit({ spend: [1.5, null as never, 3] }))).toEqual({ code: 'E_NUMBER', field: 'spend', row: 1 });
  });

  it('refuses a text column with E_ARROW_TYPE naming it', () => {
    const withText = arrow.tableFromArrays({ spend: Float64Array.of(1, 2), segment: ['a', 'b'] });
    expect(errorOf(() => minMaxScaler().fit(withText))).toEqual({ code: 'E_ARROW_TYPE', field: 'segment' });
  });

  it('names the missing feature when a table lacks one the scaler was fitted on', () => {
    const scaler = robustScaler().fit(columns);
    const partial = arrow.tableFromArrays({ recency: recency.slice(), frequency: frequency.slice() });
    expect(errorOf(() => scaler.transform(partial))).toEqual({ code: 'E_LAYOUT', field: 'monetary' });
  });
});
