// @marksman/io/node — Parquet files on disk (Node only: node:fs). The
// browser-safe entry is `@marksman/io`.
import { readFile, writeFile } from 'node:fs/promises';
import { readParquet, writeParquet } from './parquet';
import type { ParquetColumns, ReadParquetOptions, WriteParquetOptions } from './parquet';
import type { TableLike } from './table-input';

/**
 * Reads a Parquet file from disk into columns (see `readParquet` in
 * `@marksman/io`). O(file size).
 *
 * @param path - the file's path
 * @param options - `columns` to read (default all)
 * @throws as `readParquet`, and Node's own error when the file cannot be read
 * @example
 * ```ts
 * import { readParquetFile, writeParquetFile } from '@marksman/io/node';
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const path = join(mkdtempSync(join(tmpdir(), 'marksman-')), 'spend.parquet');
 * await writeParquetFile(path, { spend: Float64Array.of(1, 2) });
 * (await readParquetFile(path)).spend; // => Float64Array [1, 2]
 * ```
 */
export async function readParquetFile(path: string, options?: ReadParquetOptions): Promise<ParquetColumns> {
  const bytes = await readFile(path);
  return readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
}

/**
 * Writes a table-like value to a Parquet file on disk (see `writeParquet`
 * in `@marksman/io`). O(rows × columns).
 *
 * @param path - where to write (replaced when it exists)
 * @param data - a Marksman `Table`, records, columns, a result with rows, or an Arrow table
 * @param options - `compression`, `rowGroupSize`
 * @throws as `writeParquet`, and Node's own error when the file cannot be written
 * @example
 * ```ts
 * import { writeParquetFile } from '@marksman/io/node';
 * import { mkdtempSync, statSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const path = join(mkdtempSync(join(tmpdir(), 'marksman-')), 'rows.parquet');
 * await writeParquetFile(path, [{ id: 'a', n: 1 }]);
 * statSync(path).size > 0; // => true
 * ```
 */
export async function writeParquetFile(path: string, data: TableLike, options?: WriteParquetOptions): Promise<void> {
  await writeFile(path, writeParquet(data, options));
}
