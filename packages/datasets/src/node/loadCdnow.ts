import path from 'node:path';
import type { CleanTransaction, ValidationReport } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { parseCdnow } from '../parseCdnow';
import { dataDir } from './dataDir';
import { folderArgument, readDataFile } from './readDataFile';
import { checkFileOption } from '../internal/text';

/** Options of {@link loadCdnow}. */
export interface LoadCdnowOptions {
  /** File name inside the folder (a non-empty string): `CDNOW_master.txt` (default) or `CDNOW_sample.txt`. */
  readonly file?: string;
  /** Passed to {@link parseCdnow}; default `auto`. */
  readonly format?: 'auto' | 'master' | 'sample';
}

const DEFAULTS: Readonly<Required<LoadCdnowOptions>> = Object.freeze({ file: 'CDNOW_master.txt', format: 'auto' });

/**
 * Reads the CDNOW purchase log (master or 1/10 sample) from a folder and parses it with
 * {@link parseCdnow} (see there for the synthesised `orderId`).
 *
 * Costs O(file size).
 *
 * @param dir - the folder holding the file; default (`undefined`) `dataDir()/cdnow`
 * @param options - `file` and `format`
 * @returns a validation report whose `rows` are the transactions
 * @throws `ParseError` (from `@marksman/core`) `E_FILE_MISSING` when the file cannot be read, `E_PARSE` for a malformed line;
 *   `ValidationError` `E_INPUT` when `dir` is not a string; `OptionsError` `E_OPTION_RANGE` for a bad `file` or `format`
 * @example
 * ```ts
 * import { loadCdnow } from '@marksman/datasets/node';
 * loadCdnow(undefined, { file: 'CDNOW_sample.txt' }).kept; // => 6919
 * ```
 */
export function loadCdnow(dir?: string, options?: LoadCdnowOptions): ValidationReport<CleanTransaction> {
  const source = 'loadCdnow';
  const o = resolveOptions(source, DEFAULTS, options);
  const folder = folderArgument(source, dir, () => path.join(dataDir(), 'cdnow'));
  const { file, text } = readDataFile(source, folder, checkFileOption(source, o.file));
  return parseCdnow(text, { file, format: o.format });
}
