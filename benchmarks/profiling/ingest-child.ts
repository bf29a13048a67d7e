/**
 * One measured run for ingest.bench.ts, in a fresh process (bundled to plain JavaScript first, so
 * the process holds only Node and our code): `parse <csv>` (readOnlineRetail on a stream),
 * `load <csv>` (loadOnlineRetail), `pipeline <csv> <drop|match> <overwrite|copy>` (cleanTransactions with the
 * parsed columns handed over, `overwriteInput: true`, or copied, the default) or `baseline`. Prints one JSON line: seconds of the work (module loading excluded), checksums and
 * the process's peak resident memory (VmHWM).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readOnlineRetail } from '@marksman/datasets';
import type { OnlineRetailData } from '@marksman/datasets';
import { loadOnlineRetail } from '@marksman/datasets/node';
import { cleanTransactions, rfm } from '@marksman/profiling';

function peakMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

const AS_OF = Date.UTC(2011, 11, 10);

async function parse(file: string): Promise<OnlineRetailData> {
  return readOnlineRetail(createReadStream(file, { highWaterMark: 1 << 20 }), { sizeHint: statSync(file).size });
}

const [mode, file, cancellations, columns] = process.argv.slice(2);
let out: Record<string, unknown>;
if (mode === 'baseline') out = { peakMiB: peakMiB() };
else if (mode === 'parse' || mode === 'load') {
  const t0 = performance.now();
  const d = mode === 'parse' ? await parse(file!) : loadOnlineRetail(dirname(file!));
  const seconds = (performance.now() - t0) / 1000;
  out = { seconds, lines: d.length, rejected: d.report.rejected, peakMiB: peakMiB() };
} else {
  const t0 = performance.now();
  const d = loadOnlineRetail(dirname(file!));
  const t1 = performance.now();
  const c = d.columns;
  const cleaned = cleanTransactions(
    {
      customerId: c.customerId,
      orderId: c.invoiceNo,
      itemId: c.stockCode,
      timestamp: c.invoiceDate,
      quantity: c.quantity,
      unitPrice: c.unitPrice,
      description: c.description,
      country: c.country,
    },
    // The parsed columns are read no more: with `overwrite` cleaning compacts the kept lines in them.
    { cancellations: cancellations === 'match' ? 'match' : 'drop', outlierRule: null, overwriteInput: columns === 'overwrite' },
  );
  const t2 = performance.now();
  const table = rfm(cleaned.columns, { asOf: AS_OF });
  const t3 = performance.now();
  const frequency = table.column('frequency') as Float64Array;
  const monetary = table.column('monetary') as Float64Array;
  let f = 0;
  let m = 0;
  for (let i = 0; i < frequency.length; i++) {
    f += frequency[i]!;
    m += monetary[i]!;
  }
  out = {
    seconds: (t3 - t0) / 1000,
    parseSeconds: (t1 - t0) / 1000,
    cleanSeconds: (t2 - t1) / 1000,
    rfmSeconds: (t3 - t2) / 1000,
    lines: d.length,
    kept: cleaned.report.kept,
    customers: table.numRows,
    frequencySum: f,
    monetarySum: m,
    peakMiB: peakMiB(),
  };
}
console.log(JSON.stringify(out));
