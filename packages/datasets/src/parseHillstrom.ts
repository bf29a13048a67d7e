import { resolveOptions } from '@marksman/core/internal';
import { checkFileOption, checkText, parseError, parseIntStrict, parseNumberStrict } from './internal/text';
import { forEachCsvRecord } from './internal/csv';

/** Options of {@link parseHillstrom}. */
export interface HillstromParseOptions {
  /** File name used in error messages (a non-empty string). Default `hillstrom.csv`. */
  readonly file?: string;
}

/** The three arms of the Hillstrom e-mail test. */
export type HillstromSegment = 'Mens E-Mail' | 'Womens E-Mail' | 'No E-Mail';

/** One customer of the Hillstrom (MineThatData, 2008) e-mail experiment. */
export interface HillstromRow {
  /** Months since last purchase (1–12). */
  readonly recency: number;
  /** Spend band of the past year, e.g. `2) $100 - $200`. */
  readonly historySegment: string;
  /** Dollars spent in the past year. */
  readonly history: number;
  /** 1 when the customer bought men's merchandise in the past year. */
  readonly mens: number;
  /** 1 when the customer bought women's merchandise in the past year. */
  readonly womens: number;
  /** `Urban`, `Surburban` (sic) or `Rural`. */
  readonly zipCode: string;
  /** 1 for a new customer in the past twelve months. */
  readonly newbie: number;
  /** Purchase channel in the past year: `Phone`, `Web` or `Multichannel`. */
  readonly channel: string;
  /** The randomised treatment. */
  readonly segment: HillstromSegment;
  /** 1 when the customer visited the site within two weeks. */
  readonly visit: number;
  /** 1 when the customer purchased within two weeks. */
  readonly conversion: number;
  /** Dollars spent within two weeks. */
  readonly spend: number;
}

const HEADER = ['recency', 'history_segment', 'history', 'mens', 'womens', 'zip_code', 'newbie', 'channel', 'segment', 'visit', 'conversion', 'spend'];
const SEGMENTS: readonly string[] = ['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'];
const DEFAULTS: Readonly<Required<HillstromParseOptions>> = Object.freeze({ file: 'hillstrom.csv' });

/**
 * The published values of the text fields. A field equal to one of them is
 * stored as this one string, so 64,000 rows share a handful of strings
 * instead of holding a copy each (less memory, and a reader that keys a Map
 * by the value hashes each string once); any other value is kept as read.
 */
const KNOWN_TEXT = new Map(
  [
    ...SEGMENTS,
    ...['1) $0 - $100', '2) $100 - $200', '3) $200 - $350', '4) $350 - $500', '5) $500 - $750', '6) $750 - $1,000', '7) $1,000 +'],
    ...['Urban', 'Surburban', 'Rural'],
    ...['Phone', 'Web', 'Multichannel'],
  ].map((v) => [v, v] as const),
);
const known = (s: string): string => KNOWN_TEXT.get(s) ?? s;

/**
 * Parses Kevin Hillstrom's MineThatData e-mail data set (`hillstrom.csv`: a header with the 12
 * column names, comma-separated with RFC 4180 quoting, CRLF) into typed rows with camelCase
 * fields; 0/1 flags stay numbers so they can be averaged. Text fields with one of the published
 * values (segment, history band, zip code, channel) share one string per value across the rows.
 *
 * Costs O(length of text).
 *
 * @param text - the file contents
 * @param options - `file` for error messages
 * @returns the rows in file order
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line for a wrong header, a wrong
 *   number of fields, a bad number (also one too large to be finite), a flag that is not 0/1 or an unknown
 *   segment; `OptionsError` `E_OPTION_RANGE` for a `file` option that is not a non-empty string
 * @example
 * ```ts
 * import { parseHillstrom } from '@marksman/datasets';
 * const csv = 'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend\r\n' +
 *   '10,"6) $750 - $1,000",809.26,0,1,Surburban,1,Web,Womens E-Mail,1,0,0\r\n';
 * const [row] = parseHillstrom(csv);
 * row.historySegment; // => '6) $750 - $1,000'
 * row.segment; // => 'Womens E-Mail'
 * row.visit; // => 1
 * ```
 */
export function parseHillstrom(text: string, options?: HillstromParseOptions): HillstromRow[] {
  const source = 'parseHillstrom';
  const file = checkFileOption(source, resolveOptions(source, DEFAULTS, options).file);
  const rows: HillstromRow[] = [];
  let header = true;
  const flag = (s: string, field: string, line: number) => {
    if (s !== '0' && s !== '1') throw parseError(source, file, line, `${field} must be 0 or 1, got "${s}".`, field);
    return s === '1' ? 1 : 0;
  };
  const num = (s: string, field: string, line: number, integer = false) => {
    const x = integer ? parseIntStrict(s) : parseNumberStrict(s);
    if (!(x >= 0)) throw parseError(source, file, line, `${field} must be a non-negative ${integer ? '(safe) integer' : 'finite number'}, got "${s}".`, field);
    return x;
  };
  forEachCsvRecord(source, file, checkText(source, file, text), (f, line) => {
    if (header) {
      header = false;
      if (f.length !== HEADER.length || f.some((name, k) => name.trim() !== HEADER[k])) {
        throw parseError(source, file, line, `expected the header ${HEADER.join(',')}.`);
      }
      return;
    }
    if (f.length !== HEADER.length) throw parseError(source, file, line, `expected ${HEADER.length} fields, got ${f.length}.`);
    const segment = f[8]!;
    if (!SEGMENTS.includes(segment)) throw parseError(source, file, line, `segment must be one of ${SEGMENTS.join(', ')}, got "${segment}".`, 'segment');
    rows.push({
      recency: num(f[0]!, 'recency', line, true),
      historySegment: known(f[1]!),
      history: num(f[2]!, 'history', line),
      mens: flag(f[3]!, 'mens', line),
      womens: flag(f[4]!, 'womens', line),
      zipCode: known(f[5]!),
      newbie: flag(f[6]!, 'newbie', line),
      channel: known(f[7]!),
      segment: known(segment) as HillstromSegment,
      visit: flag(f[9]!, 'visit', line),
      conversion: flag(f[10]!, 'conversion', line),
      spend: num(f[11]!, 'spend', line),
    });
  });
  if (header) throw parseError(source, file, 1, 'the file is empty; expected a header line.');
  return rows;
}
