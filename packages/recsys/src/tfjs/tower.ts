// Internal: the pieces a tower is made of, on the device (recorded on a
// Tape for training, plain for export) and on the host (for entities added
// after fit and for fold-in, without a backend): an embedding bag over a
// side's table, then dense layers with ReLU between them.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@marksman/core';
import type { ParamStore } from './params';
import type { BagAssembly } from './sides';
import type { Tape } from './tape';
import { uniformInit } from './learned';

/** Names and shapes of a tower's dense layers: `${prefix}.w{l}` (in × out) and `${prefix}.b{l}`. */
export function towerShapes(prefix: string, input: number, layers: readonly number[]): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  let width = input;
  layers.forEach((size, l) => {
    out.push([`${prefix}.w${l}`, [width, size]], [`${prefix}.b${l}`, [size]]);
    width = size;
  });
  return out;
}

/** Adds a tower's dense layers to the store: Glorot-uniform weights, zero biases. */
export function addTower(store: ParamStore, rng: Random, prefix: string, input: number, layers: readonly number[]): void {
  for (const [name, shape] of towerShapes(prefix, input, layers)) {
    if (shape.length === 2) store.addDense(name, uniformInit(rng, shape[0]! * shape[1]!, Math.sqrt(6 / (shape[0]! + shape[1]!))), shape);
    else store.addDense(name, new Float32Array(shape[0]!), shape);
  }
}

/**
 * Σ value · table[row] per entity of an assembly: `table` holds the rows
 * (a leaf of distinct rows in training, or the full table), `positions`
 * gives each entry's row in it. Entities without entries get zeros.
 */
export function embeddingBag(tape: Tape, table: tf.Tensor, positions: Int32Array, a: BagAssembly, entities: number): tf.Tensor2D {
  const width = table.shape[1]!;
  if (a.rows.length === 0) return tf.zeros([entities, width]);
  const gathered = tape.gather(table, tf.tensor1d(positions, 'int32'));
  const weighted = tape.mul(gathered, tf.tensor2d(a.values, [a.values.length, 1]));
  return tape.segmentSum(weighted, tf.tensor1d(a.segments, 'int32'), entities) as tf.Tensor2D;
}

/** Dense layers with ReLU between them (none after the last); `watch` marks weights as leaves. */
export function denseLayers(tape: Tape, store: ParamStore, prefix: string, input: tf.Tensor2D, layers: number, watched: Map<string, tf.Tensor> | null): tf.Tensor2D {
  let h = input;
  for (let l = 0; l < layers; l++) {
    const w = param(tape, store, `${prefix}.w${l}`, watched);
    const b = param(tape, store, `${prefix}.b${l}`, watched);
    h = tape.add(tape.matMul(h, w as tf.Tensor2D), b) as tf.Tensor2D;
    if (l < layers - 1) h = tape.relu(h) as tf.Tensor2D;
  }
  return h;
}

/** A dense parameter, watched once per step when `watched` is given. */
export function param(tape: Tape, store: ParamStore, name: string, watched: Map<string, tf.Tensor> | null): tf.Tensor {
  if (watched === null) return store.get(name);
  let t = watched.get(name);
  if (t === undefined) {
    t = tape.watch(store.get(name));
    watched.set(name, t);
  }
  return t;
}

/** Host: Σ value · table[row] for one entity (width-wide rows of `table`). */
export function hostBag(table: Float32Array, width: number, rows: readonly number[], values: readonly number[]): Float64Array {
  const out = new Float64Array(width);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t]! * width;
    const v = values[t]!;
    for (let q = 0; q < width; q++) out[q]! += v * table[o + q]!;
  }
  return out;
}

/** Host: the tower's dense layers on one input vector. */
export function hostDense(weights: ReadonlyMap<string, Float32Array>, prefix: string, layers: readonly number[], input: Float64Array): Float64Array {
  let h = input;
  layers.forEach((size, l) => {
    const w = weights.get(`${prefix}.w${l}`)!;
    const b = weights.get(`${prefix}.b${l}`)!;
    const next = new Float64Array(size);
    for (let j = 0; j < size; j++) next[j] = b[j]!;
    for (let i = 0; i < h.length; i++) {
      const x = h[i]!;
      if (x === 0) continue;
      const o = i * size;
      for (let j = 0; j < size; j++) next[j]! += x * w[o + j]!;
    }
    if (l < layers.length - 1) for (let j = 0; j < size; j++) if (next[j]! < 0) next[j] = 0;
    h = next;
  });
  return h;
}

/** Host: scales a vector to unit length (zero stays zero). */
export function hostNormalize(v: Float64Array): Float64Array {
  let s = 0;
  for (let q = 0; q < v.length; q++) s += v[q]! * v[q]!;
  const n = Math.max(Math.sqrt(s), 1e-12);
  for (let q = 0; q < v.length; q++) v[q] = v[q]! / n;
  return v;
}
