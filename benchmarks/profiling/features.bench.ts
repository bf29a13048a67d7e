/**
 * Customer features: RFM (+ behaviour features) on UCI Online Retail (541,909 lines) and on a simulated
 * 2,000,000-line log, against pandas doing the same RFM groupby on the same data in the same run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@marksman/core';
import type { Event, Item } from '@marksman/core';
import { parseOnlineRetail } from '@marksman/datasets';
import { behaviourFeatures, cleanTransactions, rfm } from '@marksman/profiling';
import type { TransactionColumns } from '@marksman/profiling';
import { referencePython, runPython, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'profiling-features',
  title: 'RFM + behaviour features: Online Retail (541,909 lines) and a 2,000,000-line simulated log vs pandas',
  protocol:
    'Online Retail: online_retail.csv parsed with parseOnlineRetail; cleanTransactions on all 541,909 lines (defaults, ' +
    'outliers off) is timed separately; RFM input = United Kingdom, Quantity > 0, CustomerID present (354,345 lines, ' +
    '3,921 customers, as shared/BENCHMARKS.md), asOf 2011-12-10T00:00Z. Simulated: 2,000,000 lines from Random(42): ' +
    '50,000 customers, orders of 1-8 lines over 2 years, asOf = end. marksman rfm gets columns (customerId and orderId ' +
    'as Int32Array, timestamp and amount as Float64Array); pandas 1.5.3 gets the same four arrays as a DataFrame ' +
    '(int32, int32, float64, float64) read from binary files in benchmarks/.tmp/ before timing. Both time only the RFM ' +
    'computation on data in memory (filter ts < asOf; per customer last/first time, distinct orders, sum of amounts, ' +
    'recency, tenure, mean order value); I/O and parsing excluded on both sides. Median of 5 after 1 warm-up. Checksums ' +
    '(customers, sum of frequency, sum of monetary) must agree. behaviourFeatures is timed on the lines as purchase ' +
    'events (Online Retail: one event per line, orderId property; simulated: 2,000,000 view/click/cart/purchase events ' +
    'with a 1,000-item catalogue for categories); pandas has no counterpart for it. Ratio = pandas / marksman (> 1: marksman faster).',
};

const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = join(here, '..', '.tmp');
const DAY = 86_400_000;

interface Cols {
  customer: Int32Array;
  order: Int32Array;
  ts: Float64Array;
  amount: Float64Array;
}

function writeCols(prefix: string, c: Cols): void {
  mkdirSync(tmp, { recursive: true });
  writeFileSync(`${prefix}.customer.i32`, new Uint8Array(c.customer.buffer, c.customer.byteOffset, c.customer.byteLength));
  writeFileSync(`${prefix}.order.i32`, new Uint8Array(c.order.buffer, c.order.byteOffset, c.order.byteLength));
  writeFileSync(`${prefix}.ts.f64`, new Uint8Array(c.ts.buffer, c.ts.byteOffset, c.ts.byteLength));
  writeFileSync(`${prefix}.amount.f64`, new Uint8Array(c.amount.buffer, c.amount.byteOffset, c.amount.byteLength));
}

interface PandasOut {
  median: number;
  customers: number;
  frequencySum: number;
  monetarySum: number;
  pandas: string;
}

async function compare(name: string, c: Cols, asOf: number, repeats: number, python: string | null): Promise<BenchRow[]> {
  const cols: TransactionColumns = { customerId: c.customer, orderId: c.order, timestamp: c.ts, amount: c.amount };
  let table = rfm(cols, { asOf });
  const ours = await timeIt(() => {
    table = rfm(cols, { asOf });
  }, repeats);
  const freq = table.column('frequency') as Float64Array;
  const money = table.column('monetary') as Float64Array;
  const row: BenchRow = {
    data: name,
    lines: c.ts.length,
    customers: table.numRows,
    'marksman rfm s': ours.median,
    'pandas rfm s': null,
    'ratio pandas/marksman': null,
    'checksums agree': null,
  };
  if (python !== null) {
    const prefix = join(tmp, `features-${name}`);
    writeCols(prefix, c);
    const p = runPython(python, join(here, 'features_pandas.py'), [prefix, String(asOf), String(repeats)]) as PandasOut;
    let f = 0;
    let m = 0;
    for (let i = 0; i < freq.length; i++) {
      f += freq[i]!;
      m += money[i]!;
    }
    row['pandas rfm s'] = p.median;
    row['ratio pandas/marksman'] = p.median / ours.median;
    row['checksums agree'] = String(p.customers === table.numRows && p.frequencySum === f && Math.abs(p.monetarySum - m) <= 1e-6 * Math.abs(m));
  }
  return [row];
}

function simulate(n: number, seed: number): { cols: Cols; events: Event[]; items: Item[]; asOf: number } {
  const rng = new Random(seed);
  const start = Date.UTC(2022, 0, 1);
  const span = 730 * DAY;
  const customers = Math.max(100, Math.round(n / 40));
  const customer = new Int32Array(n);
  const order = new Int32Array(n);
  const ts = new Float64Array(n);
  const amount = new Float64Array(n);
  let i = 0;
  let o = 0;
  while (i < n) {
    const c = rng.int(customers);
    const t = start + Math.floor(rng.next() * span);
    const lines = Math.min(1 + rng.int(8), n - i);
    for (let k = 0; k < lines; k++, i++) {
      customer[i] = c;
      order[i] = o;
      ts[i] = t;
      amount[i] = (1 + rng.int(5)) * Math.round(100 * (0.5 + rng.exponential(0.1))) / 100;
    }
    o++;
  }
  const items: Item[] = Array.from({ length: 1000 }, (_, k) => ({ itemId: k, category: `cat${k % 25}` }));
  const types = ['view', 'view', 'view', 'click', 'click', 'cart', 'purchase'];
  const channels = ['web', 'app', 'store'];
  const events: Event[] = new Array<Event>(n);
  for (let k = 0; k < n; k++) {
    events[k] = {
      customerId: customer[k]!,
      timestamp: ts[k]! + rng.int(3_600_000),
      type: types[rng.int(types.length)]!,
      itemId: rng.int(1000),
      properties: { channel: channels[rng.int(3)]! },
    };
  }
  return { cols: { customer, order, ts, amount }, events, items, asOf: start + span };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const repeats = ctx.quick ? 2 : 5;
  const python = referencePython(['pandas', 'numpy']);
  const notes: string[] = [];
  if (python === null) notes.push('pandas columns empty: /usr/bin/python3 with pandas not found');
  const rows: BenchRow[] = [];

  const csv = join(ctx.dataDir, 'online-retail', 'online_retail.csv');
  if (!existsSync(csv)) notes.push(`Online Retail skipped: ${csv} not found (set MARKSMAN_DATA_DIR)`);
  else {
    const data = parseOnlineRetail(readFileSync(csv, 'utf8'));
    const lines = data.lines;
    const raw = lines.map((l) => ({ customerId: l.customerId as number, orderId: l.invoiceNo, itemId: l.stockCode, timestamp: l.invoiceDate, quantity: l.quantity, unitPrice: l.unitPrice }));
    let cleaned = cleanTransactions(raw, { outlierRule: null });
    const cleanTime = await timeIt(() => {
      cleaned = cleanTransactions(raw, { outlierRule: null });
    }, ctx.quick ? 1 : 3);
    const r = cleaned.report.reasons;
    notes.push(
      `Online Retail cleanTransactions on ${lines.length} lines: ${cleanTime.median.toFixed(3)} s; kept ${cleaned.report.kept}; ` +
        `missingCustomer ${r.missingCustomer.count}, duplicate ${r.duplicate.count}, cancellation ${r.cancellation.count} ` +
        `(${cleaned.report.matches.length} matches), unmatchedCancellation ${r.unmatchedCancellation.count}, ` +
        `cancelledOriginal ${r.cancelledOriginal.count}, nonPositivePrice ${r.nonPositivePrice.count}, invalid ${r.invalid.count}.`,
    );
    const uk = lines.filter((l) => l.country === 'United Kingdom' && l.quantity > 0 && l.customerId !== null);
    const invoices = new Map<string, number>();
    const cols: Cols = {
      customer: Int32Array.from(uk, (l) => l.customerId as number),
      order: Int32Array.from(uk, (l) => {
        let v = invoices.get(l.invoiceNo);
        if (v === undefined) invoices.set(l.invoiceNo, (v = invoices.size));
        return v;
      }),
      ts: Float64Array.from(uk, (l) => l.invoiceDate),
      amount: Float64Array.from(uk, (l) => l.quantity * l.unitPrice),
    };
    const asOf = Date.UTC(2011, 11, 10);
    rows.push(...(await compare('online-retail-uk', cols, asOf, repeats, python)));
    const events: Event[] = uk.map((l) => ({ customerId: l.customerId as number, timestamp: l.invoiceDate, type: 'purchase', itemId: l.stockCode, properties: { orderId: l.invoiceNo } }));
    const bt = await timeIt(() => behaviourFeatures(events, { asOf }), ctx.quick ? 1 : 3);
    rows[rows.length - 1]!['marksman behaviourFeatures s'] = bt.median;
  }

  const n = ctx.quick ? 200_000 : 2_000_000;
  const sim = simulate(n, 42);
  rows.push(...(await compare(`simulated-${n}`, sim.cols, sim.asOf, repeats, python)));
  const bt = await timeIt(() => behaviourFeatures(sim.events, { asOf: sim.asOf, items: sim.items }), ctx.quick ? 1 : 3);
  rows[rows.length - 1]!['marksman behaviourFeatures s'] = bt.median;
  notes.push('Ran on the shared 2-core machine while other helpers were working (under load); compare ratios from one run.');
  return { rows, notes };
}
