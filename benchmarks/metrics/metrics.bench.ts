/**
 * Metrics benchmark: speed and agreement with scikit-learn on 1,000,000 rows
 * for the O(n log n) classification metrics and the clustering-agreement
 * indices, plus one-pass mean/variance throughput of MeanAccumulator against
 * numpy. Both sides read the same seeded data (raw float64 files).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@marksman/core';
import {
  MeanAccumulator,
  adjustedRandIndex,
  averagePrecisionScore,
  logLoss,
  normalizedMutualInfo,
  rocAuc,
} from '@marksman/metrics';
import { referencePython, runPython, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'metrics-vs-sklearn',
  title: 'Classification and clustering metrics on 1,000,000 rows vs scikit-learn',
  protocol:
    '1,000,000 rows (seed 1; 100,000 with --quick): y ~ Bernoulli(0.2); score = logistic(1.2·y − 0.6 + N(0, 1)) rounded to ' +
    '3 decimals (many ties); cluster labels: 20 true classes, predicted = true class with probability 0.7 else uniform over ' +
    '25 labels. rocAuc, averagePrecisionScore, logLoss on (y, score); adjustedRandIndex, normalizedMutualInfo on the labels ' +
    '(Float64Array inputs); MeanAccumulator.addMany on the scores vs numpy mean + var(ddof=1). Median of 5 calls after 1 ' +
    'warm-up on each side; |Δ| is the absolute difference of the values.',
};

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const r = new Random(1);
  const y = new Float64Array(n);
  const s = new Float64Array(n);
  const t = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r.bernoulli(0.2) ? 1 : 0;
    s[i] = Math.round(1000 / (1 + Math.exp(-(1.2 * y[i]! - 0.6 + r.normal())))) / 1000;
    t[i] = r.int(20);
    p[i] = r.next() < 0.7 ? t[i]! : r.int(25);
  }
  const ours: Record<string, { value: number; seconds: number }> = {};
  const cases: Array<[string, () => number]> = [
    ['rocAuc', () => rocAuc(y, s)],
    ['averagePrecisionScore', () => averagePrecisionScore(y, s)],
    ['logLoss', () => logLoss(y, s)],
    ['adjustedRandIndex', () => adjustedRandIndex(t, p)],
    ['normalizedMutualInfo', () => normalizedMutualInfo(t, p)],
    [
      'mean+var (numpy)',
      () => {
        const acc = new MeanAccumulator().addMany(s);
        return acc.mean() + acc.variance();
      },
    ],
  ];
  for (const [name, fn] of cases) {
    let value = NaN;
    const { median } = await timeIt(() => {
      value = fn();
    }, 5, 1);
    ours[name] = { value, seconds: median };
  }
  const notes: string[] = [];
  let ref: Record<string, { value: number; seconds: number }> | null = null;
  const python = referencePython(['sklearn', 'numpy']);
  if (python) {
    const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '.tmp', 'metrics');
    mkdirSync(dir, { recursive: true });
    for (const [name, arr] of [['y', y], ['scores', s], ['true', t], ['pred', p]] as const) {
      writeFileSync(join(dir, `${name}.f64`), new Uint8Array(arr.buffer));
    }
    ref = runPython(python, fileURLToPath(new URL('./metrics_sklearn.py', import.meta.url)), [dir, '5']) as Record<string, { value: number; seconds: number }>;
    notes.push(`reference: scikit-learn ${String((ref as unknown as Record<string, string>).sklearn)}, numpy ${String((ref as unknown as Record<string, string>).numpy)}`);
  } else {
    notes.push('scikit-learn not found (/usr/bin/python3): reference columns left empty');
  }
  const rows: BenchRow[] = cases.map(([name]) => {
    const o = ours[name]!;
    const q = ref?.[name];
    return {
      metric: name === 'mean+var (numpy)' ? 'MeanAccumulator mean+var' : name,
      n,
      'marksman s': o.seconds,
      'sklearn s': q ? q.seconds : null,
      'speed ratio (sklearn/ours)': q ? q.seconds / o.seconds : null,
      '|Δ value|': q ? Math.abs(q.value - o.value) : null,
    };
  });
  return { rows, notes };
}
