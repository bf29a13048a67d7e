import { readFileSync } from 'node:fs';
import type { MarksmanError } from '@marksman/core';
import { OptionsError, Random, Table, ValidationError } from '@marksman/core';
import { lookalike, type LookalikeMethod } from '@marksman/segmentation';
import { describe, expect, it } from 'vitest';

function expectCode(fn: () => unknown, cls: typeof MarksmanError, code: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as MarksmanError).code).toBe(code);
}

/** Three planted clusters; cluster 0 differs from the rest mostly in spend and orders. */
function planted(seed: number) {
  const rng = new Random(seed);
  const centres = [
    { orders: 12, spend: 900, tenure: 400, visits: 30 },
    { orders: 3, spend: 150, tenure: 380, visits: 28 },
    { orders: 2, spend: 100, tenure: 100, visits: 5 },
  ];
  const rows: { customerId: string; orders: number; spend: number; tenure: number; visits: number; cluster: number }[] = [];
  for (let i = 0; i < 900; i++) {
    const k = i % 3;
    const c = centres[k]!;
    rows.push({
      customerId: `c${i}`,
      orders: c.orders + rng.normal(0, 2),
      spend: c.spend + rng.normal(0, 120),
      tenure: c.tenure + rng.normal(0, 60),
      visits: c.visits + rng.normal(0, 5),
      cluster: k,
    });
  }
  return rows;
}

describe('lookalike', () => {
  const rows = Object.freeze(planted(9).map((r) => Object.freeze(r)));
  const cluster = new Map(rows.map((r) => [r.customerId, r.cluster]));
  const seeds = Object.freeze(rows.filter((r) => r.cluster === 0).slice(0, 40).map((r) => r.customerId));
  const features = ['orders', 'spend', 'tenure', 'visits'];

  for (const method of ['centroid', 'knn', 'classifier'] as LookalikeMethod[]) {
    it(`${method}: seeds are excluded and the top of the ranking is the seeds' cluster`, () => {
      const out = lookalike(seeds, rows, { method, features, size: 200 });
      expect(out).toHaveLength(200);
      const seedSet = new Set<unknown>(seeds);
      for (const m of out) expect(seedSet.has(m.customerId)).toBe(false);
      const top = out.slice(0, 200).filter((m) => cluster.get(String(m.customerId)) === 0).length;
      expect(top / 200).toBeGreaterThan(0.95);
      for (let i = 1; i < out.length; i++) expect(out[i]!.score).toBeLessThanOrEqual(out[i - 1]!.score);
      // the seed cluster stands out on orders and spend; tenure and visits do not separate it from cluster 1
      expect(['orders', 'spend']).toContain(out[0]!.drivers[0]!.feature);
      for (const m of out) for (const d of m.drivers) expect(d.contribution).toBeGreaterThan(0);
      const all = lookalike(seeds, rows, { method, features });
      expect(all).toHaveLength(rows.length - seeds.length);
    });
  }

  it('centroid: score and driver contributions follow the documented formulas', () => {
    // z-scores of x = [0, 2, 4]: mean 2, sd √(8/3); seed {0} → centroid c = −1.2247
    const out = lookalike([0], [{ customerId: 0, x: 0 }, { customerId: 1, x: 2 }, { customerId: 2, x: 4 }], { drivers: 1 });
    const sd = Math.sqrt(8 / 3);
    const c = -2 / sd;
    expect(out.map((m) => m.customerId)).toEqual([1, 2]);
    expect(out[0]!.score).toBeCloseTo(1 / (1 + Math.abs(0 - c)), 12);
    expect(out[1]!.score).toBeCloseTo(1 / (1 + Math.abs(2 / sd - c)), 12);
    // customer 1 is at the population mean: contribution c² − c² = 0 → no positive driver
    expect(out[0]!.drivers).toEqual([]);
  });

  it('knn with k = 1 scores by the distance to the nearest seed', () => {
    const prof = [0, 1, 10, 11, 30].map((x, i) => ({ customerId: i, x }));
    const out = lookalike([0, 3], prof, { method: 'knn', k: 1 });
    // nearest seeds: id 1 → 0 (gap 1), id 2 → 3 (gap 1), id 4 → 3 (gap 19); ties keep input order
    expect(out.map((m) => m.customerId)).toEqual([1, 2, 4]);
    expect(out[0]!.score).toBeCloseTo(out[1]!.score, 12);
  });

  it('classifier: seed probabilities match scikit-learn LogisticRegression(C=1, class_weight="balanced")', () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/lookalike-sklearn.json', import.meta.url), 'utf8')) as {
      X: number[][];
      seedRows: number[];
      probaNonSeed: Record<string, number>;
    };
    const prof = Table.fromColumns({
      customerId: fx.X.map((_, i) => i),
      a: fx.X.map((r) => r[0]!),
      b: fx.X.map((r) => r[1]!),
      c: fx.X.map((r) => r[2]!),
    });
    const out = lookalike(fx.seedRows, prof, { method: 'classifier' });
    expect(out).toHaveLength(fx.X.length - fx.seedRows.length); // (sklearn lbfgs stops near 1e-6 of the optimum)
    for (const m of out) expect(m.score).toBeCloseTo(fx.probaNonSeed[String(m.customerId)]!, 5);
  });

  it('drops constant features from the standardisation', () => {
    const out = lookalike([0], [0, 1, 5].map((x, i) => ({ customerId: i, x, flat: 7 })));
    expect(out.map((m) => m.customerId)).toEqual([1, 2]);
    expect(out.flatMap((m) => m.drivers.map((d) => d.feature))).not.toContain('flat');
  });

  it('rejects bad input with typed errors', () => {
    const prof = [{ customerId: 1, x: 1 }, { customerId: 2, x: 2 }];
    expectCode(() => lookalike([], prof), ValidationError, 'E_SEED_EMPTY');
    expectCode(() => lookalike([3], prof), ValidationError, 'E_SEED_UNKNOWN');
    expectCode(() => lookalike([1], [{ customerId: 1, x: 1 }, { customerId: 1, x: 2 }]), ValidationError, 'E_DUPLICATE_ID');
    expectCode(() => lookalike([1], [{ x: 1 }] as never), ValidationError, 'E_ID_TYPE');
    expectCode(() => lookalike([1], prof, { method: 'svm' as never }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => lookalike([1], prof, { size: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => lookalike([1], prof, { k: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => lookalike([1], prof, { l2: 0 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => lookalike([1], prof, { drivers: -1 }), OptionsError, 'E_OPTION_RANGE');
    expectCode(() => lookalike([1], prof, { sizes: 1 } as never), OptionsError, 'E_OPTION_UNKNOWN');
    expectCode(() => lookalike([1], Table.fromColumns({ id: [1] }), { idField: 'customerId' }), ValidationError, 'E_FEATURE_MISSING');
  });
});
