import path from 'node:path';
import { parseOnlineRetail } from '../parseOnlineRetail';
import type { OnlineRetailData } from '../parseOnlineRetail';
import { dataDir } from './dataDir';
import { folderArgument, readDataBytes } from './readDataFile';

/**
 * Reads the UCI Online Retail CSV (`online_retail.csv`) from a folder as bytes (never one string)
 * and parses it with {@link parseOnlineRetail} into columns (malformed lines reported in `report`;
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
  const { file, bytes } = readDataBytes('loadOnlineRetail', folder, 'online_retail.csv');
  return parseOnlineRetail(bytes, { file });
}
