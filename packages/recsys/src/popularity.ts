import { OptionsError, throwIfAborted } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Csr, InteractionMatrix } from './interactions';
import { describeValue } from './checks';
import { Recommender, expectArray, modelFromJSON } from './recommender';
import type { RecommenderJSON, ResolvedFit } from './recommender';

/** Options of {@link Popularity}. */
export interface PopularityOptions {
  /**
   * What makes an item popular: `'users'` (how many distinct users
   * interacted with it, the default) or `'weight'` (the sum of their weights).
   */
  readonly by: 'users' | 'weight';
}

const DEFAULTS: PopularityOptions = Object.freeze({ by: 'users' });

/**
 * The most popular items, the same ranking for everyone (minus what each
 * user has seen). The baseline every personalised model must beat, and the
 * cold-start fallback of the others. `similarItems` has no notion of
 * similarity here: it returns the most popular other items.
 *
 * Fit costs O(interactions); `recommend` O(items · log k).
 *
 * @example
 * ```ts
 * import { Popularity } from '@marksman/recsys';
 * const model = await new Popularity().fit([
 *   { userId: 1, itemId: 'a' }, { userId: 2, itemId: 'a' }, { userId: 2, itemId: 'b' }, { userId: 3, itemId: 'c' },
 * ]);
 * model.recommend(3, { k: 2 }); // => [{ itemId: 'a', score: 2 }, { itemId: 'b', score: 1 }]
 * model.recommend('someone new', { k: 1 }); // => [{ itemId: 'a', score: 2 }]
 * ```
 */
export class Popularity extends Recommender {
  /** @internal */ protected readonly modelName = 'Popularity';
  /** The options in effect. */
  readonly options: PopularityOptions;
  private scores = new Float64Array(0);

  /**
   * @param options - see {@link PopularityOptions}
   * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`
   */
  constructor(options?: Partial<PopularityOptions>) {
    super();
    const o = resolveOptions('Popularity', DEFAULTS, options);
    if (o.by !== 'users' && o.by !== 'weight') {
      throw new OptionsError('E_OPTION_RANGE', `Popularity: by must be 'users' or 'weight', got ${describeValue(o.by)}.`, { source: 'Popularity', field: 'by' });
    }
    this.options = Object.freeze(o);
  }

  /**
   * Restores a model saved with `toJSON`.
   *
   * @param json - the output of `toJSON` (possibly after `JSON.parse(JSON.stringify(…))`)
   * @throws `ParseError` `E_MODEL_JSON` naming the field when the snapshot is damaged (wrong type or version,
   *   an option the constructor refuses, inconsistent history, a score that is not a finite number ≥ 0)
   */
  static fromJSON(json: RecommenderJSON): Popularity {
    const source = 'Popularity.fromJSON';
    const model = modelFromJSON(source, json, (o) => new Popularity(o as Partial<PopularityOptions>));
    const state = model.restore(json, source);
    model.scores = Float64Array.from(expectArray(source, state, 'scores', model.itemCount, 0));
    return model;
  }

  /** @internal */
  protected async train(m: InteractionMatrix, itemUsers: Csr, fit: ResolvedFit): Promise<void> {
    const nItems = m.itemIds.length;
    const scores = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) {
      if (this.options.by === 'users') {
        scores[i] = itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
      } else {
        let s = 0;
        for (let t = itemUsers.indptr[i]!; t < itemUsers.indptr[i + 1]!; t++) s += itemUsers.weights[t]!;
        scores[i] = s;
      }
    }
    fit.onProgress?.({ step: 1, steps: 1, phase: 'count', loss: null });
    throwIfAborted(fit.signal, 'Popularity.fit'); // an abort during the step leaves the model as it was
    this.scores = scores;
  }

  /** @internal */
  protected scoreUsers(users: Int32Array, out: Float64Array): void {
    const n = this.scores.length;
    for (let b = 0; b < users.length; b++) out.set(this.scores, b * n);
  }

  /** @internal */
  protected override coldStartScores(): Float64Array {
    return this.scores;
  }

  /** @internal */
  protected contributions(): Float64Array | null {
    return null;
  }

  /** @internal */
  protected refreshUser(): void {
    // Item scores come from fit; fold-in only records what the user has seen.
  }

  /** @internal */
  protected similarityScores(): { scores: ArrayLike<number>; candidates: Int32Array | null } {
    return { scores: this.scores, candidates: null };
  }

  /** @internal */
  protected optionsJSON(): Record<string, unknown> {
    return { ...this.options };
  }

  /** @internal */
  protected stateJSON(): Record<string, number[]> {
    return { scores: Array.from(this.scores) };
  }
}
