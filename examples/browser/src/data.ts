// Where the example's interactions come from: the simulated shop (seeded),
// or a MovieLens 100K `u.data` file the user drops on the page.
import type { Interaction } from '@marksman/core';
import { parseMovieLensRatings, simulateShop } from '@marksman/datasets';

/** Size and seed of the simulated shop. */
export interface ShopSettings {
  readonly seed: number;
  readonly customers: number;
  readonly items: number;
}

/** Interactions to train on, and how to show an item. */
export interface ExampleData {
  /** Where the rows came from, for the page. */
  readonly description: string;
  readonly rows: Interaction[];
  /** A readable label per item id (its category in the shop). */
  readonly itemLabels: ReadonlyMap<string, string>;
}

/** Purchases of a seeded synthetic shop, one row per (customer, item), weight = units bought. */
export function shopData(s: ShopSettings): ExampleData {
  const shop = simulateShop({ seed: s.seed, customers: s.customers, items: s.items });
  const rows = (shop.interactions ?? []).map((r) => ({ userId: r.userId, itemId: r.itemId, weight: r.weight }));
  const itemLabels = new Map(shop.items.map((item) => [String(item.itemId), item.category ?? '']));
  return { description: `simulated shop (seed ${s.seed}): ${s.customers} customers, ${s.items} items, ${rows.length} customer–item purchases`, rows, itemLabels };
}

/**
 * MovieLens 100K ratings (`u.data`, tab-separated) as implicit feedback: a
 * rating of 4 or 5 counts as a positive, the rest are left out.
 */
export function movieLensData(text: string): ExampleData {
  const report = parseMovieLensRatings(text, { file: 'u.data' });
  const rows = report.rows.filter((r) => (r.weight ?? 0) >= 4).map((r) => ({ userId: r.userId, itemId: r.itemId, weight: 1 }));
  const users = new Set(rows.map((r) => r.userId)).size;
  const items = new Set(rows.map((r) => r.itemId)).size;
  return { description: `MovieLens u.data: ${rows.length} ratings of 4 or 5 (of ${report.rows.length}) by ${users} users on ${items} movies`, rows, itemLabels: new Map() };
}
