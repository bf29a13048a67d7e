import { describe, expect, it } from 'vitest';
import { validateInteractions, validateTransactions } from '@marksman/core';
import {
  parseCdnow,
  parseHillstrom,
  parseMovieLensItems,
  parseMovieLensRatings,
  parseMovieLensUsers,
  parseOnlineRetail,
} from '@marksman/datasets';

/** Runs `fn`, expecting a ParseError; returns it. */
function parseErrorOf(fn: () => unknown): { code: string; line: number; file: string; field?: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('ParseError');
    return e as { code: string; line: number; file: string; message: string };
  }
  throw new Error('expected a ParseError');
}

const TOY = '1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0';
const HILL_HEADER = 'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend';
const RETAIL_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

describe('parseMovieLensRatings', () => {
  it('mirrors the doc example and converts seconds to ms', () => {
    const r = parseMovieLensRatings('196\t242\t3\t881250949\n');
    expect(r.rows[0]).toEqual({ userId: 196, itemId: 242, weight: 3, timestamp: 881250949000 });
    expect(r.total).toBe(1);
    expect(r.kept).toBe(1);
    expect([...r.keptIndexes]).toEqual([0]);
  });

  it('reads CRLF, skips blank lines, and keeps every row (validator agrees)', () => {
    const r = parseMovieLensRatings('1\t2\t5\t10\r\n\r\n3\t4\t1\t20\r\n');
    expect(r.rows.map((x) => [x.userId, x.itemId, x.weight])).toEqual([[1, 2, 5], [3, 4, 1]]);
    expect(validateInteractions(r.rows).rejected).toHaveLength(0);
  });

  it('names the file and 1-based line of a malformed line (E_PARSE)', () => {
    const e = parseErrorOf(() => parseMovieLensRatings('1\t2\t5\t10\n\n3\t4\t1\n', Object.freeze({ file: 'u1.base' })));
    expect(e).toMatchObject({ code: 'E_PARSE', file: 'u1.base', line: 3 });
    expect(e.message).toContain('u1.base line 3');
    expect(parseErrorOf(() => parseMovieLensRatings('1\t2\t6\t10\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'weight', file: 'u.data' });
    expect(parseErrorOf(() => parseMovieLensRatings('1\tx\t3\t10\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'itemId' });
    expect(parseErrorOf(() => parseMovieLensRatings(42 as unknown as string))).toMatchObject({ code: 'E_PARSE', line: 0 });
  });
});

describe('parseMovieLensItems', () => {
  it('mirrors the doc example', () => {
    const [toy] = parseMovieLensItems(`${TOY}\n`);
    expect(toy!.genres).toEqual(['Animation', "Children's", 'Comedy']);
    expect(toy!.category).toBe('Animation');
    expect(toy!.releaseDate).toBe(788918400000);
    expect(toy!.itemId).toBe(1);
    expect(toy!.title).toBe('Toy Story (1995)');
    expect(Object.keys(toy!.features)).toHaveLength(19);
  });

  it('decodes raw ISO-8859-1 bytes (é is 0xE9)', () => {
    const bytes = new Uint8Array([...`${TOY.replace('Toy Story', 'Caf_')}\n`].map((ch) => (ch === '_' ? 0xe9 : ch.charCodeAt(0))));
    expect(parseMovieLensItems(bytes)[0]!.title).toBe('Café (1995)');
  });

  it('accepts one-digit days and empty dates, refuses impossible ones', () => {
    const [a, b] = parseMovieLensItems(`${TOY.replace('01-Jan-1995', '4-Feb-1971')}\n${TOY.replace(/^1\|/, '2|').replace('01-Jan-1995', '')}`);
    expect(a!.releaseDate).toBe(Date.UTC(1971, 1, 4));
    expect(b!.releaseDate).toBeNull();
    expect(parseErrorOf(() => parseMovieLensItems(`${TOY}\n${TOY.replace(/^1\|/, '2|').replace('01-Jan-1995', '30-Feb-1995')}`))).toMatchObject({
      code: 'E_PARSE',
      line: 2,
      field: 'releaseDate',
    });
  });

  it('refuses a wrong field count or flag (E_PARSE with line)', () => {
    expect(parseErrorOf(() => parseMovieLensItems(`${TOY}\n1|x|`))).toMatchObject({ code: 'E_PARSE', line: 2, file: 'u.item' });
    expect(parseErrorOf(() => parseMovieLensItems(TOY.replace(/\|0$/, '|2')))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'Western' });
  });
});

describe('parseMovieLensUsers', () => {
  it('mirrors the doc example', () => {
    expect(parseMovieLensUsers('1|24|M|technician|85711\n')[0]).toEqual({
      customerId: 1,
      attributes: { age: 24, gender: 'M', occupation: 'technician', zipCode: '85711' },
    });
  });

  it('keeps non-numeric zip codes as strings and refuses bad genders', () => {
    expect(parseMovieLensUsers('2|53|F|other|T8H1N').map((u) => u.attributes.zipCode)).toEqual(['T8H1N']);
    expect(parseErrorOf(() => parseMovieLensUsers('1|24|M|technician|85711\n2|30|X|other|1'))).toMatchObject({ code: 'E_PARSE', line: 2, field: 'gender' });
  });
});

describe('parseCdnow', () => {
  const master = ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n 00002 19970112  5   77.00\r\n';

  it('mirrors the doc example (header skipped, id as number, date at UTC midnight)', () => {
    const r = parseCdnow(' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n');
    expect(r.rows[0]).toEqual({ customerId: 1, orderId: '1-19970101-1', timestamp: 852076800000, quantity: 1, amount: 11.77 });
  });

  it('numbers repeated customer-days, and the validator accepts every row', () => {
    const r = parseCdnow(master);
    expect(r.rows.map((x) => x.orderId)).toEqual(['1-19970101-1', '2-19970112-1', '2-19970112-2']);
    expect(r.total).toBe(3);
    const v = validateTransactions(r.rows);
    expect(v.rejected).toHaveLength(0);
    expect(v.rows.map((x) => x.amount)).toEqual([11.77, 12, 77]);
  });

  it('reads the sample format (master id first, sample id ignored) the same way', () => {
    const sample = ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n';
    const r = parseCdnow(sample, Object.freeze({ file: 'CDNOW_sample.txt' }));
    expect(r.rows.map((x) => [x.customerId, x.orderId, x.quantity, x.amount])).toEqual([
      [4, '4-19970101-1', 2, 29.33],
      [4, '4-19970118-1', 2, 29.73],
    ]);
    expect(parseCdnow(' 00004 19970101  2   29.33\r\n', { format: 'master' }).rows[0]!.customerId).toBe(4);
  });

  it('refuses malformed lines with E_PARSE and the 1-based line', () => {
    expect(parseErrorOf(() => parseCdnow(`${master} 00003 19970230 1 5.00\r\n`))).toMatchObject({ code: 'E_PARSE', line: 5, field: 'timestamp', file: 'CDNOW_master.txt' });
    expect(parseErrorOf(() => parseCdnow(`${master} 00003 19970101 1\r\n`))).toMatchObject({ code: 'E_PARSE', line: 5 });
    expect(parseErrorOf(() => parseCdnow(' 1 19970101 1 -5\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'amount' });
    expect(parseErrorOf(() => parseCdnow(' 1 19970101 1 5\n', { format: 'sample' }))).toMatchObject({ code: 'E_PARSE', line: 1 });
    expect(() => parseCdnow('', { format: 'csv' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'format' }));
  });
});

describe('parseHillstrom', () => {
  const rowA = '10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0';
  const rowB = '10,"6) $750 - $1,000",809.26,0,1,Surburban,1,Web,Womens E-Mail,1,1,42.5';

  it('mirrors the doc example (quoted field with a comma)', () => {
    const [row] = parseHillstrom(`${HILL_HEADER}\r\n${rowB}\r\n`);
    expect(row).toEqual({
      recency: 10,
      historySegment: '6) $750 - $1,000',
      history: 809.26,
      mens: 0,
      womens: 1,
      zipCode: 'Surburban',
      newbie: 1,
      channel: 'Web',
      segment: 'Womens E-Mail',
      visit: 1,
      conversion: 1,
      spend: 42.5,
    });
  });

  it('reads a copy whose header and fields are all quoted', () => {
    const quote = (line: string) => line.split(',').map((x) => `"${x}"`).join(',');
    const rows = parseHillstrom(`${quote(HILL_HEADER)}\r\n${quote(rowA)}\r\n`);
    expect(rows).toEqual(parseHillstrom(`${HILL_HEADER}\r\n${rowA}\r\n`));
    expect(rows[0]!.history).toBe(142.44);
  });

  it('reads a file without a final newline', () => {
    expect(parseHillstrom(`${HILL_HEADER}\r\n${rowA}\r\n${rowB}`)).toHaveLength(2);
  });

  it('refuses a bad header, field, segment or quote with E_PARSE and the line', () => {
    expect(parseErrorOf(() => parseHillstrom(`recency,history\r\n${rowA}`))).toMatchObject({ code: 'E_PARSE', line: 1, file: 'hillstrom.csv' });
    expect(parseErrorOf(() => parseHillstrom(`${HILL_HEADER}\r\n${rowA}\r\n${rowA.replace('Womens E-Mail', 'SMS')}`))).toMatchObject({
      code: 'E_PARSE',
      line: 3,
      field: 'segment',
    });
    expect(parseErrorOf(() => parseHillstrom(`${HILL_HEADER}\r\n${rowA.replace(',0,0,0', ',2,0,0')}`))).toMatchObject({ code: 'E_PARSE', line: 2, field: 'visit' });
    expect(parseErrorOf(() => parseHillstrom(`${HILL_HEADER}\r\n${rowA}\r\n${rowA},extra`))).toMatchObject({ code: 'E_PARSE', line: 3 });
    expect(parseErrorOf(() => parseHillstrom(`${HILL_HEADER}\r\n${rowA}\r\n10,"6) $750`))).toMatchObject({ code: 'E_PARSE', line: 3 });
    expect(parseErrorOf(() => parseHillstrom(''))).toMatchObject({ code: 'E_PARSE', line: 1 });
  });
});

describe('parseOnlineRetail', () => {
  const csv =
    `${RETAIL_HEADER}\n` +
    '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n' +
    'C536379,D,Discount,-1,12/1/2010 9:41,27.5,,United Kingdom\n';

  it('mirrors the doc example: all lines kept, the one without a customer refused', () => {
    const r = parseOnlineRetail(csv);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[1]!.cancelled).toBe(true);
    expect(r.lines[1]!.customerId).toBeNull();
    expect(r.transactions.rows[0]!.amount).toBe(15.3);
    expect(r.transactions.rejected[0]).toMatchObject({ index: 1, field: 'customerId', code: 'E_CUSTOMER_MISSING' });
    expect(r.transactions.total).toBe(2);
    expect(r.transactions.countsByCode).toEqual({ E_CUSTOMER_MISSING: 1 });
    // Flags and line numbers are made on first read, then the same arrays every time.
    expect(Object.keys(r.columns)).toEqual(['invoiceNo', 'stockCode', 'description', 'quantity', 'invoiceDate', 'unitPrice', 'customerId', 'country', 'cancelled', 'lineNumbers']);
    expect(Array.from(r.columns.cancelled)).toEqual([0, 1]);
    expect(r.columns.cancelled).toBe(r.columns.cancelled);
    expect(Array.from(r.columns.lineNumbers)).toEqual([2, 3]);
    expect(Object.isFrozen(r.columns)).toBe(true);
  });

  it('reads both date styles to the same instant, keeps cancellations with a customer, and the validator agrees', () => {
    const text =
      `${RETAIL_HEADER}\n` +
      '536365,85123A,"HEART, WHITE",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n' +
      'C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,12/1/2010 9:49,4.65,15311,United Kingdom\n' +
      '536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:26,1.85,17850,United Kingdom\n';
    const r = parseOnlineRetail(text, Object.freeze({ file: 'retail.csv' }));
    expect(r.lines[0]!.invoiceDate).toBe(Date.UTC(2010, 11, 1, 8, 26));
    expect(r.lines[2]!.invoiceDate).toBe(r.lines[0]!.invoiceDate);
    expect(r.lines[0]!.description).toBe('HEART, WHITE');
    expect(r.transactions.kept).toBe(3);
    expect(r.transactions.rows[1]).toEqual({
      customerId: 15311,
      orderId: 'C536383',
      timestamp: Date.UTC(2010, 11, 1, 9, 49),
      itemId: '35004C',
      quantity: -1,
      unitPrice: 4.65,
      amount: -4.65,
    });
    expect(validateTransactions(r.transactions.rows).rejected).toHaveLength(0);
  });

  it('reads a quoted field holding a line break and escaped quotes, and keeps counting lines after it', () => {
    const text =
      `${RETAIL_HEADER}\r\n` +
      '536365,85123A,"TWO\r\nLINES ""QUOTED""",6,12/1/2010 8:26,2.55,17850.0,United Kingdom\r\n' +
      '536366,22633,PLAIN,6,12/1/2010 8:28,1.85,17850.0,United Kingdom\r\n' +
      '536367,22634,PLAIN,six,12/1/2010 8:34,1.85,17850.0,United Kingdom\r\n';
    const r = parseOnlineRetail(text);
    expect(r.report.issues).toEqual([expect.objectContaining({ code: 'E_CSV_NUMBER', line: 5, field: 'Quantity' })]);
    expect(r.lines.map((l) => l.description)).toEqual(['TWO\r\nLINES "QUOTED"', 'PLAIN']);
    expect(Array.from(r.columns.lineNumbers)).toEqual([2, 4]);
    // The CRLF inside the quoted field is data, not a line ending; the report still counts its line.
    expect(r.report.lineEndings).toEqual({ lf: 0, crlf: 4 });
    expect(r.report.lines).toBe(5);
    const open = parseOnlineRetail(`${RETAIL_HEADER}\n536365,85123A,"OPEN,6,12/1/2010 8:26,2.55,17850.0,UK\n`);
    expect(open.report.issues).toEqual([expect.objectContaining({ code: 'E_CSV_QUOTE', line: 2 })]);
    expect(open.length).toBe(0);
  });

  it('reports malformed lines with a code, the column and the line, keeps the others, and still refuses a wrong header (E_PARSE)', () => {
    const bad = (line: string) => {
      const r = parseOnlineRetail(`${RETAIL_HEADER}\n536365,85123A,X,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n${line}\n536367,85123A,X,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n`);
      expect(r.length).toBe(2);
      expect(Array.from(r.report.rejectedLines)).toEqual([3]);
      expect(r.report.issues[0]!.message).toContain('online_retail.csv line 3');
      return r.report.issues[0];
    };
    expect(bad('536366,1,X,6,13/1/2010 8:26,2.55,17850.0,UK')).toMatchObject({ code: 'E_CSV_DATE', line: 3, field: 'InvoiceDate' });
    expect(bad('536366,1,X,six,12/1/2010 8:26,2.55,17850.0,UK')).toMatchObject({ code: 'E_CSV_NUMBER', line: 3, field: 'Quantity' });
    expect(bad('536366,1,X,6.5,12/1/2010 8:26,2.55,17850.0,UK')).toMatchObject({ code: 'E_CSV_NUMBER', line: 3, field: 'Quantity' });
    expect(bad('536366,1,X,6,12/1/2010 8:26,2.55,17850.5,UK')).toMatchObject({ code: 'E_CSV_NUMBER', line: 3, field: 'CustomerID' });
    expect(bad('536366,1,X,6,12/1/2010 8:26,2.55')).toMatchObject({ code: 'E_CSV_FIELDS', line: 3, field: null });
    expect(bad(' ,1,X,6,12/1/2010 8:26,2.55,17850.0,UK')).toMatchObject({ code: 'E_MISSING', line: 3, field: 'InvoiceNo' });
    expect(bad('536366,1,X,6,,2.55,17850.0,UK')).toMatchObject({ code: 'E_MISSING', line: 3, field: 'InvoiceDate' });
    expect(parseErrorOf(() => parseOnlineRetail('Invoice,Stock\n1,2\n'))).toMatchObject({ code: 'E_PARSE', line: 1 });
    expect(parseErrorOf(() => parseOnlineRetail(''))).toMatchObject({ code: 'E_PARSE', line: 1 });
  });
});

describe('every parser keeps or reports each line, and keeps only representable values', () => {
  it('parseCdnow refuses a garbage first line instead of skipping it as a header, and still skips a real header', () => {
    expect(parseErrorOf(() => parseCdnow('garbage\n 00001 19970101 1 11.77\n'))).toMatchObject({ code: 'E_PARSE', line: 1 });
    expect(parseErrorOf(() => parseCdnow('hello world foo bar\n 00001 19970101 1 11.77\n'))).toMatchObject({ code: 'E_PARSE', line: 1 });
    expect(parseErrorOf(() => parseCdnow('#1 19970101 1 11.77\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'customerId' });
    const r = parseCdnow('customer_id date number_of_cds dollar_value\n 00001 19970101 1 11.77\n');
    expect(r.kept).toBe(1);
    expect(r.total).toBe(1);
    expect(parseCdnow('CustomerID SampleID Date CDs Dollars\n 00001 0001 19970101 1 11.77\n').rows[0]!.customerId).toBe(1);
  });

  it('parseCdnow refuses amounts that overflow to Infinity and ids or counts beyond the safe integers', () => {
    expect(parseErrorOf(() => parseCdnow(' 1 19970101 1 1e999\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'amount' });
    expect(parseErrorOf(() => parseCdnow(' 123456789012345678901 19970101 1 5\n'))).toMatchObject({ code: 'E_PARSE', field: 'customerId' });
    expect(parseErrorOf(() => parseCdnow(' 1 19970101 99999999999999999999 5\n'))).toMatchObject({ code: 'E_PARSE', field: 'quantity' });
  });

  it('parseMovieLensRatings refuses a timestamp outside the range of Date', () => {
    expect(parseErrorOf(() => parseMovieLensRatings('1\t2\t3\t8640000000001\n'))).toMatchObject({ code: 'E_PARSE', line: 1, field: 'timestamp' });
    expect(parseMovieLensRatings('1\t2\t3\t8640000000000\n').rows[0]!.timestamp).toBe(8.64e15);
    expect(parseErrorOf(() => parseMovieLensRatings('99999999999999999999\t2\t3\t0\n'))).toMatchObject({ code: 'E_PARSE', field: 'userId' });
  });

  it('parseMovieLensItems and parseMovieLensUsers refuse an id listed twice (E_DUPLICATE_ID naming both lines)', () => {
    const item2 = TOY.replace(/^1\|Toy Story/, '2|GoldenEye');
    const dupItem = parseErrorOf(() => parseMovieLensItems(`${TOY}\n${item2}\n${TOY}\n`));
    expect(dupItem).toMatchObject({ code: 'E_DUPLICATE_ID', line: 3, field: 'itemId', file: 'u.item' });
    expect(dupItem.message).toContain('line 1');
    const dupUser = parseErrorOf(() => parseMovieLensUsers('1|24|M|technician|85711\n2|53|F|other|94043\n1|23|M|writer|32067\n'));
    expect(dupUser).toMatchObject({ code: 'E_DUPLICATE_ID', line: 3, field: 'customerId', file: 'u.user' });
    expect(parseErrorOf(() => parseMovieLensUsers('1|99999999999999999999|M|technician|85711\n'))).toMatchObject({ code: 'E_PARSE', field: 'age' });
  });

  it('parseHillstrom refuses numbers that overflow', () => {
    const row = '10,2) $100 - $200,1e999,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0';
    expect(parseErrorOf(() => parseHillstrom(`${HILL_HEADER}\n${row}\n`))).toMatchObject({ code: 'E_PARSE', line: 2, field: 'history' });
  });

  it('parseOnlineRetail reports a line amount that overflows and a CustomerID beyond the safe integers, keeping nothing unrepresentable', () => {
    const first = (text: string) => parseOnlineRetail(text).report.issues[0];
    const overflow = `${RETAIL_HEADER}\n536365,85123A,X,1000000,12/1/2010 8:26,1e305,17850,United Kingdom\n`;
    expect(first(overflow)).toMatchObject({ code: 'E_CSV_NUMBER', line: 2, field: 'UnitPrice' });
    const bigId = `${RETAIL_HEADER}\n536365,85123A,X,1,12/1/2010 8:26,2.5,123456789012345678901.0,United Kingdom\n`;
    expect(first(bigId)).toMatchObject({ code: 'E_CSV_NUMBER', line: 2, field: 'CustomerID' });
    const bigPrice = `${RETAIL_HEADER}\n536365,85123A,X,1,12/1/2010 8:26,1e999,17850,United Kingdom\n`;
    expect(first(bigPrice)).toMatchObject({ code: 'E_CSV_NUMBER', line: 2, field: 'UnitPrice' });
    expect(parseOnlineRetail(bigPrice).length).toBe(0);
  });

  it('every parser refuses text that is not a string, and a file option that is not a name', () => {
    const parsers = [parseCdnow, parseHillstrom, parseMovieLensItems, parseMovieLensRatings, parseMovieLensUsers, parseOnlineRetail] as ((t: unknown, o?: unknown) => unknown)[];
    for (const parse of parsers) {
      for (const text of [undefined, null, 42, {}]) expect(parseErrorOf(() => parse(text))).toMatchObject({ code: 'E_PARSE', line: 0, field: 'text' });
      for (const file of [5, '', null]) expect(() => parse('', { file })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'file' }));
      expect(() => parse('', { fiel: 'x' })).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
    }
  });
});
