/**
 * One measured run for arrow-parquet.bench.ts, in a fresh process (bundled to plain JavaScript
 * first). Modes:
 *   write <csv> <parquet>       parse the CSV (not timed), then write its columns to Parquet (timed)
 *   read <parquet>              readParquetFile → columns
 *   arrow <parquet>             readParquetFile → toArrow → cleanTransactions(Arrow table) → rfm
 *   columns <parquet>           readParquetFile → cleanTransactions(columns) → rfm
 *   csv <csv>                   loadOnlineRetail → cleanTransactions(columns) → rfm
 *   baseline                    nothing (everything imported)
 * Prints one JSON line: seconds of the work (module loading excluded), per-step seconds,
 * checksums and the process's peak resident memory (VmHWM).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as arrow from 'apache-arrow';
import type { ArrowLikeTable } from '@marksman/core';
import { loadOnlineRetail } from '@marksman/datasets/node';
import { toArrow } from '@marksman/io';
import { readParquetFile, writeParquetFile } from '@marksman/io/node';
import { cleanTransactions, rfm } from '@marksman/profiling';
import type { CleanColumnsResult, CleanTransactionColumns } from '@marksman/profiling';

function peakMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

const AS_OF = Date.UTC(2011, 11, 10);
const CLEAN = { cancellations: 'drop', outlierRule: null } as const;

/** The CSV's columns under cleaning's names (what the Parquet file holds). */
function csvColumns(csv: string): CleanTransactionColumns {
  const c = loadOnlineRetail(dirname(csv)).columns;
  return {
    customerId: c.customerId,
    orderId: c.invoiceNo,
    itemId: c.stockCode,
    timestamp: c.invoiceDate,
    quantity: c.quantity,
    unitPrice: c.unitPrice,
    description: c.description,
    country: c.country,
  };
}

function summary(cleaned: CleanColumnsResult): Record<string, number> {
  const table = rfm(cleaned.columns, { asOf: AS_OF });
  const frequency = table.column('frequency') as Float64Array;
  const monetary = table.column('monetary') as Float64Array;
  let f = 0;
  let m = 0;
  for (let i = 0; i < frequency.length; i++) {
    f += frequency[i]!;
    m += monetary[i]!;
  }
  return { lines: cleaned.report.total, kept: cleaned.report.kept, customers: table.numRows, frequencySum: f, monetarySum: m };
}

const [mode, file, out] = process.argv.slice(2);
let result: Record<string, unknown>;
if (mode === 'baseline') result = { peakMiB: peakMiB() };
else if (mode === 'write') {
  const cols = csvColumns(file!);
  const t0 = performance.now();
  await writeParquetFile(out!, cols);
  result = { seconds: (performance.now() - t0) / 1000, fileMiB: statSync(out!).size / 2 ** 20, lines: cols.quantity.length, peakMiB: peakMiB() };
} else if (mode === 'read') {
  const t0 = performance.now();
  const cols = await readParquetFile(file!);
  result = { seconds: (performance.now() - t0) / 1000, lines: (cols.quantity as Float64Array).length, peakMiB: peakMiB() };
} else if (mode === 'arrow' || mode === 'columns') {
  const t0 = performance.now();
  const cols = await readParquetFile(file!);
  const t1 = performance.now();
  const input = mode === 'arrow' ? (toArrow(cols, arrow) as unknown as ArrowLikeTable) : (cols as unknown as CleanTransactionColumns);
  const t2 = performance.now();
  const cleaned = mode === 'arrow' ? cleanTransactions(input as ArrowLikeTable, CLEAN) : cleanTransactions(input as CleanTransactionColumns, CLEAN);
  const t3 = performance.now();
  const s = summary(cleaned);
  const t4 = performance.now();
  result = { seconds: (t4 - t0) / 1000, readSeconds: (t1 - t0) / 1000, arrowSeconds: (t2 - t1) / 1000, cleanSeconds: (t3 - t2) / 1000, rfmSeconds: (t4 - t3) / 1000, ...s, peakMiB: peakMiB() };
} else if (mode === 'csv') {
  const t0 = performance.now();
  const cols = csvColumns(file!);
  const t1 = performance.now();
  const cleaned = cleanTransactions(cols, CLEAN);
  const t2 = performance.now();
  const s = summary(cleaned);
  const t3 = performance.now();
  result = { seconds: (t3 - t0) / 1000, readSeconds: (t1 - t0) / 1000, cleanSeconds: (t2 - t1) / 1000, rfmSeconds: (t3 - t2) / 1000, ...s, peakMiB: peakMiB() };
} else throw new Error(`unknown mode ${String(mode)}`);
console.log(JSON.stringify(result));
