/**
 * Ingest: UCI Online Retail CSV → columns, and CSV → clean → RFM, against pandas doing the same
 * steps, in the same run; time and peak memory, each measured in a fresh process per run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBenchChild, median, referencePython, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'profiling-ingest',
  title: 'Ingest: Online Retail CSV (541,909 lines, 48 MB) → columns, and CSV → clean → RFM, vs pandas',
  protocol:
    'online_retail.csv read from disk in every run. Marksman: readOnlineRetail on fs.createReadStream (1 MiB chunks, ' +
    'sizeHint = file size): columns (text dictionary-encoded, numbers and InvoiceDate as Float64Array). pandas 1.5: ' +
    'read_csv with InvoiceNo and StockCode as str and InvoiceDate parsed (the same work), and without date parsing. ' +
    'Pipeline: parse (loadOnlineRetail: the file read 1 MiB at a time into one reused buffer), then cleanTransactions on the columns (missing customers, exact duplicates, cancellations ' +
    "dropped with cancellations: 'drop', non-positive prices; outlierRule null; the parsed columns handed over with overwriteInput: true, " +
    'so the kept lines are compacted in them; also with the default, which copies the kept lines), then rfm as of 2011-12-10T00:00Z; ' +
    'pandas: dropna(CustomerID), drop_duplicates on the fields cleaning compares (CustomerID, InvoiceNo, InvoiceDate, ' +
    'StockCode, Quantity, UnitPrice), drop InvoiceNo starting with C or Quantity < 0, UnitPrice > 0, ' +
    'groupby RFM (benchmarks/profiling/ingest_pandas.py); kept lines, customers, Σfrequency and Σmonetary are compared. ' +
    "Also Marksman's default netting of cancellations (no pandas counterpart), columns handed over and copied. Each measurement is a fresh process " +
    '(Marksman: the child bundled to plain JavaScript with esbuild and run by node, no loader), time of the work only ' +
    '(runtime start and imports excluded), peak RSS (VmHWM / ru_maxrss) of the whole process; median of 5 runs per ' +
    'case (2 with --quick). Baseline rows: the process with everything imported and no data.',
};

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');


type Run = Record<string, number | string>;

function runs(command: string, args: readonly string[], repeats: number): Run[] {
  const out: Run[] = [];
  for (let k = 0; k < repeats; k++) {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    delete env.NODE_OPTIONS;
    const r = spawnSync(command, args, { encoding: 'utf8', env, cwd: root, maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    out.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Run);
  }
  return out;
}

function med(rs: readonly Run[], key: string): number {
  return median(rs.map((r) => Number(r[key])));
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const csv = join(ctx.dataDir, 'online-retail', 'online_retail.csv');
  if (!existsSync(csv)) return { rows: [], notes: [`skipped: ${csv} not found (set MARKSMAN_DATA_DIR)`] };
  const repeats = ctx.quick ? 2 : 5;
  const fileMiB = statSync(csv).size / 2 ** 20;
  const child = await bundleBenchChild(join(here, 'ingest-child.ts'), ['core', 'metrics', 'datasets', 'profiling'], ['ml-matrix']);
  const python = referencePython(['pandas', 'numpy']);
  const py = join(here, 'ingest_pandas.py');
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const row = (step: string, impl: string, rs: readonly Run[]): BenchRow => {
    const r: BenchRow = {
      step,
      implementation: impl,
      'median s': rs.length > 0 && rs[0]!.seconds !== undefined ? Number(med(rs, 'seconds').toPrecision(4)) : null,
      'peak RSS MiB': Math.round(med(rs, 'peakMiB')),
      'peak / file size': Number((med(rs, 'peakMiB') / fileMiB).toFixed(2)),
      lines: rs[0]!.lines !== undefined ? Number(rs[0]!.lines) : null,
      kept: rs[0]!.kept !== undefined ? Number(rs[0]!.kept) : null,
      customers: rs[0]!.customers !== undefined ? Number(rs[0]!.customers) : null,
    };
    rows.push(r);
    return r;
  };
  const node = process.execPath;
  // Interleave the sides so that machine load hits both alike.
  const oursParse: Run[] = [];
  const oursLoad: Run[] = [];
  const oursPipe: Run[] = [];
  const oursPipeCopy: Run[] = [];
  const oursMatch: Run[] = [];
  const oursMatchCopy: Run[] = [];
  const pdParse: Run[] = [];
  const pdPlain: Run[] = [];
  const pdPipe: Run[] = [];
  for (let k = 0; k < repeats; k++) {
    oursParse.push(...runs(node, [child, 'parse', csv], 1));
    oursLoad.push(...runs(node, [child, 'load', csv], 1));
    if (python !== null) pdParse.push(...runs(python, [py, 'parse', csv], 1));
    if (python !== null) pdPlain.push(...runs(python, [py, 'parse-plain', csv], 1));
    oursPipe.push(...runs(node, [child, 'pipeline', csv, 'drop', 'overwrite'], 1));
    if (python !== null) pdPipe.push(...runs(python, [py, 'pipeline', csv], 1));
    oursPipeCopy.push(...runs(node, [child, 'pipeline', csv, 'drop', 'copy'], 1));
    oursMatch.push(...runs(node, [child, 'pipeline', csv, 'match', 'overwrite'], 1));
    oursMatchCopy.push(...runs(node, [child, 'pipeline', csv, 'match', 'copy'], 1));
  }
  const a = row('parse CSV → columns', 'marksman readOnlineRetail (web-style stream of fs.createReadStream)', oursParse);
  const load = row('parse CSV → columns', 'marksman loadOnlineRetail (file read 1 MiB at a time)', oursLoad);
  const pipe = row('CSV → clean → RFM', "marksman (cancellations 'drop', columns handed over: overwriteInput)", oursPipe);
  const pipeCopy = row('CSV → clean → RFM', "marksman (cancellations 'drop', kept lines copied: the default)", oursPipeCopy);
  const match = row('CSV → clean → RFM', "marksman (cancellations netted, 'match', the default; overwriteInput)", oursMatch);
  const matchCopy = row('CSV → clean → RFM', "marksman (cancellations netted, 'match'; kept lines copied)", oursMatchCopy);
  row('baseline (imports, no data)', 'node + marksman', runs(node, [child, 'baseline'], 1));
  notes.push(
    `Marksman pipeline steps (median s): parse ${med(oursPipe, 'parseSeconds').toFixed(3)}, clean ${med(oursPipe, 'cleanSeconds').toFixed(3)}, rfm ${med(oursPipe, 'rfmSeconds').toFixed(3)}.`,
  );
  if (python !== null) {
    const b = row('parse CSV → columns', `pandas ${pdParse[0]!.pandas} read_csv (dates parsed)`, pdParse);
    const bPlain = row('parse CSV → columns', `pandas ${pdPlain[0]!.pandas} read_csv (dates left as text)`, pdPlain);
    const q = row('CSV → clean → RFM', `pandas ${pdPipe[0]!.pandas} (same steps)`, pdPipe);
    row('baseline (imports, no data)', 'python + pandas', runs(python, [py, 'baseline'], 1));
    const ratio = (ours: BenchRow, theirs: BenchRow, key: string) => ((ours[key] as number) / (theirs[key] as number)).toFixed(2);
    notes.push(
      `Time ratios in this run (ours ÷ pandas; ≤ 1 means at least as fast): parse (readOnlineRetail) ${ratio(a, b, 'median s')}× read_csv with dates, ` +
        `${ratio(a, bPlain, 'median s')}× read_csv without; parse (loadOnlineRetail) ${ratio(load, b, 'median s')}× and ${ratio(load, bPlain, 'median s')}×; ` +
        `CSV → clean → RFM ${ratio(pipe, q, 'median s')}× (${ratio(pipeCopy, q, 'median s')}× copying the kept lines).`,
    );
    notes.push(
      `Peak memory ratios (ours ÷ pandas): parse ${ratio(a, b, 'peak RSS MiB')}×, pipeline ${ratio(pipe, q, 'peak RSS MiB')}×; ` +
        `ours ÷ file size: parse ${a['peak / file size']} (loadOnlineRetail ${load['peak / file size']}), pipeline ${pipeCopy['peak / file size']} with the default call ` +
        `(kept lines copied; target ≤ 2.5), ${pipe['peak / file size']} with overwriteInput; netting returns (the default): ${matchCopy['peak / file size']} copied, ${match['peak / file size']} with overwriteInput.`,
    );
    notes.push(
      `pandas pipeline steps (median s): read ${med(pdPipe, 'parseSeconds').toFixed(3)}, clean ${med(pdPipe, 'cleanSeconds').toFixed(3)}, rfm ${med(pdPipe, 'rfmSeconds').toFixed(3)}.`,
    );
    const agree =
      pipe.kept === q.kept &&
      pipe.customers === q.customers &&
      med(oursPipe, 'frequencySum') === med(pdPipe, 'frequencySum') &&
      Math.abs(med(oursPipe, 'monetarySum') - med(pdPipe, 'monetarySum')) <= 1e-6 * Math.abs(med(pdPipe, 'monetarySum'));
    notes.push(`Same steps check (kept lines, customers, Σfrequency, Σmonetary agree with pandas): ${agree}.`);
  } else notes.push('pandas rows empty: /usr/bin/python3 with pandas not found (apt-get install -y python3-pandas).');
  notes.push(
    `Load average when the runs ended: ${loadavg()[0]!.toFixed(1)} on ${ctx.quick ? 'a quick run, ' : ''}this machine; runs of both sides are interleaved so load hits them alike: compare ratios from one run, not bare times.`,
  );
  return { rows, notes };
}
