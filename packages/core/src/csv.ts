import { OptionsError, ParseError, ValidationError, throwIfAborted } from './errors';
import { resolveOptions } from './options';
import { describeValue } from './timestamp';
import { CsvEngine, KIND_AUTO, KIND_DATE, KIND_NUMBER, KIND_SKIP, KIND_STRING } from './csv-reader';
import type { EngineColumn, EngineResult } from './csv-reader';
import { parseNumberBytes, isBlank, DATE_DMY, DATE_ISO, DATE_MDY } from './csv-bytes';
import type { ByteDictionary } from './csv-dictionary';
import type { DictionaryColumn } from './dictionary-column';

/**
 * How a CSV column is read:
 * - `'number'` — a `Float64Array`; an empty field is `NaN` (missing), anything that is not a
 *   decimal number (`12`, `-3.5`, `.5`, `1e-3`) is a fault;
 * - `'date'` — epoch milliseconds in a `Float64Array` (ISO-8601 dates and date-times; a time
 *   without a zone is UTC); empty is `NaN`, anything else is a fault;
 * - `'string'` — a {@link DictionaryColumn} (every value kept exactly, spaces included);
 * - `'auto'` (the default) — read as strings, then turned into numbers when every value is a
 *   number or empty;
 * - `'skip'` — not kept (saves memory).
 */
export type CsvColumnType = 'auto' | 'number' | 'string' | 'date' | 'skip';

/** A column type with settings. */
export interface CsvColumnSpec {
  /** How the column is read. */
  readonly type: CsvColumnType;
  /**
   * For `'date'`: also accept slashed dates, month first (`'mdy'`: `12/31/2024 23:59`) or day
   * first (`'dmy'`: `31/12/2024 23:59`), read as UTC. Default `'iso'` (ISO-8601 only).
   */
  readonly dateOrder?: 'iso' | 'mdy' | 'dmy';
}

/** A column of a {@link CsvTable}: numbers and dates as `Float64Array`, text dictionary-encoded. */
export type CsvColumn = Float64Array | DictionaryColumn;

/** Progress of {@link parseCsv} / {@link readCsv}, reported after each chunk. */
export interface CsvProgress {
  /** Bytes read so far. */
  readonly bytes: number;
  /** Lines completed so far. */
  readonly lines: number;
  /** Rows kept so far. */
  readonly rows: number;
}

/** One record left out of the columns, and why. */
export interface CsvIssue {
  /** 1-based line on which the record starts. */
  readonly line: number;
  /** 1-based line on which it ends (a quoted field may hold line breaks). */
  readonly lastLine: number;
  /** The column at fault, or null when the fault is the record's shape. */
  readonly field: string | null;
  /** `E_CSV_QUOTE`, `E_CSV_FIELDS`, `E_CSV_NUMBER`, `E_CSV_DATE` or `E_CSV_UTF8`. */
  readonly code: string;
  /** A sentence naming the file, the line, the column and the value. */
  readonly message: string;
}

/** Line terminators seen, by kind. */
export interface CsvLineEndings {
  /** Lines ended by `\n` alone. */
  readonly lf: number;
  /** Lines ended by `\r\n`. */
  readonly crlf: number;
}

/** What {@link parseCsv} read, kept and left out. `kept + rejected === records`. */
export interface CsvReport {
  /** Bytes read (a byte-order mark included). */
  readonly bytes: number;
  /** Lines in the input. */
  readonly lines: number;
  /** Data records read (the header and blank lines not counted). */
  readonly records: number;
  /** Records kept as rows. */
  readonly kept: number;
  /** Records left out because of a fault. */
  readonly rejected: number;
  /** First line of every record left out, ascending (all of them, even beyond `maxIssues`). */
  readonly rejectedLines: Int32Array;
  /** The first `maxIssues` records left out, with code, column and message. */
  readonly issues: readonly CsvIssue[];
  /** Records left out, per code (all of them). */
  readonly countsByCode: Readonly<Record<string, number>>;
  /** Blank lines skipped. */
  readonly blankLines: number;
  /** Whether the input began with a UTF-8 byte-order mark (skipped). */
  readonly bom: boolean;
  /** Line terminators seen. */
  readonly lineEndings: CsvLineEndings;
}

/** What {@link parseCsv} and {@link readCsv} return: columns, not one object per line. */
export interface CsvTable {
  /** Column names in header order (skipped columns left out). */
  readonly names: readonly string[];
  /** The columns by name, each `length` long. */
  readonly columns: Readonly<Record<string, CsvColumn>>;
  /** Number of rows kept. */
  readonly length: number;
  /** For each row, the 1-based line of the file on which its record starts (made on first read when every row is one line and none was left out). */
  readonly lineNumbers: Int32Array;
  /** What was read, kept and left out, with line numbers. */
  readonly report: CsvReport;
}

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface ParseCsvOptions {
  /** How to read each column, by header name; unnamed columns are `'auto'`. Default `{}`. */
  readonly columns?: Readonly<Record<string, CsvColumnType | CsvColumnSpec>>;
  /** Name of the input in messages. Default `'CSV input'`. */
  readonly file?: string;
  /** How many faulty records to describe in `report.issues` (all are counted). Default 1000. */
  readonly maxIssues?: number;
  /** Called after each chunk with bytes, lines and rows so far. */
  readonly onProgress?: ((progress: CsvProgress) => void) | undefined;
  /** Stops reading between chunks (`AbortError` `E_ABORTED`). */
  readonly signal?: AbortSignal | undefined;
  /** Chunk size in bytes (1 to 2^30) for a string or bytes input (progress and abort checks come per chunk). Default 1 MiB. */
  readonly chunkBytes?: number;
  /** Expected input size in bytes (e.g. `File.size`), for {@link readCsv}: columns are sized once instead of grown. Default 0 (unknown). */
  readonly sizeHint?: number;
}

interface Resolved {
  columns: Readonly<Record<string, CsvColumnType | CsvColumnSpec>>;
  file: string;
  maxIssues: number;
  onProgress: ((progress: CsvProgress) => void) | undefined;
  signal: AbortSignal | undefined;
  chunkBytes: number;
  sizeHint: number;
}

const DEFAULTS: Readonly<Resolved> = Object.freeze({
  columns: Object.freeze({}),
  file: 'CSV input',
  maxIssues: 1000,
  onProgress: undefined,
  signal: undefined,
  chunkBytes: 1 << 20,
  sizeHint: 0,
});

const KINDS: Readonly<Record<CsvColumnType, number>> = Object.freeze({ auto: KIND_AUTO, number: KIND_NUMBER, string: KIND_STRING, date: KIND_DATE, skip: KIND_SKIP });
const ORDERS: Readonly<Record<string, number>> = Object.freeze({ iso: DATE_ISO, mdy: DATE_MDY, dmy: DATE_DMY });

function range(source: string, field: string, what: string, got: unknown): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be ${what}, got ${describeValue(got)}.`, { source, field });
}

function resolve(source: string, options: ParseCsvOptions | undefined): { o: Resolved; spec: Map<string, EngineColumn> } {
  const o = resolveOptions(source, DEFAULTS, options) as Resolved;
  if (typeof o.file !== 'string' || o.file === '') throw range(source, 'file', 'a non-empty string', o.file);
  if (!Number.isInteger(o.maxIssues) || o.maxIssues < 0) throw range(source, 'maxIssues', 'an integer ≥ 0', o.maxIssues);
  if (!Number.isInteger(o.chunkBytes) || o.chunkBytes < 1 || o.chunkBytes > 2 ** 30) throw range(source, 'chunkBytes', 'an integer from 1 to 2^30', o.chunkBytes);
  if (typeof o.sizeHint !== 'number' || !(o.sizeHint >= 0) || !(o.sizeHint <= Number.MAX_SAFE_INTEGER)) throw range(source, 'sizeHint', 'a number of bytes from 0 to 2^53 - 1', o.sizeHint);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw range(source, 'onProgress', 'a function', o.onProgress);
  throwIfAborted(o.signal, source);
  const cols = o.columns as unknown;
  if (typeof cols !== 'object' || cols === null || Array.isArray(cols)) throw range(source, 'columns', "an object such as { price: 'number', day: 'date' }", cols);
  const spec = new Map<string, EngineColumn>();
  for (const [name, raw] of Object.entries(cols as Record<string, unknown>)) {
    const field = `columns.${name}`;
    const typeName = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (typeof typeName !== 'string' || !Object.prototype.hasOwnProperty.call(KINDS, typeName)) {
      throw range(source, field, "'auto', 'number', 'string', 'date', 'skip' or { type, dateOrder }", typeof raw === 'object' && raw !== null ? typeName : raw);
    }
    let order = DATE_ISO;
    if (typeof raw === 'object' && raw !== null) {
      for (const key of Object.keys(raw)) {
        if (key !== 'type' && key !== 'dateOrder') {
          throw new OptionsError('E_OPTION_UNKNOWN', `${source}: unknown key "${key}" in ${field}. Known keys: type, dateOrder.`, { source, field: `${field}.${key}` });
        }
      }
      const d = (raw as { dateOrder?: unknown }).dateOrder;
      if (d !== undefined) {
        if (typeof d !== 'string' || !Object.prototype.hasOwnProperty.call(ORDERS, d)) throw range(source, `${field}.dateOrder`, "'iso', 'mdy' or 'dmy'", d);
        order = ORDERS[d] as number;
      }
    }
    spec.set(name, { kind: KINDS[typeName as CsvColumnType], dateOrder: order });
  }
  return { o, spec };
}

/** Given the header, the column settings by name (internal callers check the header this way). */
export type CsvHeaderHook = (names: readonly string[], file: string) => Readonly<Record<string, CsvColumnType | CsvColumnSpec>>;

function engineFor(source: string, o: Resolved, given: Map<string, EngineColumn>, sizeHint: number, hook?: CsvHeaderHook): CsvEngine {
  const auto: EngineColumn = { kind: KIND_AUTO, dateOrder: DATE_ISO };
  return new CsvEngine(
    source,
    o.file,
    (names) => {
      const spec = hook === undefined ? given : resolve(source, { columns: hook(names, o.file) }).spec;
      for (const name of spec.keys()) {
        if (!names.includes(name)) {
          throw new ParseError('E_CSV_HEADER', `${source}: ${o.file} line 1: the columns option names ${JSON.stringify(name)}, which the header (${names.map((x) => JSON.stringify(x)).join(', ')}) lacks.`, {
            source,
            file: o.file,
            line: 1,
            field: name,
          });
        }
      }
      return names.map((name) => spec.get(name) ?? auto);
    },
    o.maxIssues,
    sizeHint,
  );
}

/** Codes → values with unused values dropped (values seen only on records left out). */
function compact(codes: Int32Array, dict: ByteDictionary): { codes: Int32Array; values: string[] } {
  const size = dict.size;
  const used = new Uint8Array(size);
  for (let i = 0; i < codes.length; i++) used[codes[i] as number] = 1;
  let all = true;
  for (let c = 0; c < size; c++) if (used[c] === 0) all = false;
  if (all) return { codes, values: dict.values };
  const remap = new Int32Array(size);
  const values: string[] = [];
  for (let c = 0; c < size; c++) {
    if (used[c] === 1) {
      remap[c] = values.length;
      values.push(dict.values[c] as string);
    }
  }
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = remap[codes[i] as number] as number;
  return { codes: out, values };
}

/** An `'auto'` column as numbers when every value is a number or blank (and one is a number); null otherwise. */
function autoNumbers(codes: Int32Array, dict: ByteDictionary, values: readonly string[]): Float64Array | null {
  const size = values.length;
  if (size === 0) return null;
  const table = new Float64Array(size);
  let numbers = 0;
  const encoder = new TextEncoder();
  for (let c = 0; c < size; c++) {
    const bytes = size === dict.size ? dict.bytes(c) : encoder.encode(values[c]);
    const v = parseNumberBytes(bytes, 0, bytes.length);
    if (v !== v) {
      if (!isBlank(bytes, 0, bytes.length)) return null;
    } else numbers++;
    table[c] = v;
  }
  if (numbers === 0) return null;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i] as number] as number;
  return out;
}

function build(r: EngineResult): CsvTable {
  const names: string[] = [];
  const columns: Record<string, CsvColumn> = {};
  const rejected = r.rejectedLines.length;
  for (let c = 0; c < r.names.length; c++) {
    const name = r.names[c] as string;
    const kind = r.kinds[c];
    if (kind === KIND_SKIP) continue;
    names.push(name);
    if (kind === KIND_NUMBER || kind === KIND_DATE) {
      columns[name] = r.numbers[c] as Float64Array;
      continue;
    }
    const dict = r.dictionaries[c] as ByteDictionary;
    const d = rejected > 0 ? compact(r.codes[c] as Int32Array, dict) : { codes: r.codes[c] as Int32Array, values: dict.values };
    const asNumbers = kind === KIND_AUTO ? autoNumbers(d.codes, dict, d.values) : null;
    columns[name] = asNumbers ?? Object.freeze({ kind: 'dictionary', codes: d.codes, values: Object.freeze(d.values.slice()) });
  }
  const report: CsvReport = Object.freeze({
    bytes: r.bytes,
    lines: r.lines,
    records: r.records,
    kept: r.length,
    rejected,
    rejectedLines: r.rejectedLines,
    issues: Object.freeze(r.issues.map((x) => Object.freeze({ ...x }))),
    countsByCode: Object.freeze({ ...r.countsByCode }),
    blankLines: r.blankLines,
    bom: r.bom,
    lineEndings: Object.freeze({ lf: r.lf, crlf: r.crlf }),
  });
  const table = { names: Object.freeze(names), columns: Object.freeze(columns), length: r.length } as Record<string, unknown>;
  const stored = r.lineNumbers;
  if (stored !== null) table.lineNumbers = stored;
  else {
    // Row i on line firstLine + i: the array is made on first read (most callers never read it).
    let made: Int32Array | undefined;
    const { length, firstLine } = r;
    Object.defineProperty(table, 'lineNumbers', { enumerable: true, get: () => (made ??= consecutiveLines(length, firstLine)) });
  }
  table.report = report;
  return Object.freeze(table) as unknown as CsvTable;
}

function consecutiveLines(n: number, first: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = first + i;
  return out;
}

function step(source: string, engine: CsvEngine, o: Resolved): void {
  o.onProgress?.(engine.progress());
  throwIfAborted(o.signal, source);
}

/**
 * Reads CSV text (RFC 4180) into columns: numbers and dates straight into `Float64Array`s, text
 * dictionary-encoded ({@link DictionaryColumn}), never one object per line. The first record is
 * the header; blank lines are skipped and counted.
 *
 * RFC 4180 exactly: fields separated by commas; a field that starts with `"` is quoted, may hold
 * commas, line breaks and `""` (one quote), and must be followed by a comma or the end of the
 * line; records end with `\n` or `\r\n` (a lone `\r` is data); a UTF-8 byte-order mark is skipped.
 *
 * Nothing is dropped silently and nothing crashes on a bad line: a record with a fault — an
 * unbalanced or misplaced quote (`E_CSV_QUOTE`), a field count other than the header's
 * (`E_CSV_FIELDS`), a number or date that does not read (`E_CSV_NUMBER`, `E_CSV_DATE`), bytes that
 * are not UTF-8 in a text column (`E_CSV_UTF8`) — is left out of the columns and reported with
 * its line numbers in `report`.
 *
 * The input is read in chunks of `chunkBytes` (a string is encoded to UTF-8 chunk by chunk), with
 * `onProgress` after each and `signal` checked between them. For a file or a browser `File`, use
 * {@link readCsv}, which streams. Costs O(bytes); each distinct string is decoded once.
 *
 * @param input - the CSV text, or its UTF-8 bytes
 * @param options - see {@link ParseCsvOptions}
 * @returns the {@link CsvTable}
 * @throws `ParseError` `E_CSV_EMPTY` when there is no header line, `E_CSV_HEADER` for a malformed
 *   header, a repeated column name or a `columns` entry the header lacks;
 *   `ValidationError` `E_INPUT` when `input` is neither a string nor a `Uint8Array`;
 *   `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`; `AbortError` `E_ABORTED`
 * @example
 * ```ts
 * import { parseCsv } from '@marksman/core';
 * import type { DictionaryColumn } from '@marksman/core';
 * const csv = 'customer,amount,day\r\na,2.5,2024-01-02\r\nb,x,2024-01-03\r\n"c, ltd",4,2024-01-05\r\n';
 * const t = parseCsv(csv, { columns: { amount: 'number', day: 'date' } });
 * t.length; // => 2
 * t.columns.amount; // => Float64Array [2.5, 4]
 * const customer = t.columns.customer as DictionaryColumn;
 * customer.values; // => ['a', 'c, ltd']
 * customer.codes; // => Int32Array [0, 1]
 * t.report.issues[0].code; // => 'E_CSV_NUMBER'
 * t.report.rejectedLines; // => Int32Array [3]
 * ```
 */
export function parseCsv(input: string | Uint8Array, options?: ParseCsvOptions): CsvTable {
  return parseCsvAs('parseCsv', input, options);
}

/** {@link parseCsv} on behalf of another public function (`source`), whose hook reads the header (internal). */
export function parseCsvAs(source: string, input: string | Uint8Array, options?: ParseCsvOptions, hook?: CsvHeaderHook): CsvTable {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new ValidationError('E_INPUT', `${source}: expected the CSV text as a string or a Uint8Array of UTF-8 bytes, got ${describeValue(input)}.`, { source, field: 'input' });
  }
  checkHook(source, hook);
  const { o, spec } = resolve(source, options);
  const size = input.length;
  const engine = engineFor(source, o, spec, size, hook);
  const chunk = o.chunkBytes;
  if (typeof input === 'string') {
    const encoder = new TextEncoder();
    // Each chunk of `chunk / 3` characters fits in `chunk` bytes (at most 3 bytes per UTF-16 unit).
    const chars = Math.max(2, Math.floor(chunk / 3));
    const buffer = new Uint8Array(Math.max(chunk, 8));
    for (let at = 0; at < size; ) {
      let stop = Math.min(size, at + chars);
      // Never split a surrogate pair between two chunks.
      const last = input.charCodeAt(stop - 1);
      if (stop < size && last >= 0xd800 && last <= 0xdbff) stop--;
      const { written } = encoder.encodeInto(input.slice(at, stop), buffer);
      engine.push(buffer.subarray(0, written));
      at = stop;
      step(source, engine, o);
    }
  } else {
    for (let at = 0; at < size; at += chunk) {
      engine.push(input.subarray(at, Math.min(size, at + chunk)));
      step(source, engine, o);
    }
  }
  return build(engine.finish());
}

/**
 * {@link parseCsv} over chunks produced synchronously (a file read piece by piece into one reused
 * buffer): each chunk is read before the next is asked for, so the producer may overwrite it.
 * Internal, for the Node file loaders.
 */
export function parseCsvChunksAs(source: string, chunks: Iterable<Uint8Array>, options?: ParseCsvOptions, hook?: CsvHeaderHook): CsvTable {
  if (typeof chunks !== 'object' || chunks === null || typeof (chunks as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new ValidationError('E_INPUT', `${String(source)}: expected an iterable of Uint8Array chunks, got ${describeValue(chunks)}.`, { source: String(source), field: 'input' });
  }
  checkHook(source, hook);
  const { o, spec } = resolve(source, options);
  const engine = engineFor(source, o, spec, o.sizeHint, hook);
  for (const chunk of chunks as Iterable<unknown>) {
    if (!(chunk instanceof Uint8Array)) {
      throw new ValidationError('E_INPUT', `${String(source)}: a chunk is ${describeValue(chunk)}; expected a Uint8Array of bytes.`, { source: String(source), field: 'input' });
    }
    engine.push(chunk);
    step(source, engine, o);
  }
  return build(engine.finish());
}

/** The header hook of the internal entry points: a function or nothing (`E_INPUT` otherwise). */
function checkHook(source: string, hook: unknown): void {
  if (hook !== undefined && typeof hook !== 'function') {
    throw new ValidationError('E_INPUT', `${String(source)}: the header hook must be a function, got ${describeValue(hook)}.`, { source: String(source), field: 'hook' });
  }
}

/** A chunk from a stream: bytes (a Node `Buffer` is a `Uint8Array`) or text. */
function chunkBytes(source: string, encoder: TextEncoder, chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  throw new ValidationError('E_INPUT', `${source}: the stream gave ${describeValue(chunk)}; expected chunks of bytes (Uint8Array) or strings.`, { source, field: 'input' });
}

/**
 * Reads CSV from a stream, chunk by chunk, into columns: the same reader, rules and report as
 * {@link parseCsv}, without holding the whole input in memory. Takes a web `ReadableStream`
 * (a browser `File`'s `file.stream()`, a `fetch` body) or any async iterable of `Uint8Array` or
 * string chunks (a Node `fs.createReadStream(path)`), so a browser can read a dropped file without
 * loading it whole. `onProgress` runs after each chunk; `signal` is checked between chunks, and
 * on abort the stream is cancelled. Pass `sizeHint` (e.g. `file.size`) to size the columns once.
 * Costs O(bytes).
 *
 * @param input - a `ReadableStream` or async iterable of chunks
 * @param options - see {@link ParseCsvOptions}
 * @returns a promise of the {@link CsvTable}
 * @throws (rejects with) the errors of {@link parseCsv}; `ValidationError` `E_INPUT` when `input`
 *   is not a stream or a chunk is neither bytes nor a string
 * @example
 * ```ts
 * import { readCsv } from '@marksman/core';
 * const stream = new Blob(['id,price\n1,2.', '5\n2,"3"\n']).stream();
 * const t = await readCsv(stream, { columns: { price: 'number' } });
 * t.columns.price; // => Float64Array [2.5, 3]
 * t.report.lines; // => 3
 * ```
 */
export async function readCsv(input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>, options?: ParseCsvOptions): Promise<CsvTable> {
  return readCsvAs('readCsv', input, options);
}

/** {@link readCsv} on behalf of another public function (`source`), whose hook reads the header (internal). */
export async function readCsvAs(
  source: string,
  input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>,
  options?: ParseCsvOptions,
  hook?: CsvHeaderHook,
): Promise<CsvTable> {
  const isReadable = typeof input === 'object' && input !== null && typeof (input as ReadableStream).getReader === 'function';
  const isIterable = typeof input === 'object' && input !== null && typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  if (!isReadable && !isIterable) {
    throw new ValidationError('E_INPUT', `${source}: expected a ReadableStream or an async iterable of chunks (such as fs.createReadStream(path)), got ${describeValue(input)}.`, { source, field: 'input' });
  }
  checkHook(source, hook);
  const { o, spec } = resolve(source, options);
  const engine = engineFor(source, o, spec, o.sizeHint, hook);
  const encoder = new TextEncoder();
  if (isReadable) {
    const reader = (input as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        engine.push(chunkBytes(source, encoder, value));
        step(source, engine, o);
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const value of input as AsyncIterable<unknown>) {
      engine.push(chunkBytes(source, encoder, value));
      step(source, engine, o);
    }
  }
  return build(engine.finish());
}
