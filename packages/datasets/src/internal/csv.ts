// RFC 4180 CSV reading (internal). csv-parse's sync API is the engine for every record that uses
// quotes; a record without any quote character is, by RFC 4180, exactly its line split on commas,
// so those take a fast path (csv-parse alone needs ~6 s for the 48 MB Online Retail file).
import { parse } from 'csv-parse/sync';
import { parseError } from './text';

function countQuotes(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('"', from); i >= 0 && i < to; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * Calls `fn(fields, line)` for each CSV record in order; empty lines are skipped. `line` is the
 * 1-based line on which the record ends (its only line unless a quoted field holds a line break).
 * Handles `\n` and `\r\n`. Unbalanced quotes and other CSV errors become `E_PARSE` with the line.
 */
export function forEachCsvRecord(source: string, file: string, text: string, fn: (fields: string[], line: number) => void): void {
  const n = text.length;
  let start = 0;
  let lineNumber = 0;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNumber++;
    let quotes = countQuotes(text, start, end);
    if (quotes === 0) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (stop > start) fn(text.slice(start, stop).split(','), lineNumber);
      start = end + 1;
      continue;
    }
    // A quoted record: extend it over following lines until its quotes balance.
    const firstLine = lineNumber;
    while (quotes % 2 === 1 && end < n) {
      const next = text.indexOf('\n', end + 1);
      const stop = next < 0 ? n : next;
      quotes += countQuotes(text, end + 1, stop);
      end = stop;
      lineNumber++;
    }
    let records: string[][];
    try {
      records = parse(text.slice(start, end), { relax_column_count: true, skip_empty_lines: true });
    } catch (e) {
      const err = e as { lines?: unknown; message?: unknown };
      const line = typeof err.lines === 'number' ? firstLine + err.lines - 1 : firstLine;
      throw parseError(source, file, line, `malformed CSV: ${String(err.message)}`);
    }
    for (const record of records) fn(record, lineNumber);
    start = end + 1;
  }
}
