// The generators without an engine: golden texts for the dialects no test
// can execute here (BigQuery, Snowflake, Spark SQL), quoting, and every
// error code. UPDATE_GOLDEN=1 rewrites the golden files (review the diff).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clvSummarySql, experimentStatsFromRows, experimentStatsSql, interactionCountsSql, itemCooccurrenceSql, quoteIdentifier, rfmSql, SQL_DIALECTS } from '@marksman/sql';
import type { ExperimentMetricSpec, SqlDialect } from '@marksman/sql';

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}.sql`, import.meta.url));

const METRICS: readonly ExperimentMetricSpec[] = Object.freeze([
  Object.freeze({ name: 'spend', kind: 'mean', value: 'spend', covariates: Object.freeze(['pre_spend', 'pre_visits']) }),
  Object.freeze({ name: 'rps', kind: 'ratio', numerator: 'revenue', denominator: 'sessions', covariates: Object.freeze(['pre_spend']) }),
  Object.freeze({ name: 'conversion', kind: 'proportion', value: 'converted' }),
]) as readonly ExperimentMetricSpec[];

const QUERIES: Readonly<Record<string, (dialect: SqlDialect) => string>> = {
  'clv-summary': (dialect) => clvSummarySql({ dialect, table: ['shop', 'order_lines'], asOf: '2011-12-09', calibrationEnd: '2011-06-01', timeUnit: 'week', customerId: 'CustomerID' }),
  rfm: (dialect) => rfmSql({ dialect, table: 'order_lines', asOf: '2011-12-09T12:00:00Z', timestamp: 'event_ms', timestampKind: 'epochMs' }),
  'experiment-stats': (dialect) => experimentStatsSql({ dialect, table: ['analytics', 'exp_units'], metrics: METRICS, dimension: 'device' }),
  'interaction-counts': (dialect) => interactionCountsSql({ dialect, table: 'events', weight: 'qty', asOf: '2024-06-01' }),
  'item-cooccurrence': (dialect) => itemCooccurrenceSql({ dialect, table: 'events', minCount: 3 }),
};

describe('golden texts (BigQuery, Snowflake, Spark SQL)', () => {
  for (const dialect of ['bigquery', 'snowflake', 'spark'] as const) {
    for (const [name, make] of Object.entries(QUERIES)) {
      it(`${name} in ${dialect}`, () => {
        const file = golden(`${name}.${dialect}`);
        const text = make(dialect) + '\n';
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
        expect(existsSync(file), `golden file ${file} (write it with UPDATE_GOLDEN=1 and review it)`).toBe(true);
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
    }
  }

  it('every dialect writes every query, and differs from the others where quoting or types differ', () => {
    for (const make of Object.values(QUERIES)) {
      const texts = SQL_DIALECTS.map((d) => make(d));
      expect(new Set(texts).size).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('quoteIdentifier', () => {
  it('quotes every name so the engine reads it as that name, never as SQL', () => {
    const evil = 'x" ; DROP TABLE t; --';
    expect(quoteIdentifier(evil, 'duckdb')).toBe('"x"" ; DROP TABLE t; --"');
    expect(quoteIdentifier(evil, 'snowflake')).toBe('"x"" ; DROP TABLE t; --"');
    expect(quoteIdentifier('a`b\\c', 'bigquery')).toBe('`a\\`b\\\\c`');
    expect(quoteIdentifier('a`b', 'spark')).toBe('`a``b`');
    expect(quoteIdentifier('Mixed Case', 'postgres')).toBe('"Mixed Case"');
  });

  it('puts column names from options only inside quotes', () => {
    const sql = rfmSql({ dialect: 'postgres', table: 'lines', asOf: '2024-01-01', customerId: 'c"; DELETE FROM lines; --' });
    expect(sql).toContain('"c""; DELETE FROM lines; --"');
    expect(sql.split('"c""; DELETE FROM lines; --"').join('')).not.toContain('DELETE');
  });
});

describe('errors', () => {
  const base = { dialect: 'duckdb', table: 'lines', asOf: '2024-01-01', timeUnit: 'week' } as const;
  it.each([
    ['E_SQL_DIALECT', 'dialect', () => clvSummarySql({ ...base, dialect: 'mysql' as never })],
    ['E_SQL_IDENTIFIER', 'table', () => clvSummarySql({ ...base, table: '' })],
    ['E_SQL_IDENTIFIER', 'table', () => clvSummarySql({ ...base, table: ['a', 'b', 'c', 'd'] })],
    ['E_SQL_IDENTIFIER', 'customerId', () => clvSummarySql({ ...base, customerId: 'a\u0000b' })],
    ['E_SQL_IDENTIFIER', 'name', () => quoteIdentifier('x'.repeat(256), 'spark')],
    ['E_SQL_AS_OF', 'asOf', () => clvSummarySql({ ...base, asOf: '2024-01-01T12:00:00Z' })],
    ['E_SQL_AS_OF', 'asOf', () => rfmSql({ dialect: 'duckdb', table: 't', asOf: 'yesterday' })],
    ['E_SQL_AS_OF', 'calibrationEnd', () => clvSummarySql({ ...base, calibrationEnd: '2024-02-01' })],
    ['E_CLV_TIME_UNIT', 'timeUnit', () => clvSummarySql({ ...base, timeUnit: 'year' as never })],
    ['E_OPTION_RANGE', 'timestampKind', () => rfmSql({ dialect: 'duckdb', table: 't', asOf: '2024-01-01', timestampKind: 'seconds' as never })],
    ['E_OPTION_RANGE', 'minCount', () => itemCooccurrenceSql({ dialect: 'duckdb', table: 't', minCount: 0 })],
    ['E_OPTION_UNKNOWN', 'tabel', () => interactionCountsSql({ dialect: 'duckdb', table: 't', tabel: 'x' } as never)],
    ['E_SQL_METRIC', 'metrics', () => experimentStatsSql({ dialect: 'duckdb', table: 't', metrics: [] })],
    ['E_SQL_METRIC', 'kind', () => experimentStatsSql({ dialect: 'duckdb', table: 't', metrics: [{ name: 'a', kind: 'median', value: 'x' } as never] })],
    ['E_SQL_METRIC', 'name', () => experimentStatsSql({ dialect: 'duckdb', table: 't', metrics: [{ name: 'a', kind: 'mean', value: 'x' }, { name: 'a', kind: 'mean', value: 'y' }] })],
    ['E_SQL_METRIC', 'covariate', () => experimentStatsSql({ dialect: 'duckdb', table: 't', metrics: [{ name: 'a', kind: 'proportion', value: 'x', covariate: 'z' } as never] })],
    ['E_SQL_IDENTIFIER', 'metrics[0].numerator', () => experimentStatsSql({ dialect: 'duckdb', table: 't', metrics: [{ name: 'a', kind: 'ratio', numerator: '', denominator: 'y' }] })],
    ['E_SQL_RESULT', 'm0_sum', () => experimentStatsFromRows([{ variant: 'A', m0_n: 3, m0_sum: 'x', m0_sum_squares: 1 }], [{ name: 'a', kind: 'mean', value: 'v' }])],
    ['E_SQL_RESULT', 'm0_n', () => experimentStatsFromRows([{ variant: 'A', m0_n: 2.5, m0_conversions: 1 }], [{ name: 'a', kind: 'proportion', value: 'v' }])],
    ['E_SQL_RESULT', 'variant', () => experimentStatsFromRows([{ m0_n: 2, m0_conversions: 1 }], [{ name: 'a', kind: 'proportion', value: 'v' }])],
    ['E_SQL_RESULT', 'rows', () => experimentStatsFromRows([null as never], [{ name: 'a', kind: 'proportion', value: 'v' }])],
  ])('%s (%s)', (code, field, call) => {
    expect(call).toThrow(expect.objectContaining({ code, field }));
  });

  it('never mutates frozen options', () => {
    const o = Object.freeze({ dialect: 'spark', table: Object.freeze(['a', 'b']), metrics: METRICS, dimension: 'device' }) as never;
    expect(experimentStatsSql(o)).toBe(experimentStatsSql(o));
  });
});

describe('experimentStatsFromRows', () => {
  it('reads covariate cross sums into symmetric matrices', () => {
    const row = {
      variant: 'B', segment: 'mobile', m0_n: '4', m0_sum: 10, m0_sum_squares: 30, m0_z0_sum: 1, m0_z0_z0: 2, m0_z0_z1: 3, m0_z0_y: 4, m0_z1_sum: 5, m0_z1_z1: 6, m0_z1_y: 7,
    };
    const [s] = experimentStatsFromRows([row], [{ name: 'spend', kind: 'mean', value: 'v', covariates: ['a', 'b'] }]);
    expect(s).toEqual({ variant: 'B', segment: 'mobile', metrics: { spend: { n: 4, sum: 10, sumSquares: 30, sumZ: [1, 5], sumZZ: [[2, 3], [3, 6]], sumZY: [4, 7] } } });
  });
});
