// RFC 4180 CSV reading (internal), written here rather than taken from csv-parse: its sync entry
// touches Node's buffer global as soon as it is imported, which breaks every browser bundle of this package
// (and of the umbrella), and its per-character state machine needed ~6 s for the 48 MB Online
// Retail file. A record without any quote character is, by RFC 4180, exactly its line split on
// commas, so those take a fast path; records with quotes go through `splitQuotedRecord`.
import { parseError } from './text';

const QUOTE = 34;
const COMMA = 44;
const CR = 13;

/** Where a quoted record went wrong: the offset in the text and what was found there. */
interface CsvFault {
  readonly at: number;
  readonly message: string;
}

/**
 * Splits the record `text[start, stop)` (no line terminator) into fields: a field that starts
 * with `"` is quoted, runs to the next lone `"` (`""` inside stands for one quote, line breaks are
 * kept) and must be followed by a comma or the end of the record; any other field runs to the
 * next comma and may not hold a quote.
 */
function splitQuotedRecord(text: string, start: number, stop: number): string[] | CsvFault {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    if (i < stop && text.charCodeAt(i) === QUOTE) {
      const opened = i;
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0 || q >= stop) return { at: opened, message: 'a quoted field is not closed (an opening " has no closing ")' };
        if (q + 1 < stop && text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === stop) return fields;
      if (text.charCodeAt(i) !== COMMA) {
        return { at: i, message: `a closing " must be followed by a comma or the end of the line, got ${JSON.stringify(text[i])}` };
      }
      i++;
      continue;
    }
    let comma = text.indexOf(',', i);
    if (comma < 0 || comma > stop) comma = stop;
    const q = text.indexOf('"', i);
    if (q >= 0 && q < comma) {
      return { at: q, message: `a " inside field ${fields.length + 1}, which does not start with one (quote the whole field and double the inner quotes)` };
    }
    fields.push(text.slice(i, comma));
    if (comma === stop) return fields;
    i = comma + 1;
  }
}

/**
 * Calls `fn(fields, line)` for each CSV record in order; empty lines are skipped. `line` is the
 * 1-based line on which the record ends (its only line unless a quoted field holds a line break).
 * Handles `\n` and `\r\n`. Unbalanced quotes and other CSV errors become `E_PARSE` with the line.
 * Linear in the length of the text.
 */
export function forEachCsvRecord(source: string, file: string, text: string, fn: (fields: string[], line: number) => void): void {
  const n = text.length;
  let start = 0;
  let lineNumber = 0;
  // The first quote at or after `start` (-1: none left), so lines without quotes cost one comparison.
  let nextQuote = text.indexOf('"');
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNumber++;
    if (nextQuote < 0 || nextQuote >= end) {
      const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (stop > start) fn(text.slice(start, stop).split(','), lineNumber);
      start = end + 1;
      continue;
    }
    // A record with quotes: every quote toggles "inside a quoted field" (an escaped `""` toggles
    // twice), so the record runs over following lines until it ends outside one.
    const firstLine = lineNumber;
    let inside = false;
    let q = nextQuote;
    for (;;) {
      while (q >= 0 && q < end) {
        inside = !inside;
        q = text.indexOf('"', q + 1);
      }
      if (!inside || end >= n) break;
      const next = text.indexOf('\n', end + 1);
      end = next < 0 ? n : next;
      lineNumber++;
    }
    nextQuote = q;
    // Outside quotes at `end`, so a `\r` just before it is the line terminator's.
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    const record = splitQuotedRecord(text, start, stop);
    if (!Array.isArray(record)) {
      let line = firstLine;
      for (let k = text.indexOf('\n', start); k >= 0 && k < record.at; k = text.indexOf('\n', k + 1)) line++;
      throw parseError(source, file, line, `malformed CSV: ${record.message}.`);
    }
    fn(record, lineNumber);
    start = end + 1;
  }
}
