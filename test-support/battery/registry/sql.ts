import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@marksman/sql';
import { openNodeDuckDBWasm } from '../../duckdb-wasm';
import { args, constant, fn } from '../case';
import type { Case } from '../case';

const METRICS = [
  { name: 'spend', kind: 'mean', value: 'spend', covariates: ['pre_spend'] },
  { name: 'rps', kind: 'ratio', numerator: 'revenue', denominator: 'sessions' },
  { name: 'conversion', kind: 'proportion', value: 'converted' },
];

const ROWS = [
  { variant: 'A', m0_n: 3, m0_sum: 6, m0_sum_squares: 14, m0_z0_sum: 3, m0_z0_z0: 5, m0_z0_y: 8, m1_n: 3, m1_sum_x: 6, m1_sum_y: 3, m1_sum_xx: 14, m1_sum_yy: 3, m1_sum_xy: 6, m2_n: 3, m2_conversions: 1 },
];

// Any non-empty string is a valid identifier (it is quoted), so '0.05' as a table or column name is a documented answer.
const NAMES = /^a0\.(table|customerId|orderId|timestamp|amount|userId|itemId|weight|variant|dimension)(\[\d\])?='0\.05'$/;

/** One duckdb-wasm database (its Node build) for every call, opened with the registry: instantiating the module takes seconds. */
let wasmDb: ReturnType<typeof openNodeDuckDBWasm> | undefined;

export const sql = async (): Promise<Case[]> => {
  const wasm = await (wasmDb ??= openNodeDuckDBWasm());
  // The database's methods as a plain object: the battery fingerprints its arguments, and the bindings object
  // holds the module's whole memory (a walk through its views takes minutes).
  const db: S.DuckDBWasmDatabase = {
    connect: () => wasm.connect(),
    registerFileBuffer: (name, buffer) => wasm.registerFileBuffer(name, buffer),
    registerFileHandle: (name, handle, protocol, directIO) => wasm.registerFileHandle(name, handle, protocol, directIO),
    registerFileURL: (name, url, protocol, directIO) => wasm.registerFileURL(name, url, protocol, directIO),
    dropFile: (name) => wasm.dropFile(name),
  };
  return [
    fn(
      'openDuckDBWasm',
      async (database: S.DuckDBWasmDatabase) => {
        const runner = await S.openDuckDBWasm(database);
        await runner.registerFile('lines', new TextEncoder().encode('customerId,amount\na,3\n'));
        const rows = await runner.records('SELECT SUM(amount) AS total FROM lines');
        await runner.close();
        return rows;
      },
      () => [db],
      // The one argument is the database (an object of methods), not an options object.
      { heavy: true, options: null },
    ),
    constant('SQL_DIALECTS', () => (Object.isFrozen(S.SQL_DIALECTS) && S.SQL_DIALECTS.length === 5 ? undefined : 'not a frozen list of the five dialects')),
    fn('quoteIdentifier', S.quoteIdentifier, args('customer "id"', 'postgres')),
    // Options without a default (dialect, table, asOf, timeUnit) must be refused when missing; the optional ones
    // (calibrationEnd, column names) have documented defaults.
    fn('clvSummarySql', S.clvSummarySql, args({ dialect: 'duckdb', table: 'lines', asOf: '2024-01-30', timeUnit: 'week', calibrationEnd: '2024-01-15' }), {
      // calibrationEnd: null and undefined both mean "no calibration period" (documented default).
      returns: [/^a0\.calibrationEnd(=(undefined|null)| missing)$/, NAMES],
      idLike: [/^a0\.(asOf|calibrationEnd)$/],
    }),
    fn('rfmSql', S.rfmSql, args({ dialect: 'spark', table: ['shop', 'lines'], asOf: '2024-01-31' }), { returns: [NAMES], idLike: [/^a0\.asOf$/] }),
    fn('interactionCountsSql', S.interactionCountsSql, args({ dialect: 'bigquery', table: 'events', weight: 'qty', asOf: '2024-06-01' }), {
      // weight and asOf: null and undefined mean "count rows" and "every event" (documented defaults).
      returns: [/^a0\.(weight|asOf)(=(undefined|null)| missing)$/, NAMES],
      idLike: [/^a0\.asOf$/],
    }),
    fn('itemCooccurrenceSql', S.itemCooccurrenceSql, args({ dialect: 'snowflake', table: 'events', minCount: 2 }), { returns: [NAMES] }),
    fn('experimentStatsSql', S.experimentStatsSql, args({ dialect: 'postgres', table: 'units', metrics: METRICS, dimension: 'device' }), {
      // dimension: null and undefined mean "no breakdown"; covariates are optional per metric (documented defaults).
      returns: [/^a0\.dimension(=(undefined|null)| missing)$/, /^a0\.metrics\[0\]\.covariates(=undefined| missing)$/, NAMES],
    }),
    fn('experimentStatsFromRows', S.experimentStatsFromRows, args(ROWS, METRICS), {
      // Engines send numbers as numbers, bigints or numeric strings (all documented), and a variant column may be
      // numeric: a finite number there is read as text.
      returns: [/^a1\[0\]\.covariates(=undefined| missing)$/, /^a0\[0\]\.m\d_\w+='0\.05'$/, /^a0\[0\]\.variant=(1e308|1e-308|-1|0|42)$/],
    }),
  ];
};

/** The DuckDB runner reads a scratch CSV file. */
export const sqlNode = async (): Promise<Case[]> => {
  const { openDuckDB } = await import('@marksman/sql/node');
  const root = mkdtempSync(join(tmpdir(), 'marksman-battery-sql-'));
  writeFileSync(join(root, 'lines.csv'), 'customerId,timestamp,amount\na,2024-01-01,3\n');
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  return [
    fn(
      'openDuckDB',
      async (o?: object) => {
        const db = await openDuckDB(o);
        db.close();
        return 'opened';
      },
      args({ threads: 1, memoryLimit: '256MB' }),
      {
        required: 0,
        // threads and memoryLimit: null and undefined mean DuckDB's own defaults; options are optional.
        returns: [/^a0(=(undefined|null)| missing)$/, /^a0\.(threads|memoryLimit)(=(undefined|null)| missing)$/],
      },
    ),
  ];
};
