import { resolveOptions } from '@marksman/core/internal';
import type { CleanTransaction, ValidationReport } from '@marksman/core';
import { forEachCsvRecord } from './internal/csv';
import { ReportBuilder } from './internal/report';
import { checkFileOption, checkText, parseError, parseIntStrict, parseNumberStrict } from './internal/text';

/** Options of {@link parseOnlineRetail}. */
export interface OnlineRetailParseOptions {
  /** File name used in error messages (a non-empty string). Default `online_retail.csv`. */
  readonly file?: string;
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

/** What {@link parseOnlineRetail} returns. */
export interface OnlineRetailData {
  /** Every data line of the file, in order. */
  readonly lines: readonly OnlineRetailLine[];
  /**
   * The lines as transactions (`orderId` = InvoiceNo, `itemId` = StockCode, `amount` = quantity ×
   * unitPrice). Indexes refer to `lines`. Lines without a CustomerID are refused with code
   * `E_CUSTOMER_MISSING`; cancellations and negative quantities are kept as they are (cleaning them
   * is profiling's job).
   */
  readonly transactions: ValidationReport<CleanTransaction>;
}

const HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
const DEFAULTS: Readonly<Required<OnlineRetailParseOptions>> = Object.freeze({ file: 'online_retail.csv' });

/**
 * Parses the UCI "Online Retail" CSV (Chen 2012: InvoiceNo, StockCode, Description, Quantity,
 * InvoiceDate, UnitPrice, CustomerID, Country). InvoiceDate may be `2010-12-01 08:26:00` or the
 * UCI export's `12/1/2010 8:26` (month first); CustomerID may be `17850` or `17850.0` or empty.
 *
 * The rule: nothing is dropped silently. Every line is returned in `lines`; `transactions` holds
 * the lines that have a customer, and lists each line without one under `rejected` with code
 * `E_CUSTOMER_MISSING` (its `index` is the position in `lines`). Cancellations (`C…` invoices,
 * negative quantity) stay in both, flagged by `cancelled` and by the `C` of their orderId.
 *
 * Costs O(length of text).
 *
 * @param text - the file contents
 * @param options - `file` for error messages
 * @returns all lines, and the transactions report
 * @throws `ParseError` (from `@marksman/core`) `E_PARSE` naming the file and 1-based line for a wrong header, a wrong
 *   number of fields, a bad number or date (also a number, customer id or line amount too large to be represented);
 *   `OptionsError` `E_OPTION_RANGE` for a `file` option that is not a non-empty string
 * @example
 * ```ts
 * import { parseOnlineRetail } from '@marksman/datasets';
 * const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
 *   '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n' +
 *   'C536379,D,Discount,-1,12/1/2010 9:41,27.5,,United Kingdom\n';
 * const r = parseOnlineRetail(csv);
 * r.lines.length; // => 2
 * r.lines[1].cancelled; // => true
 * r.transactions.rows[0].amount; // => 15.3
 * r.transactions.rejected[0].code; // => 'E_CUSTOMER_MISSING'
 * ```
 */
export function parseOnlineRetail(text: string, options?: OnlineRetailParseOptions): OnlineRetailData {
  const source = 'parseOnlineRetail';
  const file = checkFileOption(source, resolveOptions(source, DEFAULTS, options).file);
  const lines: OnlineRetailLine[] = [];
  const out = new ReportBuilder<CleanTransaction>();
  let header = true;
  forEachCsvRecord(source, file, checkText(source, file, text), (f, line) => {
    if (header) {
      header = false;
      if (f.length !== HEADER.length || f.some((name, k) => name.trim() !== HEADER[k])) {
        throw parseError(source, file, line, `expected the header ${HEADER.join(',')}.`);
      }
      return;
    }
    if (f.length !== HEADER.length) throw parseError(source, file, line, `expected ${HEADER.length} fields, got ${f.length}.`);
    const invoiceNo = f[0]!.trim();
    if (invoiceNo === '') throw parseError(source, file, line, 'InvoiceNo is empty.', 'orderId');
    const stockCode = f[1]!.trim();
    if (stockCode === '') throw parseError(source, file, line, 'StockCode is empty.', 'itemId');
    const quantity = parseIntStrict(f[3]!.trim());
    if (Number.isNaN(quantity)) throw parseError(source, file, line, `Quantity must be a (safe) integer, got "${f[3]}".`, 'quantity');
    const invoiceDate = parseInvoiceDate(f[4]!.trim());
    if (Number.isNaN(invoiceDate)) throw parseError(source, file, line, `InvoiceDate must look like 2010-12-01 08:26:00 or 12/1/2010 8:26, got "${f[4]}".`, 'timestamp');
    const unitPrice = parseNumberStrict(f[5]!.trim());
    if (Number.isNaN(unitPrice)) throw parseError(source, file, line, `UnitPrice must be a finite number, got "${f[5]}".`, 'unitPrice');
    if (!Number.isFinite(quantity * unitPrice)) {
      throw parseError(source, file, line, `Quantity × UnitPrice = ${f[3]!.trim()} × ${f[5]!.trim()} overflows; the line amount cannot be represented.`, 'amount');
    }
    const rawCustomer = f[6]!.trim();
    let customerId: number | null = null;
    if (rawCustomer !== '') {
      const m = /^(\d+)(\.0*)?$/.exec(rawCustomer);
      if (m === null || !Number.isSafeInteger(Number(m[1]))) {
        throw parseError(source, file, line, `CustomerID must be a whole number such as 17850 or 17850.0, got "${f[6]}".`, 'customerId');
      }
      customerId = Number(m[1]);
    }
    const row: OnlineRetailLine = {
      invoiceNo,
      stockCode,
      description: f[2]!,
      quantity,
      invoiceDate,
      unitPrice,
      customerId,
      country: f[7]!,
      cancelled: invoiceNo.startsWith('C'),
    };
    const index = lines.length;
    lines.push(row);
    if (customerId === null) {
      out.reject(index, 'customerId', 'E_CUSTOMER_MISSING', `${file} line ${line}: CustomerID is empty; the line is kept in lines but cannot be a customer transaction.`);
    } else {
      const amount = Math.round(quantity * unitPrice * 1e6) / 1e6;
      out.keep(index, { customerId, orderId: invoiceNo, timestamp: invoiceDate, itemId: stockCode, quantity, unitPrice, amount });
    }
  });
  if (header) throw parseError(source, file, 1, 'the file is empty; expected a header line.');
  return { lines, transactions: out.build(lines.length) };
}

/** `YYYY-MM-DD HH:MM[:SS]` or `M/D/YYYY H:MM[:SS]` → epoch ms (wall clock read as UTC); NaN otherwise. */
function parseInvoiceDate(s: string): number {
  let y: number, mo: number, d: number, h: number, mi: number, sec: number;
  let m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m !== null) {
    [y, mo, d, h, mi, sec] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
    if (m === null) return NaN;
    [mo, d, y, h, mi, sec] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  }
  if (h > 23 || mi > 59 || sec > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : NaN;
}
