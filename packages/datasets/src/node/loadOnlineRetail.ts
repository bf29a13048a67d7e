import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { ParseError } from '@marksman/core';
import { parseOnlineRetailChunks } from '../parseOnlineRetail';
import type { OnlineRetailData } from '../parseOnlineRetail';
import { dataDir } from './dataDir';
import { folderArgument } from './readDataFile';

/**
 * Reads the UCI Online Retail CSV (`online_retail.csv`) from a folder, 1 MiB at a time (the whole
 * file is never in memory, nor one string), and parses it as `parseOnlineRetail` does, into columns (malformed lines reported in `report`;
 * lines without CustomerID refused in `transactions`).
 *
 * Costs O(file size); see benchmarks/README.md (`profiling-ingest`) for the time on the 48 MB file.
 *
 * @param dir - the folder holding `online_retail.csv`; default `dataDir()/online-retail`
 * @returns the columns, the report and the record views
 * @throws `ParseError` (from `@marksman/core`) `E_FILE_MISSING` when the file cannot be read, `E_PARSE` for a malformed line;
 *   `ValidationError` `E_INPUT` when `dir` is not a string
 * @example
 * ```ts
 * import { loadOnlineRetail } from '@marksman/datasets/node';
 * loadOnlineRetail().lines.length; // => 541909
 * ```
 */
export function loadOnlineRetail(dir?: string): OnlineRetailData {
  const folder = folderArgument('loadOnlineRetail', dir, () => path.join(dataDir(), 'online-retail'));
  const source = 'loadOnlineRetail';
  const file = path.join(folder, 'online_retail.csv');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new ParseError('E_FILE_MISSING', `${source}: cannot read ${file} (${String(code ?? e)}). Put the data set there or set MARKSMAN_DATA_DIR to the folder that holds it.`, { source, file });
  }
  try {
    return parseOnlineRetailChunks(source, fileChunks(fd), file, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, 1 MiB at a time, into one reused buffer. */
function* fileChunks(fd: number): Generator<Uint8Array> {
  const buffer = new Uint8Array(1 << 20);
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) return;
    yield buffer.subarray(0, n);
  }
}
