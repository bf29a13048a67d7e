/**
 * @marksman/learn against scikit-learn on the same data in the same run:
 * HistGradientBoostingClassifier (defaults, and 100 iterations without early
 * stopping) and LogisticRegression (lbfgs) on 100,000 × 20 synthetic rows.
 * Both sides read the same seeded numbers (raw float64 files in
 * benchmarks/.tmp/learn/); we report fit times, their ratios, iterations,
 * held-out AUC and, for logistic regression, how far each answer is from
 * the optimum of the shared objective.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@marksman/core';
import { HistGradientBoostingClassifier, LogisticRegression } from '@marksman/learn';
import { rocAuc } from '@marksman/metrics';
import { referencePython, runPython, timeIt, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'learn-learners',
  title: 'HistGradientBoostingClassifier and LogisticRegression vs scikit-learn, 100,000 × 20',
  protocol:
    'Data (seeded, core Random): 20 features ~ N(0, 1); label ~ Bernoulli(logistic(1.2·x0 − 0.8·x1 + 0.9·x2·x3 + sin(2·x4) + 0.4·x5² + ' +
    '0.5·x6 − 0.3·x7 − 0.4)); 100,000 training rows (seed 1) and 50,000 test rows (seed 2); 20,000 / 10,000 with --quick. For gradient ' +
    'boosting 2 % of x6 and of x7 are NaN (missing); logistic regression gets the same draw without NaN. Both sides read the same ' +
    'float64 files. Gradient boosting: HistGradientBoostingClassifier with its defaults on both sides (learning rate 0.1, 100 iterations, ' +
    '31 leaves, min 20 rows per leaf, 255 bins, early stopping on above 10,000 rows: 10 % held out, 10 rounds without improvement; ' +
    'random_state / seed 0, so the held-out rows differ), and again with early stopping off (exactly 100 iterations, the same work). ' +
    'Ours fits from Float64Array columns. Logistic regression: LogisticRegression() defaults on both sides (L2, C = 1; scikit-learn lbfgs ' +
    'tol 1e-4, max_iter 100; ours L-BFGS in standardised coordinates, tol 1e-8, warm-started by L-BFGS on every 8th row, so its iterations are those on all rows after those of the warm start on the eighth); the optimum of the objective comes from scikit-learn ' +
    'newton-cholesky at tol 1e-10. Fit time: median of 5 fits after 2 untimed warm-up fits (1 fit after 1 warm-up with --quick), on both sides; our first fit in the process (compiled by the JIT as it runs) is reported in the notes; both single-threaded ' +
    '(scikit-learn limited to 1 thread by threadpoolctl; ours is JavaScript and WebAssembly on one thread). time / sklearn = our time ÷ scikit-learn\'s ' +
    '(below 1: we are faster). AUC on the test rows (rocAuc of @marksman/metrics for both sides\' probabilities).',
};

interface Task {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly columns: Float64Array[];
}

/** n rows of the task from `seed`; `missing` puts NaN into 2 % of x6 and of x7. */
function task(n: number, p: number, seed: number, missing: boolean): Task {
  const rng = new Random(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = rng.normal();
    const x = (j: number) => X[i * p + j]!;
    const signal = 1.2 * x(0) - 0.8 * x(1) + 0.9 * x(2) * x(3) + Math.sin(2 * x(4)) + 0.4 * x(5) * x(5) + 0.5 * x(6) - 0.3 * x(7) - 0.4;
    y[i] = rng.next() < 1 / (1 + Math.exp(-signal)) ? 1 : 0;
    const m6 = rng.next() < 0.02;
    const m7 = rng.next() < 0.02;
    if (missing && m6) X[i * p + 6] = NaN;
    if (missing && m7) X[i * p + 7] = NaN;
  }
  const columns = Array.from({ length: p }, (_, j) => Float64Array.from({ length: n }, (_, i) => X[i * p + j]!));
  return { X, y, columns };
}

function write(dir: string, prefix: string, t: Task): void {
  writeFileSync(join(dir, `${prefix}-X.f64`), new Uint8Array(t.X.buffer));
  writeFileSync(join(dir, `${prefix}-y.f64`), new Uint8Array(t.y.buffer));
}

function readF64(file: string, n: number): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + 8 * n));
}

interface SkFit {
  seconds: number;
  times: number[];
  nIter: number;
}
interface SkResult {
  sklearn: string;
  numpy: string;
  cpus: number;
  hgb: Record<string, SkFit>;
  lr: SkFit & { coef: number[]; intercept: number; optimumCoef: number[]; optimumIntercept: number };
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const nTrain = ctx.quick ? 20_000 : 100_000;
  const nTest = ctx.quick ? 10_000 : 50_000;
  const p = 20;
  const repeats = ctx.quick ? 1 : 5;
  const warmups = ctx.quick ? 1 : 2;
  const hgbTrain = task(nTrain, p, 1, true);
  const hgbTest = task(nTest, p, 2, true);
  const lrTrain = task(nTrain, p, 1, false);
  const lrTest = task(nTest, p, 2, false);
  const yTest = Array.from(hgbTest.y);
  const notes: string[] = [];
  const rows: BenchRow[] = [];

  const python = referencePython(['sklearn', 'numpy', 'threadpoolctl']);
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '.tmp', 'learn');
  let sk: SkResult | null = null;
  if (python) {
    mkdirSync(dir, { recursive: true });
    write(dir, 'hgb-train', hgbTrain);
    write(dir, 'hgb-test', hgbTest);
    write(dir, 'lr-train', lrTrain);
    write(dir, 'lr-test', lrTest);
    sk = runPython(python, fileURLToPath(new URL('./learners_sklearn.py', import.meta.url)), [dir, String(nTrain), String(nTest), String(p), String(repeats), String(warmups)]) as SkResult;
    notes.push(`reference: scikit-learn ${sk.sklearn}, numpy ${sk.numpy} (Debian python3), on 1 thread`);
    notes.push(
      `scikit-learn on its default ${sk.cpus} OpenMP threads is not timed: on this shared ${sk.cpus}-core machine a --quick trial (20,000 rows) took 80 s per gradient-boosting fit on 2 threads against 3.4 s on 1 (threads spinning against other jobs), which says nothing about either library.`,
    );
  } else {
    notes.push('scikit-learn not found (/usr/bin/python3 with sklearn, numpy, threadpoolctl): reference rows left out');
  }

  const loadBefore = loadavg()[0]!;
  for (const [config, earlyStopping] of [['defaults', 'auto'], ['100 iterations', false]] as const) {
    let model: HistGradientBoostingClassifier | null = null;
    const fitOnce = () => {
      model = new HistGradientBoostingClassifier({ earlyStopping, seed: 0 }).fit(hgbTrain.columns, hgbTrain.y);
    };
    const first = await timeIt(fitOnce, 1, 0);
    notes.push(`gradient boosting, ${config}: our first fit in the process took ${first.median.toFixed(3)} s (JIT compilation included; it is the first warm-up fit)`);
    const t = await timeIt(fitOnce, repeats, warmups - 1);
    const m = model as unknown as HistGradientBoostingClassifier;
    const auc = rocAuc(yTest, m.predictProbaOf(hgbTest.columns));
    const ref = sk?.hgb[config];
    const skAuc = ref ? rocAuc(yTest, readF64(join(dir, `sk-hgb-${config.replace(' ', '-')}.f64`), nTest)) : null;
    const model_ = `gradient boosting, ${config}`;
    rows.push({ model: model_, implementation: 'marksman', iterations: m.nIter, 'fit s': t.median, 'time / sklearn': ref ? t.median / ref.seconds : null, 'test AUC': auc, '|Δ AUC|': skAuc === null ? null : Math.abs(auc - skAuc), 'max |coef − optimum|': null });
    if (ref) rows.push({ model: model_, implementation: 'scikit-learn', iterations: ref.nIter, 'fit s': ref.seconds, 'time / sklearn': 1, 'test AUC': skAuc, '|Δ AUC|': null, 'max |coef − optimum|': null });
  }

  notes.push(`load average (1 min) ${loadBefore.toFixed(2)} before our gradient-boosting fits, ${loadavg()[0]!.toFixed(2)} after (2 cores; above 2 the fits share them with other jobs)`);

  {
    const loadBefore = loadavg().map((v) => v.toFixed(2)).join(', ');
    let model: LogisticRegression | null = null;
    const fitOnce = () => {
      model = new LogisticRegression().fit(lrTrain.columns, lrTrain.y);
    };
    const first = await timeIt(fitOnce, 1, 0);
    notes.push(`logistic regression: our first fit in the process took ${first.median.toFixed(3)} s (JIT compilation and the WebAssembly kernel's start included; it is the first warm-up fit)`);
    const t = await timeIt(fitOnce, repeats, warmups - 1);
    const m = model as unknown as LogisticRegression;
    const auc = rocAuc(yTest, m.predictProbaOf(lrTest.columns));
    const ref = sk?.lr;
    const skAuc = ref ? rocAuc(yTest, readF64(join(dir, 'sk-lr.f64'), nTest)) : null;
    const gap = (coef: ArrayLike<number>, b: number) => (ref ? Math.max(Math.abs(b - ref.optimumIntercept), ...Array.from(coef, (v, j) => Math.abs(v - ref.optimumCoef[j]!))) : null);
    const model_ = 'logistic regression (L2, C = 1)';
    rows.push({ model: model_, implementation: 'marksman', iterations: m.nIter, 'fit s': t.median, 'time / sklearn': ref ? t.median / ref.seconds : null, 'test AUC': auc, '|Δ AUC|': skAuc === null ? null : Math.abs(auc - skAuc), 'max |coef − optimum|': gap(m.coefficients[0]!, m.intercepts[0]!) });
    notes.push(`logistic regression: load average (1, 5, 15 min) ${loadBefore} before our fits, ${loadavg().map((v) => v.toFixed(2)).join(', ')} after (scikit-learn's fits ran earlier, in the Python step)`);
    if (ref) rows.push({ model: model_, implementation: 'scikit-learn lbfgs', iterations: ref.nIter, 'fit s': ref.seconds, 'time / sklearn': 1, 'test AUC': skAuc, '|Δ AUC|': null, 'max |coef − optimum|': gap(ref.coef, ref.intercept) });
  }
  notes.push('Run on a machine shared with other jobs, so times are upper bounds; compare the ratios within this run.');
  return { rows, notes };
}
