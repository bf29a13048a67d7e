// @marksman/io — the public face: Apache Arrow tables out of any table-like
// result, Parquet read and write. (Arrow tables *in* need nothing from here:
// every Marksman function that takes records or columns takes an Arrow
// table too.) File helpers are in `@marksman/io/node`.

export { toArrow } from './to-arrow';
export type { ArrowModule, ArrowTableClass, ArrowTableOf } from './to-arrow';

export { readParquet, writeParquet } from './parquet';
export type { ParquetColumn, ParquetColumns, ReadParquetOptions, WriteParquetOptions } from './parquet';

export type { ColumnsResult, RowsResult, TableLike } from './table-input';
