import * as tf from '@tensorflow/tfjs-core';
import { ConvergenceError, MarksmanError, OptionsError, ParseError, Random, StateError, ValidationError, throwIfAborted } from '@marksman/core';
import { arrowRecords, isArrowTable, resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { rankingReport } from '@marksman/metrics';
import { buildInteractionMatrix, readInteractions, transposeCsr } from '../interactions';
import type { Csr, InteractionMatrix } from '../interactions';
import { rowCosines, rowNorms } from '../linalg';
import { Recommender, yieldToEventLoop } from '../recommender';
import { expectArray } from '../recommender';
import type { FitProgress, RecommenderJSON } from '../recommender';
import { selectTopK } from '../topK';
import { saveArtifacts } from './artifacts';
import type { SaveReport } from './artifacts';
import type { FeatureValue } from './features';
import type { ParamStore } from './params';
import type { OptimizerSettings } from './params';
import { Side, learnSpace } from './sides';
import type { SideJSON } from './sides';

/** A user's features: `userId` and any fields (strings, booleans, string arrays, finite numbers; null or absent = missing). */
export interface UserFeatureRecord {
  /** The user. */
  readonly userId: Id;
  /** Feature fields. */
  readonly [field: string]: FeatureValue;
}

/** An item's features: `itemId` and any fields (strings, booleans, string arrays, finite numbers; null or absent = missing). */
export interface ItemFeatureRecord {
  /** The item. */
  readonly itemId: Id;
  /** Feature fields. */
  readonly [field: string]: FeatureValue;
}

/** Validation metrics reported after an epoch (and used for early stopping). */
export interface ValidationScore {
  /** The cut-off. */
  readonly k: number;
  /** Validation users scored (known users with at least one validation item). */
  readonly users: number;
  /** Mean NDCG@k (binary relevance, training items excluded). */
  readonly ndcg: number;
  /** Mean recall@k. */
  readonly recall: number;
}

/** What `onProgress` receives from a learned model: an epoch, its mean training loss and, with `validation`, its scores. */
export interface LearnedFitProgress extends FitProgress {
  /** Validation metrics after this epoch, or null without a validation set. */
  readonly validation: ValidationScore | null;
}

/** Options of `fit` for the learned models. */
export interface LearnedFitOptions {
  /** Seed for initialisation, sampling and dropout; defaults to the model's `seed` option. */
  readonly seed: number | undefined;
  /** Called after each epoch. */
  readonly onProgress: ((progress: LearnedFitProgress) => void) | undefined;
  /** Stops the fit between batches; the fit then rejects with `E_ABORTED` and the model is unchanged. */
  readonly signal: AbortSignal | undefined;
  /** Features of users (any users: those without interactions become servable by their features). */
  readonly userFeatures: readonly UserFeatureRecord[] | undefined;
  /** Features of items (items without interactions join the catalogue and are scored by their features). */
  readonly itemFeatures: readonly ItemFeatureRecord[] | undefined;
  /** Held-out interactions of known users: scored after each epoch, for progress and early stopping. */
  readonly validation: readonly Interaction[] | undefined;
}

/** What the last fit did. */
export interface LearnedFitReport {
  /** The TensorFlow.js backend it trained on. */
  readonly backend: string;
  /** Epochs run. */
  readonly epochs: number;
  /** The epoch whose weights were kept (the best on validation, or the last). */
  readonly bestEpoch: number;
  /** True when early stopping ended the fit. */
  readonly stoppedEarly: boolean;
  /** Mean training loss of each epoch. */
  readonly losses: readonly number[];
  /** Validation scores of each epoch (empty without a validation set). */
  readonly validation: readonly ValidationScore[];
  /** Users that got no feature record (only when user features were given). */
  readonly usersWithoutFeatures: number;
  /** Items that got no feature record (only when item features were given). */
  readonly itemsWithoutFeatures: number;
  /** Users known only by their features (no interactions). */
  readonly featureOnlyUsers: number;
  /** Items known only by their features (no interactions): the cold items the model can still recommend. */
  readonly featureOnlyItems: number;
  /** Validation rows not used because their user or item is unknown to the model. */
  readonly validationRowsUnused: number;
}

/** The options every learned model shares. */
export interface LearnedCommonOptions {
  /** Passes over the training data (integer 1 … 100,000). */
  readonly epochs: number;
  /** Examples per gradient step (integer 1 … 1,048,576). */
  readonly batchSize: number;
  /** Optimiser step size (> 0). */
  readonly learningRate: number;
  /** `'adam'` (lazy on embedding rows) or `'adagrad'`. */
  readonly optimizer: 'adam' | 'adagrad';
  /** L2 penalty on the parameters each step touches (≥ 0). */
  readonly l2: number;
  /** Seed (safe integer). */
  readonly seed: number;
  /** Hashed rows for categorical feature values per side, or `'auto'` (2 × distinct values, a power of two, 16 … 2¹⁸). */
  readonly hashBuckets: number | 'auto';
  /** With features on a side, the probability of leaving an entity's id out of a training example, so the features learn to stand in for it (cold start). In [0, 1). */
  readonly idDropout: number;
  /** With `validation`, stop after this many epochs without a better validation NDCG (integer ≥ 1), keeping the best epoch's weights. */
  readonly patience: number;
  /** The cut-off of the validation metrics (integer ≥ 1). */
  readonly validationK: number;
}

/** @internal Data a trainer learns from, built by the base class. */
export interface TrainingData {
  readonly source: string;
  readonly matrix: InteractionMatrix;
  readonly itemUsers: Csr;
  /** Users and items in the catalogue (interactions first, then feature-only ones). */
  readonly users: number;
  readonly items: number;
  readonly userSide: Side;
  readonly itemSide: Side;
  /** (user, item) of every distinct training pair, grouped by user. */
  readonly pairUsers: Int32Array;
  readonly pairItems: Int32Array;
  /** Summed weight of each pair. */
  readonly pairWeights: Float64Array;
  /** User, item and weight of every input row, in input order (repeated pairs not summed). */
  readonly rowUsers: Int32Array;
  readonly rowItems: Int32Array;
  readonly rowWeights: Float64Array;
  /** The records as given (for fields a model reads beyond user, item and weight). */
  readonly interactions: readonly Interaction[];
  readonly signal: AbortSignal | undefined;
}

/** @internal One fit's trainer: owns its parameters until the base class adopts them. */
export interface Trainer<S> {
  readonly store: ParamStore;
  /** Runs one epoch; resolves to the mean training loss. Calls `checkpoint` between batches. */
  epoch(epoch: number, rng: Random, checkpoint: () => Promise<void>): Promise<number>;
  /** The serving state (host arrays) for the current parameters. */
  serving(): Promise<S>;
}

/** The serialised form of a learned recommender: the shared snapshot plus sides and weights. */
export interface LearnedRecommenderJSON extends RecommenderJSON {
  /** Users' and items' inputs and feature spaces. */
  readonly sides: LearnedSidesJSON;
  /** Trained parameters by name. */
  readonly weights: Readonly<Record<string, WeightJSON>>;
}

/** The two sides of a {@link LearnedRecommenderJSON}. */
export interface LearnedSidesJSON {
  /** Users' inputs and feature space. */
  readonly user: SideJSON;
  /** Items' inputs and feature space. */
  readonly item: SideJSON;
}

/** One trained parameter in a snapshot. */
export interface WeightJSON {
  /** Its shape. */
  readonly shape: readonly number[];
  /** Its values, row-major. */
  readonly values: readonly number[];
}

/** Bounds shared by the options checks. */
const MAX_EPOCHS = 100_000;
const MAX_BATCH = 1 << 20;

/** @internal Checks the shared options; `bad(field, what)` throws. */
export function checkCommonOptions(source: string, o: LearnedCommonOptions): void {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} ${what}.`, { source, field });
  };
  const intIn = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(o.epochs, 1, MAX_EPOCHS)) bad('epochs', `must be an integer from 1 to ${MAX_EPOCHS}, got ${String(o.epochs)}`);
  if (!intIn(o.batchSize, 1, MAX_BATCH)) bad('batchSize', `must be an integer from 1 to ${MAX_BATCH}, got ${String(o.batchSize)}`);
  if (typeof o.learningRate !== 'number' || !(o.learningRate > 0) || !Number.isFinite(o.learningRate)) bad('learningRate', 'must be a finite number > 0');
  if (o.optimizer !== 'adam' && o.optimizer !== 'adagrad') bad('optimizer', "must be 'adam' or 'adagrad'");
  if (typeof o.l2 !== 'number' || !(o.l2 >= 0) || !Number.isFinite(o.l2)) bad('l2', 'must be a finite number ≥ 0');
  if (!Number.isSafeInteger(o.seed)) bad('seed', 'must be a safe integer');
  if (o.hashBuckets !== 'auto' && !intIn(o.hashBuckets, 1, 1 << 24)) bad('hashBuckets', "must be 'auto' or an integer from 1 to 16,777,216");
  if (typeof o.idDropout !== 'number' || !(o.idDropout >= 0 && o.idDropout < 1)) bad('idDropout', 'must be a number in [0, 1)');
  if (!intIn(o.patience, 1, MAX_EPOCHS)) bad('patience', 'must be an integer ≥ 1');
  if (!intIn(o.validationK, 1, 10_000)) bad('validationK', 'must be an integer from 1 to 10,000');
}

/** @internal Float32 copy of a snapshot array of the given length. */
export function stateArray(source: string, state: Readonly<Record<string, readonly number[]>>, name: string, length: number): Float32Array {
  const a = Float32Array.from(expectArray(source, state, name, length));
  for (let t = 0; t < a.length; t++) {
    if (!Number.isFinite(a[t]!)) throw new ParseError('E_MODEL_JSON', `${source}: state.${name} has a non-finite value at ${t}.`, { source, field: name });
  }
  return a;
}

/** @internal Checks a positive integer option. */
export function checkInt(source: string, field: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be an integer from ${lo} to ${hi}, got ${String(v)}.`, { source, field });
  }
}

/** @internal Checks an option that is a finite number in [lo, hi]. */
export function checkNumber(source: string, field: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a number from ${lo} to ${hi}, got ${String(v)}.`, { source, field });
  }
}

const FIT_DEFAULTS: LearnedFitOptions = Object.freeze({
  seed: undefined,
  onProgress: undefined,
  signal: undefined,
  userFeatures: undefined,
  itemFeatures: undefined,
  validation: undefined,
});

/**
 * Runs backend work; an error that is not ours (a kernel failing, a lost
 * device, memory exhausted) becomes a typed `E_BACKEND_FAILED` naming the
 * backend and the epoch, and the original message.
 */
async function onBackend<T>(source: string, backend: string, epoch: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof MarksmanError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new StateError('E_BACKEND_FAILED', `${source}: the ${backend} backend failed${epoch > 0 ? ` in epoch ${epoch}` : ' while setting up'} (${why}); the model is unchanged. Try another backend with useBackend().`, { source });
  }
}

/** Glorot-uniform (or scaled-uniform) initial values from a seeded generator, float32. */
export function uniformInit(rng: Random, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let t = 0; t < n; t++) out[t] = (2 * rng.next() - 1) * scale;
  return out;
}

/**
 * @internal The base of the learned recommenders (`TwoTower`,
 * `FactorizationMachine`, `NeuMF`): fits on the active TensorFlow.js
 * backend with user and item features, validation and early stopping; serves
 * from host arrays (so `recommend` is synchronous and needs no backend);
 * keeps its trained parameters on the backend until `dispose()`.
 */
export abstract class LearnedRecommender<S extends object> extends Recommender {
  /** @internal Serving state (host arrays). */
  protected serving: S | null = null;
  /** @internal Trained weights (host copies), by name. */
  protected weights = new Map<string, Float32Array>();
  /** @internal Weight shapes, by name. */
  protected shapes = new Map<string, number[]>();
  /** @internal Users' and items' inputs. */
  protected userSide: Side | null = null;
  /** @internal */
  protected itemSide: Side | null = null;
  /** @internal Parameters on the backend (null after dispose or restore). */
  protected store: ParamStore | null = null;
  private itemNormsCache: Float64Array | null = null;
  private lastReport: LearnedFitReport | null = null;

  /** @internal The shared options of the model. */
  protected abstract common(): LearnedCommonOptions;

  /** @internal Builds the trainer of one fit (parameters initialised from `rng`). */
  protected abstract createTrainer(data: TrainingData, rng: Random, optimizer: OptimizerSettings): Trainer<S>;

  /** @internal Item vectors (items × width, row-major) for `similarItems` and `explain`. */
  protected abstract itemVectors(): { vectors: Float32Array; width: number };

  /** @internal Serving state after appending entities (computed from host weights). */
  protected abstract extendServing(serving: S, side: 'user' | 'item', entity: number, input: { rows: number[]; values: number[] }): S;

  /** @internal Serving state from a snapshot's `state` arrays (checked with `expectArray`). */
  protected abstract servingFromState(source: string, state: Readonly<Record<string, readonly number[]>>): S;

  /** What the last `fit` did (null before the first fit, and after `fromJSON`). */
  get fitReport(): LearnedFitReport | null {
    return this.lastReport;
  }

  /**
   * Learns from interactions (and optional user and item features) on the
   * active TensorFlow.js backend (call `useBackend` first). Replaces
   * anything learned before only when it succeeds: an aborted or failed fit
   * leaves the model as it was and leaks no tensor.
   *
   * @param input - `{ userId, itemId, weight? }` records or an Arrow table with those columns
   * @param options - seed, onProgress, signal, userFeatures, itemFeatures, validation
   * @returns this model, fitted
   * @throws `ValidationError` for bad interactions or features (`E_FEATURE_TYPE`, `E_FEATURE_NUMBER`,
   *   `E_DUPLICATE_ID`, …); `StateError` `E_BACKEND_UNAVAILABLE`; `ConvergenceError` `E_DIVERGED`;
   *   `AbortError` `E_ABORTED`
   */
  override async fit(input: readonly Interaction[] | ArrowLikeTable, options?: Partial<LearnedFitOptions>): Promise<this> {
    const source = `${this.modelName}.fit`;
    const interactions = isArrowTable(input) ? (arrowRecords(source, input, ['userId', 'itemId', 'weight', 'timestamp']) as unknown as readonly Interaction[]) : input;
    const o = resolveOptions(source, FIT_DEFAULTS, options);
    const c = this.common();
    const seed = o.seed ?? c.seed;
    if (!Number.isSafeInteger(seed)) {
      throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${String(seed)}.`, { source, field: 'seed' });
    }
    if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
      throw new OptionsError('E_OPTION_TYPE', `${source}: onProgress must be a function.`, { source, field: 'onProgress' });
    }
    throwIfAborted(o.signal, source);
    const m = buildInteractionMatrix(source, interactions);
    const userSpace = learnSpace(source, 'userFeatures', o.userFeatures as readonly Record<string, unknown>[] | undefined, 'userId', c.hashBuckets);
    const itemSpace = learnSpace(source, 'itemFeatures', o.itemFeatures as readonly Record<string, unknown>[] | undefined, 'itemId', c.hashBuckets);
    const nInteractedUsers = m.userIds.length;
    const nInteractedItems = m.itemIds.length;
    const userIds = m.userIds.slice();
    const itemIds = m.itemIds.slice();
    const userIndex = new Map(m.userIndex);
    const itemIndex = new Map(m.itemIndex);
    for (const rec of o.userFeatures ?? []) {
      if (userIndex.has(rec.userId)) continue;
      userIndex.set(rec.userId, userIds.length);
      userIds.push(rec.userId);
    }
    for (const rec of o.itemFeatures ?? []) {
      if (itemIndex.has(rec.itemId)) continue;
      itemIndex.set(rec.itemId, itemIds.length);
      itemIds.push(rec.itemId);
    }
    const users = Side.build(source, 'userFeatures', userIds, nInteractedUsers, userSpace, o.userFeatures as readonly Record<string, unknown>[] | undefined);
    const items = Side.build(source, 'itemFeatures', itemIds, nInteractedItems, itemSpace, o.itemFeatures as readonly Record<string, unknown>[] | undefined);

    // Every input row by index (the records were validated by buildInteractionMatrix).
    const rowUsers = new Int32Array(interactions.length);
    const rowItems = new Int32Array(interactions.length);
    const rowWeights = new Float64Array(interactions.length);
    for (let r = 0; r < interactions.length; r++) {
      const rec = interactions[r]!;
      rowUsers[r] = m.userIndex.get(rec.userId)!;
      rowItems[r] = m.itemIndex.get(rec.itemId)!;
      rowWeights[r] = rec.weight ?? 1;
    }
    // Every distinct pair, grouped by user, from the matrix.
    const nnz = m.indices.length;
    const pairUsers = new Int32Array(nnz);
    for (let u = 0; u < nInteractedUsers; u++) pairUsers.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
    const hist: Csr = { indptr: m.indptr, indices: m.indices, weights: m.weights };
    const matrix: InteractionMatrix = { ...m, userIds, itemIds, userIndex, itemIndex };
    const itemUsers = transposeCsr(hist, nInteractedUsers, itemIds.length);

    // Validation: known users and items only; the rest is counted.
    let validation: { users: Int32Array; relevant: Map<number, Set<number>> } | null = null;
    let validationRowsUnused = 0;
    if (o.validation !== undefined) {
      const cols = readInteractions(`${source} (validation)`, o.validation, true);
      const relevant = new Map<number, Set<number>>();
      for (let r = 0; r < cols.userIds.length; r++) {
        const u = userIndex.get(cols.userIds[r]!);
        const i = itemIndex.get(cols.itemIds[r]!);
        if (u === undefined || i === undefined) {
          validationRowsUnused++;
          continue;
        }
        let set = relevant.get(u);
        if (set === undefined) relevant.set(u, (set = new Set()));
        set.add(i);
      }
      if (relevant.size === 0) {
        throw new ValidationError('E_VALIDATION_EMPTY', `${source}: no validation row has a user and an item the model knows; give held-out interactions of training users.`, { source, field: 'validation' });
      }
      validation = { users: Int32Array.from(relevant.keys()), relevant };
    }

    try {
      await tf.ready();
    } catch (e) {
      throw new StateError('E_BACKEND_UNAVAILABLE', `${source}: ${this.modelName} trains on TensorFlow.js; call useBackend('auto') first (${e instanceof Error ? e.message : String(e)}).`, { source });
    }
    const backend = tf.getBackend();
    const rng = new Random(seed);
    const data: TrainingData = {
      source,
      matrix,
      itemUsers,
      users: userIds.length,
      items: itemIds.length,
      userSide: users.side,
      itemSide: items.side,
      pairUsers,
      pairItems: m.indices,
      pairWeights: m.weights,
      rowUsers,
      rowItems,
      rowWeights,
      interactions,
      signal: o.signal,
    };
    const trainer = await onBackend(source, backend, 0, () => Promise.resolve(this.createTrainer(data, rng, { optimizer: c.optimizer, learningRate: c.learningRate, l2: c.l2 })));
    const histForValidation: Csr = hist;
    let adopted = false;
    try {
      const losses: number[] = [];
      const scores: ValidationScore[] = [];
      let best: { epoch: number; ndcg: number; serving: S; weights: Map<string, Float32Array> } | null = null;
      let since = 0;
      let stoppedEarly = false;
      const checkpoint = async () => {
        if (o.signal !== undefined) {
          await yieldToEventLoop();
          throwIfAborted(o.signal, source);
        }
      };
      let epoch = 0;
      while (epoch < c.epochs) {
        epoch++;
        const loss = await onBackend(source, backend, epoch, () => trainer.epoch(epoch, rng, checkpoint));
        if (!Number.isFinite(loss)) {
          throw new ConvergenceError('E_DIVERGED', `${source}: the training loss became non-finite in epoch ${epoch}; lower learningRate.`, { source, field: 'learningRate' });
        }
        losses.push(loss);
        let score: ValidationScore | null = null;
        if (validation !== null) {
          const serving = await onBackend(source, backend, epoch, () => trainer.serving());
          score = this.validate(serving, validation, histForValidation, nInteractedUsers, c.validationK);
          scores.push(score);
          if (best === null || score.ndcg > best.ndcg) {
            best = { epoch, ndcg: score.ndcg, serving, weights: await trainer.store.download() };
            since = 0;
          } else if (++since >= c.patience) {
            stoppedEarly = epoch < c.epochs;
          }
        }
        o.onProgress?.({ step: epoch, steps: c.epochs, phase: 'epoch', loss, validation: score });
        await checkpoint();
        if (stoppedEarly) break;
      }
      let serving: S;
      let weights: Map<string, Float32Array>;
      let bestEpoch = epoch;
      if (best !== null) {
        serving = best.serving;
        weights = best.weights;
        bestEpoch = best.epoch;
        if (bestEpoch !== epoch) trainer.store.upload(weights);
      } else {
        serving = await onBackend(source, backend, epoch, () => trainer.serving());
        weights = await onBackend(source, backend, epoch, () => trainer.store.download());
      }
      // Adopt: from here on nothing can fail.
      this.store?.dispose();
      this.store = trainer.store;
      adopted = true;
      this.shapes = trainer.store.shapes();
      this.weights = weights;
      this.serving = serving;
      this.userSide = users.side;
      this.itemSide = items.side;
      this.itemNormsCache = null;
      this.userIds = userIds;
      this.userIndex = userIndex;
      this.itemIds = itemIds;
      this.itemIndex = itemIndex;
      const indptr = new Int32Array(userIds.length + 1);
      indptr.set(m.indptr);
      indptr.fill(m.indptr[nInteractedUsers]!, nInteractedUsers + 1);
      this.hist = { indptr, indices: m.indices, weights: m.weights };
      this.folded = new Map();
      const pop = new Float64Array(itemIds.length);
      for (let i = 0; i < nInteractedItems; i++) pop[i] = itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
      this.popularity = pop;
      this.fitted = true;
      this.lastReport = {
        backend,
        epochs: epoch,
        bestEpoch,
        stoppedEarly,
        losses,
        validation: scores,
        usersWithoutFeatures: o.userFeatures === undefined ? 0 : users.withoutFeatures,
        itemsWithoutFeatures: o.itemFeatures === undefined ? 0 : items.withoutFeatures,
        featureOnlyUsers: userIds.length - nInteractedUsers,
        featureOnlyItems: itemIds.length - nInteractedItems,
        validationRowsUnused,
      };
      this.afterAdopt();
      return this;
    } finally {
      if (!adopted) trainer.store.dispose();
    }
  }

  /** @internal Drops caches built from the serving state (a scorer). */
  protected resetCaches(): void {}

  /** @internal Called after a fit, a restore or an addition was adopted. */
  protected afterAdopt(): void {
    this.resetCaches();
  }

  /** Validation NDCG/recall@k of a serving state (training items excluded). */
  private validate(serving: S, v: { users: Int32Array; relevant: Map<number, Set<number>> }, hist: Csr, nHist: number, k: number): ValidationScore {
    const saved = this.serving;
    const savedFitted = this.fitted;
    this.serving = serving;
    this.fitted = true;
    this.resetCaches(); // scoring caches belong to a serving state
    try {
      const block = this.scoreBlockSize();
      const nI = this.servingItems(serving);
      const scores = new Float64Array(block * nI);
      const skip = new Uint8Array(nI);
      const recommended = new Map<number, number[]>();
      const relevant = new Map<number, number[]>();
      for (let start = 0; start < v.users.length; start += block) {
        const us = v.users.subarray(start, start + block);
        this.scoreUsers(us, scores);
        for (let b = 0; b < us.length; b++) {
          const u = us[b]!;
          const a = u < nHist ? hist.indptr[u]! : 0;
          const e = u < nHist ? hist.indptr[u + 1]! : 0;
          for (let t = a; t < e; t++) skip[hist.indices[t]!] = 1;
          const top = selectTopK(scores.subarray(b * nI, (b + 1) * nI), k, skip, null, null);
          for (let t = a; t < e; t++) skip[hist.indices[t]!] = 0;
          recommended.set(u, Array.from(top.index));
          relevant.set(u, [...v.relevant.get(u)!]);
        }
      }
      const r = rankingReport(recommended, relevant, { k });
      return { k, users: r.users, ndcg: r.ndcg, recall: r.recall };
    } finally {
      this.serving = saved;
      this.fitted = savedFitted;
      this.resetCaches();
    }
  }

  /** @internal Items a serving state scores (the catalogue). */
  protected abstract servingItems(serving: S): number;

  /**
   * Adds items known only by their features, without refitting: each gets a
   * vector from its features (as cold items in `fit` do) and can be
   * recommended at once. Items already known are refused.
   *
   * Costs O(features · width) per item (host arithmetic, no backend needed).
   *
   * @param records - `{ itemId, …features }` with the fields the model was fitted with
   * @returns the number of items added
   * @throws `StateError` `E_NOT_FITTED`, `E_NO_FEATURES` (the model was fitted without item features);
   *   `ValidationError` `E_DUPLICATE_ID`, `E_FEATURE_UNKNOWN`, `E_FEATURE_TYPE`, `E_FEATURE_NUMBER`
   */
  addItems(records: readonly ItemFeatureRecord[]): number {
    return this.addEntities('item', `${this.modelName}.addItems`, records as readonly Record<string, unknown>[]);
  }

  /**
   * Adds users known only by their features, without refitting: each gets a
   * vector from its features and `recommend` serves them personalised lists
   * (not the popularity fallback). Users already known are refused.
   *
   * @param records - `{ userId, …features }` with the fields the model was fitted with
   * @returns the number of users added
   * @throws `StateError` `E_NOT_FITTED`, `E_NO_FEATURES`; `ValidationError` `E_DUPLICATE_ID`,
   *   `E_FEATURE_UNKNOWN`, `E_FEATURE_TYPE`, `E_FEATURE_NUMBER`
   */
  addUsers(records: readonly UserFeatureRecord[]): number {
    return this.addEntities('user', `${this.modelName}.addUsers`, records as readonly Record<string, unknown>[]);
  }

  private addEntities(kind: 'user' | 'item', source: string, records: readonly Record<string, unknown>[]): number {
    this.assertFitted(source);
    const side = kind === 'user' ? this.userSide! : this.itemSide!;
    const idKey = kind === 'user' ? 'userId' : 'itemId';
    if (!side.hasFeatures) {
      throw new StateError('E_NO_FEATURES', `${source}: the model was fitted without ${kind} features, so a new ${kind} has nothing to be scored by; refit with ${kind}Features.`, { source });
    }
    if (!Array.isArray(records)) {
      throw new ValidationError('E_INPUT', `${source}: records must be an array of { ${idKey}, …features }.`, { source, field: 'records' });
    }
    const index = kind === 'user' ? this.userIndex : this.itemIndex;
    // Check everything first, so a bad record adds nothing.
    const encoded = records.map((rec, r) => {
      if (rec === null || typeof rec !== 'object') throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a record.`, { source, row: r });
      const id = rec[idKey];
      if (!((typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)))) {
        throw new ValidationError('E_ID_TYPE', `${source}: row ${r} has ${idKey} ${JSON.stringify(id)}; ids must be non-empty strings or finite numbers.`, { source, field: idKey, row: r });
      }
      if (index.has(id as Id) || records.findIndex((x) => x[idKey] === id) !== r) {
        throw new ValidationError('E_DUPLICATE_ID', `${source}: row ${r}: ${idKey} ${JSON.stringify(id)} is already known; features of known ${kind}s are fixed at fit time.`, { source, field: idKey, row: r });
      }
      return { id: id as Id, enc: side.features.encode(source, 'records', rec, r) };
    });
    let serving = this.serving!;
    for (const { id, enc } of encoded) {
      const e = side.append(enc.rows, enc.values, enc.fields);
      if (kind === 'user') {
        this.userIds.push(id);
        this.userIndex.set(id, e);
        const indptr = new Int32Array(this.hist.indptr.length + 1);
        indptr.set(this.hist.indptr);
        indptr[indptr.length - 1] = indptr[indptr.length - 2]!;
        this.hist = { ...this.hist, indptr };
      } else {
        this.itemIds.push(id);
        this.itemIndex.set(id, e);
        const pop = new Float64Array(this.popularity.length + 1);
        pop.set(this.popularity);
        this.popularity = pop;
      }
      serving = this.extendServing(serving, kind, e, side.input(e));
    }
    this.serving = serving;
    this.itemNormsCache = null;
    this.afterAdopt();
    return encoded.length;
  }

  /** @internal Cosine of item vectors. */
  protected similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    const { vectors, width } = this.itemVectors();
    return { scores: rowCosines(vectors, width, this.norms(), i, null, this.itemCount), candidates: null };
  }

  /** @internal Attribution: cosine between each history item's vector and the target's (not a decomposition of the score). */
  protected contributions(_u: number, items: Int32Array, _w: Float64Array, i: number): Float64Array | null {
    if (items.length === 0) return null;
    const { vectors, width } = this.itemVectors();
    return rowCosines(vectors, width, this.norms(), i, items, this.itemCount);
  }

  private norms(): Float64Array {
    if (this.itemNormsCache === null) {
      const { vectors, width } = this.itemVectors();
      this.itemNormsCache = rowNorms(vectors, this.itemCount, width);
    }
    return this.itemNormsCache;
  }

  /** @internal Learned models are fitted through their own `fit`; the base hook is unused. */
  protected train(): Promise<void> {
    return Promise.reject(new StateError('E_INTERNAL', `${this.modelName}: train() is not used by learned models.`));
  }

  /** @internal */
  protected override defaultSeed(): number {
    return this.common().seed;
  }

  /**
   * Frees the parameters this model keeps on the TensorFlow.js backend after
   * `fit` (serving needs none of them: `recommend` and friends keep working
   * from host arrays, as after `fromJSON`). Safe to call twice.
   */
  dispose(): void {
    this.store?.dispose();
    this.store = null;
  }

  /**
   * Saves the model as TensorFlow.js model artefacts: the structure (options,
   * ids, histories, features) as `modelTopology`, trained weights and
   * serving vectors as float32 binary weights. `destination` is a tf.io URL
   * (`indexeddb://name` or `localstorage://name` in browsers,
   * `downloads://name`, `http(s)://…`, `file:///dir` in Node — written as
   * `model.json` + `weights.bin` without needing tfjs-node) or a tf.io
   * handler. The model's `load` restores it exactly.
   *
   * @param destination - a tf.io URL or handler
   * @returns where it went and how many bytes
   * @throws `StateError` `E_NOT_FITTED`, `E_SAVE_FAILED`; `ValidationError` `E_INPUT` (no handler for the URL here)
   */
  async save(destination: string | tf.io.IOHandler): Promise<SaveReport> {
    const source = `${this.modelName}.save`;
    this.assertFitted(source);
    return saveArtifacts(source, this.toJSON(), destination);
  }

  /** Number of tensors this model holds on the backend (0 after `dispose` or `fromJSON`). */
  get tensorCount(): number {
    return this.store?.tensorCount ?? 0;
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    return { ...this.common(), ...this.modelOptionsJSON() };
  }

  /** @internal Model-specific options for the snapshot (merged over the common ones). */
  protected abstract modelOptionsJSON(): Record<string, unknown>;

  /** @internal Serving arrays for the snapshot (so a restored model scores exactly the same). */
  protected abstract override stateJSON(): Record<string, number[]>;

  /**
   * A plain, JSON-serialisable snapshot with ids, histories, inputs and
   * trained weights; the model's `fromJSON` restores a model that gives
   * identical recommendations, without TensorFlow.js.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  override toJSON(): LearnedRecommenderJSON {
    const base = super.toJSON();
    const weights: Record<string, { shape: number[]; values: number[] }> = {};
    for (const name of [...this.weights.keys()].sort()) weights[name] = { shape: this.shapes.get(name)!, values: Array.from(this.weights.get(name)!) };
    return { ...base, sides: { user: this.userSide!.toJSON(), item: this.itemSide!.toJSON() }, weights };
  }

  /** @internal Restores the shared and learned parts of a snapshot. */
  protected restoreLearned(json: LearnedRecommenderJSON, source: string, expected: ReadonlyMap<string, readonly number[]>): void {
    const state = this.restore(json, source);
    const bad = (what: string, field: string): never => {
      throw new ParseError('E_MODEL_JSON', `${source}: not a ${this.modelName} snapshot (${what}).`, { source, field });
    };
    if (json.sides === null || typeof json.sides !== 'object') bad('sides missing', 'sides');
    if (json.weights === null || typeof json.weights !== 'object') bad('weights missing', 'weights');
    const userSide = Side.fromJSON(source, json.sides.user, json.userIds.length, 'sides.user');
    const itemSide = Side.fromJSON(source, json.sides.item, json.itemIds.length, 'sides.item');
    const weights = new Map<string, Float32Array>();
    const shapes = new Map<string, number[]>();
    for (const [name, shape] of expected) {
      const w = json.weights[name];
      const field = `weights.${name}`;
      if (w === null || typeof w !== 'object' || !Array.isArray(w.shape) || !Array.isArray(w.values)) bad(`weight ${name} missing`, field);
      const size = shape.reduce((a, b) => a * b, 1);
      if (w!.shape.length !== shape.length || w!.shape.some((d, k) => d !== shape[k]) || w!.values.length !== size) bad(`weight ${name} has shape ${JSON.stringify(w!.shape)}, expected ${JSON.stringify(shape)}`, field);
      const values = Float32Array.from(w!.values);
      for (let t = 0; t < values.length; t++) if (!Number.isFinite(values[t]!)) bad(`weight ${name} is not finite`, `${field}.values[${t}]`);
      weights.set(name, values);
      shapes.set(name, shape.slice());
    }
    this.store?.dispose();
    this.store = null;
    this.userSide = userSide;
    this.itemSide = itemSide;
    this.weights = weights;
    this.shapes = shapes;
    this.itemNormsCache = null;
    this.lastReport = null;
    this.serving = this.servingFromState(source, state);
    this.afterAdopt();
  }
}
