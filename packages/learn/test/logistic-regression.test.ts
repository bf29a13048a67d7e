import { Random, Table } from '@marksman/core';
import { LogisticRegression } from '@marksman/learn';
import type { LogisticRegressionJSON } from '@marksman/learn';
import { describe, expect, it, vi } from 'vitest';
import { TABLE_BYTES, borrowLogisticKernel, ensureBytes } from '../src/internal/logistic-kernel';
import { binaryTask, deepFreeze, sklearn, typed } from './helpers';
import type { LogisticCase } from './helpers';

/** scikit-learn's objective C·Σ wᵢ·loss + ½‖W‖² at (W, b), with wᵢ = sample × class weight. */
function objective(c: LogisticCase, W: readonly (readonly number[])[], b: readonly number[]): number {
  const n = c.X.length;
  const w = c.sampleWeight ?? new Array<number>(n).fill(1);
  const cw = new Map<number, number>();
  if (c.params.classWeight === 'balanced') {
    for (const k of c.classes) cw.set(k, n / (c.classes.length * c.y.filter((v) => v === k).length));
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]! * (cw.get(c.y[i]!) ?? 1);
    const z = W.map((row, k) => b[k]! + row.reduce((s, v, j) => s + v * c.X[i]![j]!, 0));
    if (W.length === 1) {
      const yi = c.y[i] === c.classes[1] ? 1 : 0;
      loss += wi * (Math.log1p(Math.exp(-Math.abs(z[0]!))) + Math.max(z[0]!, 0) - yi * z[0]!);
    } else {
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0));
      loss += wi * (lse - z[c.classes.indexOf(c.y[i]!)]!);
    }
  }
  let pen = 0;
  for (const row of W) for (const v of row) pen += v * v;
  return c.params.C * loss + 0.5 * pen;
}

describe('LogisticRegression equals scikit-learn (fixtures/learn_sklearn.py)', () => {
  it(`the fixture's reference is the optimum (gradient ≤ 1e-10), and scikit-learn ${sklearn.sklearn}'s lbfgs stops short of it`, () => {
    for (const c of sklearn.logistic) expect(c.gradient, c.name).toBeLessThan(1e-10);
    expect(Math.max(...sklearn.logistic.map((c) => c.lbfgsGap))).toBeGreaterThan(1e-6);
  });

  for (const c of sklearn.logistic) {
    it(`${c.name}: coefficients and intercepts within 1e-6, probabilities within 1e-7, objective no worse than scikit-learn's lbfgs`, () => {
      const X = deepFreeze(c.X.map((r) => [...r]));
      const y = deepFreeze([...c.y]);
      const sw = c.sampleWeight === null ? null : deepFreeze([...c.sampleWeight]);
      const m = new LogisticRegression({ C: c.params.C, fitIntercept: c.params.fitIntercept, classWeight: c.params.classWeight }).fit(X, y, { sampleWeight: sw });
      expect(m.converged).toBe(true);
      expect(m.classes).toEqual(c.classes);
      const coef = m.coefficients.map((r) => Array.from(r));
      expect(coef.length).toBe(c.coef.length);
      coef.forEach((row, k) => row.forEach((v, j) => expect(Math.abs(v - c.coef[k]![j]!), `coef[${k}][${j}]`).toBeLessThan(1e-6)));
      Array.from(m.intercepts).forEach((v, k) => expect(Math.abs(v - c.intercept[k]!), `intercept[${k}]`).toBeLessThan(1e-6));
      const proba = m.predictProba(c.Xtest);
      proba.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - c.probaTest[i]![k]!)).toBeLessThan(1e-7)));
      expect(objective(c, coef, Array.from(m.intercepts))).toBeLessThanOrEqual(objective(c, c.lbfgsCoef, c.lbfgsIntercept) + 1e-9);
    });
  }

  it('the multinomial intercepts are centred, as scikit-learn reports them', () => {
    const c = sklearn.logistic.find((k) => k.classes.length === 3)!;
    const m = new LogisticRegression().fit(c.X, c.y);
    expect(Math.abs(Array.from(m.intercepts).reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
  });

  it('without an intercept the intercepts are exactly 0', () => {
    const c = sklearn.logistic.find((k) => !k.params.fitIntercept)!;
    const m = new LogisticRegression({ fitIntercept: false }).fit(c.X, c.y);
    expect(Array.from(m.intercepts)).toEqual([0]);
  });
});

describe('LogisticRegression: properties', () => {
  const task = binaryTask(200, 3, 5);

  it('a sample weight of 2 equals the row given twice; weight 0 equals the row left out', () => {
    const w = task.y.map((_, i) => (i % 5 === 0 ? 2 : i % 7 === 0 ? 0 : 1));
    const X2: number[][] = [];
    const y2: number[] = [];
    task.X.forEach((r, i) => {
      for (let k = 0; k < w[i]!; k++) {
        X2.push(r);
        y2.push(task.y[i]!);
      }
    });
    const a = new LogisticRegression({ tol: 1e-10 }).fit(task.X, task.y, { sampleWeight: w });
    const b = new LogisticRegression({ tol: 1e-10 }).fit(X2, y2);
    Array.from(a.coefficients[0]!).forEach((v, j) => expect(v).toBeCloseTo(b.coefficients[0]![j]!, 8));
    expect(a.intercepts[0]).toBeCloseTo(b.intercepts[0]!, 8);
  });

  it('class weights by label name equal the same sample weights', () => {
    const a = new LogisticRegression({ classWeight: { '1': 3 } }).fit(task.X, task.y);
    const b = new LogisticRegression().fit(task.X, task.y, { sampleWeight: task.y.map((v) => (v === 1 ? 3 : 1)) });
    expect(Array.from(a.coefficients[0]!)).toEqual(Array.from(b.coefficients[0]!));
  });

  it('rows, typed columns with feature names, records, named columns and a Table give the same model; records are read by name in any order', () => {
    const names = ['recency', 'spend', 'visits'];
    const cols = names.map((_, j) => Float64Array.from(task.X, (r) => r[j]!));
    const records = task.X.map((r) => Object.fromEntries(names.map((f, j) => [f, r[j]!])));
    const named = Object.fromEntries(names.map((f, j) => [f, cols[j]!]));
    const fits = [
      new LogisticRegression().fit(task.X, task.y, { featureNames: names }),
      new LogisticRegression().fit(cols, task.y, { featureNames: names }),
      new LogisticRegression().fit(records, task.y),
      new LogisticRegression().fit(named, task.y),
      new LogisticRegression().fit(Table.fromColumns(named), task.y),
    ];
    for (const m of fits) {
      expect(m.featureNames).toEqual(names);
      expect(Array.from(m.coefficients[0]!)).toEqual(Array.from(fits[0]!.coefficients[0]!));
    }
    const shuffled = [{ visits: 1, recency: -1, spend: 0.5, ignored: 'x' }];
    const p = fits[0]!.predictProbaOf(shuffled)[0]!;
    expect(fits[0]!.predictProbaOf([[-1, 0.5, 1]])[0]).toBe(p);
    expect(fits[0]!.predictProbaOf({ spend: [0.5], visits: [1], recency: [-1] })[0]).toBe(p);
    expect(fits[0]!.predictProbaOf([new Float64Array([-1]), new Float64Array([0.5]), new Float64Array([1])])[0]).toBe(p);
  });

  it('predict is the most probable class; predictProba rows sum to 1; string labels come back as given', () => {
    const labels = task.y.map((v) => (v === 1 ? 'buyer' : 'browser'));
    const m = new LogisticRegression().fit(task.X, labels);
    expect(m.classes).toEqual(['browser', 'buyer']);
    const proba = m.predictProba(task.X.slice(0, 20));
    const pred = m.predict(task.X.slice(0, 20));
    proba.forEach((row, i) => {
      expect(row[0]! + row[1]!).toBeCloseTo(1, 14);
      expect(pred[i]).toBe(row[1]! > row[0]! ? 'buyer' : 'browser');
    });
    expect(Array.from(m.predictProbaOf(task.X.slice(0, 3), 'browser'))).toEqual(proba.slice(0, 3).map((r) => r[0]));
  });

  it('toJSON → JSON text → fromJSON predicts identically and keeps every field', () => {
    const m = new LogisticRegression({ C: 0.3 }).fit(task.X, task.y);
    const json = JSON.parse(JSON.stringify(m.toJSON())) as LogisticRegressionJSON;
    const copy = LogisticRegression.fromJSON(json);
    expect(copy.toJSON()).toEqual(m.toJSON());
    expect(Array.from(copy.predictProbaOf(task.X))).toEqual(Array.from(m.predictProbaOf(task.X)));
    expect(copy.params).toEqual(m.params);
    expect(copy.nIter).toBe(m.nIter);
  });

  it('fromJSON refuses a damaged model, naming the field', () => {
    const good = new LogisticRegression().fit(task.X, task.y).toJSON();
    const bad = (patch: Record<string, unknown>) => ({ ...good, ...patch }) as unknown as LogisticRegressionJSON;
    expect(() => LogisticRegression.fromJSON(bad({ type: 'other' }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'type'));
    expect(() => LogisticRegression.fromJSON(bad({ version: 2 }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'version'));
    expect(() => LogisticRegression.fromJSON(bad({ coefficients: [[1, 2]] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'coefficients[0]'));
    expect(() => LogisticRegression.fromJSON(bad({ intercepts: [null] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'intercepts'));
    expect(() => LogisticRegression.fromJSON(bad({ classes: [1, 0] }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'classes'));
    expect(() => LogisticRegression.fromJSON(bad({ params: { C: -1 } }))).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'params.C'));
    expect(() => LogisticRegression.fromJSON(null as unknown as LogisticRegressionJSON)).toThrow(typed('ValidationError', 'E_MODEL_JSON', 'json'));
  });

  it('stops where the objective stops changing in double precision, instead of searching lines in rounding noise', () => {
    // 100,000 rows: the objective's rounding error (≈ 1e-16 · √n relative) hides the last decreases, and the
    // gradient cannot fall far below 1e-8; the fit must end there, converged, without extra iterations.
    const n = 100_000;
    const r = new Random(1);
    const cols = Array.from({ length: 20 }, () => Float64Array.from({ length: n }, () => r.normal()));
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = r.next() < 1 / (1 + Math.exp(-(1.2 * cols[0]![i]! - 0.8 * cols[1]![i]! + 0.5 * cols[6]![i]! - 0.4))) ? 1 : 0;
    const losses: number[] = [];
    const m = new LogisticRegression().fit(cols, y, { onProgress: (e) => losses.push(e.loss!) });
    expect(m.converged).toBe(true);
    expect(m.nIter).toBeLessThanOrEqual(10);
    // Every iteration lowered the objective, up to its rounding error (approximate Wolfe steps may move
    // within it), and the last ones changed it by no more than that.
    for (let k = 1; k < losses.length; k++) expect(losses[k]!).toBeLessThanOrEqual(losses[k - 1]! * (1 + 1e-12));
    expect(Math.abs(losses.at(-2)! - losses.at(-1)!)).toBeLessThan(1e-12);
  });

  it('reports progress each iteration with a falling objective, and stops at maxIter with converged false', () => {
    const seen: number[] = [];
    const m = new LogisticRegression().fit(task.X, task.y, { onProgress: (p) => seen.push(p.loss!) });
    expect(seen.length).toBe(m.nIter);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeLessThanOrEqual(seen[k - 1]! + 1e-15);
    const short = new LogisticRegression({ maxIter: 1 }).fit(task.X, task.y);
    expect(short.converged).toBe(false);
    expect(short.nIter).toBe(1);
  });

  it('an aborted signal stops the fit with AbortError E_ABORTED', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => new LogisticRegression().fit(task.X, task.y, { signal: ac.signal })).toThrow(typed('AbortError', 'E_ABORTED'));
    const ac2 = new AbortController();
    expect(() => new LogisticRegression().fit(task.X, task.y, { signal: ac2.signal, onProgress: () => ac2.abort() })).toThrow(typed('AbortError', 'E_ABORTED'));
  });

  it('features near the largest number overflow the fit: ConvergenceError E_DIVERGED', () => {
    const X = [[1e308, 1e308], [-1e308, 1e308], [1e308, -1e308], [-1e308, -1e308]];
    expect(() => new LogisticRegression().fit(X, [1, 0, 0, 1])).toThrow(typed('ConvergenceError', 'E_DIVERGED', 'X'));
  });

  it('a feature far from 0 (mean over 1e3 standard deviations, copied standardised) gives the same model as the same feature centred', () => {
    const shifted = task.X.map((r) => [r[0]! + 1e7, r[1]!, r[2]!]);
    const a = new LogisticRegression().fit(task.X, task.y);
    const b = new LogisticRegression().fit(shifted, task.y);
    Array.from(a.coefficients[0]!).forEach((v, j) => expect(Math.abs(v - b.coefficients[0]![j]!)).toBeLessThan(1e-7));
    expect(Math.abs(a.intercepts[0]! - (b.intercepts[0]! + 1e7 * b.coefficients[0]![0]!))).toBeLessThan(1e-6);
  });

  it('typed-array labels give the model that the same labels as an array give, with more than eight classes too', () => {
    const r = new Random(3);
    const X = Array.from({ length: 300 }, () => [r.normal(), r.normal()]);
    const y = X.map((_, i) => i % 10);
    const a = new LogisticRegression().fit(X, y);
    const b = new LogisticRegression().fit(X, Float64Array.from(y));
    expect(b.classes).toEqual(a.classes);
    expect(b.coefficients.map((c) => Array.from(c))).toEqual(a.coefficients.map((c) => Array.from(c)));
  });
});

describe('LogisticRegression: the WebAssembly kernel and its JavaScript fallback', () => {
  it('the kernel\'s loss and residuals match Math.exp and Math.log1p to a few units in the last place', () => {
    const k = borrowLogisticKernel();
    expect(k).not.toBeNull(); // Node has WebAssembly SIMD
    const n = 4000;
    ensureBytes(k!, TABLE_BYTES + 32 * n);
    const at = (a: number) => TABLE_BYTES + 8 * n * a;
    const [z, y, w, r] = [0, 1, 2, 3].map((a) => new Float64Array(k!.memory.buffer, at(a), n)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const rng = new Random(7);
    const special = [0, -0, 1e-300, -1e-300, 1e-10, -1e-10, 0.3465, -0.3466, 36, -36, 700, -700, 710, -710, 800, -800];
    for (let i = 0; i < n; i++) {
      z[i] = i < special.length ? special[i]! : rng.normal() * 10;
      y[i] = rng.next() < 0.5 ? 1 : 0;
      w[i] = 0.5 + rng.next();
    }
    let want = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      want += w[i]! * (Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi))) - y[i]! * zi);
    }
    const got = k!.loss(at(0), at(1), at(2), at(3), n);
    expect(Math.abs(got - want) / want).toBeLessThan(1e-14);
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      const e = Math.exp(-Math.abs(zi));
      const ri = w[i]! * ((zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - y[i]!);
      expect(Math.abs(r[i]! - ri), `z = ${zi}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(ri) + 1e-300);
    }
  });

  it('a fit on 40,000 rows or more (warm-started on every 8th row) reaches the optimum, with the kernel and without, rows sorted by label', async () => {
    const n = 60_001;
    const task = binaryTask(n, 4, 21);
    const order = task.y.map((_, i) => i).sort((a, b) => task.y[a]! - task.y[b]! || a - b);
    const X = order.map((i) => task.X[i]!);
    const y = order.map((i) => task.y[i]!);
    const rng = new Random(4);
    const sw = y.map(() => 0.5 + rng.next());
    const C = 0.01;
    // Newton's method on C·Σ wᵢ·loss + ½‖W‖² (intercept not penalised), independent of the fit's code.
    const d = 5;
    const theta = new Float64Array(d);
    for (let it = 0; it < 50; it++) {
      const g = new Float64Array(d);
      const H = Array.from({ length: d }, () => new Float64Array(d));
      for (let i = 0; i < n; i++) {
        const x = [...X[i]!, 1];
        let z = 0;
        for (let j = 0; j < d; j++) z += theta[j]! * x[j]!;
        const q = 1 / (1 + Math.exp(-z));
        for (let j = 0; j < d; j++) {
          g[j]! += C * sw[i]! * (q - y[i]!) * x[j]!;
          for (let k = 0; k < d; k++) H[j]![k]! += C * sw[i]! * q * (1 - q) * x[j]! * x[k]!;
        }
      }
      for (let j = 0; j < d - 1; j++) {
        g[j]! += theta[j]!;
        H[j]![j]! += 1;
      }
      // Solve H·step = g by Gaussian elimination (H is positive definite).
      const A = H.map((row, j) => [...row, g[j]!]);
      for (let c = 0; c < d; c++) {
        for (let r = c + 1; r < d; r++) {
          const f = A[r]![c]! / A[c]![c]!;
          for (let k = c; k <= d; k++) A[r]![k]! -= f * A[c]![k]!;
        }
      }
      const step = new Float64Array(d);
      for (let r = d - 1; r >= 0; r--) {
        let v = A[r]![d]!;
        for (let k = r + 1; k < d; k++) v -= A[r]![k]! * step[k]!;
        step[r] = v / A[r]![r]!;
      }
      for (let j = 0; j < d; j++) theta[j]! -= step[j]!;
      if (Math.max(...step.map(Math.abs)) < 1e-13) break;
    }
    const check = (m: LogisticRegression) => {
      expect(m.converged).toBe(true);
      Array.from(m.coefficients[0]!).forEach((v, j) => expect(Math.abs(v - theta[j]!), `coef[${j}]`).toBeLessThan(1e-6));
      expect(Math.abs(m.intercepts[0]! - theta[d - 1]!)).toBeLessThan(1e-6);
    };
    check(new LogisticRegression({ C }).fit(X, y, { sampleWeight: sw }));
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const { LogisticRegression: Plain } = await import('../src/logistic-regression');
      check(new Plain({ C }).fit(X, y, { sampleWeight: sw }) as unknown as LogisticRegression);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('without WebAssembly the fit runs its JavaScript loop and reaches the same coefficients', async () => {
    const task = binaryTask(1001, 4, 9); // n not a multiple of 4: the kernel pads, the loop does not
    const withKernel = new LogisticRegression().fit(task.X, task.y);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const { LogisticRegression: Plain } = await import('../src/logistic-regression');
      const plain = new Plain().fit(task.X, task.y);
      Array.from(plain.coefficients[0]!).forEach((v, j) => expect(Math.abs(v - withKernel.coefficients[0]![j]!)).toBeLessThan(1e-9));
      expect(Math.abs(plain.intercepts[0]! - withKernel.intercepts[0]!)).toBeLessThan(1e-9);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('LogisticRegression: Float64Array sample weights are read in place', () => {
  it('never written and not kept; the same model as from an array; bad weights still refused', () => {
    const X = [Float64Array.of(0, 1, 2, 3, 4, 5), Float64Array.of(1, 0, 1, 0, 1, 0)];
    const y = [0, 0, 1, 0, 1, 1];
    const w = Float64Array.of(1, 2, 1, 2, 1, 2);
    const m = new LogisticRegression().fit(X, y, { sampleWeight: w });
    expect(Array.from(w)).toEqual([1, 2, 1, 2, 1, 2]);
    const json = JSON.stringify(m.toJSON());
    w.fill(3);
    expect(JSON.stringify(m.toJSON())).toBe(json);
    expect(JSON.stringify(new LogisticRegression().fit(X, y, { sampleWeight: [1, 2, 1, 2, 1, 2] }).toJSON())).toBe(json);
    expect(() => new LogisticRegression().fit(X, y, { sampleWeight: Float64Array.of(1, 1, NaN, 1, 1, 1) })).toThrow(typed('ValidationError', 'E_WEIGHTS', 'sampleWeight'));
  });
});
