// @marksman/io/node — the Node-only entry: Parquet files on disk. The main
// entry (`@marksman/io`) never imports Node built-ins; everything here may.
export { readParquetFile, writeParquetFile } from './node/parquet-files';
