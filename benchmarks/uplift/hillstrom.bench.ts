/**
 * Uplift models on Hillstrom (Womens E-Mail vs No E-Mail, outcomes visit and
 * spend): every fitUplift method × learner against the same methods built by
 * hand on scikit-learn in the same run (benchmarks/uplift/uplift_sklearn.py),
 * on one portable seeded 70/30 split per outcome; both sides' test
 * predictions are scored by the same @marksman/metrics functions (uplift@30 %
 * overall, normalised Qini AUC).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHillstrom } from '@marksman/datasets';
import { fitUplift } from '@marksman/experiments';
import type { UpliftLearner, UpliftMethod } from '@marksman/experiments';
import { qiniCoefficient, upliftAtK } from '@marksman/metrics';
import { median, referencePython, runPython, type BenchContext, type BenchMeta, type BenchOutcome, type BenchRow } from '../harness';

const FOREST_TREES = 100;
/** Forest fits per method for the seed spread (ours seeds 0 … k−1, scikit-learn random_state 0 … k−1); 1 with --quick. */
const FOREST_SEEDS = 5;

export const meta: BenchMeta = {
  id: 'uplift-hillstrom',
  title: 'Uplift models on Hillstrom (Womens E-Mail vs No E-Mail, visit and spend): fitUplift vs the same methods on scikit-learn',
  protocol:
    'Data: hillstrom/hillstrom.csv (64,000 rows), the 42,693 customers with segment Womens E-Mail (treatment 1) or No E-Mail (0); ' +
    'outcomes visit (0/1) and spend (dollars, continuous; 0 for most). Features: recency, log1p(history), mens, womens, newbie, zip_code and ' +
    'channel one-hot (11 columns). Split (portable, one per outcome): with splitmix64 as in shared/BENCHMARKS.md, key(r) = ' +
    'splitmix64(splitmix64(42) XOR r) for r the 0-based data row of the CSV; within each stratum, rows sorted by key ascending, the first ' +
    'round(0.3 · n_stratum) are test, the rest train; strata treatment × visit for visit, treatment × (spend > 0) for spend. Methods ' +
    '(fitUplift, seed 0): S-, T-, X-learner and (visit only: it needs a 0/1 outcome) class transformation (treated and control weighted ' +
    "to equal total weight), each with learner 'logistic' (LogisticRegression C = 1 for visit; LinearRegression, ordinary least squares, " +
    "for spend and for the X-learner's effect models), 'gbm' (HistGradientBoosting classifier for visit, regressor for spend and the " +
    `effect models, defaults: early stopping on above 10,000 rows) and 'forest' (RandomForest classifier / regressor, ${FOREST_TREES} trees, ` +
    'min 20 rows per leaf, √p features per split). Reference: the same constructions written by hand on scikit-learn (LogisticRegression / ' +
    'LinearRegression, HistGradientBoostingClassifier / Regressor with defaults, RandomForestClassifier / Regressor with the same settings, ' +
    'random_state 0), 1 thread (threadpoolctl), in the same run on the same splits. Scores on the test rows, for both sides from ' +
    "@marksman/metrics: uplift@30 % (upliftAtK, strategy 'overall': treated minus control mean outcome, visit rate or mean spend, among the " +
    'top ⌊0.3 n⌋ by predicted uplift) and the normalised Qini AUC (qiniCoefficient = scikit-uplift qini_auc_score, negative_effect True: ' +
    'the area between the Qini curve, treated outcome total minus control total scaled to the treated count, and the diagonal, divided by ' +
    "the same for the perfect ordering; on spend that ordering puts treated customers first by spend descending and control customers last " +
    'by spend ascending, so it is the same score read on dollars). Fit time: wall clock, our JavaScript single-threaded, fitUplift ' +
    'from the training records (reading and one-hot encoding them included), scikit-learn from the encoded float64 matrix; for ' +
    "every learner the median of 3 fits after 1 untimed fit on both sides. time / sklearn = ours ÷ " +
    "scikit-learn's (below 1: we are faster). Seed spread (notes; left out with --quick): every forest method fitted again, untimed, " +
    `with seeds 1 … ${FOREST_SEEDS - 1} on our side and random_state 1 … ${FOREST_SEEDS - 1} on scikit-learn's, same split; the notes give, ` +
    `per method, the mean and the range over the ${FOREST_SEEDS} fits of each side's Qini AUC and uplift@30 %, so a gap between the two ` +
    'sides can be read against how much one side moves with its seed alone. Published anchor (scikit-uplift tutorial, class ' +
    'transformation with CatBoost, its own split): visit uplift@30 % ≈ 0.066.',
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
  /** Fit seconds per `outcome/method/learner`. */
  readonly fits: Record<string, number>;
}

type Outcome = 'visit' | 'spend';

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
  readonly spend: number;
  readonly key: bigint;
}

/** The seeded 70/30 split, stratified by treatment × the outcome's class (visit; spend > 0). */
function splitFor(rows: readonly Row[], outcome: Outcome): Set<Row> {
  const strata = new Map<string, Row[]>();
  for (const r of rows) {
    const s = `${r.treated}/${outcome === 'visit' ? r.visit : r.spend > 0 ? 1 : 0}`;
    const g = strata.get(s);
    if (g) g.push(r);
    else strata.set(s, [r]);
  }
  const isTest = new Set<Row>();
  for (const group of strata.values()) {
    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    group.slice(0, Math.round(0.3 * group.length)).forEach((r) => isTest.add(r));
  }
  return isTest;
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
      spend: r.spend,
      key: splitmix64(seedKey ^ BigInt(index)),
    });
  });
  const outcomes: Outcome[] = ['visit', 'spend'];
  const tests = new Map(outcomes.map((o) => [o, splitFor(rows, o)] as const));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const o of outcomes) {
    const test = rows.filter((r) => tests.get(o)!.has(r));
    const by = (t: number) => test.filter((r) => r.treated === t).map((r) => r[o]);
    notes.push(`${o} split: ${rows.length - test.length} train, ${test.length} test; test mean ${o} treated ${mean(by(1)).toFixed(4)}, control ${mean(by(0)).toFixed(4)}`);
  }

  const methodsOf = (o: Outcome): UpliftMethod[] => (o === 'visit' ? ['s-learner', 't-learner', 'x-learner', 'class-transformation'] : ['s-learner', 't-learner', 'x-learner']);
  const learners: UpliftLearner[] = ['logistic', 'gbm', 'forest'];
  const features = ['recency', 'logHistory', 'mens', 'womens', 'newbie', 'zip_code', 'channel'];
  const learnerOptions = (l: UpliftLearner) => (l === 'forest' ? { nEstimators: FOREST_TREES, minSamplesLeaf: 20, maxFeatures: 'sqrt' } : {});

  const ours = new Map<string, { seconds: number; u: Float64Array }>();
  let encoded: readonly string[] = [];
  for (const outcome of outcomes) {
    const isTest = tests.get(outcome)!;
    const train = rows.filter((r) => !isTest.has(r));
    const test = rows.filter((r) => isTest.has(r));
    for (const method of methodsOf(outcome)) {
      for (const learner of learners) {
        const fit = () => fitUplift(train, { treatment: 'treated', outcome, features, method, learner, seed: 0, learnerOptions: learnerOptions(learner) });
        // A single forest fit moved the ratio by ±30 % with the machine's load: every learner takes the median of 3.
        const repeats = 3;
        fit();
        const times: number[] = [];
        let model = null as ReturnType<typeof fitUplift> | null;
        for (let k = 0; k < repeats; k++) {
          const t0 = performance.now();
          model = fit();
          times.push((performance.now() - t0) / 1000);
        }
        encoded = model!.encodedFeatures;
        ours.set(`${outcome}/${method}/${learner}`, { seconds: median(times), u: model!.predict(test) });
      }
    }
  }
  // How the records hold their text fields: parseHillstrom's rows share one string per zip code and channel; a
  // reader that makes a copy per row (split into characters and joined again here), or JSON.parse (which shares
  // short strings itself), gives other records with the same values. Spend, T-learner, least squares.
  {
    const isTest = tests.get('spend')!;
    const shared = rows.filter((r) => !isTest.has(r));
    const copied = shared.map((r) => ({ ...r, zip_code: r.zip_code.split('').join(''), channel: r.channel.split('').join('') }));
    const parsed = JSON.parse(JSON.stringify(shared.map((r) => ({ ...r, key: 0 })))) as Row[];
    const time = (train: readonly Row[]) => {
      const fit = () => fitUplift(train, { treatment: 'treated', outcome: 'spend', features, method: 't-learner', learner: 'logistic', seed: 0 });
      fit();
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        fit();
        times.push((performance.now() - t0) / 1000);
      }
      return median(times);
    };
    const [a, b, c] = [time(shared), time(copied), time(parsed)];
    notes.push(
      `Text fields and speed (spend, T-learner, least squares, median of 5 fits after 1): records sharing one string per zip code and channel (as parseHillstrom gives them) ${a.toFixed(4)} s; a copy of the string in every record ${b.toFixed(4)} s (${(b / a).toFixed(2)}×); the same records through JSON.stringify and JSON.parse ${c.toFixed(4)} s (${(c / a).toFixed(2)}×).`,
    );
  }
  // Seed spread of the forests: the same fits with seeds 1 … k−1 (untimed).
  const seeds = ctx.quick ? 1 : FOREST_SEEDS;
  const oursBySeed = new Map<string, Float64Array[]>();
  for (const outcome of outcomes) {
    const isTest = tests.get(outcome)!;
    const train = rows.filter((r) => !isTest.has(r));
    const test = rows.filter((r) => isTest.has(r));
    for (const method of methodsOf(outcome)) {
      const us = [ours.get(`${outcome}/${method}/forest`)!.u];
      for (let seed = 1; seed < seeds; seed++) {
        us.push(fitUplift(train, { treatment: 'treated', outcome, features, method, learner: 'forest', seed, learnerOptions: learnerOptions('forest') }).predict(test));
      }
      oursBySeed.set(`${outcome}/${method}`, us);
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
    for (const o of outcomes) {
      writeFileSync(join(dir, `y-${o}.f64`), f64(rows.map((r) => r[o])));
      writeFileSync(join(dir, `test-${o}.f64`), f64(rows.map((r) => (tests.get(o)!.has(r) ? 1 : 0))));
    }
    // The python side keeps data-file order, so its test rows come in the same order as ours.
    const result = runPython(python, fileURLToPath(new URL('./uplift_sklearn.py', import.meta.url)), [dir, String(rows.length), String(p), String(FOREST_TREES), String(seeds)]) as SkResult;
    sk = result;
    notes.push(`reference: scikit-learn ${result.sklearn}, numpy ${result.numpy} (Debian python3), 1 thread`);
  } else {
    notes.push('scikit-learn not found (/usr/bin/python3 with sklearn, numpy, threadpoolctl): reference rows left out');
  }

  const readF64 = (file: string): Float64Array => {
    const b = readFileSync(join(dir, file));
    return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const out: BenchRow[] = [];
  for (const outcome of outcomes) {
    const test = rows.filter((r) => tests.get(outcome)!.has(r));
    const yTest = test.map((r) => r[outcome]);
    const tTest = test.map((r) => r.treated);
    for (const method of methodsOf(outcome)) {
      for (const learner of learners) {
        const key = `${outcome}/${method}/${learner}`;
        const o = ours.get(key)!;
        let skAt30: number | null = null;
        let skQini: number | null = null;
        let skSeconds: number | null = null;
        if (sk) {
          const u = readF64(`sk-${outcome}-${method}-${learner}.f64`);
          skAt30 = upliftAtK(yTest, tTest, u, { k: 0.3 });
          skQini = qiniCoefficient(yTest, tTest, u);
          skSeconds = sk.fits[key] ?? null;
        }
        out.push({
          outcome,
          method,
          learner,
          'uplift@30%': upliftAtK(yTest, tTest, o.u, { k: 0.3 }),
          'sklearn uplift@30%': skAt30,
          'Qini AUC': qiniCoefficient(yTest, tTest, o.u),
          'sklearn Qini AUC': skQini,
          'fit s': o.seconds,
          'sklearn fit s': skSeconds,
          'time / sklearn': skSeconds ? o.seconds / skSeconds : null,
        });
      }
    }
  }
  if (seeds > 1) {
    const spread = (xs: readonly number[]): string => `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4)} [${Math.min(...xs).toFixed(4)}, ${Math.max(...xs).toFixed(4)}]`;
    const parts: string[] = [];
    for (const outcome of outcomes) {
      const test = rows.filter((r) => tests.get(outcome)!.has(r));
      const yTest = test.map((r) => r[outcome]);
      const tTest = test.map((r) => r.treated);
      for (const method of methodsOf(outcome)) {
        const score = (us: readonly Float64Array[]) => ({ qini: us.map((u) => qiniCoefficient(yTest, tTest, u)), at30: us.map((u) => upliftAtK(yTest, tTest, u, { k: 0.3 })) });
        const o = score(oursBySeed.get(`${outcome}/${method}`)!);
        let text = `${outcome} ${method}: ours Qini ${spread(o.qini)}, uplift@30 ${spread(o.at30)}`;
        if (sk) {
          const skU = [readF64(`sk-${outcome}-${method}-forest.f64`)];
          for (let seed = 1; seed < seeds; seed++) skU.push(readF64(`sk-seed${seed}-${outcome}-${method}-forest.f64`));
          const k = score(skU);
          text += `; scikit-learn Qini ${spread(k.qini)}, uplift@30 ${spread(k.at30)}`;
        }
        parts.push(text);
      }
    }
    notes.push(`Forest seed spread, mean [min, max] over ${seeds} fits per side (ours seeds 0 … ${seeds - 1}, scikit-learn random_state 0 … ${seeds - 1}), same split: ${parts.join('. ')}.`);
  }
  // The S-learner with least squares: how many distinct uplift values each side predicts on the test rows.
  const distinct = (u: ArrayLike<number>) => new Set(Array.from(u)).size;
  const sOls = ours.get('spend/s-learner/logistic')!.u;
  let tieNote = `Spend S-learner with least squares, test rows: ours predicts ${distinct(sOls)} distinct uplift value(s) (min ${Math.min(...sOls)}, max ${Math.max(...sOls)})`;
  if (sk) {
    const u = readF64('sk-spend-s-learner-logistic.f64');
    tieNote += `, scikit-learn ${distinct(u)} (min ${Math.min(...u)}, max ${Math.max(...u)})`;
  }
  notes.push(`${tieNote}. The uplift is the treatment coefficient for everyone; any spread is rounding in f(x, 1) − f(x, 0). upliftAtK and qiniCoefficient order equal scores as scikit-uplift does (the later test row first), so where the uplift is one value the top 30 % is the last 30 % of test rows in data order, and where it differs by rounding the order is that rounding: either way the S-learner's uplift@30 and Qini on this row are not a ranking, and the gap between the sides there is noise.`);
  notes.push(`load average (1, 5, 15 min) at end: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`);
  notes.push("Spend with learner 'logistic' (ordinary least squares): the S-learner's uplift is the treatment coefficient, the same for every customer up to rounding, so it cannot rank (the order of its scores is rounding noise, on both sides); with linear effect models the X-learner equals the T-learner exactly (both sides).");
  notes.push('Published anchor: scikit-uplift class transformation (CatBoost), visit uplift@30 % ≈ 0.066 on its own split; compare the class-transformation rows.');
  return { rows: out, notes };
}
