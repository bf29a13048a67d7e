// Parquet files on disk (Node only: node:fs), exported by `@marksman/io/node`.
// The browser-safe entry is `@marksman/io`.
import { readFile, writeFile } from 'node:fs/promises';
import { ParseError, ValidationError } from '@marksman/core';
import { readParquet, writeParquet } from '../parquet';
import type { ParquetColumns, ReadParquetOptions, WriteParquetOptions } from '../parquet';
import type { TableLike } from '../table-input';

/**
 * Reads a Parquet file from disk into columns (see `readParquet` in
 * `@marksman/io`). O(file size).
 *
 * @param path - the file's path
 * @param options - `columns` to read (default all)
 * @throws as `readParquet`; `ValidationError` `E_INPUT` when `path` is
 *   not a non-empty string; `ParseError` `E_FILE_MISSING` when the file
 *   cannot be read
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
  const source = 'readParquetFile';
  checkPath(source, path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ParseError('E_FILE_MISSING', `${source}: cannot read ${path} (${String((e as { code?: unknown }).code ?? e)}); check the path.`, { source, field: 'path', file: path });
  }
  return readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
}

/**
 * Writes a table-like value to a Parquet file on disk (see `writeParquet`
 * in `@marksman/io`). O(rows × columns).
 *
 * @param path - where to write (replaced when it exists)
 * @param data - a Marksman `Table`, records, columns, a result with rows, or an Arrow table
 * @param options - `compression`, `rowGroupSize`
 * @throws as `writeParquet`; `ValidationError` `E_INPUT` when `path` is
 *   not a non-empty string, `E_FILE_WRITE` when the file cannot be written
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
  const source = 'writeParquetFile';
  checkPath(source, path);
  const bytes = writeParquet(data, options);
  try {
    await writeFile(path, bytes);
  } catch (e) {
    throw new ValidationError('E_FILE_WRITE', `${source}: cannot write ${path} (${String((e as { code?: unknown }).code ?? e)}); check that the folder exists and is writable.`, { source, field: 'path', file: path });
  }
}

function checkPath(source: string, path: unknown): void {
  if (typeof path !== 'string' || path === '') {
    throw new ValidationError('E_INPUT', `${source}: path must be a non-empty string naming a file, got ${path === null ? 'null' : Array.isArray(path) ? 'an array' : typeof path}.`, { source, field: 'path' });
  }
}
