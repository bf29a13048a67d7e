import { OptionsError, ParseError, StateError, MarksmanError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { ArrowLikeTable, Id, Interaction } from '@marksman/core';
import { checkCallbacks, checkId, describeValue, isId } from './checks';
import { buildCsr, buildInteractionMatrix, readInteractions, transposeCsr } from './interactions';
import type { Csr, InteractionMatrix } from './interactions';
import { selectTopK } from './topK';

/** One recommended item and its model score (higher is better). */
export interface Recommendation {
  /** The item, as the caller spelled it in `fit`. */
  readonly itemId: Id;
  /** The model's score; comparable within one model only. */
  readonly score: number;
}

/** Options of {@link Recommender.recommend} and {@link Recommender.recommendMany}. */
export interface RecommendOptions {
  /** How many items to return (an integer ≥ 1; a k above the number of items returns every eligible item). Default 10. */
  readonly k: number;
  /** Leave out items the user already interacted with. Default true. */
  readonly excludeSeen: boolean;
  /** Only consider these items (ids unknown to the model are ignored; a value that is no id is an error). Default: all items. */
  readonly include: readonly Id[] | undefined;
  /** Never return these items (ids unknown to the model are ignored; a value that is no id is an error). */
  readonly exclude: readonly Id[] | undefined;
  /** Keep an item only when this returns true; asked only about items that would make the top k (an error it throws reaches the caller unchanged). */
  readonly filter: ((itemId: Id) => boolean) | undefined;
}

/** What `onProgress` receives during `fit`. */
export interface FitProgress {
  /** Steps done so far (1-based). */
  readonly step: number;
  /** Total steps of this fit. */
  readonly steps: number;
  /** What the step was, e.g. `iteration` or `similarity`. */
  readonly phase: string;
  /** Training loss after the step, when the model computes one; otherwise null. */
  readonly loss: number | null;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Seed for the random initialisation; defaults to the model's `seed` option. */
  readonly seed: number | undefined;
  /** Called after each step with its progress. */
  readonly onProgress: ((progress: FitProgress) => void) | undefined;
  /** Stops the fit between steps (and before the first); the fit then rejects with `E_ABORTED`. */
  readonly signal: AbortSignal | undefined;
}

/** One history item's share of a score, from {@link Recommender.explain}. */
export interface Contribution {
  /** An item from the user's history. */
  readonly itemId: Id;
  /** Its share of the score: an exact term of the score for ALS, ItemKNN and the SVD++ part of ExplicitMF; a similarity-based attribution for BPR and ExplicitMF without SVD++ (see each model). */
  readonly contribution: number;
}

/** Why a user got a score for an item: {@link Recommender.explain}. */
export interface Explanation {
  /** The user. */
  readonly userId: Id;
  /** The item explained. */
  readonly itemId: Id;
  /** The score `recommend` gives this item for this user. */
  readonly score: number;
  /** True when the user is unknown and the score is the popularity fallback. */
  readonly coldStart: boolean;
  /** The history items that contributed most, largest first (empty for cold start and for Popularity). */
  readonly contributions: readonly Contribution[];
}

/** Options of {@link Recommender.explain}. */
export interface ExplainOptions {
  /** How many contributions to return at most. Default 10. */
  readonly k: number;
}

/** What {@link Recommender.foldIn} did. */
export interface FoldInReport {
  /** Users whose history was extended and whose representation was recomputed, in first-seen order. */
  readonly users: readonly Id[];
  /** Those of `users` the model did not know before. */
  readonly newUsers: readonly Id[];
  /** 0-based rows whose item the model does not know (not used: items are learned only by `fit`). */
  readonly unknownItemRows: readonly number[];
}

/** The serialised form of a recommender (`toJSON`), readable by the model's `fromJSON`. */
export interface RecommenderJSON {
  /** Model class, e.g. `ALS`. */
  readonly type: string;
  /** Format version. */
  readonly version: 1;
  /** The model's options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** User ids by internal index. */
  readonly userIds: readonly Id[];
  /** Item ids by internal index. */
  readonly itemIds: readonly Id[];
  /** User histories (all users, including folded-in ones) as compressed rows. */
  readonly history: {
    /** Row starts, length users + 1. */
    readonly indptr: readonly number[];
    /** Item indexes. */
    readonly indices: readonly number[];
    /** Summed weights. */
    readonly weights: readonly number[];
  };
  /** Model-specific arrays. */
  readonly state: Readonly<Record<string, readonly number[]>>;
}

/** Validated {@link FitOptions} with the seed resolved. */
export interface ResolvedFit {
  /** Seed for this fit. */
  readonly seed: number;
  /** Progress callback. */
  readonly onProgress: ((progress: FitProgress) => void) | undefined;
  /** Abort signal. */
  readonly signal: AbortSignal | undefined;
}

const RECOMMEND_DEFAULTS: RecommendOptions = Object.freeze({ k: 10, excludeSeen: true, include: undefined, exclude: undefined, filter: undefined });
const FIT_DEFAULTS: FitOptions = Object.freeze({ seed: undefined, onProgress: undefined, signal: undefined });
const EXPLAIN_DEFAULTS: ExplainOptions = Object.freeze({ k: 10 });

/** Checks `k` (an integer ≥ 1; callers clamp it to what there is to select). */
export function checkK(source: string, k: unknown, field = 'k'): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new OptionsError('E_K', `${source}: ${field} must be an integer ≥ 1, got ${String(k)}.`, { source, field });
  }
  return k;
}

/** Lets timers and abort events run between fit steps (cheap in Node). */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * The interface every Marksman recommender shares (Popularity, ItemKNN,
 * ALS): `fit` on `{ userId, itemId, weight? }` records, then `recommend`,
 * `recommendMany`, `similarItems`, `explain`, `foldIn`, `toJSON`. Ids in and
 * out are the caller's ids. Users the model does not know get the
 * popularity ranking (cold start); `isKnownUser` tells them apart.
 *
 * Interactions with the same user and item are summed into one weight.
 * An id (in records and as an argument) is a non-empty string or a finite
 * number; anything else (`null`, `NaN`, an object…) is refused with
 * `E_ID_TYPE`, never treated as an unknown user.
 *
 * @example
 * ```ts
 * import { Popularity } from '@marksman/recsys';
 * const model = await new Popularity().fit([{ userId: 'u1', itemId: 'a' }, { userId: 'u2', itemId: 'a' }, { userId: 'u2', itemId: 'b' }]);
 * model.recommend('u1', { k: 1 }); // => [{ itemId: 'b', score: 1 }]
 * ```
 */
export abstract class Recommender {
  /** @internal */ protected userIds: Id[] = [];
  /** @internal */ protected userIndex = new Map<Id, number>();
  /** @internal */ protected itemIds: Id[] = [];
  /** @internal */ protected itemIndex = new Map<Id, number>();
  /** @internal */ protected hist: Csr = { indptr: new Int32Array(1), indices: new Int32Array(0), weights: new Float64Array(0) };
  /** @internal */ protected folded = new Map<number, { items: Int32Array; weights: Float64Array }>();
  /** @internal */ protected popularity = new Float64Array(0);
  /** @internal */ protected fitted = false;
  /** @internal */ protected abstract readonly modelName: string;

  /**
   * Learns from interactions. Replaces anything learned before.
   *
   * @param interactions - `{ userId, itemId, weight?, timestamp? }` records, or an Apache Arrow table with those columns (weight default 1, must be > 0;
   *   timestamp optional, but when given it must be a valid timestamp)
   * @param options - seed, onProgress, signal
   * @returns this model, fitted
   * @throws `ValidationError` `E_NO_INTERACTIONS`, `E_INPUT`, `E_NOT_OBJECT`, `E_MISSING`, `E_ID_TYPE`,
   *   `E_NUMBER`, `E_NEGATIVE_WEIGHT`, `E_ZERO_WEIGHT`, `E_TIMESTAMP` (with the row); `OptionsError` `E_SEED`,
   *   `E_OPTION_TYPE` (onProgress not a function, signal not an AbortSignal); `AbortError` `E_ABORTED`
   *   (also when the signal is already aborted); `ConvergenceError` from ALS, BPR and ExplicitMF
   */
  async fit(interactions: readonly Interaction[] | ArrowLikeTable, options?: Partial<FitOptions>): Promise<this> {
    const source = `${this.modelName}.fit`;
    const o = resolveOptions(source, FIT_DEFAULTS, options);
    const seed = o.seed ?? this.defaultSeed();
    if (!Number.isSafeInteger(seed)) {
      throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${describeValue(seed)}.`, { source, field: 'seed' });
    }
    checkCallbacks(source, o.onProgress, o.signal);
    throwIfAborted(o.signal, source);
    const m = buildInteractionMatrix(source, interactions);
    const nItems = m.itemIds.length;
    const itemUsers = transposeCsr(m, m.userIds.length, nItems);
    const pop = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) pop[i] = itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
    await this.train(m, itemUsers, { seed, onProgress: o.onProgress, signal: o.signal });
    this.userIds = m.userIds;
    this.userIndex = m.userIndex;
    this.itemIds = m.itemIds;
    this.itemIndex = m.itemIndex;
    this.hist = { indptr: m.indptr, indices: m.indices, weights: m.weights };
    this.folded = new Map();
    this.popularity = pop;
    this.fitted = true;
    return this;
  }

  /** Number of users the model knows (fitted and folded in). */
  get userCount(): number {
    return this.userIds.length;
  }

  /** Number of items the model knows. */
  get itemCount(): number {
    return this.itemIds.length;
  }

  /**
   * True when the model has a history for `userId` (from `fit` or `foldIn`);
   * other users get the popularity fallback.
   *
   * @param userId - the caller's user id
   * @throws `ValidationError` `E_ID_TYPE` when `userId` is not a non-empty string or a finite number
   */
  isKnownUser(userId: Id): boolean {
    return this.userIndex.has(checkId(`${this.modelName}.isKnownUser`, userId, 'userId'));
  }

  /**
   * The k best items for one user, best first, by partial selection
   * (O(items · log k) after scoring, a bounded heap; never a full sort).
   * Equal scores go to the item that appeared first in the training
   * interactions, so the list is the first k of a full stable sort; fewer
   * than k items come back when fewer are eligible (so a k above the number
   * of items returns every eligible item). Unknown users get the
   * most popular items (cold start). A user who has seen every allowed item
   * gets `[]`.
   *
   * @param userId - the caller's user id
   * @param options - k, excludeSeen, include, exclude, filter
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_ID_TYPE` (userId, or an entry of include or
   *   exclude, that is not a non-empty string or finite number); `OptionsError` `E_K`, `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
   */
  recommend(userId: Id, options?: Partial<RecommendOptions>): Recommendation[] {
    return this.recommendFor([userId], options, 'recommend')[0]!;
  }

  /**
   * {@link Recommender.recommend} for many users at once (batched scoring
   * where the model supports it). The result has one list per user, in order.
   *
   * @param userIds - the caller's user ids
   * @param options - as for `recommend`
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` `E_ID_TYPE` (with the position in `userIds`);
   *   `OptionsError` `E_K`, `E_OPTION_UNKNOWN`, `E_OPTION_TYPE`
   */
  recommendMany(userIds: readonly Id[], options?: Partial<RecommendOptions>): Recommendation[][] {
    return this.recommendFor(userIds, options, 'recommendMany');
  }

  private recommendFor(userIds: readonly Id[], options: Partial<RecommendOptions> | undefined, sourceName: string): Recommendation[][] {
    const source = `${this.modelName}.${sourceName}`;
    if (!Array.isArray(userIds)) {
      throw new OptionsError('E_OPTION_TYPE', `${source}: userIds must be an array.`, { source, field: 'userIds' });
    }
    this.assertFitted(source);
    if (sourceName === 'recommend') checkId(source, userIds[0], 'userId');
    else userIds.forEach((id, t) => checkId(source, id, 'userIds', t));
    const o = resolveOptions(source, RECOMMEND_DEFAULTS, options);
    const k = Math.min(checkK(source, o.k), this.itemIds.length);
    for (const f of ['include', 'exclude'] as const) {
      if (o[f] !== undefined && !Array.isArray(o[f])) {
        throw new OptionsError('E_OPTION_TYPE', `${source}: ${f} must be an array of item ids.`, { source, field: f });
      }
      o[f]?.forEach((id, t) => checkId(source, id, f, t));
    }
    if (o.excludeSeen !== true && o.excludeSeen !== false) {
      throw new OptionsError('E_OPTION_TYPE', `${source}: excludeSeen must be true or false, got ${describeValue(o.excludeSeen)}.`, { source, field: 'excludeSeen' });
    }
    if (o.filter !== undefined && typeof o.filter !== 'function') {
      throw new OptionsError('E_OPTION_TYPE', `${source}: filter must be a function (itemId) => boolean.`, { source, field: 'filter' });
    }
    const nItems = this.itemIds.length;
    const skip = new Uint8Array(nItems);
    if (o.exclude) for (const id of o.exclude) {
      const i = this.itemIndex.get(id);
      if (i !== undefined) skip[i] = 1;
    }
    let candidates: Int32Array | null = null;
    if (o.include) {
      const seen = new Uint8Array(nItems);
      const list: number[] = [];
      for (const id of o.include) {
        const i = this.itemIndex.get(id);
        if (i !== undefined && seen[i] === 0) {
          seen[i] = 1;
          list.push(i);
        }
      }
      candidates = Int32Array.from(list);
    }
    const filter = o.filter;
    const accept = filter === undefined ? null : (i: number) => filter(this.itemIds[i]!) === true;
    const toList = (idx: Int32Array, sc: Float64Array): Recommendation[] => {
      const out: Recommendation[] = new Array<Recommendation>(idx.length);
      for (let j = 0; j < idx.length; j++) out[j] = { itemId: this.itemIds[idx[j]!]!, score: sc[j]! };
      return out;
    };

    const result: Recommendation[][] = new Array<Recommendation[]>(userIds.length);
    let coldList: Recommendation[] | null = null;
    const known: number[] = [];
    const knownAt: number[] = [];
    for (let t = 0; t < userIds.length; t++) {
      const u = this.userIndex.get(userIds[t]!);
      if (u === undefined) {
        if (coldList === null) {
          const top = selectTopK(this.coldStartScores(), k, skip, accept, candidates);
          coldList = toList(top.index, top.score);
        }
        result[t] = coldList.slice();
      } else {
        known.push(u);
        knownAt.push(t);
      }
    }
    const block = this.scoreBlockSize();
    const scores = new Float64Array(block * nItems);
    for (let start = 0; start < known.length; start += block) {
      const us = Int32Array.from(known.slice(start, start + block));
      this.scoreUsers(us, scores);
      for (let b = 0; b < us.length; b++) {
        const u = us[b]!;
        const h = this.history(u);
        if (o.excludeSeen) for (let t = 0; t < h.items.length; t++) skip[h.items[t]!]! |= 2;
        const row = scores.subarray(b * nItems, (b + 1) * nItems);
        const top = selectTopK(row, k, skip, accept, candidates);
        if (o.excludeSeen) for (let t = 0; t < h.items.length; t++) skip[h.items[t]!]! &= 1;
        result[knownAt[start + b]!] = toList(top.index, top.score);
      }
    }
    return result;
  }

  /**
   * The k items most similar to `itemId` (itself excluded), best first.
   *
   * @param itemId - an item the model knows
   * @param k - how many (integer ≥ 1; above the number of other items, all of them); default 10
   * @throws `StateError` `E_NOT_FITTED`, `E_UNKNOWN_ITEM`; `ValidationError` `E_ID_TYPE`; `OptionsError` `E_K`
   */
  similarItems(itemId: Id, k = 10): Recommendation[] {
    const source = `${this.modelName}.similarItems`;
    this.assertFitted(source);
    const kk = Math.min(checkK(source, k), this.itemIds.length);
    const i = this.requireItem(source, itemId);
    const { scores, candidates } = this.similarityScores(i);
    const skip = new Uint8Array(this.itemIds.length);
    skip[i] = 1;
    const top = selectTopK(scores, kk, skip, null, candidates);
    return Array.from(top.index, (j, t) => ({ itemId: this.itemIds[j]!, score: top.score[t]! }));
  }

  /**
   * Why `userId` gets its score for `itemId`: the score and the history items
   * that contributed most (largest contribution first).
   *
   * @param userId - the caller's user id (unknown users: cold-start popularity score, no contributions)
   * @param itemId - an item the model knows
   * @param options - `k`: how many contributions at most (default 10)
   * @throws `StateError` `E_NOT_FITTED`, `E_UNKNOWN_ITEM`; `ValidationError` `E_ID_TYPE`; `OptionsError` `E_K`
   */
  explain(userId: Id, itemId: Id, options?: Partial<ExplainOptions>): Explanation {
    const source = `${this.modelName}.explain`;
    this.assertFitted(source);
    checkId(source, userId, 'userId');
    const o = resolveOptions(source, EXPLAIN_DEFAULTS, options);
    const k = checkK(source, o.k);
    const i = this.requireItem(source, itemId);
    const u = this.userIndex.get(userId);
    if (u === undefined) {
      return { userId, itemId, score: this.coldStartScores()[i]!, coldStart: true, contributions: [] };
    }
    const scores = new Float64Array(this.itemIds.length);
    this.scoreUsers(Int32Array.of(u), scores);
    const h = this.history(u);
    const contrib = this.contributions(u, h.items, h.weights, i);
    const contributions: Contribution[] = [];
    if (contrib !== null) {
      const top = selectTopK(contrib, Math.min(k, h.items.length), null, null, null);
      for (let t = 0; t < top.index.length; t++) contributions.push({ itemId: this.itemIds[h.items[top.index[t]!]!]!, contribution: top.score[t]! });
    }
    return { userId, itemId, score: scores[i]!, coldStart: false, contributions };
  }

  /**
   * Adds interactions of new or known users without refitting the items:
   * each user's history is extended (weights of repeated items summed) and
   * the user's representation is recomputed (ALS solves the user's factors
   * exactly). Rows with items the model does not know are reported, not used.
   *
   * Costs O(rows) plus the model's per-user update.
   *
   * @param interactions - `{ userId, itemId, weight? }` records or an Arrow table with those columns
   * @throws `StateError` `E_NOT_FITTED`; `ValidationError` as for `fit` (an empty list is allowed)
   */
  foldIn(interactions: readonly Interaction[] | ArrowLikeTable): FoldInReport {
    const source = `${this.modelName}.foldIn`;
    this.assertFitted(source);
    const cols = readInteractions(source, interactions, true);
    const unknownItemRows: number[] = [];
    const byUser = new Map<Id, { items: number[]; weights: number[] }>();
    for (let r = 0; r < cols.userIds.length; r++) {
      const i = this.itemIndex.get(cols.itemIds[r]!);
      if (i === undefined) {
        unknownItemRows.push(r);
        continue;
      }
      let e = byUser.get(cols.userIds[r]!);
      if (e === undefined) {
        e = { items: [], weights: [] };
        byUser.set(cols.userIds[r]!, e);
      }
      e.items.push(i);
      e.weights.push(cols.weights[r]!);
    }
    const users: Id[] = [];
    const newUsers: Id[] = [];
    for (const [id, e] of byUser) {
      let u = this.userIndex.get(id);
      const old = u === undefined ? null : this.history(u);
      if (u === undefined) {
        u = this.userIds.length;
        this.userIds.push(id);
        this.userIndex.set(id, u);
        newUsers.push(id);
      }
      const nOld = old === null ? 0 : old.items.length;
      const rows = new Int32Array(nOld + e.items.length);
      const cs = new Int32Array(nOld + e.items.length);
      const ws = new Float64Array(nOld + e.items.length);
      if (old !== null) {
        cs.set(old.items);
        ws.set(old.weights);
      }
      cs.set(e.items, nOld);
      ws.set(e.weights, nOld);
      const merged = buildCsr(rows, cs, ws, 1, this.itemIds.length);
      this.folded.set(u, { items: merged.indices, weights: merged.weights });
      this.refreshUser(u, merged.indices, merged.weights);
      users.push(id);
    }
    return { users, newUsers, unknownItemRows };
  }

  /**
   * A plain, JSON-serialisable snapshot; the model's `fromJSON` restores a
   * model that gives identical recommendations.
   *
   * @throws `StateError` `E_NOT_FITTED`
   */
  toJSON(): RecommenderJSON {
    this.assertFitted(`${this.modelName}.toJSON`);
    const nUsers = this.userIds.length;
    const indptr: number[] = [0];
    const indices: number[] = [];
    const weights: number[] = [];
    for (let u = 0; u < nUsers; u++) {
      const h = this.history(u);
      for (let t = 0; t < h.items.length; t++) {
        indices.push(h.items[t]!);
        weights.push(h.weights[t]!);
      }
      indptr.push(indices.length);
    }
    return {
      type: this.modelName,
      version: 1,
      options: this.optionsJSON(),
      userIds: this.userIds.slice(),
      itemIds: this.itemIds.slice(),
      history: { indptr, indices, weights },
      state: { popularity: Array.from(this.popularity), ...this.stateJSON() },
    };
  }

  // ---- for subclasses -------------------------------------------------

  /** @internal The seed used when `fit` is given none. */
  protected defaultSeed(): number {
    return 0;
  }

  /** @internal Learn from the matrix; called by `fit` before the state is replaced. */
  protected abstract train(m: InteractionMatrix, itemUsers: Csr, fit: ResolvedFit): Promise<void>;

  /** @internal Scores of every item for each user of `users`, row-major into `out` (users.length × items). */
  protected abstract scoreUsers(users: Int32Array, out: Float64Array): void;

  /** @internal Per-history-item contributions to the score of item `i`, or null. */
  protected abstract contributions(u: number, items: Int32Array, weights: Float64Array, i: number): Float64Array | null;

  /** @internal Recompute user u's representation after fold-in. */
  protected abstract refreshUser(u: number, items: Int32Array, weights: Float64Array): void;

  /** @internal Similarity of every item (or of `candidates`) to item i. */
  protected abstract similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null };

  /** @internal Model options for `toJSON`. */
  protected abstract optionsJSON(): Record<string, unknown>;

  /** @internal Model arrays for `toJSON`. */
  protected abstract stateJSON(): Record<string, number[]>;

  /** @internal Scores for users the model does not know (popularity by distinct users). */
  protected coldStartScores(): Float64Array {
    return this.popularity;
  }

  /** @internal How many users `scoreUsers` gets at once. */
  protected scoreBlockSize(): number {
    return 1;
  }

  /** @internal The history of user u. */
  protected history(u: number): { items: Int32Array; weights: Float64Array } {
    const f = this.folded.get(u);
    if (f !== undefined) return f;
    if (u + 1 >= this.hist.indptr.length) return { items: new Int32Array(0), weights: new Float64Array(0) };
    const a = this.hist.indptr[u]!;
    const b = this.hist.indptr[u + 1]!;
    return { items: this.hist.indices.subarray(a, b), weights: this.hist.weights.subarray(a, b) };
  }

  /** @internal */
  protected assertFitted(source: string): void {
    if (!this.fitted) throw new StateError('E_NOT_FITTED', `${source}: the model is not fitted; call fit() or fromJSON() first.`, { source });
  }

  /** @internal */
  protected requireItem(source: string, itemId: Id): number {
    const i = this.itemIndex.get(checkId(source, itemId, 'itemId'));
    if (i === undefined) {
      throw new StateError('E_UNKNOWN_ITEM', `${source}: item ${describeValue(itemId)} was not in the training interactions; items are learned only by fit().`, { source, field: 'itemId' });
    }
    return i;
  }

  /** @internal Whether the saved history must hold weights > 0 (summed implicit signals); ExplicitMF keeps ratings. */
  protected positiveHistory(): boolean {
    return true;
  }

  /**
   * @internal Restores the shared state from `toJSON` output; returns the
   * model-specific arrays. Checks everything it reads (ids, the history's
   * compressed rows, weights, popularity), so a damaged snapshot is refused
   * with `E_MODEL_JSON` naming the field instead of giving wrong answers.
   */
  protected restore(json: RecommenderJSON, source: string): Readonly<Record<string, readonly number[]>> {
    const bad = (field: string, what: string): never => {
      throw new ParseError('E_MODEL_JSON', `${source}: not a usable ${this.modelName} snapshot: ${field} ${what}.`, { source, field });
    };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) bad('json', 'is not an object');
    if (json.type !== this.modelName) bad('type', `is ${describeValue(json.type)}`);
    if (json.version !== 1) bad('version', `is ${describeValue(json.version)}, not 1`);
    for (const f of ['userIds', 'itemIds'] as const) {
      const ids: unknown = json[f];
      if (!Array.isArray(ids) || ids.length === 0) bad(f, 'is missing or empty');
      (ids as unknown[]).forEach((id, t) => {
        if (!isId(id)) bad(`${f}[${t}]`, `is ${describeValue(id)}, not a non-empty string or finite number`);
      });
    }
    const nUsers = json.userIds.length;
    const nItems = json.itemIds.length;
    const history: unknown = json.history;
    if (history === null || typeof history !== 'object') bad('history', 'is missing');
    const { indptr, indices, weights } = history as Partial<RecommenderJSON['history']>;
    if (!Array.isArray(indptr) || indptr.length !== nUsers + 1) bad('history.indptr', `must hold userIds.length + 1 = ${nUsers + 1} numbers`);
    if (!Array.isArray(indices)) bad('history.indices', 'is missing');
    if (!Array.isArray(weights) || weights.length !== indices!.length) bad('history.weights', 'must hold one number per history index');
    checkCsr(source, 'history.indptr', 'history.indices', indptr!, indices!, nItems, true);
    const positive = this.positiveHistory();
    weights!.forEach((w, t) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || (positive && w <= 0)) bad(`history.weights[${t}]`, `is ${describeValue(w)}, not a finite number${positive ? ' > 0' : ''}`);
    });
    const state: unknown = json.state;
    if (state === null || typeof state !== 'object' || Array.isArray(state)) bad('state', 'is missing');
    const popularity = expectArray(source, state as Record<string, readonly number[]>, 'popularity', nItems, 0);
    const userIds = json.userIds.slice();
    const itemIds = json.itemIds.slice();
    const userIndex = new Map(userIds.map((id, k) => [id, k]));
    const itemIndex = new Map(itemIds.map((id, k) => [id, k]));
    if (userIndex.size !== nUsers) bad('userIds', 'lists a user twice');
    if (itemIndex.size !== nItems) bad('itemIds', 'lists an item twice');
    this.userIds = userIds;
    this.itemIds = itemIds;
    this.userIndex = userIndex;
    this.itemIndex = itemIndex;
    this.hist = { indptr: Int32Array.from(indptr!), indices: Int32Array.from(indices!), weights: Float64Array.from(weights!) };
    this.folded = new Map();
    this.popularity = Float64Array.from(popularity);
    this.fitted = true;
    return state as Readonly<Record<string, readonly number[]>>;
  }
}

/**
 * Used by `fromJSON` implementations: the array `state[name]` with the
 * expected length, every entry a finite number (≥ `min` when given).
 */
export function expectArray(source: string, state: Readonly<Record<string, readonly number[]>>, name: string, length: number, min?: number): readonly number[] {
  const a: unknown = state[name];
  if (!Array.isArray(a) || a.length !== length) {
    throw new ParseError('E_MODEL_JSON', `${source}: state.${name} is missing or has the wrong length (expected ${length}).`, { source, field: `state.${name}` });
  }
  for (let t = 0; t < a.length; t++) {
    const v: unknown = a[t];
    // Models keep their state in float32 arrays: beyond ±3.4e38 a value would become ±Infinity.
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v)) || (min !== undefined && v < min)) {
      throw new ParseError('E_MODEL_JSON', `${source}: state.${name}[${t}] is ${describeValue(v)}, not a finite float32 number${min === undefined ? '' : ` ≥ ${min}`}.`, { source, field: `state.${name}` });
    }
  }
  return a as readonly number[];
}

/**
 * @internal Checks compressed rows read from a snapshot: `indptr` starts at
 * 0, never decreases and ends at `indices.length`; every index is an
 * integer in [0, nCols) and, when `ascending`, strictly increasing within a
 * row (the order binary searches rely on). Throws `E_MODEL_JSON`.
 */
export function checkCsr(source: string, indptrField: string, indicesField: string, indptr: readonly unknown[], indices: readonly unknown[], nCols: number, ascending: boolean): void {
  const bad = (f: string, what: string): never => {
    throw new ParseError('E_MODEL_JSON', `${source}: ${f} ${what}.`, { source, field: f });
  };
  if (indptr[0] !== 0) bad(`${indptrField}[0]`, 'must be 0');
  for (let r = 1; r < indptr.length; r++) {
    const p = indptr[r];
    if (typeof p !== 'number' || !Number.isInteger(p) || p < (indptr[r - 1] as number) || p > indices.length) bad(`${indptrField}[${r}]`, `is ${describeValue(p)}; row starts must be integers that never decrease`);
  }
  if (indptr[indptr.length - 1] !== indices.length) bad(indptrField, `must end at the number of indices (${indices.length})`);
  for (let r = 0; r + 1 < indptr.length; r++) {
    for (let t = indptr[r] as number; t < (indptr[r + 1] as number); t++) {
      const c = indices[t];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= nCols) bad(`${indicesField}[${t}]`, `is ${describeValue(c)}, not an index in [0, ${nCols})`);
      if (ascending && t > (indptr[r] as number) && (c as number) <= (indices[t - 1] as number)) bad(`${indicesField}[${t}]`, 'is out of order; indices must increase within a row');
    }
  }
}

/**
 * @internal The first step of every `fromJSON`: checks that `json` is an
 * object with an `options` object and builds the model from those options
 * through the constructor's own checks; a refused option becomes
 * `E_MODEL_JSON` naming `options.<field>`.
 */
export function modelFromJSON<M>(source: string, json: unknown, make: (options: Record<string, unknown>) => M): M {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ParseError('E_MODEL_JSON', `${source}: the snapshot is ${describeValue(json)}, not the object toJSON() returns.`, { source, field: 'json' });
  }
  const options: unknown = (json as { options?: unknown }).options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ParseError('E_MODEL_JSON', `${source}: options is ${describeValue(options)}, not an object.`, { source, field: 'options' });
  }
  try {
    return make(options as Record<string, unknown>);
  } catch (e) {
    if (!(e instanceof MarksmanError)) throw e;
    const field = e.field === undefined ? 'options' : `options.${e.field}`;
    throw new ParseError('E_MODEL_JSON', `${source}: ${field} is not valid (${e.message})`, { source, field });
  }
}

/**
 * @internal A copy of the row of `id` in a row-major matrix of `width` columns
 * (a user's or item's factor vector), or null when the id is unknown.
 */
export function factorRow(index: ReadonlyMap<Id, number>, flat: Float32Array, id: Id, width: number): Float32Array | null {
  const row = index.get(id);
  return row === undefined ? null : flat.slice(row * width, (row + 1) * width);
}
