/**
 * Customer value: the BG/NBD fit on the CDNOW master file (23,570 customers)
 * against scipy.optimize.minimize on the same negative log-likelihood.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '@marksman/core';
import { fitBgNbd, summarizeForClv } from '@marksman/profiling';
import { referencePython, runPython, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'profiling-clv-bgnbd',
  title: 'BG/NBD fit on CDNOW master (23,570 customers) vs scipy',
  protocol:
    'CDNOW_master.txt (69,659 lines, 23,570 customers, 1997-01-01..1998-06-30). summarizeForClv with one purchase per ' +
    'customer-day, weekly units, calibration before 1997-10-01 (to 30 September inclusive, as Fader, Hardie & Lee 2005). fitBgNbd (BFGS on log-parameters, ' +
    'numerical gradient, tolerance 1e-7 on the gradient of the mean negative log-likelihood) against ' +
    'scipy.optimize.minimize on the identical objective (mean NLL in log-parameters, start r = alpha = a = b = 1) with ' +
    'BFGS (gtol 1e-7, numerical gradient) and Nelder-Mead; scipy builds its own summary with pandas from the same file ' +
    'and the two summaries are compared. Median of 5 fits after 1 warm-up.',
};

function readMaster(path: string): Transaction[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const out: Transaction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length !== 4 || !/^\d{8}$/.test(f[1]!)) continue; // header and blank lines
    const d = f[1]!;
    out.push({ customerId: Number(f[0]), orderId: i, timestamp: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, quantity: Number(f[2]), amount: Number(f[3]) });
  }
  return out;
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const master = join(ctx.dataDir, 'cdnow', 'CDNOW_master.txt');
  if (!existsSync(master)) return { rows: [], notes: [`skipped: ${master} not found (set MARKSMAN_DATA_DIR)`] };
  const tx = readMaster(master);
  const repeats = ctx.quick ? 2 : 5;
  let summary = summarizeForClv(tx, { asOf: '1998-07-01', calibrationEnd: '1997-10-01', timeUnit: 'week' });
  const sumTime = await timeIt(() => {
    summary = summarizeForClv(tx, { asOf: '1998-07-01', calibrationEnd: '1997-10-01', timeUnit: 'week' });
  }, repeats);
  let model = fitBgNbd(summary);
  const fitTime = await timeIt(() => {
    model = fitBgNbd(summary);
  }, repeats);
  const rows: BenchRow[] = [
    {
      implementation: 'marksman fitBgNbd (BFGS)',
      customers: summary.rows.length,
      'summary s': sumTime.median,
      'fit s': fitTime.median,
      iterations: model.fit!.report.iterations,
      converged: String(model.converged),
      logLik: model.logLikelihood,
      r: model.params.r,
      alpha: model.params.alpha,
      a: model.params.a,
      b: model.params.b,
    },
  ];
  const notes = [
    `Marksman standard errors: r ${model.fit!.standardErrors.r.toFixed(4)}, alpha ${model.fit!.standardErrors.alpha.toFixed(4)}, a ${model.fit!.standardErrors.a.toFixed(4)}, b ${model.fit!.standardErrors.b.toFixed(4)}.`,
  ];
  const py = referencePython(['numpy', 'scipy', 'pandas']);
  if (py === null) {
    notes.push('scipy columns skipped: /usr/bin/python3 with numpy, scipy and pandas not found.');
    return { rows, notes };
  }
  const here = fileURLToPath(new URL('.', import.meta.url));
  const tmp = join(here, '..', '.tmp');
  mkdirSync(tmp, { recursive: true });
  const csv = join(tmp, 'cdnow_master_clv_summary.csv');
  writeFileSync(csv, 'customerId,frequency,recency,T\n' + summary.rows.map((r) => `${r.customerId},${r.frequency},${r.recency},${r.T}`).join('\n') + '\n');
  const ref = runPython(py, join(here, 'clv_scipy.py'), [master, csv, String(repeats)]) as {
    customers: number;
    summarySeconds: number;
    summaryMatches: boolean;
    summaryMaxAbsDiff: number | null;
    fits: Record<string, { seconds: number; nit: number; success: boolean; logLikelihood: number; r: number; alpha: number; a: number; b: number }>;
  };
  let worst = 0;
  for (const [method, f] of Object.entries(ref.fits)) {
    rows.push({
      implementation: `scipy minimize (${method})`,
      customers: ref.customers,
      'summary s': ref.summarySeconds,
      'fit s': f.seconds,
      iterations: f.nit,
      converged: String(f.success),
      logLik: f.logLikelihood,
      r: f.r,
      alpha: f.alpha,
      a: f.a,
      b: f.b,
    });
    for (const k of ['r', 'alpha', 'a', 'b'] as const) worst = Math.max(worst, Math.abs(model.params[k] - f[k]) / f[k]);
  }
  notes.push(
    `Summaries: pandas and summarizeForClv ${ref.summaryMatches ? `agree on all ${ref.customers} customers (max |difference| ${ref.summaryMaxAbsDiff} weeks)` : 'DISAGREE'}.`,
    `Largest relative parameter difference between Marksman and either scipy fit: ${worst.toExponential(2)}.`,
    'scipy "summary s" is a single pandas run (read_csv + groupby) including parsing; Marksman\'s excludes file parsing.',
  );
  return { rows, notes };
}
