// gainChart, liftChart and rfmSegmentChart on Apache Arrow input. Property:
// the spec equals the spec of the same values as arrays / records; an Arrow
// null is the typed error a null gives (with its row); a wrong column type is
// E_ARROW_TYPE naming it.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { gainChart, liftChart, rfmSegmentChart } from '@marksman/charts';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

describe('charts of Arrow input', () => {
  const y = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1];
  const s = [0.9, 0.2, 0.7, 0.7, 0.4, 0.1, 0.8, 0.3, 0.5, 0.6];

  it('gainChart and liftChart: Bool or integer outcomes and Float64 scores give the arrays\' spec', () => {
    const yBool = arrow.vectorFromArray(y.map((v) => v === 1), new arrow.Bool());
    const yInt = arrow.makeVector(Int8Array.from(y));
    const sVec = arrow.makeVector(Float64Array.from(s));
    expect(gainChart(yBool, sVec)).toEqual(gainChart(y, s));
    expect(liftChart(yInt, sVec)).toEqual(liftChart(y, s));
    expect(error(() => gainChart(y, arrow.vectorFromArray([null, ...s.slice(1)], new arrow.Float64())))).toEqual({ code: 'E_NOT_FINITE', field: 'scores', row: 0 });
    expect(error(() => liftChart(arrow.vectorFromArray(y.map(String)), s))).toEqual({ code: 'E_ARROW_TYPE', field: 'yTrue', row: undefined });
  });

  it('rfmSegmentChart: an Arrow table of segment and monetary gives the records\' spec', () => {
    const rows = [
      { segment: 'Champions', monetary: 900 },
      { segment: 'At risk', monetary: 50 },
      { segment: 'At risk', monetary: 200 },
      { segment: 'Promising', monetary: 80 },
    ];
    const table = new arrow.Table({
      customerId: arrow.vectorFromArray(['a', 'b', 'c', 'd']),
      segment: arrow.vectorFromArray(rows.map((r) => r.segment), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      monetary: arrow.makeVector(Float64Array.from(rows, (r) => r.monetary)),
    });
    expect(rfmSegmentChart(table)).toEqual(rfmSegmentChart(rows as never));
    const nullMoney = new arrow.Table({ segment: table.getChild('segment')!, monetary: arrow.vectorFromArray([900, null, 200, 80], new arrow.Float64()) });
    expect(error(() => rfmSegmentChart(nullMoney))).toEqual(error(() => rfmSegmentChart(rows.map((r, i) => (i === 1 ? { ...r, monetary: null } : r)) as never)));
    const textMoney = new arrow.Table({ segment: table.getChild('segment')!, monetary: arrow.vectorFromArray(['900', '50', '200', '80']) });
    expect(error(() => rfmSegmentChart(textMoney))).toEqual({ code: 'E_ARROW_TYPE', field: 'monetary', row: undefined });
  });
});
