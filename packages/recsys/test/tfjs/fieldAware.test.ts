// The field-aware factorization machine (FactorizationMachine with
// `fieldAware: true`): its scores equal the FFM formula evaluated term by
// term from the snapshot's weights (for fitted users and items, with context,
// and for items added after fit), `recommend` ranks by the same scores, it
// learns, leaks no tensor, and refuses bad input as the plain FM does. The
// shared learned-model contract (learned.test.ts) runs it too.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FactorizationMachine, useBackend } from '@marksman/recsys/tfjs';
import type { LearnedRecommenderJSON } from '@marksman/recsys/tfjs';
import { frozen, plantedClusters } from '../synthetic';

const planted = plantedClusters(8, { users: 60, clusters: 3, itemsPerCluster: 10, perUser: 6 });
const users = [...new Set(planted.rows.map((r) => r.userId as string))];
const userFeatures = frozen(users.map((u, n) => ({ userId: u, segment: `s${planted.userCluster[Number(u.slice(1))]}`, age: 20 + (n % 30), tags: n % 2 ? ['a', 'b'] : ['c'] })));
// Items 0 and 1 have no feature record: missing features are allowed.
const itemFeatures = frozen(planted.itemCluster.map((c, i) => ({ itemId: i, group: `g${c}`, price: 5 + (i % 4) })).filter((r) => r.itemId > 1));
// Numeric context only, so the test can encode it without the model's hashing.
const rows = frozen(planted.rows.map((r, t) => ({ ...r, context: { hour: t % 24, load: (t * 7) % 5 } })));

interface Entry {
  table: 'user' | 'item' | 'context';
  row: number;
  value: number;
  field: number;
}

/** The FFM score w₀ + Σ wₐxₐ + Σ_{a<b} ⟨v[a, f_b], v[b, f_a]⟩ xₐx_b, term by term from a snapshot. */
function reference(json: LearnedRecommenderJSON & { context: { buckets: number; fields: Array<{ name: string; mean: number; std: number }> } }, userId: string | null, itemId: number | string, context: Record<string, number> | null): number {
  const k = (json.options as { factors: number }).factors;
  const userFields = 1 + json.sides.user.features.fields.length;
  const itemFields = 1 + json.sides.item.features.fields.length;
  const F = userFields + itemFields + json.context.fields.length;
  const entries: Entry[] = [];
  const side = (name: 'user' | 'item', e: number, offset: number) => {
    const inputs = json.sides[name].inputs;
    for (let t = inputs.indptr[e]!; t < inputs.indptr[e + 1]!; t++) entries.push({ table: name, row: inputs.rows[t]!, value: inputs.values[t]!, field: offset + inputs.fields![t]! });
  };
  if (userId !== null) side('user', json.userIds.indexOf(userId), 0);
  side('item', json.itemIds.indexOf(itemId), userFields);
  if (context !== null) {
    json.context.fields.forEach((f, slot) => {
      if (context[f.name] === undefined) return;
      entries.push({ table: 'context', row: json.context.buckets + slot, value: (context[f.name]! - f.mean) / f.std, field: userFields + itemFields + slot });
    });
  }
  const w = (e: Entry) => json.weights[`${e.table}.w`]!.values[e.row]!;
  const v = (e: Entry, field: number, q: number) => json.weights[`${e.table}.v`]!.values[e.row * F * k + field * k + q]!;
  let score = json.weights.bias!.values[0]!;
  for (const a of entries) score += a.value * w(a);
  for (let x = 0; x < entries.length; x++) {
    for (let y = x + 1; y < entries.length; y++) {
      const a = entries[x]!;
      const b = entries[y]!;
      let dot = 0;
      for (let q = 0; q < k; q++) dot += v(a, b.field, q) * v(b, a.field, q);
      score += dot * a.value * b.value;
    }
  }
  return score;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('FactorizationMachine with fieldAware: true', () => {
  it('scores by the FFM formula (fitted users and items, context, items added after fit), and recommend ranks by those scores', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const fm = await new FactorizationMachine({ fieldAware: true, factors: 4, epochs: 6, batchSize: 32, learningRate: 0.02, loss: 'squared', seed: 5 }).fit(rows, {
      userFeatures,
      itemFeatures,
      onProgress: (p) => losses.push(p.loss!),
    });
    expect(tf.memory().numTensors).toBe(before + fm.tensorCount);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    expect(fm.fitReport!.itemsWithoutFeatures).toBe(2);
    expect(fm.addItems(frozen([{ itemId: 'late', group: 'g1', price: 7 }]))).toBe(1);
    const json = JSON.parse(JSON.stringify(fm.toJSON()));
    // 4 user fields (id, age, segment, tags), 3 item fields (id, group, price), 2 context fields (hour, load).
    expect(json.weights['user.v'].shape[1]).toBe(4 * (4 + 3 + 2));
    const cases: Array<[string | null, number | string, Record<string, number> | null]> = [
      ['u0', 3, null],
      ['u7', 0, null],
      ['u12', 25, { hour: 13, load: 2 }],
      ['u3', 1, { hour: 2 }],
      ['u5', 'late', { hour: 20, load: 4 }],
      ['u9', 'late', null],
    ];
    const got = fm.predict(cases.map(([userId, itemId, context]) => ({ userId: userId!, itemId, ...(context === null ? {} : { context }) })));
    cases.forEach(([u, i, c], t) => expect(got[t]!).toBeCloseTo(reference(json, u, i, c), 4));
    // An unknown user contributes no user terms.
    expect(fm.predict([{ userId: 'nobody', itemId: 4, context: { hour: 3 } }])[0]!).toBeCloseTo(reference(json, null, 4, { hour: 3 }), 4);
    // recommend's scores are the model's scores without context.
    const top = fm.recommend('u2', { k: 5 });
    const again = fm.predict(top.map((r) => ({ userId: 'u2', itemId: r.itemId })));
    top.forEach((r, t) => expect(r.score).toBeCloseTo(again[t]!, 4));
    // Restored from JSON, it scores the same without TensorFlow.js.
    const copy = FactorizationMachine.fromJSON(json);
    expect(copy.predict([{ userId: 'u12', itemId: 25, context: { hour: 13, load: 2 } }])[0]).toBeCloseTo(got[2]!, 6);
    expect(copy.recommend('u2', { k: 5 })).toEqual(top);
    // A folded-in user without features has no user × context terms (the
    // fold-in learns only its user × item vector): the context adds to its
    // scores what it adds for an unknown user; a fitted user's differ.
    fm.foldIn(frozen([{ userId: 'fresh', itemId: 3 }, { userId: 'fresh', itemId: 7 }]));
    const ctx = { hour: 9, load: 3 };
    const lift = (userId: string) => {
      const [withCtx, without] = fm.predict([{ userId, itemId: 4, context: ctx }, { userId, itemId: 4 }]);
      return withCtx! - without!;
    };
    expect(lift('fresh')).toBeCloseTo(lift('nobody'), 6);
    expect(Math.abs(lift('u12') - lift('nobody'))).toBeGreaterThan(1e-4);
    fm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on the same scores: the first epoch\'s squared loss equals the one computed from predict', async () => {
    await useBackend('wasm');
    // One batch, a step too small to move the weights: the loss the tape computed is that of the initial weights.
    const fm = await new FactorizationMachine({ fieldAware: true, factors: 4, epochs: 1, batchSize: rows.length, learningRate: 1e-9, loss: 'squared', seed: 9 }).fit(rows, { userFeatures, itemFeatures, onProgress: () => {} });
    const scores = fm.predict(rows);
    let sum = 0;
    rows.forEach((r, t) => (sum += 0.5 * (scores[t]! - r.weight!) ** 2));
    expect(fm.fitReport!.losses[0]!).toBeCloseTo(sum / rows.length, 4);
    fm.dispose();
  });

  it('learns the clusters with features and context; logistic predictions are probabilities', async () => {
    await useBackend('wasm');
    const fm = await new FactorizationMachine({ fieldAware: true, factors: 8, epochs: 15, batchSize: 32, learningRate: 0.03, seed: 2 }).fit(rows, { userFeatures, itemFeatures });
    let right = 0;
    for (const u of users) right += fm.recommend(u, { k: 3 }).filter((r) => planted.itemCluster[r.itemId as number] === planted.userCluster[Number(u.slice(1))]).length;
    expect(right / (3 * users.length)).toBeGreaterThan(0.7);
    // 'logistic' predictions are probabilities.
    const ctr = await new FactorizationMachine({ fieldAware: true, factors: 4, epochs: 2, batchSize: 32, loss: 'logistic', seed: 2 }).fit(rows);
    const p = ctr.predict([{ userId: 'u1', itemId: 2, context: { hour: 5 } }, { userId: 'u1', itemId: 2 }]);
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
    fm.dispose();
    ctr.dispose();
  });

  it('refuses bad input as the plain FM does: unknown, NaN and mistyped features; unseen categories are hashed', async () => {
    await useBackend('cpu');
    expect(() => new FactorizationMachine({ fieldAware: 'yes' as never })).toThrow(expect.objectContaining({ code: 'E_OPTION_RANGE', field: 'fieldAware' }));
    const make = () => new FactorizationMachine({ fieldAware: true, factors: 4, epochs: 1, batchSize: 32, seed: 1 });
    await expect(make().fit(rows.map((r, t) => (t === 4 ? { ...r, context: { hour: Number.NaN } } : r)))).rejects.toMatchObject({ code: 'E_FEATURE_NUMBER', field: 'hour', row: 4 });
    await expect(make().fit(rows.map((r, t) => (t === 2 ? { ...r, context: 'evening' as never } : r)))).rejects.toMatchObject({ code: 'E_FEATURE_TYPE', field: 'context', row: 2 });
    await expect(make().fit(rows, { userFeatures: [{ userId: 'u0', age: Number.NaN }] })).rejects.toMatchObject({ code: 'E_FEATURE_NUMBER', field: 'age', row: 0 });
    const fm = await make().fit(rows, { userFeatures, itemFeatures });
    expect(() => fm.predict([{ userId: 'u0', itemId: 3, context: { weather: 1 } }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_UNKNOWN', field: 'weather', row: 0 }));
    expect(() => fm.predict([{ userId: 'u0', itemId: 3, context: { hour: Number.NaN } }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_NUMBER', field: 'hour' }));
    expect(() => fm.predict([{ userId: 'u0', itemId: 'never' }])).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ITEM' }));
    expect(() => fm.addItems([{ itemId: 'x', colour: 'red' }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_UNKNOWN', field: 'colour' }));
    expect(() => fm.addUsers([{ userId: 'x', age: Number.POSITIVE_INFINITY }])).toThrow(expect.objectContaining({ code: 'E_FEATURE_NUMBER', field: 'age' }));
    // A category never seen at fit time hashes to a row like any other, in features and in context-free scoring.
    expect(fm.addUsers([{ userId: 'x', segment: 'brand-new', tags: ['zzz'] }])).toBe(1);
    expect(fm.recommend('x', { k: 3 })).toHaveLength(3);
    fm.dispose();
  });

  it('a field-aware snapshot must record the fields of its inputs; an FM snapshot without them still loads', async () => {
    await useBackend('cpu');
    const fm = await new FactorizationMachine({ fieldAware: true, factors: 4, epochs: 1, batchSize: 32, seed: 1 }).fit(rows, { userFeatures, itemFeatures });
    const json = JSON.parse(JSON.stringify(fm.toJSON()));
    fm.dispose();
    const noFields = structuredClone(json);
    delete noFields.sides.item.inputs.fields;
    expect(() => FactorizationMachine.fromJSON(noFields)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'sides' }));
    const badFields = structuredClone(json);
    badFields.sides.user.inputs.fields[1] = 99;
    expect(() => FactorizationMachine.fromJSON(badFields)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'sides.user.inputs.fields' }));
    const narrow = structuredClone(json);
    narrow.options.fieldAware = false;
    expect(() => FactorizationMachine.fromJSON(narrow)).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON', field: 'weights.user.v' }));
    // A plain FM snapshot written before fields were recorded.
    const plain = await new FactorizationMachine({ factors: 4, epochs: 1, batchSize: 32, seed: 1 }).fit(rows, { userFeatures, itemFeatures });
    const old = JSON.parse(JSON.stringify(plain.toJSON()));
    delete old.sides.user.inputs.fields;
    delete old.sides.item.inputs.fields;
    delete old.options.fieldAware;
    expect(FactorizationMachine.fromJSON(old).recommend('u4', { k: 5 })).toEqual(plain.recommend('u4', { k: 5 }));
    plain.dispose();
  });
});
