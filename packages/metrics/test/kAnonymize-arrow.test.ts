// kAnonymize on an Apache Arrow table. Properties: the released rows are the
// rows records → kAnonymize releases (same cells, same suppressed report), as
// an Arrow table of the input's schema; a non-numeric count or sum column is
// E_ARROW_TYPE naming it; merge mode is refused; the input is left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { kAnonymize } from '@marksman/metrics';
import { errorOf } from '../../../test-support/errors';

const error = errorOf;

interface Person {
  readonly id: number;
  readonly region: string | null;
  readonly age: number;
  readonly vip: boolean;
  readonly spend: number;
}

function people(n: number, seed: number): readonly Person[] {
  const rng = new Random(seed);
  const regions = ['north', 'south', 'east', 'west', 'islands'];
  return Object.freeze(
    Array.from({ length: n }, (_, id) =>
      Object.freeze({
        id,
        // A skewed region so some cells are small; a few unknown regions.
        region: rng.uniform() < 0.05 ? null : regions[Math.min(4, Math.floor(-Math.log(rng.uniform()) * 1.2))]!,
        age: 20 + 10 * Math.floor(rng.uniform() * 5),
        vip: rng.uniform() < 0.1,
        spend: Math.round(rng.uniform() * 1000),
      }),
    ),
  );
}

function tableOf(ps: readonly Person[]): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(Int32Array.from(ps, (p) => p.id)),
    region: arrow.vectorFromArray(ps.map((p) => p.region), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    age: arrow.makeVector(Float64Array.from(ps, (p) => p.age)),
    vip: arrow.vectorFromArray(ps.map((p) => p.vip), new arrow.Bool()),
    spend: arrow.makeVector(Float64Array.from(ps, (p) => p.spend)),
  });
}

describe('kAnonymize on an Arrow table', () => {
  it('releases the rows records release, as an Arrow table of the input schema, and reports the same cells', () => {
    const ps = people(600, 1);
    const t = tableOf(ps);
    const before = JSON.stringify(t.toArray());
    for (const k of [1, 5, 20]) {
      const opts = Object.freeze({ k, quasiIdentifiers: Object.freeze(['region', 'age', 'vip']) });
      const a = kAnonymize(ps, opts);
      const b = kAnonymize(t, opts);
      expect(b.rows).toBeInstanceOf(arrow.Table);
      expect(b.rows.schema).toEqual(t.schema);
      expect(b.rows.toArray().map((r: arrow.StructRowProxy) => r.toJSON())).toEqual(a.rows.map((p) => ({ ...p })));
      expect(b.suppressed).toEqual(a.suppressed);
      expect(b.suppressedPeople).toBe(a.suppressedPeople);
      expect(b.merged).toEqual([]);
    }
    expect(JSON.stringify(t.toArray())).toBe(before);
  });

  it('reads a report with a count column', () => {
    const report = arrow.tableFromArrays({ region: ['n', 'n', 's', 's'], customers: Int32Array.of(12, 3, 9, 40), revenue: Float64Array.of(1, 2, 3, 4) });
    const records = [
      { region: 'n', customers: 12, revenue: 1 },
      { region: 'n', customers: 3, revenue: 2 },
      { region: 's', customers: 9, revenue: 3 },
      { region: 's', customers: 40, revenue: 4 },
    ];
    const opts = { k: 10, quasiIdentifiers: ['region', 'customers'], count: 'customers', sum: ['revenue'] };
    const a = kAnonymize(records, opts);
    const b = kAnonymize(report, opts);
    expect(b.rows.toArray().map((r: arrow.StructRowProxy) => r.toJSON())).toEqual(a.rows);
    expect(b.suppressed).toEqual(a.suppressed);
  });

  it('a count or sum column that is not numeric is E_ARROW_TYPE naming it; merge is refused; a null count is what null in a record is', () => {
    const report = arrow.tableFromArrays({ region: ['n', 's'], customers: ['12', '3'], revenue: ['a', 'b'] });
    expect(error(() => kAnonymize(report, { k: 2, quasiIdentifiers: ['region'], count: 'customers' }))).toEqual({ code: 'E_ARROW_TYPE', field: 'customers' });
    expect(error(() => kAnonymize(report, { k: 2, quasiIdentifiers: ['region'], sum: ['revenue'] }))).toEqual({ code: 'E_ARROW_TYPE', field: 'revenue' });
    const ok = arrow.tableFromArrays({ region: ['n', 's'], customers: Int32Array.of(12, 3) });
    expect(error(() => kAnonymize(ok, { k: 2, quasiIdentifiers: ['region'], mode: 'merge' }))).toEqual({ code: 'E_OPTION_VALUE', field: 'mode' });
    const withNull = arrow.tableFromArrays({ region: ['n', 's'], customers: [12, null] });
    expect(error(() => kAnonymize(withNull, { k: 2, quasiIdentifiers: ['region'], count: 'customers' }))).toEqual(
      error(() => kAnonymize([{ region: 'n', customers: 12 }, { region: 's', customers: null }], { k: 2, quasiIdentifiers: ['region'], count: 'customers' })),
    );
  });
});
