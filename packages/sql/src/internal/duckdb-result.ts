// Internal: what the two DuckDB runners (embedded through @duckdb/node-api in
// `src/node/`, in WebAssembly through @duckdb/duckdb-wasm) share, so they
// answer alike: the SQL of a file view, the typed error of a failed query and
// the conversion of a result into a Marksman Table. Browser-safe.
import { OptionsError, Table, ValidationError } from '@marksman/core';
import type { ColumnValue } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkIdentifier, describe, quote } from '../dialect';

/** How a registered file is read. */
export type FileFormat = 'auto' | 'csv' | 'parquet';

/** One result column as a runner read it from its engine. */
export interface ResultColumn {
  readonly name: string;
  /** The engine's name of the type, for messages. */
  readonly type: string;
  /** True for integer, floating-point and decimal types (a column without NULLs becomes a Float64Array). */
  readonly numeric: boolean;
  /** One value a row: null/undefined, bigint, number, string, boolean or Date; anything else is refused. */
  readonly values: ArrayLike<unknown>;
}

/** An engine's error message, cut to a length a message can carry. */
export function engineMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** Refuses a query that is not a non-empty string (`E_SQL_QUERY`). */
export function checkQueryText(source: string, field: string, sql: unknown): string {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new ValidationError('E_SQL_QUERY', `${source}: ${field} must be a non-empty SQL string, got ${describe(sql)}.`, { source, field });
  }
  return sql;
}

/** The typed error of a query DuckDB refused, carrying DuckDB's message. */
export function queryRefused(source: string, field: string, e: unknown): ValidationError {
  return new ValidationError('E_SQL_QUERY', `${source}: DuckDB refused the query: ${engineMessage(e)}`, { source, field });
}

/** The checked view name (quoted for DuckDB) and resolved format of a `registerFile` call. */
export function fileViewTarget(source: string, name: unknown, options: unknown): { view: string; format: FileFormat } {
  const view = quote('duckdb', checkIdentifier(source, 'name', name));
  const r = resolveOptions(source, { format: 'auto' } as { format: FileFormat }, options as { format?: FileFormat } | undefined);
  if (r.format !== 'auto' && r.format !== 'csv' && r.format !== 'parquet') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: format must be 'auto', 'csv' or 'parquet', got ${describe(r.format)}.`, { source, field: 'format' });
  }
  return { view, format: r.format };
}

/** The statement making file `path` (a path or a registered file name) queryable as the (quoted) view. */
export function fileViewSql(view: string, path: string, parquet: boolean): string {
  const literal = `'${path.replaceAll("'", "''")}'`;
  const reader = parquet ? `read_parquet(${literal})` : `read_csv(${literal}, header = true)`;
  return `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${reader}`;
}

/**
 * A query result as a Marksman Table: numeric columns without NULLs become
 * Float64Arrays, other columns value arrays; bigints must fit a double
 * exactly and dates become epoch milliseconds. Throws `E_SQL_RESULT` for a
 * value a table cannot hold.
 */
export function resultTable(source: string, columns: readonly ResultColumn[]): Table {
  const out: Record<string, Float64Array | ColumnValue[]> = {};
  for (const { name, type, numeric, values } of columns) {
    const bad = (what: string): never => {
      throw new ValidationError('E_SQL_RESULT', `${source}: column ${JSON.stringify(name)} ${what}; cast it in the query (to DOUBLE, VARCHAR or TIMESTAMP).`, { source, field: name });
    };
    const column: ColumnValue[] = new Array<ColumnValue>(values.length);
    let nulls = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        column[i] = null;
        nulls = true;
      } else if (typeof v === 'bigint') {
        const x = Number(v);
        if (!Number.isSafeInteger(x)) bad(`holds ${String(v)}, beyond the integers a double represents exactly`);
        column[i] = x;
      } else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') column[i] = v;
      else if (v instanceof Date) column[i] = v.getTime();
      else bad(`has type ${type}, which a Marksman table cannot hold`);
    }
    out[name] = numeric && !nulls ? Float64Array.from(column as number[]) : column;
  }
  return Table.fromColumns(out);
}
