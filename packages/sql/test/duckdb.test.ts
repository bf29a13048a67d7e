// The DuckDB dialect executed by the embedded runner on the same data as the
// in-process path: the results must agree (sums to 1e-9 relative, counts exactly).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cuped, dimensionBreakdown, proportionsZTest, ratioMetricMoments, ratioMetricTest, welchTTest } from '@marksman/experiments';
import { fitBgNbd, rfm, summarizeForClv } from '@marksman/profiling';
import { ALS, ItemKNN } from '@marksman/recsys';
import { clvSummarySql, experimentStatsFromRows, experimentStatsSql, interactionCountsSql, itemCooccurrenceSql, rfmSql } from '@marksman/sql';
import type { CupedMeanMetricStats, CupedRatioMetricStats, ExperimentMetricSpec, ProportionMetricStats, RatioMetricStats } from '@marksman/sql';
import { openDuckDB } from '@marksman/sql/node';
import type { DuckDBRunner } from '@marksman/sql/node';
import { byKey, close, makeData, writeCsv } from './data';
import type { ShopData } from './data';

let data: ShopData;
let files: ReturnType<typeof writeCsv>;
let db: DuckDBRunner;

beforeAll(async () => {
  data = makeData();
  files = writeCsv(data);
  db = await openDuckDB({ threads: 1 });
  await db.registerFile('lines', files.lines);
  await db.registerFile('events', files.events);
  await db.registerFile('units', files.units, { format: 'csv' });
});
afterAll(() => {
  db?.close();
  files?.cleanup();
});

function expectSameRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], key: string): void {
  expect(actual.length).toBe(expected.length);
  const want = byKey(expected, key);
  for (const row of actual) {
    const e = want.get(row[key]);
    expect(e, `row ${String(row[key])}`).toBeDefined();
    expect(Object.keys(row).sort()).toEqual(Object.keys(e!).sort());
    for (const [k, v] of Object.entries(e!)) {
      if (typeof v === 'number' && !Number.isInteger(v)) expect(close(row[k], v), `${String(row[key])}.${k}: ${String(row[k])} vs ${v}`).toBe(true);
      else expect(row[k], `${String(row[key])}.${k}`).toEqual(v);
    }
  }
}

describe('clvSummarySql on DuckDB', () => {
  for (const timeUnit of ['day', 'week', 'month'] as const) {
    it(`equals summarizeForClv (timeUnit ${timeUnit}, timestamps and epoch ms)`, async () => {
      const asOf = '2024-10-01';
      const expected = summarizeForClv(data.transactions, { asOf, timeUnit }).rows;
      const a = await db.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf, timeUnit, timestamp: 'ts' }));
      const b = await db.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf, timeUnit, timestamp: 'ts_ms', timestampKind: 'epochMs' }));
      expectSameRows(a, expected as unknown as Record<string, unknown>[], 'customerId');
      expectSameRows(b, expected as unknown as Record<string, unknown>[], 'customerId');
    });
  }

  it('equals summarizeForClv with a calibration period (holdout columns, late customers left out)', async () => {
    const opts = { asOf: '2024-12-01', calibrationEnd: '2024-05-01', timeUnit: 'week' } as const;
    const expected = summarizeForClv(data.transactions, opts);
    expect(expected.excludedCustomers).toBeGreaterThan(0);
    const rows = await db.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', timestamp: 'ts', ...opts }));
    expectSameRows(rows, expected.rows as unknown as Record<string, unknown>[], 'customerId');
  });

  it('feeds BG/NBD: the fit on DuckDB rows equals the fit on the in-process summary', async () => {
    const asOf = '2024-10-01';
    const expected = fitBgNbd(summarizeForClv(data.transactions, { asOf, timeUnit: 'week' }).rows);
    const rows = await db.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf, timeUnit: 'week', timestamp: 'ts' }));
    const fit = fitBgNbd(rows as never);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(fit.params[k]).toBeCloseTo(expected.params[k], 6);
  });
});

describe('rfmSql on DuckDB', () => {
  it('equals rfm for an as-of instant inside a day', async () => {
    const asOf = '2024-09-15T13:30:00Z';
    const expected = rfm(data.transactions, { asOf }).toRecords();
    const rows = await db.records(rfmSql({ dialect: 'duckdb', table: 'lines', asOf, timestamp: 'ts' }));
    expectSameRows(rows, expected, 'customerId');
  });
});

describe('experimentStatsSql on DuckDB', () => {
  const metrics: ExperimentMetricSpec[] = [
    { name: 'spend', kind: 'mean', value: 'spend', covariates: ['pre_spend', 'pre_visits'] },
    { name: 'rps', kind: 'ratio', numerator: 'revenue', denominator: 'sessions', covariates: ['pre_spend'] },
    { name: 'conversion', kind: 'proportion', value: 'converted' },
    { name: 'plainSpend', kind: 'mean', value: 'spend' },
    { name: 'plainRps', kind: 'ratio', numerator: 'revenue', denominator: 'sessions' },
  ];
  const arm = (v: string) => data.units.filter((u) => u.variant === v);

  it('gives the tests the results they give on the raw units', async () => {
    const stats = experimentStatsFromRows(await db.records(experimentStatsSql({ dialect: 'duckdb', table: 'units', metrics })), metrics);
    expect(stats.map((s) => s.variant)).toEqual(['control', 'treatment']);
    const [c, t] = [arm('control'), arm('treatment')];
    const [sc, st] = stats.map((s) => s.metrics);
    const covs = (rows: typeof c) => [rows.map((r) => r.pre_spend), rows.map((r) => r.pre_visits)];
    const rawCuped = cuped({ values: c.map((r) => r.spend), covariates: covs(c) }, { values: t.map((r) => r.spend), covariates: covs(t) });
    const sqlCuped = cuped(sc!.spend as CupedMeanMetricStats, st!.spend as CupedMeanMetricStats);
    expect(sqlCuped.diff).toBeCloseTo(rawCuped.diff, 9);
    expect(sqlCuped.standardError).toBeCloseTo(rawCuped.standardError, 9);
    expect(sqlCuped.pValue).toBeCloseTo(rawCuped.pValue, 9);
    const ratioRows = (rows: typeof c) => ({ numerator: rows.map((r) => r.revenue), denominator: rows.map((r) => r.sessions) });
    const rawRatio = ratioMetricTest(ratioRows(c), ratioRows(t));
    const sqlRatio = ratioMetricTest(sc!.plainRps as RatioMetricStats, st!.plainRps as RatioMetricStats);
    expect(sqlRatio.diff).toBeCloseTo(rawRatio.diff, 10);
    expect(sqlRatio.pValue).toBeCloseTo(rawRatio.pValue, 9);
    const m = ratioMetricMoments(st!.rps as RatioMetricStats);
    expect(m.ratioVariance).toBeCloseTo(ratioMetricMoments(ratioRows(t)).ratioVariance, 12);
    const rawCupedRatio = cuped({ ...ratioRows(c), covariates: c.map((r) => r.pre_spend) }, { ...ratioRows(t), covariates: t.map((r) => r.pre_spend) });
    const sqlCupedRatio = cuped(sc!.rps as CupedRatioMetricStats, st!.rps as CupedRatioMetricStats);
    expect(sqlCupedRatio.diff).toBeCloseTo(rawCupedRatio.diff, 9);
    expect(sqlCupedRatio.standardError).toBeCloseTo(rawCupedRatio.standardError, 9);
    const conv = (rows: typeof c) => ({ n: rows.length, conversions: rows.filter((r) => r.converted > 0).length });
    expect(sc!.conversion as ProportionMetricStats).toEqual(conv(c));
    expect(st!.conversion as ProportionMetricStats).toEqual(conv(t));
    expect(proportionsZTest(sc!.conversion as ProportionMetricStats, st!.conversion as ProportionMetricStats).pValue).toBe(proportionsZTest(conv(c), conv(t)).pValue);
    const w = welchTTest(sc!.plainSpend as never, st!.plainSpend as never);
    expect(w.pValue).toBeCloseTo(welchTTest(c.map((r) => r.spend), t.map((r) => r.spend)).pValue, 9);
  });

  it('breaks down by a dimension: dimensionBreakdown on the sums equals the one on raw units', async () => {
    const spec: ExperimentMetricSpec[] = [{ name: 'conversion', kind: 'proportion', value: 'converted' }];
    const stats = experimentStatsFromRows(await db.records(experimentStatsSql({ dialect: 'duckdb', table: 'units', metrics: spec, dimension: 'device' })), spec);
    expect(stats.map((s) => `${s.variant}/${s.segment!}`)).toEqual(['control/desktop', 'control/mobile', 'control/tablet', 'treatment/desktop', 'treatment/mobile', 'treatment/tablet']);
    const segments = ['desktop', 'mobile', 'tablet'].map((segment) => {
      const of = (v: string) => stats.find((s) => s.variant === v && s.segment === segment)!.metrics.conversion as ProportionMetricStats;
      return { segment, control: of('control'), treatment: of('treatment') };
    });
    const raw = ['desktop', 'mobile', 'tablet'].map((segment) => {
      const of = (v: string) => {
        const rows = data.units.filter((u) => u.variant === v && u.device === segment);
        return { n: rows.length, conversions: rows.filter((r) => r.converted > 0).length };
      };
      return { segment, control: of('control'), treatment: of('treatment') };
    });
    expect(dimensionBreakdown(segments, proportionsZTest)).toEqual(dimensionBreakdown(raw, proportionsZTest));
  });
});

describe('interactionCountsSql and itemCooccurrenceSql on DuckDB', () => {
  it('counts pairs: ALS fitted on the counts equals ALS fitted on the raw events in (user, item) order', async () => {
    const rows = (await db.records(interactionCountsSql({ dialect: 'duckdb', table: 'events' }))) as { userId: string; itemId: string; weight: number }[];
    const counts = new Map<string, number>();
    for (const e of data.interactions) counts.set(`${e.userId}\u0000${e.itemId}`, (counts.get(`${e.userId}\u0000${e.itemId}`) ?? 0) + 1);
    expect(rows.length).toBe(counts.size);
    for (const r of rows) expect(r.weight).toBe(counts.get(`${r.userId}\u0000${r.itemId}`));
    expect(rows.some((r) => r.weight > 1)).toBe(true);
    const sorted = [...data.interactions].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
    const opts = { factors: 8, iterations: 5, seed: 1 };
    const fromSql = await new ALS(opts).fit(rows);
    const fromRaw = await new ALS(opts).fit(sorted);
    const user = rows[0]!.userId;
    expect(fromSql.recommend(user, { k: 5 })).toEqual(fromRaw.recommend(user, { k: 5 }));
  });

  it('co-occurrence cosine equals ItemKNN similarities on 0/1 interactions', async () => {
    const rows = (await db.records(itemCooccurrenceSql({ dialect: 'duckdb', table: 'events' }))) as { itemId: string; otherItemId: string; cooccurrences: number; cosine: number }[];
    expect(rows.length).toBeGreaterThan(0);
    const distinct = [...new Map(data.interactions.map((e) => [`${e.userId}\u0000${e.itemId}`, e])).values()];
    const knn = await new ItemKNN({ neighbours: 10_000 }).fit(distinct);
    const item = rows[0]!.itemId;
    const fromSql = rows.filter((r) => r.itemId === item).map((r) => [r.otherItemId, r.cosine] as const);
    const fromKnn = knn.similarItems(item, 10_000).filter((r) => r.score > 0);
    expect(new Map(fromKnn.map((r) => [r.itemId, r.score])).size).toBe(fromSql.length);
    const knnScore = new Map(fromKnn.map((r) => [r.itemId, r.score]));
    for (const [other, cos] of fromSql) expect(close(knnScore.get(other), cos)).toBe(true);
    const min3 = await db.records(itemCooccurrenceSql({ dialect: 'duckdb', table: 'events', minCount: 2 }));
    expect(min3.length).toBe(rows.filter((r) => r.cooccurrences >= 2).length);
  });
});

describe('the runner', () => {
  it('returns typed columns and surfaces DuckDB errors as E_SQL_QUERY with its message', async () => {
    const t = await db.query("SELECT 1 AS a, 2.5::DOUBLE AS b, 'x' AS s, NULL::INTEGER AS n, TIMESTAMP '2024-01-02 00:00:00' AS ts");
    expect(t.column('a')).toEqual(Float64Array.of(1));
    expect(t.row(0)).toEqual({ a: 1, b: 2.5, s: 'x', n: null, ts: Date.UTC(2024, 0, 2) });
    await expect(db.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'E_SQL_QUERY', field: 'sql', message: expect.stringContaining('no_such_table') });
    await expect(db.query('')).rejects.toMatchObject({ code: 'E_SQL_QUERY' });
    await expect(db.query('SELECT [1, 2] AS l')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'l' });
    await expect(db.query('SELECT 9007199254740993::BIGINT AS big')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'big' });
    await expect(db.registerFile('x', '/no/such/file.csv')).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'path' });
    await expect(db.registerFile('', files.lines)).rejects.toMatchObject({ code: 'E_SQL_IDENTIFIER' });
    await expect(db.registerFile('x', files.lines, { format: 'xlsx' as never })).rejects.toMatchObject({ code: 'E_OPTION_RANGE', field: 'format' });
  });

  it('refuses bad options and calls after close', async () => {
    await expect(openDuckDB({ threads: 0 })).rejects.toMatchObject({ code: 'E_OPTION_RANGE', field: 'threads' });
    await expect(openDuckDB({ memoryLimit: "1GB'; DROP" })).rejects.toMatchObject({ code: 'E_OPTION_RANGE', field: 'memoryLimit' });
    await expect(openDuckDB({ path: '/no/such/dir/db.duckdb' })).rejects.toMatchObject({ code: 'E_SQL_QUERY', field: 'path' });
    const other = await openDuckDB({ memoryLimit: '512MB' });
    other.close();
    other.close();
    await expect(other.query('SELECT 1')).rejects.toMatchObject({ code: 'E_SQL_CLOSED' });
  });
});
