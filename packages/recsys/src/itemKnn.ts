import { OptionsError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { transposeCsr } from './interactions';
import type { Csr, InteractionMatrix } from './interactions';
import { isFiniteAtLeast, isIntIn } from './checks';
import { Recommender, checkCsr, expectArray, modelFromJSON, yieldToEventLoop } from './recommender';
import type { RecommenderJSON, ResolvedFit } from './recommender';
import { selectTopK } from './topK';

/** Options of {@link ItemKNN}. */
export interface ItemKNNOptions {
  /**
   * How each interaction is weighted before the cosine: `'none'` (raw
   * weights: plain cosine, the default), `'tfidf'` (√weight · idf of the
   * user) or `'bm25'` (Okapi BM25 saturation of the weight with item-length
   * normalisation, times idf). idf of a user = ln(items / items the user touched).
   */
  readonly weighting: 'none' | 'tfidf' | 'bm25';
  /** Neighbours kept per item (a safe integer K ≥ 1; a K above the number of other items keeps every item with a positive similarity). Default 20. */
  readonly neighbours: number;
  /**
   * Shrinkage λ ≥ 0 of the cosine: sim(i, j) = ⟨vᵢ, vⱼ⟩ / (‖vᵢ‖‖vⱼ‖ + λ),
   * which damps similarities resting on few users. Default 0.
   */
  readonly shrinkage: number;
  /** BM25 term saturation k₁ > 0. Default 1.2. */
  readonly bm25K1: number;
  /** BM25 length normalisation b in [0, 1]. Default 0.75. */
  readonly bm25B: number;
}

const DEFAULTS: ItemKNNOptions = Object.freeze({ weighting: 'none', neighbours: 20, shrinkage: 0, bm25K1: 1.2, bm25B: 0.75 });

function checkOptions(o: ItemKNNOptions): void {
  const bad = (field: string, what: string): never => {
    throw new OptionsError('E_OPTION_RANGE', `ItemKNN: ${field} ${what}.`, { source: 'ItemKNN', field });
  };
  if (o.weighting !== 'none' && o.weighting !== 'tfidf' && o.weighting !== 'bm25') bad('weighting', "must be 'none', 'tfidf' or 'bm25'");
  if (!isIntIn(o.neighbours, 1, Number.MAX_SAFE_INTEGER)) bad('neighbours', 'must be a safe integer ≥ 1');
  if (!isFiniteAtLeast(o.shrinkage, 0)) bad('shrinkage', 'must be a finite number ≥ 0');
  if (!isFiniteAtLeast(o.bm25K1, 0, true)) bad('bm25K1', 'must be a finite number > 0');
  if (!(isFiniteAtLeast(o.bm25B, 0) && o.bm25B <= 1)) bad('bm25B', 'must be in [0, 1]');
}

/**
 * Item-based k-nearest-neighbours (Sarwar et al. 2001; Deshpande & Karypis
 * 2004): the cosine similarity of item columns (optionally TF-IDF or BM25
 * weighted, with shrinkage), of which each item keeps its K best
 * neighbours. A user's score for item i is Σⱼ w(u, j) · sim(j → i) over the
 * items j in the user's history.
 *
 * Memory is O(items · K): similarities are accumulated one item row at a
 * time in a dense buffer of length items, never as an items × items matrix.
 * Fit costs O(Σ_users |history|² + items · K log K).
 *
 * @example
 * ```ts
 * import { ItemKNN } from '@marksman/recsys';
 * const rows = [
 *   { userId: 1, itemId: 'tent' }, { userId: 1, itemId: 'stove' },
 *   { userId: 2, itemId: 'tent' }, { userId: 2, itemId: 'stove' },
 *   { userId: 3, itemId: 'tent' }, { userId: 4, itemId: 'lipstick' },
 * ];
 * const model = await new ItemKNN({ neighbours: 5 }).fit(rows);
 * model.recommend(3, { k: 1 }).map((r) => r.itemId); // => ['stove']
 * model.similarItems('stove', 1).map((r) => r.itemId); // => ['tent']
 * ```
 */
export class ItemKNN extends Recommender {
  /** @internal */ protected readonly modelName = 'ItemKNN';
  /** The options in effect. */
  readonly options: ItemKNNOptions;
  private nbr: Csr = { indptr: new Int32Array(1), indices: new Int32Array(0), weights: new Float64Array(0) };

  /**
   * @param options - see {@link ItemKNNOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<ItemKNNOptions>) {
    super();
    const o = resolveOptions('ItemKNN', DEFAULTS, options);
    checkOptions(o);
    this.options = Object.freeze(o);
  }

  /**
   * Restores a model saved with `toJSON`.
   *
   * @param json - the output of `toJSON`
   * @throws `ParseError` `E_MODEL_JSON` naming the field when the snapshot is damaged (wrong type or version,
   *   an option the constructor refuses, inconsistent history or neighbour lists, a similarity that is not finite)
   */
  static fromJSON(json: RecommenderJSON): ItemKNN {
    const source = 'ItemKNN.fromJSON';
    const model = modelFromJSON(source, json, (o) => new ItemKNN(o as Partial<ItemKNNOptions>));
    const state = model.restore(json, source);
    const indptr = expectArray(source, state, 'neighbourIndptr', model.itemCount + 1, 0);
    const nnz = indptr[indptr.length - 1]!;
    const indices = expectArray(source, state, 'neighbourIndices', nnz, 0);
    checkCsr(source, 'state.neighbourIndptr', 'state.neighbourIndices', indptr, indices, model.itemCount, false);
    model.nbr = {
      indptr: Int32Array.from(indptr),
      indices: Int32Array.from(indices),
      weights: Float64Array.from(expectArray(source, state, 'neighbourSimilarities', nnz)),
    };
    return model;
  }

  /** @internal */
  protected async train(m: InteractionMatrix, itemUsers: Csr, fit: ResolvedFit): Promise<void> {
    const source = 'ItemKNN.fit';
    const nItems = m.itemIds.length;
    const nUsers = m.userIds.length;
    const { shrinkage } = this.options;
    // More neighbours than other items cannot be kept: clamp (also keeps the selection buffers small).
    const K = Math.min(this.options.neighbours, Math.max(1, nItems - 1));
    // Weighted item × user values, in the item-row layout.
    const x = new Float64Array(itemUsers.weights.length);
    const idf = new Float64Array(nUsers);
    for (let u = 0; u < nUsers; u++) idf[u] = Math.log(nItems / (m.indptr[u + 1]! - m.indptr[u]!));
    let avgLen = 0;
    const len = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let t = itemUsers.indptr[i]!; t < itemUsers.indptr[i + 1]!; t++) s += itemUsers.weights[t]!;
      len[i] = s;
      avgLen += s / nItems;
    }
    const { bm25K1: k1, bm25B: b } = this.options;
    for (let i = 0; i < nItems; i++) {
      const norm = (1 - b) + (b * len[i]!) / avgLen;
      for (let t = itemUsers.indptr[i]!; t < itemUsers.indptr[i + 1]!; t++) {
        const w = itemUsers.weights[t]!;
        const u = itemUsers.indices[t]!;
        switch (this.options.weighting) {
          case 'none':
            x[t] = w;
            break;
          case 'tfidf':
            x[t] = Math.sqrt(w) * idf[u]!;
            break;
          case 'bm25':
            x[t] = ((w * (k1 + 1)) / (k1 * norm + w)) * idf[u]!;
            break;
        }
      }
    }
    const weightedItems: Csr = { indptr: itemUsers.indptr, indices: itemUsers.indices, weights: x };
    const weightedUsers = transposeCsr(weightedItems, nItems, nUsers);
    const norms = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let t = itemUsers.indptr[i]!; t < itemUsers.indptr[i + 1]!; t++) s += x[t]! * x[t]!;
      norms[i] = Math.sqrt(s);
    }

    const acc = new Float64Array(nItems);
    const mark = new Uint8Array(nItems);
    const touched = new Int32Array(nItems);
    const indptr = new Int32Array(nItems + 1);
    const idxChunks: Int32Array[] = [];
    const simChunks: Float64Array[] = [];
    let total = 0;
    const steps = Math.min(20, nItems);
    const perStep = Math.ceil(nItems / steps);
    for (let i = 0; i < nItems; i++) {
      let nTouched = 0;
      for (let t = itemUsers.indptr[i]!; t < itemUsers.indptr[i + 1]!; t++) {
        const u = itemUsers.indices[t]!;
        const xi = x[t]!;
        if (xi === 0) continue;
        for (let s = weightedUsers.indptr[u]!; s < weightedUsers.indptr[u + 1]!; s++) {
          const j = weightedUsers.indices[s]!;
          if (j === i) continue;
          if (mark[j] === 0) {
            mark[j] = 1;
            touched[nTouched++] = j;
          }
          acc[j]! += xi * weightedUsers.weights[s]!;
        }
      }
      const cand = touched.subarray(0, nTouched);
      const ni = norms[i]!;
      for (let t = 0; t < nTouched; t++) {
        const j = cand[t]!;
        const d = ni * norms[j]! + shrinkage;
        acc[j] = d > 0 ? acc[j]! / d : 0;
      }
      const top = selectTopK(acc, K, null, (j) => acc[j]! > 0, cand);
      idxChunks.push(top.index);
      simChunks.push(top.score);
      total += top.index.length;
      indptr[i + 1] = total;
      for (let t = 0; t < nTouched; t++) {
        acc[cand[t]!] = 0;
        mark[cand[t]!] = 0;
      }
      if ((i + 1) % perStep === 0 || i === nItems - 1) {
        const step = Math.ceil((i + 1) / perStep);
        fit.onProgress?.({ step, steps: Math.ceil(nItems / perStep), phase: 'similarity', loss: null });
        if (fit.signal !== undefined) {
          await yieldToEventLoop();
          throwIfAborted(fit.signal, source);
        }
      }
    }
    const indices = new Int32Array(total);
    const sims = new Float64Array(total);
    for (let i = 0; i < nItems; i++) {
      indices.set(idxChunks[i]!, indptr[i]!);
      sims.set(simChunks[i]!, indptr[i]!);
    }
    this.nbr = { indptr, indices, weights: sims };
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const n = this.itemCount;
    const { indptr, indices, weights } = this.nbr;
    for (let b = 0; b < users.length; b++) {
      const row = out.subarray(b * n, (b + 1) * n);
      row.fill(0);
      const h = this.history(users[b]!);
      for (let t = 0; t < h.items.length; t++) {
        const j = h.items[t]!;
        const w = h.weights[t]!;
        for (let s = indptr[j]!; s < indptr[j + 1]!; s++) row[indices[s]!]! += w * weights[s]!;
      }
    }
  }

  /** @internal */
  protected contributions(_u: number, items: Int32Array, weights: Float64Array, i: number): Float64Array | null {
    const { indptr, indices, weights: sims } = this.nbr;
    const out = new Float64Array(items.length);
    for (let t = 0; t < items.length; t++) {
      const j = items[t]!;
      for (let s = indptr[j]!; s < indptr[j + 1]!; s++) {
        if (indices[s] === i) {
          out[t] = weights[t]! * sims[s]!;
          break;
        }
      }
    }
    return out;
  }

  /** @internal */
  protected refreshUser(): void {
    // Scores are computed from the history at request time.
  }

  /** @internal */
  protected similarityScores(i: number): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    const scores = new Float64Array(this.itemCount);
    const a = this.nbr.indptr[i]!;
    const b = this.nbr.indptr[i + 1]!;
    const candidates = this.nbr.indices.slice(a, b);
    for (let s = a; s < b; s++) scores[this.nbr.indices[s]!] = this.nbr.weights[s]!;
    return { scores, candidates };
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    return { ...this.options };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    return {
      neighbourIndptr: Array.from(this.nbr.indptr),
      neighbourIndices: Array.from(this.nbr.indices),
      neighbourSimilarities: Array.from(this.nbr.weights),
    };
  }
}
