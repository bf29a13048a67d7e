// Found by the battery (packages/marksman/test/battery.test.ts): a damaged
// weight in a learned model's snapshot is a typed error naming the weight
// (it was a TypeError), and recommendManyAsync checks its arguments.
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuMF, TwoTower, useBackend } from '@marksman/recsys/tfjs';

const rows = Array.from({ length: 12 }, (_, u) => Array.from({ length: 4 }, (_, j) => ({ userId: `u${u}`, itemId: (u % 2) * 4 + ((u + j) % 4) }))).flat();

beforeAll(async () => {
  await useBackend('cpu');
});

describe('learned models at the boundary', () => {
  it('fromJSON names a weight that is null, of the wrong shape or not finite', async () => {
    const model = await new TwoTower({ embeddingDim: 4, layers: [4], epochs: 1, batchSize: 16, seed: 1 }).fit(rows);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    model.dispose();
    const damaged = (f: (j: { weights: Record<string, { shape: number[]; values: number[] } | null> }) => void) => {
      const j = structuredClone(json);
      f(j);
      return () => TwoTower.fromJSON(j);
    };
    expect(damaged((j) => { j.weights['user.table'] = null; })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'weights.user.table' }));
    expect(damaged((j) => { j.weights['item.w0']!.shape = [1]; })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'weights.item.w0' }));
    expect(damaged((j) => { j.weights['item.b0']!.values[0] = Number.NaN; })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'weights.item.b0.values[0]' }));
    expect(damaged((j) => { (j as { weights: unknown }).weights = null; })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'weights' }));
  });

  it('NeuMF.recommendManyAsync refuses a non-list, bad ids and a bad k, and clamps k to the catalogue', async () => {
    const model = await new NeuMF({ gmfDim: 4, mlpDim: 4, layers: [8, 4], epochs: 1, batchSize: 16, seed: 1 }).fit(rows);
    await expect(model.recommendManyAsync('u0' as never)).rejects.toMatchObject({ code: 'E_OPTION_TYPE', field: 'userIds' });
    await expect(model.recommendManyAsync(['u0', Number.NaN])).rejects.toMatchObject({ code: 'E_ID_TYPE', field: 'userIds', row: 1 });
    await expect(model.recommendManyAsync(['u0'], 0)).rejects.toMatchObject({ code: 'E_K', field: 'k' });
    await expect(model.recommendManyAsync(['u0'], { k: 3 } as never)).rejects.toMatchObject({ code: 'E_K', field: 'k' });
    const all = await model.recommendManyAsync(['u0', 'nobody'], 1e6);
    expect(all[0]!.length).toBe(model.itemCount - 4);
    expect(all[1]!.length).toBe(model.itemCount);
    model.dispose();
  });
});

describe('ids and flags are checked, not silently treated as unknown', () => {
  it('TwoTower vectors, FactorizationMachine predictions, useBackend override', async () => {
    const { FactorizationMachine } = await import('@marksman/recsys/tfjs');
    const tt = await new TwoTower({ embeddingDim: 4, layers: [4], epochs: 1, batchSize: 16, seed: 1 }).fit(rows);
    expect(() => tt.userVector(Number.NaN)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId' }));
    expect(() => tt.itemVector({} as never)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'itemId' }));
    expect(tt.userVector('nobody')).toBeNull();
    tt.dispose();
    const fm = await new FactorizationMachine({ factors: 4, epochs: 1, batchSize: 16, seed: 1 }).fit(rows);
    expect(() => fm.predictRating(Number.NaN, 3)).toThrow(expect.objectContaining({ code: 'E_ID_TYPE', field: 'userId', row: 0 }));
    expect(() => fm.predict([{ userId: 'u0', itemId: 3 }, { userId: null as never, itemId: 3 }])).toThrow(expect.objectContaining({ code: 'E_MISSING', row: 1 }));
    expect(Number.isFinite(fm.predictRating('nobody', 3))).toBe(true);
    fm.dispose();
    await expect(useBackend('cpu', { override: 'yes' as never })).rejects.toMatchObject({ code: 'E_OPTION_TYPE', field: 'override' });
  });
});

describe('damaged sides of a learned snapshot', () => {
  it('name the side and the part at fault', async () => {
    const model = await new TwoTower({ embeddingDim: 4, layers: [4], epochs: 1, batchSize: 16, seed: 1 }).fit(rows);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    model.dispose();
    const broken = structuredClone(json);
    broken.sides.user = null;
    expect(() => TwoTower.fromJSON(broken)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'sides.user.inputs' }));
    const rowsBroken = structuredClone(json);
    rowsBroken.sides.item.idRows = -1;
    expect(() => TwoTower.fromJSON(rowsBroken)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'sides.item.idRows' }));
  });
});

describe('damaged feature spaces', () => {
  it('name the context of a FactorizationMachine, and the side of a feature space', async () => {
    const { FactorizationMachine } = await import('@marksman/recsys/tfjs');
    const fm = await new FactorizationMachine({ factors: 4, epochs: 1, batchSize: 16, seed: 1 }).fit(rows.map((r, i) => ({ ...r, context: { hour: i % 3 } })));
    const json = JSON.parse(JSON.stringify(fm.toJSON()));
    fm.dispose();
    const badContext = structuredClone(json);
    badContext.context.idKey = 'nope';
    expect(() => FactorizationMachine.fromJSON(badContext)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'context' }));
    const badSide = structuredClone(json);
    badSide.sides.item.features.buckets = -1;
    expect(() => FactorizationMachine.fromJSON(badSide)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'sides.item.features' }));
  });
});
