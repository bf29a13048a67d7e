import path from 'node:path';
import { parseOnlineRetail } from '../parseOnlineRetail';
import type { OnlineRetailData } from '../parseOnlineRetail';
import { dataDir } from './dataDir';
import { folderArgument, readDataFile } from './readDataFile';

/**
 * Reads the UCI Online Retail CSV (`online_retail.csv`) from a folder and parses it with
 * {@link parseOnlineRetail} (all lines kept; lines without CustomerID refused in `transactions`).
 *
 * Costs O(file size); the 48 MB file takes a few seconds.
 *
 * @param dir - the folder holding `online_retail.csv`; default `dataDir()/online-retail`
 * @returns all lines and the transactions report
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
  const { file, text } = readDataFile('loadOnlineRetail', folder, 'online_retail.csv');
  return parseOnlineRetail(text, { file });
}
