// toArrow: table-like results → Arrow tables; typed columns shared, not copied.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Table, isMarksmanError } from '@marksman/core';
import { toArrow } from '@marksman/io';
import { rfm, summarizeForClv } from '@marksman/profiling';
import { kmeans } from '@marksman/segmentation';

function thrown(f: () => unknown): { code: string; field: string | undefined } {
  try {
    f();
  } catch (e) {
    if (!isMarksmanError(e)) throw e;
    return { code: e.code, field: e.field };
  }
  throw new Error('expected an error');
}

const TX = Object.freeze([
  { customerId: 'a', orderId: 1, timestamp: '2024-01-01', quantity: 1, amount: 10 },
  { customerId: 'b', orderId: 2, timestamp: '2024-01-05', quantity: 1, amount: 7.25 },
  { customerId: 'a', orderId: 3, timestamp: '2024-01-21', quantity: 1, amount: 30 },
]);

describe('toArrow', () => {
  it('an RFM table becomes an Arrow table over the same memory, and reads back equal', () => {
    const t = rfm(TX, { asOf: '2024-01-31' });
    const a = toArrow(t, arrow);
    expect(a.numRows).toBe(2);
    expect(a.schema.fields.map((f) => f.name)).toEqual([...t.columnNames]);
    expect(a.getChild('monetary')!.toArray().buffer).toBe((t.column('monetary') as Float64Array).buffer);
    expect(Table.fromArrow(a).toRecords()).toEqual(t.toRecords());
    // And Arrow back in: rfm's output fed to k-means as Arrow equals as records.
    const feats = t.select(['recency', 'monetary']);
    expect(kmeans(toArrow(feats, arrow), 1, { seed: 1 }).centroids).toEqual(kmeans(feats.toRecords() as { recency: number; monetary: number }[], 1, { seed: 1 }).centroids);
  });

  it('records with nulls, booleans and strings; a result with rows; columns', () => {
    const a = toArrow(Object.freeze([{ id: 'x', n: 1, ok: true }, { id: 'y', n: null, ok: false }]), arrow);
    expect(a.toArray().map((r) => r.toJSON())).toEqual([{ id: 'x', n: 1, ok: true }, { id: 'y', n: null, ok: false }]);
    expect(a.getChild('n')!.nullCount).toBe(1);
    const s = summarizeForClv(TX, { asOf: '2024-02-01', timeUnit: 'day' });
    const fromRows = toArrow(s, arrow);
    expect(fromRows.numRows).toBe(s.rows.length);
    expect(fromRows.getChild('frequency')!.toArray()).toEqual(Float64Array.from(s.rows, (r) => r.frequency));
    expect(toArrow({ k: Int32Array.of(1, 2) }, arrow).getChild('k')!.toArray()).toEqual(Int32Array.of(1, 2));
  });

  it('typed errors: no module, not table-like, mixed column, ragged columns, a bad record', () => {
    expect(thrown(() => toArrow([{ a: 1 }], {} as never))).toEqual({ code: 'E_INPUT', field: 'arrow.tableFromArrays' });
    expect(thrown(() => toArrow('rows' as never, arrow))).toEqual({ code: 'E_INPUT', field: 'data' });
    expect(thrown(() => toArrow({ model: 'x' } as never, arrow))).toEqual({ code: 'E_INPUT', field: 'data' });
    expect(thrown(() => toArrow([{ id: 1 }, { id: 'b' }], arrow))).toEqual({ code: 'E_COLUMN_TYPE', field: 'id' });
    expect(thrown(() => toArrow({ a: [1, 2], b: [3] }, arrow))).toEqual({ code: 'E_COLUMN_LENGTH', field: 'b' });
    expect(thrown(() => toArrow([{ a: 1 }, 5] as never, arrow))).toMatchObject({ code: 'E_NOT_OBJECT' });
  });
});
