// Line splitting and parse errors shared by the parsers (internal).
import { OptionsError, ParseError } from '@marksman/core';

/** Calls `fn(line, lineNumber)` for each non-blank line (1-based numbers; `\n` or `\r\n` endings). */
export function forEachLine(text: string, fn: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNumber++;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const line = text.slice(start, stop);
    if (line.trim() !== '') fn(line, lineNumber);
    start = end + 1;
  }
}

/** A `ParseError` with code `E_PARSE` naming the parser, file and 1-based line. */
export function parseError(source: string, file: string, line: number, message: string, field?: string): ParseError {
  return new ParseError('E_PARSE', `${source}: ${file} line ${line}: ${message}`, { source, file, line, ...(field === undefined ? {} : { field }) });
}

/** The text as a string; refuses anything else with `E_PARSE` at line 0, field `text`. */
export function checkText(source: string, file: string, text: unknown): string {
  if (typeof text !== 'string') {
    throw new ParseError('E_PARSE', `${source}: expected the contents of ${file} as a string, got ${text === null ? 'null' : typeof text}.`, { source, file, line: 0, field: 'text' });
  }
  return text;
}

/** The `file` option: a non-empty string (it names the file in messages); `E_OPTION_RANGE` otherwise. */
export function checkFileOption(source: string, file: unknown): string {
  if (typeof file !== 'string' || file === '') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: file must be a non-empty string (the name used in messages), got ${typeof file === 'string' ? '""' : typeof file}.`, { source, field: 'file' });
  }
  return file;
}

/** Parses a base-10 integer field strictly (optional sign, digits only); NaN beyond the safe integers. */
export function parseIntStrict(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return NaN;
  const x = Number(s);
  return Number.isSafeInteger(x) ? x : NaN;
}

/** Parses a decimal number field strictly (no empty strings, no hex, no `Infinity`); NaN when it overflows to ±Infinity. */
export function parseNumberStrict(s: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return NaN;
  const x = Number(s);
  return Number.isFinite(x) ? x : NaN;
}
