// Test data: users and items in planted clusters, so a model that learns
// co-occurrence must beat the popularity ranking. Seeded with core's Random.
import { Random } from '@marksman/core';
import type { Interaction } from '@marksman/core';

export interface Planted {
  readonly rows: Interaction[];
  /** Cluster of each user (user ids are `u0`, `u1`, …). */
  readonly userCluster: number[];
  /** Cluster of each item (item ids are 0, 1, …). */
  readonly itemCluster: number[];
}

/**
 * `clusters` groups of `itemsPerCluster` items; each user belongs to one
 * group and picks `perUser` distinct items, a share `purity` of them from
 * its own group (item popularity within a group is skewed, Zipf-like), the
 * rest from anywhere. Cluster 0 holds more users, so global popularity
 * favours cluster-0 items and is wrong for everyone else.
 */
export function plantedClusters(seed: number, opts: { users?: number; clusters?: number; itemsPerCluster?: number; perUser?: number; purity?: number } = {}): Planted {
  const { users = 120, clusters = 4, itemsPerCluster = 25, perUser = 12, purity = 0.9 } = opts;
  const rng = new Random(seed);
  const nItems = clusters * itemsPerCluster;
  const rows: Interaction[] = [];
  const userCluster: number[] = [];
  const itemCluster = Array.from({ length: nItems }, (_, i) => Math.floor(i / itemsPerCluster));
  const within = Array.from({ length: itemsPerCluster }, (_, j) => 1 / (j + 1));
  for (let u = 0; u < users; u++) {
    const c = rng.next() < 0.4 ? 0 : 1 + rng.int(clusters - 1);
    userCluster.push(c);
    const chosen = new Set<number>();
    while (chosen.size < perUser) {
      const item = rng.next() < purity ? c * itemsPerCluster + rng.categorical(within) : rng.int(nItems);
      chosen.add(item);
    }
    for (const item of chosen) rows.push(Object.freeze({ userId: `u${u}`, itemId: item, weight: 1 + rng.int(3) }));
  }
  return { rows, userCluster, itemCluster };
}

/** Deep-freezes an array of records, as the house rules ask of test inputs. */
export function frozen<T extends object>(rows: readonly T[]): readonly T[] {
  return Object.freeze(rows.map((r) => Object.freeze({ ...r })));
}
