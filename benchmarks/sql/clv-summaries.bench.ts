/**
 * RFM + CLV summaries of 20,000,000 simulated order lines read from a Parquet file, then a BG/NBD fit on the
 * summary: DuckDB (the `@marksman/sql` queries through the embedded runner) against the in-process path (the
 * file read into columns with `@marksman/io`, then summarizeForClv and rfm on the columns). Each case runs in a
 * fresh child process so its peak RSS is its own. The Parquet file is written once, in row groups, and kept in
 * the system's temporary folder for later runs with the same parameters.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Table } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { readParquetFile } from '@marksman/io/node';
import { fitBgNbd, rfm, summarizeForClv } from '@marksman/profiling';
import type { ClvCustomer } from '@marksman/profiling';
import { clvSummarySql, rfmSql } from '@marksman/sql';
import { openDuckDB } from '@marksman/sql/node';
import { peakRssMiB, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

const N = 20_000_000;
const QUICK_N = 1_000_000;
const AS_OF = '2024-12-01';
const BASE = Object.freeze({ customers: 2000, weeks: 52, seed: 1 });
const ROW_GROUP = 1_000_000;

export const meta: BenchMeta = {
  id: 'sql-clv-summaries',
  title: 'RFM + CLV summaries and a BG/NBD fit on 20,000,000 simulated order lines in Parquet: DuckDB vs in-process',
  protocol:
    'Data: simulateShop({ customers: 2000, weeks: 52, seed: 1 }) order lines as columns, tiled with renamed customers ' +
    'and orders (copy k of customer i is customer k·2000 + i, same times and amounts) to N = 20,000,000 lines ' +
    '(1,000,000 with --quick), written once to Parquet by @marksman/io\'s writer (hyparquet-writer, snappy) in row ' +
    'groups of 1,000,000 lines generated one at a time: customerId and orderId INT32, timestamp (epoch ms) and amount ' +
    'DOUBLE; the file is cached in the temporary folder and reused while its parameters match (generation excluded). ' +
    'Work, each case once in a fresh child process, timed from the file on disk: DuckDB 1.5 through @duckdb/node-api ' +
    '(openDuckDB, threads = 2, in memory): register the Parquet file, run clvSummarySql (asOf 2024-12-01, weekly, ' +
    "timestampKind 'epochMs') and rfmSql (same asOf), results as Marksman tables, then fitBgNbd on the CLV summary. " +
    'CPU s = user + system CPU time of the child during the work (DuckDB may use 2 threads; our JavaScript uses 1). ' +
    'In-process: readParquetFile (hyparquet) into typed-array columns, summarizeForClv and rfm on the columns, fitBgNbd ' +
    'on the summary. Peak RSS = VmHWM of the child; "baseline" = a child with everything imported and no data. Both ' +
    'paths must agree on the customers, Σfrequency, Σrecency, ΣT and Σmonetary value of the CLV summary, the ' +
    'customers, Σfrequency and Σmonetary of RFM (sums to 1e-9 relative), and the fitted BG/NBD parameters (1e-6).',
};

interface Lines {
  customerId: Int32Array;
  orderId: Int32Array;
  timestamp: Float64Array;
  amount: Float64Array;
}

/** The base simulation as columns with dense integer ids. */
function baseLines(): { lines: Lines; customers: number; orders: number } {
  const tx = simulateShop(BASE).transactions;
  const n = tx.length;
  const cust = new Map<unknown, number>();
  const ord = new Map<unknown, number>();
  const lines: Lines = { customerId: new Int32Array(n), orderId: new Int32Array(n), timestamp: new Float64Array(n), amount: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const t = tx[i]!;
    let c = cust.get(t.customerId);
    if (c === undefined) cust.set(t.customerId, (c = cust.size));
    let o = ord.get(t.orderId);
    if (o === undefined) ord.set(t.orderId, (o = ord.size));
    lines.customerId[i] = c;
    lines.orderId[i] = o;
    lines.timestamp[i] = t.timestamp;
    lines.amount[i] = t.amount;
  }
  return { lines, customers: cust.size, orders: ord.size };
}

/** Lines [from, to) of the tiled data. */
function chunk(base: ReturnType<typeof baseLines>, from: number, to: number): Lines {
  const m = base.lines.customerId.length;
  const out: Lines = { customerId: new Int32Array(to - from), orderId: new Int32Array(to - from), timestamp: new Float64Array(to - from), amount: new Float64Array(to - from) };
  for (let i = from; i < to; i++) {
    const copy = Math.floor(i / m);
    const j = i - copy * m;
    out.customerId[i - from] = copy * base.customers + base.lines.customerId[j]!;
    out.orderId[i - from] = copy * base.orders + base.lines.orderId[j]!;
    out.timestamp[i - from] = base.lines.timestamp[j]!;
    out.amount[i - from] = base.lines.amount[j]!;
  }
  return out;
}

interface HyparquetWriter {
  ParquetWriter: new (o: { writer: unknown; schema: unknown; codec?: string }) => { write(o: { columnData: unknown[]; rowGroupSize: number }): void; finish(): void };
  fileWriter(path: string): unknown;
  schemaFromColumnData(o: { columnData: unknown[] }): unknown;
}

/** Writes (or reuses) the Parquet file of n lines; returns its path. */
async function parquetFile(n: number): Promise<string> {
  const dir = join(tmpdir(), 'marksman-bench-sql-clv');
  mkdirSync(dir, { recursive: true });
  const params = JSON.stringify({ version: 1, n, base: BASE, rowGroup: ROW_GROUP });
  const path = join(dir, `lines-${n}.parquet`);
  const stamp = `${path}.json`;
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === params) return path;
  // hyparquet-writer is @marksman/io's dependency: its incremental writer keeps one row group in memory.
  const hw = (await import(pathToFileURL(createRequire(fileURLToPath(new URL('../../packages/io/package.json', import.meta.url))).resolve('hyparquet-writer')).href)) as HyparquetWriter;
  const base = baseLines();
  const columns = (c: Lines) => [
    { name: 'customerId', data: c.customerId, type: 'INT32', nullable: false },
    { name: 'orderId', data: c.orderId, type: 'INT32', nullable: false },
    { name: 'timestamp', data: c.timestamp, type: 'DOUBLE', nullable: false },
    { name: 'amount', data: c.amount, type: 'DOUBLE', nullable: false },
  ];
  const partial = `${path}.partial`;
  const first = chunk(base, 0, Math.min(n, ROW_GROUP));
  const writer = new hw.ParquetWriter({ writer: hw.fileWriter(partial), schema: hw.schemaFromColumnData({ columnData: columns(first) }), codec: 'SNAPPY' });
  for (let from = 0; from < n; from += ROW_GROUP) {
    const to = Math.min(n, from + ROW_GROUP);
    writer.write({ columnData: columns(from === 0 ? first : chunk(base, from, to)), rowGroupSize: to - from });
  }
  writer.finish();
  renameSync(partial, path);
  writeFileSync(stamp, params);
  return path;
}

type Case = 'baseline' | 'in-process' | 'duckdb';

interface Checks {
  customers: number;
  frequency: number;
  recency: number;
  T: number;
  monetary: number;
  rfmCustomers: number;
  rfmFrequency: number;
  rfmMonetary: number;
  r: number;
  alpha: number;
  a: number;
  b: number;
}

function sum(t: Table, name: string): number {
  const c = t.column(name) as ArrayLike<number>;
  let s = 0;
  for (let i = 0; i < c.length; i++) s += Number(c[i]);
  return s;
}

type CaseOutput = Record<string, string | number | null | Checks>;

async function runCase(name: Case, n: number, parquet: string): Promise<CaseOutput> {
  if (name === 'baseline') return { case: name, lines: null, 'read + summaries s': null, 'of which Parquet read s': null, 'BG/NBD fit s': null, 'total s': null, 'CPU s': null, 'peak RSS MiB': Math.round(await peakRssMiB()) };
  const asOf = Date.parse(AS_OF);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let readSeconds: number | null = null;
  let clvRows: readonly ClvCustomer[];
  let rfmTable: Table;
  if (name === 'duckdb') {
    const db = await openDuckDB({ threads: 2 });
    await db.registerFile('lines', parquet);
    const clv = await db.query(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: AS_OF, timeUnit: 'week', timestampKind: 'epochMs' }));
    rfmTable = await db.query(rfmSql({ dialect: 'duckdb', table: 'lines', asOf: AS_OF, timestampKind: 'epochMs' }));
    db.close();
    clvRows = clv.toRecords() as unknown as ClvCustomer[];
  } else {
    const cols = await readParquetFile(parquet);
    readSeconds = (performance.now() - t0) / 1000;
    const lines = { customerId: cols.customerId as Int32Array, orderId: cols.orderId as Int32Array, timestamp: cols.timestamp as Float64Array, amount: cols.amount as Float64Array };
    clvRows = summarizeForClv(lines, { asOf, timeUnit: 'week' }).rows;
    rfmTable = rfm(lines, { asOf });
  }
  const t1 = performance.now();
  const fit = fitBgNbd(clvRows);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const checks: Checks = { customers: clvRows.length, frequency: 0, recency: 0, T: 0, monetary: 0, rfmCustomers: rfmTable.numRows, rfmFrequency: sum(rfmTable, 'frequency'), rfmMonetary: sum(rfmTable, 'monetary'), ...fit.params };
  for (const r of clvRows) {
    checks.frequency += r.frequency;
    checks.recency += r.recency;
    checks.T += r.T;
    checks.monetary += r.monetaryValue ?? 0;
  }
  return {
    case: name,
    lines: n,
    customers: checks.customers,
    'read + summaries s': Number(((t1 - t0) / 1000).toPrecision(4)),
    'of which Parquet read s': readSeconds === null ? null : Number(readSeconds.toPrecision(4)),
    'BG/NBD fit s': Number(((t2 - t1) / 1000).toPrecision(4)),
    'total s': Number(((t2 - t0) / 1000).toPrecision(4)),
    'CPU s': Number(((cpu.user + cpu.system) / 1e6).toPrecision(4)),
    'peak RSS MiB': Math.round(await peakRssMiB()),
    checks,
  };
}

function agree(a: Checks, b: Checks): boolean {
  const close = (x: number, y: number, tol: number) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
  return (
    a.customers === b.customers &&
    a.frequency === b.frequency &&
    a.rfmCustomers === b.rfmCustomers &&
    a.rfmFrequency === b.rfmFrequency &&
    close(a.recency, b.recency, 1e-9) &&
    close(a.T, b.T, 1e-9) &&
    close(a.monetary, b.monetary, 1e-9) &&
    close(a.rfmMonetary, b.rfmMonetary, 1e-9) &&
    (['r', 'alpha', 'a', 'b'] as const).every((k) => close(a[k], b[k], 1e-6))
  );
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const n = ctx.quick ? QUICK_N : N;
  const load0 = loadavg();
  const g0 = performance.now();
  const parquet = await parquetFile(n);
  const writeSeconds = (performance.now() - g0) / 1000;
  const rows: BenchRow[] = [];
  const checks: Partial<Record<Case, Checks>> = {};
  for (const name of ['baseline', 'duckdb', 'in-process'] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name, String(n), parquet], {
      encoding: 'utf8',
      env: { ...process.env, MARKSMAN_BENCH_CHILD: '1' },
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`case ${name} failed:\n${r.stderr}`);
    const { checks: check, ...row } = JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseOutput;
    if (check !== undefined) checks[name] = check as Checks;
    rows.push(row as BenchRow);
  }
  const [, duck, ours] = rows;
  const ratio = (key: string) => ((ours![key] as number) / (duck![key] as number)).toFixed(2);
  const d = checks.duckdb!;
  return {
    rows,
    notes: [
      `Ratios in this run (in-process ÷ DuckDB): time ${ratio('total s')}× (read + summaries ${ratio('read + summaries s')}×), CPU time ${ratio('CPU s')}×, peak RSS ${ratio('peak RSS MiB')}×. ` +
        `Results agree (CLV customers, Σfrequency, Σrecency, ΣT, Σmonetary; RFM customers, Σfrequency, Σmonetary; BG/NBD parameters): ${agree(checks['in-process']!, d)}.`,
      `BG/NBD on DuckDB's summary: r ${d.r.toFixed(4)}, alpha ${d.alpha.toFixed(4)}, a ${d.a.toFixed(4)}, b ${d.b.toFixed(4)} (${d.customers.toLocaleString('en-US')} customers, Σfrequency ${d.frequency}).`,
      `Parquet file: ${(statSync(parquet).size / 2 ** 20).toFixed(0)} MiB; ${writeSeconds > 1 ? `written in ${writeSeconds.toFixed(1)} s this run` : 'reused from an earlier run (same parameters)'}.`,
      `Load average (1/5/15 min) at the start: ${load0.map((x) => x.toFixed(1)).join('/')}, at the end: ${loadavg().map((x) => x.toFixed(1)).join('/')} (2 cores shared with other jobs: compare the ratios, not the times).`,
    ],
  };
}

if (process.env.MARKSMAN_BENCH_CHILD === '1' && process.argv[2]) {
  const row = await runCase(process.argv[2] as Case, Number(process.argv[3]), process.argv[4]!);
  console.log(JSON.stringify(row));
}

