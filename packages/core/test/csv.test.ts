// parseCsv / readCsv: RFC 4180 semantics, chunk boundaries at every byte, UTF-8 faults, numbers
// and dates read from bytes, the report of malformed records, progress and abort.
import { describe, expect, it } from 'vitest';
import { dictionaryEncode, isDictionaryColumn, parseCsv, Random, readCsv } from '@marksman/core';
import type { CsvTable, DictionaryColumn } from '@marksman/core';

const enc = new TextEncoder();

/** The table's columns as plain arrays of values (strings decoded), for comparisons. */
function plain(t: CsvTable): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of t.names) {
    const c = t.columns[name]!;
    out[name] = isDictionaryColumn(c) ? Array.from(c.codes, (k) => c.values[k]) : Array.from(c);
  }
  return out;
}

/** Everything observable about a table, for chunking invariance (messages without the function's name). */
function snapshot(t: CsvTable): unknown {
  const issues = t.report.issues.map((x) => ({ ...x, message: x.message.replace(/^(parseCsv|readCsv): /, '') }));
  return { names: t.names, cols: plain(t), lines: Array.from(t.lineNumbers), report: { ...t.report, issues, rejectedLines: Array.from(t.report.rejectedLines) } };
}

async function* chunks(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

function errorOf(fn: () => unknown): { code: string; name: string; field?: string; line?: number; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; name: string; message: string };
  }
  throw new Error('expected an error');
}

async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; name: string; message: string };
  }
  throw new Error('expected a rejection');
}

// A small file with every hard case: BOM, CRLF and LF, quoted commas, doubled quotes, a line
// break inside quotes (CRLF and LF), an empty quoted field, a trailing empty field, a blank line, a
// lone CR inside an unquoted field, multi-byte UTF-8 (2, 3 and 4 bytes), a bad number, and no final
// newline.
const TRICKY =
  '\uFEFFname,qty,day,note\r\n' +
  '"Smith, J",1,2024-01-02,"said ""hi"""\r\n' +
  'Élodie,2.5,2024-01-03 10:00,"two\r\nlines"\n' +
  '\n' +
  '"",-3,2024-02-29T23:59:59Z,\n' +
  'x\ry,1e3,,"€ and 😀"\r\n' +
  'bad,abc,2024-01-04,n\n' +
  'last,4,2024-03-01,"a\nb"';

describe('parseCsv: RFC 4180', () => {
  it('reads quotes, doubled quotes, embedded commas and line breaks, CRLF and LF, a BOM, blank lines and a missing final newline', () => {
    const t = parseCsv(TRICKY, { columns: { qty: 'number', day: 'date' } });
    expect(t.names).toEqual(['name', 'qty', 'day', 'note']);
    expect(plain(t)).toEqual({
      name: ['Smith, J', 'Élodie', '', 'x\ry', 'last'],
      qty: [1, 2.5, -3, 1000, 4],
      day: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3, 10), Date.UTC(2024, 1, 29, 23, 59, 59), NaN, Date.UTC(2024, 2, 1)],
      note: ['said "hi"', 'two\r\nlines', '', '€ and 😀', 'a\nb'],
    });
    expect(Array.from(t.lineNumbers)).toEqual([2, 3, 6, 7, 9]);
    expect(t.report).toMatchObject({ bom: true, lines: 10, records: 6, kept: 5, rejected: 1, blankLines: 1, lineEndings: { lf: 4, crlf: 3 }, bytes: enc.encode(TRICKY).length });
    expect(t.report.issues).toEqual([
      { line: 8, lastLine: 8, field: 'qty', code: 'E_CSV_NUMBER', message: 'parseCsv: CSV input line 8: qty must be a number such as 12 or -3.5, got "abc"; the record is left out of the columns.' },
    ]);
  });

  it('gives the same table for every way of cutting the bytes into chunks (every split point, every chunk size)', async () => {
    const bytes = enc.encode(TRICKY);
    const options = { columns: { qty: 'number', day: 'date' } } as const;
    const whole = snapshot(parseCsv(bytes, options));
    for (let size = 1; size <= bytes.length; size++) expect(snapshot(parseCsv(bytes, { ...options, chunkBytes: size }))).toEqual(whole);
    for (let k = 0; k <= bytes.length; k++) {
      const t = await readCsv(chunks([bytes.slice(0, k), bytes.slice(k)]), options);
      expect(snapshot(t)).toEqual(whole);
    }
    // Three pieces around each position: a quote, a CR or an LF alone in a chunk.
    for (let k = 1; k < bytes.length; k++) {
      const t = await readCsv(chunks([bytes.slice(0, k), bytes.slice(k, k + 1), bytes.slice(k + 1)]), options);
      expect(snapshot(t)).toEqual(whole);
    }
  });

  it('round-trips random fields through RFC 4180 encoding, whatever the chunk size', () => {
    const rng = new Random(5);
    const alphabet = ['a', 'Z', ' ', ',', '"', '\r\n', '\n', '\r', 'é', '€', '😀', '7', '.'];
    const field = () => Array.from({ length: rng.int(6) }, () => alphabet[rng.int(alphabet.length)]!).join('');
    const rows = Array.from({ length: 200 }, () => [field(), field(), field()]);
    const quote = (f: string) => (/[",\r\n]/.test(f) || f.startsWith(' ') || rng.next() < 0.2 ? `"${f.replaceAll('"', '""')}"` : f);
    // A field whose only special character is a lone CR need not be quoted, but an unquoted CR before LF would end the line: quote it.
    const csv = 'a,b,c\n' + rows.map((r) => r.map((f) => (f.endsWith('\r') ? `"${f.replaceAll('"', '""')}"` : quote(f))).join(',')).join(rng.next() < 0.5 ? '\n' : '\r\n') + '\n';
    const expected = { a: rows.map((r) => r[0]), b: rows.map((r) => r[1]), c: rows.map((r) => r[2]) };
    const kept = (t: CsvTable) => {
      // A row of three empty unquoted fields is ",,", not a blank line; all rows are kept.
      expect(t.report.rejected).toBe(0);
      return plain(t);
    };
    const columns = { a: 'string', b: 'string', c: 'string' } as const;
    expect(kept(parseCsv(csv, { columns }))).toEqual(expected);
    for (const size of [1, 2, 3, 7, 64]) expect(kept(parseCsv(enc.encode(csv), { columns, chunkBytes: size }))).toEqual(expected);
  });

  it('reports each kind of malformed record with its lines and keeps every other record', () => {
    const csv = [
      'id,price,day',
      '1,2.5,2024-01-01',
      '2,"unclosed,2024-01-01', // runs to the end of the input: everything after is one bad record
    ].join('\n');
    const open = parseCsv(`${csv}\n3,1,2024-01-02\n`, { columns: { price: 'number', day: 'date' } });
    expect(open.length).toBe(1);
    expect(open.report.issues).toEqual([expect.objectContaining({ code: 'E_CSV_QUOTE', line: 3, lastLine: 4, field: 'price' })]);

    const many = parseCsv(
      [
        'id,price,day',
        '1,2.5,2024-01-01',
        '2,3,2024-02-30', // impossible date
        '3,"4"x,2024-01-01', // text after a closing quote
        '4,5', // too few fields
        '5,5,2024-01-01,extra', // too many
        '6,1 2,2024-01-01', // not a number
        '7,12" vinyl,2024-01-01', // quote inside an unquoted field
        '8,,', // empty values are missing, not faults
        '9,0x10,2024-01-01', // no hex
        '10,Infinity,2024-01-01',
        '11,-.5e1,2024-01-01T10:00:00.123456+01:30',
      ].join('\r\n'),
      { columns: { price: 'number', day: 'date' } },
    );
    expect(plain(many)).toEqual({ id: [1, 8, 11], price: [2.5, NaN, -5], day: [Date.UTC(2024, 0, 1), NaN, Date.UTC(2024, 0, 1, 8, 30, 0, 123)] });
    expect(many.report.issues.map((x) => [x.line, x.code, x.field])).toEqual([
      [3, 'E_CSV_DATE', 'day'],
      [4, 'E_CSV_QUOTE', 'price'],
      [5, 'E_CSV_FIELDS', null],
      [6, 'E_CSV_FIELDS', null],
      [7, 'E_CSV_NUMBER', 'price'],
      [8, 'E_CSV_QUOTE', 'price'],
      [10, 'E_CSV_NUMBER', 'price'],
      [11, 'E_CSV_NUMBER', 'price'],
    ]);
    expect(Array.from(many.report.rejectedLines)).toEqual([3, 4, 5, 6, 7, 8, 10, 11]);
    expect(many.report.countsByCode).toEqual({ E_CSV_DATE: 1, E_CSV_QUOTE: 2, E_CSV_FIELDS: 2, E_CSV_NUMBER: 3 });
    expect(many.report.kept + many.report.rejected).toBe(many.report.records);
  });

  it('counts every faulty record even beyond maxIssues, and keeps only values of kept rows in dictionaries', () => {
    const csv = 'k,v\n' + Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `ok${i},1` : `gone${i},x`)).join('\n');
    const t = parseCsv(csv, Object.freeze({ columns: Object.freeze({ v: 'number' as const }), maxIssues: 3 }));
    expect(t.report.issues).toHaveLength(3);
    expect(t.report.rejected).toBe(25);
    expect(t.report.rejectedLines).toHaveLength(25);
    expect(t.report.countsByCode).toEqual({ E_CSV_NUMBER: 25 });
    const k = t.columns.k as DictionaryColumn;
    expect(k.values).toHaveLength(25);
    expect(k.values.every((v) => v.startsWith('ok'))).toBe(true);
  });
});

describe('parseCsv: line numbers', () => {
  it('gives each row the line its record starts on, whether or not a line was skipped, a record spanned lines or was left out', async () => {
    const rows = (k: number): string => Array.from({ length: k }, (_, i) => `r${i},${i}\n`).join('');
    // One-line records only: row i on line i + 2 (the array is made when read).
    const simple = parseCsv(`id,x\n${rows(3000)}`, { columns: { x: 'number' } });
    expect(simple.length).toBe(3000);
    expect(Array.from(simple.lineNumbers)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 2));
    expect(simple.lineNumbers).toBe(simple.lineNumbers);
    expect(Object.keys(simple)).toEqual(['names', 'columns', 'length', 'lineNumbers', 'report']);
    // After a blank line, a record over two lines or one left out, the rows keep their own lines,
    // however the input is cut into chunks.
    const text = `id,x\n\n${rows(1500)}\n"a\nb",1\nbad,zz\n${rows(1500).replace(/^r0,0\n/, '')}`;
    const expectedLines = [...Array.from({ length: 1500 }, (_, i) => i + 3), 1504, ...Array.from({ length: 1499 }, (_, i) => i + 1507)];
    const t = parseCsv(text, { columns: { x: 'number' } });
    expect(t.report.rejectedLines).toEqual(Int32Array.of(1506));
    expect(Array.from(t.lineNumbers)).toEqual(expectedLines);
    const bytes = enc.encode(text);
    for (const k of [1, 500, 20_000, bytes.length - 3]) {
      const r = await readCsv(chunks([bytes.slice(0, k), bytes.slice(k)]), { columns: { x: 'number' }, sizeHint: bytes.length });
      expect(Array.from(r.lineNumbers)).toEqual(expectedLines);
    }
    // A record left out before any row is kept: the first row still starts on its own line.
    expect(Array.from(parseCsv('a,x\nb,zz\nc,1\nd,2\n', { columns: { x: 'number' } }).lineNumbers)).toEqual([3, 4]);
  });
});

describe('parseCsv: UTF-8', () => {
  it('reports a text field that is not valid UTF-8 (E_CSV_UTF8) on its line, every time the bytes occur, and keeps the rest', () => {
    const bytes = Uint8Array.from([...enc.encode('name,n\nok,1\n'), 0x62, 0xff, 0x61, 0x64, ...enc.encode(',2\nok,3\n'), 0x62, 0xff, 0x61, 0x64, ...enc.encode(',4\n')]);
    const copy = bytes.slice();
    const t = parseCsv(bytes);
    expect(bytes).toEqual(copy); // input not touched
    expect(plain(t)).toEqual({ name: ['ok', 'ok'], n: [1, 3] });
    expect(t.report.issues.map((x) => [x.line, x.code, x.field])).toEqual([
      [3, 'E_CSV_UTF8', 'name'],
      [5, 'E_CSV_UTF8', 'name'],
    ]);
    expect(t.report.issues[0]!.message).toContain('"b\uFFFDad"');
  });

  it('reads a multi-byte character split across chunks, and a truncated one at the end as a fault', async () => {
    const bytes = enc.encode('w\n😀é€\n');
    for (let k = 0; k <= bytes.length; k++) {
      const t = await readCsv(chunks([bytes.slice(0, k), bytes.slice(k)]));
      expect(plain(t)).toEqual({ w: ['😀é€'] });
    }
    const cut = parseCsv(enc.encode('w\n😀').slice(0, -1));
    expect(cut.report.issues[0]).toMatchObject({ code: 'E_CSV_UTF8', line: 2 });
  });

  it('refuses a header that is not UTF-8, repeats a name or is malformed (E_CSV_HEADER), and an empty input (E_CSV_EMPTY)', () => {
    expect(errorOf(() => parseCsv(Uint8Array.of(0x61, 0xff, 0x0a, 0x31)))).toMatchObject({ name: 'ParseError', code: 'E_CSV_HEADER', line: 1 });
    expect(errorOf(() => parseCsv('a,b,a\n1,2,3\n'))).toMatchObject({ code: 'E_CSV_HEADER', field: 'a' });
    expect(errorOf(() => parseCsv('a,"b\n'))).toMatchObject({ code: 'E_CSV_HEADER' });
    expect(errorOf(() => parseCsv('a,b\n1,2\n', { columns: { c: 'number' } }))).toMatchObject({ code: 'E_CSV_HEADER', field: 'c' });
    expect(errorOf(() => parseCsv(''))).toMatchObject({ name: 'ParseError', code: 'E_CSV_EMPTY' });
    expect(errorOf(() => parseCsv('\n\r\n\n'))).toMatchObject({ code: 'E_CSV_EMPTY' });
    expect(errorOf(() => parseCsv('\uFEFF'))).toMatchObject({ code: 'E_CSV_EMPTY' });
  });
});

describe('parseCsv: values', () => {
  it('reads decimal numbers exactly as Number does (random mantissas and exponents)', () => {
    const rng = new Random(9);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const digits = Array.from({ length: 1 + rng.int(20) }, () => String(rng.int(10))).join('');
      const point = rng.int(digits.length + 1);
      let s = `${rng.next() < 0.3 ? '-' : ''}${digits.slice(0, point)}${point < digits.length ? '.' : ''}${digits.slice(point)}`;
      if (s === '' || s === '-' || /^-?\.?$/.test(s)) s = '0';
      if (rng.next() < 0.2) s += `e${rng.int(40) - 20}`;
      texts.push(s);
    }
    const t = parseCsv(`x\n${texts.join('\n')}\n`, { columns: { x: 'number' } });
    expect(t.report.rejected).toBe(0);
    expect(Array.from(t.columns.x as Float64Array)).toEqual(texts.map(Number));
  });

  it("reads 'auto' columns as numbers when every value is a number or empty, as strings otherwise, and skips 'skip' columns", () => {
    const t = parseCsv('a,b,c,d\n1,x,7,\n2.5,,8,\n,3,9,\n', { columns: { c: 'skip' } });
    expect(t.names).toEqual(['a', 'b', 'd']);
    expect(plain(t)).toEqual({ a: [1, 2.5, NaN], b: ['x', '', '3'], d: ['', '', ''] });
  });

  it('reads slashed dates month first or day first when asked, as UTC, and refuses impossible ones', () => {
    const csv = 'd\n12/1/2010 8:26\n1/12/2010\n2/29/2011\n2010-12-01 08:26:00\n';
    const mdy = parseCsv(csv, { columns: { d: { type: 'date', dateOrder: 'mdy' } } });
    expect(plain(mdy).d).toEqual([Date.UTC(2010, 11, 1, 8, 26), Date.UTC(2010, 0, 12), Date.UTC(2010, 11, 1, 8, 26)]);
    expect(mdy.report.issues[0]).toMatchObject({ line: 4, code: 'E_CSV_DATE' });
    const dmy = parseCsv(csv, { columns: { d: { type: 'date', dateOrder: 'dmy' } } });
    expect(plain(dmy).d).toEqual([Date.UTC(2010, 0, 12, 8, 26), Date.UTC(2010, 11, 1), NaN, Date.UTC(2010, 11, 1, 8, 26)].filter((_, i) => i !== 2));
    const iso = parseCsv(csv, { columns: { d: 'date' } });
    expect(iso.report.rejected).toBe(3);
  });

  it('dictionaryEncode and isDictionaryColumn agree with the reader', () => {
    const t = parseCsv('c\nUK\nFR\nUK\n', { columns: { c: 'string' } });
    const d = dictionaryEncode(['UK', 'FR', 'UK']);
    expect(t.columns.c).toEqual(d);
    expect(isDictionaryColumn(d)).toBe(true);
    expect(isDictionaryColumn({ kind: 'dictionary', codes: [0], values: ['a'] })).toBe(false);
  });
});

describe('parseCsv / readCsv: progress, abort, options', () => {
  it('reports progress after each chunk (bytes, lines and rows growing to the totals)', async () => {
    const csv = 'a,b\n' + Array.from({ length: 100 }, (_, i) => `${i},${i * 2}`).join('\n') + '\n';
    const seen: { bytes: number; lines: number; rows: number }[] = [];
    const t = parseCsv(enc.encode(csv), { chunkBytes: 64, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBe(Math.ceil(csv.length / 64));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytes).toBeGreaterThan(seen[i - 1]!.bytes);
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
    }
    expect(seen.at(-1)!.bytes).toBe(csv.length);
    expect(t.length).toBe(100);
    const streamed: number[] = [];
    await readCsv(new Blob([csv]).stream(), { onProgress: (p) => streamed.push(p.bytes) });
    expect(streamed.at(-1)).toBe(csv.length);
  });

  it('stops with E_ABORTED between chunks, and cancels a web stream it was reading', async () => {
    const csv = 'a\n' + '1\n'.repeat(1000);
    const controller = new AbortController();
    const e = errorOf(() => parseCsv(csv, { chunkBytes: 100, signal: controller.signal, onProgress: (p) => (p.bytes >= 300 ? controller.abort() : undefined) }));
    expect(e).toMatchObject({ name: 'AbortError', code: 'E_ABORTED' });
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(enc.encode(pulls === 1 ? 'a\n' : '1\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const c2 = new AbortController();
    const r = await rejectionOf(readCsv(stream, { signal: c2.signal, onProgress: (p) => (p.rows >= 5 ? c2.abort() : undefined) }));
    expect(r).toMatchObject({ name: 'AbortError', code: 'E_ABORTED' });
    expect(cancelled).toBe(true);
    const already = new AbortController();
    already.abort();
    expect(errorOf(() => parseCsv('a\n1\n', { signal: already.signal }))).toMatchObject({ code: 'E_ABORTED' });
  });

  it('refuses bad inputs and options with typed errors', async () => {
    expect(errorOf(() => parseCsv(42 as never))).toMatchObject({ name: 'ValidationError', code: 'E_INPUT', field: 'input' });
    expect(await rejectionOf(readCsv('a,b' as never))).toMatchObject({ code: 'E_INPUT' });
    expect(await rejectionOf(readCsv(chunks([{} as Uint8Array])))).toMatchObject({ code: 'E_INPUT' });
    expect(errorOf(() => parseCsv('a\n', { columns: { a: 'float' as never } }))).toMatchObject({ name: 'OptionsError', code: 'E_OPTION_RANGE', field: 'columns.a' });
    expect(errorOf(() => parseCsv('a\n', { columns: { a: { type: 'date', dateOrder: 'ymd' as never } } }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'columns.a.dateOrder' });
    expect(errorOf(() => parseCsv('a\n', { columns: { a: { type: 'date', order: 'mdy' } as never } }))).toMatchObject({ code: 'E_OPTION_UNKNOWN' });
    expect(errorOf(() => parseCsv('a\n', { chunkBytes: 0 }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'chunkBytes' });
    expect(errorOf(() => parseCsv('a\n', { maxIssues: -1 }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'maxIssues' });
    expect(errorOf(() => parseCsv('a\n', { file: '' }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'file' });
    expect(errorOf(() => parseCsv('a\n', { onProgress: 1 as never }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'onProgress' });
    expect(errorOf(() => parseCsv('a\n', { sizeHint: -1 }))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'sizeHint' });
    expect(errorOf(() => parseCsv('a\n', { seperator: ';' } as never))).toMatchObject({ code: 'E_OPTION_UNKNOWN' });
  });
});
