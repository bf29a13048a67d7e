import { ParseError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { CleanInteraction, Customer, Item, ValidationReport } from '@marksman/core';
import { ReportBuilder } from './internal/report';
import { checkFileOption, checkText, forEachLine, parseError, parseIntStrict } from './internal/text';

/** Options of the MovieLens parsers. */
export interface MovieLensParseOptions {
  /** File name used in error messages (a non-empty string). Defaults to the usual name (`u.data`, `u.item`, `u.user`). */
  readonly file?: string;
}

/** A MovieLens 100K movie (`u.item`): an `Item` (from `@marksman/core`) with its title, dates and genres. */
export interface MovieLensItem extends Item {
  /** The MovieLens movie id (1 … 1682). */
  readonly itemId: number;
  /** The first genre in MovieLens order (`Action` before `Adventure` …), or `unknown`. */
  readonly category: string;
  /** Genre flags, 0 or 1, keyed by genre name (all 19 MovieLens genres). */
  readonly features: Readonly<Record<string, number>>;
  /** Title with year, e.g. `Toy Story (1995)`. */
  readonly title: string;
  /** Release date as epoch ms (UTC midnight), or null when the file leaves it empty. */
  readonly releaseDate: number | null;
  /** IMDb URL, or '' when empty. */
  readonly imdbUrl: string;
  /** Names of the genres flagged 1, in MovieLens order. */
  readonly genres: readonly string[];
}

/** The 19 MovieLens 100K genres, in the column order of `u.item` (as listed in `u.genre`). */
const GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

const DEFAULTS: Readonly<{ file: string | undefined }> = Object.freeze({ file: undefined });

/** Largest Unix time in seconds that a `Date` can hold (8.64e15 ms). */
const MAX_UNIX_SECONDS = 8.64e12;

/** The file name for messages: the option when given (a non-empty string), else the usual name. */
function fileName(source: string, options: MovieLensParseOptions | undefined, usual: string): string {
  const { file } = resolveOptions(source, DEFAULTS, options);
  return file === undefined ? usual : checkFileOption(source, file);
}

/** `E_DUPLICATE_ID` naming the line that repeats an id and the line that had it first. */
function duplicateError(source: string, file: string, line: number, what: string, id: number, first: number, field: string): ParseError {
  return new ParseError('E_DUPLICATE_ID', `${source}: ${file} line ${line}: ${what} ${id} already appeared on line ${first}; each id must be listed once.`, {
    source,
    file,
    line,
    field,
  });
}

/**
 * Parses MovieLens 100K ratings (`u.data`: tab-separated `user item rating timestamp`, timestamps
 * in Unix seconds) into interactions with `weight` = rating (1–5) and `timestamp` in epoch ms.
 * Blank lines are skipped; any other malformed line throws (also a timestamp beyond the range of
 * `Date`). Every parsed line is kept, so `report.kept === report.total`.
 *
 * Costs O(length of text).
 *
 * @param text - the file contents
 * @param options - `file` for error messages (default `u.data`)
 * @returns a validation report whose `rows` are the interactions, in file order
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line of a malformed line
 * @example
 * ```ts
 * import { parseMovieLensRatings } from '@marksman/datasets';
 * const r = parseMovieLensRatings('196\t242\t3\t881250949\n');
 * r.rows[0]; // => { userId: 196, itemId: 242, weight: 3, timestamp: 881250949000 }
 * ```
 */
export function parseMovieLensRatings(text: string, options?: MovieLensParseOptions): ValidationReport<CleanInteraction> {
  const source = 'parseMovieLensRatings';
  const file = fileName(source, options, 'u.data');
  const out = new ReportBuilder<CleanInteraction>();
  let index = 0;
  forEachLine(checkText(source, file, text), (line, lineNumber) => {
    const f = line.split('\t');
    if (f.length !== 4) throw parseError(source, file, lineNumber, `expected 4 tab-separated fields (user, item, rating, timestamp), got ${f.length}.`);
    const userId = parseIntStrict(f[0]!);
    const itemId = parseIntStrict(f[1]!);
    const rating = parseIntStrict(f[2]!);
    const seconds = parseIntStrict(f[3]!);
    if (!(userId > 0)) throw parseError(source, file, lineNumber, `user id must be a positive integer, got "${f[0]}".`, 'userId');
    if (!(itemId > 0)) throw parseError(source, file, lineNumber, `item id must be a positive integer, got "${f[1]}".`, 'itemId');
    if (!(rating >= 1 && rating <= 5)) throw parseError(source, file, lineNumber, `rating must be an integer 1–5, got "${f[2]}".`, 'weight');
    if (!(seconds >= 0 && seconds <= MAX_UNIX_SECONDS)) {
      throw parseError(source, file, lineNumber, `timestamp must be Unix seconds within the range of Date (0 … 8.64e12), got "${f[3]}".`, 'timestamp');
    }
    out.keep(index++, { userId, itemId, weight: rating, timestamp: seconds * 1000 });
  });
  return out.build(index);
}

/**
 * Parses the MovieLens 100K movie list (`u.item`: pipe-separated `id|title|release date|video
 * release date|IMDb URL|19 genre flags`). The file is ISO-8859-1: pass its raw bytes (decoded
 * here, byte = code point) or a string you decoded as latin-1 yourself; a UTF-8 decode would garble
 * accented titles. `category` is the first flagged genre. Each movie id must appear once.
 *
 * Costs O(length of text).
 *
 * @param text - the file's bytes, or its contents decoded as latin-1
 * @param options - `file` for error messages (default `u.item`)
 * @returns the movies in file order
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line of a malformed line,
 *   `E_DUPLICATE_ID` for a movie id listed twice
 * @example
 * ```ts
 * import { parseMovieLensItems } from '@marksman/datasets';
 * const [toy] = parseMovieLensItems('1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n');
 * toy.genres; // => ['Animation', "Children's", 'Comedy']
 * toy.category; // => 'Animation'
 * toy.releaseDate; // => 788918400000
 * ```
 */
export function parseMovieLensItems(text: string | Uint8Array, options?: MovieLensParseOptions): MovieLensItem[] {
  const source = 'parseMovieLensItems';
  const file = fileName(source, options, 'u.item');
  const items: MovieLensItem[] = [];
  const firstLine = new Map<number, number>();
  const decoded = text instanceof Uint8Array ? decodeLatin1(text) : text;
  forEachLine(checkText(source, file, decoded), (line, lineNumber) => {
    const f = line.split('|');
    if (f.length !== 5 + GENRES.length) throw parseError(source, file, lineNumber, `expected ${5 + GENRES.length} pipe-separated fields, got ${f.length}.`);
    const itemId = parseIntStrict(f[0]!);
    if (!(itemId > 0)) throw parseError(source, file, lineNumber, `movie id must be a positive integer, got "${f[0]}".`, 'itemId');
    const seenAt = firstLine.get(itemId);
    if (seenAt !== undefined) throw duplicateError(source, file, lineNumber, 'movie id', itemId, seenAt, 'itemId');
    firstLine.set(itemId, lineNumber);
    const releaseDate = parseMovieLensDate(f[2]!);
    if (Number.isNaN(releaseDate)) throw parseError(source, file, lineNumber, `release date must look like 01-Jan-1995 or be empty, got "${f[2]}".`, 'releaseDate');
    const features: Record<string, number> = {};
    const genres: string[] = [];
    for (let g = 0; g < GENRES.length; g++) {
      const flag = f[5 + g];
      if (flag !== '0' && flag !== '1') throw parseError(source, file, lineNumber, `genre flag ${GENRES[g]} must be 0 or 1, got "${flag}".`, GENRES[g]);
      features[GENRES[g]!] = flag === '1' ? 1 : 0;
      if (flag === '1') genres.push(GENRES[g]!);
    }
    items.push({ itemId, category: genres[0] ?? 'unknown', features, title: f[1]!, releaseDate, imdbUrl: f[4]!, genres });
  });
  return items;
}

/**
 * Parses the MovieLens 100K user list (`u.user`: pipe-separated `id|age|gender|occupation|zip`)
 * into customers with attributes `age` (number), `gender` (`M`/`F`), `occupation` and `zipCode`
 * (a string: some are not numeric). Each user id must appear once.
 *
 * Costs O(length of text).
 *
 * @param text - the file contents
 * @param options - `file` for error messages (default `u.user`)
 * @returns the users in file order
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line of a malformed line,
 *   `E_DUPLICATE_ID` for a user id listed twice
 * @example
 * ```ts
 * import { parseMovieLensUsers } from '@marksman/datasets';
 * parseMovieLensUsers('1|24|M|technician|85711\n')[0];
 * // => { customerId: 1, attributes: { age: 24, gender: 'M', occupation: 'technician', zipCode: '85711' } }
 * ```
 */
export function parseMovieLensUsers(text: string, options?: MovieLensParseOptions): Customer[] {
  const source = 'parseMovieLensUsers';
  const file = fileName(source, options, 'u.user');
  const users: Customer[] = [];
  const firstLine = new Map<number, number>();
  forEachLine(checkText(source, file, text), (line, lineNumber) => {
    const f = line.split('|');
    if (f.length !== 5) throw parseError(source, file, lineNumber, `expected 5 pipe-separated fields (id, age, gender, occupation, zip), got ${f.length}.`);
    const customerId = parseIntStrict(f[0]!);
    const age = parseIntStrict(f[1]!);
    if (!(customerId > 0)) throw parseError(source, file, lineNumber, `user id must be a positive integer, got "${f[0]}".`, 'customerId');
    if (!(age >= 0)) throw parseError(source, file, lineNumber, `age must be a non-negative integer, got "${f[1]}".`, 'age');
    if (f[2] !== 'M' && f[2] !== 'F') throw parseError(source, file, lineNumber, `gender must be M or F, got "${f[2]}".`, 'gender');
    const seenAt = firstLine.get(customerId);
    if (seenAt !== undefined) throw duplicateError(source, file, lineNumber, 'user id', customerId, seenAt, 'customerId');
    firstLine.set(customerId, lineNumber);
    users.push({ customerId, attributes: { age, gender: f[2], occupation: f[3]!, zipCode: f[4]! } });
  });
  return users;
}

/** `01-Jan-1995` → epoch ms (UTC); '' → null; anything else → NaN. */
function parseMovieLensDate(s: string): number | null {
  if (s === '') return null;
  const m = /^(\d{1,2})-([A-Z][a-z]{2})-(\d{4})$/.exec(s);
  const month = m === null ? undefined : MONTHS[m[2]!];
  if (m === null || month === undefined) return NaN;
  const day = Number(m[1]);
  const ms = Date.UTC(Number(m[3]), month, day);
  return new Date(ms).getUTCDate() === day ? ms : NaN;
}

/** ISO-8859-1 bytes → string (each byte is its own code point). */
function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 8192)));
  }
  return out;
}
