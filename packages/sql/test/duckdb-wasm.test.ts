// The runner over duckdb-wasm (openDuckDBWasm), here on duckdb-wasm's
// synchronous Node build: every generator's query must give the rows the
// embedded runner (openDuckDB, @duckdb/node-api) gives on the same files, the
// same types after conversion, and the same typed errors. The browser side
// (AsyncDuckDB in a worker, a dropped File, a URL) runs in Chromium:
// packages/marksman/test/browser/duckdb-wasm.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clvSummarySql, experimentStatsFromRows, experimentStatsSql, interactionCountsSql, itemCooccurrenceSql, openDuckDBWasm, rfmSql } from '@marksman/sql';
import type { DuckDBWasmRunner, ExperimentMetricSpec } from '@marksman/sql';
import { openDuckDB } from '@marksman/sql/node';
import type { DuckDBRunner } from '@marksman/sql/node';
import * as arrow from 'apache-arrow';
import { readParquet, toArrow } from '@marksman/io';
import { openNodeDuckDBWasm } from '../../../test-support/duckdb-wasm';
import { byKey, close, makeData, writeCsv } from './data';

let files: ReturnType<typeof writeCsv>;
let node: DuckDBRunner;
let wasmDb: Awaited<ReturnType<typeof openNodeDuckDBWasm>>;
let wasm: DuckDBWasmRunner;
let parquetBytes: Uint8Array;

beforeAll(async () => {
  files = writeCsv(makeData());
  node = await openDuckDB({ threads: 1 });
  await node.registerFile('lines', files.lines);
  await node.registerFile('events', files.events);
  await node.registerFile('units', files.units);
  const parquet = join(files.dir, 'lines.parquet');
  await node.query(`COPY (SELECT * FROM lines) TO '${parquet}' (FORMAT parquet)`);
  parquetBytes = new Uint8Array(readFileSync(parquet));
  wasmDb = await openNodeDuckDBWasm();
  wasm = await openDuckDBWasm(wasmDb);
  // duckdb-wasm reads Parquet through its parquet extension, fetched from extensions.duckdb.org on first use;
  // tests run offline, where that fetch never returns, so extensions are not loaded: Parquet reads fail at once.
  await wasm.query('SET GLOBAL autoinstall_known_extensions = false');
  await wasm.query('SET GLOBAL autoload_known_extensions = false');
  await wasm.registerFile('lines', new Uint8Array(readFileSync(files.lines)));
  await wasm.registerFile('events', new Uint8Array(readFileSync(files.events)));
  await wasm.registerFile('units', new Uint8Array(readFileSync(files.units)), { format: 'csv' });
}, 60_000);
afterAll(async () => {
  await wasm?.close();
  wasmDb?.reset();
  node?.close();
  files?.cleanup();
});

/** Same rows (any order), same keys; integers and text exactly, other numbers to 1e-9 relative. */
function expectSameRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], key: (r: Record<string, unknown>) => string): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.length).toBeGreaterThan(0);
  const want = byKey(expected.map((r) => ({ ...r, __key: key(r) })), '__key');
  for (const row of actual) {
    const e = want.get(key(row));
    expect(e, `row ${key(row)}`).toBeDefined();
    const { __key, ...rest } = e!;
    expect(Object.keys(row)).toEqual(Object.keys(rest));
    for (const [k, v] of Object.entries(rest)) {
      if (typeof v === 'number' && !Number.isInteger(v)) expect(close(row[k], v), `${key(row)}.${k}: ${String(row[k])} vs ${v}`).toBe(true);
      else expect(row[k], `${key(row)}.${k}`).toEqual(v);
    }
  }
}

/** The query on both runners: same column names, same column kinds (Float64Array or values), same rows. */
async function expectSameResult(sql: string, key: (r: Record<string, unknown>) => string): Promise<Record<string, unknown>[]> {
  const [a, b] = [await wasm.query(sql), await node.query(sql)];
  expect(a.columnNames).toEqual(b.columnNames);
  for (const c of b.columnNames) expect(a.column(c) instanceof Float64Array, `column ${c} kind`).toBe(b.column(c) instanceof Float64Array);
  const rows = a.toRecords();
  expectSameRows(rows, b.toRecords(), key);
  return rows;
}

const byCustomer = (r: Record<string, unknown>) => String(r.customerId);

describe('openDuckDBWasm gives the rows openDuckDB gives', () => {
  for (const timeUnit of ['day', 'week', 'month'] as const) {
    it(`clvSummarySql (timeUnit ${timeUnit}, timestamps and epoch ms)`, async () => {
      await expectSameResult(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: '2024-10-01', timeUnit, timestamp: 'ts' }), byCustomer);
      await expectSameResult(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: '2024-10-01', timeUnit, timestamp: 'ts_ms', timestampKind: 'epochMs' }), byCustomer);
    });
  }

  it('clvSummarySql with a calibration period, and rfmSql', async () => {
    await expectSameResult(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: '2024-12-01', calibrationEnd: '2024-05-01', timeUnit: 'week', timestamp: 'ts' }), byCustomer);
    await expectSameResult(rfmSql({ dialect: 'duckdb', table: 'lines', asOf: '2024-09-15T13:30:00Z', timestamp: 'ts' }), byCustomer);
  });

  it('experimentStatsSql (CUPED, ratio, proportion; by device), and experimentStatsFromRows on its rows', async () => {
    const metrics: ExperimentMetricSpec[] = [
      { name: 'spend', kind: 'mean', value: 'spend', covariates: ['pre_spend', 'pre_visits'] },
      { name: 'rps', kind: 'ratio', numerator: 'revenue', denominator: 'sessions', covariates: ['pre_spend'] },
      { name: 'conversion', kind: 'proportion', value: 'converted' },
    ];
    const sql = experimentStatsSql({ dialect: 'duckdb', table: 'units', metrics, dimension: 'device' });
    const rows = await expectSameResult(sql, (r) => `${String(r.variant)}/${String(r.segment)}`);
    const fromWasm = experimentStatsFromRows(rows, metrics);
    const fromNode = experimentStatsFromRows(await node.records(sql), metrics);
    expect(fromWasm.map((s) => `${s.variant}/${s.segment!}`)).toEqual(fromNode.map((s) => `${s.variant}/${s.segment!}`));
    expect(fromWasm.length).toBe(6);
  });

  it('interactionCountsSql and itemCooccurrenceSql', async () => {
    await expectSameResult(interactionCountsSql({ dialect: 'duckdb', table: 'events' }), (r) => `${String(r.userId)}\u0000${String(r.itemId)}`);
    await expectSameResult(itemCooccurrenceSql({ dialect: 'duckdb', table: 'events', minCount: 2 }), (r) => `${String(r.itemId)}\u0000${String(r.otherItemId)}`);
  });

  it('reads Parquet bytes (told by their PAR1 mark) with read_parquet, which needs the parquet extension duckdb-wasm fetches', async () => {
    // Offline the extension is absent, so DuckDB's own message says what is missing: proof that the bytes went to read_parquet.
    const error = await wasm.registerFile('lines_parquet', parquetBytes).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_SQL_QUERY', source: 'DuckDBWasmRunner.registerFile', field: 'file', message: expect.stringContaining('parquet extension') });
    expect(String.fromCharCode(...parquetBytes.subarray(0, 4))).toBe('PAR1'); // copied before duckdb-wasm took it: the caller's buffer is intact
    // format: 'csv' sends the same bytes to read_csv (built in), whose sniffer refuses them
    await expect(wasm.registerFile('lines_parquet', parquetBytes, { format: 'csv' })).rejects.toMatchObject({ code: 'E_SQL_QUERY', message: expect.stringContaining('read_csv') });
  });

  it('queries Parquet offline: readParquet (hyparquet) → toArrow → Arrow IPC → registerArrow gives the rows of the same lines read by DuckDB from CSV', async () => {
    const columns = await readParquet(parquetBytes);
    const ipc = arrow.tableToIPC(toArrow(columns, arrow), 'stream');
    await wasm.registerArrow('lines_pq', ipc);
    // Timestamps come out of readParquet as epoch milliseconds: the generators read them with timestampKind 'epochMs'.
    for (const timeUnit of ['day', 'week'] as const) {
      const fromArrow = await wasm.records(clvSummarySql({ dialect: 'duckdb', table: 'lines_pq', asOf: '2024-10-01', timeUnit, timestamp: 'ts', timestampKind: 'epochMs' }));
      expectSameRows(fromArrow, await node.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: '2024-10-01', timeUnit, timestamp: 'ts' })), byCustomer);
    }
    const rfmRows = await wasm.records(rfmSql({ dialect: 'duckdb', table: 'lines_pq', asOf: '2024-09-15T13:30:00Z', timestamp: 'ts', timestampKind: 'epochMs' }));
    expectSameRows(rfmRows, await node.records(rfmSql({ dialect: 'duckdb', table: 'lines', asOf: '2024-09-15T13:30:00Z', timestamp: 'ts' })), byCustomer);
    expect(String.fromCharCode(...ipc.subarray(0, 4))).not.toBe('PAR1');
    // Registering the name again replaces the table; a CSV view may take the name over, and back.
    await wasm.registerArrow('lines_pq', arrow.tableToIPC(arrow.tableFromArrays({ x: Float64Array.of(1, 2) }), 'stream'));
    expect((await wasm.records('SELECT count(*)::INTEGER AS n, sum(x) AS s FROM lines_pq'))[0]).toEqual({ n: 2, s: 3 });
    await wasm.registerFile('lines_pq', new TextEncoder().encode('y\n5\n'));
    expect(await wasm.records('SELECT y FROM lines_pq')).toEqual([{ y: 5 }]);
    await wasm.registerArrow('lines_pq', arrow.tableToIPC(arrow.tableFromArrays({ z: Int32Array.of(7) }), 'stream'));
    expect(await wasm.records('SELECT z FROM lines_pq')).toEqual([{ z: 7 }]);
  });

  it('registerArrow refuses what is not Arrow IPC bytes (E_SQL_FILE, or DuckDB’s message) and a connection without Arrow insert (E_SQL_DATABASE)', async () => {
    await expect(wasm.registerArrow('bad', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'ipc' });
    await expect(wasm.registerArrow('bad', 'x' as unknown as Uint8Array)).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'ipc' });
    await expect(wasm.registerArrow('bad', new TextEncoder().encode('not arrow at all'))).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'ipc' });
    // A stream cut short is refused by DuckDB's Arrow reader, with its message.
    const whole = arrow.tableToIPC(arrow.tableFromArrays({ x: Float64Array.of(1, 2) }), 'stream');
    await expect(wasm.registerArrow('bad', whole.subarray(0, 40))).rejects.toMatchObject({ field: 'ipc', code: expect.stringMatching(/^E_SQL_(QUERY|FILE)$/) });
    await expect(wasm.registerArrow('', Uint8Array.of(1))).rejects.toMatchObject({ field: 'name' });
    const plain = { connect: () => ({ query: () => ({ schema: { fields: [] }, numRows: 0, getChildAt: () => null }), close: () => undefined }), registerFileBuffer() {}, registerFileHandle() {}, registerFileURL() {}, dropFile() {} };
    const runner = await openDuckDBWasm(plain);
    await expect(runner.registerArrow('t', Uint8Array.of(1))).rejects.toMatchObject({ code: 'E_SQL_DATABASE', field: 'db' });
  });

  it('converts every column type as the Node runner does', async () => {
    const sql =
      "SELECT 1 AS a, 2.5::DOUBLE AS b, -12.5::DECIMAL(10, 2) AS d, 7::HUGEINT AS h, 3::UBIGINT AS u, 'x' AS s, true AS t, NULL::INTEGER AS n, " +
      "TIMESTAMP '2024-01-02 10:00:00.123456' AS ts, DATE '2024-01-02' AS day, 'a'::ENUM('a', 'b') AS e";
    const [a, b] = [await wasm.query(sql), await node.query(sql)];
    expect(a.row(0)).toEqual(b.row(0));
    expect(a.row(0)).toEqual({ a: 1, b: 2.5, d: -12.5, h: 7, u: 3, s: 'x', t: true, n: null, ts: Date.UTC(2024, 0, 2, 10, 0, 0, 123), day: Date.UTC(2024, 0, 2), e: 'a' });
    for (const c of a.columnNames) expect(a.column(c) instanceof Float64Array, c).toBe(b.column(c) instanceof Float64Array);
  });
});

describe('openDuckDBWasm errors (the codes of the Node runner)', () => {
  it('surfaces DuckDB’s message in E_SQL_QUERY, and refuses results a table cannot hold (E_SQL_RESULT)', async () => {
    const [a, b] = await Promise.all([wasm.query('SELECT * FROM no_such_table').catch((e: unknown) => e), node.query('SELECT * FROM no_such_table').catch((e: unknown) => e)]);
    expect(a).toMatchObject({ code: 'E_SQL_QUERY', source: 'DuckDBWasmRunner.query', field: 'sql', message: expect.stringContaining('Table with name no_such_table does not exist') });
    expect(b).toMatchObject({ code: 'E_SQL_QUERY', field: 'sql', message: expect.stringContaining('Table with name no_such_table does not exist') });
    await expect(wasm.records('  ')).rejects.toMatchObject({ code: 'E_SQL_QUERY', source: 'DuckDBWasmRunner.records' });
    await expect(wasm.query('SELECT [1, 2] AS l')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'l' });
    await expect(wasm.query('SELECT INTERVAL 1 DAY AS i')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'i' });
    await expect(wasm.query('SELECT 9007199254740993::BIGINT AS big')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'big' });
    await expect(wasm.query('SELECT 9007199254740993::HUGEINT AS big')).rejects.toMatchObject({ code: 'E_SQL_RESULT', field: 'big' });
  });

  it('refuses what it cannot register, bad names and formats, and CSV text sent to read_parquet', async () => {
    await expect(wasm.registerFile('x', '/a/local/path.csv')).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'file' });
    await expect(wasm.registerFile('x', 42 as never)).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'file' });
    await expect(wasm.registerFile('x', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_SQL_FILE', field: 'file' });
    await expect(wasm.registerFile('', Uint8Array.of(1))).rejects.toMatchObject({ code: 'E_SQL_IDENTIFIER', field: 'name' });
    await expect(wasm.registerFile('x', Uint8Array.of(1), { format: 'xlsx' as never })).rejects.toMatchObject({ code: 'E_OPTION_RANGE', field: 'format' });
    await expect(wasm.registerFile('x', Uint8Array.of(1), { sheet: 1 } as never)).rejects.toMatchObject({ code: 'E_OPTION_UNKNOWN' });
    await expect(wasm.registerFile('x', new TextEncoder().encode('a,b\n1,2\n'), { format: 'parquet' })).rejects.toMatchObject({ code: 'E_SQL_QUERY', field: 'file' });
    await expect(wasm.registerFile('x', new TextEncoder().encode('a,b\n1,2\n'), { format: 'parquet' })).rejects.toMatchObject({ message: expect.stringContaining('read_parquet') });
  });

  it('refuses a database that is not duckdb-wasm (E_SQL_DATABASE), and calls after close (E_SQL_CLOSED); close keeps the database open', async () => {
    for (const bad of [null, {}, 'db', { connect: () => null }]) await expect(openDuckDBWasm(bad as never)).rejects.toMatchObject({ code: 'E_SQL_DATABASE', field: expect.stringMatching(/^db/) });
    const other = await openDuckDBWasm(wasmDb);
    await other.registerFile('scratch', new TextEncoder().encode('k,v\na,1\nb,2\n'));
    expect(await other.records('SELECT SUM(v) AS total FROM scratch')).toEqual([{ total: 3 }]);
    await other.close();
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toMatchObject({ code: 'E_SQL_CLOSED', source: 'DuckDBWasmRunner.query' });
    await expect(other.registerFile('y', Uint8Array.of(1))).rejects.toMatchObject({ code: 'E_SQL_CLOSED' });
    // its view went with it; the first runner, on the same database, still works
    await expect(wasm.query('SELECT * FROM scratch')).rejects.toMatchObject({ code: 'E_SQL_QUERY' });
    expect((await wasm.records('SELECT COUNT(*) AS n FROM units'))[0]).toEqual({ n: 2000 });
  });

  it('registering a view again replaces its file', async () => {
    await wasm.registerFile('again', new TextEncoder().encode('v\n1\n'));
    await wasm.registerFile('again', new TextEncoder().encode('v\n5\n6\n'));
    expect(await wasm.records('SELECT SUM(v) AS s FROM again')).toEqual([{ s: 11 }]);
  });
});
