// @marksman/sql/node: the embedded DuckDB runner (Node only: it loads the optional peer @duckdb/node-api).
export { openDuckDB } from './node/duckdb-runner';
export type { OpenDuckDBOptions, RegisterFileOptions, DuckDBRunner } from './node/duckdb-runner';
