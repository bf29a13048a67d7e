import { ConvergenceError, OptionsError, Random, throwIfAborted } from '@marksman/core';
import { allFinite, resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import type { Csr, InteractionMatrix } from './interactions';
import { cholesky, choleskySolve, dotRow, gram, rowCosines, rowNorms, symv } from './linalg';
import { borrowSimdKernels, loadSimdKernels, returnSimdKernels } from './simdKernels';
import type { SimdKernels } from './simdKernels';
import { MAX_FACTORS, MAX_ITERATIONS, checkId, isFiniteAtLeast, isIntIn } from './checks';
import { Recommender, expectArray, factorRow, modelFromJSON, yieldToEventLoop } from './recommender';
import type { RecommenderJSON, ResolvedFit } from './recommender';

/** Options of {@link ALS}. */
export interface ALSOptions {
  /** Latent dimensions f (integer from 1 to 4096). Default 64. */
  readonly factors: number;
  /** L2 penalty λ ≥ 0 on every user and item vector. Default 0.01. */
  readonly regularization: number;
  /** Alternating sweeps (integer from 1 to 1,000,000); each solves all items, then all users. Default 15. */
  readonly iterations: number;
  /** Confidence slope: c(u, i) = 1 + alpha · weight. Default 1. */
  readonly alpha: number;
  /** Seed of the random initialisation (uniform on [0, 0.01)). Default 0. */
  readonly seed: number;
  /**
   * `'cg'`: a few conjugate-gradient steps per row, warm-started from the
   * previous factors (Takács et al. 2011; fast, approximate). `'cholesky'`:
   * the exact least-squares solution of every row. Default `'cg'`.
   */
  readonly solver: 'cg' | 'cholesky';
  /** Conjugate-gradient steps per row and sweep (integer from 1 to 4096; CG needs at most `factors` steps). Default 3. */
  readonly cgSteps: number;
  /** Compute the training loss after every sweep and pass it to `onProgress` (costs about a fifth of a sweep). Default false. */
  readonly computeLoss: boolean;
}

const DEFAULTS: ALSOptions = Object.freeze({
  factors: 64,
  regularization: 0.01,
  iterations: 15,
  alpha: 1,
  seed: 0,
  solver: 'cg',
  cgSteps: 3,
  computeLoss: false,
});

function checkOptions(o: ALSOptions): void {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_OPTION_RANGE', `ALS: ${field} ${what}.`, { source: 'ALS', field });
  };
  if (!isIntIn(o.factors, 1, MAX_FACTORS)) bad('factors', `must be an integer from 1 to ${MAX_FACTORS}`);
  if (!isIntIn(o.iterations, 1, MAX_ITERATIONS)) bad('iterations', `must be an integer from 1 to ${MAX_ITERATIONS}`);
  if (!isIntIn(o.cgSteps, 1, MAX_FACTORS)) bad('cgSteps', `must be an integer from 1 to ${MAX_FACTORS}`);
  if (!isFiniteAtLeast(o.regularization, 0)) bad('regularization', 'must be a finite number ≥ 0');
  if (!isFiniteAtLeast(o.alpha, 0)) bad('alpha', 'must be a finite number ≥ 0');
  if (!Number.isSafeInteger(o.seed)) bad('seed', 'must be a safe integer');
  if (o.solver !== 'cg' && o.solver !== 'cholesky') bad('solver', "must be 'cg' or 'cholesky'");
  if (typeof o.computeLoss !== 'boolean') bad('computeLoss', 'must be a boolean');
}

/** Scratch vectors reused across rows. */
interface Scratch {
  x: Float64Array;
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
  A: Float64Array;
}

function scratch(f: number): Scratch {
  return { x: new Float64Array(f), r: new Float64Array(f), p: new Float64Array(f), ap: new Float64Array(f), A: new Float64Array(f * f) };
}

/**
 * The exact solution of (G + Σ α·wⱼ yⱼyⱼᵀ) x = Σ (1 + α·wⱼ) yⱼ into s.x.
 * False when the system is not positive definite (λ = 0 and too few rows).
 */
function solveRowExact(F: Float32Array, items: Int32Array, weights: Float64Array, f: number, G: Float64Array, alpha: number, s: Scratch): boolean {
  const { A, x } = s;
  A.set(G);
  x.fill(0);
  for (let t = 0; t < items.length; t++) {
    const o = items[t]! * f;
    const cm1 = alpha * weights[t]!;
    const c = 1 + cm1;
    for (let a = 0; a < f; a++) {
      const va = F[o + a]!;
      x[a]! += c * va;
      const q = cm1 * va;
      if (q === 0) continue;
      const ao = a * f;
      for (let b = 0; b <= a; b++) A[ao + b]! += q * F[o + b]!;
    }
  }
  if (!cholesky(A, f)) return false;
  choleskySolve(A, x, f);
  return true;
}

/** A few CG steps on the same system, warm-started from row `ro` of T; result into T. */
function solveRowCg(T: Float32Array, ro: number, F: Float32Array, items: Int32Array, weights: Float64Array, f: number, G: Float64Array, alpha: number, steps: number, s: Scratch): void {
  const { x, r, p, ap } = s;
  for (let a = 0; a < f; a++) x[a] = T[ro + a]!;
  // r = b − A x
  symv(G, x, r, f);
  for (let a = 0; a < f; a++) r[a] = -r[a]!;
  for (let t = 0; t < items.length; t++) {
    const o = items[t]! * f;
    const cm1 = alpha * weights[t]!;
    const coef = 1 + cm1 - cm1 * dotRow(F, o, x, f);
    for (let a = 0; a < f; a++) r[a]! += coef * F[o + a]!;
  }
  p.set(r);
  let rs = 0;
  for (let a = 0; a < f; a++) rs += r[a]! * r[a]!;
  if (!Number.isFinite(rs)) {
    T.fill(Number.NaN, ro, ro + f); // overflow: let the caller report divergence
    return;
  }
  for (let it = 0; it < steps && rs > 1e-20; it++) {
    symv(G, p, ap, f);
    for (let t = 0; t < items.length; t++) {
      const o = items[t]! * f;
      const q = alpha * weights[t]! * dotRow(F, o, p, f);
      if (q === 0) continue;
      for (let a = 0; a < f; a++) ap[a]! += q * F[o + a]!;
    }
    let pap = 0;
    for (let a = 0; a < f; a++) pap += p[a]! * ap[a]!;
    if (!(pap > 0)) break;
    const step = rs / pap;
    let rsNew = 0;
    for (let a = 0; a < f; a++) {
      x[a]! += step * p[a]!;
      const ra = r[a]! - step * ap[a]!;
      r[a] = ra;
      rsNew += ra * ra;
    }
    const beta = rsNew / rs;
    for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
    rs = rsNew;
  }
  for (let a = 0; a < f; a++) T[ro + a] = x[a]!;
}

/**
 * One half-sweep: solve every item (or user) row; returns the float64 Gram
 * matrix used when there is one (fold-in reuses it). X()/Y() give the current
 * factors; finite() says whether they are all finite after an items and a
 * users half-step (every row was rewritten by them).
 */
interface HalfStep {
  (side: 'items' | 'users'): Float64Array | null;
  X(): Float32Array;
  Y(): Float32Array;
  finite(): boolean;
}

/** Plain typed-array half-steps (float64 arithmetic): the Cholesky solver, and CG where SIMD is unavailable. */
function jsHalfStep(X: Float32Array, Y: Float32Array, users: Csr, items: Csr, f: number, lambda: number, alpha: number, solver: 'cg' | 'cholesky', cgSteps: number, source: string): HalfStep {
  const s = scratch(f);
  const nU = X.length / f;
  const nI = Y.length / f;
  const step = (side: 'items' | 'users'): Float64Array => {
    const [T, F, rows, nRows, nF] = side === 'items' ? [Y, X, items, nI, nU] : [X, Y, users, nU, nI];
    const G = gram(F, nF, f, lambda);
    for (let r = 0; r < nRows; r++) {
      const a = rows.indptr[r]!;
      const b = rows.indptr[r + 1]!;
      const ro = r * f;
      if (a === b) {
        T.fill(0, ro, ro + f);
        continue;
      }
      const idx = rows.indices.subarray(a, b);
      const w = rows.weights.subarray(a, b);
      if (solver === 'cg') {
        solveRowCg(T, ro, F, idx, w, f, G, alpha, cgSteps, s);
      } else {
        if (!solveRowExact(F, idx, w, f, G, alpha, s)) {
          throw new ConvergenceError('E_NOT_POSITIVE_DEFINITE', `${source}: a least-squares system is singular; use regularization > 0.`, { source, field: 'regularization' });
        }
        for (let q = 0; q < f; q++) T[ro + q] = s.x[q]!;
      }
    }
    return G;
  };
  const finite = (): boolean => allFinite(X) && allFinite(Y);
  return Object.assign(step, { X: () => X, Y: () => Y, finite });
}

/**
 * Conjugate-gradient half-steps in float32 (as `implicit`) with the SIMD
 * kernels (assembled for this f): factors, Gram matrix and both CSR
 * structures live in the kernels' memory, and a half-step is two kernel
 * calls (the Gram matrix, then the CG of every row).
 */
function simdHalfStep(k: SimdKernels, nU: number, nI: number, init: (X: Float32Array, Y: Float32Array) => void, users: Csr, items: Csr, f: number, lambda: number, alpha: number, cgSteps: number): HalfStep {
  const nnz = users.indices.length;
  // Layout (in float32 slots): X | Y | G | r | p | ap | userIdx | userW | itemIdx | itemW | userPtr | itemPtr
  const xOff = 0;
  const yOff = xOff + nU * f;
  const gOff = yOff + nI * f;
  const rOff = gOff + f * f;
  const pOff = rOff + f;
  const apOff = pOff + f;
  const uiOff = apOff + f;
  const uwOff = uiOff + nnz;
  const iiOff = uwOff + nnz;
  const iwOff = iiOff + nnz;
  const upOff = iwOff + nnz;
  const ipOff = upOff + nU + 1;
  const bytes = (ipOff + nI + 1) * 4;
  const pages = Math.ceil(bytes / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const mem = new Float32Array(k.memory.buffer);
  const ints = new Int32Array(k.memory.buffer);
  ints.set(users.indices, uiOff);
  mem.set(users.weights, uwOff);
  ints.set(items.indices, iiOff);
  mem.set(items.weights, iwOff);
  ints.set(users.indptr, upOff);
  ints.set(items.indptr, ipOff);
  const X = mem.subarray(xOff, xOff + nU * f);
  const Y = mem.subarray(yOff, yOff + nI * f);
  // The starting factors are drawn straight into the kernels' memory.
  init(X, Y);
  // Rows left non-finite by the last half-step of each side (the kernel checks every row it solves).
  const nonFinite = { items: 0, users: 0 };
  const step = (side: 'items' | 'users'): null => {
    const [tOff, fOff, ptrOff, nRows, nF, idxOff, wOff] = side === 'items' ? [yOff, xOff, ipOff, nI, nU, iiOff, iwOff] : [xOff, yOff, upOff, nU, nI, uiOff, uwOff];
    k.gram(fOff * 4, nF, gOff * 4, lambda);
    nonFinite[side] = k.cgRows(gOff * 4, fOff * 4, ptrOff * 4, idxOff * 4, wOff * 4, nRows, tOff * 4, rOff * 4, pOff * 4, apOff * 4, alpha, cgSteps);
    return null;
  };
  return Object.assign(step, { X: () => X, Y: () => Y, finite: () => nonFinite.items + nonFinite.users === 0 });
}

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu,
 * Koren & Volinsky 2008): every unobserved pair is a 0 with confidence 1,
 * every observed pair a 1 with confidence 1 + alpha · weight, and user and
 * item vectors minimise Σ c(u,i)(p(u,i) − xᵤ·yᵢ)² + λ(Σ‖xᵤ‖² + Σ‖yᵢ‖²).
 * Rows are solved with a few warm-started conjugate-gradient steps (as in
 * the `implicit` library) or exactly by Cholesky. Each sweep solves items
 * first, then users, so with the Cholesky solver a fitted user's factors
 * are exactly what `foldIn` computes for the same history.
 *
 * Speed: when `factors` is a multiple of 4, the CG solver, its Gram
 * matrices and the batch scoring of `recommend`/`recommendMany` run in
 * float32 on a small built-in WebAssembly SIMD module assembled for that
 * factor count (TensorFlow.js is not needed; on MovieLens it fits in less
 * time than `implicit`'s CPU ALS, see `recsys-implicit-same-run` in
 * benchmarks/README.md). Otherwise, or where
 * WebAssembly SIMD is missing, the same algorithms run on typed arrays in
 * float64 (results then differ in the last float32 digits). The Cholesky
 * solver, `foldIn` and `explain` always use float64.
 *
 * A sweep costs O(nnz · f · s + (users + items) · f² · s) with s = cgSteps
 * (CG) or O(nnz · f² + (users + items) · f³) (Cholesky); `recommendMany`
 * costs O(users · items · f) in blocks of 64 users.
 *
 * @example
 * ```ts
 * import { ALS } from '@marksman/recsys';
 * const rows = [
 *   { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
 *   { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
 *   { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
 * ];
 * const model = await new ALS({ factors: 4, iterations: 10, regularization: 0.1 }).fit(rows);
 * model.recommend('cid', { k: 1 }).map((r) => r.itemId); // => ['stove']
 * ```
 */
export class ALS extends Recommender {
  /** @internal */ protected readonly modelName = 'ALS';
  /** The options in effect. */
  readonly options: ALSOptions;
  private userF = new Float32Array(0);
  private itemF = new Float32Array(0);
  private gramItems: Float64Array | null = null;
  private itemNorms: Float64Array | null = null;
  /** SIMD scorer holding a float32 copy of the item factors; undefined until first used, null without SIMD. */
  private scorer: { k: SimdKernels; yOff: number; uOff: number; outOff: number } | null | undefined = undefined;

  /**
   * @param options - see {@link ALSOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<ALSOptions>) {
    super();
    const o = resolveOptions('ALS', DEFAULTS, options);
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
  static fromJSON(json: RecommenderJSON): ALS {
    const source = 'ALS.fromJSON';
    const model = modelFromJSON(source, json, (o) => new ALS(o as Partial<ALSOptions>));
    const state = model.restore(json, source);
    const f = model.options.factors;
    model.userF = Float32Array.from(expectArray(source, state, 'userFactors', model.userCount * f));
    model.itemF = Float32Array.from(expectArray(source, state, 'itemFactors', model.itemCount * f));
    return model;
  }

  /**
   * A copy of the user's factor vector (length `factors`), or null for an unknown user.
   *
   * @param userId - the caller's user id
   * @throws `ValidationError` `E_ID_TYPE` when `userId` is not a non-empty string or a finite number
   */
  userFactors(userId: Id): Float32Array | null {
    return factorRow(this.userIndex, this.userF, checkId('ALS.userFactors', userId, 'userId'), this.options.factors);
  }

  /**
   * A copy of the item's factor vector (length `factors`), or null for an unknown item.
   *
   * @param itemId - the caller's item id
   * @throws `ValidationError` `E_ID_TYPE` when `itemId` is not a non-empty string or a finite number
   */
  itemFactors(itemId: Id): Float32Array | null {
    return factorRow(this.itemIndex, this.itemF, checkId('ALS.itemFactors', itemId, 'itemId'), this.options.factors);
  }

  /** @internal */
  protected override defaultSeed(): number {
    return this.options.seed;
  }

  /** @internal */
  protected async train(m: InteractionMatrix, itemUsers: Csr, fit: ResolvedFit): Promise<void> {
    const source = 'ALS.fit';
    const { factors: f, regularization: lambda, iterations, alpha, solver, cgSteps, computeLoss } = this.options;
    const nU = m.userIds.length;
    const nI = m.itemIds.length;
    const rng = new Random(fit.seed);
    // Starting factors uniform on [0, 0.01): users, then items.
    const init = (X0: Float32Array, Y0: Float32Array): void => {
      X0.set(rng.uniforms(X0.length, 0, 0.01));
      Y0.set(rng.uniforms(Y0.length, 0, 0.01));
    };
    const users: Csr = m;
    const simd = solver === 'cg' && f % 4 === 0 ? borrowSimdKernels(f) : null;
    let half: HalfStep;
    if (simd !== null) {
      half = simdHalfStep(simd, nU, nI, init, users, itemUsers, f, lambda, alpha, cgSteps);
    } else {
      const X0 = new Float32Array(nU * f);
      const Y0 = new Float32Array(nI * f);
      init(X0, Y0);
      half = jsHalfStep(X0, Y0, users, itemUsers, f, lambda, alpha, solver, cgSteps, source);
    }
    let Gy: Float64Array | null = null; // float64 YᵀY + λI of the final users half-step (JS path)
    let X: Float32Array<ArrayBuffer>;
    let Y: Float32Array<ArrayBuffer>;
    try {
      for (let it = 1; it <= iterations; it++) {
        half('items');
        Gy = half('users');
        if (!half.finite()) {
          throw new ConvergenceError('E_DIVERGED', `${source}: factors became non-finite at sweep ${it}; lower alpha or raise regularization.`, { source });
        }
        const [Xv, Yv] = [half.X(), half.Y()];
        const loss = computeLoss ? trainingLoss(Xv, Yv, users, nU, nI, f, lambda, alpha) : null;
        fit.onProgress?.({ step: it, steps: iterations, phase: 'iteration', loss });
        if (fit.signal !== undefined) {
          await yieldToEventLoop();
          throwIfAborted(fit.signal, source);
        }
      }
      X = half.X().slice();
      Y = half.Y().slice();
    } finally {
      // The kernels' memory goes back for the next fit (the factors were copied out).
      if (simd !== null) returnSimdKernels(simd);
    }
    this.userF = X;
    this.itemF = Y;
    this.gramItems = Gy;
    this.itemNorms = null;
    this.scorer = undefined;
  }

  /** @internal */
  protected override scoreBlockSize(): number {
    return 64;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const f = this.options.factors;
    const nI = this.itemCount;
    const X = this.userF;
    const Y = this.itemF;
    const sc = this.simdScorer();
    if (sc !== null && users.length <= this.scoreBlockSize()) {
      const mem = new Float32Array(sc.k.memory.buffer);
      for (let b = 0; b < users.length; b++) mem.set(X.subarray(users[b]! * f, (users[b]! + 1) * f), sc.uOff + b * f);
      sc.k.score(sc.uOff * 4, users.length, sc.yOff * 4, nI, sc.outOff * 4);
      out.set(mem.subarray(sc.outOff, sc.outOff + users.length * nI));
      return;
    }
    const xs = new Float64Array(f);
    for (let b = 0; b < users.length; b++) {
      const uo = users[b]! * f;
      for (let q = 0; q < f; q++) xs[q] = X[uo + q]!;
      const oo = b * nI;
      for (let i = 0; i < nI; i++) out[oo + i] = dotRow(Y, i * f, xs, f);
    }
  }

  private simdScorer(): { k: SimdKernels; yOff: number; uOff: number; outOff: number } | null {
    if (this.scorer === undefined) {
      const f = this.options.factors;
      const k = f % 4 === 0 ? loadSimdKernels(f) : null;
      if (k === null) {
        this.scorer = null;
      } else {
        const nI = this.itemCount;
        const block = this.scoreBlockSize();
        const yOff = 0;
        const uOff = nI * f;
        const outOff = uOff + block * f;
        const pages = Math.ceil(((outOff + block * nI) * 4) / 65536) - k.memory.buffer.byteLength / 65536;
        if (pages > 0) k.memory.grow(pages);
        new Float32Array(k.memory.buffer).set(this.itemF, yOff);
        this.scorer = { k, yOff, uOff, outOff };
      }
    }
    return this.scorer;
  }

  private itemGram(): Float64Array {
    if (this.gramItems === null) this.gramItems = gram(this.itemF, this.itemCount, this.options.factors, this.options.regularization);
    return this.gramItems;
  }

  /** @internal */
  protected contributions(_u: number, items: Int32Array, weights: Float64Array, i: number): Float64Array | null {
    // score = yᵢᵀ A⁻¹ Σⱼ cⱼ yⱼ, so item j contributes cⱼ · (A⁻¹yᵢ)·yⱼ (exact for exactly solved users).
    const f = this.options.factors;
    const { alpha } = this.options;
    const s = scratch(f);
    const { A } = s;
    A.set(this.itemGram());
    const Y = this.itemF;
    for (let t = 0; t < items.length; t++) {
      const o = items[t]! * f;
      const cm1 = alpha * weights[t]!;
      for (let a = 0; a < f; a++) {
        const q = cm1 * Y[o + a]!;
        for (let b = 0; b <= a; b++) A[a * f + b]! += q * Y[o + b]!;
      }
    }
    if (!cholesky(A, f)) return null;
    const z = s.x;
    for (let a = 0; a < f; a++) z[a] = Y[i * f + a]!;
    choleskySolve(A, z, f);
    const out = new Float64Array(items.length);
    for (let t = 0; t < items.length; t++) out[t] = (1 + alpha * weights[t]!) * dotRow(Y, items[t]! * f, z, f);
    return out;
  }

  /** @internal */
  protected refreshUser(u: number, items: Int32Array, weights: Float64Array): void {
    const f = this.options.factors;
    if ((u + 1) * f > this.userF.length) {
      const grown = new Float32Array(Math.max((u + 1) * f, 2 * this.userF.length));
      grown.set(this.userF);
      this.userF = grown;
    }
    const s = scratch(f);
    if (!solveRowExact(this.itemF, items, weights, f, this.itemGram(), this.options.alpha, s)) {
      throw new ConvergenceError('E_NOT_POSITIVE_DEFINITE', 'ALS.foldIn: the user\'s least-squares system is singular; refit with regularization > 0.', { source: 'ALS.foldIn', field: 'regularization' });
    }
    for (let q = 0; q < f; q++) this.userF[u * f + q] = s.x[q]!;
  }

  /** @internal */
  protected similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    const f = this.options.factors;
    this.itemNorms ??= rowNorms(this.itemF, this.itemCount, f);
    return { scores: rowCosines(this.itemF, f, this.itemNorms, i, null, this.itemCount), candidates: null };
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    return { ...this.options };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    const f = this.options.factors;
    return {
      userFactors: Array.from(this.userF.subarray(0, this.userCount * f)),
      itemFactors: Array.from(this.itemF),
    };
  }
}

/** Σᵤ xᵤᵀ(YᵀY)xᵤ + Σ_observed [c(1 − s)² − s²] + λ(‖X‖² + ‖Y‖²), s = xᵤ·yᵢ. */
function trainingLoss(X: Float32Array, Y: Float32Array, users: Csr, nU: number, nI: number, f: number, lambda: number, alpha: number): number {
  const G0 = gram(Y, nI, f, 0);
  const x = new Float64Array(f);
  const gx = new Float64Array(f);
  let loss = 0;
  for (let u = 0; u < nU; u++) {
    const uo = u * f;
    for (let q = 0; q < f; q++) x[q] = X[uo + q]!;
    symv(G0, x, gx, f);
    for (let q = 0; q < f; q++) loss += x[q]! * gx[q]! + lambda * x[q]! * x[q]!;
    for (let t = users.indptr[u]!; t < users.indptr[u + 1]!; t++) {
      const sc = dotRow(Y, users.indices[t]! * f, x, f);
      const c = 1 + alpha * users.weights[t]!;
      loss += c * (1 - sc) * (1 - sc) - sc * sc;
    }
  }
  for (let t = 0; t < Y.length; t++) loss += lambda * Y[t]! * Y[t]!;
  return loss;
}
