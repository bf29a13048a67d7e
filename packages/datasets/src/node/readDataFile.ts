// Reads one data file, turning "not there" into a ParseError (internal to the Node entry).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ParseError, ValidationError } from '@marksman/core';

/** The folder to read: `dir` when it is a non-empty string, `fallback` when it is undefined or null; `E_INPUT` otherwise. */
export function folderArgument(source: string, dir: unknown, fallback: () => string): string {
  if (dir === undefined || dir === null) return fallback();
  if (typeof dir !== 'string' || dir === '') {
    throw new ValidationError('E_INPUT', `${source}: dir must be the path of a folder (a non-empty string), got ${typeof dir === 'string' ? '""' : typeof dir}.`, { source, field: 'dir' });
  }
  return dir;
}

/** The file's text; `E_FILE_MISSING` naming the path when it cannot be read. */
export function readDataFile(source: string, dir: string, name: string, encoding: 'utf8' | 'latin1' = 'utf8'): { file: string; text: string } {
  const file = path.join(dir, name);
  return { file, text: readOrExplain(source, file, () => readFileSync(file, encoding)) };
}

function readOrExplain<T>(source: string, file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new ParseError(
      'E_FILE_MISSING',
      `${source}: cannot read ${file} (${String(code ?? e)}). Put the data set there or set MARKSMAN_DATA_DIR to the folder that holds it.`,
      { source, file },
    );
  }
}
