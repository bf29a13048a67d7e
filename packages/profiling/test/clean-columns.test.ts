// cleanTransactions on columns: the same report as the record path, every column passed through,
// ids in any column form (arrays, typed arrays, dictionary columns), and rfm on the result.
import { describe, expect, it } from 'vitest';
import { dictionaryEncode, isDictionaryColumn, parseCsv, Random } from '@marksman/core';
import type { DictionaryColumn, Transaction } from '@marksman/core';
import { parseOnlineRetail, simulateShop } from '@marksman/datasets';
import type { OnlineRetailColumns } from '@marksman/datasets';
import { cleanTransactions, rfm } from '@marksman/profiling';
import type { CleanTransactionColumns, CleanTransactionsOptions } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

/** A dirty copy of the simulated shop's lines: duplicates, cancellations, missing customers, free items, a note per line. */
let cached: Transaction[] | undefined;
function dirtyShop(): Transaction[] {
  return (cached ??= makeDirtyShop());
}

function makeDirtyShop(): Transaction[] {
  const shop = simulateShop({ customers: 300, items: 60, seed: 3 });
  const rng = new Random(4);
  const rows: (Transaction & { note: string })[] = [];
  shop.transactions.forEach((t, k) => {
    const note = `n${k % 7}`;
    const u = rng.next();
    if (u < 0.03) rows.push({ ...t, customerId: null as never, note });
    else if (u < 0.05) rows.push({ ...t, unitPrice: 0, amount: undefined as never, note });
    else rows.push({ ...t, amount: undefined as never, note });
    if (rng.next() < 0.03) rows.push({ ...rows[rows.length - 1]! });
    if (rng.next() < 0.04) rows.push({ ...t, orderId: `C${String(t.orderId)}`, timestamp: (t.timestamp as number) + 86_400_000, quantity: -1 - rng.int(3), amount: undefined as never, note: 'return' });
  });
  return rows.map(({ amount, ...r }) => (amount === undefined ? r : { ...r, amount }));
}

function toColumns(rows: readonly Transaction[]): CleanTransactionColumns {
  const r = rows as readonly (Transaction & { note: string })[];
  return {
    customerId: r.map((x) => x.customerId ?? null),
    orderId: dictionaryEncode(r.map((x) => String(x.orderId))),
    itemId: Int32Array.from(r, (x) => Number(String(x.itemId).slice(1))), // 'i7' → 7: the same grouping
    timestamp: Float64Array.from(r, (x) => x.timestamp as number),
    quantity: Float64Array.from(r, (x) => x.quantity),
    unitPrice: Float64Array.from(r, (x) => x.unitPrice ?? NaN),
    channel: r.map((x) => x.channel ?? null),
    note: dictionaryEncode(r.map((x) => x.note)),
  };
}

/** An Online Retail file (the UCI layout): repeat lines, returns, lines without a customer, free items, stock codes with spaces. */
function retailCsv(lines: number, seed: number): string {
  const rng = new Random(seed);
  const out = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  const countries = ['United Kingdom', 'France', 'EIRE', 'Germany'];
  let invoice = 536365;
  let customer = '';
  let day = 1;
  while (out.length <= lines) {
    if (rng.next() < 0.15) {
      invoice++;
      customer = rng.next() < 0.12 ? '' : `${12346 + rng.int(900)}.0`;
      day = 1 + rng.int(28);
    }
    const item = rng.int(400);
    const code = item % 17 === 0 ? `${85000 + item}A ` : `${85000 + item}`;
    const date = `${1 + (invoice % 12)}/${day}/2011 ${8 + rng.int(10)}:${String(rng.int(60)).padStart(2, '0')}`;
    const price = rng.next() < 0.01 ? '0' : (0.5 + rng.int(900) / 100).toFixed(2);
    const line = `${invoice},${code},"ITEM ${item}, RED",${1 + rng.int(24)},${date},${price},${customer},${countries[item % 4]}`;
    out.push(line);
    if (rng.next() < 0.02) out.push(line);
    if (customer !== '' && rng.next() < 0.04) out.push(`C${invoice},${code},"ITEM ${item}, RED",-${1 + rng.int(12)},${date},${price},${customer},${countries[item % 4]}`);
  }
  return out.join('\n') + '\n';
}

/** What cleaning reads of the parsed file, and the description and country passed through. */
function retailInput(c: OnlineRetailColumns): CleanTransactionColumns {
  return { customerId: c.customerId, orderId: c.invoiceNo, itemId: c.stockCode, timestamp: c.invoiceDate, quantity: c.quantity, unitPrice: c.unitPrice, description: c.description, country: c.country };
}

describe('cleanTransactions on columns', () => {
  it('on a large parsed Online Retail file, the default call (kept lines copied) returns what overwriteInput returns and the records path keeps, writes nothing given, and gives every column memory of its own', () => {
    const csv = retailCsv(15_000, 21);
    const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    const options: CleanTransactionsOptions[] = [
      { cancellations: 'match', outlierRule: null },
      { cancellations: 'drop', outlierRule: null },
      { cancellations: 'match', outlierRule: { method: 'quantile', field: 'quantity', q: 0.99 }, outliers: 'drop' },
      { missingCustomers: 'keep', anonymousCustomerId: 0 },
    ];
    for (const o of options) {
      const parsed = retailInput(parseOnlineRetail(csv).columns);
      const before = show(parsed);
      const copied = cleanTransactions(parsed, o);
      expect(show(parsed)).toBe(before);
      const handed = cleanTransactions(retailInput(parseOnlineRetail(csv).columns), { ...o, overwriteInput: true });
      expect(show(copied.report)).toBe(show(handed.report));
      expect(show(copied.columns)).toBe(show(handed.columns));
      expect(copied.report.kept).toBeLessThan(copied.report.total);
      if (o.cancellations === 'match') expect(copied.report.repaired.length).toBeGreaterThan(0);
      // Each returned array has memory of its own, none the memory of a column given.
      const given = new Set(Object.values(parsed).map((c) => (isDictionaryColumn(c) ? c.codes.buffer : (c as Float64Array).buffer)));
      const returned = Object.values(copied.columns).flatMap((c) => (isDictionaryColumn(c) ? [c.codes.buffer] : ArrayBuffer.isView(c) ? [c.buffer] : []));
      expect(returned.length).toBeGreaterThanOrEqual(7);
      expect(new Set(returned).size).toBe(returned.length);
      for (const b of returned) expect(given.has(b)).toBe(false);
      // The records path keeps the same lines with the same netted quantities and amounts.
      const c = parseOnlineRetail(csv).columns;
      const records = Array.from({ length: c.quantity.length }, (_, i) => ({
        customerId: c.customerId[i] === c.customerId[i] ? c.customerId[i]! : null,
        orderId: c.invoiceNo.values[c.invoiceNo.codes[i]!]!,
        itemId: c.stockCode.values[c.stockCode.codes[i]!]!,
        timestamp: c.invoiceDate[i]!,
        quantity: c.quantity[i]!,
        unitPrice: c.unitPrice[i]!,
      }));
      const fromRecords = cleanTransactions(records, o);
      expect(Array.from(fromRecords.keptIndexes)).toEqual(Array.from(copied.keptIndexes));
      expect(fromRecords.rows.map((r) => r.quantity)).toEqual(Array.from(copied.columns.quantity));
      expect(fromRecords.rows.map((r) => r.amount)).toEqual(Array.from(copied.columns.amount));
      expect(show(fromRecords.report)).toBe(show(copied.report));
      if (o.missingCustomers !== 'keep') {
        const asOf = Date.UTC(2012, 0, 1);
        expect(show(rfm(copied.columns, { asOf }).toRecords())).toBe(show(rfm(handed.columns, { asOf }).toRecords()));
      }
    }
  });

  it('gives the record path’s report and lines on a dirty simulated shop, passing every other column through', () => {
    const rows = freezeRows(dirtyShop());
    const byRecords = cleanTransactions(rows);
    const cols = toColumns(rows);
    const byColumns = cleanTransactions(cols);
    expect(JSON.stringify(byColumns.report)).toBe(JSON.stringify(byRecords.report));
    expect(byColumns.keptIndexes).toEqual(byRecords.keptIndexes);
    const c = byColumns.columns;
    const note = c.note as DictionaryColumn;
    const orderId = c.orderId as DictionaryColumn;
    byRecords.rows.forEach((r, j) => {
      expect(c.quantity[j]).toBe(r.quantity);
      expect(c.amount[j]).toBe(r.amount);
      expect(c.timestamp[j]).toBe(r.timestamp);
      expect((c.customerId as ArrayLike<unknown>)[j]).toBe(r.customerId);
      expect(orderId.values[orderId.codes[j]!]).toBe(String(r.orderId));
      expect(`i${(c.itemId as Int32Array)[j]}`).toBe(r.itemId);
      // the record path passes the note through as well
      expect(note.values[note.codes[j]!]).toBe((r as unknown as { note: string }).note);
    });
    expect(c.itemId).toBeInstanceOf(Int32Array);
    expect(byRecords.report.reasons.duplicate.count).toBeGreaterThan(0);
    expect(byRecords.report.matches.length).toBeGreaterThan(0);
    expect(byRecords.report.reasons.missingCustomer.count).toBeGreaterThan(0);
    expect(byRecords.report.reasons.nonPositivePrice.count).toBeGreaterThan(0);
    // rfm on the clean columns equals rfm on the clean records
    const asOf = Math.max(...byRecords.rows.map((r) => r.timestamp)) + 1;
    expect(rfm(c, { asOf }).toRecords()).toEqual(rfm(byRecords.rows, { asOf }).toRecords());
  });

  it('keeps the same report when the options change (keep classes, drop cancellations, MAD outliers on unit price)', () => {
    const rows = freezeRows(dirtyShop());
    const options = [
      { duplicates: 'keep', missingCustomers: 'keep', anonymousCustomerId: 'anon' },
      { cancellations: 'drop', outlierRule: { method: 'mad', threshold: 3.5, field: 'unitPrice', log: true } },
      { cancellations: 'keep', cancellationPrefix: null, nonPositivePrices: 'keep', outliers: 'keep' },
    ] as const;
    for (const o of options) {
      const a = cleanTransactions(rows, o);
      const b = cleanTransactions(toColumns(rows), o);
      expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
      expect(Array.from(b.columns.amount)).toEqual(a.rows.map((r) => r.amount));
    }
    const anon = cleanTransactions(toColumns(rows), options[0]);
    expect((anon.columns.customerId as unknown[]).filter((x) => x === 'anon').length).toBe(anon.report.reasons.missingCustomer.count);
  });

  it('reads CSV columns straight in: Country and Description survive cleaning, and frozen inputs stay untouched', () => {
    const csv =
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
      '1,A,"MUG, RED",2,2024-01-01,3,10,UK\n' +
      '1,A,"MUG, RED",2,2024-01-01,3,10,UK\n' +
      'C2,A,"MUG, RED",-1,2024-01-02,3,10,UK\n' +
      '3,B,PLATE,1,2024-01-03,0,11,France\n' +
      '4,B,PLATE,1,2024-01-03,5,,France\n' +
      '5,C,BOWL,4,2024-01-04,2.5,12,Spain\n';
    const t = parseCsv(csv, { columns: { InvoiceDate: 'date', InvoiceNo: 'string', StockCode: 'string' } });
    const c = t.columns;
    const input = Object.freeze({
      customerId: c.CustomerID!,
      orderId: c.InvoiceNo!,
      itemId: c.StockCode!,
      timestamp: c.InvoiceDate as Float64Array,
      quantity: c.Quantity as Float64Array,
      unitPrice: c.UnitPrice as Float64Array,
      description: c.Description!,
      country: c.Country!,
    }) as CleanTransactionColumns;
    const before = JSON.stringify(input, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    const res = cleanTransactions(input, { outlierRule: null });
    expect(JSON.stringify(input, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))).toBe(before);
    const country = res.columns.country as DictionaryColumn;
    const description = res.columns.description as DictionaryColumn;
    expect(Array.from(res.keptIndexes)).toEqual([0, 5]);
    expect(Array.from(country.codes, (k) => country.values[k])).toEqual(['UK', 'Spain']);
    expect(Array.from(description.codes, (k) => description.values[k])).toEqual(['MUG, RED', 'BOWL']);
    expect(Array.from(res.columns.quantity)).toEqual([1, 4]);
    expect(Array.from(res.columns.amount)).toEqual([3, 10]);
    expect(res.columns.customerId).toEqual(Float64Array.of(10, 12));
    expect(Array.from(rfm(res.columns, { asOf: '2024-02-01' }).column('customerId') as ArrayLike<unknown>)).toEqual([10, 12]);
    const byOrder = rfm({ ...res.columns, customerId: res.columns.orderId }, { asOf: '2024-02-01' });
    expect(Array.from(byOrder.column('customerId') as ArrayLike<unknown>)).toEqual(['1', '5']);
  });

  it('with overwriteInput, returns the copying path’s columns and report as views on the arrays handed over; shared memory and records are never written', () => {
    const rows = freezeRows(dirtyShop());
    const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    for (const cancellations of ['match', 'drop'] as const) {
      const copied = cleanTransactions(toColumns(rows), { cancellations });
      const given = toColumns(rows);
      const handed = cleanTransactions(given, { cancellations, overwriteInput: true });
      expect(show(handed.report)).toBe(show(copied.report));
      expect(show(handed.columns)).toBe(show(copied.columns));
      // views on the arrays given: no copy of the kept lines was made
      expect(handed.columns.quantity.buffer).toBe((given.quantity as Float64Array).buffer);
      expect(handed.columns.timestamp.buffer).toBe((given.timestamp as Float64Array).buffer);
      expect((handed.columns.itemId as Int32Array).buffer).toBe((given.itemId as Int32Array).buffer);
      expect((handed.columns.note as DictionaryColumn).codes.buffer).toBe((given.note as DictionaryColumn).codes.buffer);
      expect(handed.columns.customerId).toEqual(copied.columns.customerId); // a plain array: copied
    }
    // One array named twice is compacted once.
    const twice = toColumns(rows);
    const same = cleanTransactions({ ...twice, unitPrice: twice.quantity, extraQuantity: twice.quantity }, { overwriteInput: true, outlierRule: null });
    const sameCopied = cleanTransactions({ ...toColumns(rows), unitPrice: toColumns(rows).quantity }, { outlierRule: null });
    expect(show(same.columns.unitPrice)).toBe(show(sameCopied.columns.unitPrice));
    expect(same.columns.extraQuantity).toBe(same.columns.unitPrice);
    // Two different arrays over overlapping memory: nothing is written.
    const buffer = new Float64Array(rows.length + 1);
    const shared = { ...toColumns(rows), quantity: buffer.subarray(0, rows.length), unitPrice: buffer.subarray(1) };
    shared.quantity.set(toColumns(rows).quantity as Float64Array);
    const before = Array.from(buffer);
    cleanTransactions(shared, { overwriteInput: true });
    expect(Array.from(buffer)).toEqual(before);
    // Records are never written either (the option concerns columns).
    const recs = freezeRows(dirtyShop());
    expect(show(cleanTransactions(recs, { overwriteInput: true }))).toBe(show(cleanTransactions(recs)));
    expect(codeOf(() => cleanTransactions(toColumns(rows), { overwriteInput: 'yes' as never }))).toBe('OptionsError:E_OPTION_RANGE');
  });

  it('refuses malformed columns with typed errors and reports bad values per row like the validator', () => {
    const base = { customerId: ['a', 'b'], orderId: ['1', '2'], timestamp: [0, 1], quantity: [1, 1], unitPrice: [1, 2] };
    expect(codeOf(() => cleanTransactions({ ...base, quantity: [1] }))).toBe('ValidationError:E_COLUMN_LENGTH');
    expect(codeOf(() => cleanTransactions({ ...base, unitPrice: undefined } as never))).toBe('ValidationError:E_NO_AMOUNT');
    expect(codeOf(() => cleanTransactions({ ...base, timestamp: undefined } as never))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => cleanTransactions({ ...base, extra: 5 }))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => cleanTransactions(42 as never))).toBe('ValidationError:E_INPUT');
    const res = cleanTransactions(
      { customerId: ['a', 'b', 'c', 'd', 'e'], orderId: ['1', '', '3', '4', '5'], timestamp: [0, 1, NaN, 3, 4], quantity: [1, 1, 1, Infinity, 1], unitPrice: [1, 2, 3, 4, 5], amount: [1, NaN, NaN, NaN, 9] },
      { outlierRule: null },
    );
    expect(res.report.invalid.map((x) => [x.index, x.field, x.code])).toEqual([
      [1, 'orderId', 'E_MISSING'],
      [2, 'timestamp', 'E_MISSING'],
      [3, 'quantity', 'E_NUMBER'],
      [4, 'amount', 'E_AMOUNT_MISMATCH'],
    ]);
    expect(Array.from(res.keptIndexes)).toEqual([0]);
  });

  it('reports the same phases on columns as on records and stops with E_ABORTED', () => {
    const rows = freezeRows(dirtyShop());
    const n = rows.length;
    const phases: string[] = [];
    cleanTransactions(toColumns(rows), { onProgress: (p) => phases.push(`${p.phase} ${p.done}/${p.total}`) });
    expect(phases).toEqual(['validate', 'duplicates', 'cancellations', 'prices', 'outliers', 'output'].map((p) => `${p} ${n}/${n}`));
    const fromRecords: string[] = [];
    cleanTransactions(rows, { onProgress: (p) => fromRecords.push(`${p.phase} ${p.done}/${p.total}`) });
    expect(fromRecords).toEqual(phases);
    const c = new AbortController();
    const seen: string[] = [];
    const stop = (phase: string): void => {
      seen.push(phase);
      if (phase === 'duplicates') c.abort();
    };
    expect(codeOf(() => cleanTransactions(toColumns(rows), { signal: c.signal, onProgress: (p) => stop(p.phase) }))).toBe('AbortError:E_ABORTED');
    expect(seen).toEqual(['validate', 'duplicates']);
    expect(codeOf(() => cleanTransactions(toColumns(rows), { onProgress: 3 as never }))).toBe('OptionsError:E_OPTION_RANGE');
  });
});
