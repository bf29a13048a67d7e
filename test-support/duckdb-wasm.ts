// duckdb-wasm for the tests: its synchronous Node build (no worker) for the
// tests and battery of `openDuckDBWasm`, and the folder of its wasm and worker
// files for the browser test. The package is a devDependency of @marksman/sql
// (an optional peer for users), resolved from there.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBWasmDatabase } from '@marksman/sql';

const requireFromSql = createRequire(fileURLToPath(new URL('../packages/sql/package.json', import.meta.url)));

/** The folder holding duckdb-wasm's `.wasm` modules and worker scripts. */
export function duckdbWasmDist(): string {
  return dirname(requireFromSql.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'));
}

/** The slice of `@duckdb/duckdb-wasm/blocking` used here (its types live in the sql package's node_modules). */
interface Blocking {
  createDuckDB(bundles: { mvp: { mainModule: string; mainWorker: string }; eh: { mainModule: string; mainWorker: string } }, logger: unknown, runtime: unknown): Promise<DuckDBWasmDatabase & { instantiate(): Promise<unknown>; open(config: object): void; reset(): void }>;
  VoidLogger: new () => unknown;
  NODE_RUNTIME: unknown;
}

/**
 * A fresh in-memory duckdb-wasm database in this process (the `eh` module,
 * which Node's WebAssembly exceptions run: under the `mvp` one DuckDB's errors
 * come out as "_setThrew is not defined" and the module is left broken; synchronous bindings: what a page gets from `AsyncDuckDB`, without the
 * worker). Instantiating the wasm module takes a few seconds.
 */
export async function openNodeDuckDBWasm(): Promise<DuckDBWasmDatabase & { reset(): void }> {
  const duckdb = requireFromSql('@duckdb/duckdb-wasm/blocking') as Blocking;
  const dist = duckdbWasmDist();
  const db = await duckdb.createDuckDB(
    {
      mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  db.open({});
  return db;
}
