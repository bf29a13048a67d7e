// RFC 4180 CSV reading, through the public parser whose free-text fields
// (Online Retail's Description and Country) come back exactly as written.
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { parseOnlineRetail } from '@marksman/datasets';

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

/** RFC 4180 encoding of one field: quoted (inner quotes doubled) when it must be, or when `always`. */
function encode(field: string, always: boolean): string {
  return always || /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

describe('CSV reading (RFC 4180)', () => {
  it('round-trips random fields holding commas, quotes and line breaks, with \\n or \\r\\n terminators, and counts lines', () => {
    const rng = new Random(11);
    const alphabet = ['a', 'B', ' ', ',', '"', '""', '\r\n', '\n', '\r', 'é', '€', ';'];
    const text = (len: number) => Array.from({ length: len }, () => alphabet[rng.int(alphabet.length)]!).join('');
    const descriptions: string[] = [];
    const countries: string[] = [];
    let csv = `${HEADER}\r\n`;
    let lines = 1;
    for (let r = 0; r < 300; r++) {
      const description = text(rng.int(8));
      const country = rng.next() < 0.5 ? 'United Kingdom' : text(1 + rng.int(5));
      descriptions.push(description);
      countries.push(country);
      const quoteAll = rng.next() < 0.2;
      const fields = [`5${r}`, `S${r}`, description, '6', '12/1/2010 8:26', '2.55', '17850', country];
      csv += fields.map((f) => encode(f, quoteAll)).join(',') + (rng.next() < 0.5 ? '\n' : '\r\n');
      lines += 1 + (`${description}${country}`.match(/\n/g)?.length ?? 0);
    }
    const out = parseOnlineRetail(csv);
    expect(out.lines.map((l) => l.description)).toEqual(descriptions);
    expect(out.lines.map((l) => l.country)).toEqual(countries);
    // A bad line after all of that is reported on its true line number, and the others are kept.
    const bad = parseOnlineRetail(`${csv}9,S,x,six,12/1/2010 8:26,2.55,17850,UK\n`);
    expect(bad.report.issues).toEqual([expect.objectContaining({ code: 'E_CSV_NUMBER', line: lines + 1, field: 'Quantity' })]);
    expect(bad.length).toBe(300);
    expect(bad.report.lines).toBe(lines + 1);
  });

  it('reads empty quoted fields, a trailing empty field and a file without a final newline', () => {
    const out = parseOnlineRetail(`${HEADER}\n"1","S","",6,12/1/2010 8:26,2.55,,\n2,S,"x""",6,12/1/2010 8:26,2.55,17850,"UK"`);
    expect(out.lines.map((l) => [l.description, l.country, l.customerId])).toEqual([
      ['', '', null],
      ['x"', 'UK', 17850],
    ]);
  });

  it('reports text after a closing quote, a quote inside an unquoted field and an unclosed quote (E_CSV_QUOTE, with the lines), keeping the rest', () => {
    const row = (description: string) => `${HEADER}\n1,S,plain,6,12/1/2010 8:26,2.55,17850,UK\n1,S,${description},6,12/1/2010 8:26,2.55,17850,UK\n2,S,after,6,12/1/2010 8:26,2.55,17850,UK\n`;
    const issue = (text: string) => {
      const r = parseOnlineRetail(text);
      expect(r.report.rejected).toBe(1);
      expect(r.report.kept + r.report.rejected).toBe(r.report.records);
      return { ...r.report.issues[0]!, kept: r.lines.map((l) => l.description) };
    };
    const closing = issue(row('"HEART" WHITE'));
    expect(closing).toMatchObject({ code: 'E_CSV_QUOTE', line: 3, lastLine: 3, field: 'Description', kept: ['plain', 'after'] });
    expect(closing.message).toContain('closing "');
    const inner = issue(row('12" RECORD'));
    expect(inner).toMatchObject({ code: 'E_CSV_QUOTE', line: 3, kept: ['plain', 'after'] });
    expect(inner.message).toContain('field 3');
    // A field that runs over two lines and then goes wrong: both lines, and the line of the fault in the message.
    const two = issue(row('"TWO\nLINES"x'));
    expect(two).toMatchObject({ code: 'E_CSV_QUOTE', line: 3, lastLine: 4, kept: ['plain', 'after'] });
    expect(two.message).toContain('on line 4');
    // An opening quote never closed: the record runs to the end of the input, from the line where it opened.
    const open = issue(`${HEADER}\n1,S,plain,6,12/1/2010 8:26,2.55,17850,UK\n1,S,"OPEN,6\n12/1/2010 8:26,2.55,17850,UK\n`);
    expect(open).toMatchObject({ code: 'E_CSV_QUOTE', line: 3, lastLine: 4, kept: ['plain'] });
    expect(open.message).toContain('never closed');
  });
});
