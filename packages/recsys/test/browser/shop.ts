// A small simulated shop for the browser test, deterministic from a seed
// (core's Random), so the page and Node build the same interactions.
import { Random } from '@marksman/core';
import type { Interaction } from '@marksman/core';

/** Settings of the browser test's BPR run, shared by the page and Node. */
export const SHOP_RUN = Object.freeze({
  shopSeed: 17,
  model: Object.freeze({ factors: 8, iterations: 20, learningRate: 0.05, regularization: 0.01, seed: 5 }),
  batchSize: 256,
});

/** Settings of the learned models' browser test, shared by the page and Node. */
export const LEARNED_RUN = Object.freeze({
  shopSeed: 23,
  customers: 100,
  twoTower: Object.freeze({ embeddingDim: 16, layers: Object.freeze([16]) as readonly number[], epochs: 4, batchSize: 256, learningRate: 0.02, seed: 4 }),
  fm: Object.freeze({ factors: 16, epochs: 4, batchSize: 256, learningRate: 0.03, seed: 4 }),
  neumf: Object.freeze({ gmfDim: 8, mlpDim: 8, layers: Object.freeze([16, 8]) as readonly number[], epochs: 4, batchSize: 256, learningRate: 0.02, negatives: 2, seed: 4 }),
});

/**
 * `customers` shoppers in `segments` taste segments; `categories` product
 * categories of `perCategory` items with Zipf-like popularity inside each
 * category. A shopper of segment s buys mostly from category s mod categories
 * (85%), otherwise anywhere; 4–9 distinct items each, weight = quantity 1–3.
 */
export function smallShop(seed: number, customers = 160, categories = 4, perCategory = 15): Interaction[] {
  const rng = new Random(seed);
  const within = Array.from({ length: perCategory }, (_, j) => 1 / (j + 1));
  const nItems = categories * perCategory;
  const rows: Interaction[] = [];
  for (let c = 0; c < customers; c++) {
    const home = rng.int(categories);
    const n = 4 + rng.int(6);
    const basket = new Set<number>();
    while (basket.size < n) basket.add(rng.next() < 0.85 ? home * perCategory + rng.categorical(within) : rng.int(nItems));
    for (const item of basket) rows.push({ userId: `c${c}`, itemId: `sku-${item}`, weight: 1 + rng.int(3) });
  }
  return rows;
}
