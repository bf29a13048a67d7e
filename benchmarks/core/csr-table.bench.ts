/**
 * Foundation benchmark: building a CSR matrix and a columnar table from
 * 1,000,000 interactions. Each case runs in a fresh child process so its peak
 * resident memory is its own; the time is the median of 5 runs after 1
 * warm-up, inside that child.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsrMatrix, Random, Table, csrFromInteractions, type Interaction } from '@marksman/core';
import { peakRssMiB, referencePython, runPython, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'core-csr-table',
  title: 'CSR matrix and table build from 1,000,000 interactions',
  protocol:
    '1,000,000 synthetic interactions (seed 1): 50,000 users, 20,000 items, item popularity ~ Zipf(1.1), weight 1–5; ' +
    'repeated user–item pairs are summed (nnz is reported). Cases: csrFromInteractions from records (string ids), CsrMatrix.fromCoo ' +
    'from Int32Array/Float64Array, CSR transpose, Table.fromRecords and Table.fromColumns. Median of 5 runs after 1 ' +
    'warm-up; peak RSS of a child process that generates the data and runs only that case (the data alone is the ' +
    '"data only" row). Reference: scipy.sparse csr_matrix((v, (r, c))) + sort_indices, and .T.tocsr(), on the same ' +
    'arrays (Debian python3-scipy, median of 5 after 1 warm-up), when installed.',
};

const N = 1_000_000;
const USERS = 50_000;
const ITEMS = 20_000;

interface Data {
  records: Interaction[];
  rows: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

function makeData(n: number): Data {
  const rng = new Random(1);
  // Zipf(1.1) item popularity via an inverse CDF table
  const cdf = new Float64Array(ITEMS);
  let acc = 0;
  for (let i = 0; i < ITEMS; i++) cdf[i] = acc += 1 / Math.pow(i + 1, 1.1);
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  const vals = new Float64Array(n);
  const records: Interaction[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const u = rng.int(USERS);
    const x = rng.next() * acc;
    let lo = 0;
    let hi = ITEMS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const w = 1 + rng.int(5);
    rows[k] = u;
    cols[k] = lo;
    vals[k] = w;
    records[k] = { userId: `u${u}`, itemId: `i${lo}`, weight: w };
  }
  return { records, rows, cols, vals };
}

const CASES = ['data only', 'csrFromInteractions (records)', 'CsrMatrix.fromCoo (typed arrays)', 'CsrMatrix.transpose', 'Table.fromRecords', 'Table.fromColumns'] as const;
type Case = (typeof CASES)[number];

async function runCase(name: Case, n: number): Promise<BenchRow> {
  const d = makeData(n);
  let nnz: number | null = null;
  let t: number | null = null;
  switch (name) {
    case 'data only':
      break;
    case 'csrFromInteractions (records)':
      t = (await timeIt(() => (nnz = csrFromInteractions(d.records).matrix.nnz))).median;
      break;
    case 'CsrMatrix.fromCoo (typed arrays)':
      t = (await timeIt(() => (nnz = CsrMatrix.fromCoo(d.rows, d.cols, d.vals, USERS, ITEMS, { duplicates: 'sum' }).nnz))).median;
      break;
    case 'CsrMatrix.transpose': {
      const m = CsrMatrix.fromCoo(d.rows, d.cols, d.vals, USERS, ITEMS, { duplicates: 'sum' });
      nnz = m.nnz;
      t = (await timeIt(() => m.transpose())).median;
      break;
    }
    case 'Table.fromRecords':
      t = (await timeIt(() => Table.fromRecords(d.records))).median;
      break;
    case 'Table.fromColumns':
      t = (await timeIt(() => Table.fromColumns({ user: d.rows, item: d.cols, weight: d.vals }))).median;
      break;
  }
  return { case: name, interactions: n, nnz, 'median s': t, 'peak RSS MiB': Math.round(await peakRssMiB()) };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const n = ctx.quick ? 100_000 : N;
  const rows: BenchRow[] = [];
  for (const name of CASES) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name, String(n)], {
      encoding: 'utf8',
      env: { ...process.env, MARKSMAN_BENCH_CHILD: '1' },
    });
    if (r.status !== 0) throw new Error(`case ${name} failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchRow);
  }
  const notes = ['Times are single-threaded Node; peak RSS includes the generated input (compare with the "data only" row).'];
  const py = referencePython(['scipy', 'numpy']);
  if (py) {
    const d = makeData(n);
    const dir = fileURLToPath(new URL('../.tmp/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const files = ['rows.i32', 'cols.i32', 'vals.f64'].map((f) => join(dir, `csr-${f}`));
    writeFileSync(files[0]!, new Uint8Array(d.rows.buffer));
    writeFileSync(files[1]!, new Uint8Array(d.cols.buffer));
    writeFileSync(files[2]!, new Uint8Array(d.vals.buffer));
    const ref = runPython(py, fileURLToPath(new URL('./csr_scipy.py', import.meta.url)), [...files, String(USERS), String(ITEMS)]) as {
      scipy: string;
      nnz: number;
      build: number;
      transpose: number;
    };
    const ours = (name: string) => rows.find((r) => r.case === name)?.['median s'] as number;
    rows.push({ case: `scipy ${ref.scipy} csr_matrix from COO`, interactions: n, nnz: ref.nnz, 'median s': ref.build, 'peak RSS MiB': null });
    rows.push({ case: `scipy ${ref.scipy} transpose (.T.tocsr())`, interactions: n, nnz: ref.nnz, 'median s': ref.transpose, 'peak RSS MiB': null });
    notes.push(
      `Ratios in this run (scipy time ÷ ours): CSR build ${(ref.build / ours('CsrMatrix.fromCoo (typed arrays)')).toFixed(2)}×, ` +
        `transpose ${(ref.transpose / ours('CsrMatrix.transpose')).toFixed(2)}×; nnz agree: ${ref.nnz === rows[2]!.nnz}.`,
    );
  } else {
    notes.push('scipy reference skipped: Debian python3-scipy is not installed.');
  }
  return { rows, notes };
}

if (process.env.MARKSMAN_BENCH_CHILD === '1' && process.argv[2]) {
  const row = await runCase(process.argv[2] as Case, Number(process.argv[3]));
  console.log(JSON.stringify(row));
}
