import { OptionsError } from '@marksman/core';

/**
 * The SQL engines the generators write for: `'duckdb'` (also what the
 * `@marksman/sql/node` runner executes), `'postgres'` (PostgreSQL 12 or
 * later), `'bigquery'` (GoogleSQL), `'snowflake'` and `'spark'` (Spark SQL
 * 3.1 or later, Databricks).
 */
export type SqlDialect = 'duckdb' | 'postgres' | 'bigquery' | 'snowflake' | 'spark';

/**
 * Every dialect, in a frozen list (for menus and loops).
 *
 * @example
 * ```ts
 * import { SQL_DIALECTS } from '@marksman/sql';
 * SQL_DIALECTS; // => ['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark']
 * ```
 */
export const SQL_DIALECTS: readonly SqlDialect[] = Object.freeze(['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark']);

const MAX_IDENTIFIER = 255;

/** Throws `E_SQL_DIALECT` unless `dialect` is one of {@link SQL_DIALECTS}. */
export function checkDialect(source: string, dialect: unknown): SqlDialect {
  if (typeof dialect === 'string' && (SQL_DIALECTS as readonly string[]).includes(dialect)) return dialect as SqlDialect;
  throw new OptionsError('E_SQL_DIALECT', `${source}: dialect must be one of ${SQL_DIALECTS.map((d) => `'${d}'`).join(', ')}, got ${describe(dialect)}.`, {
    source,
    field: 'dialect',
  });
}

/** A short description of a value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** Throws `E_SQL_IDENTIFIER` unless `name` is a usable identifier (a non-empty string without NUL, at most 255 characters). */
export function checkIdentifier(source: string, field: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.length > MAX_IDENTIFIER || name.includes('\u0000')) {
    throw new OptionsError(
      'E_SQL_IDENTIFIER',
      `${source}: ${field} must be a column or table name (a non-empty string of at most ${MAX_IDENTIFIER} characters without NUL), got ${describe(name)}.`,
      { source, field },
    );
  }
  return name;
}

/**
 * Quotes one identifier (a table, column or alias name) for a dialect, so
 * that any name — with spaces, quotes, keywords or mixed case — is read as
 * that exact name and never as SQL: double quotes (a `"` inside doubled) for
 * DuckDB, PostgreSQL and Snowflake; backticks for BigQuery (a `` ` `` or `\`
 * inside escaped with a backslash) and Spark SQL (a `` ` `` inside doubled).
 * Costs O(length).
 *
 * @param name - the name as the engine stores it (case kept)
 * @param dialect - see {@link SqlDialect}
 * @returns the quoted identifier
 * @throws `OptionsError` `E_SQL_IDENTIFIER` for an empty name, one with NUL or longer than 255 characters;
 *   `E_SQL_DIALECT` for an unknown dialect
 * @example
 * ```ts
 * import { quoteIdentifier } from '@marksman/sql';
 * quoteIdentifier('order "id"', 'postgres'); // => '"order ""id"""'
 * quoteIdentifier('user`id', 'spark'); // => '`user``id`'
 * quoteIdentifier('user`id', 'bigquery'); // => '`user\\`id`'
 * ```
 */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  const source = 'quoteIdentifier';
  const d = checkDialect(source, dialect);
  return quote(d, checkIdentifier(source, 'name', name));
}

/** Quotes a checked identifier (internal). */
export function quote(d: SqlDialect, name: string): string {
  switch (d) {
    case 'duckdb':
    case 'postgres':
    case 'snowflake':
      return `"${name.replaceAll('"', '""')}"`;
    case 'bigquery':
      return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
    case 'spark':
      return `\`${name.replaceAll('`', '``')}\``;
    default:
      return assertNever(d);
  }
}

function assertNever(x: never): never {
  throw new Error(`unreachable: ${String(x)}`);
}

/** The dialect's names of the types and expressions the generators use (internal). */
export interface DialectParts {
  /** 64-bit floating point. */
  readonly double: string;
  /** 64-bit integer. */
  readonly bigint: string;
  /** Text. */
  readonly text: string;
  /** Epoch milliseconds of a timestamp expression. */
  epochMs(expr: string): string;
}

export function parts(d: SqlDialect): DialectParts {
  switch (d) {
    case 'duckdb':
      return { double: 'DOUBLE', bigint: 'BIGINT', text: 'VARCHAR', epochMs: (e) => `epoch_ms(CAST(${e} AS TIMESTAMP))` };
    case 'postgres':
      return { double: 'DOUBLE PRECISION', bigint: 'BIGINT', text: 'TEXT', epochMs: (e) => `(EXTRACT(EPOCH FROM CAST(${e} AS TIMESTAMP)) * 1000)` };
    case 'bigquery':
      return { double: 'FLOAT64', bigint: 'INT64', text: 'STRING', epochMs: (e) => `UNIX_MILLIS(CAST(${e} AS TIMESTAMP))` };
    case 'snowflake':
      return { double: 'DOUBLE', bigint: 'BIGINT', text: 'VARCHAR', epochMs: (e) => `DATE_PART(EPOCH_MILLISECOND, CAST(${e} AS TIMESTAMP_NTZ))` };
    case 'spark':
      return { double: 'DOUBLE', bigint: 'BIGINT', text: 'STRING', epochMs: (e) => `UNIX_MILLIS(CAST(${e} AS TIMESTAMP))` };
    default:
      return assertNever(d);
  }
}
