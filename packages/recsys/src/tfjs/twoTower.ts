import * as tf from '@tensorflow/tfjs-core';
import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id , Random} from '@marksman/core';
import { checkId } from '../checks';
import { factorScorer } from '../factorScorer';
import type { FactorScorer } from '../factorScorer';
import { checkCommonOptions, checkInt, checkNumber, LearnedRecommender, stateArray, uniformInit } from './learned';
import type { LearnedCommonOptions, LearnedRecommenderJSON, Trainer, TrainingData } from './learned';
import { loadArtifacts } from './artifacts';
import { ParamStore } from './params';
import type { OptimizerSettings } from './params';
import { Tape } from './tape';
import { addTower, denseLayers, embeddingBag, hostBag, hostDense, hostNormalize, towerShapes } from './tower';
import type { Side } from './sides';

/** Options of {@link TwoTower}. */
export interface TwoTowerOptions extends LearnedCommonOptions {
  /** Width of the id and feature embeddings that enter each tower (integer 1 … 4096). Default 64. */
  readonly embeddingDim: number;
  /** Sizes of each tower's dense layers; the last is the output width. `[]`: the embedding bag is the output. Default `[64]`. */
  readonly layers: readonly number[];
  /** Softmax temperature τ (> 0): logits are u·v / τ. Default 0.05 (with `normalize`, u·v is a cosine). */
  readonly temperature: number;
  /** Scale both towers' outputs to unit length (cosine similarity). Default true. */
  readonly normalize: boolean;
  /** Subtract log q(item) from each logit, q the item's share of training pairs (the sampling-bias correction of Yi et al. 2019). Default true. */
  readonly logQCorrection: boolean;
  /** Mask in-batch negatives that are the row's own item (accidental hits). Default true. */
  readonly removeAccidentalHits: boolean;
  /** Steps of the fold-in for users added by `foldIn` (integer 0 … 10,000). Default 50. */
  readonly foldInSteps: number;
}

const DEFAULTS: TwoTowerOptions = Object.freeze({
  epochs: 30,
  batchSize: 512,
  learningRate: 0.005,
  optimizer: 'adam' as const,
  l2: 0,
  seed: 0,
  hashBuckets: 'auto' as const,
  idDropout: 0,
  patience: 3,
  validationK: 10,
  embeddingDim: 64,
  layers: Object.freeze([64]) as readonly number[],
  temperature: 0.05,
  normalize: true,
  logQCorrection: true,
  removeAccidentalHits: true,
  foldInSteps: 50,
});

function checkOptions(o: TwoTowerOptions): void {
  const source = 'TwoTower';
  checkCommonOptions(source, o);
  checkInt(source, 'embeddingDim', o.embeddingDim, 1, 4096);
  if (!Array.isArray(o.layers) || o.layers.length > 8) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: layers must be an array of at most 8 layer sizes.`, { source, field: 'layers' });
  }
  o.layers.forEach((n) => checkInt(source, 'layers', n, 1, 4096));
  checkNumber(source, 'temperature', o.temperature, 1e-4, 1e4);
  for (const f of ['normalize', 'logQCorrection', 'removeAccidentalHits'] as const) {
    if (typeof o[f] !== 'boolean') throw new OptionsError('E_OPTION_TYPE', `${source}: ${f} must be true or false.`, { source, field: f });
  }
  checkInt(source, 'foldInSteps', o.foldInSteps, 0, 10_000);
}

/** What TwoTower serves from: one vector per user and per item. */
interface TowerServing {
  readonly width: number;
  readonly users: Float32Array;
  readonly items: Float32Array;
}

/**
 * A two-tower retrieval model (the architecture of YouTube's and TensorFlow
 * Recommenders' retrieval models): a user tower and an item tower each turn
 * an embedding bag of the entity's id and features into a vector through
 * dense layers; the score is their dot product (a cosine with `normalize`)
 * divided by a temperature. Training maximises the in-batch sampled softmax
 * of each (user, item) pair against the other items of the batch, with the
 * log-q correction for the popularity of in-batch negatives and accidental
 * hits masked (Yi et al. 2019, "Sampling-bias-corrected neural modeling for
 * large corpus item recommendations"). Trains on the active TensorFlow.js
 * backend (`useBackend`); serves by batched maximum inner product over all
 * items from host arrays.
 *
 * Features (`userFeatures`, `itemFeatures` in `fit`) enter the bags: a new
 * item or user with features gets a vector without refitting (`addItems`,
 * `addUsers`, or feature-only entities in `fit`), and `idDropout` teaches
 * the towers to do without ids. Interactions' weights only decide which
 * pairs are observed. `foldIn` starts a user's vector from the user tower
 * (features only) and takes `foldInSteps` Adam steps on the full softmax of
 * the user's history over all items, the items fixed.
 *
 * An epoch costs O(pairs · (batchSize + towers)) on the backend.
 *
 * @example
 * ```ts
 * import { TwoTower, useBackend } from '@marksman/recsys/tfjs';
 * await useBackend('cpu');
 * const rows = [];
 * for (let u = 0; u < 40; u++) for (let i = 0; i < 5; i++) rows.push({ userId: `u${u}`, itemId: `${u % 2 ? 'camp' : 'beauty'}${(u + i) % 8}` });
 * const model = await new TwoTower({ embeddingDim: 16, layers: [16], epochs: 40, batchSize: 32, learningRate: 0.01, seed: 1 }).fit(rows);
 * model.recommend('u1', { k: 3 }).every((r) => String(r.itemId).startsWith('camp')); // => true
 * model.dispose();
 * ```
 */
export class TwoTower extends LearnedRecommender<TowerServing> {
  /** @internal */ protected readonly modelName = 'TwoTower';
  /** The options in effect. */
  readonly options: TwoTowerOptions;
  private scorer: FactorScorer | null = null;

  /**
   * @param options - see {@link TwoTowerOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`, `E_OPTION_TYPE`
   */
  constructor(options?: Partial<TwoTowerOptions>) {
    super();
    const o = resolveOptions('TwoTower', DEFAULTS, options);
    checkOptions(o);
    this.options = Object.freeze({ ...o, layers: Object.freeze(o.layers.slice()) });
  }

  /**
   * Restores a model written by `save` (a tf.io URL such as
   * `indexeddb://name` or `file:///dir`, or a tf.io handler).
   *
   * @param source - a tf.io URL or handler
   * @throws `ParseError` `E_LOAD_FAILED`, `E_MODEL_JSON`; `ValidationError` `E_INPUT`
   */
  static async load(source: string | tf.io.IOHandler): Promise<TwoTower> {
    return TwoTower.fromJSON(await loadArtifacts('TwoTower.load', source));
  }

  /**
   * Restores a model saved with `toJSON` (no TensorFlow.js needed to serve it).
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON`
   */
  static fromJSON(json: LearnedRecommenderJSON): TwoTower {
    const source = 'TwoTower.fromJSON';
    const model = new TwoTower(json?.options as Partial<TwoTowerOptions>);
    const sides = json?.sides;
    const rows = (s: unknown) => {
      const j = s as { idRows?: number; features?: { buckets?: number; fields?: Array<{ kind: string }> } } | undefined;
      return (j?.idRows ?? 0) + (j?.features?.buckets ?? 0) + (j?.features?.fields?.filter((f) => f.kind === 'numeric').length ?? 0);
    };
    const o = model.options;
    const expected = new Map<string, readonly number[]>([
      ['user.table', [rows(sides?.user), o.embeddingDim]],
      ['item.table', [rows(sides?.item), o.embeddingDim]],
      ...towerShapes('user', o.embeddingDim, o.layers),
      ...towerShapes('item', o.embeddingDim, o.layers),
    ]);
    model.restoreLearned(json, source, expected);
    return model;
  }

  /**
   * A copy of the user's output vector, or null for an unknown user.
   *
   * @param userId - the caller's user id
   * @throws `ValidationError` `E_ID_TYPE` when `userId` is not an id
   */
  userVector(userId: Id): Float32Array | null {
    const u = this.userIndex.get(checkId('TwoTower.userVector', userId, 'userId'));
    const s = this.serving;
    return u === undefined || s === null ? null : s.users.slice(u * s.width, (u + 1) * s.width);
  }

  /**
   * A copy of the item's output vector, or null for an unknown item.
   *
   * @param itemId - the caller's item id
   * @throws `ValidationError` `E_ID_TYPE` when `itemId` is not an id
   */
  itemVector(itemId: Id): Float32Array | null {
    const i = this.itemIndex.get(checkId('TwoTower.itemVector', itemId, 'itemId'));
    const s = this.serving;
    return i === undefined || s === null ? null : s.items.slice(i * s.width, (i + 1) * s.width);
  }

  /** @internal */
  protected common(): TwoTowerOptions {
    return this.options;
  }

  /** @internal */
  protected modelOptionsJSON(): Record<string, unknown> {
    return { layers: this.options.layers.slice() };
  }

  /** @internal */
  protected outputWidth(): number {
    const l = this.options.layers;
    return l.length === 0 ? this.options.embeddingDim : l[l.length - 1]!;
  }

  /** @internal */
  protected createTrainer(data: TrainingData, rng: Random, optimizer: OptimizerSettings): Trainer<TowerServing> {
    return new TowerTrainer(this.options, data, rng, optimizer, this.outputWidth());
  }

  /** @internal */
  protected servingItems(serving: TowerServing): number {
    return serving.items.length / serving.width;
  }

  /** @internal */
  protected itemVectors(): { vectors: Float32Array; width: number } {
    return { vectors: this.serving!.items, width: this.serving!.width };
  }

  /** @internal */
  protected override resetCaches(): void {
    this.scorer = null;
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 64;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const s = this.serving!;
    const w = s.width;
    this.scorer ??= factorScorer(s.items, w, this.scoreBlockSize());
    const U = new Float32Array(users.length * w);
    for (let b = 0; b < users.length; b++) U.set(s.users.subarray(users[b]! * w, (users[b]! + 1) * w), b * w);
    this.scorer(U, users.length, out);
    if (this.options.temperature !== 1) for (let t = 0; t < users.length * this.servingItems(s); t++) out[t] = out[t]! / this.options.temperature;
  }

  /** Host forward of one entity through its tower. */
  private embed(side: 'user' | 'item', input: { rows: number[]; values: number[] }): Float64Array {
    const o = this.options;
    const bag = hostBag(this.weights.get(`${side}.table`)!, o.embeddingDim, input.rows, input.values);
    const out = hostDense(this.weights, side, o.layers, bag);
    return o.normalize ? hostNormalize(out) : out;
  }

  /** @internal */
  protected extendServing(serving: TowerServing, side: 'user' | 'item', entity: number, input: { rows: number[]; values: number[] }): TowerServing {
    const v = this.embed(side, input);
    const w = serving.width;
    const grow = (a: Float32Array) => {
      const next = new Float32Array((entity + 1) * w);
      next.set(a.subarray(0, Math.min(a.length, next.length)));
      next.set(v, entity * w);
      return next;
    };
    return side === 'user' ? { ...serving, users: grow(serving.users) } : { ...serving, items: grow(serving.items) };
  }

  /** @internal */
  protected servingFromState(source: string, state: Readonly<Record<string, readonly number[]>>): TowerServing {
    const w = this.outputWidth();
    return { width: w, users: stateArray(source, state, 'userVectors', this.userCount * w), items: stateArray(source, state, 'itemVectors', this.itemCount * w) };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const s = this.serving!;
    return { userVectors: Array.from(s.users.subarray(0, this.userCount * s.width)), itemVectors: Array.from(s.items.subarray(0, this.itemCount * s.width)) };
  }

  /**
   * @internal Fold-in: start from the user tower's output for the user's
   * features (zeros without), then Adam steps on the full softmax of the
   * user's history over every item, the item vectors fixed.
   */
  protected refreshUser(u: number, items: Int32Array): void {
    const s = this.serving!;
    const w = s.width;
    const o = this.options;
    const side = this.userSide!;
    while (side.entities <= u) side.append([], [], []);
    // Start from the user tower on the user's features (its id row left
    // out), or, without features, from the mean of the history's item vectors.
    const own = side.input(u);
    const keep = own.rows.map((r) => r >= side.idRows);
    const features = { rows: own.rows.filter((_, t) => keep[t]), values: own.values.filter((_, t) => keep[t]) };
    let start: Float64Array;
    if (features.rows.length > 0) {
      start = this.embed('user', features);
    } else {
      start = new Float64Array(w);
      for (const i of items) for (let q = 0; q < w; q++) start[q]! += s.items[i * w + q]! / Math.max(1, items.length);
      if (o.normalize) start = hostNormalize(start);
    }
    const x = Float64Array.from(start);
    const nI = this.itemCount;
    const logits = new Float64Array(nI);
    const m = new Float64Array(w);
    const v = new Float64Array(w);
    const grad = new Float64Array(w);
    const lr = o.learningRate * 10;
    for (let step = 1; step <= o.foldInSteps && items.length > 0; step++) {
      const xn = o.normalize ? hostNormalize(Float64Array.from(x)) : x;
      let max = -Infinity;
      for (let i = 0; i < nI; i++) {
        let d = 0;
        for (let q = 0; q < w; q++) d += xn[q]! * s.items[i * w + q]!;
        logits[i] = d / o.temperature;
        if (logits[i]! > max) max = logits[i]!;
      }
      let z = 0;
      for (let i = 0; i < nI; i++) z += Math.exp(logits[i]! - max);
      // d(−Σ_h log softmax_h)/d logits = |H|·softmax − 1_H, then through u·v/τ.
      grad.fill(0);
      for (let i = 0; i < nI; i++) {
        const p = (items.length * Math.exp(logits[i]! - max)) / z;
        for (let q = 0; q < w; q++) grad[q]! += (p * s.items[i * w + q]!) / o.temperature;
      }
      for (const i of items) for (let q = 0; q < w; q++) grad[q]! -= s.items[i * w + q]! / o.temperature;
      if (o.normalize) {
        // Through x / ‖x‖: (g − x̂ (g·x̂)) / ‖x‖.
        let n2 = 0;
        for (let q = 0; q < w; q++) n2 += x[q]! * x[q]!;
        const n = Math.max(Math.sqrt(n2), 1e-12);
        let gx = 0;
        for (let q = 0; q < w; q++) gx += grad[q]! * xn[q]!;
        for (let q = 0; q < w; q++) grad[q] = (grad[q]! - xn[q]! * gx) / n;
      }
      // Pull towards the feature-based start (a prior), as L2 does in training.
      for (let q = 0; q < w; q++) grad[q]! += 0.01 * (x[q]! - start[q]!);
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      for (let q = 0; q < w; q++) {
        m[q] = 0.9 * m[q]! + 0.1 * grad[q]!;
        v[q] = 0.999 * v[q]! + 0.001 * grad[q]! * grad[q]!;
        x[q] = x[q]! - (lr * (m[q]! / c1)) / (Math.sqrt(v[q]! / c2) + 1e-8);
      }
    }
    const out = o.normalize ? hostNormalize(x) : x;
    if ((u + 1) * w > s.users.length) {
      const grown = new Float32Array((u + 1) * w);
      grown.set(s.users);
      this.serving = { ...s, users: grown };
    }
    this.serving!.users.set(out, u * w);
  }
}

/** One fit of a TwoTower: parameters, sampling, the in-batch softmax step. */
class TowerTrainer implements Trainer<TowerServing> {
  readonly store: ParamStore;
  private readonly logQ: Float32Array;
  private readonly order: Int32Array;

  constructor(
    private readonly o: TwoTowerOptions,
    private readonly data: TrainingData,
    rng: Random,
    optimizer: OptimizerSettings,
    private readonly width: number,
  ) {
    this.store = new ParamStore(optimizer);
    const d = o.embeddingDim;
    try {
      const scale = 1 / Math.sqrt(d);
      this.store.addTable('user.table', uniformInit(rng, data.userSide.tableRows * d, scale), data.userSide.tableRows, d);
      this.store.addTable('item.table', uniformInit(rng, data.itemSide.tableRows * d, scale), data.itemSide.tableRows, d);
      addTower(this.store, rng, 'user', d, o.layers);
      addTower(this.store, rng, 'item', d, o.layers);
    } catch (e) {
      this.store.dispose();
      throw e;
    }
    // q(item) = the item's share of training pairs: how often it shows up as an in-batch negative.
    const count = new Float64Array(data.items);
    for (let t = 0; t < data.pairItems.length; t++) count[data.pairItems[t]!]!++;
    this.logQ = new Float32Array(data.items);
    for (let i = 0; i < data.items; i++) this.logQ[i] = count[i]! > 0 ? Math.log(count[i]! / data.pairItems.length) : 0;
    this.order = new Int32Array(data.pairItems.length);
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
        if (idx.length < 2) continue; // a softmax over one item teaches nothing
        const us = new Int32Array(idx.length);
        const is = new Int32Array(idx.length);
        for (let t = 0; t < idx.length; t++) {
          us[t] = this.data.pairUsers[idx[t]!]!;
          is[t] = this.data.pairItems[idx[t]!]!;
        }
        const loss = this.step(us, is, rng);
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

  /** One in-batch softmax step; returns the batch's mean loss (a kept scalar). */
  private step(us: Int32Array, is: Int32Array, rng: Random): tf.Scalar {
    const o = this.o;
    const m = us.length;
    const store = this.store;
    store.beginBatch();
    const uniq = (ids: Int32Array) => {
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
    const U = uniq(us);
    const I = uniq(is);
    const ua = this.data.userSide.assemble(U.values, o.idDropout, rng);
    const ia = this.data.itemSide.assemble(I.values, o.idDropout, rng);
    const uRows = store.rowsOf('user.table', ua.rows);
    const iRows = store.rowsOf('item.table', ia.rows);
    // Accidental hits: column j holds row r's own item (j ≠ r).
    const hits: number[] = [];
    if (o.removeAccidentalHits) {
      const byItem = new Map<number, number[]>();
      for (let t = 0; t < m; t++) {
        const list = byItem.get(is[t]!);
        if (list === undefined) byItem.set(is[t]!, [t]);
        else list.push(t);
      }
      for (const list of byItem.values()) if (list.length > 1) for (const r of list) for (const j of list) if (r !== j) hits.push(r, j);
    }
    return tf.tidy(() => {
      const tape = new Tape();
      const watched = new Map<string, tf.Tensor>();
      const uRowT = tf.tensor1d(uRows.rows, 'int32');
      const iRowT = tf.tensor1d(iRows.rows, 'int32');
      const uLeaf = tape.watch(store.readRows('user.table', uRowT));
      const iLeaf = tape.watch(store.readRows('item.table', iRowT));
      const uBag = embeddingBag(tape, uLeaf, uRows.positions, ua, U.values.length);
      const iBag = embeddingBag(tape, iLeaf, iRows.positions, ia, I.values.length);
      let uOut = denseLayers(tape, store, 'user', uBag, o.layers.length, watched);
      let iOut = denseLayers(tape, store, 'item', iBag, o.layers.length, watched);
      if (o.normalize) {
        uOut = tape.normalizeRows(uOut);
        iOut = tape.normalizeRows(iOut);
      }
      const ue = tape.gather(uOut, tf.tensor1d(U.pos, 'int32')) as tf.Tensor2D;
      const ie = tape.gather(iOut, tf.tensor1d(I.pos, 'int32')) as tf.Tensor2D;
      let logits = tape.scale(tape.matMul(ue, ie, false, true), 1 / o.temperature) as tf.Tensor2D;
      if (o.logQCorrection) {
        const lq = new Float32Array(m);
        for (let t = 0; t < m; t++) lq[t] = this.logQ[is[t]!]!;
        logits = tape.sub(logits, tf.tensor2d(lq, [1, m])) as tf.Tensor2D;
      }
      if (hits.length > 0) {
        const mask = tf.scatterND(tf.tensor2d(Int32Array.from(hits), [hits.length / 2, 2], 'int32'), tf.fill([hits.length / 2], -1e9), [m, m]);
        logits = tape.add(logits, mask) as tf.Tensor2D;
      }
      const labels = tf.range(0, m, 1, 'int32') as tf.Tensor1D;
      const loss = tape.scale(tape.softmaxCrossEntropy(logits, labels), 1 / m) as tf.Scalar;
      const names = [...watched.keys()];
      const grads = tape.gradients(loss, [uLeaf, iLeaf, ...names.map((n) => watched.get(n)!)]);
      store.apply(new Map(names.map((n, k) => [n, grads[k + 2]!])), [
        { name: 'user.table', rows: uRowT, read: uLeaf, grad: grads[0]! },
        { name: 'item.table', rows: iRowT, read: iLeaf, grad: grads[1]! },
      ]);
      return loss;
    });
  }

  /** Every user's and item's output vector, computed on the backend in chunks and downloaded. */
  async serving(): Promise<TowerServing> {
    const side = async (name: 'user' | 'item', s: Side, n: number) => {
      const out = new Float32Array(n * this.width);
      const chunk = 4096;
      for (let start = 0; start < n; start += chunk) {
        const ids = new Int32Array(Math.min(chunk, n - start));
        for (let t = 0; t < ids.length; t++) ids[t] = start + t;
        const a = s.assemble(ids, 0, null);
        const v = tf.tidy(() => {
          const tape = new Tape();
          const bag = embeddingBag(tape, this.store.table(`${name}.table`), a.rows, a, ids.length);
          const h = denseLayers(tape, this.store, name, bag, this.o.layers.length, null);
          return this.o.normalize ? tape.normalizeRows(h) : h;
        });
        out.set(await v.data(), start * this.width);
        v.dispose();
      }
      return out;
    };
    return { width: this.width, users: await side('user', this.data.userSide, this.data.users), items: await side('item', this.data.itemSide, this.data.items) };
  }
}
