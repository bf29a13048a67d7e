import { readFileSync } from 'node:fs';
import { LinearRegression } from '@marksman/learn';
import type { LinearRegressionJSON } from '@marksman/learn';
import { describe, expect, it, vi } from 'vitest';
import { borrowLeastSquaresKernel, returnLeastSquaresKernel } from '../src/internal/least-squares-kernel';
import { deepFreeze, typed } from './helpers';

interface LinearCase {
  readonly name: string;
  readonly params: { readonly alpha: number; readonly fitIntercept: boolean };
  readonly X: number[][];
  readonly y: number[];
  readonly sampleWeight: number[] | null;
  readonly coef: number[];
  readonly intercept: number;
  readonly Xtest: number[][];
  readonly predTest: number[];
}

/** Produced by fixtures/linear_sklearn.py (scikit-learn 1.2, Debian's python3). */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/linear-sklearn.json', import.meta.url), 'utf8')) as { readonly cases: LinearCase[] };

const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('LinearRegression equals scikit-learn LinearRegression / Ridge (fixtures/linear_sklearn.py)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: coefficients and intercept to 1e-8, held-out predictions`, () => {
      const X = deepFreeze(c.X.map((r) => [...r]));
      const y = deepFreeze([...c.y]);
      const m = new LinearRegression(c.params).fit(X, y, { sampleWeight: c.sampleWeight === null ? null : deepFreeze([...c.sampleWeight]) });
      Array.from(m.coefficients).forEach((v, j) => close(v, c.coef[j]!, 1e-8));
      close(m.intercept, c.intercept, 1e-8);
      Array.from(m.predict(c.Xtest)).forEach((v, i) => close(v, c.predTest[i]!, 1e-8));
    });
  }
});

describe('LinearRegression: properties', () => {
  const c = fixture.cases[1]!;

  it('rows, typed columns with feature names, records and named columns give the same model; predict reads records by name', () => {
    const names = ['a', 'b', 'c', 'd'];
    const cols = names.map((_, j) => Float64Array.from(c.X, (r) => r[j]!));
    const records = c.X.map((r) => Object.fromEntries(names.map((f, j) => [f, r[j]!])));
    const w = c.sampleWeight!;
    const fromRows = new LinearRegression().fit(c.X, c.y, { sampleWeight: w, featureNames: names });
    const fromCols = new LinearRegression().fit(cols, Float64Array.from(c.y), { sampleWeight: Float64Array.from(w), featureNames: names });
    const fromRecords = new LinearRegression().fit(records, c.y, { sampleWeight: w });
    const fromNamed = new LinearRegression().fit(Object.fromEntries(names.map((f, j) => [f, cols[j]!])), c.y, { sampleWeight: w });
    for (const m of [fromCols, fromRecords, fromNamed]) {
      expect(m.featureNames).toEqual(names);
      expect(Array.from(m.coefficients)).toEqual(Array.from(fromRows.coefficients));
      expect(m.intercept).toBe(fromRows.intercept);
    }
    const shuffled = records.slice(0, 3).map((r) => ({ d: r.d, c: r.c, b: r.b, a: r.a, other: 'ignored' }));
    expect(Array.from(fromRecords.predict(shuffled))).toEqual(Array.from(fromRows.predict(c.X.slice(0, 3))));
  });

  it('integer weights equal repeating rows; a weight of 0 equals leaving the row out', () => {
    const X = [[1, 0], [2, 1], [3, 5], [4, 2], [5, 3], [6, 1]];
    const y = [1, 3, 2, 5, 4, 7];
    const weighted = new LinearRegression({ alpha: 0.7 }).fit(X, y, { sampleWeight: [2, 1, 0, 1, 3, 1] });
    const rows = [0, 0, 1, 3, 4, 4, 4, 5];
    const repeated = new LinearRegression({ alpha: 0.7 }).fit(rows.map((i) => X[i]!), rows.map((i) => y[i]!));
    Array.from(weighted.coefficients).forEach((v, j) => close(v, repeated.coefficients[j]!, 1e-12));
    close(weighted.intercept, repeated.intercept, 1e-12);
  });

  it('ridge shrinks the coefficients towards 0 as alpha grows, and the intercept stays unpenalised', () => {
    const norms = [0, 1, 10, 100, 1e4].map((alpha) => {
      const m = new LinearRegression({ alpha }).fit(c.X, c.y);
      return Math.hypot(...m.coefficients);
    });
    for (let k = 1; k < norms.length; k++) expect(norms[k]!).toBeLessThan(norms[k - 1]!);
    const huge = new LinearRegression({ alpha: 1e12 }).fit(c.X, c.y);
    close(huge.intercept, c.y.reduce((a, b) => a + b, 0) / c.y.length, 1e-6);
  });

  it('collinear columns: the minimum-norm answer, the rank says how many columns are independent', () => {
    const m = new LinearRegression().fit({ x: [1, 2, 3, 4], twice: [2, 4, 6, 8], constant: [7, 7, 7, 7] }, [1, 3, 5, 7]);
    expect(m.rank).toBe(1);
    // y = 2x − 1 = 0.4·x + 0.8·(2x) − 1 has the least norm among the exact fits.
    close(m.coefficients[0]!, 0.4, 1e-12);
    close(m.coefficients[1]!, 0.8, 1e-12);
    expect(m.coefficients[2]).toBe(0);
    Array.from(m.predict([[5, 10, 7]])).forEach((v) => close(v, 9, 1e-12));
    const json = JSON.parse(JSON.stringify(m.toJSON())) as LinearRegressionJSON;
    expect(LinearRegression.fromJSON(json).rank).toBe(1);
    const { rank: _dropped, ...older } = json;
    expect(LinearRegression.fromJSON(older).rank).toBe(3);
    expect(() => LinearRegression.fromJSON({ ...json, rank: 4 })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'rank' }));
  });

  it('two one-hot groups beside the intercept: rank p − 2, and the fitted values equal the fixture\'s on the training rows', () => {
    const h = fixture.cases.find((k) => k.name.startsWith('two one-hot groups beside'))!;
    const m = new LinearRegression().fit(h.X, h.y);
    expect(m.rank).toBe(h.X[0]!.length - 2);
    const ref = h.X.map((r) => h.intercept + r.reduce((s, v, j) => s + v * h.coef[j]!, 0));
    Array.from(m.predict(h.X)).forEach((v, i) => close(v, ref[i]!, 1e-10));
  });

  it('toJSON / fromJSON round-trips exactly; onProgress reports the weighted mean squared error once', () => {
    const seen: (number | null)[] = [];
    const m = new LinearRegression({ alpha: 2, fitIntercept: false }).fit(c.X, c.y, { onProgress: (p) => seen.push(p.loss) });
    expect(seen).toHaveLength(1);
    const pred = m.predict(c.X);
    close(seen[0]!, c.y.reduce((s, v, i) => s + (v - pred[i]!) ** 2, 0) / c.y.length, 1e-12);
    const copy = LinearRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as LinearRegressionJSON);
    expect(copy.params).toEqual({ alpha: 2, fitIntercept: false });
    expect(Array.from(copy.predict(c.Xtest))).toEqual(Array.from(m.predict(c.Xtest)));
  });

  it('bad input gets typed errors naming the field', () => {
    expect(() => new LinearRegression({ alpha: -1 })).toThrow(typed('OptionsError', 'E_OPTION_RANGE', 'alpha'));
    expect(() => new LinearRegression({ fitIntercept: 1 as unknown as boolean })).toThrow(typed('OptionsError', 'E_OPTION_TYPE', 'fitIntercept'));
    expect(() => new LinearRegression({ ridge: 1 } as never)).toThrow(typed('OptionsError', 'E_OPTION_UNKNOWN'));
    expect(() => new LinearRegression().predict([[1]])).toThrow(typed('StateError', 'E_NOT_FITTED'));
    expect(() => new LinearRegression().fit([[1], [NaN]], [1, 2])).toThrow(typed('ValidationError', 'E_NOT_FINITE', 'x0'));
    expect(() => new LinearRegression().fit([[1], [2]], [1, 1e200])).toThrow(typed('ValidationError', 'E_TOO_LARGE', 'y'));
    expect(() => new LinearRegression().fit([[1], [2]], [1, 2, 3])).toThrow(typed('ValidationError', 'E_LENGTH', 'y'));
    expect(() => new LinearRegression().fit([[1], [2]], [1, 2], { sampleWeight: [0, 0] })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
    expect(() => new LinearRegression().fit({ spend: [1e200, -1e200] }, [1, 2])).toThrow(typed('ValidationError', 'E_OVERFLOW', 'spend'));
    const fitted = new LinearRegression().fit({ visits: [0, 1, 2], days: [1, 0, 4] }, [1, 3, 4]);
    expect(() => fitted.predict([{ visits: 1, days: 2 }, { visits: 1e308, days: 2 }])).toThrow(typed('ValidationError', 'E_OVERFLOW', 'visits'));
    const json = new LinearRegression().fit([[0], [1]], [1, 3]).toJSON();
    expect(() => LinearRegression.fromJSON({ ...json, coefficients: [1, 2] })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'coefficients'));
    expect(() => LinearRegression.fromJSON({ ...json, intercept: NaN })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'intercept'));
    expect(() => LinearRegression.fromJSON({ ...json, params: { fitIntercept: false } })).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'intercept'));
    expect(() => LinearRegression.fromJSON({ ...json, type: 'marksman.Ridge' } as never)).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'type'));
  });
});

describe('LinearRegression: Float64Array targets and weights are read in place', () => {
  const X = [Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 1, 0, 1, 2)];
  it('never written and not kept: changing them after the fit changes nothing; bad values still refused', () => {
    const y = Float64Array.of(3, 5, 7, 10, 11);
    const w = Float64Array.of(1, 2, 1, 2, 1);
    const m = new LinearRegression().fit(X, y, { sampleWeight: w });
    expect(Array.from(y)).toEqual([3, 5, 7, 10, 11]);
    expect(Array.from(w)).toEqual([1, 2, 1, 2, 1]);
    const json = JSON.stringify(m.toJSON());
    y.fill(0);
    w.fill(5);
    expect(JSON.stringify(m.toJSON())).toBe(json);
    expect(JSON.stringify(new LinearRegression().fit(X, [3, 5, 7, 10, 11], { sampleWeight: [1, 2, 1, 2, 1] }).toJSON())).toBe(json);
    expect(() => new LinearRegression().fit(X, Float64Array.of(1, 2, NaN, 4, 5))).toThrow(typed('ValidationError', 'E_NOT_FINITE', 'y'));
    expect(() => new LinearRegression().fit(X, Float64Array.of(1, 2, 3, 4, 1e200))).toThrow(typed('ValidationError', 'E_TOO_LARGE', 'y'));
    expect(() => new LinearRegression().fit(X, Float64Array.of(1, 2, 3, 4, 5), { sampleWeight: Float64Array.of(1, 1, -1, 1, 1) })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
  });
});

describe('LinearRegression: the WebAssembly kernel and its JavaScript fallback give the same models, bit for bit', () => {
  /** n rows of p features (a 0/1 column, a one-hot pair beside it when p ≥ 4, the rest spread over a few units), a target and positive weights, from a seed. */
  function data(n: number, p: number, seed: number): { X: Float64Array[]; y: Float64Array; w: Float64Array } {
    let s = seed;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const X = Array.from({ length: p }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) X[j]![i] = j === 0 ? (next() < 0.3 ? 1 : 0) : 40 * next() - 7;
      if (p >= 4) {
        X[2]![i] = next() < 0.5 ? 1 : 0;
        X[3]![i] = 1 - X[2]![i]!;
      }
    }
    const y = Float64Array.from({ length: n }, (_, i) => X.reduce((t, c, j) => t + (j + 1) * c[i]!, 3) + 5 * next());
    return { X, y, w: Float64Array.from({ length: n }, () => 0.25 + next()) };
  }
  // Every width q = p + 1 modulo 4 (the tiles), row counts within one block, at and past its 256 rows.
  const cases = [
    { n: 7, p: 1 },
    { n: 256, p: 2 },
    { n: 600, p: 4 },
    { n: 1001, p: 5 },
    { n: 513, p: 6 },
    { n: 300, p: 11 },
    { n: 90, p: 14 },
  ];
  const settings = [{}, { fitIntercept: false }, { alpha: 0.5 }];
  const fits = (L: typeof LinearRegression) =>
    cases.flatMap(({ n, p }) => {
      const d = data(n, p, n * 31 + p);
      return settings.flatMap((o) => [new L(o).fit(d.X, d.y).toJSON(), new L(o).fit(d.X, d.y, { sampleWeight: d.w }).toJSON()]);
    });

  it('Node has the kernel, and it sums columns and forms a block of the Gram matrix as the definitions say', () => {
    const k = borrowLeastSquaresKernel(4096);
    expect(k).not.toBeNull();
    const mem = new Float64Array(k!.memory.buffer);
    // Columns a = 1, 2, 3, b = 4, 5, 6 at 0; sums at byte 64; means at 128; R at 192; Z at 256 (3 rows of s = 4); G at 512.
    mem.set([1, 2, 3, 4, 5, 6], 0);
    k!.sums(0, 3, 2, 64);
    expect(Array.from(mem.subarray(8, 10))).toEqual([6, 15]);
    mem.set([1, 5], 16);
    mem.set([1, 1, 2], 24);
    mem.fill(0, 32, 80); // Z and G (the memory holds what the last user left)
    k!.block(0, 3, 2, 4, 0, 3, 128, 192, 256, 512);
    // centred rows (0, −1), (1, 0), (2, 1) scaled by R: (0, −1), (1, 0), (4, 2)
    expect(Array.from(mem.subarray(32, 44))).toEqual([0, -1, 0, 0, 1, 0, 0, 0, 4, 2, 0, 0]);
    expect(mem[64]).toBe(17); // Σ a²
    expect(mem[68]).toBe(8); // Σ b·a
    expect(mem[69]).toBe(5); // Σ b²
    returnLeastSquaresKernel(k!);
  });

  it('without WebAssembly the solve runs its JavaScript loops and gives the same coefficients, intercept and rank', async () => {
    const withKernel = fits(LinearRegression);
    expect(withKernel.some((j) => j.rank! < j.featureNames.length)).toBe(true); // the one-hot pair beside the intercept
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const { LinearRegression: Plain } = await import('../src/linear-regression');
      expect(fits(Plain as unknown as typeof LinearRegression)).toEqual(withKernel);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
