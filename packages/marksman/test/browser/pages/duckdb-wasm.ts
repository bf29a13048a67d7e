// A page that starts duckdb-wasm the way an app does (AsyncDuckDB over its
// worker, wasm and worker files served by the page's own server), hands it to
// openDuckDBWasm, and runs clvSummarySql on one CSV registered three ways: a
// dropped File, a URL DuckDB fetches, and bytes; and on the same lines as a
// Parquet file read offline (hyparquet through readParquet, then Arrow IPC into
// registerArrow: no parquet extension, no network). The test compares the rows
// with the in-process summary computed in Node.
import * as duckdb from '@duckdb/duckdb-wasm';
import * as arrow from 'apache-arrow';
import { readParquet, toArrow } from '@marksman/io';
import { clvSummarySql, openDuckDBWasm } from '@marksman/sql';

/** What the page sends back. */
export interface DuckDBWasmPageResult {
  bundle: string;
  version: string;
  dropped: Record<string, unknown>[];
  fetched: Record<string, unknown>[];
  bytes: Record<string, unknown>[];
  parquet: Record<string, unknown>[];
  error: { name: string; code: unknown; field: unknown; message: string };
}

/** Arguments from the test: the CSV's text and path, the folder serving duckdb-wasm's files, the summary's options. */
export interface DuckDBWasmPageArgs {
  csv: string;
  csvPath: string;
  /** The same lines as a Parquet file (timestamps as epoch milliseconds), as byte values. */
  parquet: number[];
  duckdbPath: string;
  asOf: string;
}

async function runDuckDBWasm(a: DuckDBWasmPageArgs): Promise<DuckDBWasmPageResult> {
  const base = new URL(a.duckdbPath, location.href).href;
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: `${base}duckdb-mvp.wasm`, mainWorker: `${base}duckdb-browser-mvp.worker.js` },
    eh: { mainModule: `${base}duckdb-eh.wasm`, mainWorker: `${base}duckdb-browser-eh.worker.js` },
  });
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await db.open({});
    const runner = await openDuckDBWasm(db);
    await runner.registerFile('dropped', new File([a.csv], 'lines.csv', { type: 'text/csv' }));
    await runner.registerFile('fetched', new URL(a.csvPath, location.href).href);
    await runner.registerFile('bytes', new TextEncoder().encode(a.csv));
    const columns = await readParquet(Uint8Array.from(a.parquet));
    await runner.registerArrow('parquet', arrow.tableToIPC(toArrow(columns, arrow), 'stream'));
    const summary = (table: string) => runner.records(clvSummarySql({ dialect: 'duckdb', table, asOf: a.asOf, timeUnit: 'week', timestamp: 'ts' }));
    const result: DuckDBWasmPageResult = {
      bundle: bundle.mainModule.slice(bundle.mainModule.lastIndexOf('/') + 1),
      version: await db.getVersion(),
      dropped: await summary('dropped'),
      fetched: await summary('fetched'),
      bytes: await summary('bytes'),
      parquet: await runner.records(clvSummarySql({ dialect: 'duckdb', table: 'parquet', asOf: a.asOf, timeUnit: 'week', timestamp: 'ts', timestampKind: 'epochMs' })),
      error: await runner.query('SELECT * FROM no_such_table').then(
        () => ({ name: 'none', code: null, field: null, message: 'the query did not fail' }),
        (e: { name: string; code?: unknown; field?: unknown; message: string }) => ({ name: e.name, code: e.code, field: e.field, message: e.message }),
      ),
    };
    await runner.close();
    return result;
  } finally {
    await db.terminate();
  }
}

(globalThis as { runDuckDBWasm?: typeof runDuckDBWasm }).runDuckDBWasm = runDuckDBWasm;
