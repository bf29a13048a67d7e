import { ParseError } from '@marksman/core';
import { parseCsvAs, parseCsvChunksAs, readCsvAs, resolveOptions } from '@marksman/core/internal';
import type { CsvHeaderHook } from '@marksman/core/internal';
import type { CleanTransaction, CsvIssue, CsvReport, CsvTable, DictionaryColumn, RejectedRow, ValidationReport } from '@marksman/core';
import { checkFileOption } from './internal/text';

/** The text or bytes, or `E_PARSE` at line 0, field `text` (as every parser of this package). */
function checkInput(source: string, file: string, text: unknown): string | Uint8Array {
  if (typeof text === 'string' || text instanceof Uint8Array) return text;
  throw new ParseError('E_PARSE', `${source}: expected the contents of ${file} as a string or UTF-8 bytes, got ${text === null ? 'null' : typeof text}.`, { source, file, line: 0, field: 'text' });
}

/** Core's "no header" as this package's `E_PARSE`; any other error as it is. */
function emptyAsParseError(source: string, file: string, e: unknown): unknown {
  if (e instanceof ParseError && e.code === 'E_CSV_EMPTY') return new ParseError('E_PARSE', `${source}: ${file} is empty; expected a header line.`, { source, file, line: 1 });
  return e;
}

/** Options of {@link parseOnlineRetail} and {@link readOnlineRetail}. */
export interface OnlineRetailParseOptions {
  /** File name used in messages (a non-empty string). Default `online_retail.csv`. */
  readonly file?: string;
  /** Called after each chunk (about 1 MiB) with bytes, lines and rows read so far. */
  readonly onProgress?: ((progress: { readonly bytes: number; readonly lines: number; readonly rows: number }) => void) | undefined;
  /** Stops reading between chunks (`AbortError` `E_ABORTED`). */
  readonly signal?: AbortSignal | undefined;
  /** Expected size in bytes (e.g. `File.size`), for {@link readOnlineRetail}: columns are sized once. Default 0 (unknown). */
  readonly sizeHint?: number;
}

/** One line of the UCI Online Retail file, typed, nothing removed. */
export interface OnlineRetailLine {
  /** Invoice number; a leading `C` marks a cancellation. */
  readonly invoiceNo: string;
  /** Product code. */
  readonly stockCode: string;
  /** Product description as in the file ('' when missing; surrounding spaces kept). */
  readonly description: string;
  /** Units; negative on cancellations and stock adjustments. */
  readonly quantity: number;
  /** Invoice time as epoch ms, reading the file's wall-clock time as UTC. */
  readonly invoiceDate: number;
  /** Price of one unit (sterling). */
  readonly unitPrice: number;
  /** Customer number (`17850.0` → 17850), or null when the file leaves it empty. */
  readonly customerId: number | null;
  /** Country of the customer. */
  readonly country: string;
  /** True when `invoiceNo` starts with `C`. */
  readonly cancelled: boolean;
}

/**
 * The Online Retail lines as columns, one entry per line kept (the fast path: no object per
 * line). Text is dictionary-encoded: row i's invoice is `invoiceNo.values[invoiceNo.codes[i]]`.
 */
export interface OnlineRetailColumns {
  /** Invoice numbers (spaces trimmed). */
  readonly invoiceNo: DictionaryColumn;
  /** Product codes (spaces trimmed). */
  readonly stockCode: DictionaryColumn;
  /** Descriptions as in the file. */
  readonly description: DictionaryColumn;
  /** Units. */
  readonly quantity: Float64Array;
  /** Invoice times, epoch ms (the file's wall clock read as UTC). */
  readonly invoiceDate: Float64Array;
  /** Unit prices. */
  readonly unitPrice: Float64Array;
  /** Customer numbers; `NaN` where the file leaves CustomerID empty. */
  readonly customerId: Float64Array;
  /** Countries as in the file. */
  readonly country: DictionaryColumn;
  /** 1 where the invoice starts with `C` (a cancellation); made on first read. */
  readonly cancelled: Uint8Array;
  /** The 1-based line of the file on which each line's record starts (made on first read for a file of one-line records). */
  readonly lineNumbers: Int32Array;
}

/** What {@link parseOnlineRetail} returns. */
export interface OnlineRetailData {
  /** Number of lines kept. */
  readonly length: number;
  /** The lines kept, as columns. */
  readonly columns: OnlineRetailColumns;
  /**
   * What was read, kept and left out: malformed records (bad quotes, field counts, numbers,
   * dates, UTF-8; an empty InvoiceNo, StockCode or UnitPrice; a fractional Quantity or
   * CustomerID) are left out and listed with their lines, never dropped silently.
   */
  readonly report: CsvReport;
  /** The lines kept, one object each, in order (built from `columns` on first read). */
  readonly lines: readonly OnlineRetailLine[];
  /**
   * The lines as transactions (`orderId` = InvoiceNo, `itemId` = StockCode, `amount` = quantity ×
   * unitPrice), built on first read. Indexes refer to `lines`. Lines without a CustomerID are
   * refused with code `E_CUSTOMER_MISSING`; cancellations and negative quantities are kept as they
   * are (cleaning them is profiling's job).
   */
  readonly transactions: ValidationReport<CleanTransaction>;
}

const HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
const TYPES = ['string', 'string', 'string', 'number', { type: 'date', dateOrder: 'mdy' }, 'number', 'number', 'string'] as const;
const DEFAULTS: Readonly<Required<OnlineRetailParseOptions>> = Object.freeze({ file: 'online_retail.csv', onProgress: undefined, signal: undefined, sizeHint: 0 });

function headerHook(source: string): CsvHeaderHook {
  return (names, file) => {
    if (names.length !== HEADER.length || names.some((name, k) => name.trim() !== HEADER[k])) {
      throw new ParseError('E_PARSE', `${source}: ${file} line 1: expected the header ${HEADER.join(',')}.`, { source, file, line: 1 });
    }
    return Object.fromEntries(names.map((name, k) => [name, TYPES[k]!]));
  };
}

function csvOptions(source: string, options: OnlineRetailParseOptions | undefined) {
  const o = resolveOptions(source, DEFAULTS, options);
  const file = checkFileOption(source, o.file);
  return { file, onProgress: o.onProgress, signal: o.signal, sizeHint: o.sizeHint };
}

/**
 * Parses the UCI "Online Retail" CSV (Chen 2012: InvoiceNo, StockCode, Description, Quantity,
 * InvoiceDate, UnitPrice, CustomerID, Country) into columns with core's `parseCsv` (RFC
 * 4180; bytes scanned once, text dictionary-encoded, numbers and dates parsed from the bytes).
 * InvoiceDate may be `2010-12-01 08:26:00` or the UCI export's `12/1/2010 8:26` (month first);
 * CustomerID may be `17850`, `17850.0` or empty.
 *
 * The rule: nothing is dropped silently and a bad line never stops the parse. A malformed record
 * is left out of the columns and listed in `report` with its line numbers and a code
 * (`E_CSV_QUOTE`, `E_CSV_FIELDS`, `E_CSV_NUMBER`, `E_CSV_DATE`, `E_CSV_UTF8`, `E_MISSING`). Every
 * other line is kept. `lines` and `transactions` give the record view, built from the columns on
 * first read; `transactions` lists each line without a customer under `rejected` with code
 * `E_CUSTOMER_MISSING`. Cancellations (`C…` invoices, negative quantity) are kept, flagged by
 * `cancelled`.
 *
 * Costs O(length of text). For a file or a browser `File`, {@link readOnlineRetail} streams it.
 *
 * @param text - the file contents, as text or UTF-8 bytes
 * @param options - `file` for messages, `onProgress`, `signal`
 * @returns the columns, the report, and the record views
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` for an empty file, a header other than the
 *   UCI one, or `text` that is neither a string nor bytes (line 0, field `text`); `E_CSV_HEADER` for a
 *   malformed header; `OptionsError` `E_OPTION_RANGE` for a `file` option that is not a non-empty
 *   string, `E_OPTION_UNKNOWN`; `AbortError` `E_ABORTED`
 * @example
 * ```ts
 * import { parseOnlineRetail } from '@marksman/datasets';
 * const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
 *   '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n' +
 *   '536366,22633,HAND WARMER,six,12/1/2010 8:28,1.85,17850.0,United Kingdom\n' +
 *   'C536379,D,Discount,-1,12/1/2010 9:41,27.5,,United Kingdom\n';
 * const r = parseOnlineRetail(csv);
 * r.length; // => 2
 * r.columns.quantity; // => Float64Array [6, -1]
 * r.report.issues[0].line; // => 3
 * r.report.issues[0].code; // => 'E_CSV_NUMBER'
 * r.lines[1].cancelled; // => true
 * r.transactions.rows[0].amount; // => 15.3
 * r.transactions.rejected[0].code; // => 'E_CUSTOMER_MISSING'
 * ```
 */
export function parseOnlineRetail(text: string | Uint8Array, options?: OnlineRetailParseOptions): OnlineRetailData {
  const source = 'parseOnlineRetail';
  const o = csvOptions(source, options);
  const input = checkInput(source, o.file, text);
  let table: CsvTable;
  try {
    table = parseCsvAs(source, input, { file: o.file, onProgress: o.onProgress, signal: o.signal }, headerHook(source));
  } catch (e) {
    throw emptyAsParseError(source, o.file, e);
  }
  return fromTable(source, o.file, table);
}

/**
 * Reads the UCI Online Retail CSV from a stream, chunk by chunk, into the same result as
 * {@link parseOnlineRetail}: a web `ReadableStream` (a dropped `File`'s `file.stream()` in a
 * browser) or any async iterable of byte chunks (Node's `fs.createReadStream`). The whole file
 * is never held in memory. Costs O(file size).
 *
 * @param stream - the file's bytes as a stream
 * @param options - `file`, `onProgress`, `signal`, `sizeHint`
 * @returns a promise of the columns, the report and the record views
 * @throws (rejects with) the errors of {@link parseOnlineRetail}
 * @example
 * ```ts
 * import { readOnlineRetail } from '@marksman/datasets';
 * const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n' +
 *   '536365,85123A,"HEART, WHITE",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\r\n';
 * const r = await readOnlineRetail(new Blob([csv]).stream());
 * r.lines[0].description; // => 'HEART, WHITE'
 * r.columns.invoiceDate[0]; // => 1291191960000
 * ```
 */
export async function readOnlineRetail(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>, options?: OnlineRetailParseOptions): Promise<OnlineRetailData> {
  const source = 'readOnlineRetail';
  const o = csvOptions(source, options);
  let table: CsvTable;
  try {
    table = await readCsvAs(source, stream, o, headerHook(source));
  } catch (e) {
    throw emptyAsParseError(source, o.file, e);
  }
  return fromTable(source, o.file, table);
}

/**
 * {@link parseOnlineRetail} over byte chunks produced synchronously (internal: the Node loader reads
 * the file piece by piece into one buffer, so the whole file is never in memory).
 */
export function parseOnlineRetailChunks(source: string, chunks: Iterable<Uint8Array>, file: string, sizeHint: number): OnlineRetailData {
  let table: CsvTable;
  try {
    table = parseCsvChunksAs(source, chunks, { file, sizeHint }, headerHook(source));
  } catch (e) {
    throw emptyAsParseError(source, file, e);
  }
  return fromTable(source, file, table);
}

/**
 * Trims each value; merges values that become equal. Returns the column unchanged when nothing
 * moves. The codes are renumbered in place: they are the CSV reader's own array, not yet shown to
 * anyone (a copy would hold a second line-sized array while the columns are being built).
 */
function trimmed(col: DictionaryColumn): DictionaryColumn {
  const values = col.values;
  if (values.every((v) => v.trim() === v)) return col;
  const index = new Map<string, number>();
  const out: string[] = [];
  const remap = new Int32Array(values.length);
  values.forEach((v, c) => {
    const t = v.trim();
    let k = index.get(t);
    if (k === undefined) {
      k = out.length;
      index.set(t, k);
      out.push(t);
    }
    remap[c] = k;
  });
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]!]!;
  return Object.freeze({ kind: 'dictionary', codes, values: Object.freeze(out) });
}

function take(col: DictionaryColumn, keep: Int32Array): DictionaryColumn {
  const codes = new Int32Array(keep.length);
  for (let j = 0; j < keep.length; j++) codes[j] = col.codes[keep[j]!]!;
  return Object.freeze({ kind: 'dictionary', codes, values: col.values });
}

function takeNumbers<T extends Float64Array | Int32Array | Uint8Array>(col: T, keep: Int32Array, make: (n: number) => T): T {
  const out = make(keep.length);
  for (let j = 0; j < keep.length; j++) out[j] = col[keep[j]!]!;
  return out;
}

function fromTable(source: string, file: string, t: CsvTable): OnlineRetailData {
  const [c0, c1, c2, c3, c4, c5, c6, c7] = t.names.map((name) => t.columns[name]!);
  const invoiceNo = trimmed(c0 as DictionaryColumn);
  const stockCode = trimmed(c1 as DictionaryColumn);
  const description = c2 as DictionaryColumn;
  const quantity = c3 as Float64Array;
  const invoiceDate = c4 as Float64Array;
  const unitPrice = c5 as Float64Array;
  const customerId = c6 as Float64Array;
  const country = c7 as DictionaryColumn;
  const n = t.length;
  // Checks the CSV reader cannot know: required fields, whole numbers, a representable amount.
  const emptyInvoice = invoiceNo.values.map((v) => v === '');
  const emptyStock = stockCode.values.map((v) => v === '');
  const issues: CsvIssue[] = [];
  const bad = (i: number, field: string, code: string, message: string): void => {
    const line = t.lineNumbers[i]!;
    issues.push({ line, lastLine: line, field, code, message: `${source}: ${file} line ${line}: ${message}; the record is left out of the columns.` });
  };
  // Rows left out, ascending (usually none: no line-sized array for them).
  const refused: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = quantity[i]!;
    const p = unitPrice[i]!;
    const c = customerId[i]!;
    const before = issues.length;
    if (emptyInvoice[invoiceNo.codes[i]!]) bad(i, 'InvoiceNo', 'E_MISSING', 'InvoiceNo is empty');
    else if (emptyStock[stockCode.codes[i]!]) bad(i, 'StockCode', 'E_MISSING', 'StockCode is empty');
    else if (!Number.isSafeInteger(q)) bad(i, 'Quantity', q !== q ? 'E_MISSING' : 'E_CSV_NUMBER', q !== q ? 'Quantity is empty' : `Quantity must be a whole number, got ${q}`);
    else if (invoiceDate[i]! !== invoiceDate[i]!) bad(i, 'InvoiceDate', 'E_MISSING', 'InvoiceDate is empty');
    else if (p !== p) bad(i, 'UnitPrice', 'E_MISSING', 'UnitPrice is empty');
    else if (!Number.isFinite(q * p)) bad(i, 'UnitPrice', 'E_CSV_NUMBER', `Quantity × UnitPrice = ${q} × ${p} overflows; the line amount cannot be represented`);
    else if (c === c && !(Number.isSafeInteger(c) && c >= 0)) bad(i, 'CustomerID', 'E_CSV_NUMBER', `CustomerID must be a whole number such as 17850 or 17850.0, got ${c}`);
    if (issues.length !== before) refused.push(i);
  }
  const rejected = refused.length;
  let columns: OnlineRetailColumns;
  let report = t.report;
  const cancelledOf = (col: DictionaryColumn): Uint8Array => {
    const flag = Uint8Array.from(col.values, (v) => (v.startsWith('C') ? 1 : 0));
    const out = new Uint8Array(col.codes.length);
    for (let i = 0; i < out.length; i++) out[i] = flag[col.codes[i]!]!;
    return out;
  };
  if (rejected === 0) {
    columns = lazyColumns({ invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country }, () => cancelledOf(invoiceNo), () => t.lineNumbers);
  } else {
    const keep = new Int32Array(n - rejected);
    for (let i = 0, j = 0, r = 0; i < n; i++) {
      if (r < rejected && refused[r] === i) r++;
      else keep[j++] = i;
    }
    const f64 = (k: number) => new Float64Array(k);
    const inv = take(invoiceNo, keep);
    const kept = {
      invoiceNo: inv,
      stockCode: take(stockCode, keep),
      description: take(description, keep),
      quantity: takeNumbers(quantity, keep, f64),
      invoiceDate: takeNumbers(invoiceDate, keep, f64),
      unitPrice: takeNumbers(unitPrice, keep, f64),
      customerId: takeNumbers(customerId, keep, f64),
      country: take(country, keep),
    };
    const lines = takeNumbers(t.lineNumbers, keep, (k) => new Int32Array(k));
    columns = lazyColumns(kept, () => cancelledOf(inv), () => lines);
    report = mergeReport(t.report, issues);
  }
  return recordViews(file, columns, report);
}

/**
 * The columns, frozen, with `cancelled` and `lineNumbers` read on first use: line-sized arrays
 * that cleaning (which reads the invoice numbers itself) never needs, and that the CSV reader
 * makes only when asked for a file of one-line records.
 */
function lazyColumns(base: Omit<OnlineRetailColumns, 'cancelled' | 'lineNumbers'>, cancelled: () => Uint8Array, lineNumbers: () => Int32Array): OnlineRetailColumns {
  let flags: Uint8Array | undefined;
  let lines: Int32Array | undefined;
  const out = { ...base } as Record<string, unknown>;
  Object.defineProperty(out, 'cancelled', { enumerable: true, get: () => (flags ??= cancelled()) });
  Object.defineProperty(out, 'lineNumbers', { enumerable: true, get: () => (lines ??= lineNumbers()) });
  return Object.freeze(out) as unknown as OnlineRetailColumns;
}

/** The CSV report with the parser's own refusals added (lines ascending). */
function mergeReport(r: CsvReport, extra: readonly CsvIssue[]): CsvReport {
  const lines = new Int32Array(r.rejectedLines.length + extra.length);
  lines.set(r.rejectedLines);
  extra.forEach((x, k) => (lines[r.rejectedLines.length + k] = x.line));
  lines.sort();
  const counts: Record<string, number> = { ...r.countsByCode };
  for (const x of extra) counts[x.code] = (counts[x.code] ?? 0) + 1;
  const limit = Math.max(1000, r.issues.length);
  const issues = [...r.issues, ...extra].sort((a, b) => a.line - b.line).slice(0, limit);
  return Object.freeze({
    ...r,
    kept: r.kept - extra.length,
    rejected: r.rejected + extra.length,
    rejectedLines: lines,
    issues: Object.freeze(issues),
    countsByCode: Object.freeze(counts),
  });
}

/** The result object: columns and report, with `lines` and `transactions` built on first read. */
function recordViews(file: string, c: OnlineRetailColumns, report: CsvReport): OnlineRetailData {
  const n = c.quantity.length;
  let lines: OnlineRetailLine[] | undefined;
  let transactions: ValidationReport<CleanTransaction> | undefined;
  const buildLines = (): OnlineRetailLine[] => {
    const out = new Array<OnlineRetailLine>(n);
    for (let i = 0; i < n; i++) {
      const customer = c.customerId[i]!;
      out[i] = Object.freeze({
        invoiceNo: c.invoiceNo.values[c.invoiceNo.codes[i]!]!,
        stockCode: c.stockCode.values[c.stockCode.codes[i]!]!,
        description: c.description.values[c.description.codes[i]!]!,
        quantity: c.quantity[i]!,
        invoiceDate: c.invoiceDate[i]!,
        unitPrice: c.unitPrice[i]!,
        customerId: customer === customer ? customer : null,
        country: c.country.values[c.country.codes[i]!]!,
        cancelled: c.cancelled[i] === 1,
      });
    }
    return out;
  };
  const buildTransactions = (): ValidationReport<CleanTransaction> => {
    const rows: CleanTransaction[] = [];
    const kept: number[] = [];
    const rejected: RejectedRow[] = [];
    for (let i = 0; i < n; i++) {
      const customer = c.customerId[i]!;
      if (customer !== customer) {
        rejected.push({
          index: i,
          field: 'customerId',
          code: 'E_CUSTOMER_MISSING',
          message: `${file} line ${c.lineNumbers[i]}: CustomerID is empty; the line is kept in lines but cannot be a customer transaction.`,
        });
        continue;
      }
      const quantity = c.quantity[i]!;
      const unitPrice = c.unitPrice[i]!;
      kept.push(i);
      rows.push({
        customerId: customer,
        orderId: c.invoiceNo.values[c.invoiceNo.codes[i]!]!,
        timestamp: c.invoiceDate[i]!,
        itemId: c.stockCode.values[c.stockCode.codes[i]!]!,
        quantity,
        unitPrice,
        amount: Math.round(quantity * unitPrice * 1e6) / 1e6,
      });
    }
    return {
      rows,
      keptIndexes: Int32Array.from(kept),
      total: n,
      kept: rows.length,
      rejected,
      countsByCode: rejected.length > 0 ? { E_CUSTOMER_MISSING: rejected.length } : {},
    };
  };
  const data = { length: n, columns: c, report } as { length: number; columns: OnlineRetailColumns; report: CsvReport };
  Object.defineProperty(data, 'lines', { enumerable: true, get: () => (lines ??= buildLines()) });
  Object.defineProperty(data, 'transactions', { enumerable: true, get: () => (transactions ??= buildTransactions()) });
  return Object.freeze(data) as OnlineRetailData;
}
