// Internal: the field-aware factorization machine's arithmetic (Juan et al.
// 2016, "Field-aware Factorization Machines in a Real-world Online
// Advertising System"; libffm), used by FactorizationMachine with
// `fieldAware: true`. Fields are the feature groups the model already has:
// the user id, each user feature field, the item id, each item feature
// field, each context field, in that order. Every table row holds one
// k-vector per field (rows × F·k), and a pair of active features (a, b)
// interacts through ⟨v[a, field(b)], v[b, field(a)]⟩ x_a x_b.
//
// Per entity of a side, the field sums A[l, g] = Σ over its entries a of
// field l of x_a · v[a, g] (l a field of the side, g any field) give every
// pairwise term: pairs across fields f ≠ g sum to ⟨A[f, g], A[g, f]⟩, pairs
// within a field f to ½(‖A[f, f]‖² − Σ x_a² ‖v[a, f]‖²). So for one example
// with field sums A (the sides' blocks stacked),
//   Σ_{a<b} ⟨v[a, f_b], v[b, f_a]⟩ x_a x_b = ½(Σ_{f,g} ⟨A[f, g], A[g, f]⟩ − Q),
// Q = Σ_a x_a² ‖v[a, f_a]‖². Split by sides, the terms within one side
// depend on that entity alone (computed once per entity), and the pairs
// between two sides are one inner product: for users and items, of a user
// vector (A_u[l, item field m], l × m × k) and an item vector
// (A_i[m, user field l]), which is also what `recommend` ranks with.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureSpace } from './features';
import type { BagAssembly } from './sides';
import type { Tape } from './tape';

/** Where one side's fields sit among all fields. */
export interface FieldBlock {
  /** Index of the side's first field among all fields. */
  readonly offset: number;
  /** Fields of the side. */
  readonly count: number;
  /** Subtracted from an entry's side field (0 = id, 1 + k = k-th feature field) to get its place in the block: 0 for users and items, 1 for context (which has no id field). */
  readonly shift: number;
}

/** The fields of a field-aware model. */
export interface FieldLayout {
  readonly user: FieldBlock;
  readonly item: FieldBlock;
  readonly context: FieldBlock;
  /** All fields: F. */
  readonly total: number;
}

/** The layout for the given feature spaces: user id + user fields, item id + item fields, context fields. */
export function fieldLayout(user: FeatureSpace, item: FeatureSpace, context: FeatureSpace): FieldLayout {
  return layoutOf(user.fields.length, item.fields.length, context.fields.length);
}

/** The layout from the number of feature fields of each side. */
export function layoutOf(userFields: number, itemFields: number, contextFields: number): FieldLayout {
  const u = 1 + userFields;
  const i = 1 + itemFields;
  return {
    user: { offset: 0, count: u, shift: 0 },
    item: { offset: u, count: i, shift: 0 },
    context: { offset: u + i, count: contextFields, shift: 1 },
    total: u + i + contextFields,
  };
}

/** Host field sums of one entity: A (block.count × F × k), the linear part L and Q. */
export interface HostFieldSums {
  readonly A: Float64Array;
  readonly L: number;
  readonly Q: number;
}

/**
 * The field sums of one entity from host weights: `v` (rows × F·k), `w`
 * (rows), and the entity's entries (rows, values, side fields).
 */
export function hostFieldSums(layout: FieldLayout, block: FieldBlock, v: Float32Array, w: Float32Array, k: number, input: { rows: readonly number[]; values: readonly number[]; fields: readonly number[] }): HostFieldSums {
  const F = layout.total;
  const A = new Float64Array(block.count * F * k);
  let L = 0;
  let Q = 0;
  for (let t = 0; t < input.rows.length; t++) {
    const row = input.rows[t]!;
    const x = input.values[t]!;
    const l = input.fields[t]! - block.shift;
    L += x * w[row]!;
    const base = row * F * k;
    const out = l * F * k;
    for (let c = 0; c < F * k; c++) A[out + c]! += x * v[base + c]!;
    const own = base + (block.offset + l) * k;
    let n2 = 0;
    for (let q = 0; q < k; q++) n2 += v[own + q]! ** 2;
    Q += x * x * n2;
  }
  return { A, L, Q };
}

/** Σ_{l ∈ a, m ∈ b} ⟨Aa[l, field m of b], Ab[m, field l of a]⟩: the pairs between two blocks (both orders when a = b). */
export function crossTerm(layout: FieldLayout, a: FieldBlock, Aa: Float64Array, b: FieldBlock, Ab: Float64Array, k: number): number {
  const F = layout.total;
  let sum = 0;
  for (let l = 0; l < a.count; l++) {
    for (let m = 0; m < b.count; m++) {
      const p = (l * F + b.offset + m) * k;
      const r = (m * F + a.offset + l) * k;
      for (let q = 0; q < k; q++) sum += Aa[p + q]! * Ab[r + q]!;
    }
  }
  return sum;
}

/** The pairwise terms within one entity of a block: ½(Σ_{l,m} ⟨A[l, m], A[m, l]⟩ − Q), plus its linear part. */
export function ownConstant(layout: FieldLayout, block: FieldBlock, s: HostFieldSums, k: number): number {
  return s.L + 0.5 * (crossTerm(layout, block, s.A, block, s.A, k) - s.Q);
}

/**
 * The serving vector of a user or item: (user field l, item field m, k)
 * holding A_u[l, item field m] for a user and A_i[m, user field l] for an
 * item, so that ⟨user vector, item vector⟩ is every user–item pair.
 */
export function crossVector(layout: FieldLayout, side: 'user' | 'item', A: Float64Array, k: number): Float64Array {
  const F = layout.total;
  const U = layout.user.count;
  const I = layout.item.count;
  const out = new Float64Array(U * I * k);
  for (let l = 0; l < U; l++) {
    for (let m = 0; m < I; m++) {
      const src = side === 'user' ? (l * F + layout.item.offset + m) * k : (m * F + layout.user.offset + l) * k;
      out.set(A.subarray(src, src + k), (l * I + m) * k);
    }
  }
  return out;
}

/** Width of the serving vectors: user fields × item fields × k. */
export function crossWidth(layout: FieldLayout, k: number): number {
  return layout.user.count * layout.item.count * k;
}

/** Field sums of one side for a batch, recorded on a tape: A (entities × count × F × k), L and Q (entities × 1). */
export interface TapeFieldSums {
  readonly A: tf.Tensor;
  readonly L: tf.Tensor2D;
  readonly Q: tf.Tensor2D;
}

/**
 * The field sums of a batch's entities of one side on the tape. `G` holds
 * each entry's table row (entries × F·k, a gathered leaf) and `W` its
 * linear weight (entries × 1).
 */
export function tapeFieldSums(tape: Tape, layout: FieldLayout, block: FieldBlock, a: BagAssembly, G: tf.Tensor, W: tf.Tensor, entities: number, k: number): TapeFieldSums {
  const F = layout.total;
  const n = a.rows.length;
  const key = new Int32Array(n);
  const own = new Float32Array(n * F);
  for (let t = 0; t < n; t++) {
    const l = a.fields[t]! - block.shift;
    key[t] = a.segments[t]! * block.count + l;
    own[t * F + block.offset + l] = 1;
  }
  const x = tf.tensor2d(a.values, [n, 1]);
  const seg = tf.tensor1d(a.segments, 'int32');
  const A = tape.reshape(tape.segmentSum(tape.mul(G, x), tf.tensor1d(key, 'int32'), entities * block.count), [entities, block.count, F, k]);
  // x² ‖v[a, f_a]‖²: each entry's squared norms per field, masked to its own field.
  const norms = tape.sum(tape.square(tape.reshape(G, [n, F, k])), 2);
  const Qa = tape.mul(tape.sum(tape.mul(norms, tf.tensor2d(own, [n, F])), 1, true), tf.square(x));
  return {
    A,
    L: tape.segmentSum(tape.mul(W, x), seg, entities) as tf.Tensor2D,
    Q: tape.segmentSum(Qa, seg, entities) as tf.Tensor2D,
  };
}

/** Field sums of one side with no entries in the batch: zeros. */
export function zeroFieldSums(layout: FieldLayout, block: FieldBlock, entities: number, k: number): TapeFieldSums {
  return { A: tf.zeros([entities, block.count, layout.total, k]), L: tf.zeros([entities, 1]), Q: tf.zeros([entities, 1]) };
}

/**
 * Per entity of a side: its linear terms and the pairs among its own
 * features, L + ½(Σ_{l,m} ⟨A[l, m], A[m, l]⟩ − Q) over the side's fields
 * (entities × 1). Computed once per distinct entity of a batch.
 */
export function tapeOwnTerms(tape: Tape, block: FieldBlock, s: TapeFieldSums, k: number): tf.Tensor {
  const E = s.A.shape[0]!;
  const c = block.count;
  const B = tape.slice(s.A, [0, 0, block.offset, 0], [E, c, c, k]);
  const swapped = tape.transpose(B, [0, 2, 1, 3]);
  const dot = tape.reshape(tape.rowDot(tape.reshape(B, [E, c * c * k]), tape.reshape(swapped, [E, c * c * k])), [E, 1]);
  return tape.add(s.L, tape.scale(tape.sub(dot, s.Q), 0.5));
}

/**
 * The vectors whose inner product is every pair between side a and side b:
 * Aa[l, fields of b] (entities of a × ca·cb·k) and Ab[m, fields of a] laid
 * out the same way (entities of b × ca·cb·k).
 */
export function tapeCrossVectors(tape: Tape, a: FieldBlock, sa: TapeFieldSums, b: FieldBlock, sb: TapeFieldSums, k: number): [tf.Tensor, tf.Tensor] {
  const Ea = sa.A.shape[0]!;
  const Eb = sb.A.shape[0]!;
  const width = a.count * b.count * k;
  const va = tape.reshape(tape.slice(sa.A, [0, 0, b.offset, 0], [Ea, a.count, b.count, k]), [Ea, width]);
  const vb = tape.reshape(tape.transpose(tape.slice(sb.A, [0, 0, a.offset, 0], [Eb, b.count, a.count, k]), [0, 2, 1, 3]), [Eb, width]);
  return [va, vb];
}

/**
 * What a user or item serves from: its cross vector and its constant (its
 * linear terms and the pairs among its own features).
 */
export function hostEntityServing(layout: FieldLayout, side: 'user' | 'item', v: Float32Array, w: Float32Array, k: number, input: { rows: readonly number[]; values: readonly number[]; fields: readonly number[] }): { vector: Float64Array; constant: number } {
  const block = side === 'user' ? layout.user : layout.item;
  const s = hostFieldSums(layout, block, v, w, k, input);
  return { vector: crossVector(layout, side, s.A, k), constant: ownConstant(layout, block, s, k) };
}
