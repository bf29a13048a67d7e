// The PostgreSQL dialect executed on a local throw-away server (Debian's
// postgresql package; CI installs it): results equal the in-process path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfm, summarizeForClv } from '@marksman/profiling';
import { clvSummarySql, experimentStatsFromRows, experimentStatsSql, interactionCountsSql, itemCooccurrenceSql, rfmSql } from '@marksman/sql';
import type { ExperimentMetricSpec, MeanMetricStats, ProportionMetricStats } from '@marksman/sql';
import { skipUnless } from '../../../test-support/skip';
import { byKey, close, makeData, writeCsv } from './data';
import type { ShopData } from './data';
import { findPostgres, startPostgres } from './postgres-server';
import type { PgServer } from './postgres-server';

const found = findPostgres();
const skip = skipUnless('bin' in found, 'sql postgres', 'missing' in found ? found.missing : '');

/** Engine text → the in-process types: numbers where the expected value is a number. */
function expectSameRows(actual: readonly Record<string, string | null>[], expected: readonly Record<string, unknown>[], key: string): void {
  expect(actual.length).toBe(expected.length);
  const want = byKey(expected, key);
  for (const row of actual) {
    const e = want.get(row[key]);
    expect(e, `row ${String(row[key])}`).toBeDefined();
    expect(Object.keys(row).sort()).toEqual(Object.keys(e!).sort());
    for (const [k, v] of Object.entries(e!)) {
      if (typeof v === 'number') expect(close(Number(row[k]), v), `${String(row[key])}.${k}: ${String(row[k])} vs ${v}`).toBe(true);
      else expect(row[k], `${String(row[key])}.${k}`).toEqual(v);
    }
  }
}

describe.skipIf(skip)('the PostgreSQL dialect on a local server', () => {
  let data: ShopData;
  let files: ReturnType<typeof writeCsv>;
  let pg: PgServer;

  beforeAll(async () => {
    data = makeData();
    files = writeCsv(data);
    pg = await startPostgres((found as { bin: string }).bin);
    pg.sql(
      [
        'CREATE TABLE lines ("customerId" TEXT, "orderId" TEXT, ts TIMESTAMP, ts_ms BIGINT, amount DOUBLE PRECISION);',
        `\\copy lines FROM '${files.lines}' WITH (FORMAT csv, HEADER true)`,
        'CREATE TABLE events ("userId" TEXT, "itemId" TEXT);',
        `\\copy events FROM '${files.events}' WITH (FORMAT csv, HEADER true)`,
        'CREATE SCHEMA exp;',
        'CREATE TABLE exp.units (user_id INTEGER, variant TEXT, device TEXT, spend NUMERIC, pre_spend NUMERIC, pre_visits INTEGER, revenue NUMERIC, sessions INTEGER, converted INTEGER);',
        `\\copy exp.units FROM '${files.units}' WITH (FORMAT csv, HEADER true)`,
      ].join('\n'),
    );
  }, 120_000);
  afterAll(() => {
    pg?.stop();
    files?.cleanup();
  });

  it('clvSummarySql equals summarizeForClv, with and without a calibration period', () => {
    const plain = { asOf: '2024-10-01', timeUnit: 'month' } as const;
    expectSameRows(pg.rows(clvSummarySql({ dialect: 'postgres', table: 'lines', timestamp: 'ts', ...plain })), summarizeForClv(data.transactions, plain).rows as never, 'customerId');
    const cal = { asOf: '2024-12-01', calibrationEnd: '2024-05-01', timeUnit: 'week' } as const;
    const rows = pg.rows(clvSummarySql({ dialect: 'postgres', table: 'lines', timestamp: 'ts_ms', timestampKind: 'epochMs', ...cal }));
    expectSameRows(rows, summarizeForClv(data.transactions, cal).rows as never, 'customerId');
  });

  it('rfmSql equals rfm', () => {
    const asOf = '2024-09-15T13:30:00Z';
    expectSameRows(pg.rows(rfmSql({ dialect: 'postgres', table: 'lines', asOf, timestamp: 'ts' })), rfm(data.transactions, { asOf }).toRecords(), 'customerId');
  });

  it('experimentStatsSql gives the sums of the raw units (NUMERIC columns arrive as text)', () => {
    const metrics: ExperimentMetricSpec[] = [
      { name: 'spend', kind: 'mean', value: 'spend' },
      { name: 'conversion', kind: 'proportion', value: 'converted' },
    ];
    const stats = experimentStatsFromRows(pg.rows(experimentStatsSql({ dialect: 'postgres', table: ['exp', 'units'], metrics, dimension: 'device' })), metrics);
    expect(stats).toHaveLength(6);
    for (const s of stats) {
      const units = data.units.filter((u) => u.variant === s.variant && u.device === s.segment);
      const spend = s.metrics.spend as MeanMetricStats;
      expect(spend.n).toBe(units.length);
      expect(close(spend.sum, units.reduce((a, u) => a + u.spend, 0))).toBe(true);
      expect(close(spend.sumSquares, units.reduce((a, u) => a + u.spend * u.spend, 0))).toBe(true);
      expect(s.metrics.conversion as ProportionMetricStats).toEqual({ n: units.length, conversions: units.filter((u) => u.converted > 0).length });
    }
  });

  it('interactionCountsSql and itemCooccurrenceSql equal the DuckDB-free counts', () => {
    const counts = new Map<string, number>();
    for (const e of data.interactions) counts.set(`${e.userId} ${e.itemId}`, (counts.get(`${e.userId} ${e.itemId}`) ?? 0) + 1);
    const rows = pg.rows(interactionCountsSql({ dialect: 'postgres', table: 'events' }));
    expect(rows.length).toBe(counts.size);
    for (const r of rows) expect(Number(r.weight)).toBe(counts.get(`${r.userId!} ${r.itemId!}`));
    const users = new Map<string, Set<string>>();
    for (const e of data.interactions) users.set(e.itemId, (users.get(e.itemId) ?? new Set()).add(e.userId));
    const co = pg.rows(itemCooccurrenceSql({ dialect: 'postgres', table: 'events', minCount: 2 }));
    expect(co.length).toBeGreaterThan(0);
    for (const r of co.slice(0, 50)) {
      const a = users.get(r.itemId!)!;
      const b = users.get(r.otherItemId!)!;
      const both = [...a].filter((u) => b.has(u)).length;
      expect(Number(r.cooccurrences)).toBe(both);
      expect(close(Number(r.cosine), both / Math.sqrt(a.size * b.size))).toBe(true);
    }
  });
});
