import { ConvergenceError, OptionsError, Random, ValidationError, throwIfAborted, ParseError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { arrowRecords, isArrowTable } from '@marksman/core/internal';
import { buildCsr, transposeCsr } from './interactions';
import type { Csr, InteractionMatrix } from './interactions';
import { factorScorer } from './factorScorer';
import type { FactorScorer } from './factorScorer';
import { cholesky, choleskySolve, dotRow } from './linalg';
import { MAX_FACTORS, MAX_ITERATIONS, checkCallbacks, checkId, checkOptionalTimestamp, checkRecordId, describeValue, isFiniteAtLeast, isIntIn } from './checks';
import { Recommender, expectArray, modelFromJSON, yieldToEventLoop } from './recommender';
import type { FitOptions, FoldInReport, RecommenderJSON, ResolvedFit } from './recommender';

/** Options of {@link ExplicitMF}. */
export interface ExplicitMFOptions {
  /** Latent dimensions f (integer from 1 to 4096). Default 100 (as Surprise's SVD). */
  readonly factors: number;
  /** Epochs of SGD, or alternating sweeps of ALS (integer from 1 to 1,000,000). Default 20. */
  readonly iterations: number;
  /** SGD step size η > 0 (ignored by ALS). Default 0.005. */
  readonly learningRate: number;
  /** L2 penalty λ ≥ 0 on biases and vectors (per rating: SGD shrinks by λ at every rating; ALS uses λ · ratings of the row). Default 0.02. */
  readonly regularization: number;
  /** `'sgd'`: stochastic gradient descent (Funk; Koren 2008). `'als'`: alternating ridge regressions with the biases as an extra column. Default `'sgd'`. */
  readonly solver: 'sgd' | 'als';
  /** Add the SVD++ implicit term |N(u)|^(−½) Σⱼ yⱼ over the items the user rated (Koren 2008); SGD only. Default false. */
  readonly implicitFeedback: boolean;
  /** Standard deviation of the normal initialisation of the vectors. Default 0.1. */
  readonly initStd: number;
  /** Seed of the initialisation and of the SGD order. Default 0. */
  readonly seed: number;
}

const DEFAULTS: ExplicitMFOptions = Object.freeze({
  factors: 100,
  iterations: 20,
  learningRate: 0.005,
  regularization: 0.02,
  solver: 'sgd',
  implicitFeedback: false,
  initStd: 0.1,
  seed: 0,
});

const FIT_DEFAULTS: FitOptions = Object.freeze({ seed: undefined, onProgress: undefined, signal: undefined });

function checkOptions(o: ExplicitMFOptions): void {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_OPTION_RANGE', `ExplicitMF: ${field} ${what}.`, { source: 'ExplicitMF', field });
  };
  if (!isIntIn(o.factors, 1, MAX_FACTORS)) bad('factors', `must be an integer from 1 to ${MAX_FACTORS}`);
  if (!isIntIn(o.iterations, 1, MAX_ITERATIONS)) bad('iterations', `must be an integer from 1 to ${MAX_ITERATIONS}`);
  if (!isFiniteAtLeast(o.learningRate, 0, true)) bad('learningRate', 'must be a finite number > 0');
  if (!isFiniteAtLeast(o.regularization, 0)) bad('regularization', 'must be a finite number ≥ 0');
  if (!isFiniteAtLeast(o.initStd, 0)) bad('initStd', 'must be a finite number ≥ 0');
  if (!Number.isSafeInteger(o.seed)) bad('seed', 'must be a safe integer');
  if (o.solver !== 'sgd' && o.solver !== 'als') bad('solver', "must be 'sgd' or 'als'");
  if (typeof o.implicitFeedback !== 'boolean') bad('implicitFeedback', 'must be a boolean');
  if (o.implicitFeedback && o.solver === 'als') {
    throw new OptionsError('E_OPTION_CONFLICT', "ExplicitMF: implicitFeedback (SVD++) is trained by SGD only; use solver: 'sgd'.", { source: 'ExplicitMF', field: 'implicitFeedback' });
  }
}

/** Validated rating records: ids and finite ratings, in input order. */
interface RatingColumns {
  userIds: Id[];
  itemIds: Id[];
  ratings: Float64Array;
}

/** Checks `{ userId, itemId, weight, timestamp? }` records; `weight` is the rating and must be a finite number. */
function readRatings(source: string, input: readonly Interaction[] | ArrowLikeTable, allowEmpty: boolean): RatingColumns {
  const rows = isArrowTable(input) ? (arrowRecords(source, input, ['userId', 'itemId', 'weight', 'timestamp']) as unknown as readonly Interaction[]) : input;
  if (!Array.isArray(rows)) {
    throw new ValidationError('E_INPUT', `${source}: ratings must be an array of { userId, itemId, weight } records (weight = the rating).`, { source, field: 'interactions' });
  }
  if (rows.length === 0 && !allowEmpty) {
    throw new ValidationError('E_NO_INTERACTIONS', `${source}: there are no ratings to learn from.`, { source, field: 'interactions' });
  }
  const n = rows.length;
  const out: RatingColumns = { userIds: new Array<Id>(n), itemIds: new Array<Id>(n), ratings: new Float64Array(n) };
  for (let r = 0; r < n; r++) {
    const rec = rows[r] as Interaction | null | undefined;
    if (rec === null || typeof rec !== 'object') {
      throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a { userId, itemId, weight } record.`, { source, row: r, field: 'interactions' });
    }
    checkRecordId(source, rec.userId, 'userId', r);
    checkRecordId(source, rec.itemId, 'itemId', r);
    const w: unknown = rec.weight;
    if (w === undefined || w === null) {
      throw new ValidationError('E_MISSING', `${source}: row ${r} has no rating; put the rating in weight.`, { source, row: r, field: 'weight' });
    }
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new ValidationError('E_NUMBER', `${source}: row ${r} has rating ${describeValue(w)}; ratings must be finite numbers.`, { source, row: r, field: 'weight' });
    }
    checkOptionalTimestamp(source, rec.timestamp, r);
    out.userIds[r] = rec.userId;
    out.itemIds[r] = rec.itemId;
    out.ratings[r] = w;
  }
  return out;
}

/** Rows of (row, col, rating) with repeated pairs replaced by their mean rating. */
function meanCsr(rows: Int32Array, cols: Int32Array, ratings: Float64Array, nRows: number, nCols: number): Csr {
  const sums = buildCsr(rows, cols, ratings, nRows, nCols);
  const counts = buildCsr(rows, cols, new Float64Array(rows.length).fill(1), nRows, nCols);
  const weights = new Float64Array(sums.weights.length);
  for (let t = 0; t < weights.length; t++) weights[t] = sums.weights[t]! / counts.weights[t]!;
  return { indptr: sums.indptr, indices: sums.indices, weights };
}

function normalInit(rng: Random, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  if (std > 0) for (let t = 0; t < n; t++) out[t] = rng.normal(0, std);
  return out;
}

/** Scratch for the ridge solves of size d = f + 1. */
interface Ridge {
  A: Float64Array;
  b: Float64Array;
  z: Float64Array;
}

/**
 * Ridge regression of targets on the rows `[F[j], 1]` of the given columns:
 * minimises Σ (tⱼ − [F[j],1]·θ)² + λ·n·‖θ‖² into s.b (θ: f weights then the bias).
 */
function ridgeRow(F: Float32Array, cols: Int32Array, targets: Float64Array, f: number, lambda: number, s: Ridge): boolean {
  const d = f + 1;
  const { A, b, z } = s;
  A.fill(0);
  b.fill(0);
  for (let t = 0; t < cols.length; t++) {
    const o = cols[t]! * f;
    for (let a = 0; a < f; a++) z[a] = F[o + a]!;
    z[f] = 1;
    const y = targets[t]!;
    for (let a = 0; a < d; a++) {
      const za = z[a]!;
      b[a]! += za * y;
      const ao = a * d;
      for (let c = 0; c <= a; c++) A[ao + c]! += za * z[c]!;
    }
  }
  const reg = lambda * Math.max(1, cols.length);
  for (let a = 0; a < d; a++) A[a * d + a]! += reg;
  if (!cholesky(A, d)) return false;
  choleskySolve(A, b, d);
  return true;
}

/**
 * Biased matrix factorisation for explicit ratings (Koren, Bell & Volinsky
 * 2009): r̂ᵤᵢ = μ + bᵤ + bᵢ + qᵢ·pᵤ, learned by SGD (as Surprise's `SVD`)
 * or by alternating ridge regressions (`solver: 'als'`), optionally with the
 * SVD++ implicit term qᵢ·|N(u)|^(−½) Σ_{j∈N(u)} yⱼ over the items the user
 * rated in training (`implicitFeedback`; SGD with the yⱼ updated once per
 * user block, the usual speed-up). Ratings are the records' `weight` (any
 * finite number; a repeated user–item pair counts once, with its mean rating).
 *
 * `predictRating` clips to the training range and falls back to the
 * baseline for unknown ids (μ + bᵢ for an unknown user, μ + bᵤ for an
 * unknown item, μ for both). `recommend` ranks by the unclipped prediction;
 * unknown users get the popularity list, as with every recommender.
 * `foldIn` is approximate: with the item parameters fixed it solves the
 * user's bias and vector by ridge regression on the user's ratings (an ALS
 * half-step; exact for that sub-problem, not what SGD would have reached);
 * repeated items take the latest batch's mean rating.
 *
 * `explain` gives the real (unclipped) score and per-item contributions
 * over the user's rated items. With `implicitFeedback` they are exact: the
 * SVD++ part of the score, qᵢ·|N(u)|^(−½) Σ yⱼ, is a sum over the history,
 * and item j's term |N(u)|^(−½) yⱼ·qᵢ is its contribution (these sum to that
 * part; μ + bᵤ + bᵢ + pᵤ·qᵢ is the rest). Without it, pᵤ is learned freely
 * and the score is no sum over items, so the contributions are an
 * attribution heuristic, not a decomposition: (rᵤⱼ − r_min)·cos(qⱼ, qᵢ),
 * the cosine between j's and the target's item vectors (as `similarItems`)
 * weighted by how far the user's rating of j is above the lowest training
 * rating r_min (an item rated at the bottom of the scale is no evidence).
 *
 * An SGD epoch costs O(ratings · f); an ALS sweep O(ratings · f² + (users + items) · f³).
 *
 * The defaults are Surprise's `SVD` settings, kept for comparability. On
 * MovieLens 100K, hyper-parameters chosen by validation inside each
 * training fold were `{ factors: 100, iterations: 120, regularization: 0.12 }`
 * (mean RMSE 0.912 on u1…u5, against 0.939 for the defaults; see
 * `benchmarks/recsys/explicit-cv.bench.ts`): a better starting point for
 * ratings data of that kind.
 *
 * @example
 * ```ts
 * import { ExplicitMF } from '@marksman/recsys';
 * const ratings = [
 *   { userId: 'ann', itemId: 'a', weight: 5 }, { userId: 'ann', itemId: 'b', weight: 1 },
 *   { userId: 'bob', itemId: 'a', weight: 4 }, { userId: 'bob', itemId: 'b', weight: 2 }, { userId: 'bob', itemId: 'c', weight: 5 },
 *   { userId: 'cid', itemId: 'a', weight: 5 }, { userId: 'cid', itemId: 'c', weight: 4 },
 * ];
 * const model = await new ExplicitMF({ factors: 2, iterations: 200, learningRate: 0.02 }).fit(ratings);
 * model.predictRating('ann', 'c') > model.predictRating('ann', 'b'); // => true
 * model.predictRating('nobody', 'zzz'); // => 3.7142857142857144
 * ```
 */
export class ExplicitMF extends Recommender {
  /** @internal */ protected readonly modelName = 'ExplicitMF';
  /** The options in effect. */
  readonly options: ExplicitMFOptions;
  private mu = 0;
  private minRating = 0;
  private maxRating = 0;
  private userB: Float64Array = new Float64Array(0);
  private itemB: Float64Array = new Float64Array(0);
  private userP: Float32Array = new Float32Array(0);
  private itemQ: Float32Array = new Float32Array(0);
  private itemY: Float32Array = new Float32Array(0);
  /** pᵤ plus the SVD++ term: the vector that multiplies qᵢ. */
  private userEff: Float32Array = new Float32Array(0);
  private itemNorms: Float64Array | null = null;
  /** Batch scorer over the item factors; built on first use. */
  private scorer: FactorScorer | null = null;

  /**
   * @param options - see {@link ExplicitMFOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_CONFLICT`
   */
  constructor(options?: Partial<ExplicitMFOptions>) {
    super();
    const o = resolveOptions('ExplicitMF', DEFAULTS, options);
    checkOptions(o);
    this.options = Object.freeze(o);
  }

  /**
   * Restores a model saved with `toJSON`.
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON` naming the field when the snapshot is damaged (wrong type or version,
   *   an option the constructor refuses, inconsistent history, a parameter that is not a finite number,
   *   a rating range whose minimum exceeds its maximum)
   */
  static fromJSON(json: RecommenderJSON): ExplicitMF {
    const source = 'ExplicitMF.fromJSON';
    const model = modelFromJSON(source, json, (o) => new ExplicitMF(o as Partial<ExplicitMFOptions>));
    const state = model.restore(json, source);
    const f = model.options.factors;
    const nU = model.userCount;
    const nI = model.itemCount;
    [model.mu, model.minRating, model.maxRating] = expectArray(source, state, 'globals', 3) as [number, number, number];
    if (!(model.minRating <= model.maxRating)) {
      throw new ParseError('E_MODEL_JSON', `${source}: state.globals has a lowest rating ${model.minRating} above the highest ${model.maxRating}.`, { source, field: 'state.globals' });
    }
    model.userB = Float64Array.from(expectArray(source, state, 'userBias', nU));
    model.itemB = Float64Array.from(expectArray(source, state, 'itemBias', nI));
    model.userP = Float32Array.from(expectArray(source, state, 'userFactors', nU * f));
    model.itemQ = Float32Array.from(expectArray(source, state, 'itemFactors', nI * f));
    model.itemY = model.options.implicitFeedback ? Float32Array.from(expectArray(source, state, 'implicitFactors', nI * f)) : new Float32Array(0);
    model.userEff = new Float32Array(nU * f);
    for (let u = 0; u < nU; u++) model.updateEffective(u);
    return model;
  }

  /** The mean training rating μ. */
  get globalMean(): number {
    return this.mu;
  }

  /**
   * Learns from ratings (`weight` = the rating). Replaces anything learned before.
   *
   * @param interactions - `{ userId, itemId, weight }` records or an Arrow table with those columns
   * @param options - seed, onProgress, signal
   * @returns this model, fitted
   * @throws `ValidationError` `E_NO_INTERACTIONS`, `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`, `E_NUMBER`,
   *   `E_TIMESTAMP` (with the row); `OptionsError` `E_SEED`, `E_OPTION_TYPE`; `AbortError` `E_ABORTED` (also when the
   *   signal is already aborted); `ConvergenceError` `E_DIVERGED`, `E_NOT_POSITIVE_DEFINITE`
   */
  override async fit(interactions: readonly Interaction[] | ArrowLikeTable, options?: Partial<FitOptions>): Promise<this> {
    const source = 'ExplicitMF.fit';
    const o = resolveOptions(source, FIT_DEFAULTS, options);
    const seed = o.seed ?? this.options.seed;
    if (!Number.isSafeInteger(seed)) {
      throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${describeValue(seed)}.`, { source, field: 'seed' });
    }
    checkCallbacks(source, o.onProgress, o.signal);
    throwIfAborted(o.signal, source);
    const cols = readRatings(source, interactions, false);
    const index = (ids: readonly Id[]) => {
      const map = new Map<Id, number>();
      const list: Id[] = [];
      const codes = new Int32Array(ids.length);
      for (let r = 0; r < ids.length; r++) {
        let c = map.get(ids[r]!);
        if (c === undefined) {
          c = list.length;
          map.set(ids[r]!, c);
          list.push(ids[r]!);
        }
        codes[r] = c;
      }
      return { map, list, codes };
    };
    const users = index(cols.userIds);
    const items = index(cols.itemIds);
    const nU = users.list.length;
    const nI = items.list.length;
    const csr = meanCsr(users.codes, items.codes, cols.ratings, nU, nI);
    const m: InteractionMatrix = { userIds: users.list, userIndex: users.map, itemIds: items.list, itemIndex: items.map, ...csr };
    const itemUsers = transposeCsr(csr, nU, nI);
    await this.train(m, itemUsers, { seed, onProgress: o.onProgress, signal: o.signal });
    const pop = new Float64Array(nI);
    for (let i = 0; i < nI; i++) pop[i] = itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
    this.userIds = m.userIds;
    this.userIndex = m.userIndex;
    this.itemIds = m.itemIds;
    this.itemIndex = m.itemIndex;
    this.hist = csr;
    this.folded = new Map();
    this.popularity = pop;
    this.fitted = true;
    return this;
  }

  /**
   * The predicted rating μ + bᵤ + bᵢ + qᵢ·(pᵤ + SVD++ term), clipped to the
   * training range. Unknown ids fall back to the baseline: μ + bᵢ (unknown
   * user), μ + bᵤ (unknown item), μ (both). O(f).
   *
   * @param userId - the caller's user id
   * @param itemId - the caller's item id
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_ID_TYPE` when an id is not a non-empty string or a finite number
   */
  predictRating(userId: Id, itemId: Id): number {
    const source = 'ExplicitMF.predictRating';
    this.assertFitted(source);
    const u = this.userIndex.get(checkId(source, userId, 'userId'));
    const i = this.itemIndex.get(checkId(source, itemId, 'itemId'));
    let r = this.mu;
    if (u !== undefined) r += this.userB[u]!;
    if (i !== undefined) r += this.itemB[i]!;
    if (u !== undefined && i !== undefined) {
      const f = this.options.factors;
      let s = 0;
      for (let q = 0; q < f; q++) s += this.userEff[u * f + q]! * this.itemQ[i * f + q]!;
      r += s;
    }
    return Math.min(this.maxRating, Math.max(this.minRating, r));
  }

  /** @internal */
  protected override defaultSeed(): number {
    return this.options.seed;
  }

  /** @internal The history holds ratings, which may be 0 or negative. */
  protected override positiveHistory(): boolean {
    return false;
  }

  /** @internal */
  protected async train(m: InteractionMatrix, itemUsers: Csr, fit: ResolvedFit): Promise<void> {
    const source = 'ExplicitMF.fit';
    const { factors: f, iterations, initStd, implicitFeedback } = this.options;
    const nU = m.userIds.length;
    const nI = m.itemIds.length;
    const nnz = m.indices.length;
    const rng = new Random(fit.seed);
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < nnz; t++) {
      const r = m.weights[t]!;
      sum += r;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    const mu = sum / nnz;
    const P = normalInit(rng, nU * f, initStd);
    const Q = normalInit(rng, nI * f, initStd);
    const Yimp = implicitFeedback ? normalInit(rng, nI * f, initStd) : new Float32Array(0);
    const bu = new Float64Array(nU);
    const bi = new Float64Array(nI);
    const order = new Int32Array(nnz);
    for (let t = 0; t < nnz; t++) order[t] = t;
    const rowOf = new Int32Array(nnz);
    for (let u = 0; u < nU; u++) rowOf.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
    const ridge: Ridge = { A: new Float64Array((f + 1) * (f + 1)), b: new Float64Array(f + 1), z: new Float64Array(f + 1) };
    for (let it = 1; it <= iterations; it++) {
      let mse: number;
      if (this.options.solver === 'als') {
        this.alsSweep(source, m, itemUsers, mu, P, Q, bu, bi, f, ridge);
        mse = 0;
        for (let t = 0; t < nnz; t++) {
          const u = rowOf[t]!;
          const i = m.indices[t]!;
          let s = mu + bu[u]! + bi[i]!;
          for (let q = 0; q < f; q++) s += P[u * f + q]! * Q[i * f + q]!;
          mse += (m.weights[t]! - s) ** 2;
        }
        mse /= nnz;
      } else if (implicitFeedback) {
        mse = this.sgdPlusPlusEpoch(rng, m, mu, P, Q, Yimp, bu, bi, f) / nnz;
      } else {
        mse = this.sgdEpoch(rng, order, m, rowOf, mu, P, Q, bu, bi, f) / nnz;
      }
      if (!Number.isFinite(mse)) {
        throw new ConvergenceError('E_DIVERGED', `${source}: the training error became non-finite in iteration ${it}; lower learningRate or raise regularization.`, { source, field: 'learningRate' });
      }
      fit.onProgress?.({ step: it, steps: iterations, phase: this.options.solver === 'als' ? 'sweep' : 'epoch', loss: mse });
      if (fit.signal !== undefined) {
        await yieldToEventLoop();
        throwIfAborted(fit.signal, source);
      }
    }
    this.mu = mu;
    this.minRating = lo;
    this.maxRating = hi;
    this.userB = bu;
    this.itemB = bi;
    this.userP = P;
    this.itemQ = Q;
    this.itemY = Yimp;
    this.itemNorms = null;
    this.scorer = null;
    this.hist = m;
    this.folded = new Map();
    this.userEff = new Float32Array(nU * f);
    for (let u = 0; u < nU; u++) this.updateEffective(u);
  }

  /** One SGD pass over the ratings in a fresh random order; returns the sum of squared errors seen. */
  private sgdEpoch(rng: Random, order: Int32Array, m: Csr, rowOf: Int32Array, mu: number, P: Float32Array, Q: Float32Array, bu: Float64Array, bi: Float64Array, f: number): number {
    const { learningRate: lr, regularization: reg } = this.options;
    for (let t = order.length - 1; t > 0; t--) {
      const j = Math.floor(rng.next() * (t + 1));
      const tmp = order[t]!;
      order[t] = order[j]!;
      order[j] = tmp;
    }
    let sse = 0;
    for (let k = 0; k < order.length; k++) {
      const t = order[k]!;
      const u = rowOf[t]!;
      const i = m.indices[t]!;
      const uo = u * f;
      const io = i * f;
      let dot = 0;
      for (let q = 0; q < f; q++) dot += P[uo + q]! * Q[io + q]!;
      const e = m.weights[t]! - (mu + bu[u]! + bi[i]! + dot);
      sse += e * e;
      bu[u] = bu[u]! + lr * (e - reg * bu[u]!);
      bi[i] = bi[i]! + lr * (e - reg * bi[i]!);
      for (let q = 0; q < f; q++) {
        const pu = P[uo + q]!;
        const qi = Q[io + q]!;
        P[uo + q] = pu + lr * (e * qi - reg * pu);
        Q[io + q] = qi + lr * (e * pu - reg * qi);
      }
    }
    return sse;
  }

  /** One SVD++ SGD pass, users in random order, each user's ratings in random order; yⱼ updated after each user. */
  private sgdPlusPlusEpoch(rng: Random, m: Csr, mu: number, P: Float32Array, Q: Float32Array, Yimp: Float32Array, bu: Float64Array, bi: Float64Array, f: number): number {
    const { learningRate: lr, regularization: reg } = this.options;
    const nU = m.indptr.length - 1;
    const users = rng.shuffle(Array.from({ length: nU }, (_, u) => u));
    const z = new Float64Array(f);
    const gz = new Float64Array(f);
    let sse = 0;
    for (const u of users) {
      const a = m.indptr[u]!;
      const b = m.indptr[u + 1]!;
      const n = b - a;
      if (n === 0) continue;
      const s = 1 / Math.sqrt(n);
      z.fill(0);
      gz.fill(0);
      for (let t = a; t < b; t++) {
        const jo = m.indices[t]! * f;
        for (let q = 0; q < f; q++) z[q]! += Yimp[jo + q]!;
      }
      for (let q = 0; q < f; q++) z[q]! *= s;
      const uo = u * f;
      const seq = rng.shuffle(Array.from({ length: n }, (_, k) => a + k));
      for (const t of seq) {
        const i = m.indices[t]!;
        const io = i * f;
        let dot = 0;
        for (let q = 0; q < f; q++) dot += (P[uo + q]! + z[q]!) * Q[io + q]!;
        const e = m.weights[t]! - (mu + bu[u]! + bi[i]! + dot);
        sse += e * e;
        bu[u] = bu[u]! + lr * (e - reg * bu[u]!);
        bi[i] = bi[i]! + lr * (e - reg * bi[i]!);
        for (let q = 0; q < f; q++) {
          const pu = P[uo + q]!;
          const qi = Q[io + q]!;
          gz[q]! += e * qi;
          P[uo + q] = pu + lr * (e * qi - reg * pu);
          Q[io + q] = qi + lr * (e * (pu + z[q]!) - reg * qi);
        }
      }
      // Σ over the user's n ratings of yⱼ += η(e·s·qᵢ − λ·yⱼ), applied at once.
      for (let t = a; t < b; t++) {
        const jo = m.indices[t]! * f;
        for (let q = 0; q < f; q++) Yimp[jo + q] = Yimp[jo + q]! + lr * (s * gz[q]! - n * reg * Yimp[jo + q]!);
      }
    }
    return sse;
  }

  /** One ALS sweep: every item's [qᵢ, bᵢ] given the users, then every user's [pᵤ, bᵤ] given the items. */
  private alsSweep(source: string, m: Csr, itemUsers: Csr, mu: number, P: Float32Array, Q: Float32Array, bu: Float64Array, bi: Float64Array, f: number, s: Ridge): void {
    const lambda = this.options.regularization;
    const half = (rows: Csr, T: Float32Array, tb: Float64Array, F: Float32Array, fb: Float64Array) => {
      const nRows = rows.indptr.length - 1;
      let targets = new Float64Array(64);
      for (let r = 0; r < nRows; r++) {
        const a = rows.indptr[r]!;
        const b = rows.indptr[r + 1]!;
        if (a === b) continue;
        if (targets.length < b - a) targets = new Float64Array(2 * (b - a));
        const cols = rows.indices.subarray(a, b);
        for (let t = a; t < b; t++) targets[t - a] = rows.weights[t]! - mu - fb[rows.indices[t]!]!;
        if (!ridgeRow(F, cols, targets.subarray(0, b - a), f, lambda, s)) {
          throw new ConvergenceError('E_NOT_POSITIVE_DEFINITE', `${source}: a least-squares system is singular; use regularization > 0.`, { source, field: 'regularization' });
        }
        for (let q = 0; q < f; q++) T[r * f + q] = s.b[q]!;
        tb[r] = s.b[f]!;
      }
    };
    half(itemUsers, Q, bi, P, bu);
    half(m, P, bu, Q, bi);
  }

  /** userEff[u] = pᵤ + |N(u)|^(−½) Σ yⱼ over the user's history (just pᵤ without implicitFeedback). */
  private updateEffective(u: number): void {
    const f = this.options.factors;
    const o = u * f;
    for (let q = 0; q < f; q++) this.userEff[o + q] = this.userP[o + q]!;
    if (!this.options.implicitFeedback) return;
    const h = this.history(u);
    if (h.items.length === 0) return;
    const s = 1 / Math.sqrt(h.items.length);
    for (let t = 0; t < h.items.length; t++) {
      const jo = h.items[t]! * f;
      for (let q = 0; q < f; q++) this.userEff[o + q] = this.userEff[o + q]! + s * this.itemY[jo + q]!;
    }
  }

  /**
   * Adds ratings of new or known users without refitting the items; each
   * user's bias and vector are re-solved by ridge regression with the item
   * parameters fixed (see the class notes). A rating of an item the user
   * already rated replaces it. Rows with unknown items are reported, not used.
   *
   * @param interactions - `{ userId, itemId, weight }` records or an Arrow table (weight = the rating)
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as for `fit` (an empty list is allowed);
   *   `ConvergenceError` `E_NOT_POSITIVE_DEFINITE` when regularization is 0 and the system is singular
   */
  override foldIn(interactions: readonly Interaction[] | ArrowLikeTable): FoldInReport {
    const source = 'ExplicitMF.foldIn';
    this.assertFitted(source);
    const cols = readRatings(source, interactions, true);
    const unknownItemRows: number[] = [];
    const byUser = new Map<Id, Map<number, { sum: number; n: number }>>();
    for (let r = 0; r < cols.userIds.length; r++) {
      const i = this.itemIndex.get(cols.itemIds[r]!);
      if (i === undefined) {
        unknownItemRows.push(r);
        continue;
      }
      let e = byUser.get(cols.userIds[r]!);
      if (e === undefined) {
        e = new Map();
        byUser.set(cols.userIds[r]!, e);
      }
      const cell = e.get(i) ?? { sum: 0, n: 0 };
      cell.sum += cols.ratings[r]!;
      cell.n += 1;
      e.set(i, cell);
    }
    const users: Id[] = [];
    const newUsers: Id[] = [];
    for (const [id, cells] of byUser) {
      let u = this.userIndex.get(id);
      const merged = new Map<number, number>();
      if (u !== undefined) {
        const old = this.history(u);
        for (let t = 0; t < old.items.length; t++) merged.set(old.items[t]!, old.weights[t]!);
      } else {
        u = this.userIds.length;
        this.userIds.push(id);
        this.userIndex.set(id, u);
        newUsers.push(id);
      }
      for (const [i, c] of cells) merged.set(i, c.sum / c.n);
      const itemsSorted = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
      const ratings = Float64Array.from(itemsSorted, (i) => merged.get(i)!);
      this.folded.set(u, { items: itemsSorted, weights: ratings });
      this.growUsers(u + 1);
      this.solveUser(source, u, itemsSorted, ratings);
      users.push(id);
    }
    return { users, newUsers, unknownItemRows };
  }

  private growUsers(n: number): void {
    const f = this.options.factors;
    if (this.userB.length >= n) return;
    const cap = Math.max(n, 2 * this.userB.length);
    const grow64 = (a: Float64Array) => {
      const g = new Float64Array(cap);
      g.set(a);
      return g;
    };
    const grow32 = (a: Float32Array) => {
      const g = new Float32Array(cap * f);
      g.set(a);
      return g;
    };
    this.userB = grow64(this.userB);
    this.userP = grow32(this.userP);
    this.userEff = grow32(this.userEff);
  }

  /** Ridge solve of user u's [pᵤ, bᵤ] with items fixed, then its effective vector. */
  private solveUser(source: string, u: number, items: Int32Array, ratings: Float64Array): void {
    const f = this.options.factors;
    const n = items.length;
    const implicitTerm = new Float64Array(f);
    if (this.options.implicitFeedback && n > 0) {
      const s = 1 / Math.sqrt(n);
      for (let t = 0; t < n; t++) for (let q = 0; q < f; q++) implicitTerm[q]! += s * this.itemY[items[t]! * f + q]!;
    }
    const targets = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const i = items[t]!;
      targets[t] = ratings[t]! - this.mu - this.itemB[i]! - dotRow(this.itemQ, i * f, implicitTerm, f);
    }
    const s: Ridge = { A: new Float64Array((f + 1) * (f + 1)), b: new Float64Array(f + 1), z: new Float64Array(f + 1) };
    if (!ridgeRow(this.itemQ, items, targets, f, this.options.regularization, s)) {
      throw new ConvergenceError('E_NOT_POSITIVE_DEFINITE', `${source}: the user's least-squares system is singular; refit with regularization > 0.`, { source, field: 'regularization' });
    }
    for (let q = 0; q < f; q++) this.userP[u * f + q] = s.b[q]!;
    this.userB[u] = s.b[f]!;
    this.updateEffective(u);
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 64;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const f = this.options.factors;
    const nI = this.itemCount;
    this.scorer ??= factorScorer(this.itemQ, f, this.scoreBlockSize());
    const U = new Float32Array(users.length * f);
    for (let b = 0; b < users.length; b++) U.set(this.userEff.subarray(users[b]! * f, (users[b]! + 1) * f), b * f);
    this.scorer(U, users.length, out);
    for (let b = 0; b < users.length; b++) {
      const base = this.mu + this.userB[users[b]!]!;
      const oo = b * nI;
      for (let i = 0; i < nI; i++) out[oo + i]! += base + this.itemB[i]!;
    }
  }

  /**
   * @internal With `implicitFeedback`: the exact SVD++ terms
   * |N(u)|^(−½) yⱼ·qᵢ. Without: the heuristic (rⱼ − minRating)·cos(qⱼ, qᵢ).
   */
  protected contributions(_u: number, items: Int32Array, weights: Float64Array, i: number): Float64Array | null {
    if (items.length === 0) return null;
    const f = this.options.factors;
    const qi = new Float64Array(f);
    for (let q = 0; q < f; q++) qi[q] = this.itemQ[i * f + q]!;
    const out = new Float64Array(items.length);
    if (this.options.implicitFeedback) {
      const s = 1 / Math.sqrt(items.length);
      for (let t = 0; t < items.length; t++) out[t] = s * dotRow(this.itemY, items[t]! * f, qi, f);
      return out;
    }
    const norms = this.norms();
    for (let t = 0; t < items.length; t++) {
      const j = items[t]!;
      const d = norms[i]! * norms[j]!;
      out[t] = d > 0 ? ((weights[t]! - this.minRating) * dotRow(this.itemQ, j * f, qi, f)) / d : 0;
    }
    return out;
  }

  /** Euclidean norms of the item vectors qᵢ, computed once. */
  private norms(): Float64Array {
    if (this.itemNorms === null) {
      const f = this.options.factors;
      const nI = this.itemCount;
      const Q = this.itemQ;
      const norms = new Float64Array(nI);
      for (let j = 0; j < nI; j++) {
        let s = 0;
        for (let q = 0; q < f; q++) s += Q[j * f + q]! * Q[j * f + q]!;
        norms[j] = Math.sqrt(s);
      }
      this.itemNorms = norms;
    }
    return this.itemNorms;
  }

  /** @internal Not used: {@link ExplicitMF.foldIn} is overridden. */
  protected refreshUser(u: number, items: Int32Array, weights: Float64Array): void {
    this.growUsers(u + 1);
    this.solveUser('ExplicitMF.foldIn', u, items, weights);
  }

  /** @internal */
  protected similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    const f = this.options.factors;
    const nI = this.itemCount;
    const Q = this.itemQ;
    const norms = this.norms();
    const qi = new Float64Array(f);
    for (let q = 0; q < f; q++) qi[q] = Q[i * f + q]!;
    const scores = new Float64Array(nI);
    for (let j = 0; j < nI; j++) {
      const d = norms[i]! * norms[j]!;
      scores[j] = d > 0 ? dotRow(Q, j * f, qi, f) / d : 0;
    }
    return { scores, candidates: null };
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    return { ...this.options };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const f = this.options.factors;
    const nU = this.userCount;
    const out: Record<string, number[]> = {
      globals: [this.mu, this.minRating, this.maxRating],
      userBias: Array.from(this.userB.subarray(0, nU)),
      itemBias: Array.from(this.itemB),
      userFactors: Array.from(this.userP.subarray(0, nU * f)),
      itemFactors: Array.from(this.itemQ),
    };
    if (this.options.implicitFeedback) out.implicitFactors = Array.from(this.itemY);
    return out;
  }
}
