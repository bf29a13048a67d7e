import { OptionsError, Random, StateError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';

/** Options of {@link PrivacyBudget}. */
export interface PrivacyBudgetOptions {
  /** Total ε the releases may spend (> 0). Required. */
  readonly epsilon: number;
  /** Total δ the releases may spend, in [0, 1); default 0 (pure ε-DP: Laplace only). */
  readonly delta?: number;
  /**
   * Seed of the noise. Required: the releases are repeatable from it, so it
   * must be secret and never reused for another release of the same data
   * (whoever knows it can subtract the noise).
   */
  readonly seed: number;
}

/** One release charged to a {@link PrivacyBudget}. */
export interface PrivacySpend {
  /** ε spent. */
  readonly epsilon: number;
  /** δ spent. */
  readonly delta: number;
  /** What was released (the function's name, or the caller's label). */
  readonly label: string;
}

/** ε and δ, spent or remaining. */
export interface PrivacyLoss {
  /** ε. */
  readonly epsilon: number;
  /** δ. */
  readonly delta: number;
}

const DEFAULTS: Readonly<{ epsilon: number | undefined; delta: number; seed: number | undefined }> = Object.freeze({ epsilon: undefined, delta: 0, seed: undefined });

/** Relative slack for rounding when summing spends (ten spends of 0.1 fit a budget of 1). */
const SLACK = 1e-12;

/** The noise source of each budget, kept out of the public surface. */
const streams = new WeakMap<PrivacyBudget, Random>();

/** Internal: the budget's random stream (for the mechanisms of this package). */
export function budgetRandom(budget: PrivacyBudget): Random {
  return streams.get(budget) as Random;
}

/**
 * A differential-privacy budget: the total (ε, δ) that a set of releases of
 * one data set may spend, under basic sequential composition (Dwork & Roth
 * 2014, "The Algorithmic Foundations of Differential Privacy", Theorem 3.16:
 * the ε's and δ's of the releases add up). Every private release
 * (`privateCount`, `privateSum`, `privateMean`) charges its (ε, δ) here
 * before drawing noise, and a release that would overspend is refused
 * (`StateError` `E_BUDGET_EXCEEDED`) without charging or drawing anything.
 * The budget also owns the seeded noise stream, so a sequence of releases is
 * repeatable from the seed.
 *
 * Costs O(1) per charge.
 *
 * @param options - `epsilon` (required, > 0), `delta` (default 0), `seed` (required)
 * @throws `OptionsError` `E_OPTION_MISSING` (epsilon or seed absent), `E_OPTION_RANGE` (ε ≤ 0 or not
 *   finite, δ outside [0, 1)), `E_SEED`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { PrivacyBudget } from '@marksman/metrics';
 * const budget = new PrivacyBudget({ epsilon: 1, delta: 1e-6, seed: 20240611 });
 * budget.spend(0.4, 0, 'count of buyers');
 * budget.remaining(); // => { epsilon: 0.6, delta: 0.000001 }
 * budget.spend(0.7); // throws E_BUDGET_EXCEEDED
 * budget.spent().epsilon; // => 0.4
 * ```
 */
export class PrivacyBudget {
  readonly #epsilon: number;
  readonly #delta: number;
  #spentEpsilon = 0;
  #spentDelta = 0;
  readonly #ledger: PrivacySpend[] = [];

  constructor(options: PrivacyBudgetOptions) {
    const source = 'PrivacyBudget';
    const o = resolveOptions(source, DEFAULTS, options);
    for (const field of ['epsilon', 'seed'] as const) {
      if (o[field] === undefined || o[field] === null) {
        throw new OptionsError('E_OPTION_MISSING', `${source}: ${field} is required${field === 'seed' ? ' (keep it secret: the noise can be removed by whoever knows it)' : ' (the total privacy loss the releases may spend, e.g. 1)'}.`, { source, field });
      }
    }
    requireEpsilon(source, o.epsilon);
    if (typeof o.delta !== 'number' || !(o.delta >= 0 && o.delta < 1)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: delta must lie in [0, 1) (e.g. 1e-6, well below 1 / number of people), got ${show(o.delta)}.`, { source, field: 'delta' });
    }
    if (!Number.isSafeInteger(o.seed)) {
      throw new OptionsError('E_SEED', `${source}: seed must be a safe integer, got ${show(o.seed)}.`, { source, field: 'seed' });
    }
    this.#epsilon = o.epsilon as number;
    this.#delta = o.delta;
    streams.set(this, new Random(o.seed as number));
  }

  /**
   * Charges (ε, δ) for one release, or refuses it and leaves the budget unchanged. O(1).
   *
   * @param epsilon - ε of the release (> 0)
   * @param delta - δ of the release (≥ 0); default 0
   * @param label - what is released, kept in the ledger; default `'release'`
   * @throws `StateError` `E_BUDGET_EXCEEDED` (the remaining ε or δ is too small); `OptionsError`
   *   `E_OPTION_RANGE` (ε ≤ 0, δ < 0 or not finite), `E_OPTION_TYPE` (label not a string)
   */
  spend(epsilon: number, delta = 0, label = 'release'): void {
    const source = 'PrivacyBudget.spend';
    requireEpsilon(source, epsilon);
    if (typeof delta !== 'number' || !(delta >= 0 && delta < 1)) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: delta must lie in [0, 1), got ${show(delta)}.`, { source, field: 'delta' });
    }
    if (typeof label !== 'string') throw new OptionsError('E_OPTION_TYPE', `${source}: label must be a string, got ${show(label)}.`, { source, field: 'label' });
    const e = this.#spentEpsilon + epsilon;
    const d = this.#spentDelta + delta;
    if (e > this.#epsilon * (1 + SLACK)) {
      throw new StateError('E_BUDGET_EXCEEDED', `${source}: "${label}" needs ε = ${epsilon} but only ${this.remaining().epsilon} of ε = ${this.#epsilon} is left; release less, or with a smaller ε.`, { source, field: 'epsilon' });
    }
    if (d > this.#delta * (1 + SLACK)) {
      throw new StateError('E_BUDGET_EXCEEDED', `${source}: "${label}" needs δ = ${delta} but only ${this.remaining().delta} of δ = ${this.#delta} is left; use the Laplace mechanism (δ = 0) or a larger budget δ.`, { source, field: 'delta' });
    }
    this.#spentEpsilon = e;
    this.#spentDelta = d;
    this.#ledger.push(Object.freeze({ epsilon, delta, label }));
  }

  /** The (ε, δ) spent so far. */
  spent(): PrivacyLoss {
    return { epsilon: this.#spentEpsilon, delta: this.#spentDelta };
  }

  /** The (ε, δ) left (never below 0). */
  remaining(): PrivacyLoss {
    return { epsilon: Math.max(this.#epsilon - this.#spentEpsilon, 0), delta: Math.max(this.#delta - this.#spentDelta, 0) };
  }

  /** The total (ε, δ) of the budget. */
  total(): PrivacyLoss {
    return { epsilon: this.#epsilon, delta: this.#delta };
  }

  /** Every charge so far, in order. */
  ledger(): readonly PrivacySpend[] {
    return [...this.#ledger];
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Throws `E_OPTION_RANGE` unless ε is a finite number > 0. */
export function requireEpsilon(source: string, epsilon: unknown): asserts epsilon is number {
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: epsilon must be a finite number > 0 (smaller is more private, e.g. 0.1 to 1), got ${show(epsilon)}.`, { source, field: 'epsilon' });
  }
}
