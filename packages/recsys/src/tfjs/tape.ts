// Internal: reverse-mode differentiation for the few operations the learned
// models use, on TensorFlow.js tensors. tfjs-core registers no gradients by
// itself (the `@tensorflow/tfjs` union package does, as a global side
// effect, and only in its ES-module build), so the models record their
// forward pass here and ask for the gradients of the leaves they watch.
// Every method must run inside one `tf.tidy`; the tape keeps no tensor
// beyond it.
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows, matMul, segmentSum } from './sparse';

type Backward = (g: tf.Tensor) => ReadonlyArray<tf.Tensor | null>;

interface Recorded {
  readonly out: tf.Tensor;
  readonly inputs: readonly tf.Tensor[];
  readonly back: Backward;
}

/** Sums `g` down to `shape` (the inverse of broadcasting a smaller operand). */
function unbroadcast(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, k) => d === shape[k])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let k = 0; k < g.rank; k++) {
    const own = k - lead;
    if (own < 0 || (shape[own] === 1 && g.shape[k] !== 1)) axes.push(k);
  }
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(summed, shape as number[]);
}

/** A record of one forward pass. */
export class Tape {
  private readonly tracked = new Set<number>();
  private readonly ops: Recorded[] = [];

  /** Marks `t` as a leaf whose gradient will be asked for. */
  watch<T extends tf.Tensor>(t: T): T {
    this.tracked.add(t.id);
    return t;
  }

  private record<T extends tf.Tensor>(out: T, inputs: readonly tf.Tensor[], back: Backward): T {
    if (inputs.some((x) => this.tracked.has(x.id))) {
      this.tracked.add(out.id);
      this.ops.push({ out, inputs, back });
    }
    return out;
  }

  /** a · b (2-D), either side optionally transposed. */
  matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
    return this.record(matMul(a, b, transposeA, transposeB), [a, b], (g) => {
      const G = g as tf.Tensor2D;
      const da = transposeA ? matMul(b, G, transposeB, true) : matMul(G, b, false, !transposeB);
      const db = transposeB ? matMul(G, a, true, transposeA) : matMul(a, G, !transposeA, false);
      return [da, db];
    });
  }

  /** a + b, with broadcasting. */
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.record(tf.add(a, b), [a, b], (g) => [unbroadcast(g, a.shape), unbroadcast(g, b.shape)]);
  }

  /** a − b, with broadcasting. */
  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.record(tf.sub(a, b), [a, b], (g) => [unbroadcast(g, a.shape), unbroadcast(tf.neg(g), b.shape)]);
  }

  /** a ⊙ b, with broadcasting. */
  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.record(tf.mul(a, b), [a, b], (g) => [unbroadcast(tf.mul(g, b), a.shape), unbroadcast(tf.mul(g, a), b.shape)]);
  }

  /** c · a for a constant c. */
  scale(a: tf.Tensor, c: number): tf.Tensor {
    return this.record(tf.mul(a, c), [a], (g) => [tf.mul(g, c)]);
  }

  /** max(a, 0). */
  relu(a: tf.Tensor): tf.Tensor {
    const out = tf.relu(a);
    return this.record(out, [a], (g) => [tf.mul(g, tf.step(a))]);
  }

  /** Σ along `axis`. */
  sum(a: tf.Tensor, axis: number, keepDims = false): tf.Tensor {
    return this.record(tf.sum(a, axis, keepDims), [a], (g) => {
      const shape = a.shape.slice();
      shape[axis < 0 ? a.rank + axis : axis] = 1;
      return [tf.mul(tf.reshape(g, shape), tf.onesLike(a))];
    });
  }

  /** Row-wise dot products of two m × d matrices: an m-vector. */
  rowDot(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
    return this.record(tf.sum(tf.mul(a, b), 1) as tf.Tensor1D, [a, b], (g) => {
      const gc = tf.reshape(g, [g.shape[0]!, 1]);
      return [tf.mul(gc, b), tf.mul(gc, a)];
    });
  }

  /** Rows [start, start + count) of `a` (meant for small weight matrices: the gradient is padded back). */
  rows(a: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
    const after = a.shape[0] - start - count;
    return this.record(tf.slice(a, [start, 0], [count, -1]), [a], (g) => [tf.pad(g, [[start, after], [0, 0]])]);
  }

  /** `a` with a new shape (same size). */
  reshape(a: tf.Tensor, shape: readonly number[]): tf.Tensor {
    return this.record(tf.reshape(a, shape as number[]), [a], (g) => [tf.reshape(g, a.shape)]);
  }

  /** The block of `a` starting at `begin` with `size` (−1: to the end of that axis). */
  slice(a: tf.Tensor, begin: readonly number[], size: readonly number[]): tf.Tensor {
    const out = tf.slice(a, begin as number[], size as number[]);
    return this.record(out, [a], (g) => [tf.pad(g, a.shape.map((d, k) => [begin[k]!, d - begin[k]! - out.shape[k]!] as [number, number]))]);
  }

  /** `a` with its axes permuted by `perm`. */
  transpose(a: tf.Tensor, perm: readonly number[]): tf.Tensor {
    const inverse = perm.map((_, k) => perm.indexOf(k));
    return this.record(tf.transpose(a, perm as number[]), [a], (g) => [tf.transpose(g, inverse)]);
  }

  /** Elementwise a². */
  square(a: tf.Tensor): tf.Tensor {
    return this.record(tf.square(a), [a], (g) => [tf.mul(g, tf.mul(a, 2))]);
  }

  /** Rows `index` of `a`. */
  gather(a: tf.Tensor, index: tf.Tensor1D): tf.Tensor {
    return this.record(gatherRows(a, index), [a], (g) => [segmentSum(g, index, a.shape[0]!)]);
  }

  /** out[p] = Σ a[t] over positions[t] = p, p < count. */
  segmentSum(a: tf.Tensor, positions: tf.Tensor1D, count: number): tf.Tensor {
    return this.record(segmentSum(a, positions, count), [a], (g) => [gatherRows(g, positions)]);
  }

  /** [a, b] side by side (axis 1). */
  concat(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    const wa = a.shape[1];
    return this.record(tf.concat([a, b], 1), [a, b], (g) => [tf.slice(g, [0, 0], [-1, wa]), tf.slice(g, [0, wa], [-1, -1])]);
  }

  /** Each row divided by its Euclidean norm (rows of zeros stay zero). */
  normalizeRows(a: tf.Tensor2D): tf.Tensor2D {
    const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(a), 1, true)), 1e-12);
    const y = tf.div(a, norm) as tf.Tensor2D;
    return this.record(y, [a], (g) => [tf.div(tf.sub(g, tf.mul(y, tf.sum(tf.mul(g, y), 1, true))), norm)]);
  }

  /** Σ w · [softplus(x) − y·x]: weighted binary cross-entropy on logits x with labels y ∈ [0, 1]. */
  sigmoidCrossEntropy(logits: tf.Tensor1D, labels: tf.Tensor1D, weights: tf.Tensor1D | null): tf.Scalar {
    const per = tf.sub(tf.softplus(logits), tf.mul(labels, logits));
    const loss = tf.sum(weights === null ? per : tf.mul(per, weights)) as tf.Scalar;
    return this.record(loss, [logits], (g) => {
      const d = tf.sub(tf.sigmoid(logits), labels);
      return [tf.mul(g, weights === null ? d : tf.mul(d, weights))];
    });
  }

  /** Σ softplus(−d) = Σ −log σ(d): the BPR loss of score differences d. */
  pairwiseLogistic(diff: tf.Tensor1D): tf.Scalar {
    const loss = tf.sum(tf.softplus(tf.neg(diff))) as tf.Scalar;
    return this.record(loss, [diff], (g) => [tf.mul(g, tf.neg(tf.sigmoid(tf.neg(diff))))]);
  }

  /** Σ w · (p − t)² / 2. */
  squaredError(pred: tf.Tensor1D, target: tf.Tensor1D, weights: tf.Tensor1D | null): tf.Scalar {
    const r = tf.sub(pred, target);
    const per = tf.mul(tf.square(r), 0.5);
    const loss = tf.sum(weights === null ? per : tf.mul(per, weights)) as tf.Scalar;
    return this.record(loss, [pred], (g) => [tf.mul(g, weights === null ? r : tf.mul(r, weights))]);
  }

  /**
   * Σ over rows of −log softmax(logits)[row, label]: softmax cross-entropy
   * with one integer label per row. One exponential pass serves both the
   * loss and the gradient (softmax − one-hot).
   */
  softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    const [m, n] = logits.shape;
    const shifted = tf.sub(logits, tf.max(logits, 1, true));
    const e = tf.exp(shifted);
    const total = tf.sum(e, 1, true);
    const picked = tf.gatherND(shifted, tf.stack([tf.range(0, m, 1, 'int32'), labels], 1));
    const loss = tf.sub(tf.sum(tf.log(total)), tf.sum(picked)) as tf.Scalar;
    return this.record(loss, [logits], (g) => [tf.mul(g, tf.sub(tf.div(e, total), tf.oneHot(labels, n)))]);
  }

  /** Gradients of the scalar `loss` with respect to `leaves` (zeros for a leaf it does not depend on). */
  gradients(loss: tf.Scalar, leaves: readonly tf.Tensor[]): tf.Tensor[] {
    const grads = new Map<number, tf.Tensor>();
    grads.set(loss.id, tf.onesLike(loss));
    for (let k = this.ops.length - 1; k >= 0; k--) {
      const op = this.ops[k]!;
      const g = grads.get(op.out.id);
      if (g === undefined) continue;
      const parts = op.back(g);
      op.inputs.forEach((x, j) => {
        const p = parts[j];
        if (p === null || p === undefined || !this.tracked.has(x.id)) return;
        const prev = grads.get(x.id);
        grads.set(x.id, prev === undefined ? p : tf.add(prev, p));
      });
    }
    return leaves.map((t) => grads.get(t.id) ?? tf.zerosLike(t));
  }
}
