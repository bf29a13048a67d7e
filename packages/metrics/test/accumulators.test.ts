import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { CovarianceAccumulator, MeanAccumulator, ProportionAccumulator, RatioAccumulator } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

/** Reference moments by a two-pass loop (exact enough for data of moderate scale). */
function twoPass(x: ArrayLike<number>, y?: ArrayLike<number>) {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y ? y[i]! : 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y ? y[i]! - my : 0;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
  }
  return { mx, my, vx: cxx / (n - 1), vy: cyy / (n - 1), cov: cxy / (n - 1) };
}

/** Splits [0, n) into `parts` random contiguous shards (some may be empty). */
function shardBounds(r: Random, n: number, parts: number): Array<[number, number]> {
  const cuts = Array.from({ length: parts - 1 }, () => r.int(n + 1)).sort((a, b) => a - b);
  const edges = [0, ...cuts, n];
  return edges.slice(0, -1).map((e, i) => [e, edges[i + 1]!] as [number, number]);
}

/** Merges accumulators in a random binary tree; returns the root. */
function mergeRandomly<T extends { merge(o: T): T }>(r: Random, accs: T[]): T {
  const pool = [...accs];
  while (pool.length > 1) {
    const i = r.int(pool.length);
    const a = pool.splice(i, 1)[0]!;
    const j = r.int(pool.length);
    pool[j] = a.merge(pool[j]!);
  }
  return pool[0]!;
}

describe('MeanAccumulator', () => {
  it('documented example', () => {
    const a = new MeanAccumulator().addMany([2, 4, 4, 4]);
    const b = new MeanAccumulator().add(5).add(5).add(7).add(9);
    const all = a.merge(b);
    expect(all.mean()).toBe(5);
    expect(all.variance()).toBe(4.571428571428571);
    expect(all.toStats()).toEqual({ n: 8, sum: 40, sumSquares: 232 });
  });

  it('merging shards in any order equals one pass (1e-12 relative)', () => {
    const r = new Random(17);
    for (let trial = 0; trial < 20; trial++) {
      const n = 200 + r.int(2000);
      const x = Float64Array.from({ length: n }, () => r.normal(100, 15) * (trial % 2 ? 1 : 1e-3));
      const ref = twoPass(x);
      const onePass = new MeanAccumulator().addMany(Object.freeze(Array.from(x)));
      const welford = new MeanAccumulator();
      for (const v of x) welford.add(v);
      const shards = shardBounds(r, n, 2 + r.int(12)).map(([s, e]) => {
        const acc = new MeanAccumulator();
        if (r.next() < 0.5) acc.addMany(x.subarray(s, e));
        else for (let i = s; i < e; i++) acc.add(x[i]!);
        return acc;
      });
      const merged = mergeRandomly(r, shards);
      for (const acc of [onePass, welford, merged]) {
        expect(acc.count()).toBe(n);
        expect(relErr(acc.mean(), ref.mx)).toBeLessThan(1e-12);
        expect(relErr(acc.variance(), ref.vx)).toBeLessThan(1e-12);
        expect(relErr(acc.toStats().sumSquares, onePass.toStats().sumSquares)).toBeLessThan(1e-12);
      }
    }
  });

  it('keeps the variance of values around 1e9 with unit spread (no Σx² cancellation)', () => {
    const r = new Random(5);
    const n = 5000;
    const offset = 1e9;
    const x = new Float64Array(n);
    const dev = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = offset + r.normal(0, 1);
      dev[i] = x[i]! - offset; // exact (Sterbenz): the true deviation of the stored value
    }
    const ref = twoPass(dev);
    const welford = new MeanAccumulator();
    for (const v of x) welford.add(v);
    const batch = new MeanAccumulator().addMany(x);
    const merged = mergeRandomly(
      r,
      shardBounds(r, n, 16).map(([s, e]) => new MeanAccumulator().addMany(x.subarray(s, e))),
    );
    for (const acc of [welford, batch, merged]) {
      // The mean itself is known to about 1e-14 relative (ulp of 1e9 = 1.2e-7; n rounded updates).
      expect(Math.abs(acc.mean() - offset - ref.mx)).toBeLessThan(1e-5);
      expect(relErr(acc.variance(), ref.vx)).toBeLessThan(1e-6);
    }
    // Raw sums cannot carry this variance: Σx² − (Σx)²/n cancels about 18 digits.
    const naive = MeanAccumulator.fromStats(batch.toStats()).variance();
    expect(relErr(naive, ref.vx)).toBeGreaterThan(1e-3);
  });

  it('round-trips through JSON bit for bit, and through stats for moderate data', () => {
    const r = new Random(8);
    const acc = new MeanAccumulator().addMany(Array.from({ length: 100 }, () => r.exponential(0.1)));
    const copy = MeanAccumulator.fromJSON(JSON.parse(JSON.stringify(acc)));
    expect(copy.toJSON()).toEqual(acc.toJSON());
    expect(copy.variance()).toBe(acc.variance());
    const viaStats = MeanAccumulator.fromStats(acc.toStats());
    expect(relErr(viaStats.mean(), acc.mean())).toBeLessThan(1e-13);
    expect(relErr(viaStats.variance(), acc.variance())).toBeLessThan(1e-10);
    const clone = acc.clone().add(1);
    expect(clone.count()).toBe(101);
    expect(acc.count()).toBe(100);
  });

  it('merge leaves the other accumulator unchanged; empty states give NaN', () => {
    const a = new MeanAccumulator().addMany([1, 2, 3]);
    const b = new MeanAccumulator().addMany([10]);
    const before = b.toJSON();
    a.merge(b);
    expect(b.toJSON()).toEqual(before);
    expect(a.mean()).toBe(4);
    const e = new MeanAccumulator();
    expect(e.mean()).toBeNaN();
    expect(e.variance()).toBeNaN();
    expect(b.variance()).toBeNaN();
    expect(b.standardError()).toBeNaN();
    expect(e.merge(new MeanAccumulator()).count()).toBe(0);
    expect(new MeanAccumulator().merge(a).toJSON()).toEqual(a.toJSON());
    expect(new MeanAccumulator().addMany([1, 3]).standardDeviation()).toBeCloseTo(Math.SQRT2, 15);
    expect(new MeanAccumulator().addMany([1, 3]).standardError()).toBe(1);
    expect(new MeanAccumulator().addMany([1, 3]).sum()).toBe(4);
  });

  it('throws typed errors and adds nothing from a bad batch', () => {
    const acc = new MeanAccumulator().add(1);
    expect(codeOf(() => acc.add(NaN))).toBe('E_NAN');
    expect(codeOf(() => acc.addMany([1, 2, Infinity]))).toBe('E_NOT_FINITE');
    expect(acc.count()).toBe(1);
    expect(codeOf(() => MeanAccumulator.fromStats({ n: 2, sum: 10, sumSquares: 1 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => MeanAccumulator.fromStats({ n: 0, sum: 1, sumSquares: 1 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => MeanAccumulator.fromStats({ n: 1.5, sum: 1, sumSquares: 1 }))).toBe('E_RANGE');
    expect(codeOf(() => MeanAccumulator.fromStats({ n: 1, sum: NaN, sumSquares: 1 }))).toBe('E_NAN');
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 2, mean: 0, m2: -1 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 0, mean: 3, m2: 0 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => MeanAccumulator.fromJSON(null as never))).toBe('E_INPUT');
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 1, mean: 1 } as never))).toBe('E_NAN');
  });
});

describe('ProportionAccumulator', () => {
  it('documented example; merging in any order is exact', () => {
    const web = new ProportionAccumulator().addMany(Object.freeze([1, 0, 0, 1]));
    const app = new ProportionAccumulator().addCounts(6, 1);
    const all = web.merge(app);
    expect(all.toStats()).toEqual({ n: 10, conversions: 3 });
    expect(all.rate()).toBe(0.3);
    const r = new Random(1);
    const outcomes = Array.from({ length: 500 }, () => r.bernoulli(0.2));
    const shards = shardBounds(r, 500, 9).map(([s, e]) => new ProportionAccumulator().addMany(outcomes.slice(s, e)));
    const merged = mergeRandomly(r, shards);
    const direct = new ProportionAccumulator();
    for (const o of outcomes) direct.add(o);
    expect(merged.toStats()).toEqual(direct.toStats());
    expect(merged.conversions()).toBe(outcomes.filter(Boolean).length);
  });

  it('standard error, JSON round trip, empty state', () => {
    const p = ProportionAccumulator.fromStats({ n: 100, conversions: 20 });
    expect(p.standardError()).toBeCloseTo(0.04, 15);
    expect(ProportionAccumulator.fromJSON(JSON.parse(JSON.stringify(p))).toStats()).toEqual(p.toStats());
    expect(p.clone().add(true).count()).toBe(101);
    expect(p.count()).toBe(100);
    expect(new ProportionAccumulator().rate()).toBeNaN();
  });

  it('throws typed errors', () => {
    const p = new ProportionAccumulator();
    expect(codeOf(() => p.add(2))).toBe('E_RANGE');
    expect(codeOf(() => p.addMany([1, 0, 0.5]))).toBe('E_RANGE');
    expect(p.count()).toBe(0);
    expect(codeOf(() => p.addCounts(3, 4))).toBe('E_INCONSISTENT');
    expect(codeOf(() => p.addCounts(-1, 0))).toBe('E_RANGE');
    expect(codeOf(() => ProportionAccumulator.fromJSON({ n: 3, conversions: Infinity }))).toBe('E_NOT_FINITE');
  });
});

describe('RatioAccumulator', () => {
  it('documented example: Σx/Σy and cross sums', () => {
    const acc = new RatioAccumulator().addMany([10, 0, 30], [2, 1, 3]);
    expect(acc.ratio()).toBe(40 / 6);
    expect(acc.toStats()).toEqual({ n: 3, sumX: 40, sumY: 6, sumXX: 1000, sumYY: 14, sumXY: 110 });
  });

  it('merging shards in any order equals one pass (1e-12 relative)', () => {
    const r = new Random(23);
    for (let trial = 0; trial < 10; trial++) {
      const n = 300 + r.int(1000);
      const ys = Float64Array.from({ length: n }, () => 1 + r.poisson(3));
      const xs = Float64Array.from(ys, (y) => y * r.gamma(2, 5));
      const onePass = new RatioAccumulator().addMany(xs, ys);
      const shards = shardBounds(r, n, 2 + r.int(10)).map(([s, e]) => {
        const acc = new RatioAccumulator();
        if (r.next() < 0.5) acc.addMany(xs.subarray(s, e), ys.subarray(s, e));
        else for (let i = s; i < e; i++) acc.add(xs[i]!, ys[i]!);
        return acc;
      });
      const merged = mergeRandomly(r, shards);
      const a = merged.toStats();
      const b = onePass.toStats();
      for (const key of ['sumX', 'sumY', 'sumXX', 'sumYY', 'sumXY'] as const) expect(relErr(a[key], b[key])).toBeLessThan(1e-12);
      expect(relErr(merged.ratio(), onePass.ratio())).toBeLessThan(1e-12);
      expect(relErr(merged.ratioVariance(), onePass.ratioVariance())).toBeLessThan(1e-10);
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) {
        sx += xs[i]!;
        sy += ys[i]!;
      }
      expect(relErr(merged.ratio(), sx / sy)).toBeLessThan(1e-12);
      expect(relErr(merged.meanX(), sx / n)).toBeLessThan(1e-12);
      expect(relErr(merged.meanY(), sy / n)).toBeLessThan(1e-12);
    }
  });

  it('delta-method variance matches the spread of the ratio over repeated samples', () => {
    // 1500 simulated experiments of 200 users; the mean of the delta-method variance should
    // equal the empirical variance of Σx/Σy within the Monte-Carlo error (about ±4 %).
    const r = new Random(31);
    const reps = 1500;
    const ratios = new MeanAccumulator();
    const predicted = new MeanAccumulator();
    for (let k = 0; k < reps; k++) {
      const acc = new RatioAccumulator();
      for (let u = 0; u < 200; u++) {
        const sessions = 1 + r.poisson(2);
        acc.add(sessions * r.exponential(0.5), sessions);
      }
      ratios.add(acc.ratio());
      predicted.add(acc.ratioVariance());
    }
    expect(Math.abs(predicted.mean() / ratios.variance() - 1)).toBeLessThan(0.12);
  });

  it('round trips and errors', () => {
    const acc = new RatioAccumulator().addMany([1, 2, 3.5], [1, 1, 2]);
    expect(RatioAccumulator.fromJSON(JSON.parse(JSON.stringify(acc))).toJSON()).toEqual(acc.toJSON());
    const viaStats = RatioAccumulator.fromStats(acc.toStats());
    expect(relErr(viaStats.ratio(), acc.ratio())).toBeLessThan(1e-14);
    expect(acc.clone().add(1, 1).count()).toBe(4);
    expect(new RatioAccumulator().ratio()).toBeNaN();
    expect(new RatioAccumulator().add(1, 0).ratio()).toBeNaN();
    expect(new RatioAccumulator().meanX()).toBeNaN();
    expect(new RatioAccumulator().meanY()).toBeNaN();
    expect(new RatioAccumulator().add(1, 1).ratioVariance()).toBeNaN();
    expect(codeOf(() => acc.addMany([1, 2], [1]))).toBe('E_LENGTH');
    expect(codeOf(() => acc.add(1, NaN))).toBe('E_NAN');
    expect(codeOf(() => RatioAccumulator.fromStats({ n: 2, sumX: 2, sumY: 2, sumXX: 4, sumYY: 4, sumXY: 10 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => RatioAccumulator.fromStats({ n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 1 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => RatioAccumulator.fromJSON({ n: 2, meanX: 0, meanY: 0, cxx: -1, cyy: 0, cxy: 0 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => RatioAccumulator.fromJSON({ n: 0, meanX: 1, meanY: 0, cxx: 0, cyy: 0, cxy: 0 }))).toBe('E_INCONSISTENT');
  });
});

describe('CovarianceAccumulator', () => {
  it('documented example', () => {
    const acc = new CovarianceAccumulator().addMany([1, 2, 3, 4], [2, 4, 5, 9]);
    expect(acc.covariance()).toBeCloseTo(11 / 3, 15);
    expect(acc.slope()).toBe(2.2);
    expect(acc.correlation()).toBeCloseTo(11 / Math.sqrt(5 * 26), 15);
  });

  it('merging shards in any order equals the two-pass answer; stable near 1e9', () => {
    const r = new Random(44);
    for (let trial = 0; trial < 10; trial++) {
      const n = 500 + r.int(500);
      const offset = trial % 2 ? 1e9 : 0;
      const dx = Float64Array.from({ length: n }, () => r.normal(0, 2));
      const dy = Float64Array.from(dx, (v) => 0.5 * v + r.normal(0, 1));
      const xs = Float64Array.from(dx, (v) => offset + v);
      const ys = Float64Array.from(dy, (v) => offset + v);
      // Reference on the exact stored deviations.
      const ref = twoPass(Float64Array.from(xs, (v) => v - offset), Float64Array.from(ys, (v) => v - offset));
      const merged = mergeRandomly(
        r,
        shardBounds(r, n, 8).map(([s, e]) => {
          const acc = new CovarianceAccumulator();
          if (r.next() < 0.5) acc.addMany(xs.subarray(s, e), ys.subarray(s, e));
          else for (let i = s; i < e; i++) acc.add(xs[i]!, ys[i]!);
          return acc;
        }),
      );
      const tol = offset ? 1e-6 : 1e-12;
      expect(relErr(merged.covariance(), ref.cov)).toBeLessThan(tol);
      expect(relErr(merged.varianceX(), ref.vx)).toBeLessThan(tol);
      expect(relErr(merged.varianceY(), ref.vy)).toBeLessThan(tol);
      expect(relErr(merged.slope(), ref.cov / ref.vx)).toBeLessThan(tol);
      expect(relErr(merged.correlation(), ref.cov / Math.sqrt(ref.vx * ref.vy))).toBeLessThan(tol);
      if (offset) {
        expect(Math.abs(merged.meanX() - offset - ref.mx)).toBeLessThan(1e-5);
        expect(Math.abs(merged.meanY() - offset - ref.my)).toBeLessThan(1e-5);
      } else {
        expect(relErr(merged.meanX(), ref.mx)).toBeLessThan(1e-12);
        expect(relErr(merged.meanY(), ref.my)).toBeLessThan(1e-12);
      }
    }
  });

  it('round trips, NaN states and errors', () => {
    const acc = new CovarianceAccumulator().addMany([1, 2, 4], [3, 1, 2]);
    expect(CovarianceAccumulator.fromJSON(JSON.parse(JSON.stringify(acc))).toJSON()).toEqual(acc.toJSON());
    const viaStats = CovarianceAccumulator.fromStats(acc.toStats());
    expect(relErr(viaStats.covariance(), acc.covariance())).toBeLessThan(1e-12);
    expect(acc.clone().add(0, 0).count()).toBe(4);
    // Perfectly correlated data sit on the Cauchy–Schwarz boundary; rounding must not make them "inconsistent".
    const r = new Random(9);
    const xs = Array.from({ length: 1000 }, () => 1e6 + r.normal(0, 3));
    const onLine = CovarianceAccumulator.fromStats(new CovarianceAccumulator().addMany(xs, xs.map((v) => 2 * v + 1)).toStats());
    expect(onLine.correlation()).toBeGreaterThan(0.99);
    const one = new CovarianceAccumulator().add(1, 2);
    for (const v of [one.varianceX(), one.varianceY(), one.covariance(), one.correlation(), one.slope()]) expect(v).toBeNaN();
    expect(new CovarianceAccumulator().meanX()).toBeNaN();
    expect(new CovarianceAccumulator().meanY()).toBeNaN();
    expect(new CovarianceAccumulator().addMany([1, 1], [2, 3]).slope()).toBeNaN();
    expect(codeOf(() => acc.add(Infinity, 1))).toBe('E_NOT_FINITE');
    expect(codeOf(() => acc.addMany([1], [1, 2]))).toBe('E_LENGTH');
    expect(codeOf(() => CovarianceAccumulator.fromStats({ n: -1 } as never))).toBe('E_RANGE');
  });
});

describe('merging and loading refuse what is not an accumulator of the same kind', () => {
  it('merge(null), merge(undefined) and merge() are typed errors naming the argument', () => {
    for (const acc of [new MeanAccumulator(), new ProportionAccumulator(), new RatioAccumulator(), new CovarianceAccumulator()]) {
      for (const bad of [null, undefined]) {
        let err: unknown;
        try {
          (acc.merge as (o: unknown) => unknown)(bad);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(MarksmanError);
        expect((err as MarksmanError).code).toBe('E_MERGE_TYPE');
        expect((err as MarksmanError).field).toBe('other');
      }
    }
  });
  it('refuses a different accumulator type or a look-alike object, and leaves the state unchanged', () => {
    const p = new ProportionAccumulator().add(1);
    expect(codeOf(() => p.merge(new MeanAccumulator().add(3) as never))).toBe('E_MERGE_TYPE');
    expect(p.rate()).toBe(1);
    expect(codeOf(() => new CovarianceAccumulator().add(1, 2).merge(new RatioAccumulator().add(1, 2) as never))).toBe('E_MERGE_TYPE');
    expect(codeOf(() => new RatioAccumulator().add(1, 2).merge(new CovarianceAccumulator().add(1, 2) as never))).toBe('E_MERGE_TYPE');
    const m = new MeanAccumulator().add(1);
    expect(codeOf(() => m.merge({ n: 3 } as never))).toBe('E_MERGE_TYPE');
    expect(m.toJSON()).toEqual({ n: 1, mean: 1, m2: 0 });
    // merging with itself doubles the data, as with a clone
    const a = new MeanAccumulator().addMany([1, 3]);
    expect(a.merge(a).toJSON()).toEqual(new MeanAccumulator().addMany([1, 3, 1, 3]).toJSON());
  });
  it('refuses values whose moments overflow, keeping the state', () => {
    const m = new MeanAccumulator().add(1e308);
    expect(codeOf(() => m.add(-1e308))).toBe('E_OVERFLOW');
    expect(m.toJSON()).toEqual({ n: 1, mean: 1e308, m2: 0 });
    expect(codeOf(() => new MeanAccumulator().addMany([1e308, -1e308]))).toBe('E_OVERFLOW');
    expect(codeOf(() => new CovarianceAccumulator().addMany([1e308, -1e308], [1, 2]))).toBe('E_OVERFLOW');
    const big = MeanAccumulator.fromJSON({ n: 2 ** 52, mean: 0, m2: 0 });
    expect(codeOf(() => big.merge(MeanAccumulator.fromJSON({ n: 2 ** 52, mean: 0, m2: 0 })))).toBe('E_OVERFLOW');
    expect(codeOf(() => new ProportionAccumulator().addCounts(2 ** 53 - 1, 0).addCounts(1, 0))).toBe('E_OVERFLOW');
  });
  it('refuses batches that are not lists', () => {
    expect(codeOf(() => new MeanAccumulator().addMany(null as never))).toBe('E_SHAPE');
    expect(codeOf(() => new MeanAccumulator().addMany(5 as never))).toBe('E_SHAPE');
    expect(codeOf(() => new MeanAccumulator().addMany('12' as never))).toBe('E_SHAPE');
    expect(codeOf(() => new ProportionAccumulator().addMany(undefined as never))).toBe('E_SHAPE');
    expect(codeOf(() => new RatioAccumulator().addMany([1], null as never))).toBe('E_SHAPE');
  });
  it('fromJSON checks the structure and consistency of a saved state; counts must be safe integers', () => {
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 2, mean: 3, m2: 2, typo: 1 } as never))).toBe('E_INPUT');
    expect(codeOf(() => MeanAccumulator.fromJSON([2, 3, 2] as never))).toBe('E_INPUT');
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 1e308, mean: 3, m2: 2 }))).toBe('E_RANGE');
    expect(codeOf(() => MeanAccumulator.fromJSON({ n: 1, mean: 3, m2: 5 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => ProportionAccumulator.fromJSON({ n: 10, conversions: 3, k: 3 } as never))).toBe('E_INPUT');
    expect(codeOf(() => ProportionAccumulator.fromStats({ n: 1e308, conversions: 3 }))).toBe('E_RANGE');
    expect(codeOf(() => RatioAccumulator.fromJSON({ n: 3, meanX: 1, meanY: 2, cxx: 1, cyy: 1, cxy: 5 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => CovarianceAccumulator.fromJSON({ n: 1, meanX: 1, meanY: 2, cxx: 1, cyy: 0, cxy: 0 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => CovarianceAccumulator.fromStats({ n: 1e308, sumX: 1, sumY: 1, sumXX: 1, sumYY: 1, sumXY: 1 }))).toBe('E_RANGE');
  });
});
