/**
 * RFM + CLV summaries of N simulated order lines: DuckDB (the `@marksman/sql` queries on a Parquet file, through
 * the embedded runner) against the in-process path (summarizeForClv + rfm on records in memory). Each case runs in
 * a fresh child process so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';
import { rfm, summarizeForClv } from '@marksman/profiling';
import { clvSummarySql, rfmSql } from '@marksman/sql';
import { openDuckDB } from '@marksman/sql/node';
import { peakRssMiB, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

const N = 1_000_000;
const AS_OF = '2024-12-01';

export const meta: BenchMeta = {
  id: 'sql-clv-summaries',
  title: 'RFM + CLV summaries of 1,000,000 simulated order lines: DuckDB (Parquet) vs in-process',
  protocol:
    'Data: simulateShop({ customers: 2000, weeks: 52, seed: 1 }) order lines, tiled with renamed customers and orders ' +
    '(customer c17 of copy k becomes c17#k, same times and amounts) until N = 1,000,000 lines (the issue asks ' +
    '20,000,000; this 2-core machine shared by 7 engineers cannot hold 20,000,000 record objects for the in-process ' +
    'side within the time a run may take, so N is scaled down 20×). Work: the CLV repeat-purchase summary (asOf 2024-12-01, weekly) and RFM (same ' +
    'asOf). In-process: summarizeForClv + rfm on the records, already in memory (generation excluded from the time). ' +
    'DuckDB: the data written once to Parquet (DuckDB COPY from CSV, excluded); timed: open an in-memory database, ' +
    'register the Parquet file, run clvSummarySql and rfmSql (dialect duckdb) and copy both results into records; ' +
    'DuckDB 1.5 through @duckdb/node-api, threads = 2. Median of 3 after 1 warm-up, each case in a fresh child ' +
    'process; peak RSS (VmHWM) of that child, "data only" = the in-process child after generating the records. ' +
    'Both paths must agree on the number of customers and the sum of frequency.',
};

function lines(n: number): Transaction[] {
  const base = simulateShop({ customers: 2000, weeks: 52, seed: 1 }).transactions;
  const out: Transaction[] = new Array<Transaction>(n);
  for (let i = 0, copy = 0; i < n; copy++) {
    for (let j = 0; j < base.length && i < n; j++, i++) {
      const t = base[j]!;
      out[i] = { customerId: `${String(t.customerId)}#${copy}`, orderId: `${String(t.orderId)}#${copy}`, timestamp: t.timestamp, quantity: t.quantity, amount: t.amount };
    }
  }
  return out;
}

const tmp = fileURLToPath(new URL('../.tmp/sql-clv/', import.meta.url));

async function writeParquet(n: number): Promise<string> {
  mkdirSync(tmp, { recursive: true });
  const csv = join(tmp, 'lines.csv');
  const parquet = join(tmp, `lines-${n}.parquet`);
  const rows = lines(n);
  const text: string[] = ['customerId,orderId,timestamp,amount'];
  for (const t of rows) text.push(`${String(t.customerId)},${String(t.orderId)},${new Date(t.timestamp as number).toISOString().replace('T', ' ').replace('Z', '')},${t.amount!}`);
  writeFileSync(csv, text.join('\n') + '\n');
  const db = await openDuckDB();
  await db.query(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${parquet}' (FORMAT parquet)`);
  db.close();
  rmSync(csv);
  return parquet;
}

type Case = 'data only' | 'in-process' | 'duckdb';

async function runCase(name: Case, n: number, parquet: string): Promise<BenchRow> {
  let customers = 0;
  let frequencySum = 0;
  let t = NaN;
  if (name === 'duckdb') {
    const work = async () => {
      const db = await openDuckDB({ threads: 2 });
      await db.registerFile('lines', parquet);
      const clv = await db.records(clvSummarySql({ dialect: 'duckdb', table: 'lines', asOf: AS_OF, timeUnit: 'week' }));
      await db.records(rfmSql({ dialect: 'duckdb', table: 'lines', asOf: AS_OF }));
      db.close();
      customers = clv.length;
      frequencySum = clv.reduce((s, r) => s + Number(r.frequency), 0);
    };
    t = (await timeIt(work, 3, 1)).median;
  } else {
    const data = lines(n);
    if (name === 'in-process') {
      const work = () => {
        const clv = summarizeForClv(data, { asOf: AS_OF, timeUnit: 'week' }).rows;
        rfm(data, { asOf: AS_OF });
        customers = clv.length;
        frequencySum = clv.reduce((s, r) => s + r.frequency, 0);
      };
      t = (await timeIt(work, 3, 1)).median;
    }
  }
  return { case: name, lines: n, customers: customers || null, 'frequency sum': frequencySum || null, 'median s': Number.isNaN(t) ? null : t, 'peak RSS MiB': Math.round(await peakRssMiB()) };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const n = ctx.quick ? 100_000 : N;
  const parquet = await writeParquet(n);
  const rows: BenchRow[] = [];
  for (const name of ['data only', 'in-process', 'duckdb'] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name, String(n), parquet], {
      encoding: 'utf8',
      env: { ...process.env, MARKSMAN_BENCH_CHILD: '1' },
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`case ${name} failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchRow);
  }
  rmSync(tmp, { recursive: true, force: true });
  const [, ours, duck] = rows;
  return {
    rows,
    notes: [
      `Time ratio in this run (in-process ÷ DuckDB): ${((ours!['median s'] as number) / (duck!['median s'] as number)).toFixed(2)}×; ` +
        `peak RSS ratio: ${((ours!['peak RSS MiB'] as number) / (duck!['peak RSS MiB'] as number)).toFixed(2)}×; results agree (customers, frequency sum): ` +
        `${ours!.customers === duck!.customers && ours!['frequency sum'] === duck!['frequency sum']}.`,
      'DuckDB reads the Parquet file inside the timed work; the in-process side starts from records already in memory.',
      `Load average at the end of the run (1/5/15 min): ${loadavg().map((x) => x.toFixed(1)).join('/')}.`,
    ],
  };
}

if (process.env.MARKSMAN_BENCH_CHILD === '1' && process.argv[2]) {
  const row = await runCase(process.argv[2] as Case, Number(process.argv[3]), process.argv[4]!);
  console.log(JSON.stringify(row));
}
