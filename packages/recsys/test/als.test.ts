import { describe, expect, it } from 'vitest';
import { ALS } from '@marksman/recsys';
import type { FitProgress } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

const data = frozen(plantedClusters(21, { users: 80, clusters: 3, itemsPerCluster: 15, perUser: 8 }).rows);

/** Solves (YᵀY + λI + Σ α·w yyᵀ) x = Σ (1 + α·w) y with plain Gaussian elimination (partial pivoting). */
function referenceSolve(itemF: Float32Array[], history: Array<{ item: number; w: number }>, lambda: number, alpha: number): number[] {
  const f = itemF[0]!.length;
  const A = Array.from({ length: f }, (_, a) => Array.from({ length: f + 1 }, (_, b) => (a === b ? lambda : 0)));
  for (const y of itemF) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) A[a]![b]! += y[a]! * y[b]!;
  for (const { item, w } of history) {
    const y = itemF[item]!;
    for (let a = 0; a < f; a++) {
      for (let b = 0; b < f; b++) A[a]![b]! += alpha * w * y[a]! * y[b]!;
      A[a]![f]! += (1 + alpha * w) * y[a]!;
    }
  }
  for (let c = 0; c < f; c++) {
    let p = c;
    for (let r = c + 1; r < f; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = c + 1; r < f; r++) {
      const m = A[r]![c]! / A[c]![c]!;
      for (let b = c; b <= f; b++) A[r]![b]! -= m * A[c]![b]!;
    }
  }
  const x = new Array<number>(f).fill(0);
  for (let r = f - 1; r >= 0; r--) {
    let s = A[r]![f]!;
    for (let b = r + 1; b < f; b++) s -= A[r]![b]! * x[b]!;
    x[r] = s / A[r]![r]!;
  }
  return x;
}

describe('ALS', () => {
  it('with the Cholesky solver, folding in a training user reproduces its fitted factors exactly', async () => {
    const model = await new ALS({ factors: 6, iterations: 4, regularization: 0.2, alpha: 2, solver: 'cholesky' }).fit(data);
    for (const user of ['u0', 'u13', 'u42']) {
      const copy = data.filter((r) => r.userId === user).map((r) => ({ ...r, userId: `${user}-again` }));
      model.foldIn(frozen(copy));
      expect(model.userFactors(`${user}-again`)).toEqual(model.userFactors(user));
    }
  });

  it('fold-in solves the user normal equations exactly (checked against Gaussian elimination), also after a CG fit', async () => {
    const lambda = 0.3;
    const alpha = 1.5;
    const model = await new ALS({ factors: 5, iterations: 3, regularization: lambda, alpha }).fit(data);
    const json = model.toJSON();
    const itemF = json.itemIds.map((id) => model.itemFactors(id)!);
    const history = [
      { itemId: 3, weight: 2 },
      { itemId: 17, weight: 1 },
      { itemId: 3, weight: 0.5 }, // repeated item: weights add up
    ];
    model.foldIn(frozen(history.map((h) => ({ userId: 'new', ...h }))));
    const idx = (id: number) => json.itemIds.indexOf(id);
    const expected = referenceSolve(itemF, [{ item: idx(3), w: 2.5 }, { item: idx(17), w: 1 }], lambda, alpha);
    const got = model.userFactors('new')!;
    expected.forEach((v, q) => expect(got[q]).toBeCloseTo(v, 5));
  });

  // factors 6: plain typed-array CG (float64); factors 8: the WebAssembly SIMD CG (float32).
  it.each([6, 8])('exact ALS never increases the training loss; CG with enough steps follows it (%i factors)', async (factors) => {
    const exact: number[] = [];
    const cg: number[] = [];
    const opts = { factors, iterations: 8, regularization: 0.1, computeLoss: true } as const;
    await new ALS({ ...opts, solver: 'cholesky' }).fit(data, { onProgress: (p: FitProgress) => exact.push(p.loss!) });
    const steps: number[] = [];
    await new ALS({ ...opts, solver: 'cg', cgSteps: 30 }).fit(data, { onProgress: (p) => (cg.push(p.loss!), steps.push(p.step)) });
    expect(exact).toHaveLength(8);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let t = 1; t < exact.length; t++) expect(exact[t]!).toBeLessThanOrEqual(exact[t - 1]! * (1 + 1e-9));
    expect(exact[7]!).toBeLessThan(exact[0]!);
    cg.forEach((l, t) => expect(Math.abs(l - exact[t]!) / exact[t]!).toBeLessThan(1e-4));
    const none: Array<number | null> = [];
    await new ALS({ factors: 4, iterations: 2 }).fit(data, { onProgress: (p) => none.push(p.loss) });
    expect(none).toEqual([null, null]);
  });

  it('explain splits the score exactly over the history (exactly solved users)', async () => {
    const model = await new ALS({ factors: 6, iterations: 5, regularization: 0.1, solver: 'cholesky' }).fit(data);
    const [top] = model.recommend('u7', { k: 1 });
    const e = model.explain('u7', top!.itemId, { k: 100 });
    expect(e.score).toBeCloseTo(top!.score, 10);
    const sum = e.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(sum).toBeCloseTo(e.score, 5);
    expect(e.contributions.length).toBe(data.filter((r) => r.userId === 'u7').length);
    expect(model.explain('u7', top!.itemId, { k: 2 }).contributions).toEqual(e.contributions.slice(0, 2));
  });

  it('similarItems is the cosine of item factors; seeds give reproducible, distinct fits', async () => {
    const a = await new ALS({ factors: 4, iterations: 3, seed: 5 }).fit(data);
    const b = await new ALS({ factors: 4, iterations: 3 }).fit(data, { seed: 5 });
    const c = await new ALS({ factors: 4, iterations: 3, seed: 6 }).fit(data);
    expect(a.itemFactors(0)).toEqual(b.itemFactors(0));
    expect(a.itemFactors(0)).not.toEqual(c.itemFactors(0));
    const y0 = a.itemFactors(0)!;
    const [first] = a.similarItems(0, 1);
    const y1 = a.itemFactors(first!.itemId)!;
    const dot = y0.reduce((s, v, q) => s + v * y1[q]!, 0);
    const norm = (y: Float32Array) => Math.sqrt(y.reduce((s, v) => s + v * v, 0));
    expect(first!.score).toBeCloseTo(dot / (norm(y0) * norm(y1)), 6);
    expect(a.userFactors('stranger')).toBeNull();
    expect(a.itemFactors('no item')).toBeNull();
  });

  it('stops on an aborted signal and reports singular or diverging systems', async () => {
    const ac = new AbortController();
    const fit = new ALS({ factors: 4, iterations: 50 }).fit(data, { signal: ac.signal, onProgress: (p) => p.step === 2 && ac.abort() });
    await expect(fit).rejects.toMatchObject({ name: 'AbortError', code: 'E_ABORTED' });
    // Two items cannot pin down four factors without regularisation.
    const tiny = frozen([{ userId: 1, itemId: 'a' }, { userId: 2, itemId: 'b' }]);
    await expect(new ALS({ factors: 4, regularization: 0, solver: 'cholesky' }).fit(tiny)).rejects.toMatchObject({ name: 'ConvergenceError', code: 'E_NOT_POSITIVE_DEFINITE' });
    const huge = frozen([{ userId: 1, itemId: 'a', weight: 1e10 }, { userId: 2, itemId: 'b' }]);
    // factors 2: the typed-array path; factors 4: the WebAssembly kernels, which count the rows they leave non-finite.
    for (const factors of [2, 4]) {
      await expect(new ALS({ factors, alpha: 1e300 }).fit(huge)).rejects.toMatchObject({ name: 'ConvergenceError', code: 'E_DIVERGED' });
    }
    const ok = await new ALS({ factors: 4, regularization: 0.1, solver: 'cholesky' }).fit(tiny);
    const noReg = ALS.fromJSON({ ...ok.toJSON(), options: { ...ok.options, regularization: 0 } });
    expect(() => noReg.foldIn([{ userId: 3, itemId: 'a' }])).toThrow(expect.objectContaining({ code: 'E_NOT_POSITIVE_DEFINITE' }));
  });

  it('refuses bad options', () => {
    for (const bad of [{ factors: 0 }, { iterations: 1.5 }, { regularization: -1 }, { alpha: Number.NaN }, { solver: 'lu' }, { cgSteps: 0 }, { seed: 0.5 }, { computeLoss: 'yes' }]) {
      expect(() => new ALS(bad as never)).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_OPTION_RANGE' }));
    }
    expect(() => new ALS({ rank: 3 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION_UNKNOWN' }));
  });

  it('doc example', async () => {
    const rows = [
      { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
      { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
      { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
    ];
    const model = await new ALS({ factors: 4, iterations: 10, regularization: 0.1 }).fit(rows);
    expect(model.recommend('cid', { k: 1 }).map((r) => r.itemId)).toEqual(['stove']);
  });

  it('gives the same factors whether the kernels\' memory is fresh or reused from an earlier, larger fit, also with fits running at once', async () => {
    const opts = { factors: 8, iterations: 3 } as const;
    const big = frozen(plantedClusters(4, { users: 300, clusters: 5, itemsPerCluster: 30, perUser: 20 }).rows);
    const first = (await new ALS(opts).fit(data)).toJSON().state;
    // Instances are kept per factor count: the larger fit has the same factors, so its memory is the one reused.
    await new ALS({ ...opts, iterations: 2 }).fit(big);
    expect((await new ALS(opts).fit(data)).toJSON().state).toEqual(first);
    // With a signal each fit yields between sweeps, so the two interleave.
    const signal = new AbortController().signal;
    const [small] = await Promise.all([new ALS(opts).fit(data, { signal }), new ALS(opts).fit(big, { signal })]);
    expect(small.toJSON().state).toEqual(first);
  });
});
