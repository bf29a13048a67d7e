// @marksman/core/internal — plumbing that the Marksman packages share: the
// options merger, the exhaustive-switch guard and the WebAssembly encoder.
// Not public API: not documented on the site, not re-exported by the
// `marksman` umbrella package, and free to change in any release. Apps
// should import from `@marksman/core`.

export { resolveOptions } from './options';
export { assertNever } from './errors';
export { uleb128, sleb128, wasmVector, wasmName, wasmSection, wasmModule, compileWasm } from './wasm';
export { parseCsvAs, parseCsvChunksAs, readCsvAs } from './csv';
export type { CsvHeaderHook } from './csv';
