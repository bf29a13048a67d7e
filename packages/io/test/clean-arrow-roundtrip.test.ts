// Arrow in, Arrow out: an Arrow table of transaction lines, cleaned, comes
// back as an Arrow table through toArrow (dictionary-encoded text columns
// included) holding exactly the kept lines; and through Parquet.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isMarksmanError } from '@marksman/core';
import { cleanTransactions } from '@marksman/profiling';
import { readParquet, toArrow, writeParquet } from '@marksman/io';

const lines = arrow.tableFromArrays({
  customerId: ['ann', 'ann', 'bob', 'bob', 'cy'],
  orderId: ['1', '1', '2', 'C3', '4'],
  itemId: ['x', 'x', 'y', 'y', 'z'],
  timestamp: Float64Array.of(0, 0, 86_400_000, 172_800_000, 0),
  quantity: Int32Array.of(2, 2, 3, -1, 1),
  unitPrice: Float64Array.of(5, 5, 2, 2, 0),
  country: ['UK', 'UK', 'FR', 'FR', 'DE'],
});

describe('cleanTransactions between Arrow tables', () => {
  it('toArrow of the cleaned columns holds the kept lines, text columns decoded from their dictionaries', async () => {
    const { columns, keptIndexes } = cleanTransactions(lines, { outlierRule: null });
    expect(Array.from(keptIndexes)).toEqual([0, 2]);
    const out = toArrow(columns, arrow);
    expect(out.numRows).toBe(2);
    expect(out.getChild('customerId')!.toArray()).toEqual(['ann', 'bob']);
    expect(out.getChild('country')!.toArray()).toEqual(['UK', 'FR']);
    expect(Array.from(out.getChild('quantity')!.toArray() as Float64Array)).toEqual([2, 2]);
    expect(Array.from(out.getChild('amount')!.toArray() as Float64Array)).toEqual([10, 4]);
    // Text columns built by the faster dictionary route equal what Arrow's own builder makes.
    const plainModule = { tableFromArrays: arrow.tableFromArrays, Table: arrow.Table };
    const slow = toArrow(columns, plainModule);
    for (const f of out.schema.fields) {
      expect(String(f.type)).toBe(String(slow.schema.fields.find((g) => g.name === f.name)!.type));
      expect(Array.from(out.getChild(f.name)!)).toEqual(Array.from(slow.getChild(f.name)!));
    }
    expect(String(out.schema.fields.find((f) => f.name === 'country')!.type)).toBe('Dictionary<Int32, Utf8>');
    const back = await readParquet(writeParquet(columns));
    expect(back.country).toEqual(['UK', 'FR']);
    expect(back.amount).toEqual(Float64Array.of(10, 4));
  });

  it('a dictionary column with a code outside its values is E_COLUMN_TYPE naming it', () => {
    let code: string | undefined;
    try {
      toArrow({ c: { kind: 'dictionary', codes: Int32Array.of(0, 3), values: ['a'] } }, arrow);
    } catch (e) {
      code = isMarksmanError(e) ? `${e.code}:${e.field}:${e.row}` : String(e);
    }
    expect(code).toBe('E_COLUMN_TYPE:c:1');
  });
});
