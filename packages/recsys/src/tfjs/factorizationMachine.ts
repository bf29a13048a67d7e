import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, ParseError, Random, ValidationError } from '@marksman/core';
import type { Id, Interaction } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkRecordId } from '../checks';
import { factorScorer } from '../factorScorer';
import type { FactorScorer } from '../factorScorer';
import type { FeatureValue } from './features';
import { FeatureSpace } from './features';
import { crossTerm, crossWidth, fieldLayout, hostEntityServing, hostFieldSums, layoutOf, ownConstant, tapeCrossVectors, tapeFieldSums, tapeOwnTerms, zeroFieldSums } from './fieldAware';
import type { FieldBlock, FieldLayout, TapeFieldSums } from './fieldAware';
import { checkCommonOptions, checkInt, LearnedRecommender, stateArray, uniformInit } from './learned';
import type { LearnedCommonOptions, LearnedFitOptions, LearnedRecommenderJSON, Trainer, TrainingData } from './learned';
import { loadArtifacts } from './artifacts';
import { ParamStore } from './params';
import type { OptimizerSettings } from './params';
import { Side } from './sides';
import type { BagAssembly } from './sides';
import { Tape } from './tape';
import { hostBag } from './tower';

/** An interaction with optional context features (device, hour, campaign …), which the factorization machine uses. */
export interface ContextInteraction extends Interaction {
  /** Context features of this interaction. */
  readonly context?: Readonly<Record<string, FeatureValue>>;
}

/** A (user, item, context) triple to score with {@link FactorizationMachine.predict}. */
export interface PredictRow {
  /** The user (an unknown user contributes no terms). */
  readonly userId: Id;
  /** The item (must be known). */
  readonly itemId: Id;
  /** Context features, with the fields the model was fitted with. */
  readonly context?: Readonly<Record<string, FeatureValue>>;
}

/** Options of {@link FactorizationMachine}. */
export interface FactorizationMachineOptions extends LearnedCommonOptions {
  /** Latent dimensions k of the pairwise interactions (integer 1 … 4096). Default 64. */
  readonly factors: number;
  /**
   * `'bpr'`: pairwise ranking, −log σ(ŷ(u, i) − ŷ(u, j)) with sampled items j
   * the user did not interact with (implicit feedback); `'logistic'`: binary
   * cross-entropy with positives 1 and sampled negatives 0 (implicit
   * feedback, CTR); `'squared'`: squared error against each interaction's
   * weight (ratings). Default `'bpr'`.
   */
  readonly loss: 'bpr' | 'logistic' | 'squared';
  /** Sampled negatives per positive for `'bpr'` and `'logistic'` (integer 1 … 1000). Default 1. */
  readonly negatives: number;
  /**
   * `true`: a field-aware factorization machine (FFM, Juan et al. 2016):
   * every feature has one k-vector per field, and features a, b interact
   * through ⟨v[a, field of b], v[b, field of a]⟩. Fields are the user id,
   * each user feature field, the item id, each item feature field and each
   * context field. F fields make the tables F times wider and an example
   * cost O((features + F) · F · k) instead of O(features · k). With ids
   * only and no context (2 fields) it can express exactly what the plain FM
   * does (⟨v[u, item], v[i, user]⟩), with half of every row unused.
   * On MovieLens 100K (32 factors, one seed: see the package README) it
   * ranked cold items better than the plain FM from the same features
   * (recall@20 0.468 against 0.437, NDCG@20 0.352 against 0.298), at 11
   * to 31 times the time per epoch with 7 fields; on warm items it did
   * not pay (NDCG@10 0.261 against 0.272 with ids only, 0.231 against
   * 0.241 with features).
   * With context, a user added by `foldIn` (not in the fit) differs from a
   * fitted one: the fold-in learns only its user × item vector, so in
   * `predict` its user × context terms come from the fitted vectors of its
   * features alone (zero for a user without features), where a fitted
   * user's also include its own id's vectors. (The plain FM pairs the
   * folded-in vector with the context.) Default `false`.
   */
  readonly fieldAware: boolean;
}

const DEFAULTS: FactorizationMachineOptions = Object.freeze({
  epochs: 30,
  batchSize: 1024,
  learningRate: 0.005,
  optimizer: 'adam' as const,
  l2: 0,
  seed: 0,
  hashBuckets: 'auto' as const,
  idDropout: 0,
  patience: 3,
  validationK: 10,
  factors: 64,
  loss: 'bpr' as const,
  negatives: 1,
  fieldAware: false,
});

function checkOptions(o: FactorizationMachineOptions): void {
  const source = 'FactorizationMachine';
  checkCommonOptions(source, o);
  checkInt(source, 'factors', o.factors, 1, 4096);
  if (o.loss !== 'bpr' && o.loss !== 'logistic' && o.loss !== 'squared') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: loss must be 'bpr', 'logistic' or 'squared', got ${String(o.loss)}.`, { source, field: 'loss' });
  }
  checkInt(source, 'negatives', o.negatives, 1, 1000);
  if (typeof o.fieldAware !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: fieldAware must be true or false, got ${String(o.fieldAware)}.`, { source, field: 'fieldAware' });
  }
}

/**
 * What a factorization machine serves from. Every score splits into
 * w₀ + userConst[u] + itemBias[i] + ⟨users[u], items[i]⟩ (the pairwise
 * terms within each side folded into the constants). `k` is the width of
 * the vectors: the factors, or for the field-aware model user fields ×
 * item fields × factors.
 */
interface FmServing {
  readonly k: number;
  readonly bias: number;
  readonly users: Float32Array;
  readonly userConst: Float32Array;
  readonly items: Float32Array;
  readonly itemBias: Float32Array;
}

/** Per-entity sums of a side: S = Σ x·v, L = Σ x·w, Q = Σ x²‖v‖². */
interface SideSums {
  readonly S: tf.Tensor2D;
  readonly L: tf.Tensor2D;
  readonly Q: tf.Tensor2D;
}

/**
 * A second-order factorization machine (Rendle 2010, "Factorization
 * Machines"; libFM): for the active features x of a (user, item, context)
 * example — the user id and user features, the item id and item features,
 * the interaction's context features — the score is
 * ŷ = w₀ + Σ wⱼxⱼ + Σ_{j<l} ⟨vⱼ, v_l⟩ xⱼx_l, computed in O(k·n) as
 * ½ Σ_f [(Σ vⱼ,f xⱼ)² − Σ vⱼ,f² xⱼ²]. Categorical features are hashed
 * (unseen values never fail), numeric features standardised; `'bpr'` and
 * `'logistic'` learn from implicit feedback with sampled negatives,
 * `'squared'` from ratings. Trains with mini-batches and Adam or Adagrad
 * (lazy on the embedding rows a batch touches) on the active TensorFlow.js
 * backend (`useBackend`).
 *
 * Without context, a score splits into a user part, an item part and the
 * inner product of the user's and item's summed vectors, so `recommend`
 * ranks every item by batched inner products from host arrays; `predict`
 * scores (user, item, context) rows, e.g. to rank candidates in a context
 * or to estimate click-through (with `'logistic'`, `predict` returns
 * probabilities). New items and users with features are served without
 * refitting (`addItems`, `addUsers`); `foldIn` learns a new user's summed
 * vector by SGD on the model's loss with the items fixed.
 *
 * With `fieldAware: true` it is a field-aware FM (see
 * {@link FactorizationMachineOptions.fieldAware}); everything else (losses,
 * features, context, serving, saving) works the same.
 *
 * An epoch costs O(examples · (1 + negatives) · features · k), and
 * O(examples · (1 + negatives) · (features + F) · F · k) field-aware.
 *
 * @example
 * ```ts
 * import { FactorizationMachine, useBackend } from '@marksman/recsys/tfjs';
 * await useBackend('cpu');
 * const rows = [];
 * for (let u = 0; u < 40; u++) for (let i = 0; i < 5; i++) rows.push({ userId: `u${u}`, itemId: `${u % 2 ? 'camp' : 'beauty'}${(u + i) % 8}` });
 * const fm = await new FactorizationMachine({ factors: 8, epochs: 40, batchSize: 32, learningRate: 0.02, seed: 1 }).fit(rows);
 * fm.recommend('u1', { k: 3 }).every((r) => String(r.itemId).startsWith('camp')); // => true
 * fm.dispose();
 * ```
 */
export class FactorizationMachine extends LearnedRecommender<FmServing> {
  /** @internal */ protected readonly modelName = 'FactorizationMachine';
  /** The options in effect. */
  readonly options: FactorizationMachineOptions;
  private scorer: FactorScorer | null = null;
  private context: FeatureSpace = FeatureSpace.empty('itemId');

  /**
   * @param options - see {@link FactorizationMachineOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<FactorizationMachineOptions>) {
    super();
    const o = resolveOptions('FactorizationMachine', DEFAULTS, options);
    checkOptions(o);
    this.options = Object.freeze({ ...o });
  }

  /**
   * Learns from interactions, with their `context` features when present,
   * and optional user and item features (see the base `fit`).
   *
   * @param interactions - `{ userId, itemId, weight?, context? }` records
   * @param options - seed, onProgress, signal, userFeatures, itemFeatures, validation
   * @returns this model, fitted
   * @throws as the base `fit`, and `ValidationError` `E_FEATURE_TYPE`, `E_FEATURE_NUMBER` for bad context features
   */
  override async fit(interactions: readonly ContextInteraction[], options?: Partial<LearnedFitOptions>): Promise<this> {
    return super.fit(interactions, options);
  }

  /**
   * Restores a model written by `save` (a tf.io URL such as
   * `indexeddb://name` or `file:///dir`, or a tf.io handler).
   *
   * @param source - a tf.io URL or handler
   * @throws `ParseError` `E_LOAD_FAILED`, `E_MODEL_JSON`; `ValidationError` `E_INPUT`
   */
  static async load(source: string | tf.io.IOHandler): Promise<FactorizationMachine> {
    return FactorizationMachine.fromJSON(await loadArtifacts('FactorizationMachine.load', source));
  }

  /**
   * Restores a model saved with `toJSON` (no TensorFlow.js needed to serve it).
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON`
   */
  static fromJSON(json: LearnedRecommenderJSON): FactorizationMachine {
    const source = 'FactorizationMachine.fromJSON';
    const model = new FactorizationMachine(json?.options as Partial<FactorizationMachineOptions>);
    const rows = (s: unknown) => {
      const j = s as { idRows?: number; features?: { buckets?: number; fields?: Array<{ kind: string }> } } | undefined;
      return (j?.idRows ?? 0) + (j?.features?.buckets ?? 0) + (j?.features?.fields?.filter((f) => f.kind === 'numeric').length ?? 0);
    };
    const ctx = (json as { context?: unknown } | null)?.context;
    model.context = ctx === undefined ? FeatureSpace.empty('itemId') : FeatureSpace.fromJSON(ctx as never, source, 'context');
    const fieldCount = (s: unknown) => (s as { features?: { fields?: unknown[] } } | undefined)?.features?.fields?.length ?? 0;
    const layout = layoutOf(fieldCount(json?.sides?.user), fieldCount(json?.sides?.item), model.context.fields.length);
    const k = model.options.factors * (model.options.fieldAware ? layout.total : 1);
    const expected = new Map<string, readonly number[]>([
      ['bias', [1]],
      ['user.v', [rows(json?.sides?.user), k]],
      ['user.w', [rows(json?.sides?.user), 1]],
      ['item.v', [rows(json?.sides?.item), k]],
      ['item.w', [rows(json?.sides?.item), 1]],
    ]);
    if (model.context.rows > 0) {
      expected.set('context.v', [model.context.rows, k]);
      expected.set('context.w', [model.context.rows, 1]);
    }
    model.restoreLearned(json, source, expected);
    if (model.options.fieldAware && !(model.userSide!.fieldsKnown && model.itemSide!.fieldsKnown)) {
      throw new ParseError('E_MODEL_JSON', `${source}: the snapshot of a field-aware model does not record the field of every input (sides.*.inputs.fields).`, { source, field: 'sides' });
    }
    return model;
  }

  /** @internal */
  override toJSON(): LearnedRecommenderJSON & { readonly context: unknown } {
    return { ...super.toJSON(), context: this.context.toJSON() };
  }

  /**
   * Scores (user, item, context) rows: the model's ŷ (a probability with
   * `'logistic'` loss, a predicted rating with `'squared'`, a ranking score
   * with `'bpr'`). An unknown user contributes no user terms.
   *
   * Costs O(rows · (context features + 1) · k).
   *
   * @param rows - `{ userId, itemId, context? }`
   * @returns one score per row
   * @throws `StateError` `E_NOT_FITTED`, `E_UNKNOWN_ITEM`; `ValidationError` `E_FEATURE_UNKNOWN`, `E_FEATURE_TYPE`, `E_FEATURE_NUMBER`, `E_ID_TYPE`, `E_MISSING` (a row without userId)
   */
  predict(rows: readonly PredictRow[]): Float64Array {
    const source = 'FactorizationMachine.predict';
    this.assertFitted(source);
    if (!Array.isArray(rows)) throw new ValidationError('E_INPUT', `${source}: rows must be an array of { userId, itemId, context? }.`, { source, field: 'rows' });
    const s = this.serving!;
    const k = s.k;
    const out = new Float64Array(rows.length);
    const cv = this.weights.get('context.v');
    const cw = this.weights.get('context.w');
    const ffm = this.options.fieldAware;
    rows.forEach((row, r) => {
      if (row === null || typeof row !== 'object') throw new ValidationError('E_NOT_OBJECT', `${source}: row ${r} is not a record.`, { source, row: r });
      const i = this.requireItem(source, row.itemId);
      const u = this.userIndex.get(checkRecordId(source, row.userId, 'userId', r, 'rows'));
      let score = s.bias + s.itemBias[i]!;
      const sum = new Float64Array(k);
      for (let q = 0; q < k; q++) sum[q] = s.items[i * k + q]!;
      if (u !== undefined) {
        score += s.userConst[u]!;
        for (let q = 0; q < k; q++) {
          score += s.users[u * k + q]! * s.items[i * k + q]!;
          sum[q]! += s.users[u * k + q]!;
        }
      }
      if (row.context !== undefined && row.context !== null) {
        if (typeof row.context !== 'object') throw new ValidationError('E_FEATURE_TYPE', `${source}: row ${r}: context must be an object of features.`, { source, field: 'context', row: r });
        const enc = this.context.encode(source, 'context', row.context as Record<string, unknown>, r);
        if (enc.rows.length > 0 && ffm) {
          score += this.fieldAwareContext(u, i, enc);
        } else if (enc.rows.length > 0) {
          const S = hostBag(cv!, k, enc.rows, enc.values);
          let L = 0;
          let Q = 0;
          for (let t = 0; t < enc.rows.length; t++) {
            const x = enc.values[t]!;
            L += x * cw![enc.rows[t]!]!;
            let n2 = 0;
            for (let q = 0; q < k; q++) n2 += cv![enc.rows[t]! * k + q]! ** 2;
            Q += x * x * n2;
          }
          let ss = 0;
          for (let q = 0; q < k; q++) ss += S[q]! * S[q]!;
          score += L + 0.5 * (ss - Q);
          for (let q = 0; q < k; q++) score += S[q]! * sum[q]!;
        }
      }
      out[r] = this.options.loss === 'logistic' ? 1 / (1 + Math.exp(-score)) : score;
    });
    return out;
  }

  /** The field-aware terms of a context: its own, and its pairs with the item's and the (known) user's features. */
  private fieldAwareContext(u: number | undefined, i: number, enc: { rows: number[]; values: number[]; fields: number[] }): number {
    const k = this.options.factors;
    const layout = this.layout();
    const table = (name: string) => this.weights.get(name)!;
    const c = hostFieldSums(layout, layout.context, table('context.v'), table('context.w'), k, { rows: enc.rows, values: enc.values, fields: enc.fields.map((f) => f + 1) });
    let score = ownConstant(layout, layout.context, c, k);
    const item = hostFieldSums(layout, layout.item, table('item.v'), table('item.w'), k, this.itemSide!.input(i));
    score += crossTerm(layout, layout.item, item.A, layout.context, c.A, k);
    if (u !== undefined && u < this.userSide!.entities) {
      const user = hostFieldSums(layout, layout.user, table('user.v'), table('user.w'), k, this.userSide!.input(u));
      score += crossTerm(layout, layout.user, user.A, layout.context, c.A, k);
    }
    return score;
  }

  /** The fields of the fitted (or restored) model. */
  private layout(): FieldLayout {
    return fieldLayout(this.userSide!.features, this.itemSide!.features, this.context);
  }

  /** A user's or item's serving vector and constant from host weights. */
  private hostEntity(side: 'user' | 'item', input: { rows: number[]; values: number[]; fields: number[] }): { vector: Float64Array; constant: number } {
    const k = this.options.factors;
    if (this.options.fieldAware) return hostEntityServing(this.layout(), side, this.weights.get(`${side}.v`)!, this.weights.get(`${side}.w`)!, k, input);
    const { S, L, Q } = this.hostSums(side, input);
    let ss = 0;
    for (let q = 0; q < k; q++) ss += S[q]! * S[q]!;
    return { vector: S, constant: L + 0.5 * (ss - Q) };
  }

  /**
   * The predicted rating of `itemId` by `userId` (for `loss: 'squared'`;
   * other losses give their score): usable with `evaluateRating`.
   *
   * @param userId - the caller's user id
   * @param itemId - an item the model knows
   * @throws `StateError` `E_NOT_FITTED`, `E_UNKNOWN_ITEM`; `ValidationError` `E_ID_TYPE`
   */
  predictRating(userId: Id, itemId: Id): number {
    return this.predict([{ userId, itemId }])[0]!;
  }

  /** @internal */
  protected common(): FactorizationMachineOptions {
    return this.options;
  }

  /** @internal */
  protected modelOptionsJSON(): Record<string, unknown> {
    return {};
  }

  /** @internal */
  protected createTrainer(data: TrainingData, rng: Random, optimizer: OptimizerSettings): Trainer<FmServing> {
    const t = new FmTrainer(this.options, data, rng, optimizer);
    this.pendingContext = t.contextSpace;
    return t;
  }

  private pendingContext: FeatureSpace | null = null;

  /** @internal */
  protected override resetCaches(): void {
    this.scorer = null;
  }

  /** @internal */
  protected override afterAdopt(): void {
    this.resetCaches();
    if (this.pendingContext !== null) {
      this.context = this.pendingContext;
      this.pendingContext = null;
    }
  }

  /** @internal */
  protected servingItems(serving: FmServing): number {
    return serving.itemBias.length;
  }

  /** @internal */
  protected itemVectors(): { vectors: Float32Array; width: number } {
    return { vectors: this.serving!.items, width: this.serving!.k };
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 64;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const s = this.serving!;
    const k = s.k;
    const nI = s.itemBias.length;
    this.scorer ??= factorScorer(s.items, k, this.scoreBlockSize());
    const U = new Float32Array(users.length * k);
    for (let b = 0; b < users.length; b++) U.set(s.users.subarray(users[b]! * k, (users[b]! + 1) * k), b * k);
    this.scorer(U, users.length, out);
    for (let b = 0; b < users.length; b++) {
      const c = s.bias + s.userConst[users[b]!]!;
      const o = b * nI;
      for (let i = 0; i < nI; i++) out[o + i]! += c + s.itemBias[i]!;
    }
  }

  /** Host sums S, L, Q of one entity of a side. */
  private hostSums(side: 'user' | 'item', input: { rows: readonly number[]; values: readonly number[] }): { S: Float64Array; L: number; Q: number } {
    const k = this.options.factors;
    const v = this.weights.get(`${side}.v`)!;
    const w = this.weights.get(`${side}.w`)!;
    const S = hostBag(v, k, input.rows, input.values);
    let L = 0;
    let Q = 0;
    for (let t = 0; t < input.rows.length; t++) {
      const row = input.rows[t]!;
      const x = input.values[t]!;
      L += x * w[row]!;
      let n2 = 0;
      for (let q = 0; q < k; q++) n2 += v[row * k + q]! ** 2;
      Q += x * x * n2;
    }
    return { S, L, Q };
  }

  /** @internal */
  protected extendServing(serving: FmServing, side: 'user' | 'item', entity: number, input: { rows: number[]; values: number[]; fields: number[] }): FmServing {
    const k = serving.k;
    const { vector: S, constant } = this.hostEntity(side, input);
    const grow = (a: Float32Array, width: number, v: ArrayLike<number>) => {
      const next = new Float32Array((entity + 1) * width);
      next.set(a.subarray(0, Math.min(a.length, next.length)));
      next.set(v, entity * width);
      return next;
    };
    return side === 'user'
      ? { ...serving, users: grow(serving.users, k, S), userConst: grow(serving.userConst, 1, [constant]) }
      : { ...serving, items: grow(serving.items, k, S), itemBias: grow(serving.itemBias, 1, [constant]) };
  }

  /** @internal */
  protected servingFromState(source: string, state: Readonly<Record<string, readonly number[]>>): FmServing {
    const k = this.options.fieldAware ? crossWidth(this.layout(), this.options.factors) : this.options.factors;
    return {
      k,
      bias: this.weights.get('bias')![0]!,
      users: stateArray(source, state, 'userVectors', this.userCount * k),
      userConst: stateArray(source, state, 'userConst', this.userCount),
      items: stateArray(source, state, 'itemVectors', this.itemCount * k),
      itemBias: stateArray(source, state, 'itemBias', this.itemCount),
    };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const s = this.serving!;
    return {
      userVectors: Array.from(s.users.subarray(0, this.userCount * s.k)),
      userConst: Array.from(s.userConst.subarray(0, this.userCount)),
      itemVectors: Array.from(s.items.subarray(0, this.itemCount * s.k)),
      itemBias: Array.from(s.itemBias.subarray(0, this.itemCount)),
    };
  }

  /**
   * @internal Fold-in: the user's summed vector (and, for `'squared'`, the
   * user constant) learned by SGD on the model's loss with the item side
   * fixed, starting from the user's features (zeros without).
   */
  protected refreshUser(u: number, items: Int32Array, weights: Float64Array): void {
    const s = this.serving!;
    const k = s.k;
    const o = this.options;
    const side = this.userSide!;
    while (side.entities <= u) side.append([], [], []);
    const own = side.input(u);
    const keep = own.rows.map((r) => r >= side.idRows);
    const features = { rows: own.rows.filter((_, t) => keep[t]), values: own.values.filter((_, t) => keep[t]), fields: own.fields.filter((_, t) => keep[t]) };
    const start = this.hostEntity('user', features);
    const x = Float64Array.from(start.vector);
    let c = start.constant;
    const nI = this.itemCount;
    const rng = new Random((o.seed + 0x9e3779b1 * (u + 1)) % Number.MAX_SAFE_INTEGER);
    const seen = new Set(items);
    const lr = 0.05;
    const reg = 0.01;
    const dot = (i: number) => {
      let d = 0;
      for (let q = 0; q < k; q++) d += x[q]! * s.items[i * k + q]!;
      return d;
    };
    const steps = 30 * Math.max(1, items.length);
    for (let t = 0; t < steps && items.length > 0; t++) {
      const h = Math.floor(rng.next() * items.length);
      const i = items[h]!;
      if (o.loss === 'squared') {
        const err = s.bias + c + s.itemBias[i]! + dot(i) - weights[h]!;
        for (let q = 0; q < k; q++) x[q] = x[q]! - lr * (err * s.items[i * k + q]! + reg * x[q]!);
        c -= lr * err;
        continue;
      }
      let j = -1;
      for (let tries = 0; tries < 32 && j < 0; tries++) {
        const cand = Math.floor(rng.next() * nI);
        if (!seen.has(cand)) j = cand;
      }
      if (j < 0) continue;
      const d = s.itemBias[i]! - s.itemBias[j]! + dot(i) - dot(j);
      const z = 1 / (1 + Math.exp(d));
      for (let q = 0; q < k; q++) x[q] = x[q]! + lr * (z * (s.items[i * k + q]! - s.items[j * k + q]!) - reg * x[q]!);
    }
    const grow = (a: Float32Array, width: number) => {
      if ((u + 1) * width <= a.length) return a;
      const next = new Float32Array((u + 1) * width);
      next.set(a);
      return next;
    };
    const users = grow(s.users, k);
    const userConst = grow(s.userConst, 1);
    users.set(x, u * k);
    userConst[u] = o.loss === 'squared' ? c : 0;
    this.serving = { ...s, users, userConst };
  }
}

/** One fit of a factorization machine. */
class FmTrainer implements Trainer<FmServing> {
  readonly store: ParamStore;
  readonly contextSpace: FeatureSpace;
  private readonly contextSide: Side | null;
  private readonly posUsers: Int32Array;
  private readonly posItems: Int32Array;
  private readonly posTargets: Float64Array;
  /** Context entity of each positive (its input row), or null without context. */
  private readonly posContext: Int32Array | null;
  private readonly order: Int32Array;
  /** The fields, for the field-aware model (null for a plain FM). */
  private readonly layout: FieldLayout | null;

  constructor(
    private readonly o: FactorizationMachineOptions,
    private readonly data: TrainingData,
    rng: Random,
    optimizer: OptimizerSettings,
  ) {
    const source = data.source;
    const contexts = data.interactions.map((r) => (r as ContextInteraction).context);
    const withContext = contexts.some((c) => c !== undefined && c !== null);
    if (withContext) {
      const records = contexts.map((c, r) => {
        if (c !== undefined && c !== null && (typeof c !== 'object' || Array.isArray(c))) {
          throw new ValidationError('E_FEATURE_TYPE', `${source}: row ${r}: context must be an object of features.`, { source, field: 'context', row: r });
        }
        return { itemId: r, ...(c ?? {}) } as Record<string, unknown>;
      });
      this.contextSpace = FeatureSpace.learn(source, 'context', records, 'itemId', o.hashBuckets);
      this.contextSide = Side.build(source, 'context', records.map((_, r) => r), 0, this.contextSpace, records).side;
      // With context every row is an example.
      this.posUsers = data.rowUsers;
      this.posItems = data.rowItems;
      this.posTargets = data.rowWeights;
      this.posContext = Int32Array.from(records.map((_, r) => r));
    } else {
      this.contextSpace = FeatureSpace.empty('itemId');
      this.contextSide = null;
      this.posUsers = data.pairUsers;
      this.posItems = data.pairItems;
      this.posTargets = data.pairWeights;
      this.posContext = null;
    }
    this.order = new Int32Array(this.posUsers.length);
    this.store = new ParamStore(optimizer);
    this.layout = o.fieldAware ? fieldLayout(data.userSide.features, data.itemSide.features, this.contextSpace) : null;
    // A row holds one k-vector per field in the field-aware model.
    const k = o.factors * (this.layout?.total ?? 1);
    try {
      const scale = 0.1 / Math.sqrt(o.factors);
      this.store.addDense('bias', new Float32Array(1), [1]);
      for (const [name, side] of [['user', data.userSide], ['item', data.itemSide]] as const) {
        this.store.addTable(`${name}.v`, uniformInit(rng, side.tableRows * k, scale), side.tableRows, k);
        this.store.addTable(`${name}.w`, new Float32Array(side.tableRows), side.tableRows, 1);
      }
      if (this.contextSpace.rows > 0) {
        this.store.addTable('context.v', uniformInit(rng, this.contextSpace.rows * k, scale), this.contextSpace.rows, k);
        this.store.addTable('context.w', new Float32Array(this.contextSpace.rows), this.contextSpace.rows, 1);
      }
    } catch (e) {
      this.store.dispose();
      throw e;
    }
  }

  async epoch(_epoch: number, rng: Random, checkpoint: () => Promise<void>): Promise<number> {
    const n = this.order.length;
    for (let t = 0; t < n; t++) this.order[t] = t;
    for (let t = n - 1; t > 0; t--) {
      const j = Math.floor(rng.next() * (t + 1));
      const x = this.order[t]!;
      this.order[t] = this.order[j]!;
      this.order[j] = x;
    }
    let total: tf.Tensor = tf.scalar(0);
    let batches = 0;
    try {
      for (let start = 0; start < n; start += this.o.batchSize) {
        const idx = this.order.subarray(start, Math.min(n, start + this.o.batchSize));
        const loss = this.step(idx, rng);
        const next = tf.add(total, loss);
        tf.dispose([total, loss]);
        total = next;
        batches++;
        await checkpoint();
      }
      const sum = (await total.data())[0]!;
      return batches === 0 ? 0 : sum / batches;
    } finally {
      total.dispose();
    }
  }

  /** A uniform item the user has not interacted with (up to 32 tries; else any item). */
  private negative(u: number, rng: Random): number {
    const m = this.data.matrix;
    const nI = this.data.items;
    const a = u < m.indptr.length - 1 ? m.indptr[u]! : 0;
    const b = u < m.indptr.length - 1 ? m.indptr[u + 1]! : 0;
    let c = 0;
    for (let tries = 0; tries < 32; tries++) {
      c = Math.floor(rng.next() * nI);
      let lo = a;
      let hi = b - 1;
      let found = false;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = m.indices[mid]!;
        if (v === c) {
          found = true;
          break;
        }
        if (v < c) lo = mid + 1;
        else hi = mid - 1;
      }
      if (!found) return c;
    }
    return c;
  }

  private step(idx: Int32Array, rng: Random): tf.Scalar {
    const o = this.o;
    const m = idx.length;
    const neg = o.loss === 'squared' ? 0 : o.negatives;
    // Examples: the m positives, then for each negative round m sampled negatives.
    const total = m * (1 + neg);
    const exUsers = new Int32Array(total);
    const exItems = new Int32Array(total);
    const exContext = this.posContext === null ? null : new Int32Array(total);
    const targets = new Float32Array(m);
    for (let t = 0; t < m; t++) {
      const p = idx[t]!;
      exUsers[t] = this.posUsers[p]!;
      exItems[t] = this.posItems[p]!;
      if (exContext !== null) exContext[t] = this.posContext![p]!;
      targets[t] = this.posTargets[p]!;
    }
    for (let r = 1; r <= neg; r++) {
      for (let t = 0; t < m; t++) {
        const e = r * m + t;
        exUsers[e] = exUsers[t]!;
        exItems[e] = this.negative(exUsers[t]!, rng);
        if (exContext !== null) exContext[e] = exContext[t]!;
      }
    }
    const store = this.store;
    store.beginBatch();
    const distinct = (ids: Int32Array) => {
      const seen = new Map<number, number>();
      const values: number[] = [];
      const pos = new Int32Array(ids.length);
      for (let t = 0; t < ids.length; t++) {
        let p = seen.get(ids[t]!);
        if (p === undefined) {
          p = values.length;
          seen.set(ids[t]!, p);
          values.push(ids[t]!);
        }
        pos[t] = p;
      }
      return { values: Int32Array.from(values), pos };
    };
    const U = distinct(exUsers);
    const I = distinct(exItems);
    const C = exContext === null ? null : distinct(exContext);
    const ua = this.data.userSide.assemble(U.values, o.idDropout, rng);
    const ia = this.data.itemSide.assemble(I.values, o.idDropout, rng);
    const ca = C === null ? null : this.contextSide!.assemble(C.values, 0, null);
    const layout = this.layout;
    return tf.tidy(() => {
      const tape = new Tape();
      const rowLeaves: Array<{ name: string; rows: tf.Tensor1D; read: tf.Tensor }> = [];
      /** The batch's table rows of a side as leaves, gathered per entry: G (entries × width), W (entries × 1). */
      const gathered = (name: string, a: BagAssembly): { G: tf.Tensor; W: tf.Tensor } => {
        const rv = store.rowsOf(`${name}.v`, a.rows);
        const rw = store.rowsOf(`${name}.w`, a.rows);
        const rvT = tf.tensor1d(rv.rows, 'int32');
        const rwT = tf.tensor1d(rw.rows, 'int32');
        const vLeaf = tape.watch(store.readRows(`${name}.v`, rvT));
        const wLeaf = tape.watch(store.readRows(`${name}.w`, rwT));
        rowLeaves.push({ name: `${name}.v`, rows: rvT, read: vLeaf }, { name: `${name}.w`, rows: rwT, read: wLeaf });
        return { G: tape.gather(vLeaf, tf.tensor1d(rv.positions, 'int32')), W: tape.gather(wLeaf, tf.tensor1d(rw.positions, 'int32')) };
      };
      const sums = (name: string, a: BagAssembly, entities: number): SideSums => {
        const k = o.factors;
        if (a.rows.length === 0) return { S: tf.zeros([entities, k]), L: tf.zeros([entities, 1]), Q: tf.zeros([entities, 1]) };
        const { G, W } = gathered(name, a);
        const x = tf.tensor2d(a.values, [a.values.length, 1]);
        const x2 = tf.square(x);
        const seg = tf.tensor1d(a.segments, 'int32');
        return {
          S: tape.segmentSum(tape.mul(G, x), seg, entities) as tf.Tensor2D,
          L: tape.segmentSum(tape.mul(W, x), seg, entities) as tf.Tensor2D,
          Q: tape.segmentSum(tape.mul(tape.sum(tape.square(G), 1, true), x2), seg, entities) as tf.Tensor2D,
        };
      };
      const fieldSums = (name: 'user' | 'item' | 'context', a: BagAssembly, entities: number): TapeFieldSums => {
        const block = layout![name];
        if (a.rows.length === 0) return zeroFieldSums(layout!, block, entities, o.factors);
        const { G, W } = gathered(name, a);
        return tapeFieldSums(tape, layout!, block, a, G, W, entities, o.factors);
      };
      const bias = tape.watch(store.get('bias'));
      const pickRows = (x: tf.Tensor, pos: Int32Array) => tape.gather(x, tf.tensor1d(pos, 'int32')) as tf.Tensor2D;
      let perExample: tf.Tensor;
      if (layout === null) {
        const pick = (x: SideSums, pos: Int32Array): SideSums => ({ S: pickRows(x.S, pos), L: pickRows(x.L, pos), Q: pickRows(x.Q, pos) });
        const eu = pick(sums('user', ua, U.values.length), U.pos);
        const ei = pick(sums('item', ia, I.values.length), I.pos);
        const ec = C === null ? null : pick(sums('context', ca!, C.values.length), C.pos);
        let S = tape.add(eu.S, ei.S);
        let L = tape.add(eu.L, ei.L);
        let Q = tape.add(eu.Q, ei.Q);
        if (ec !== null) {
          S = tape.add(S, ec.S);
          L = tape.add(L, ec.L);
          Q = tape.add(Q, ec.Q);
        }
        // ŷ = w₀ + L + ½(‖S‖² − Q), one per example.
        perExample = tape.add(L, tape.scale(tape.sub(tape.reshape(tape.rowDot(S, S), [total, 1]), Q), 0.5));
      } else {
        // Field-aware: the terms within each side once per distinct entity,
        // the pairs between two sides as one inner product per example.
        const k = o.factors;
        const parts: Array<{ block: FieldBlock; sums: TapeFieldSums; pos: Int32Array }> = [
          { block: layout.user, sums: fieldSums('user', ua, U.values.length), pos: U.pos },
          { block: layout.item, sums: fieldSums('item', ia, I.values.length), pos: I.pos },
        ];
        if (C !== null && layout.context.count > 0) parts.push({ block: layout.context, sums: fieldSums('context', ca!, C.values.length), pos: C.pos });
        perExample = tf.zeros([total, 1]);
        for (let p = 0; p < parts.length; p++) {
          const a = parts[p]!;
          perExample = tape.add(perExample, pickRows(tapeOwnTerms(tape, a.block, a.sums, k), a.pos));
          for (let q = p + 1; q < parts.length; q++) {
            const b = parts[q]!;
            const [va, vb] = tapeCrossVectors(tape, a.block, a.sums, b.block, b.sums, k);
            perExample = tape.add(perExample, tape.reshape(tape.rowDot(pickRows(va, a.pos), pickRows(vb, b.pos)), [total, 1]));
          }
        }
      }
      const score = tape.reshape(tape.add(perExample, bias), [total]) as tf.Tensor1D;
      let loss: tf.Scalar;
      if (o.loss === 'squared') {
        loss = tape.scale(tape.squaredError(score, tf.tensor1d(targets), null), 1 / m) as tf.Scalar;
      } else if (o.loss === 'logistic') {
        const labels = new Float32Array(total);
        labels.fill(1, 0, m);
        loss = tape.scale(tape.sigmoidCrossEntropy(score, tf.tensor1d(labels), null), 1 / total) as tf.Scalar;
      } else {
        const pos = tape.gather(score, tf.range(0, m, 1, 'int32') as tf.Tensor1D);
        const diffs: tf.Tensor[] = [];
        for (let r = 1; r <= neg; r++) diffs.push(tape.sub(pos, tape.gather(score, tf.range(r * m, (r + 1) * m, 1, 'int32') as tf.Tensor1D)));
        let sumLoss = tape.pairwiseLogistic(diffs[0] as tf.Tensor1D);
        for (let r = 1; r < diffs.length; r++) sumLoss = tape.add(sumLoss, tape.pairwiseLogistic(diffs[r] as tf.Tensor1D)) as tf.Scalar;
        loss = tape.scale(sumLoss, 1 / (m * neg)) as tf.Scalar;
      }
      const grads = tape.gradients(loss, [bias, ...rowLeaves.map((r) => r.read)]);
      store.apply(new Map([['bias', grads[0]!]]), rowLeaves.map((r, t) => ({ ...r, grad: grads[t + 1]! })));
      return loss;
    });
  }

  /** Every user's and item's S and constant, computed on the backend and downloaded. */
  async serving(): Promise<FmServing> {
    if (this.layout !== null) return this.fieldAwareServing(this.layout);
    const k = this.o.factors;
    const side = async (name: 'user' | 'item', s: Side, n: number) => {
      const vectors = new Float32Array(n * k);
      const constants = new Float32Array(n);
      const chunk = 4096;
      for (let start = 0; start < n; start += chunk) {
        const ids = new Int32Array(Math.min(chunk, n - start));
        for (let t = 0; t < ids.length; t++) ids[t] = start + t;
        const a = s.assemble(ids, 0, null);
        const [S, c] = tf.tidy(() => {
          if (a.rows.length === 0) return [tf.zeros([ids.length, k]), tf.zeros([ids.length])];
          const rows = tf.tensor1d(a.rows, 'int32');
          const seg = tf.tensor1d(a.segments, 'int32');
          const x = tf.tensor2d(a.values, [a.values.length, 1]);
          const G = tf.gather(this.store.table(`${name}.v`), rows);
          const W = tf.gather(this.store.table(`${name}.w`), rows);
          const Sx = tf.scatterND(tf.reshape(seg, [-1, 1]), tf.mul(G, x), [ids.length, k]);
          const Lx = tf.scatterND(tf.reshape(seg, [-1, 1]), tf.mul(W, x), [ids.length, 1]);
          const Qx = tf.scatterND(tf.reshape(seg, [-1, 1]), tf.mul(tf.sum(tf.square(G), 1, true), tf.square(x)), [ids.length, 1]);
          const constant = tf.reshape(tf.add(Lx, tf.mul(tf.sub(tf.sum(tf.square(Sx), 1, true), Qx), 0.5)), [ids.length]);
          return [Sx, constant];
        });
        vectors.set(await S!.data(), start * k);
        constants.set(await c!.data(), start);
        tf.dispose([S!, c!]);
      }
      return { vectors, constants };
    };
    const users = await side('user', this.data.userSide, this.data.users);
    const items = await side('item', this.data.itemSide, this.data.items);
    const bias = (await this.store.get('bias').data())[0]!;
    return { k, bias, users: users.vectors, userConst: users.constants, items: items.vectors, itemBias: items.constants };
  }
  /** The field-aware model's serving state, from the downloaded tables (the host arithmetic `addItems` also uses). */
  private async fieldAwareServing(layout: FieldLayout): Promise<FmServing> {
    const k = this.o.factors;
    const width = crossWidth(layout, k);
    const side = async (name: 'user' | 'item', s: Side, n: number) => {
      const v = (await this.store.table(`${name}.v`).data()) as Float32Array;
      const w = (await this.store.table(`${name}.w`).data()) as Float32Array;
      const vectors = new Float32Array(n * width);
      const constants = new Float32Array(n);
      for (let e = 0; e < n; e++) {
        const one = hostEntityServing(layout, name, v, w, k, s.input(e));
        vectors.set(one.vector, e * width);
        constants[e] = one.constant;
      }
      return { vectors, constants };
    };
    const users = await side('user', this.data.userSide, this.data.users);
    const items = await side('item', this.data.itemSide, this.data.items);
    const bias = (await this.store.get('bias').data())[0]!;
    return { k: width, bias, users: users.vectors, userConst: users.constants, items: items.vectors, itemBias: items.constants };
  }
}
