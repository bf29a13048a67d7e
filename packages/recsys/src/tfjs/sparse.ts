// Internal: sparse row access on TensorFlow.js tensors. Embedding tables are
// read by gathering the rows a batch touches and written back row by row,
// so a step costs O(batch · width) arithmetic instead of a dense update of
// the whole table (tfjs has no in-place scatter; `tensorScatterUpdate`
// copies the table once, at memory speed, and changes only the given rows).
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows `index` of a 2-D (or 1-D) tensor. On the wasm backend `gatherND`
 * is used: its kernel is about 100× faster than `gather`'s for row
 * lookups (measured with tfjs 4.22, 4096 rows × 64); elsewhere `gather`.
 */
export function gatherRows(table: tf.Tensor, index: tf.Tensor1D): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    return tf.tidy(() => tf.gatherND(table, tf.reshape(index, [index.shape[0], 1])));
  }
  return tf.gather(table, index);
}

/**
 * op(a) · op(b). The wasm backend's matMul runs its fast (XNNPACK) path only
 * for untransposed operands: with a transpose flag it was 4–20× slower than
 * transposing first (tfjs 4.22, 512 × 64 operands), so there the operands
 * are transposed explicitly; other backends take the flags.
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm' || (!transposeA && !transposeB)) return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() => {
    if (transposeA && !transposeB && b.shape[1] < a.shape[1]) {
      // Aᵀ·B = (Bᵀ·A)ᵀ: transpose the narrower operand and the (small) product.
      return tf.transpose(tf.matMul(tf.transpose(b), a)) as tf.Tensor2D;
    }
    return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
  });
}

/** The distinct values of an index list, and where each entry sits among them. */
export interface UniqueIndex {
  /** The distinct values, in order of first appearance. */
  readonly values: Int32Array;
  /** For each entry of the input, its position in `values`. */
  readonly positions: Int32Array;
}

/**
 * Distinct values of `ids` (all in [0, size)) with each entry's position
 * among them: O(n) with a stamp array the caller reuses across batches.
 */
export function uniqueIndex(ids: Int32Array, stamp: Int32Array, slot: Int32Array, generation: number): UniqueIndex {
  const positions = new Int32Array(ids.length);
  const values: number[] = [];
  for (let t = 0; t < ids.length; t++) {
    const v = ids[t]!;
    if (stamp[v] !== generation) {
      stamp[v] = generation;
      slot[v] = values.length;
      values.push(v);
    }
    positions[t] = slot[v]!;
  }
  return { values: Int32Array.from(values), positions };
}

/**
 * A table whose rows are updated sparsely: `rows(index)` reads, and
 * `write(index, newRows)` replaces the given (distinct) rows, disposing the
 * previous table. The table is a plain tensor, kept out of tidy scopes.
 */
export class SparseTable {
  /** The current values. */
  value: tf.Tensor;

  constructor(value: tf.Tensor) {
    this.value = tf.keep(value);
  }

  /** Rows `index` (a new tensor). */
  rows(index: tf.Tensor1D): tf.Tensor {
    return gatherRows(this.value, index);
  }

  /** Replaces rows `index` (distinct) with `rows`. */
  write(index: tf.Tensor1D, rows: tf.Tensor): void {
    const next = tf.tidy(() => tf.tensorScatterUpdate(this.value, tf.reshape(index, [index.shape[0], 1]), rows));
    this.value.dispose();
    this.value = tf.keep(next);
  }

  /** Frees the table. */
  dispose(): void {
    this.value.dispose();
  }
}

/** Sums the rows of `values` that share a position: out[p] = Σ values[t] over positions[t] = p, for p < count. */
export function segmentSum(values: tf.Tensor, positions: tf.Tensor1D, count: number): tf.Tensor {
  return tf.tidy(() => tf.scatterND(tf.reshape(positions, [positions.shape[0], 1]), values, [count, ...values.shape.slice(1)]));
}
