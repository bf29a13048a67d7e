import { existsSync } from 'node:fs';
import { OptionsError, StateError, ValidationError } from '@marksman/core';
import type { Table, TableRecord } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { describe } from '../dialect';
import { checkQueryText, engineMessage, fileViewSql, fileViewTarget, queryRefused, resultTable } from '../internal/duckdb-result';

/** Options of {@link openDuckDB}. */
export interface OpenDuckDBOptions {
  /** Database file, or `':memory:'` (default) for a database that lives only in this process. */
  readonly path?: string;
  /** Worker threads DuckDB may use (a whole number ≥ 1; default: DuckDB's choice, all cores). */
  readonly threads?: number | null;
  /** DuckDB's memory limit such as `'4GB'` (default: DuckDB's, 80% of RAM); DuckDB spills to disk beyond it. */
  readonly memoryLimit?: string | null;
}

/** Options of {@link DuckDBRunner.registerFile}. */
export interface RegisterFileOptions {
  /** `'auto'` (default: from the extension, `.parquet` or else CSV), `'csv'` or `'parquet'`. */
  readonly format?: 'auto' | 'csv' | 'parquet';
}

/** An open embedded DuckDB database (from {@link openDuckDB}). */
export interface DuckDBRunner {
  /**
   * Makes a CSV or Parquet file (or a glob such as `'shards/*.parquet'`)
   * queryable as a view named `name`: nothing is loaded until a query reads it.
   * Throws `ValidationError` `E_SQL_FILE` when no such file exists,
   * `E_SQL_QUERY` when DuckDB cannot read it; `OptionsError` `E_SQL_IDENTIFIER`, `E_OPTION_RANGE` (format).
   */
  registerFile(name: string, path: string, options?: RegisterFileOptions): Promise<void>;
  /**
   * Runs one query and returns its result as a Marksman `Table`: floating
   * point, integer and decimal columns without NULLs become `Float64Array`s,
   * text and booleans (and numbers with NULLs) value columns, dates and
   * timestamps epoch milliseconds. Throws `ValidationError` `E_SQL_QUERY`
   * with DuckDB's message when the query fails, `E_SQL_RESULT` for a column
   * type a table cannot hold (a list, a struct, an integer beyond 2^53);
   * `StateError` `E_SQL_CLOSED` after `close()`.
   */
  query(sql: string): Promise<Table>;
  /** Like {@link DuckDBRunner.query}, as one record per row. */
  records(sql: string): Promise<TableRecord[]>;
  /** Closes the connection and the database; later calls throw `E_SQL_CLOSED`. */
  close(): void;
}

interface Resolved {
  path: string;
  threads: number | null;
  memoryLimit: string | null;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({ path: ':memory:', threads: null, memoryLimit: null });
const SOURCE = 'openDuckDB';

// The slice of @duckdb/node-api this runner uses (the package is an optional peer, so its types are not imported).
interface DuckValue {
  toString(): string;
}
interface DuckResult {
  columnNames(): string[];
  columnTypes(): DuckValue[];
  getColumnsJS(): unknown[][];
}
interface DuckConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<DuckResult>;
  closeSync(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync(): void;
}
interface DuckModule {
  DuckDBInstance: { create(path: string, options?: Record<string, string>): Promise<DuckInstance> };
}

/** Imports a package that bundlers and TypeScript should not resolve (an optional peer). */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/** A text option DuckDB receives as a setting: no quotes or control characters. */
function checkSetting(field: string, value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: ${field} must be ${what}, got ${describe(value)}.`, { source: SOURCE, field });
  }
  return value;
}

/**
 * Opens an embedded DuckDB database (no server) through the optional peer
 * `@duckdb/node-api`, to read CSV and Parquet files and run the queries of
 * the generators (dialect `'duckdb'`) on data that need not fit in this
 * process: DuckDB streams the files and spills to disk. Close it when done.
 * Opening costs a few milliseconds; each query what DuckDB needs, plus O(rows ·
 * columns) to copy the result into a `Table`.
 *
 * @param options - `path`, `threads`, `memoryLimit`
 * @returns a {@link DuckDBRunner}
 * @throws `StateError` `E_DUCKDB_MISSING` when `@duckdb/node-api` is not installed;
 *   `OptionsError` `E_OPTION_RANGE` (path, threads, memoryLimit), `E_OPTION_UNKNOWN`;
 *   `ValidationError` `E_SQL_QUERY` when DuckDB cannot open the database
 * @example
 * ```ts
 * import { openDuckDB } from '@marksman/sql/node';
 * const db = await openDuckDB();
 * const t = await db.query("SELECT 'a' AS customerId, 2.5 AS spend");
 * t.row(0); // => { customerId: 'a', spend: 2.5 }
 * await db.query('SELECT * FROM missing_table'); // throws E_SQL_QUERY
 * db.close();
 * ```
 */
export async function openDuckDB(options?: OpenDuckDBOptions): Promise<DuckDBRunner> {
  const o = resolveOptions(SOURCE, DEFAULTS, options);
  const path = checkSetting('path', o.path, /^[^\p{Cc}]+$/u, "a database file path or ':memory:'");
  const settings: Record<string, string> = {};
  if (o.threads !== null) {
    if (typeof o.threads !== 'number' || !Number.isSafeInteger(o.threads) || o.threads < 1) {
      throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: threads must be a whole number ≥ 1, got ${describe(o.threads)}.`, { source: SOURCE, field: 'threads' });
    }
    settings.threads = String(o.threads);
  }
  if (o.memoryLimit !== null) settings.memory_limit = checkSetting('memoryLimit', o.memoryLimit, /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "a size such as '4GB'");
  let mod: DuckModule;
  try {
    mod = (await importOptional('@duckdb/node-api')) as DuckModule;
  } catch (e) {
    throw new StateError(
      'E_DUCKDB_MISSING',
      `${SOURCE}: the DuckDB runner needs the optional package @duckdb/node-api; install it (npm install @duckdb/node-api) or run the SQL text of the generators in your own engine (${engineMessage(e).split('\n')[0]}).`,
      { source: SOURCE },
    );
  }
  let instance: DuckInstance;
  let conn: DuckConnection;
  try {
    instance = await mod.DuckDBInstance.create(path, settings);
    conn = await instance.connect();
  } catch (e) {
    throw new ValidationError('E_SQL_QUERY', `${SOURCE}: DuckDB could not open ${JSON.stringify(path)}: ${engineMessage(e)}`, { source: SOURCE, field: 'path' });
  }
  let open = true;
  const requireOpen = (source: string): void => {
    if (!open) throw new StateError('E_SQL_CLOSED', `${source}: the database was closed; open another with openDuckDB().`, { source });
  };
  const run = async (source: string, sql: string, field: string): Promise<DuckResult> => {
    requireOpen(source);
    checkQueryText(source, field, sql);
    try {
      return await conn.runAndReadAll(sql);
    } catch (e) {
      throw queryRefused(source, field, e);
    }
  };
  const query = async (sql: string, source = 'DuckDBRunner.query'): Promise<Table> => toTable(source, await run(source, sql, 'sql'));
  return {
    async registerFile(name: string, file: string, opts?: RegisterFileOptions): Promise<void> {
      const source = 'DuckDBRunner.registerFile';
      requireOpen(source);
      const { view, format } = fileViewTarget(source, name, opts);
      if (typeof file !== 'string' || file === '' || file.includes('\u0000')) {
        throw new ValidationError('E_SQL_FILE', `${source}: path must be a file path, got ${describe(file)}.`, { source, field: 'path' });
      }
      if (!/[*?[]/.test(file) && !existsSync(file)) {
        throw new ValidationError('E_SQL_FILE', `${source}: there is no file ${JSON.stringify(file)}; check the path (relative paths start at ${process.cwd()}).`, { source, field: 'path' });
      }
      const parquet = format === 'parquet' || (format === 'auto' && /\.parquet$/i.test(file));
      await run(source, fileViewSql(view, file, parquet), 'path');
    },
    query: (sql: string) => query(sql),
    async records(sql: string): Promise<TableRecord[]> {
      return (await query(sql, 'DuckDBRunner.records')).toRecords();
    },
    close(): void {
      if (!open) return;
      open = false;
      conn.closeSync();
      instance.closeSync();
    },
  };
}

const NUMERIC = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

/** The result as a Table (see DuckDBRunner.query), converted as the WebAssembly runner converts its results. */
function toTable(source: string, result: DuckResult): Table {
  const types = result.columnTypes().map((t) => t.toString());
  const data = result.getColumnsJS();
  return resultTable(
    source,
    result.columnNames().map((name, c) => ({ name, type: types[c]!, numeric: NUMERIC.test(types[c]!), values: data[c] ?? [] })),
  );
}
