import path from 'node:path';
import { parseHillstrom } from '../parseHillstrom';
import type { HillstromRow } from '../parseHillstrom';
import { dataDir } from './dataDir';
import { folderArgument, readDataFile } from './readDataFile';

/**
 * Reads `hillstrom.csv` (MineThatData e-mail challenge, 64,000 customers) from a folder and
 * parses it with {@link parseHillstrom}.
 *
 * Costs O(file size).
 *
 * @param dir - the folder holding `hillstrom.csv`; default `dataDir()/hillstrom`
 * @returns the typed rows
 * @throws `ParseError` (from `@marksman/core`) `E_FILE_MISSING` when the file cannot be read, `E_PARSE` for a malformed line;
 *   `ValidationError` `E_INPUT` when `dir` is not a string
 * @example
 * ```ts
 * import { loadHillstrom } from '@marksman/datasets/node';
 * loadHillstrom().length; // => 64000
 * ```
 */
export function loadHillstrom(dir?: string): HillstromRow[] {
  const folder = folderArgument('loadHillstrom', dir, () => path.join(dataDir(), 'hillstrom'));
  const { file, text } = readDataFile('loadHillstrom', folder, 'hillstrom.csv');
  return parseHillstrom(text, { file });
}
