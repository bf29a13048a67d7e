// Line splitting and parse errors shared by the parsers (internal).
import { ParseError } from '@marksman/core';

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

/** The text as a string; refuses anything else with `E_PARSE` at line 0. */
export function checkText(source: string, file: string, text: unknown): string {
  if (typeof text !== 'string') {
    throw new ParseError('E_PARSE', `${source}: expected the contents of ${file} as a string, got ${typeof text}.`, { source, file, line: 0 });
  }
  return text;
}

/** Parses a base-10 integer field strictly (optional sign, digits only). */
export function parseIntStrict(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
}

/** Parses a decimal number field strictly (no empty strings, no hex, no `Infinity`). */
export function parseNumberStrict(s: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
}
