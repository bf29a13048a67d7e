// @marksman/sql public entry (browser-safe: the text generators and the runner over a caller's duckdb-wasm database;
// the embedded Node runner is `@marksman/sql/node`).
export { quoteIdentifier, SQL_DIALECTS } from './dialect';
export type { SqlDialect } from './dialect';
export type { TableName, TimestampKind } from './internal/common';
export { clvSummarySql } from './clv-summary-sql';
export type { ClvSummarySqlOptions } from './clv-summary-sql';
export { rfmSql } from './rfm-sql';
export type { RfmSqlOptions } from './rfm-sql';
export { interactionCountsSql } from './interaction-counts-sql';
export type { InteractionCountsSqlOptions } from './interaction-counts-sql';
export { itemCooccurrenceSql } from './item-cooccurrence-sql';
export type { ItemCooccurrenceSqlOptions } from './item-cooccurrence-sql';
export { experimentStatsSql } from './experiment-stats-sql';
export type { ExperimentStatsSqlOptions, ExperimentMetricSpec, MeanMetricSpec, RatioMetricSpec, ProportionMetricSpec } from './experiment-stats-sql';
export { experimentStatsFromRows } from './experiment-stats-from-rows';
export type {
  ExperimentStatsRow,
  MetricStats,
  MeanMetricStats,
  CupedMeanMetricStats,
  RatioMetricStats,
  CupedRatioMetricStats,
  ProportionMetricStats,
} from './experiment-stats-from-rows';
export { openDuckDBWasm } from './duckdb-wasm-runner';
export type {
  DuckDBWasmDatabase,
  DuckDBWasmConnection,
  DuckDBWasmArrowTable,
  DuckDBWasmFile,
  DuckDBWasmRunner,
  WasmRegisterFileOptions,
} from './duckdb-wasm-runner';
