import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OptionsError, Random, ValidationError } from '@marksman/core';
import { adjustedRandIndex, contingencyTable, normalizedMutualInfo } from '@marksman/metrics';

interface Case {
  name: string;
  labelsTrue: (number | string)[];
  labelsPred: (number | string)[];
  ari: number;
  nmi: Record<'arithmetic' | 'geometric' | 'min' | 'max', number>;
  contingency?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/clustering.json', import.meta.url), 'utf8')) as { cases: Case[] };

const freeze = <T>(x: T[]): readonly T[] => Object.freeze([...x]);

describe('clustering agreement vs scikit-learn 1.2.1 (fixtures/make_clustering.py)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = freeze(c.labelsTrue);
      const p = freeze(c.labelsPred);
      expect(Math.abs(adjustedRandIndex(t, p) - c.ari)).toBeLessThanOrEqual(1e-12);
      for (const m of ['arithmetic', 'geometric', 'min', 'max'] as const) {
        expect(Math.abs(normalizedMutualInfo(t, p, { averageMethod: m }) - c.nmi[m])).toBeLessThanOrEqual(1e-12);
      }
      expect(Math.abs(normalizedMutualInfo(t, p) - c.nmi.arithmetic)).toBeLessThanOrEqual(1e-12);
      if (c.contingency) {
        const table = contingencyTable(t, p);
        const rows = c.contingency.length;
        const cols = c.contingency[0]!.length;
        expect([table.rows.length, table.columns.length]).toEqual([rows, cols]);
        expect(Array.from(table.counts)).toEqual(c.contingency.flat());
      }
    });
  }
});

describe('adjustedRandIndex', () => {
  it('matches the documented example', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBe(0.5714285714285714);
  });

  it('is symmetric and invariant to renaming labels', () => {
    const r = new Random(3);
    const t = Array.from({ length: 300 }, () => r.int(5));
    const p = t.map((v) => (r.next() < 0.3 ? r.int(6) : v));
    const renamed = p.map((v) => `cluster-${(v * 7) % 11}`);
    const a = adjustedRandIndex(t, p);
    expect(adjustedRandIndex(p, t)).toBeCloseTo(a, 14);
    expect(adjustedRandIndex(t, renamed)).toBeCloseTo(a, 14);
    expect(a).toBeGreaterThan(0.3);
    expect(a).toBeLessThan(1);
  });

  it('is near 0 for independent labellings (mean over repetitions)', () => {
    const r = new Random(11);
    let s = 0;
    const reps = 40;
    for (let k = 0; k < reps; k++) {
      const t = Array.from({ length: 500 }, () => r.int(4));
      const p = Array.from({ length: 500 }, () => r.int(4));
      s += adjustedRandIndex(t, p);
    }
    // The standard deviation of one ARI here is about 0.003, so the mean of 40 is within ±0.003.
    expect(Math.abs(s / reps)).toBeLessThan(0.003);
  });

  it('accepts typed arrays and does not mutate its input', () => {
    const t = Int32Array.from([0, 0, 1, 1, 2]);
    const p = Float64Array.from([1, 1, 1, 0, 0]);
    const before = [Array.from(t), Array.from(p)];
    expect(adjustedRandIndex(t, p)).toBeCloseTo(adjustedRandIndex([0, 0, 1, 1, 2], [1, 1, 1, 0, 0]), 15);
    expect([Array.from(t), Array.from(p)]).toEqual(before);
  });

  it('handles many distinct labels (sparse path)', () => {
    const n = 20000;
    const t = Array.from({ length: n }, (_, i) => i);
    const p = Array.from({ length: n }, (_, i) => Math.floor(i / 2));
    // Pairs: tp = 0; true partition has no pairs, so ARI = 0 exactly.
    expect(adjustedRandIndex(t, p)).toBe(0);
    expect(adjustedRandIndex(t, t)).toBe(1);
  });
});

describe('normalizedMutualInfo', () => {
  it('matches the documented example', () => {
    expect(normalizedMutualInfo(['a', 'a', 'b', 'b'], [1, 1, 0, 0])).toBe(1);
    expect(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]).toFixed(6)).toBe('0.800000');
  });

  it('orders the normalisers: min ≥ geometric ≥ arithmetic ≥ max', () => {
    const t = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const p = [0, 0, 1, 1, 1, 1, 2, 3, 3];
    const v = (m: 'min' | 'geometric' | 'arithmetic' | 'max') => normalizedMutualInfo(t, p, { averageMethod: m });
    expect(v('min')).toBeGreaterThanOrEqual(v('geometric'));
    expect(v('geometric')).toBeGreaterThanOrEqual(v('arithmetic'));
    expect(v('arithmetic')).toBeGreaterThanOrEqual(v('max'));
  });

  it('rejects unknown options and averaging methods', () => {
    expect(() => normalizedMutualInfo([0], [0], { averageMethod: 'median' as 'min' })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_VALUE' }),
    );
    expect(() => normalizedMutualInfo([0], [0], { average: 'min' } as never)).toThrow(OptionsError);
  });
});

describe('contingencyTable', () => {
  it('matches the documented example with margins', () => {
    const t = contingencyTable(Object.freeze(['a', 'a', 'b', 'b']), Object.freeze([0, 1, 1, 1]));
    expect(t.rows).toEqual(['a', 'b']);
    expect(t.columns).toEqual([0, 1]);
    expect(Array.from(t.counts)).toEqual([1, 1, 0, 2]);
    expect(Array.from(t.rowSums)).toEqual([2, 2]);
    expect(Array.from(t.columnSums)).toEqual([1, 3]);
    expect(t.n).toBe(4);
  });

  it('sorts numbers before strings and keeps 1 and "1" apart', () => {
    const t = contingencyTable([1, '1', 'b', 0], [0, 0, 0, 0]);
    expect(t.rows).toEqual([0, 1, '1', 'b']);
    expect(contingencyTable([Infinity, -Infinity, 0, 2], [0, 0, 0, 0]).rows).toEqual([-Infinity, 0, 2, Infinity]);
  });
});

describe('validation', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).code;
    }
    return 'no error';
  };
  it('throws typed errors', () => {
    expect(code(() => adjustedRandIndex([0, 1], [0]))).toBe('E_LENGTH');
    expect(code(() => adjustedRandIndex([], []))).toBe('E_EMPTY');
    expect(code(() => normalizedMutualInfo([0, NaN], [0, 1]))).toBe('E_NAN');
    expect(code(() => contingencyTable([0, null as unknown as number], [0, 1]))).toBe('E_LABEL');
  });
  it('names the row at fault', () => {
    try {
      adjustedRandIndex([0, 1, 2], [0, 1, NaN]);
    } catch (e) {
      expect((e as ValidationError).row).toBe(2);
      expect((e as ValidationError).field).toBe('labelsPred');
    }
    expect.assertions(2);
  });
});

describe('missing arguments', () => {
  it('are typed errors naming the argument, and strings are not read as lists of characters', () => {
    for (const f of [contingencyTable, adjustedRandIndex, normalizedMutualInfo] as Array<(a: never, b: never) => unknown>) {
      for (const [a, b] of [
        [undefined, [0, 1]],
        [[0, 1], null],
        ['01', [0, 1]],
      ]) {
        let err: unknown;
        try {
          f(a as never, b as never);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).code).toBe('E_SHAPE');
      }
    }
  });
});
