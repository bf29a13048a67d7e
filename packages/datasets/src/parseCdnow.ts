import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { CleanTransaction, ValidationReport } from '@marksman/core';
import { ReportBuilder } from './internal/report';
import { checkFileOption, checkText, forEachLine, parseError, parseIntStrict, parseNumberStrict } from './internal/text';

/** Options of {@link parseCdnow}. */
export interface CdnowParseOptions {
  /** File name used in error messages (a non-empty string). Default `CDNOW_master.txt`. */
  readonly file?: string;
  /**
   * `master`: `customer date cds dollars` (an optional header line, such as lifetimes'
   * `customer_id date number_of_cds dollar_value`, is skipped); `sample`:
   * `customer sampleId date cds dollars`; `auto` (default): decided by the field count of the first
   * data line.
   */
  readonly format?: 'auto' | 'master' | 'sample';
}

const DEFAULTS: Readonly<Required<CdnowParseOptions>> = Object.freeze({ file: 'CDNOW_master.txt', format: 'auto' });

/**
 * Parses the CDNOW purchase log of Fader & Hardie (`CDNOW_master.txt` or `CDNOW_sample.txt`:
 * whitespace-separated, one line per customer-day purchase) into transactions.
 *
 * Every line is kept or reported: a first line made only of column names (words, the first naming
 * the customer) is taken as a header and skipped; any other line that is not a purchase throws.
 *
 * - `customerId` is the master customer id as a number (`00004` → 4; the sample's own 1–2357 id
 *   is ignored, so sample rows match master rows).
 * - `timestamp` is the date at 00:00 UTC; `quantity` the number of CDs; `amount` the dollar value
 *   (0 is allowed: the master file has 80 such rows); no `unitPrice`.
 * - `orderId` is synthesised as `"<customer>-<YYYYMMDD>-<n>"`, n = 1 for the customer's first line
 *   on that date, 2 for the second, and so on (the log has no order numbers, and 1,774 customer-days
 *   in the master file have more than one line).
 *
 * Costs O(length of text).
 *
 * @param text - the file contents
 * @param options - `file` (for messages) and `format`
 * @returns a validation report whose `rows` are the transactions, in file order (all kept)
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line of a malformed line
 *   (also for an amount or count too large to be represented exactly, and for a garbage first line);
 *   `OptionsError` (from `@marksman/core`) `E_OPTION_RANGE` for an unknown `format` or a `file` that is not a
 *   non-empty string
 * @example
 * ```ts
 * import { parseCdnow } from '@marksman/datasets';
 * const r = parseCdnow(' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n');
 * r.rows[0]; // => { customerId: 1, orderId: '1-19970101-1', timestamp: 852076800000, quantity: 1, amount: 11.77 }
 * ```
 */
export function parseCdnow(text: string, options?: CdnowParseOptions): ValidationReport<CleanTransaction> {
  const source = 'parseCdnow';
  const o = resolveOptions(source, DEFAULTS, options);
  const file = checkFileOption(source, o.file);
  if (o.format !== 'auto' && o.format !== 'master' && o.format !== 'sample') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: format must be 'auto', 'master' or 'sample', got ${String(o.format)}.`, { source, field: 'format' });
  }
  let width = o.format === 'master' ? 4 : o.format === 'sample' ? 5 : 0;
  const out = new ReportBuilder<CleanTransaction>();
  const seen = new Map<string, number>();
  let index = 0;
  let first = true;
  forEachLine(checkText(source, file, text), (line, lineNumber) => {
    const f = line.trim().split(/\s+/);
    if (first) {
      first = false;
      // A header line (lifetimes' copy of the master file has one): column names only. Anything
      // else on the first line is data, and is parsed (and refused when malformed) like any line.
      if ((f.length === 4 || f.length === 5) && f.every((x) => /^[A-Za-z_]+$/.test(x)) && /cust/i.test(f[0]!)) return;
    }
    if (width === 0) width = f.length === 5 ? 5 : 4;
    if (f.length !== width) {
      throw parseError(source, file, lineNumber, `expected ${width} whitespace-separated fields (${width === 4 ? 'customer date cds dollars' : 'customer sampleId date cds dollars'}), got ${f.length}.`);
    }
    const off = width - 4;
    const customerId = parseIntStrict(f[0]!);
    if (!(customerId >= 0)) throw parseError(source, file, lineNumber, `customer id must be digits (a safe integer), got "${f[0]}".`, 'customerId');
    const date = f[1 + off]!;
    const ms = parseYmd(date);
    if (Number.isNaN(ms)) throw parseError(source, file, lineNumber, `date must be a calendar date YYYYMMDD, got "${date}".`, 'timestamp');
    const cds = parseIntStrict(f[2 + off]!);
    if (!(cds >= 0)) throw parseError(source, file, lineNumber, `number of CDs must be a non-negative (safe) integer, got "${f[2 + off]}".`, 'quantity');
    const dollars = parseNumberStrict(f[3 + off]!);
    if (!(dollars >= 0)) throw parseError(source, file, lineNumber, `dollar value must be a finite non-negative number, got "${f[3 + off]}".`, 'amount');
    const key = `${customerId}-${date}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out.keep(index++, { customerId, orderId: `${key}-${n}`, timestamp: ms, quantity: cds, amount: dollars });
  });
  return out.build(index);
}

/** `YYYYMMDD` → epoch ms at 00:00 UTC, NaN when it is not a calendar date. */
function parseYmd(s: string): number {
  if (!/^\d{8}$/.test(s)) return NaN;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6)) - 1;
  const d = Number(s.slice(6, 8));
  const ms = Date.UTC(y, m, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m && back.getUTCDate() === d ? ms : NaN;
}
