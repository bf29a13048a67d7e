// Internal: the push-based engine behind parseCsv / readCsv. It scans UTF-8 bytes (never a
// decoded string) chunk by chunk and writes each field straight into its column: numbers and dates
// parsed from the bytes into Float64Arrays, strings interned in a byte dictionary (Int32Array
// codes). A record cut by the end of a chunk is carried over and read again with the next chunk, so
// chunk boundaries (inside a quote, between CR and LF, inside a multi-byte character) never change
// the result. Faulty records are left out of the columns and reported with their lines.
import { ParseError } from './errors';
import { ByteDictionary, decodeLenient, decodeStrict, FNV_OFFSET, FNV_PRIME } from './csv-dictionary';
import { isBlank, parseDateBytes, parseNumberBytes } from './csv-bytes';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Column kinds of the engine. */
export const KIND_SKIP = 0;
export const KIND_NUMBER = 1;
export const KIND_STRING = 2;
export const KIND_DATE = 3;
export const KIND_AUTO = 4;

/** Bytes that stop an unquoted field: comma, LF, CR, quote. */
const SPECIAL = Uint8Array.from({ length: 256 }, (_, b) => (b === COMMA || b === LF || b === CR || b === QUOTE ? 1 : 0));

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// Fault priorities: a broken record structure outranks a wrong field count, which outranks a bad value.
const P_VALUE = 1;
const P_FIELDS = 2;
const P_QUOTE = 3;

/** A column as the engine was told to read it. */
export interface EngineColumn {
  readonly kind: number;
  readonly dateOrder: number;
}

/** One reported record (internal shape; the public one is CsvIssue). */
export interface EngineIssue {
  line: number;
  lastLine: number;
  field: string | null;
  code: string;
  message: string;
}

/** What the engine hands back. */
export interface EngineResult {
  readonly names: string[];
  readonly kinds: Uint8Array;
  readonly numbers: (Float64Array | null)[];
  readonly codes: (Int32Array | null)[];
  readonly dictionaries: (ByteDictionary | null)[];
  readonly length: number;
  /** The line of each row; null when row i starts on line `firstLine + i` (every row, one line each, none left out). */
  readonly lineNumbers: Int32Array | null;
  readonly firstLine: number;
  readonly lines: number;
  readonly records: number;
  readonly blankLines: number;
  readonly rejectedLines: Int32Array;
  readonly issues: EngineIssue[];
  readonly countsByCode: Record<string, number>;
  readonly bom: boolean;
  readonly lf: number;
  readonly crlf: number;
  readonly bytes: number;
}

function shown(b: Uint8Array, s: number, e: number): string {
  const text = decodeLenient(b.subarray(s, Math.min(e, s + 160)));
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/** The column reader. Call `push` with each chunk, then `finish`. */
export class CsvEngine {
  private readonly source: string;
  private readonly file: string;
  private readonly spec: (names: readonly string[]) => EngineColumn[];
  private readonly maxIssues: number;
  private readonly sizeHint: number;

  // Header and columns (set once the header is read).
  private names: string[] | null = null;
  private header: string[] = [];
  private headerFault: string | null = null;
  private ncols = 0;
  private kinds = new Uint8Array(0);
  private orders = new Uint8Array(0);
  private numbers: (Float64Array | null)[] = [];
  private codes: (Int32Array | null)[] = [];
  private dicts: (ByteDictionary | null)[] = [];
  /**
   * The line of each row, stored only once a row does not start on `lineOffset + row` (a record
   * over several lines, a blank line or a record left out before it): a file of one-line records
   * needs no line-sized array for them.
   */
  private lineNumbers: Int32Array | null = null;
  private lineOffset = NaN;
  private cap = 0;
  private n = 0;

  // Reading state.
  /** The unread end of the previous chunk lives at `work[0, carried)`; `work` is reused chunk after chunk. */
  private work = new Uint8Array(0);
  private carried = 0;
  private started = false;
  private bom = false;
  private line = 1;
  private consumed = 0;
  private records = 0;
  private blank = 0;
  private lf = 0;
  private crlf = 0;
  private scratch = new Uint8Array(256);
  private endsOpen = false;
  /** Offset in the whole input of `b[0]` in `push`, and of the record that made the columns grow. */
  private base = 0;
  private recordAt = 0;

  // The record being read.
  private fault = 0;
  private faultCode = '';
  private faultField: string | null = null;
  private faultMessage = '';

  // The report.
  private rejected = new Int32Array(64);
  private nRejected = 0;
  private readonly issues: EngineIssue[] = [];
  private readonly counts: Record<string, number> = {};

  constructor(source: string, file: string, spec: (names: readonly string[]) => EngineColumn[], maxIssues: number, sizeHint: number) {
    this.source = source;
    this.file = file;
    this.spec = spec;
    this.maxIssues = maxIssues;
    this.sizeHint = sizeHint;
  }

  /** Bytes read so far, lines completed so far and rows kept so far. */
  progress(): { bytes: number; lines: number; rows: number } {
    return { bytes: this.consumed, lines: this.line - 1, rows: this.n };
  }

  /** Reads a chunk of bytes; `final` for the last one (which may be empty). */
  push(chunk: Uint8Array, final = false): void {
    this.consumed += chunk.length;
    // A plain Uint8Array view (a Node Buffer is a subclass with another map), so the hot loops see one type.
    let b = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carried > 0) {
      const need = this.carried + b.length;
      if (this.work.length < need) {
        // An eighth more than needed, not twice: chunks are usually of one size, and the unread
        // end carried over is short, so this is grown about once (a doubled 1 MiB chunk buffer
        // would be 2 MiB held through the read, and 1 MiB more left behind).
        const grown = new Uint8Array(need + (need >> 3));
        grown.set(this.work.subarray(0, this.carried));
        this.work = grown;
      }
      this.work.set(b, this.carried);
      b = this.work.subarray(0, need);
    }
    this.carried = 0;
    this.base = this.consumed - b.length;
    let p = 0;
    const len = b.length;
    if (!this.started) {
      if (len < 3 && !final) {
        this.keep(b, 0);
        return;
      }
      this.started = true;
      if (len >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
        this.bom = true;
        p = 3;
      }
    }
    while (p < len) {
      const c = b[p] as number;
      if (c === LF) {
        this.line++;
        this.blank++;
        this.lf++;
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 < len && b[p + 1] === LF) {
          this.line++;
          this.blank++;
          this.crlf++;
          p += 2;
          continue;
        }
        if (p + 1 >= len && !final) break;
      }
      const line = this.line;
      const lf = this.lf;
      const crlf = this.crlf;
      let end = -2;
      if (this.names !== null) {
        if (this.n === this.cap) {
          this.recordAt = this.base + p;
          this.grow();
        }
        end = this.simpleRecord(b, p, len);
      }
      if (end === -2) end = this.record(b, p, len, final);
      if (end < 0) {
        this.line = line;
        this.lf = lf;
        this.crlf = crlf;
        break;
      }
      p = end;
    }
    if (p < len) this.keep(b, p);
  }

  /** Keeps `b[p..]` for the next chunk, at the start of the work buffer (the caller may reuse its chunk). */
  private keep(b: Uint8Array, p: number): void {
    const rest = b.length - p;
    if (b.buffer === this.work.buffer) this.work.copyWithin(0, p + b.byteOffset - this.work.byteOffset, b.length + b.byteOffset - this.work.byteOffset);
    else {
      if (this.work.length < rest) this.work = new Uint8Array(Math.max(rest, Math.min(2 * rest, 1 << 22), 4096));
      this.work.set(b.subarray(p));
    }
    this.carried = rest;
  }

  /**
   * The fast path for the usual record: no quotes, no lone CR, every value good, the header's
   * field count, complete in `b`. Returns where the next record starts, or -2 (nothing kept) when
   * the record is anything else, which `record` then reads from the start.
   */
  private simpleRecord(b: Uint8Array, p: number, len: number): number {
    const kinds = this.kinds;
    const ncols = this.ncols;
    const n = this.n;
    for (let col = 0; col < ncols; col++) {
      const kind = kinds[col];
      const s = p;
      if (kind === KIND_NUMBER) {
        // Digits with an optional sign and fraction, read as they are scanned.
        let i = p;
        let negative = false;
        if (i < len && b[i] === 45) {
          negative = true;
          i++;
        }
        let m = 0;
        let digits = 0;
        let scale = 0;
        while (i < len) {
          const c = (b[i] as number) - 48;
          if (c < 0 || c > 9) break;
          m = m * 10 + c;
          digits++;
          i++;
        }
        if (i < len && b[i] === 46) {
          i++;
          while (i < len) {
            const c = (b[i] as number) - 48;
            if (c < 0 || c > 9) break;
            m = m * 10 + c;
            digits++;
            scale++;
            i++;
          }
        }
        const t = i < len ? (b[i] as number) : -1;
        let v: number;
        if (digits > 0 && digits <= 15 && scale <= 22 && (t === COMMA || t === LF || t === CR)) {
          v = scale === 0 ? m : m / (POW10[scale] as number);
          if (negative) v = -v;
          p = i;
        } else {
          while (p < len && SPECIAL[b[p] as number] === 0) p++;
          v = parseNumberBytes(b, s, p);
          if (v !== v && !isBlank(b, s, p)) return -2;
        }
        (this.numbers[col] as Float64Array)[n] = v;
      } else if (kind === KIND_STRING || kind === KIND_AUTO) {
        let h = FNV_OFFSET;
        while (p < len) {
          const c = b[p] as number;
          if (SPECIAL[c] === 1) break;
          h = Math.imul(h ^ c, FNV_PRIME);
          p++;
        }
        const dict = this.dicts[col] as ByteDictionary;
        const code = dict.internHashed(b, s, p, h);
        if (dict.invalid[code] === 1) return -2;
        (this.codes[col] as Int32Array)[n] = code;
      } else {
        while (p < len && SPECIAL[b[p] as number] === 0) p++;
        if (kind === KIND_DATE) {
          const v = parseDateBytes(b, s, p, this.orders[col] as number);
          if (v !== v && !isBlank(b, s, p)) return -2;
          (this.numbers[col] as Float64Array)[n] = v;
        }
      }
      if (p >= len) return -2;
      const c = b[p] as number;
      if (c === COMMA) {
        if (col + 1 === ncols) return -2;
        p++;
        continue;
      }
      if (col + 1 !== ncols) return -2;
      if (c === LF) {
        this.lf++;
        p++;
      } else if (c === CR && p + 1 < len && b[p + 1] === LF) {
        this.crlf++;
        p += 2;
      } else return -2;
      if (this.lineNumbers !== null) this.lineNumbers[n] = this.line;
      else if (this.line - n !== this.lineOffset) this.storeLine(n, this.line);
      this.line++;
      this.n = n + 1;
      this.records++;
      return p;
    }
    return -2;
  }

  /**
   * Reads the record at `p`; returns where the next one starts, or -1 when the record is not
   * complete in `b` and more input may follow.
   */
  private record(b: Uint8Array, p: number, len: number, final: boolean): number {
    const first = this.line;
    this.fault = 0;
    if (this.names === null) {
      // The header may be read again when a chunk cut it.
      this.header = [];
      this.headerFault = null;
    }
    let col = 0;
    for (;;) {
      let s: number;
      let e: number;
      if (p < len && b[p] === QUOTE) {
        const opened = this.line;
        p++;
        s = p;
        let escaped = false;
        for (;;) {
          while (p < len) {
            const c = b[p] as number;
            if (c === QUOTE) break;
            if (c === LF) this.line++;
            p++;
          }
          if (p >= len) {
            if (!final) return -1;
            this.setFault(P_QUOTE, 'E_CSV_QUOTE', col, `the quoted field that opens on line ${opened} is never closed (an opening " has no closing ")`);
            return this.endRecord(first, len, -1, len > 0 && b[len - 1] === LF);
          }
          if (p + 1 < len) {
            if (b[p + 1] === QUOTE) {
              escaped = true;
              p += 2;
              continue;
            }
          } else if (!final) return -1;
          break;
        }
        e = p;
        p++;
        if (escaped) {
          const k = this.unescape(b, s, e);
          this.store(col, this.scratch, 0, k);
        } else this.store(col, b, s, e);
        if (p < len) {
          const c = b[p] as number;
          if (c !== COMMA && c !== LF && !(c === CR && p + 1 < len && b[p + 1] === LF)) {
            if (c === CR && p + 1 >= len && !final) return -1;
            this.setFault(P_QUOTE, 'E_CSV_QUOTE', col, `on line ${this.line}, a closing " must be followed by a comma or the end of the line, got ${shown(b, p, p + 1)}`);
            // Read the rest of the field as plain text so the record ends where the line does.
            while (p < len && b[p] !== COMMA && b[p] !== LF) p++;
            if (p >= len && !final) return -1;
          }
        }
      } else {
        s = p;
        while (p < len) {
          const c = b[p] as number;
          if (SPECIAL[c] === 1) {
            if (c === COMMA || c === LF) break;
            if (c === CR) {
              if (p + 1 < len) {
                if (b[p + 1] === LF) break;
              } else if (!final) return -1;
            } else {
              this.setFault(P_QUOTE, 'E_CSV_QUOTE', col, `a " inside field ${col + 1}, which does not start with one (quote the whole field and double the inner quotes)`);
            }
          }
          p++;
        }
        if (p >= len && !final) return -1;
        e = p;
        this.store(col, b, s, e);
      }
      col++;
      if (p >= len) return this.endRecord(first, len, col, false);
      const c = b[p] as number;
      if (c === COMMA) {
        p++;
        continue;
      }
      if (c === LF) {
        this.lf++;
        this.line++;
        return this.endRecord(first, p + 1, col, true);
      }
      // CR followed by LF (a lone CR was read as data above).
      this.crlf++;
      this.line++;
      return this.endRecord(first, p + 2, col, true);
    }
  }

  /** Copies `b[s, e)` into the scratch buffer with each `""` made one `"`; returns the length. */
  private unescape(b: Uint8Array, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = new Uint8Array(Math.max(e - s, this.scratch.length * 2));
    const out = this.scratch;
    let k = 0;
    for (let i = s; i < e; i++) {
      const c = b[i] as number;
      out[k++] = c;
      if (c === QUOTE) i++;
    }
    return k;
  }

  private setFault(priority: number, code: string, col: number, message: string): void {
    if (priority <= this.fault) return;
    this.fault = priority;
    this.faultCode = code;
    this.faultField = this.names !== null && col < this.ncols ? (this.names[col] as string) : null;
    this.faultMessage = message;
  }

  /** Writes field `col` of the current record. */
  private store(col: number, b: Uint8Array, s: number, e: number): void {
    if (this.names === null) {
      const text = decodeStrict(b.subarray(s, e));
      if (text === null) this.headerFault ??= `column ${col + 1} of the header is not valid UTF-8`;
      this.header.push(text ?? decodeLenient(b.subarray(s, e)));
      return;
    }
    if (col >= this.ncols) return;
    switch (this.kinds[col]) {
      case KIND_SKIP:
        return;
      case KIND_NUMBER: {
        const v = parseNumberBytes(b, s, e);
        (this.numbers[col] as Float64Array)[this.n] = v;
        if (v !== v && this.fault < P_VALUE && !isBlank(b, s, e)) {
          this.setFault(P_VALUE, 'E_CSV_NUMBER', col, `${this.names[col]} must be a number such as 12 or -3.5, got ${shown(b, s, e)}`);
        }
        return;
      }
      case KIND_DATE: {
        const v = parseDateBytes(b, s, e, this.orders[col] as number);
        (this.numbers[col] as Float64Array)[this.n] = v;
        if (v !== v && this.fault < P_VALUE && !isBlank(b, s, e)) {
          const order = this.orders[col] === 1 ? ' or 12/31/2024 23:59' : this.orders[col] === 2 ? ' or 31/12/2024 23:59' : '';
          this.setFault(P_VALUE, 'E_CSV_DATE', col, `${this.names[col]} must be a date such as 2024-12-31 or 2024-12-31 23:59:00${order}, got ${shown(b, s, e)}`);
        }
        return;
      }
      default: {
        const dict = this.dicts[col] as ByteDictionary;
        const code = dict.intern(b, s, e);
        (this.codes[col] as Int32Array)[this.n] = code;
        if (dict.invalid[code] === 1 && this.fault < P_VALUE) {
          this.setFault(P_VALUE, 'E_CSV_UTF8', col, `${this.names[col]} holds bytes that are not valid UTF-8 (shown as U+FFFD: ${JSON.stringify(dict.value(code))}); save the file as UTF-8`);
        }
      }
    }
  }

  private endRecord(first: number, next: number, fields: number, terminated: boolean): number {
    if (!terminated) this.endsOpen = true;
    if (this.names === null) {
      this.openColumns(first);
      return next;
    }
    this.records++;
    if (fields >= 0 && fields !== this.ncols && this.fault < P_FIELDS) {
      this.setFault(P_FIELDS, 'E_CSV_FIELDS', this.ncols, `expected ${this.ncols} fields (as in the header), got ${fields}`);
    }
    if (this.fault === 0) {
      if (this.lineNumbers !== null) this.lineNumbers[this.n] = first;
      else if (first - this.n !== this.lineOffset) this.storeLine(this.n, first);
      this.n++;
      return next;
    }
    // The line counter has moved past the record's terminator, unless the input ended first.
    const lastLine = terminated ? this.line - 1 : this.line;
    if (this.nRejected === this.rejected.length) {
      const grown = new Int32Array(this.rejected.length * 2);
      grown.set(this.rejected);
      this.rejected = grown;
    }
    this.rejected[this.nRejected++] = first;
    this.counts[this.faultCode] = (this.counts[this.faultCode] ?? 0) + 1;
    if (this.issues.length < this.maxIssues) {
      const where = lastLine > first ? `lines ${first}–${lastLine}` : `line ${first}`;
      this.issues.push({
        line: first,
        lastLine,
        field: this.faultField,
        code: this.faultCode,
        message: `${this.source}: ${this.file} ${where}: ${this.faultMessage}; the record is left out of the columns.`,
      });
    }
    return next;
  }

  private openColumns(line: number): void {
    const names = this.header;
    if (this.fault !== 0) throw new ParseError('E_CSV_HEADER', `${this.source}: ${this.file} line ${line}: the header is malformed: ${this.faultMessage}.`, { source: this.source, file: this.file, line });
    if (this.headerFault !== null) throw new ParseError('E_CSV_HEADER', `${this.source}: ${this.file} line ${line}: ${this.headerFault}; save the file as UTF-8.`, { source: this.source, file: this.file, line });
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) {
        throw new ParseError('E_CSV_HEADER', `${this.source}: ${this.file} line ${line}: the header names column ${JSON.stringify(name)} twice; column names must be unique.`, { source: this.source, file: this.file, line, field: name });
      }
      seen.add(name);
    }
    const cols = this.spec(names);
    this.names = names;
    this.ncols = names.length;
    this.kinds = Uint8Array.from(cols, (c) => c.kind);
    this.orders = Uint8Array.from(cols, (c) => c.dateOrder);
    this.cap = 0;
    this.grow();
  }

  /** Grows every column (first call: sized from the size hint, when there is one). */
  private grow(): void {
    let cap: number;
    if (this.cap === 0) cap = 1024;
    else if (this.sizeHint > 0 && this.n > 0 && this.recordAt < this.sizeHint) {
      // Rows so far say how many bytes a row takes: size the columns for the whole input at once.
      // At most 2^26 rows at once: a wrong hint must not allocate without bound (growth continues as needed).
      const estimate = Math.min(Math.ceil((this.sizeHint / Math.max(1, this.recordAt / this.n)) * 1.03) + 64, 1 << 26);
      cap = Math.max(Math.ceil(this.cap * 1.25) + 16, estimate);
    } else cap = Math.ceil(this.cap * 1.5) + 16;
    const old = this.cap;
    for (let c = 0; c < this.ncols; c++) {
      const kind = this.kinds[c];
      if (kind === KIND_NUMBER || kind === KIND_DATE) {
        const next = new Float64Array(cap);
        if (old > 0) next.set(this.numbers[c] as Float64Array);
        this.numbers[c] = next;
        this.codes[c] = null;
        this.dicts[c] = null;
      } else if (kind === KIND_STRING || kind === KIND_AUTO) {
        const next = new Int32Array(cap);
        if (old > 0) next.set(this.codes[c] as Int32Array);
        this.codes[c] = next;
        this.numbers[c] = null;
        this.dicts[c] ??= new ByteDictionary();
      } else {
        this.numbers[c] = null;
        this.codes[c] = null;
        this.dicts[c] = null;
      }
    }
    if (this.lineNumbers !== null) {
      const lines = new Int32Array(cap);
      lines.set(this.lineNumbers);
      this.lineNumbers = lines;
    }
    this.cap = cap;
  }

  /** Row `n` starts on `line`: the first row sets the offset; a row off it makes the line numbers stored from then on. */
  private storeLine(n: number, line: number): void {
    if (n === 0) {
      this.lineOffset = line;
      return;
    }
    const lines = new Int32Array(this.cap);
    for (let i = 0; i < n; i++) lines[i] = this.lineOffset + i;
    lines[n] = line;
    this.lineNumbers = lines;
  }

  /** Reads whatever is left and returns the columns (views trimmed to the rows kept). */
  finish(): EngineResult {
    this.push(new Uint8Array(0), true);
    if (this.names === null) {
      throw new ParseError('E_CSV_EMPTY', `${this.source}: ${this.file} is empty; expected a header line naming the columns.`, { source: this.source, file: this.file, line: 1 });
    }
    const n = this.n;
    const trim = <T extends Float64Array | Int32Array>(a: T): T => (a.length > n + (n >> 3) + 64 ? (a.slice(0, n) as T) : (a.subarray(0, n) as T));
    return {
      names: this.names,
      kinds: this.kinds,
      numbers: this.numbers.map((a) => (a === null ? null : trim(a))),
      codes: this.codes.map((a) => (a === null ? null : trim(a))),
      dictionaries: this.dicts,
      length: n,
      lineNumbers: this.lineNumbers === null ? null : trim(this.lineNumbers),
      firstLine: this.lineOffset,
      lines: this.line - 1 + (this.endsOpen ? 1 : 0),
      records: this.records,
      blankLines: this.blank,
      rejectedLines: this.rejected.slice(0, this.nRejected),
      issues: this.issues,
      countsByCode: this.counts,
      bom: this.bom,
      lf: this.lf,
      crlf: this.crlf,
      bytes: this.consumed,
    };
  }
}
