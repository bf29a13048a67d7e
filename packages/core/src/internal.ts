// @marksman/core/internal — plumbing that the Marksman packages share: the
// options merger, the exhaustive-switch guard, the WebAssembly encoder, the
// branch-free finiteness check, the standard normal quantile and the
// Arrow-table reader every data-taking function goes through.
// Not public API: not documented on the site, not re-exported by the
// `marksman` umbrella package, and free to change in any release. Apps
// should import from `@marksman/core`.

export { resolveOptions } from './options';
export { assertNever } from './errors';
export { normalPpf } from './normal-quantile';
export { allFinite } from './all-finite';
export { uleb128, sleb128, wasmVector, wasmName, wasmSection, wasmModule, compileWasm } from './wasm';
export { isArrowTable, isArrowVector, arrowColumns, arrowRecords, arrowColumnNames, arrowVectorValues, arrowTableColumns, arrowCheckedRecords } from './arrow-input';
export { arrowSelectRows } from './arrow-rows';
export { arrowIdColumn, arrowNumberColumn, arrowListColumn } from './arrow-named-columns';
export type { ArrowListKind } from './arrow-named-columns';
export type { ArrowColumnKind, ArrowColumnValues, ArrowVectorKind, ArrowNullMode, ArrowColumnSpec } from './arrow-input';
export { parseCsvAs, parseCsvChunksAs, readCsvAs } from './csv';
export type { CsvHeaderHook } from './csv';
