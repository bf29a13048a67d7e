/**
 * Uplift models on Hillstrom (Womens E-Mail vs No E-Mail, outcome visit):
 * every fitUplift method × learner against the same methods built by hand on
 * scikit-learn in the same run (benchmarks/uplift/uplift_sklearn.py), on one
 * portable seeded 70/30 split; both sides' test predictions are scored by the
 * same @marksman/metrics functions (uplift@30 % overall, normalised Qini AUC).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHillstrom } from '@marksman/datasets';
import { fitUplift } from '@marksman/experiments';
import type { UpliftLearner, UpliftMethod } from '@marksman/experiments';
import { qiniCoefficient, upliftAtK } from '@marksman/metrics';
import { referencePython, runPython, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

const FOREST_TREES = 100;

export const meta: BenchMeta = {
  id: 'uplift-hillstrom',
  title: 'Uplift models on Hillstrom (Womens E-Mail vs No E-Mail, visit): fitUplift vs the same methods on scikit-learn',
  protocol:
    'Data: hillstrom/hillstrom.csv (64,000 rows), the 42,693 customers with segment Womens E-Mail (treatment 1) or No E-Mail (0); ' +
    'outcome visit. Features: recency, log1p(history), mens, womens, newbie, zip_code and channel one-hot (11 columns). Split (portable): ' +
    'with splitmix64 as in shared/BENCHMARKS.md, key(r) = splitmix64(splitmix64(42) XOR r) for r the 0-based data row of the CSV; within ' +
    'each stratum treatment × visit, rows sorted by key ascending, the first round(0.3 · n_stratum) are test, the rest train. Methods ' +
    '(fitUplift, seed 0): S-, T-, X-learner and class transformation (treated and control weighted to equal total weight), each with ' +
    "learner 'logistic' (LogisticRegression C = 1; least squares for the X-learner's effect models), 'gbm' (HistGradientBoosting " +
    `defaults: early stopping on above 10,000 rows) and 'forest' (${FOREST_TREES} trees, min 20 rows per leaf, √p features per split). ` +
    'Reference: the same four constructions written by hand on scikit-learn (LogisticRegression / LinearRegression, ' +
    'HistGradientBoostingClassifier / Regressor with defaults, RandomForestClassifier / Regressor with the same settings, random_state 0), ' +
    '1 thread (threadpoolctl), in the same run on the same split. Scores on the test rows, for both sides from @marksman/metrics: ' +
    "uplift@30 % (upliftAtK, strategy 'overall': treated minus control visit rate among the top ⌊0.3 n⌋ by predicted uplift) and the " +
    'normalised Qini AUC (qiniCoefficient = scikit-uplift qini_auc_score, negative_effect True). Fit time: one fit each, wall clock, ' +
    'our JavaScript single-threaded. Published anchor (scikit-uplift tutorial, class transformation with CatBoost, its own split): uplift@30 % ≈ 0.066.',
};

function splitmix64(x: bigint): bigint {
  const M = (1n << 64n) - 1n;
  x = (x + 0x9e3779b97f4a7c15n) & M;
  let z = x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  return z ^ (z >> 31n);
}

interface SkResult {
  readonly sklearn: string;
  readonly numpy: string;
  /** Fit seconds per `method/learner`. */
  readonly fits: Record<string, number>;
}

interface Row {
  readonly recency: number;
  readonly logHistory: number;
  readonly mens: number;
  readonly womens: number;
  readonly newbie: number;
  readonly zip_code: string;
  readonly channel: string;
  readonly treated: number;
  readonly visit: number;
  readonly key: bigint;
}

export async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const notes: string[] = [`load average (1, 5, 15 min) at start: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`];
  const text = readFileSync(join(ctx.dataDir, 'hillstrom', 'hillstrom.csv'), 'utf8');
  const seedKey = splitmix64(42n);
  const rows: Row[] = [];
  parseHillstrom(text).forEach((r, index) => {
    if (r.segment === 'Mens E-Mail') return;
    rows.push({
      recency: r.recency,
      logHistory: Math.log1p(r.history),
      mens: r.mens,
      womens: r.womens,
      newbie: r.newbie,
      zip_code: r.zipCode,
      channel: r.channel,
      treated: r.segment === 'Womens E-Mail' ? 1 : 0,
      visit: r.visit,
      key: splitmix64(seedKey ^ BigInt(index)),
    });
  });
  const strata = new Map<string, Row[]>();
  for (const r of rows) {
    const s = `${r.treated}/${r.visit}`;
    strata.set(s, [...(strata.get(s) ?? []), r]);
  }
  const isTest = new Set<Row>();
  for (const group of strata.values()) {
    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    group.slice(0, Math.round(0.3 * group.length)).forEach((r) => isTest.add(r));
  }
  const train = rows.filter((r) => !isTest.has(r));
  const test = rows.filter((r) => isTest.has(r));
  const yTest = test.map((r) => r.visit);
  const tTest = test.map((r) => r.treated);
  notes.push(`${rows.length} customers: ${train.length} train, ${test.length} test; test visit rate treated ${(yTest.filter((v, i) => tTest[i] === 1 && v === 1).length / tTest.filter((v) => v === 1).length).toFixed(4)}, control ${(yTest.filter((v, i) => tTest[i] === 0 && v === 1).length / tTest.filter((v) => v === 0).length).toFixed(4)}`);

  const methods: UpliftMethod[] = ['s-learner', 't-learner', 'x-learner', 'class-transformation'];
  const learners: UpliftLearner[] = ['logistic', 'gbm', 'forest'];
  const features = ['recency', 'logHistory', 'mens', 'womens', 'newbie', 'zip_code', 'channel'];
  const learnerOptions = (l: UpliftLearner) => (l === 'forest' ? { nEstimators: FOREST_TREES, minSamplesLeaf: 20, maxFeatures: 'sqrt' } : {});

  const ours = new Map<string, { seconds: number; u: Float64Array }>();
  let encoded: readonly string[] = [];
  for (const method of methods) {
    for (const learner of learners) {
      const t0 = performance.now();
      const model = fitUplift(train, { treatment: 'treated', outcome: 'visit', features, method, learner, seed: 0, learnerOptions: learnerOptions(learner) });
      const seconds = (performance.now() - t0) / 1000;
      encoded = model.encodedFeatures;
      ours.set(`${method}/${learner}`, { seconds, u: model.predict(test) });
    }
  }

  const python = referencePython(['sklearn', 'numpy', 'threadpoolctl']);
  let sk: SkResult | null = null;
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '.tmp', 'uplift');
  if (python) {
    mkdirSync(dir, { recursive: true });
    // The same encoding as fitUplift's (checked against model.encodedFeatures).
    const zips = ['Rural', 'Surburban', 'Urban'];
    const channels = ['Multichannel', 'Phone', 'Web'];
    const names = ['recency', 'logHistory', 'mens', 'womens', 'newbie', ...zips.map((z) => `zip_code=${z}`), ...channels.map((c) => `channel=${c}`)];
    if (names.join() !== encoded.join()) throw new Error(`encoding differs: ${encoded.join()}`);
    const p = names.length;
    const X = new Float64Array(rows.length * p);
    rows.forEach((r, i) => {
      const v = [r.recency, r.logHistory, r.mens, r.womens, r.newbie, ...zips.map((z) => (r.zip_code === z ? 1 : 0)), ...channels.map((c) => (r.channel === c ? 1 : 0))];
      X.set(v, i * p);
    });
    const f64 = (a: ArrayLike<number>) => new Uint8Array(Float64Array.from(a).buffer);
    writeFileSync(join(dir, 'X.f64'), new Uint8Array(X.buffer));
    writeFileSync(join(dir, 't.f64'), f64(rows.map((r) => r.treated)));
    writeFileSync(join(dir, 'y.f64'), f64(rows.map((r) => r.visit)));
    writeFileSync(join(dir, 'test.f64'), f64(rows.map((r) => (isTest.has(r) ? 1 : 0))));
    // The python side keeps data-file order, so its test rows come in the same order as `test`.
    const result = runPython(python, fileURLToPath(new URL('./uplift_sklearn.py', import.meta.url)), [dir, String(rows.length), String(p), String(FOREST_TREES)]) as SkResult;
    sk = result;
    notes.push(`reference: scikit-learn ${result.sklearn}, numpy ${result.numpy} (Debian python3), 1 thread`);
  } else {
    notes.push('scikit-learn not found (/usr/bin/python3 with sklearn, numpy, threadpoolctl): reference rows left out');
  }

  const out: BenchRow[] = [];
  for (const method of methods) {
    for (const learner of learners) {
      const key = `${method}/${learner}`;
      const o = ours.get(key)!;
      const ourAt30 = upliftAtK(yTest, tTest, o.u, { k: 0.3 });
      const ourQini = qiniCoefficient(yTest, tTest, o.u);
      let skAt30: number | null = null;
      let skQini: number | null = null;
      let skSeconds: number | null = null;
      if (sk) {
        const b = readFileSync(join(dir, `sk-${method}-${learner}.f64`));
        const u = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        skAt30 = upliftAtK(yTest, tTest, u, { k: 0.3 });
        skQini = qiniCoefficient(yTest, tTest, u);
        skSeconds = sk.fits[key] ?? null;
      }
      out.push({
        method,
        learner,
        'uplift@30%': ourAt30,
        'sklearn uplift@30%': skAt30,
        'Qini AUC': ourQini,
        'sklearn Qini AUC': skQini,
        'fit s': o.seconds,
        'sklearn fit s': skSeconds,
        'time / sklearn': skSeconds ? o.seconds / skSeconds : null,
      });
    }
  }
  notes.push(`load average (1, 5, 15 min) at end: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`);
  notes.push('Published anchor: scikit-uplift class transformation (CatBoost), uplift@30 % ≈ 0.066 on its own split; compare the class-transformation rows.');
  return { rows: out, notes };
}
