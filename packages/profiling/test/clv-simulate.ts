// Test helper: simulates BG/NBD customers with known parameters (FHL 2005
// story): λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases are a Poisson
// process while alive; after each purchase the customer drops out with
// probability p. Ages T are spread over cohorts so recency varies.
import { Random } from '@marksman/core';

export interface SimulatedCustomer {
  frequency: number;
  recency: number;
  T: number;
  /** Purchases in (T, T + holdout]. */
  holdout: number;
}

export function simulateBgNbd(
  params: { r: number; alpha: number; a: number; b: number },
  n: number,
  seed: number,
  ages: readonly number[],
  holdout: number,
): SimulatedCustomer[] {
  const rng = new Random(seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(params.r, 1 / params.alpha);
    const p = rng.beta(params.a, params.b);
    const T = ages[i % ages.length]!;
    let t = 0;
    let x = 0;
    let tx = 0;
    let later = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > T + holdout) break;
      if (t <= T) {
        x++;
        tx = t;
      } else {
        later++;
      }
      if (rng.next() < p) break;
    }
    out.push({ frequency: x, recency: tx, T, holdout: later });
  }
  return out;
}

/**
 * Simulates Pareto/NBD customers: λ ~ Gamma(r, rate α), μ ~ Gamma(s, rate β);
 * lifetime τ ~ Exponential(μ); Poisson(λ) purchases while alive.
 */
export function simulateParetoNbd(
  params: { r: number; alpha: number; s: number; beta: number },
  n: number,
  seed: number,
  ages: readonly number[],
): SimulatedCustomer[] {
  const rng = new Random(seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(params.r, 1 / params.alpha);
    const mu = rng.gamma(params.s, 1 / params.beta);
    const end = Math.min(ages[i % ages.length]!, rng.exponential(mu));
    const T = ages[i % ages.length]!;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > end) break;
      x++;
      tx = t;
    }
    out.push({ frequency: x, recency: tx, T, holdout: 0 });
  }
  return out;
}
