import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import { attribution } from '@marksman/metrics';
import type { AttributionModel, ConversionPath } from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};
const models: AttributionModel[] = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'];
const creditOf = (r: { channels: readonly string[]; credits: Float64Array }, c: string) => r.credits[r.channels.indexOf(c)]!;

function randomPaths(r: Random, n: number): ConversionPath[] {
  const channels = ['search', 'social', 'email', 'display', 'direct'];
  return Array.from({ length: n }, () => {
    const len = 1 + r.int(5);
    return {
      channels: Array.from({ length: len }, () => channels[r.int(channels.length)]!),
      conversions: r.int(3),
      nulls: r.int(4),
    };
  });
}

/**
 * Independent check of the Markov model: estimate the chain from the paths and
 * push the start distribution forward until (almost) all mass is absorbed.
 */
function absorbByIteration(paths: ConversionPath[], removed: string | null): number {
  const out = new Map<string, Map<string, number>>();
  const bump = (from: string, to: string, w: number) => {
    const row = out.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + w);
    out.set(from, row);
  };
  for (const p of paths) {
    const w = (p.conversions ?? 1) + (p.nulls ?? 0);
    if (w === 0) continue;
    const seq = ['(start)', ...Array.from(p.channels)];
    for (let i = 0; i + 1 < seq.length; i++) bump(seq[i]!, seq[i + 1]!, w);
    bump(seq[seq.length - 1]!, '(conversion)', p.conversions ?? 1);
    bump(seq[seq.length - 1]!, '(null)', p.nulls ?? 0);
  }
  let dist = new Map<string, number>([['(start)', 1]]);
  let converted = 0;
  for (let step = 0; step < 5000; step++) {
    const next = new Map<string, number>();
    for (const [s, mass] of dist) {
      const row = out.get(s)!;
      let total = 0;
      for (const v of row.values()) total += v;
      for (const [to, v] of row) {
        const m = (mass * v) / total;
        if (to === '(conversion)') converted += m;
        else if (to === '(null)' || to === removed) continue;
        else next.set(to, (next.get(to) ?? 0) + m);
      }
    }
    dist = next;
    if (dist.size === 0) break;
  }
  return converted;
}

describe('attribution', () => {
  it('documented example (last touch and Markov by hand)', () => {
    // Chain: start→ads 2/3, start→email 1/3, ads→email 1/2, ads→null 1/2, email→conversion 1.
    // P = 2/3·1/2 + 1/3 = 2/3; without ads P = 1/3 (RE 1/2); without email P = 0 (RE 1).
    const paths = Object.freeze([
      Object.freeze({ channels: Object.freeze(['ads', 'email']), conversions: 1 }),
      Object.freeze({ channels: Object.freeze(['ads']), conversions: 0, nulls: 1 }),
      Object.freeze({ channels: Object.freeze(['email']), conversions: 1 }),
    ]);
    const lt = attribution(paths, { model: 'last_touch' });
    expect(lt.channels).toEqual(['ads', 'email']);
    expect(Array.from(lt.credits)).toEqual([0, 2]);
    expect(lt.removalEffects).toBeNull();
    const mk = attribution(paths, { model: 'markov' });
    expect(mk.conversionProbability).toBeCloseTo(2 / 3, 14);
    expect(Array.from(mk.removalEffects!)).toEqual([0.5, 1]);
    expect(mk.credits[0]).toBeCloseTo(2 / 3, 14);
    expect(mk.credits[1]).toBeCloseTo(4 / 3, 14);
  });

  it('heuristic models by hand', () => {
    const p = [['a', 'b', 'c', 'd']];
    expect(Array.from(attribution(p, { model: 'first_touch' }).credits)).toEqual([1, 0, 0, 0]);
    expect(Array.from(attribution(p, { model: 'linear' }).credits)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const pb = attribution(p, { model: 'position_based' }).credits;
    [0.4, 0.1, 0.1, 0.4].forEach((v, i) => expect(pb[i]).toBeCloseTo(v, 15));
    expect(Array.from(attribution([['a', 'b']], { model: 'position_based', firstWeight: 0.3, lastWeight: 0.6 }).credits).map((v) => +v.toFixed(12))).toEqual([
      0.333333333333, 0.666666666667,
    ]);
    // Default ages 2, 1, 0 touches with half-life 1: weights 1/4, 1/2, 1 → 1/7, 2/7, 4/7.
    const td = attribution([['a', 'b', 'c']], { model: 'time_decay', halfLife: 1 }).credits;
    [1 / 7, 2 / 7, 4 / 7].forEach((v, i) => expect(td[i]).toBeCloseTo(v, 15));
    // Explicit ages (days): 14 and 0 days with the default 7-day half-life: weights 1/4 and 1.
    const aged = attribution([{ channels: ['a', 'b'], ages: [14, 0] }], { model: 'time_decay' }).credits;
    expect(aged[0]).toBeCloseTo(0.2, 15);
    // A repeated channel gets a share per touch under 'linear'.
    expect(Array.from(attribution([['a', 'b', 'a']], { model: 'linear' }).credits)).toEqual([2 / 3, 1 / 3]);
  });

  it('credits sum to the number of conversions under every model', () => {
    const r = new Random(10);
    for (let t = 0; t < 10; t++) {
      const paths = randomPaths(r, 60);
      const total = paths.reduce((s, p) => s + (p.conversions ?? 1), 0);
      if (total === 0) continue;
      for (const model of models) {
        const res = attribution(paths, { model });
        expect(res.conversions).toBe(total);
        expect(res.credits.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 10);
        if (model !== 'shapley') for (const v of res.credits) expect(v).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('Markov conversion probability and removal effects agree with forward iteration of the chain', () => {
    const r = new Random(77);
    const paths = randomPaths(r, 80);
    const res = attribution(paths, { model: 'markov' });
    const base = absorbByIteration(paths, null);
    expect(res.conversionProbability!).toBeCloseTo(base, 9);
    res.channels.forEach((c, i) => {
      expect(res.removalEffects![i]!).toBeCloseTo(1 - absorbByIteration(paths, c) / base, 9);
    });
  });

  it('Markov: self-loops do not matter; single-touch journeys reduce to last touch', () => {
    const a = attribution([['a', 'b'], ['b', 'c'], { channels: ['a'], conversions: 0, nulls: 2 }], { model: 'markov' });
    const b = attribution([['a', 'a', 'b'], ['b', 'c', 'c', 'c'], { channels: ['a', 'a'], conversions: 0, nulls: 2 }], { model: 'markov' });
    b.credits.forEach((v, i) => expect(v).toBeCloseTo(a.credits[i]!, 12));
    const single = [
      { channels: ['x'], conversions: 3, nulls: 10 },
      { channels: ['y'], conversions: 1, nulls: 1 },
      { channels: ['z'], conversions: 0, nulls: 5 },
    ];
    const mk = attribution(single, { model: 'markov' });
    expect(creditOf(mk, 'x')).toBeCloseTo(3, 12);
    expect(creditOf(mk, 'y')).toBeCloseTo(1, 12);
    expect(creditOf(mk, 'z')).toBe(0);
  });

  it('throws typed errors', () => {
    expect(codeOf(() => attribution([{ channels: ['a'], conversions: 0, nulls: 1 }]))).toBe('E_NO_CONVERSIONS');
    expect(codeOf(() => attribution([[]]))).toBe('E_EMPTY');
    expect(codeOf(() => attribution([['a', '']]))).toBe('E_LABEL');
    expect(codeOf(() => attribution([['a', 3 as unknown as string]]))).toBe('E_LABEL');
    expect(codeOf(() => attribution('a' as never))).toBe('E_SHAPE');
    expect(codeOf(() => attribution([5 as never]))).toBe('E_SHAPE');
    expect(codeOf(() => attribution([{ channels: ['a'], ages: [1, 2] }], { model: 'time_decay' }))).toBe('E_LENGTH');
    expect(codeOf(() => attribution([{ channels: ['a'], ages: [-1] }], { model: 'time_decay' }))).toBe('E_RANGE');
    expect(codeOf(() => attribution([{ channels: ['a'], conversions: -1 }]))).toBe('E_RANGE');
    expect(codeOf(() => attribution([{ channels: ['a'], nulls: NaN }]))).toBe('E_NAN');
    expect(codeOf(() => attribution([{ channels: ['a'], conversions: Infinity }]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => attribution([['a']], { model: 'data_driven' as 'linear' }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => attribution([['a']], { halfLife: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => attribution([['a']], { firstWeight: 0.7, lastWeight: 0.7 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => attribution([['a']], { firstWeight: -0.1 }))).toBe('E_OPTION_RANGE');
  });
});

describe('attribution inputs', () => {
  it('refuses a misspelt path field (which would silently default to one conversion) and overflowing totals', () => {
    expect(codeOf(() => attribution([{ channels: ['ads'], conversion: 0 } as never]))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => attribution([{ channels: 'ads' as never }]))).toBe('E_SHAPE');
    expect(codeOf(() => attribution([{ channels: ['a', 'b'], conversions: 1e308 }, { channels: ['b'], conversions: 0, nulls: 1e308 }], { model: 'markov' }))).toBe('E_OVERFLOW');
  });
});

/** Exact Shapley values of a game on `m` players by enumerating all m! orders (independent of the subset formula). */
function shapleyByPermutations(m: number, v: (set: readonly number[]) => number): number[] {
  const phi = new Array<number>(m).fill(0);
  let count = 0;
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      count++;
      for (let j = 0; j < m; j++) {
        const before = prefix.slice(0, j);
        phi[prefix[j]!]! += v([...before, prefix[j]!]) - v(before);
      }
      return;
    }
    for (let i = 0; i < rest.length; i++) permute([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  permute([], Array.from({ length: m }, (_, i) => i));
  return phi.map((x) => x / count);
}

describe("attribution 'shapley'", () => {
  it('matches a hand computation on two channels', () => {
    // v(a) = 0.1, v(b) = 0.05, v(ab) = 0.3: φ_a(ab) = ½·0.1 + ½·(0.3 − 0.05) = 0.175, φ_b(ab) = 0.125
    const r = attribution(
      Object.freeze([
        { channels: ['a'], conversions: 10, nulls: 90 },
        { channels: ['b'], conversions: 5, nulls: 95 },
        { channels: ['b', 'a', 'a'], conversions: 30, nulls: 70 },
      ]),
      { model: 'shapley' },
    );
    expect(r.channels).toEqual(['a', 'b']);
    expect(r.credits[0]).toBeCloseTo(10 + 100 * 0.175, 12);
    expect(r.credits[1]).toBeCloseTo(5 + 100 * 0.125, 12);
    expect(Array.from(r.standardErrors!)).toEqual([0, 0]);
    expect(r.removalEffects).toBeNull();
  });

  it('equals Shapley values by enumeration of all orders on a random three- and four-channel game', () => {
    const rng = new Random(5);
    for (const m of [3, 4]) {
      const names = ['a', 'b', 'c', 'd'].slice(0, m);
      const paths: ConversionPath[] = [];
      const rates = new Map<string, number>();
      // every non-empty subset observed with 1,000 journeys and a random number of conversions
      for (let mask = 1; mask < 1 << m; mask++) {
        const set = names.filter((_, i) => mask & (1 << i));
        const conversions = rng.int(400);
        paths.push({ channels: set, conversions, nulls: 1000 - conversions });
        rates.set(set.join(','), conversions / 1000);
      }
      const r = attribution(paths, { model: 'shapley' });
      // expected: for each set T, n_T × φ(T) in the game restricted to T
      const expected = new Array<number>(m).fill(0);
      for (let mask = 1; mask < 1 << m; mask++) {
        const members = names.map((_, i) => i).filter((i) => mask & (1 << i));
        const phi = shapleyByPermutations(members.length, (set) => rates.get(set.map((j) => names[members[j]!]).sort().join(',')) ?? 0);
        members.forEach((c, j) => (expected[c]! += 1000 * phi[j]!));
      }
      for (let c = 0; c < m; c++) expect(r.credits[c]).toBeCloseTo(expected[c]!, 9);
      expect(r.credits.reduce((s, x) => s + x, 0)).toBeCloseTo(r.conversions, 9);
    }
  });

  it('symmetric channels get equal credit; a channel that adds nothing gets none', () => {
    const r = attribution(
      [
        { channels: ['x'], conversions: 20, nulls: 80 },
        { channels: ['y'], conversions: 20, nulls: 80 },
        { channels: ['x', 'y'], conversions: 50, nulls: 50 },
        { channels: ['z'], conversions: 0, nulls: 100 },
        { channels: ['x', 'z'], conversions: 20, nulls: 80 },
      ],
      { model: 'shapley' },
    );
    const [x, y, z] = r.credits;
    expect(z).toBeCloseTo(0, 12);
    expect(x! - 20 - 20).toBeCloseTo(y! - 20, 12); // x's extra credit is its {x, z} journeys
    expect(x! + y! + z!).toBeCloseTo(110, 12);
  });

  it('recovers known additive channel effects on 1,000,000 simulated journeys (where linear and last-touch do not)', () => {
    const rng = new Random(31);
    const channels = ['search', 'social', 'email', 'display'];
    const reach = [0.6, 0.5, 0.3, 0.4];
    const effect = [0.05, 0.01, 0.08, 0.002]; // P(convert | set) = Σ effects of the set
    const counts = new Map<string, { conversions: number; nulls: number }>();
    const exposed = [0, 0, 0, 0];
    for (let i = 0; i < 1_000_000; i++) {
      const set = channels.filter((_, c) => rng.next() < reach[c]!);
      if (set.length === 0) continue;
      let p = 0;
      for (const c of set) {
        const j = channels.indexOf(c);
        p += effect[j]!;
        exposed[j]!++;
      }
      const key = set.join('>');
      const cell = counts.get(key) ?? { conversions: 0, nulls: 0 };
      if (rng.next() < p) cell.conversions++;
      else cell.nulls++;
      counts.set(key, cell);
    }
    const paths = [...counts].map(([key, c]) => ({ channels: key.split('>'), ...c }));
    const caused = channels.map((_, j) => effect[j]! * exposed[j]!);
    const errorOf = (model: AttributionModel) => {
      const r = attribution(paths, { model });
      return Math.max(...channels.map((c, j) => Math.abs(creditOf(r, c) - caused[j]!) / r.conversions));
    };
    // Shapley's credits sit within 1 % of all conversions of the caused ones; the heuristics miss by far more
    expect(errorOf('shapley')).toBeLessThan(0.01);
    expect(errorOf('linear')).toBeGreaterThan(0.05);
    expect(errorOf('last_touch')).toBeGreaterThan(0.05);
  });

  it('samples permutations beyond exactLimit: within 4 standard errors of the exact answer, same seed same result', () => {
    const rng = new Random(8);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const paths: ConversionPath[] = [];
    for (let mask = 1; mask < 32; mask++) {
      const conversions = rng.int(300);
      paths.push({ channels: names.filter((_, i) => mask & (1 << i)), conversions, nulls: 1000 - conversions });
    }
    const exact = attribution(paths, { model: 'shapley' });
    const sampled = attribution(paths, { model: 'shapley', exactLimit: 2, samples: 3000, seed: 3 });
    expect(sampled.credits.reduce((s, x) => s + x, 0)).toBeCloseTo(sampled.conversions, 8);
    for (let c = 0; c < 5; c++) {
      const se = sampled.standardErrors![c]!;
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(sampled.credits[c]! - exact.credits[c]!)).toBeLessThan(4 * se);
    }
    expect(attribution(paths, { model: 'shapley', exactLimit: 2, samples: 3000, seed: 3 })).toEqual(sampled);
    expect(Array.from(attribution(paths, { model: 'shapley', exactLimit: 2, samples: 3000, seed: 4 }).credits)).not.toEqual(Array.from(sampled.credits));
  });

  it('handles journeys over 18 channels by sampling, and the credits still sum to the total', () => {
    const names = Array.from({ length: 18 }, (_, i) => `ch${String(i).padStart(2, '0')}`);
    const paths = [
      { channels: names, conversions: 40, nulls: 60 },
      { channels: names.slice(0, 9), conversions: 10, nulls: 90 },
      { channels: names.slice(9), conversions: 5, nulls: 95 },
    ];
    const r = attribution(paths, { model: 'shapley', samples: 200, seed: 1 });
    expect(r.credits.reduce((s, x) => s + x, 0)).toBeCloseTo(55, 8);
    expect(r.standardErrors!.some((x) => x > 0)).toBe(true);
  });

  it('refuses bad Shapley options', () => {
    expect(codeOf(() => attribution([['a']], { model: 'shapley', exactLimit: 21 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => attribution([['a']], { model: 'shapley', exactLimit: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => attribution([['a']], { model: 'shapley', samples: 1.5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => attribution([['a']], { model: 'shapley', seed: 0.5 }))).toBe('E_SEED');
    const wide = Array.from({ length: 53 }, (_, i) => `c${i}`);
    expect(codeOf(() => attribution([wide], { model: 'shapley' }))).toBe('E_TOO_LARGE');
  });
});
