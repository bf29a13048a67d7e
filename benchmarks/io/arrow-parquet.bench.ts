/**
 * Arrow and Parquet ingest: Online Retail written to Parquet with @marksman/io, read back, as an
 * Arrow table through cleanTransactions and rfm, against the CSV path and against pandas doing the
 * same steps from the CSV (pandas cannot read Parquet here: no pyarrow or fastparquet in Debian's
 * python3). Time and peak memory, each measured in a fresh process per run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBenchChild, median, referencePython, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'io-arrow-parquet',
  title: 'Arrow and Parquet: Online Retail (541,909 lines) → Parquet → Arrow table → clean → RFM, vs the CSV path and pandas',
  protocol:
    'online_retail.csv parsed by loadOnlineRetail, its columns (customerId, orderId = InvoiceNo, itemId = StockCode, timestamp, ' +
    'quantity, unitPrice, description, country; text dictionary-encoded) written with writeParquetFile (@marksman/io, hyparquet-writer, ' +
    'snappy, 100,000-row groups; the write alone timed). Pipelines, each ending in rfm as of 2011-12-10T00:00Z after cleanTransactions ' +
    "with cancellations: 'drop' and outlierRule: null: (1) readParquetFile → toArrow(columns, apache-arrow 21) → cleanTransactions(Arrow table) → rfm; " +
    '(2) readParquetFile → cleanTransactions(columns) → rfm; (3) loadOnlineRetail (CSV) → cleanTransactions(columns) → rfm; ' +
    '(4) pandas 1.5 read_csv (InvoiceNo, StockCode as str, InvoiceDate parsed) and the same steps (benchmarks/profiling/ingest_pandas.py pipeline). ' +
    'pandas reads no Parquet on this machine (pyarrow and fastparquet absent from Debian python3), so its row is the CSV path. ' +
    'Kept lines, customers, Σfrequency and Σmonetary are compared across all four. Each measurement is a fresh process (Marksman: the child ' +
    'bundled with esbuild, run by node), time of the work only (imports excluded), peak RSS (VmHWM / ru_maxrss) of the whole process; ' +
    'median of 3 runs per case (1 with --quick), the cases interleaved.',
};

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const tmp = join(here, '..', '.tmp');


type Run = Record<string, number | string>;

function once(command: string, args: readonly string[]): Run {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  delete env.NODE_OPTIONS;
  const r = spawnSync(command, args, { encoding: 'utf8', env, cwd: root, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
}

function med(rs: readonly Run[], key: string): number {
  return median(rs.map((r) => Number(r[key])));
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const csv = join(ctx.dataDir, 'online-retail', 'online_retail.csv');
  if (!existsSync(csv)) return { rows: [], notes: [`skipped: ${csv} not found (set MARKSMAN_DATA_DIR)`] };
  const repeats = ctx.quick ? 1 : 3;
  const csvMiB = statSync(csv).size / 2 ** 20;
  const child = await bundleBenchChild(join(here, 'arrow-parquet-child.ts'), ['core', 'metrics', 'datasets', 'profiling', 'io'], ['ml-matrix', 'apache-arrow']);
  const parquet = join(tmp, 'online_retail.parquet');
  const python = referencePython(['pandas', 'numpy']);
  const py = join(here, '..', 'profiling', 'ingest_pandas.py');
  const node = process.execPath;
  const write: Run[] = [];
  const read: Run[] = [];
  const viaArrow: Run[] = [];
  const viaColumns: Run[] = [];
  const viaCsv: Run[] = [];
  const pandas: Run[] = [];
  // Interleaved, so that machine load hits every case alike.
  for (let k = 0; k < repeats; k++) {
    write.push(once(node, [child, 'write', csv, parquet]));
    read.push(once(node, [child, 'read', parquet]));
    viaArrow.push(once(node, [child, 'arrow', parquet]));
    viaColumns.push(once(node, [child, 'columns', parquet]));
    viaCsv.push(once(node, [child, 'csv', csv]));
    if (python !== null) pandas.push(once(python, [py, 'pipeline', csv]));
  }
  const baseline = once(node, [child, 'baseline']);
  const rows: BenchRow[] = [];
  const row = (step: string, impl: string, rs: readonly Run[]): BenchRow => {
    const r: BenchRow = {
      step,
      implementation: impl,
      'median s': rs[0]!.seconds !== undefined ? Number(med(rs, 'seconds').toPrecision(4)) : null,
      'peak RSS MiB': Math.round(med(rs, 'peakMiB')),
      lines: rs[0]!.lines !== undefined ? Number(rs[0]!.lines) : null,
      kept: rs[0]!.kept !== undefined ? Number(rs[0]!.kept) : null,
      customers: rs[0]!.customers !== undefined ? Number(rs[0]!.customers) : null,
    };
    rows.push(r);
    return r;
  };
  const fileMiB = Number(write[0]!.fileMiB);
  row('write Parquet (columns → file)', 'marksman writeParquetFile', write);
  row('read Parquet (file → columns)', 'marksman readParquetFile', read);
  const a = row('→ clean → RFM', 'marksman: Parquet → Arrow table → cleanTransactions → rfm', viaArrow);
  const c = row('→ clean → RFM', 'marksman: Parquet → columns → cleanTransactions → rfm', viaColumns);
  const s = row('→ clean → RFM', 'marksman: CSV → columns → cleanTransactions → rfm', viaCsv);
  const p = python !== null ? row('→ clean → RFM', `pandas ${pandas[0]!.pandas}: CSV (read_csv) → same steps (no Parquet reader installed)`, pandas) : null;
  rows.push({ step: 'baseline (imports, no data)', implementation: 'node + marksman + apache-arrow', 'median s': null, 'peak RSS MiB': Math.round(Number(baseline.peakMiB)), lines: null, kept: null, customers: null });
  const notes: string[] = [];
  notes.push(`Parquet file ${fileMiB.toFixed(1)} MiB (snappy) for the ${csvMiB.toFixed(1)} MiB CSV.`);
  notes.push(
    `Steps (median s): Arrow path read ${med(viaArrow, 'readSeconds').toFixed(3)}, toArrow ${med(viaArrow, 'arrowSeconds').toFixed(3)}, clean ${med(viaArrow, 'cleanSeconds').toFixed(3)}, rfm ${med(viaArrow, 'rfmSeconds').toFixed(3)}; ` +
      `columns path read ${med(viaColumns, 'readSeconds').toFixed(3)}, clean ${med(viaColumns, 'cleanSeconds').toFixed(3)}, rfm ${med(viaColumns, 'rfmSeconds').toFixed(3)}; ` +
      `CSV path parse ${med(viaCsv, 'readSeconds').toFixed(3)}, clean ${med(viaCsv, 'cleanSeconds').toFixed(3)}, rfm ${med(viaCsv, 'rfmSeconds').toFixed(3)}.`,
  );
  const ratio = (x: BenchRow, y: BenchRow, key: string) => ((x[key] as number) / (y[key] as number)).toFixed(2);
  notes.push(`Time ratios in this run: Parquet → Arrow pipeline ÷ CSV pipeline ${ratio(a, s, 'median s')}×; Arrow ÷ plain columns from Parquet ${ratio(a, c, 'median s')}×.`);
  if (p !== null) {
    notes.push(
      `Against pandas (ours ÷ pandas from the CSV; pandas has no Parquet reader here): Parquet → Arrow pipeline ${ratio(a, p, 'median s')}× in time, ${ratio(a, p, 'peak RSS MiB')}× in peak memory; ` +
        `CSV pipeline ${ratio(s, p, 'median s')}× in time, ${ratio(s, p, 'peak RSS MiB')}× in memory. pandas steps (median s): read ${med(pandas, 'parseSeconds').toFixed(3)}, clean ${med(pandas, 'cleanSeconds').toFixed(3)}, rfm ${med(pandas, 'rfmSeconds').toFixed(3)}.`,
    );
  } else notes.push('pandas row missing: /usr/bin/python3 with pandas not found.');
  const same = (x: readonly Run[], y: readonly Run[]) =>
    x[0]!.kept === y[0]!.kept &&
    x[0]!.customers === y[0]!.customers &&
    med(x, 'frequencySum') === med(y, 'frequencySum') &&
    Math.abs(med(x, 'monetarySum') - med(y, 'monetarySum')) <= 1e-6 * Math.abs(med(y, 'monetarySum'));
  notes.push(`Same result check (kept lines, customers, Σfrequency, Σmonetary): Arrow = columns ${same(viaArrow, viaColumns)}, Arrow = CSV ${same(viaArrow, viaCsv)}${p !== null ? `, Arrow = pandas ${same(viaArrow, pandas)}` : ''}.`);
  notes.push(
    `Load average (1 min) when the runs ended: ${loadavg()[0]!.toFixed(1)} on this ${loadavg().length > 0 ? 'shared ' : ''}machine${ctx.quick ? ' (a quick run)' : ''}; cases are interleaved so load hits them alike: compare ratios from one run, not bare times.`,
  );
  return { rows, notes };
}
