import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, Random, StateError } from '@marksman/core';
import type { Id } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { checkId } from '../checks';
import { factorScorer } from '../factorScorer';
import { checkK } from '../recommender';
import type { Recommendation } from '../recommender';
import type { FactorScorer } from '../factorScorer';
import { checkCommonOptions, checkInt, LearnedRecommender, stateArray, uniformInit } from './learned';
import type { LearnedCommonOptions, LearnedRecommenderJSON, Trainer, TrainingData } from './learned';
import { loadArtifacts } from './artifacts';
import { ParamStore } from './params';
import type { OptimizerSettings } from './params';
import type { Side } from './sides';
import { Tape } from './tape';
import { addTower, embeddingBag, hostBag, param, towerShapes } from './tower';

/** Options of {@link NeuMF}. */
export interface NeuMFOptions extends LearnedCommonOptions {
  /** Width of the GMF (generalised matrix factorisation) embeddings (integer 1 … 1024). Default 32. */
  readonly gmfDim: number;
  /** Width of each side's MLP embedding (integer 1 … 1024). Default 32. */
  readonly mlpDim: number;
  /** Sizes of the MLP's layers over [user; item] (each followed by ReLU; at least one). Default `[64, 32, 16]`. */
  readonly layers: readonly number[];
  /** Sampled negatives per positive (integer 1 … 100). Default 4. */
  readonly negatives: number;
}

const DEFAULTS: NeuMFOptions = Object.freeze({
  epochs: 20,
  batchSize: 1024,
  learningRate: 0.002,
  optimizer: 'adam' as const,
  l2: 0,
  seed: 0,
  hashBuckets: 'auto' as const,
  idDropout: 0,
  patience: 3,
  validationK: 10,
  gmfDim: 32,
  mlpDim: 32,
  layers: Object.freeze([64, 32, 16]) as readonly number[],
  negatives: 4,
});

function checkOptions(o: NeuMFOptions): void {
  const source = 'NeuMF';
  checkCommonOptions(source, o);
  checkInt(source, 'gmfDim', o.gmfDim, 1, 1024);
  checkInt(source, 'mlpDim', o.mlpDim, 1, 1024);
  if (!Array.isArray(o.layers) || o.layers.length < 1 || o.layers.length > 8) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: layers must be an array of 1 to 8 layer sizes.`, { source, field: 'layers' });
  }
  o.layers.forEach((n) => checkInt(source, 'layers', n, 1, 4096));
  checkInt(source, 'negatives', o.negatives, 1, 100);
}

/**
 * What NeuMF serves from. The first MLP layer splits over the two sides
 * (W₀ = [W₀ᵘ; W₀ⁱ]), so each user keeps A = pᵐ·W₀ᵘ + b₀ and each item
 * B = qᵐ·W₀ⁱ; a pair then costs the remaining layers only.
 */
interface NeuMFServing {
  readonly kg: number;
  readonly l0: number;
  /** User GMF vectors scaled by the GMF output weights (nU × kg). */
  readonly userGmf: Float32Array;
  readonly userA: Float32Array;
  readonly itemGmf: Float32Array;
  readonly itemB: Float32Array;
  /** The layers after the first, and the output's MLP weights and bias. */
  readonly net: PairNet;
}

/** The part of NeuMF's network a (user, item) pair runs through after the split first layer. */
interface PairNet {
  readonly layers: ReadonlyArray<{ readonly w: Float32Array; readonly b: Float32Array; readonly n: number }>;
  readonly wh: Float32Array;
  readonly bout: number;
}

/**
 * Neural matrix factorisation (He et al. 2017, "Neural Collaborative
 * Filtering"): a GMF branch (the element-wise product of user and item
 * embeddings) and an MLP branch (dense ReLU layers over the concatenated
 * user and item embeddings) feed one logistic output, trained with binary
 * cross-entropy on observed pairs and `negatives` sampled unobserved items
 * per pair. User and item features enter every embedding as bags (cold
 * items and users are served from their features, as in the other learned
 * models). Trains on the active TensorFlow.js backend (`useBackend`).
 *
 * The score is not an inner product, so `recommend` runs the MLP for every
 * (user, item) pair on the host: the first layer is split per side and
 * precomputed, leaving O(Σ layerᵢ·layerᵢ₊₁) per pair (about 2,600
 * multiply-adds with the default layers); `recommendManyAsync` scores on the
 * backend instead, in blocks, for large catalogues. `foldIn` learns a new
 * user's GMF vector and first-layer activation by SGD on the same loss, the
 * items fixed.
 *
 * @example
 * ```ts
 * import { NeuMF, useBackend } from '@marksman/recsys/tfjs';
 * await useBackend('cpu');
 * const rows = [];
 * for (let u = 0; u < 40; u++) for (let i = 0; i < 5; i++) rows.push({ userId: `u${u}`, itemId: `${u % 2 ? 'camp' : 'beauty'}${(u + i) % 8}` });
 * const model = await new NeuMF({ gmfDim: 8, mlpDim: 8, layers: [16, 8], epochs: 30, batchSize: 32, learningRate: 0.01, seed: 1 }).fit(rows);
 * model.recommend('u1', { k: 3 }).every((r) => String(r.itemId).startsWith('camp')); // => true
 * model.dispose();
 * ```
 */
export class NeuMF extends LearnedRecommender<NeuMFServing> {
  /** @internal */ protected readonly modelName = 'NeuMF';
  /** The options in effect. */
  readonly options: NeuMFOptions;
  private scorer: FactorScorer | null = null;

  /**
   * @param options - see {@link NeuMFOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<NeuMFOptions>) {
    super();
    const o = resolveOptions('NeuMF', DEFAULTS, options);
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
  static async load(source: string | tf.io.IOHandler): Promise<NeuMF> {
    return NeuMF.fromJSON(await loadArtifacts('NeuMF.load', source));
  }

  /**
   * Restores a model saved with `toJSON` (no TensorFlow.js needed to serve it).
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON`
   */
  static fromJSON(json: LearnedRecommenderJSON): NeuMF {
    const source = 'NeuMF.fromJSON';
    const model = new NeuMF(json?.options as Partial<NeuMFOptions>);
    const rows = (s: unknown) => {
      const j = s as { idRows?: number; features?: { buckets?: number; fields?: Array<{ kind: string }> } } | undefined;
      return (j?.idRows ?? 0) + (j?.features?.buckets ?? 0) + (j?.features?.fields?.filter((f) => f.kind === 'numeric').length ?? 0);
    };
    const o = model.options;
    const last = o.layers[o.layers.length - 1]!;
    const expected = new Map<string, readonly number[]>([
      ['user.gmf', [rows(json?.sides?.user), o.gmfDim]],
      ['item.gmf', [rows(json?.sides?.item), o.gmfDim]],
      ['user.mlp', [rows(json?.sides?.user), o.mlpDim]],
      ['item.mlp', [rows(json?.sides?.item), o.mlpDim]],
      ...towerShapes('mlp', 2 * o.mlpDim, o.layers),
      ['out.w', [o.gmfDim + last, 1]],
      ['out.b', [1]],
    ]);
    model.restoreLearned(json, source, expected);
    return model;
  }

  /** @internal */
  protected common(): NeuMFOptions {
    return this.options;
  }

  /** @internal */
  protected modelOptionsJSON(): Record<string, unknown> {
    return { layers: this.options.layers.slice() };
  }

  /** @internal */
  protected createTrainer(data: TrainingData, rng: Random, optimizer: OptimizerSettings): Trainer<NeuMFServing> {
    return new NeuMFTrainer(this.options, data, rng, optimizer, (w) => this.servingFrom(w, data.userSide, data.itemSide, data.users, data.items));
  }

  /** @internal */
  protected servingItems(serving: NeuMFServing): number {
    return serving.itemGmf.length / serving.kg;
  }

  /** @internal */
  protected itemVectors(): { vectors: Float32Array; width: number } {
    return { vectors: this.serving!.itemGmf, width: this.serving!.kg };
  }

  /** @internal */
  protected override resetCaches(): void {
    this.scorer = null;
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 16;
  }

  /** Host weights needed per pair: the layers after the first, and the output. */
  private pairNet(weights: ReadonlyMap<string, Float32Array>): PairNet {
    const o = this.options;
    const layers: Array<{ w: Float32Array; b: Float32Array; n: number }> = [];
    for (let l = 1; l < o.layers.length; l++) layers.push({ w: weights.get(`mlp.w${l}`)!, b: weights.get(`mlp.b${l}`)!, n: o.layers[l]! });
    const out = weights.get('out.w')!;
    return { layers, wh: out.subarray(o.gmfDim), bout: weights.get('out.b')![0]! };
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const s = this.serving!;
    const { kg, l0 } = s;
    const nI = s.itemGmf.length / kg;
    this.scorer ??= factorScorer(s.itemGmf, kg, this.scoreBlockSize());
    const U = new Float32Array(users.length * kg);
    for (let b = 0; b < users.length; b++) U.set(s.userGmf.subarray(users[b]! * kg, (users[b]! + 1) * kg), b * kg);
    this.scorer(U, users.length, out);
    const net = s.net;
    const width = Math.max(l0, ...net.layers.map((l) => l.n));
    let h = new Float64Array(width);
    let next = new Float64Array(width);
    for (let b = 0; b < users.length; b++) {
      const ao = users[b]! * l0;
      const oo = b * nI;
      for (let i = 0; i < nI; i++) {
        const bo = i * l0;
        for (let q = 0; q < l0; q++) {
          const v = s.userA[ao + q]! + s.itemB[bo + q]!;
          h[q] = v > 0 ? v : 0;
        }
        let n = l0;
        for (const layer of net.layers) {
          const m = layer.n;
          for (let j = 0; j < m; j++) next[j] = layer.b[j]!;
          for (let q = 0; q < n; q++) {
            const x = h[q]!;
            if (x === 0) continue;
            const wo = q * m;
            for (let j = 0; j < m; j++) next[j]! += x * layer.w[wo + j]!;
          }
          for (let j = 0; j < m; j++) if (next[j]! < 0) next[j] = 0;
          const t = h;
          h = next;
          next = t;
          n = m;
        }
        let logit = net.bout;
        for (let q = 0; q < n; q++) logit += h[q]! * net.wh[q]!;
        out[oo + i]! += logit;
      }
    }
  }

  /**
   * `recommendMany` with the pairs scored on the active TensorFlow.js
   * backend, in blocks (the model must still hold its parameters: not after
   * `dispose` or `fromJSON`). Same lists as `recommendMany` up to float32
   * rounding; much faster for large catalogues.
   *
   * @param userIds - the caller's user ids
   * @param k - list length (integer ≥ 1; default 10, clamped to the catalogue); seen items are excluded
   * @throws `OptionsError` `E_OPTION_TYPE` (userIds not an array), `E_K`; `ValidationError` `E_ID_TYPE`;
   *   `StateError` `E_NOT_FITTED`, `E_NO_PARAMETERS`
   */
  async recommendManyAsync(userIds: readonly Id[], k = 10): Promise<Recommendation[][]> {
    const source = 'NeuMF.recommendManyAsync';
    if (!Array.isArray(userIds)) throw new OptionsError('E_OPTION_TYPE', `${source}: userIds must be an array.`, { source, field: 'userIds' });
    userIds.forEach((id, t) => checkId(source, id, 'userIds', t));
    checkK(source, k);
    this.assertFitted(source);
    k = Math.min(k, this.itemCount);
    if (this.store === null) {
      throw new StateError('E_NO_PARAMETERS', `${source}: the parameters were disposed (or the model was restored from JSON); use recommendMany, which scores on the host.`, { source });
    }
    const s = this.serving!;
    const nI = this.itemCount;
    const o = this.options;
    const known = userIds.map((id) => this.userIndex.get(id));
    const out: Recommendation[][] = [];
    const itemB = tf.tensor2d(s.itemB, [nI, s.l0]);
    const itemGmf = tf.tensor2d(s.itemGmf, [nI, s.kg]);
    try {
      const block = Math.max(1, Math.floor(2_000_000 / nI));
      for (let start = 0; start < userIds.length; start += block) {
        const ids = known.slice(start, start + block);
        const rows = ids.filter((u): u is number => u !== undefined);
        let scores: Float32Array = new Float32Array(0);
        if (rows.length > 0) {
          const t = tf.tidy(() => {
            const n = rows.length;
            const A = tf.tensor2d(Float32Array.from(rows.flatMap((u) => Array.from(s.userA.subarray(u * s.l0, (u + 1) * s.l0)))), [n, s.l0]);
            const G = tf.tensor2d(Float32Array.from(rows.flatMap((u) => Array.from(s.userGmf.subarray(u * s.kg, (u + 1) * s.kg)))), [n, s.kg]);
            let h = tf.relu(tf.reshape(tf.add(tf.reshape(A, [n, 1, s.l0]), tf.reshape(itemB, [1, nI, s.l0])), [n * nI, s.l0])) as tf.Tensor2D;
            for (let l = 1; l < o.layers.length; l++) h = tf.relu(tf.add(tf.matMul(h, this.store!.get(`mlp.w${l}`) as tf.Tensor2D), this.store!.get(`mlp.b${l}`))) as tf.Tensor2D;
            const wh = tf.slice(this.store!.get('out.w'), [o.gmfDim, 0], [-1, 1]) as tf.Tensor2D;
            const mlp = tf.reshape(tf.matMul(h, wh), [n, nI]);
            return tf.add(tf.add(tf.matMul(G, itemGmf, false, true), mlp), this.store!.get('out.b'));
          });
          scores = (await t.data()) as Float32Array;
          t.dispose();
        }
        let r = 0;
        for (const u of ids) {
          if (u === undefined) {
            out.push(this.recommendMany([userIds[out.length]!], { k })[0]!);
            continue;
          }
          const row = scores.subarray(r * nI, (r + 1) * nI);
          r++;
          const seen = new Set(this.history(u).items);
          const order = Array.from({ length: nI }, (_, i) => i).filter((i) => !seen.has(i));
          order.sort((a, b) => row[b]! - row[a]! || a - b);
          out.push(order.slice(0, k).map((i) => ({ itemId: this.itemIds[i]!, score: row[i]! })));
        }
      }
      return out;
    } finally {
      tf.dispose([itemB, itemGmf]);
    }
  }

  /** Serving arrays for every entity from host weights. */
  private servingFrom(weights: ReadonlyMap<string, Float32Array>, userSide: Side, itemSide: Side, nU: number, nI: number): NeuMFServing {
    const o = this.options;
    const kg = o.gmfDim;
    const l0 = o.layers[0]!;
    const userGmf = new Float32Array(nU * kg);
    const userA = new Float32Array(nU * l0);
    const itemGmf = new Float32Array(nI * kg);
    const itemB = new Float32Array(nI * l0);
    for (let u = 0; u < nU; u++) {
      const v = this.entity(weights, 'user', userSide.input(u));
      userGmf.set(v.gmf, u * kg);
      userA.set(v.first, u * l0);
    }
    for (let i = 0; i < nI; i++) {
      const v = this.entity(weights, 'item', itemSide.input(i));
      itemGmf.set(v.gmf, i * kg);
      itemB.set(v.first, i * l0);
    }
    return { kg, l0, userGmf, userA, itemGmf, itemB, net: this.pairNet(weights) };
  }

  /** One entity's serving rows: GMF vector (user: scaled by the GMF output weights) and first-layer share. */
  private entity(weights: ReadonlyMap<string, Float32Array>, side: 'user' | 'item', input: { rows: number[]; values: number[] }): { gmf: Float64Array; first: Float64Array } {
    const o = this.options;
    const kg = o.gmfDim;
    const km = o.mlpDim;
    const l0 = o.layers[0]!;
    const gmf = hostBag(weights.get(`${side}.gmf`)!, kg, input.rows, input.values);
    if (side === 'user') {
      const wg = weights.get('out.w')!;
      for (let q = 0; q < kg; q++) gmf[q] = gmf[q]! * wg[q]!;
    }
    const m = hostBag(weights.get(`${side}.mlp`)!, km, input.rows, input.values);
    const w0 = weights.get('mlp.w0')!;
    const first = new Float64Array(l0);
    if (side === 'user') first.set(weights.get('mlp.b0')!);
    const offset = side === 'user' ? 0 : km;
    for (let q = 0; q < km; q++) {
      const x = m[q]!;
      if (x === 0) continue;
      const wo = (offset + q) * l0;
      for (let j = 0; j < l0; j++) first[j]! += x * w0[wo + j]!;
    }
    return { gmf, first };
  }

  /** @internal */
  protected extendServing(serving: NeuMFServing, side: 'user' | 'item', entity: number, input: { rows: number[]; values: number[] }): NeuMFServing {
    const v = this.entity(this.weights, side, input);
    const grow = (a: Float32Array, width: number, x: Float64Array) => {
      const next = new Float32Array((entity + 1) * width);
      next.set(a.subarray(0, Math.min(a.length, next.length)));
      next.set(x, entity * width);
      return next;
    };
    return side === 'user'
      ? { ...serving, userGmf: grow(serving.userGmf, serving.kg, v.gmf), userA: grow(serving.userA, serving.l0, v.first) }
      : { ...serving, itemGmf: grow(serving.itemGmf, serving.kg, v.gmf), itemB: grow(serving.itemB, serving.l0, v.first) };
  }

  /** @internal */
  protected servingFromState(source: string, state: Readonly<Record<string, readonly number[]>>): NeuMFServing {
    const o = this.options;
    const kg = o.gmfDim;
    const l0 = o.layers[0]!;
    return {
      kg,
      l0,
      userGmf: stateArray(source, state, 'userGmf', this.userCount * kg),
      userA: stateArray(source, state, 'userFirst', this.userCount * l0),
      itemGmf: stateArray(source, state, 'itemGmf', this.itemCount * kg),
      itemB: stateArray(source, state, 'itemFirst', this.itemCount * l0),
      net: this.pairNet(this.weights),
    };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const s = this.serving!;
    return {
      userGmf: Array.from(s.userGmf.subarray(0, this.userCount * s.kg)),
      userFirst: Array.from(s.userA.subarray(0, this.userCount * s.l0)),
      itemGmf: Array.from(s.itemGmf.subarray(0, this.itemCount * s.kg)),
      itemFirst: Array.from(s.itemB.subarray(0, this.itemCount * s.l0)),
    };
  }

  /**
   * @internal Fold-in: the user's (scaled) GMF vector and first-layer share
   * learned by SGD on binary cross-entropy with sampled negatives, the items
   * and the network fixed, starting from the user's features.
   */
  protected refreshUser(u: number, items: Int32Array): void {
    const s = this.serving!;
    const { kg, l0 } = s;
    const o = this.options;
    const side = this.userSide!;
    while (side.entities <= u) side.append([], [], []);
    const own = side.input(u);
    const keep = own.rows.map((r) => r >= side.idRows);
    const start = this.entity(this.weights, 'user', { rows: own.rows.filter((_, t) => keep[t]), values: own.values.filter((_, t) => keep[t]) });
    const g = Float64Array.from(start.gmf);
    const a = Float64Array.from(start.first);
    const net = s.net;
    const nI = this.itemCount;
    const seen = new Set(items);
    const rng = new Random((o.seed + 0x9e3779b1 * (u + 1)) % Number.MAX_SAFE_INTEGER);
    const lr = 0.05;
    const sizes = [l0, ...net.layers.map((l) => l.n)];
    const acts = sizes.map((n) => new Float64Array(n));
    const grads = sizes.map((n) => new Float64Array(n));
    const train = (i: number, label: number) => {
      // Forward, keeping each layer's post-ReLU activations.
      for (let q = 0; q < l0; q++) acts[0]![q] = Math.max(0, a[q]! + s.itemB[i * l0 + q]!);
      net.layers.forEach((layer, l) => {
        const x = acts[l]!;
        const y = acts[l + 1]!;
        for (let j = 0; j < layer.n; j++) y[j] = layer.b[j]!;
        for (let q = 0; q < x.length; q++) for (let j = 0; j < layer.n; j++) y[j]! += x[q]! * layer.w[q * layer.n + j]!;
        for (let j = 0; j < layer.n; j++) if (y[j]! < 0) y[j] = 0;
      });
      let logit = net.bout;
      for (let q = 0; q < kg; q++) logit += g[q]! * s.itemGmf[i * kg + q]!;
      const top = acts[acts.length - 1]!;
      for (let q = 0; q < top.length; q++) logit += top[q]! * net.wh[q]!;
      const d = 1 / (1 + Math.exp(-logit)) - label;
      // Backward to the GMF vector and to the first layer's pre-activation.
      for (let q = 0; q < top.length; q++) grads[grads.length - 1]![q] = top[q]! > 0 ? d * net.wh[q]! : 0;
      for (let l = net.layers.length - 1; l >= 0; l--) {
        const layer = net.layers[l]!;
        const gy = grads[l + 1]!;
        const gx = grads[l]!;
        const x = acts[l]!;
        for (let q = 0; q < x.length; q++) {
          let sum = 0;
          for (let j = 0; j < layer.n; j++) sum += gy[j]! * layer.w[q * layer.n + j]!;
          gx[q] = x[q]! > 0 ? sum : 0;
        }
      }
      for (let q = 0; q < kg; q++) g[q] = g[q]! - lr * (d * s.itemGmf[i * kg + q]! + 0.01 * (g[q]! - start.gmf[q]!));
      for (let q = 0; q < l0; q++) a[q] = a[q]! - lr * (grads[0]![q]! + 0.01 * (a[q]! - start.first[q]!));
    };
    const steps = 30 * Math.max(1, items.length);
    for (let t = 0; t < steps && items.length > 0; t++) {
      train(items[Math.floor(rng.next() * items.length)]!, 1);
      for (let r = 0; r < o.negatives; r++) {
        const j = Math.floor(rng.next() * nI);
        if (!seen.has(j)) train(j, 0);
      }
    }
    const grow = (x: Float32Array, width: number) => {
      if ((u + 1) * width <= x.length) return x;
      const next = new Float32Array((u + 1) * width);
      next.set(x);
      return next;
    };
    const userGmf = grow(s.userGmf, kg);
    const userA = grow(s.userA, l0);
    userGmf.set(g, u * kg);
    userA.set(a, u * l0);
    this.serving = { ...s, userGmf, userA };
  }
}

/** One fit of NeuMF. */
class NeuMFTrainer implements Trainer<NeuMFServing> {
  readonly store: ParamStore;
  private readonly order: Int32Array;

  constructor(
    private readonly o: NeuMFOptions,
    private readonly data: TrainingData,
    rng: Random,
    optimizer: OptimizerSettings,
    private readonly toServing: (weights: ReadonlyMap<string, Float32Array>) => NeuMFServing,
  ) {
    this.store = new ParamStore(optimizer);
    try {
      for (const [name, side] of [['user', data.userSide], ['item', data.itemSide]] as const) {
        this.store.addTable(`${name}.gmf`, uniformInit(rng, side.tableRows * o.gmfDim, 0.05), side.tableRows, o.gmfDim);
        this.store.addTable(`${name}.mlp`, uniformInit(rng, side.tableRows * o.mlpDim, 0.05), side.tableRows, o.mlpDim);
      }
      addTower(this.store, rng, 'mlp', 2 * o.mlpDim, o.layers);
      const last = o.layers[o.layers.length - 1]!;
      this.store.addDense('out.w', uniformInit(rng, o.gmfDim + last, Math.sqrt(6 / (o.gmfDim + last + 1))), [o.gmfDim + last, 1]);
      this.store.addDense('out.b', new Float32Array(1), [1]);
    } catch (e) {
      this.store.dispose();
      throw e;
    }
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
        const loss = this.step(this.order.subarray(start, Math.min(n, start + this.o.batchSize)), rng);
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

  private negative(u: number, rng: Random): number {
    const m = this.data.matrix;
    const a = m.indptr[u]!;
    const b = m.indptr[u + 1]!;
    let c = 0;
    for (let tries = 0; tries < 32; tries++) {
      c = Math.floor(rng.next() * this.data.items);
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
    const total = m * (1 + o.negatives);
    const exUsers = new Int32Array(total);
    const exItems = new Int32Array(total);
    const labels = new Float32Array(total);
    for (let t = 0; t < m; t++) {
      exUsers[t] = this.data.pairUsers[idx[t]!]!;
      exItems[t] = this.data.pairItems[idx[t]!]!;
      labels[t] = 1;
    }
    for (let r = 1; r <= o.negatives; r++) {
      for (let t = 0; t < m; t++) {
        exUsers[r * m + t] = exUsers[t]!;
        exItems[r * m + t] = this.negative(exUsers[t]!, rng);
      }
    }
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
    const store = this.store;
    store.beginBatch();
    const ua = this.data.userSide.assemble(U.values, o.idDropout, rng);
    const ia = this.data.itemSide.assemble(I.values, o.idDropout, rng);
    return tf.tidy(() => {
      const tape = new Tape();
      const watched = new Map<string, tf.Tensor>();
      const rowLeaves: Array<{ name: string; rows: tf.Tensor1D; read: tf.Tensor }> = [];
      const bag = (name: string, a: typeof ua, n: number) => {
        const r = store.rowsOf(name, a.rows);
        const rowsT = tf.tensor1d(r.rows, 'int32');
        const leaf = tape.watch(store.readRows(name, rowsT));
        rowLeaves.push({ name, rows: rowsT, read: leaf });
        return embeddingBag(tape, leaf, r.positions, a, n);
      };
      const upos = tf.tensor1d(U.pos, 'int32');
      const ipos = tf.tensor1d(I.pos, 'int32');
      const pu = tape.gather(bag('user.gmf', ua, U.values.length), upos);
      const qi = tape.gather(bag('item.gmf', ia, I.values.length), ipos);
      const pm = tape.gather(bag('user.mlp', ua, U.values.length), upos) as tf.Tensor2D;
      const qm = tape.gather(bag('item.mlp', ia, I.values.length), ipos) as tf.Tensor2D;
      // [pᵐ; qᵐ]·W₀ = pᵐ·W₀ᵘ + qᵐ·W₀ⁱ, and [g; h]·w = g·w_g + h·w_h: no concatenation
      // of batch-sized tensors (slicing them back for the gradient is slow on wasm).
      const km = o.mlpDim;
      const w0 = param(tape, store, 'mlp.w0', watched) as tf.Tensor2D;
      let h = tape.add(tape.add(tape.matMul(pm, tape.rows(w0, 0, km)), tape.matMul(qm, tape.rows(w0, km, km))), param(tape, store, 'mlp.b0', watched)) as tf.Tensor2D;
      for (let l = 1; l < o.layers.length; l++) {
        h = tape.relu(h) as tf.Tensor2D;
        h = tape.add(tape.matMul(h, param(tape, store, `mlp.w${l}`, watched) as tf.Tensor2D), param(tape, store, `mlp.b${l}`, watched)) as tf.Tensor2D;
      }
      h = tape.relu(h) as tf.Tensor2D;
      const wOut = param(tape, store, 'out.w', watched) as tf.Tensor2D;
      const gmf = tape.matMul(tape.mul(pu, qi) as tf.Tensor2D, tape.rows(wOut, 0, o.gmfDim));
      const mlp = tape.matMul(h, tape.rows(wOut, o.gmfDim, o.layers[o.layers.length - 1]!));
      const logit = tape.reshape(tape.add(tape.add(gmf, mlp), param(tape, store, 'out.b', watched)), [total]) as tf.Tensor1D;
      const loss = tape.scale(tape.sigmoidCrossEntropy(logit, tf.tensor1d(labels), null), 1 / total) as tf.Scalar;
      const names = [...watched.keys()];
      const grads = tape.gradients(loss, [...rowLeaves.map((r) => r.read), ...names.map((n) => watched.get(n)!)]);
      store.apply(
        new Map(names.map((n, k) => [n, grads[rowLeaves.length + k]!])),
        rowLeaves.map((r, k) => ({ ...r, grad: grads[k]! })),
      );
      return loss;
    });
  }

  async serving(): Promise<NeuMFServing> {
    return this.toServing(await this.store.download());
  }
}
