import { StateError, ValidationError } from '@marksman/core';
import type { Table, TableRecord } from '@marksman/core';
import { describe } from './dialect';
import { checkQueryText, fileViewSql, fileViewTarget, queryRefused, resultTable } from './internal/duckdb-result';
import type { ResultColumn } from './internal/duckdb-result';

/**
 * The slice of a `@duckdb/duckdb-wasm` database that {@link openDuckDBWasm}
 * uses: an `AsyncDuckDB` (browsers, a worker) fits, and so do the synchronous
 * bindings of `@duckdb/duckdb-wasm/blocking` (Node). This package never
 * imports duckdb-wasm: the caller instantiates it, with its wasm and worker
 * files served from wherever the app serves them.
 */
export interface DuckDBWasmDatabase {
  /** Opens a connection. */
  connect(): Promise<DuckDBWasmConnection> | DuckDBWasmConnection;
  /** Makes bytes readable under a file name (duckdb-wasm may transfer the buffer to its worker). */
  registerFileBuffer(name: string, buffer: Uint8Array): unknown;
  /** Makes a handle (here a `Blob` / `File`) readable under a file name, by the given protocol. */
  registerFileHandle(name: string, handle: Blob, protocol: number, directIO: boolean): unknown;
  /** Makes a URL readable under a file name, by the given protocol. */
  registerFileURL(name: string, url: string, protocol: number, directIO: boolean): unknown;
  /** Forgets a registered file. */
  dropFile(name: string): unknown;
}

/** A duckdb-wasm connection: `query` returns an Apache Arrow table. */
export interface DuckDBWasmConnection {
  /** Runs one query. */
  query(sql: string): Promise<DuckDBWasmArrowTable> | DuckDBWasmArrowTable;
  /** Closes the connection. */
  close(): unknown;
  /**
   * Creates (or appends to) table `options.name` from Apache Arrow IPC stream bytes, inside
   * DuckDB (duckdb-wasm's `insertArrowFromIPCStream`; needed by {@link DuckDBWasmRunner.registerArrow} only).
   */
  insertArrowFromIPCStream?(buffer: Uint8Array, options: {
    /** The table's name. */
    name: string;
    /** Create the table (true) or append to it. */
    create?: boolean;
  }): unknown;
}

/** The slice of an Apache Arrow table (from duckdb-wasm's `query`) that the runner reads. */
export interface DuckDBWasmArrowTable {
  /** Its columns' names and types. */
  readonly schema: {
    /** One field a column. */
    readonly fields: readonly {
      /** The column's name. */
      readonly name: string;
      /** Its Arrow type. */
      readonly type: {
        /** Arrow's id of the type (its `Type` enum). */
        readonly typeId: number;
      };
    }[];
  };
  /** Its number of rows. */
  readonly numRows: number;
  /** Column `i` (one value a row through `get`). */
  getChildAt(i: number): {
    /** The value in row `row` (null for NULL). */
    get(row: number): unknown;
  } | null;
}

/** What {@link DuckDBWasmRunner.registerFile} reads: a `File` / `Blob` (a dropped file), bytes, or a URL. */
export type DuckDBWasmFile = Blob | Uint8Array | string;

/** Options of {@link DuckDBWasmRunner.registerFile}. */
export interface WasmRegisterFileOptions {
  /**
   * `'auto'` (default: Parquet when the file's name or the URL's path ends in
   * `.parquet`, or the bytes start with Parquet's `PAR1` mark; else CSV),
   * `'csv'` or `'parquet'`.
   */
  readonly format?: 'auto' | 'csv' | 'parquet';
}

/** A connection to a caller's duckdb-wasm database (from {@link openDuckDBWasm}). */
export interface DuckDBWasmRunner {
  /**
   * Makes a CSV or Parquet file queryable as a view named `name`: a `File` or
   * `Blob` (read in place, in slices, by duckdb-wasm's worker: a dropped file
   * is not loaded whole), a `Uint8Array` (copied, so the caller's buffer stays
   * usable), or an `http(s)` URL (fetched by DuckDB; Parquet with range
   * requests). Nothing is parsed until a query reads the view.
   * Throws `ValidationError` `E_SQL_FILE` for anything else or empty bytes,
   * `E_SQL_QUERY` when DuckDB cannot read it; `OptionsError` `E_SQL_IDENTIFIER`,
   * `E_OPTION_RANGE` (format); `StateError` `E_SQL_CLOSED` after `close()`.
   */
  registerFile(name: string, file: DuckDBWasmFile, options?: WasmRegisterFileOptions): Promise<void>;
  /**
   * Makes an Apache Arrow table queryable as a table named `name` (replacing a
   * table or view of that name this runner registered), from its IPC stream
   * bytes (`tableToIPC(table, 'stream')` in apache-arrow). The rows go into
   * DuckDB's own storage through duckdb-wasm's Arrow reader, which is built
   * into the wasm module: no extension and no network. This is the offline
   * way to query Parquet in a browser: `readParquet` and `toArrow` from
   * `@marksman/io` read the file (hyparquet, plain JavaScript), and the SQL
   * generators then run on the table as on a registered file. Throws
   * `ValidationError` `E_SQL_FILE` for bytes that are not a non-empty
   * `Uint8Array` or hold no Arrow stream, `E_SQL_DATABASE` when the connection has no
   * `insertArrowFromIPCStream` (a duckdb-wasm older than 1.0 or another
   * engine), `E_SQL_QUERY` with DuckDB's message when it cannot read the bytes.
   */
  registerArrow(name: string, ipc: Uint8Array): Promise<void>;
  /**
   * Runs one query and returns its result as a Marksman `Table`, converted as
   * `openDuckDB`'s runner (`@marksman/sql/node`) converts: integer, floating
   * point and decimal columns without NULLs become `Float64Array`s, text and
   * booleans (and numbers with NULLs) value columns, dates and timestamps
   * epoch milliseconds. Throws `ValidationError` `E_SQL_QUERY` with DuckDB's
   * message when the query fails, `E_SQL_RESULT` for a column type a table
   * cannot hold (a list, a struct, an integer beyond 2^53); `StateError`
   * `E_SQL_CLOSED` after `close()`.
   */
  query(sql: string): Promise<Table>;
  /** Like {@link DuckDBWasmRunner.query}, as one record per row. */
  records(sql: string): Promise<TableRecord[]>;
  /**
   * Drops the views and files this runner registered and closes its
   * connection; the database stays open (it is the caller's). Later calls
   * throw `E_SQL_CLOSED`.
   */
  close(): Promise<void>;
}

// duckdb-wasm's DuckDBDataProtocol values (a numeric enum, stable since 1.0).
const PROTOCOL_BROWSER_FILEREADER = 2;
const PROTOCOL_HTTP = 4;

// Apache Arrow's type ids (arrow's `Type` enum).
const ARROW = { Null: 1, Int: 2, Float: 3, Utf8: 5, Bool: 6, Decimal: 7, Date: 8, Timestamp: 10, LargeUtf8: 20, Dictionary: -1 } as const;

const PARQUET_MARK = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

const startsWithMark = (bytes: Uint8Array): boolean => PARQUET_MARK.every((b, i) => bytes[i] === b);

/**
 * Opens a connection to a `@duckdb/duckdb-wasm` database the caller has
 * instantiated (in a browser: an `AsyncDuckDB` over its worker; in Node the
 * bindings of `@duckdb/duckdb-wasm/blocking` fit too), to read dropped CSV and
 * Parquet files and run the generators' queries (dialect `'duckdb'`) without
 * a server: results equal `openDuckDB`'s on the same data. duckdb-wasm is an
 * optional peer (`npm install @duckdb/duckdb-wasm`) that this package never
 * imports, so it is not in your bundle unless you import it. Memory is the
 * page's (a wasm heap of at most 4 GB): for data that outgrows it use
 * `openDuckDB` in Node. Each query costs what DuckDB needs, plus O(rows ·
 * columns) to copy the Arrow result into a `Table`.
 *
 * @param db - an instantiated and opened duckdb-wasm database
 * @returns a {@link DuckDBWasmRunner}
 * @throws `ValidationError` `E_SQL_DATABASE` when `db` is not a duckdb-wasm
 *   database; `E_SQL_QUERY` when it refuses a connection
 * @example
 * ```ts
 * import { createRequire } from 'node:module'; // node-only: this example runs in Node
 * import * as duckdb from '@duckdb/duckdb-wasm/blocking';
 * import { openDuckDBWasm } from '@marksman/sql';
 * // In Node, duckdb-wasm's synchronous build (in a page: an AsyncDuckDB, see the README).
 * const file = (name: string) => createRequire(import.meta.url).resolve(`@duckdb/duckdb-wasm/dist/${name}`);
 * const bundle = (kind: string) => ({ mainModule: file(`duckdb-${kind}.wasm`), mainWorker: file(`duckdb-node-${kind}.worker.cjs`) });
 * // eh (WebAssembly exceptions) is the module Node should run: under mvp, DuckDB's errors lose their message.
 * const wasm = await duckdb.createDuckDB({ mvp: bundle('mvp'), eh: bundle('eh') }, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
 * await wasm.instantiate();
 * wasm.open({});
 * const db = await openDuckDBWasm(wasm);
 * await db.registerFile('lines', new TextEncoder().encode('customerId,amount\na,10\na,20\nb,5\n'));
 * await db.records('SELECT "customerId", SUM(amount) AS spend FROM lines GROUP BY 1 ORDER BY 1');
 * // => [{ customerId: 'a', spend: 30 }, { customerId: 'b', spend: 5 }]
 * await db.query('SELECT * FROM missing_table'); // throws E_SQL_QUERY
 * await db.close();
 * ```
 */
export async function openDuckDBWasm(db: DuckDBWasmDatabase): Promise<DuckDBWasmRunner> {
  const SOURCE = 'openDuckDBWasm';
  const methods = ['connect', 'registerFileBuffer', 'registerFileHandle', 'registerFileURL', 'dropFile'] as const;
  if (db === null || typeof db !== 'object') {
    throw new ValidationError(
      'E_SQL_DATABASE',
      `${SOURCE}: db must be an instantiated @duckdb/duckdb-wasm database (an AsyncDuckDB), got ${describe(db)}; create one with duckdb-wasm's instantiate() and open() first.`,
      { source: SOURCE, field: 'db' },
    );
  }
  const missing = methods.find((m) => typeof (db as unknown as Record<string, unknown>)[m] !== 'function');
  if (missing !== undefined) {
    throw new ValidationError(
      'E_SQL_DATABASE',
      `${SOURCE}: db must be an instantiated @duckdb/duckdb-wasm database (an AsyncDuckDB), but its ${missing} is not a function; pass the database itself, not a connection or a bundle.`,
      { source: SOURCE, field: `db.${missing}` },
    );
  }
  let conn: DuckDBWasmConnection;
  try {
    conn = await db.connect();
  } catch (e) {
    throw queryRefused(SOURCE, 'db', e);
  }
  let open = true;
  // view (quoted) → the file name registered for it
  const registered = new Map<string, string>();
  const requireOpen = (source: string): void => {
    if (!open) throw new StateError('E_SQL_CLOSED', `${source}: the runner was closed; open another with openDuckDBWasm(db).`, { source });
  };
  const run = async (source: string, sql: string, field: string): Promise<DuckDBWasmArrowTable> => {
    requireOpen(source);
    checkQueryText(source, field, sql);
    try {
      return await conn.query(sql);
    } catch (e) {
      throw queryRefused(source, field, e);
    }
  };
  const query = async (sql: string, source = 'DuckDBWasmRunner.query'): Promise<Table> => resultTable(source, arrowColumns(await run(source, sql, 'sql')));
  const dropQuietly = async (name: string): Promise<void> => {
    try {
      await db.dropFile(name);
    } catch {
      // not registered (or already dropped): nothing to free
    }
  };
  // tables (quoted) made by registerArrow
  const tables = new Set<string>();
  const forget = async (view: string): Promise<void> => {
    const previous = registered.get(view);
    if (previous !== undefined) {
      await conn.query(`DROP VIEW IF EXISTS ${view}`);
      await dropQuietly(previous);
      registered.delete(view);
    }
    if (tables.delete(view)) await conn.query(`DROP TABLE IF EXISTS ${view}`);
  };
  return {
    async registerArrow(name: string, ipc: Uint8Array): Promise<void> {
      const source = 'DuckDBWasmRunner.registerArrow';
      requireOpen(source);
      const { view } = fileViewTarget(source, name, undefined);
      if (!(ipc instanceof Uint8Array) || ipc.length === 0) {
        throw new ValidationError('E_SQL_FILE', `${source}: ipc must be the non-empty bytes of an Arrow IPC stream (apache-arrow's tableToIPC(table, 'stream')), got ${describe(ipc)}.`, { source, field: 'ipc' });
      }
      if (typeof conn.insertArrowFromIPCStream !== 'function') {
        throw new ValidationError('E_SQL_DATABASE', `${source}: this database's connection has no insertArrowFromIPCStream; use @duckdb/duckdb-wasm 1.x.`, { source, field: 'db' });
      }
      try {
        await forget(view);
        // The table name as DuckDB's Arrow insert takes it: unquoted (it quotes it itself).
        await conn.insertArrowFromIPCStream(ipc.slice(), { name, create: true });
      } catch (e) {
        throw queryRefused(source, 'ipc', e);
      }
      // duckdb-wasm takes bytes without an Arrow schema silently and creates nothing: check that the table is there.
      try {
        await conn.query(`SELECT * FROM ${view} LIMIT 0`);
      } catch {
        throw new ValidationError('E_SQL_FILE', `${source}: DuckDB found no Arrow table in the ${ipc.length} bytes; pass an Arrow IPC stream (apache-arrow's tableToIPC(table, 'stream')), not a file in another format.`, { source, field: 'ipc' });
      }
      tables.add(view);
    },
    async registerFile(name: string, file: DuckDBWasmFile, opts?: WasmRegisterFileOptions): Promise<void> {
      const source = 'DuckDBWasmRunner.registerFile';
      requireOpen(source);
      const { view, format } = fileViewTarget(source, name, opts);
      const isBlob = typeof Blob !== 'undefined' && file instanceof Blob;
      let parquet: boolean;
      if (file instanceof Uint8Array) {
        if (file.length === 0) throw new ValidationError('E_SQL_FILE', `${source}: the bytes are empty; pass the file's contents.`, { source, field: 'file' });
        parquet = format === 'parquet' || (format === 'auto' && startsWithMark(file));
      } else if (isBlob) {
        const blob = file as Blob;
        const fileName = typeof (blob as { name?: unknown }).name === 'string' ? (blob as File).name : '';
        parquet = format === 'parquet' || (format === 'auto' && (/\.parquet$/i.test(fileName) || startsWithMark(new Uint8Array(await blob.slice(0, 4).arrayBuffer()))));
      } else if (typeof file === 'string' && /^https?:\/\/[^\s]+$/i.test(file)) {
        parquet = format === 'parquet' || (format === 'auto' && /\.parquet$/i.test(new URL(file).pathname));
      } else {
        throw new ValidationError('E_SQL_FILE', `${source}: file must be a File or Blob, a Uint8Array or an http(s) URL, got ${describe(file)}.`, { source, field: 'file' });
      }
      // The name DuckDB sees: one per view, so registering a view again replaces its file.
      const fileName = `marksman-${encodeURIComponent(name)}.${parquet ? 'parquet' : 'csv'}`;
      const previous = registered.get(view);
      if (previous !== undefined) await dropQuietly(previous);
      if (tables.delete(view)) await run(source, `DROP TABLE IF EXISTS ${view}`, 'name');
      await dropQuietly(fileName);
      try {
        if (file instanceof Uint8Array) await db.registerFileBuffer(fileName, file.slice());
        else if (isBlob) await db.registerFileHandle(fileName, file as Blob, PROTOCOL_BROWSER_FILEREADER, true);
        else await db.registerFileURL(fileName, file as string, PROTOCOL_HTTP, false);
      } catch (e) {
        throw queryRefused(source, 'file', e);
      }
      registered.set(view, fileName);
      await run(source, fileViewSql(view, fileName, parquet), 'file');
    },
    query: (sql: string) => query(sql),
    async records(sql: string): Promise<TableRecord[]> {
      return (await query(sql, 'DuckDBWasmRunner.records')).toRecords();
    },
    async close(): Promise<void> {
      if (!open) return;
      open = false;
      for (const [view, fileName] of registered) {
        try {
          await conn.query(`DROP VIEW IF EXISTS ${view}`);
        } catch {
          // a view the caller dropped or replaced already
        }
        await dropQuietly(fileName);
      }
      registered.clear();
      for (const table of tables) {
        try {
          await conn.query(`DROP TABLE IF EXISTS ${table}`);
        } catch {
          // a table the caller dropped already
        }
      }
      tables.clear();
      await conn.close();
    },
  };
}

/** A decimal's words (little-endian 32-bit, two's complement) as a bigint. */
function decimalWords(words: Uint32Array): bigint {
  let v = 0n;
  for (let i = words.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[i]!);
  return words.length > 0 && (words[words.length - 1]! & 0x80000000) !== 0 ? v - (1n << BigInt(32 * words.length)) : v;
}

/**
 * The Arrow result's columns as the values `@duckdb/node-api` gives for the
 * same types (bigints for 64-bit integers and whole decimals, numbers for
 * other decimals, epoch milliseconds for dates and timestamps), so both
 * runners convert through one function.
 */
function arrowColumns(table: DuckDBWasmArrowTable): ResultColumn[] {
  const n = table.numRows;
  return table.schema.fields.map((field, c) => {
    const type = field.type as { typeId: number; scale?: number; dictionary?: { typeId: number } };
    const typeId = type.typeId === ARROW.Dictionary ? (type.dictionary?.typeId ?? type.typeId) : type.typeId;
    const vector = table.getChildAt(c);
    const supported = [ARROW.Null, ARROW.Int, ARROW.Float, ARROW.Utf8, ARROW.LargeUtf8, ARROW.Bool, ARROW.Decimal, ARROW.Date, ARROW.Timestamp] as number[];
    const values: unknown[] = new Array<unknown>(n);
    const scale = 10 ** (type.scale ?? 0);
    for (let i = 0; i < n; i++) {
      const v = vector?.get(i) ?? null;
      if (v === null || !supported.includes(typeId)) values[i] = v === null ? null : { unsupported: true };
      else if (typeId === ARROW.Decimal && v instanceof Uint32Array) {
        const big = decimalWords(v);
        values[i] = type.scale ? Number(big) / scale : big;
      } else if (typeId === ARROW.Timestamp && typeof v === 'number') values[i] = Math.trunc(v);
      else values[i] = v;
    }
    return { name: field.name, type: String(field.type), numeric: typeId === ARROW.Int || typeId === ARROW.Float || typeId === ARROW.Decimal, values };
  });
}
