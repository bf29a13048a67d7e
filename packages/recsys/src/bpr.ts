import { ConvergenceError, OptionsError, ParseError, Random, StateError, throwIfAborted } from '@marksman/core';
import { allFinite, resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import type { Csr, InteractionMatrix } from './interactions';
import { borrowBprKernel, returnBprKernel } from './bprKernel';
import { factorScorer } from './factorScorer';
import type { FactorScorer } from './factorScorer';
import { rowCosines, rowNorms } from './linalg';
import { MAX_FACTORS, MAX_ITERATIONS, checkId, describeValue, isFiniteAtLeast, isIntIn } from './checks';
import { Recommender, expectArray, factorRow, modelFromJSON, yieldToEventLoop } from './recommender';
import type { RecommenderJSON, ResolvedFit } from './recommender';

/** Options of {@link BPR}. */
export interface BPROptions {
  /** Latent dimensions f (integer from 1 to 4096). Default 64. */
  readonly factors: number;
  /** L2 penalty λ ≥ 0, applied to the user vector, both item vectors and both item biases of every sampled triple. Default 0.01. */
  readonly regularization: number;
  /** Epochs (integer from 1 to 1,000,000); an epoch draws as many (user, positive, negative) triples as there are distinct user–item pairs. Default 100. */
  readonly iterations: number;
  /** SGD step size η > 0 (per triple; an engine that takes mini-batch steps sums the gradients of its batch). Default 0.01. */
  readonly learningRate: number;
  /** Seed of the initialisation and of the sampling. Default 0. */
  readonly seed: number;
  /**
   * `'typed'`: one SGD step per triple on float32 factors (WebAssembly
   * SIMD when `factors` is a multiple of 4; the fastest on a CPU). Or an
   * engine object, e.g. `tfjsBprEngine()` from `@marksman/recsys/tfjs`,
   * which takes mini-batch steps on the active TensorFlow.js backend (a GPU
   * through WebGL or WebGPU). Default `'typed'`.
   */
  readonly engine: 'typed' | BPREngine;
}

/** The learned arrays of a BPR model, row-major float32. */
export interface BPRFactors {
  /** User vectors, users × factors. */
  readonly userFactors: Float32Array;
  /** Item vectors, items × factors. */
  readonly itemFactors: Float32Array;
  /** Item biases, one per item. */
  readonly itemBias: Float32Array;
}

/** The triples of one BPR epoch, as parallel arrays of dense indexes. */
export interface BPRTriples {
  /** The user of each triple. */
  readonly users: Int32Array;
  /** An item the user interacted with. */
  readonly positives: Int32Array;
  /** An item the user did not interact with. */
  readonly negatives: Int32Array;
}

/**
 * What a {@link BPREngine} is asked to do: the problem's sizes and settings,
 * the seeded initial factors, and the epoch loop, which owns sampling,
 * progress, divergence checks and the abort signal, so every engine sees
 * the same triples in the same order.
 */
export interface BPRTrainingJob {
  /** The calling method, for error messages (`BPR.fit`). */
  readonly source: string;
  /** Latent dimensions f. */
  readonly factors: number;
  /** Users (rows of `init.userFactors`). */
  readonly users: number;
  /** Items (rows of `init.itemFactors`). */
  readonly items: number;
  /** SGD step size η per triple. */
  readonly learningRate: number;
  /** L2 penalty λ per appearance of a parameter in a triple. */
  readonly regularization: number;
  /** Seeded initial factors (the engine may keep and modify these arrays). */
  readonly init: BPRFactors;
  /** Triple buffers refilled before every epoch (the first n entries of each are valid). */
  readonly triples: BPRTriples;
  /**
   * Whether the loss is reported (the fit has an `onProgress`). When false,
   * `step(n)` may resolve, instead of the loss, to any number that is not
   * finite when one of the step's scores was not, such as their sum (the
   * typed engine likewise skips the loss then).
   */
  readonly lossReported: boolean;
  /**
   * Runs every epoch: draws the epoch's triples into `triples`, awaits
   * `step(n)` (which must apply the first n triples, in order, and resolve
   * to Σ −log σ(x̂ᵤᵢⱼ) over them, each taken before its own update or its
   * batch's; see `lossReported`), then checks the loss, reports progress and honours the signal.
   * Rejects with `E_DIVERGED` or `E_ABORTED`; the engine must then release
   * what it holds.
   */
  epochs(step: (n: number) => Promise<number>): Promise<void>;
}

/**
 * A trainer for {@link BPR} other than the built-in typed one. The engine
 * receives the job (initial factors, triple buffers, the epoch loop) and
 * resolves to the final factors. `tfjsBprEngine()` from
 * `@marksman/recsys/tfjs` is one; the interface is public so another can be
 * written without changing BPR.
 */
export interface BPREngine {
  /** A short name, stored as the `engine` option by `toJSON`. */
  readonly name: string;
  /**
   * Trains and resolves to the final factors.
   *
   * @param job - sizes, settings, initial factors and the epoch loop
   */
  train(job: BPRTrainingJob): Promise<BPRFactors>;
}

const DEFAULTS: BPROptions = Object.freeze({
  factors: 64,
  regularization: 0.01,
  iterations: 100,
  learningRate: 0.01,
  seed: 0,
  engine: 'typed',
});

function checkOptions(o: BPROptions): void {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_OPTION_RANGE', `BPR: ${field} ${what}.`, { source: 'BPR', field });
  };
  if (!isIntIn(o.factors, 1, MAX_FACTORS)) bad('factors', `must be an integer from 1 to ${MAX_FACTORS}`);
  if (!isIntIn(o.iterations, 1, MAX_ITERATIONS)) bad('iterations', `must be an integer from 1 to ${MAX_ITERATIONS}`);
  if (!isFiniteAtLeast(o.regularization, 0)) bad('regularization', 'must be a finite number ≥ 0');
  if (!isFiniteAtLeast(o.learningRate, 0, true)) bad('learningRate', 'must be a finite number > 0');
  if (!Number.isSafeInteger(o.seed)) bad('seed', 'must be a safe integer');
  if ((o.engine as unknown) === 'tfjs') {
    bad('engine', "'tfjs' is now an engine object: import { tfjsBprEngine } from '@marksman/recsys/tfjs' and pass engine: tfjsBprEngine()");
  }
  const e = o.engine as unknown;
  if (e !== 'typed' && (e === null || typeof e !== 'object' || typeof (e as BPREngine).train !== 'function' || typeof (e as BPREngine).name !== 'string')) {
    bad('engine', "must be 'typed' or an engine object with a name and a train(job) method (e.g. tfjsBprEngine() from @marksman/recsys/tfjs)");
  }
}

const TWO_POW_32 = 4294967296;

/** A uniform integer in [0, n) from one 32-bit draw (bias below n / 2³², irrelevant for sampling). */
function draw(rng: Random, n: number): number {
  return Math.floor((rng.nextUint32() * n) / TWO_POW_32);
}

/** True when the sorted `cols[a, b)` holds `j` (binary search). */
function hasItem(cols: Int32Array, a: number, b: number, j: number): boolean {
  let lo = a;
  let hi = b - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = cols[mid]!;
    if (v === j) return true;
    if (v < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Tries to find a negative item before giving up on a triple (users who saw nearly every item). */
const NEGATIVE_TRIES = 32;

/**
 * Draws one epoch of triples into the arrays: a uniformly random observed
 * (user, item) pair and an item the user has not interacted with, uniform
 * over the catalogue. Returns how many triples were drawn (pairs of users
 * for whom no negative was found in {@link NEGATIVE_TRIES} draws are dropped).
 */
function sampleTriples(rng: Random, hist: Csr, rowOf: Int32Array, nItems: number, us: Int32Array, ps: Int32Array, ns: Int32Array, seen: Uint32Array | null): number {
  const nnz = hist.indices.length;
  let n = 0;
  for (let s = 0; s < us.length; s++) {
    const t = draw(rng, nnz);
    const u = rowOf[t]!;
    const a = hist.indptr[u]!;
    const b = hist.indptr[u + 1]!;
    const base = u * nItems;
    let j = -1;
    for (let tries = 0; tries < NEGATIVE_TRIES; tries++) {
      const c = draw(rng, nItems);
      const taken = seen === null ? hasItem(hist.indices, a, b, c) : (seen[(base + c) >>> 5]! & (1 << ((base + c) & 31))) !== 0;
      if (!taken) {
        j = c;
        break;
      }
    }
    if (j < 0) continue;
    us[n] = u;
    ps[n] = hist.indices[t]!;
    ns[n] = j;
    n++;
  }
  return n;
}

/** Bits of a users × items matrix beyond which sampling searches each history instead (64 Mbit = 8 MiB). */
const BITSET_LIMIT = 1 << 26;

/**
 * A bit per (user, item) pair with an interaction, so sampling tests a
 * negative in O(1) instead of a binary search; null when the matrix is too
 * large for that (the search is then used). Either way the same triples.
 */
function interactionBits(hist: Csr, nUsers: number, nItems: number): Uint32Array | null {
  if (nUsers * nItems > BITSET_LIMIT) return null;
  const bits = new Uint32Array(Math.ceil((nUsers * nItems) / 32));
  for (let u = 0; u < nUsers; u++) {
    for (let t = hist.indptr[u]!; t < hist.indptr[u + 1]!; t++) {
      const k = u * nItems + hist.indices[t]!;
      bits[k >>> 5]! |= 1 << (k & 31);
    }
  }
  return bits;
}

/** Uniform on [−½, ½) / f, the same draws in both engines. */
function initFactors(rng: Random, n: number, f: number): Float32Array {
  // −0.5 + 1·u is exactly u − 0.5, so these are the values (next() − 0.5) / f gave draw by draw.
  const u = rng.uniforms(n * f, -0.5, 0.5);
  const out = new Float32Array(n * f);
  for (let t = 0; t < out.length; t++) out[t] = u[t]! / f;
  return out;
}

/** One SGD step per triple; returns Σ −log σ(x̂ᵤᵢⱼ) over the triples (before their steps) when `withLoss`, else 0. */
function sgdTriples(X: Float32Array, Y: Float32Array, B: Float32Array, f: number, lr: number, reg: number, us: Int32Array, ps: Int32Array, ns: Int32Array, n: number, withLoss: boolean): number {
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const uo = us[s]! * f;
    const po = ps[s]! * f;
    const no = ns[s]! * f;
    let x = B[ps[s]!]! - B[ns[s]!]!;
    for (let q = 0; q < f; q++) x += X[uo + q]! * (Y[po + q]! - Y[no + q]!);
    // −log σ(x) = log(1 + e^(−x)), written to stay finite for large |x|.
    if (withLoss) loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    const z = 1 / (1 + Math.exp(x)); // σ(−x) = −∂(−log σ(x))/∂x
    // θ ← θ + η(z·∂x̂/∂θ − λθ) = (1 − ηλ)θ + ηz·∂x̂/∂θ
    const a = lr * z;
    const keep = 1 - lr * reg;
    B[ps[s]!] = keep * B[ps[s]!]! + a;
    B[ns[s]!] = keep * B[ns[s]!]! - a;
    for (let q = 0; q < f; q++) {
      const xu = X[uo + q]!;
      const yp = Y[po + q]!;
      const yn = Y[no + q]!;
      X[uo + q] = keep * xu + a * (yp - yn);
      Y[po + q] = keep * yp + a * xu;
      Y[no + q] = keep * yn - a * xu;
    }
  }
  return loss;
}

/** The learned arrays. */
interface Factors {
  X: Float32Array;
  Y: Float32Array;
  B: Float32Array;
}

/**
 * Bayesian personalised ranking (Rendle et al. 2009): user vectors xᵤ, item
 * vectors yᵢ and item biases bᵢ maximise Σ log σ(x̂ᵤᵢ − x̂ᵤⱼ) − λ‖Θ‖² over
 * sampled triples (user, item the user interacted with, item the user did
 * not), with x̂ᵤᵢ = xᵤ·yᵢ + bᵢ. Weights only decide which pairs are
 * observed; a pair's count does not matter.
 *
 * Engines share the sampling and initialisation (all from `seed`):
 * `'typed'` (default) takes one SGD step per triple on float32 factors, as
 * the reference C++ implementations do — in a small built-in WebAssembly
 * SIMD kernel when `factors` is a multiple of 4 (about 3× the plain loop;
 * float32 arithmetic), otherwise in plain typed-array code (float64
 * arithmetic, so results differ in the last float32 digits). An engine
 * object ({@link BPREngine}) trains on the same triples in its own way:
 * `tfjsBprEngine()` from `@marksman/recsys/tfjs` takes one gradient step per
 * mini-batch on the active TensorFlow.js backend, to train on a GPU (WebGL,
 * WebGPU). On a CPU the typed engine is the fastest
 * (`benchmarks/recsys/bpr-explicit.bench.ts`), so it is the default, and
 * this entry loads no TensorFlow.js at all.
 *
 * `foldIn` is approximate: with the item vectors and biases fixed, the
 * user's vector is re-learned from its whole history by the same SGD
 * (from a fresh initialisation, `iterations` × history-length triples,
 * seeded by the fit seed and the user's index).
 *
 * `explain` gives the real score and, per history item j, the contribution
 * cos(yⱼ, yᵢ) (the cosine between j's and the target's item vectors, as
 * `similarItems` uses; every history item has weight 1, since BPR ignores
 * counts). This is an attribution heuristic — "the items you interacted
 * with that look most like this one" —, not a decomposition: the user
 * vector is learned freely, so the contributions do not sum to the score
 * (unlike ALS, whose score splits exactly over the history).
 *
 * An epoch costs O(nnz · f); `recommendMany` costs O(users · items · f),
 * scored in float32 by WebAssembly SIMD when `factors` is a multiple of 4.
 *
 * @example
 * ```ts
 * import { BPR } from '@marksman/recsys';
 * const rows = [
 *   { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
 *   { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
 *   { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
 * ];
 * const model = await new BPR({ factors: 8, iterations: 300, learningRate: 0.1, seed: 1 }).fit(rows);
 * model.recommend('cid', { k: 1 }).map((r) => r.itemId); // => ['stove']
 * ```
 */
export class BPR extends Recommender {
  /** @internal */ protected readonly modelName = 'BPR';
  /** The options in effect. */
  readonly options: BPROptions;
  private userF: Float32Array = new Float32Array(0);
  private itemF: Float32Array = new Float32Array(0);
  private itemB: Float32Array = new Float32Array(0);
  private fitSeed = 0;
  private itemNorms: Float64Array | null = null;
  /** Batch scorer over the item factors; built on first use. */
  private scorer: FactorScorer | null = null;

  /**
   * @param options - see {@link BPROptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<BPROptions>) {
    super();
    const o = resolveOptions('BPR', DEFAULTS, options);
    checkOptions(o);
    this.options = Object.freeze(o);
  }

  /**
   * Restores a model saved with `toJSON`.
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON` naming the field when the snapshot is damaged (wrong type or version,
   *   an option the constructor refuses, inconsistent history, a factor that is not a finite number)
   */
  static fromJSON(json: RecommenderJSON): BPR {
    const source = 'BPR.fromJSON';
    // A snapshot records the engine by name; a restored model scores the
    // same and, if refitted, trains with the typed engine. Snapshots written
    // before engines became objects also carry batchSize.
    const model = modelFromJSON(source, json, (o) => {
      const { batchSize: _old, ...saved } = o as Partial<BPROptions> & { batchSize?: unknown };
      if (saved.engine !== undefined && typeof saved.engine !== 'string') {
        throw new OptionsError('E_OPTION_TYPE', 'BPR: engine must be the name of the engine that trained the snapshot.', { source, field: 'engine' });
      }
      return new BPR({ ...saved, engine: 'typed' });
    });
    const state = model.restore(json, source);
    const f = model.options.factors;
    model.userF = Float32Array.from(expectArray(source, state, 'userFactors', model.userCount * f));
    model.itemF = Float32Array.from(expectArray(source, state, 'itemFactors', model.itemCount * f));
    model.itemB = Float32Array.from(expectArray(source, state, 'itemBias', model.itemCount));
    const fitSeed = expectArray(source, state, 'fitSeed', 1)[0]!;
    if (!Number.isSafeInteger(fitSeed)) {
      throw new ParseError('E_MODEL_JSON', `${source}: state.fitSeed is ${describeValue(fitSeed)}, not a safe integer.`, { source, field: 'state.fitSeed' });
    }
    model.fitSeed = fitSeed;
    return model;
  }

  /**
   * A copy of the user's factor vector (length `factors`), or null for an unknown user.
   *
   * @param userId - the caller's user id
   * @throws `ValidationError` `E_ID_TYPE` when `userId` is not a non-empty string or a finite number
   */
  userFactors(userId: Id): Float32Array | null {
    return factorRow(this.userIndex, this.userF, checkId('BPR.userFactors', userId, 'userId'), this.options.factors);
  }

  /**
   * A copy of the item's factor vector (length `factors`), or null for an unknown item.
   *
   * @param itemId - the caller's item id
   * @throws `ValidationError` `E_ID_TYPE` when `itemId` is not a non-empty string or a finite number
   */
  itemFactors(itemId: Id): Float32Array | null {
    return factorRow(this.itemIndex, this.itemF, checkId('BPR.itemFactors', itemId, 'itemId'), this.options.factors);
  }

  /**
   * The item's learned bias bᵢ, or null for an unknown item.
   *
   * @param itemId - the caller's item id
   * @throws `ValidationError` `E_ID_TYPE` when `itemId` is not a non-empty string or a finite number
   */
  itemBias(itemId: Id): number | null {
    const i = this.itemIndex.get(checkId('BPR.itemBias', itemId, 'itemId'));
    return i === undefined ? null : this.itemB[i]!;
  }

  /** @internal */
  protected override defaultSeed(): number {
    return this.options.seed;
  }

  /** @internal */
  protected async train(m: InteractionMatrix, _itemUsers: Csr, fit: ResolvedFit): Promise<void> {
    const source = 'BPR.fit';
    const { factors: f, iterations } = this.options;
    const nU = m.userIds.length;
    const nI = m.itemIds.length;
    const nnz = m.indices.length;
    const rng = new Random(fit.seed);
    const rowOf = new Int32Array(nnz);
    for (let u = 0; u < nU; u++) rowOf.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
    const seen = interactionBits(m, nU, nI);
    const X = initFactors(rng, nU, f);
    const Y = initFactors(rng, nI, f);
    const B = new Float32Array(nI);
    // Triple buffers in JavaScript memory, for the paths without a kernel memory of their own (allocated only there).
    let jsBuffers: { us: Int32Array; ps: Int32Array; ns: Int32Array } | null = null;
    const triples = () => (jsBuffers ??= { us: new Int32Array(nnz), ps: new Int32Array(nnz), ns: new Int32Array(nnz) });
    // The typed engine computes the loss (a log and an exp per triple) only for onProgress.
    const engine = this.options.engine;
    const withLoss = fit.onProgress !== undefined || engine !== 'typed';
    // `live`: the item factors the steps update in place (typed engine), checked every epoch; an engine's
    // own copies are checked once, when it returns them.
    const epochs = (step: (n: number) => Promise<number>, at = triples(), live: { Y: Float32Array; B: Float32Array } | null = null) => async () => {
      for (let it = 1; it <= iterations; it++) {
        const n = sampleTriples(rng, m, rowOf, nI, at.us, at.ps, at.ns, seen);
        const loss = n === 0 ? 0 : await step(n);
        if (!Number.isFinite(loss) || (live !== null && (!allFinite(live.Y) || !allFinite(live.B)))) {
          throw new ConvergenceError('E_DIVERGED', `${source}: the loss became non-finite in epoch ${it}; lower learningRate.`, { source, field: 'learningRate' });
        }
        fit.onProgress?.({ step: it, steps: iterations, phase: 'epoch', loss: withLoss ? (n === 0 ? 0 : loss / n) : null });
        if (fit.signal !== undefined) {
          await yieldToEventLoop();
          throwIfAborted(fit.signal, source);
        }
      }
    };
    const { learningRate: lr, regularization: reg } = this.options;
    if (engine === 'typed') {
      let lossSum = 0;
      // −log σ(x) = log(1 + e^(−x)), written to stay finite for large |x| (for onProgress only).
      const addLoss = (x: number) => {
        lossSum += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
      };
      const kernel = f % 4 === 0 ? borrowBprKernel(addLoss) : null;
      if (kernel === null) {
        const { us, ps, ns } = triples();
        await epochs((n) => Promise.resolve(sgdTriples(X, Y, B, f, lr, reg, us, ps, ns, n, withLoss)), { us, ps, ns }, { Y, B })();
        this.setFactors({ X, Y, B }, fit.seed);
      } else {
        try {
          // Layout in the kernel's memory (bytes): X | Y | B (padded to 16) | us | ps | ns.
          const xOff = 0;
          const yOff = xOff + X.length * 4;
          const bOff = yOff + Y.length * 4;
          const usOff = bOff + Math.ceil(nI / 4) * 16;
          const psOff = usOff + nnz * 4;
          const nsOff = psOff + nnz * 4;
          const pages = Math.ceil((nsOff + nnz * 4) / 65536) - kernel.memory.buffer.byteLength / 65536;
          if (pages > 0) kernel.memory.grow(pages);
          const buf = kernel.memory.buffer;
          const Xm = new Float32Array(buf, xOff, X.length);
          const Ym = new Float32Array(buf, yOff, Y.length);
          const Bm = new Float32Array(buf, bOff, nI);
          Xm.set(X);
          Ym.set(Y);
          Bm.set(B);
          const usM = new Int32Array(buf, usOff, nnz);
          const psM = new Int32Array(buf, psOff, nnz);
          const nsM = new Int32Array(buf, nsOff, nnz);
          await epochs(
            (n) => {
              lossSum = 0;
              (withLoss ? kernel.epochWithLoss : kernel.epoch)(xOff, yOff, bOff, usOff, psOff, nsOff, n, f, lr, 1 - lr * reg);
              return Promise.resolve(lossSum);
            },
            { us: usM, ps: psM, ns: nsM },
            { Y: Ym, B: Bm },
          )();
          this.setFactors({ X: Xm.slice(), Y: Ym.slice(), B: Bm.slice() }, fit.seed);
        } finally {
          // The kernel's memory goes back for the next fit (the factors were copied out).
          returnBprKernel(kernel);
        }
      }
    } else {
      const out = await engine.train({
        source,
        factors: f,
        users: nU,
        items: nI,
        learningRate: lr,
        regularization: reg,
        init: { userFactors: X, itemFactors: Y, itemBias: B },
        triples: { users: triples().us, positives: triples().ps, negatives: triples().ns },
        lossReported: fit.onProgress !== undefined,
        epochs: (step) => epochs(step)(),
      });
      if (out.userFactors.length !== X.length || out.itemFactors.length !== Y.length || out.itemBias.length !== B.length) {
        throw new StateError('E_ENGINE_OUTPUT', `${source}: engine ${engine.name} returned factors of the wrong size.`, { source, field: 'engine' });
      }
      // The epochs' checks saw only the scores of the triples drawn; the factors themselves are checked once here.
      if (!allFinite(out.userFactors) || !allFinite(out.itemFactors) || !allFinite(out.itemBias)) {
        throw new ConvergenceError('E_DIVERGED', `${source}: engine ${engine.name} returned non-finite factors; lower learningRate.`, { source, field: 'learningRate' });
      }
      this.setFactors({ X: out.userFactors, Y: out.itemFactors, B: out.itemBias }, fit.seed);
    }
  }

  private setFactors(F: Factors, seed: number): void {
    this.userF = F.X;
    this.itemF = F.Y;
    this.itemB = F.B;
    this.fitSeed = seed;
    this.itemNorms = null;
    this.scorer = null;
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 64;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const f = this.options.factors;
    const nI = this.itemCount;
    const B = this.itemB;
    this.scorer ??= factorScorer(this.itemF, f, this.scoreBlockSize());
    const U = new Float32Array(users.length * f);
    for (let b = 0; b < users.length; b++) U.set(this.userF.subarray(users[b]! * f, (users[b]! + 1) * f), b * f);
    this.scorer(U, users.length, out);
    for (let b = 0; b < users.length; b++) {
      const oo = b * nI;
      for (let i = 0; i < nI; i++) out[oo + i]! += B[i]!;
    }
  }

  /**
   * @internal Attribution heuristic, not a decomposition of the score: a BPR
   * user vector is learned freely, so xᵤ·yᵢ + bᵢ is not a sum over history
   * items. History item j gets cos(yⱼ, yᵢ) (its weight is 1: BPR ignores
   * interaction counts), the cosine that `similarItems` ranks by.
   */
  protected contributions(_u: number, items: Int32Array, _weights: Float64Array, i: number): Float64Array | null {
    if (items.length === 0) return null;
    return rowCosines(this.itemF, this.options.factors, this.norms(), i, items, this.itemCount);
  }

  /** Euclidean norms of the item vectors, computed once. */
  private norms(): Float64Array {
    this.itemNorms ??= rowNorms(this.itemF, this.itemCount, this.options.factors);
    return this.itemNorms;
  }

  /** @internal */
  protected refreshUser(u: number, items: Int32Array): void {
    const f = this.options.factors;
    if ((u + 1) * f > this.userF.length) {
      const grown = new Float32Array(Math.max((u + 1) * f, 2 * this.userF.length));
      grown.set(this.userF);
      this.userF = grown;
    }
    const { learningRate: lr, regularization: reg, iterations } = this.options;
    const nI = this.itemCount;
    const rng = new Random((this.fitSeed + 0x9e3779b1 * (u + 1)) % Number.MAX_SAFE_INTEGER);
    const x = initFactors(rng, 1, f);
    const Y = this.itemF;
    const B = this.itemB;
    const n = items.length;
    if (n > 0 && n < nI) {
      for (let s = 0, total = iterations * n; s < total; s++) {
        const i = items[draw(rng, n)]!;
        let j = -1;
        for (let tries = 0; tries < NEGATIVE_TRIES && j < 0; tries++) {
          const c = draw(rng, nI);
          if (!hasItem(items, 0, n, c)) j = c;
        }
        if (j < 0) continue;
        const po = i * f;
        const no = j * f;
        let sc = B[i]! - B[j]!;
        for (let q = 0; q < f; q++) sc += x[q]! * (Y[po + q]! - Y[no + q]!);
        const z = 1 / (1 + Math.exp(sc));
        for (let q = 0; q < f; q++) x[q] = x[q]! + lr * (z * (Y[po + q]! - Y[no + q]!) - reg * x[q]!);
      }
    }
    this.userF.set(x, u * f);
  }

  /** @internal */
  protected similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    return { scores: rowCosines(this.itemF, this.options.factors, this.norms(), i, null, this.itemCount), candidates: null };
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    const e = this.options.engine;
    return { ...this.options, engine: e === 'typed' ? e : e.name };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const f = this.options.factors;
    return {
      userFactors: Array.from(this.userF.subarray(0, this.userCount * f)),
      itemFactors: Array.from(this.itemF),
      itemBias: Array.from(this.itemB),
      fitSeed: [this.fitSeed],
    };
  }
}
