// The hand-written gradients every learned model trains with, checked
// against central finite differences in float64 arithmetic on the host
// (the tape runs in float32, so tolerances are relative, ~1e-3).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@marksman/core';
import { useBackend } from '@marksman/recsys/tfjs';
import { Tape } from '../../src/tfjs/tape';

beforeAll(async () => {
  await useBackend('cpu');
});

const rng = new Random(11);
const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * rng.next() - 1);

/**
 * Gradient of `f` (a scalar built on a tape from leaves of the given
 * shapes) by the tape and by central differences on each coordinate.
 */
function check(shapes: number[][], f: (tape: Tape, xs: tf.Tensor[]) => tf.Scalar, tolerance = 2e-3): void {
  const values = shapes.map((s) => rand(s.reduce((a, b) => a * b, 1)));
  const evaluate = (vals: Float32Array[]) =>
    tf.tidy(() => {
      const tape = new Tape();
      return f(tape, vals.map((v, k) => tf.tensor(v, shapes[k]))).dataSync()[0]!;
    });
  const analytic = tf.tidy(() => {
    const tape = new Tape();
    const xs = values.map((v, k) => tape.watch(tf.tensor(v, shapes[k])));
    return tape.gradients(f(tape, xs), xs).map((g) => Array.from(g.dataSync()));
  });
  const h = 1e-2;
  values.forEach((v, k) => {
    for (let t = 0; t < v.length; t++) {
      const plus = values.map((x) => x.slice());
      const minus = values.map((x) => x.slice());
      plus[k]![t] = v[t]! + h;
      minus[k]![t] = v[t]! - h;
      const numeric = (evaluate(plus) - evaluate(minus)) / (2 * h);
      const a = analytic[k]![t]!;
      expect(Math.abs(a - numeric), `input ${k}, entry ${t}: tape ${a}, numeric ${numeric}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(numeric)));
    }
  });
}

/** A fixed projection of a vector to a scalar (on the tape), so every entry matters. */
function projected(tape: Tape, t: tf.Tensor): tf.Scalar {
  const w = tf.tensor(Float32Array.from({ length: t.size }, (_, k) => Math.sin(k + 1)), t.shape);
  return tape.sum(tape.mul(t, w), 0) as tf.Scalar;
}

describe('Tape gradients (finite differences)', () => {
  it('matMul with every combination of transposes', () => {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = ta ? [3, 2] : [2, 3];
      const b = tb ? [4, 3] : [3, 4];
      check([a, b], (tape, [x, y]) => projected(tape, tape.sum(tape.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), 1)));
    }
  });

  it('add, sub and mul with broadcasting, scale, relu, sum', () => {
    check([[3, 4], [4]], (tape, [x, b]) => projected(tape, tape.sum(tape.add(x!, b!), 1)));
    check([[3, 4], [3, 1]], (tape, [x, b]) => projected(tape, tape.sum(tape.sub(x!, b!), 0)));
    check([[3, 4], [3, 1]], (tape, [x, b]) => projected(tape, tape.sum(tape.mul(x!, b!), 1)));
    check([[3, 4], [1, 4]], (tape, [x, b]) => projected(tape, tape.sum(tape.mul(tape.scale(x!, 1.7), b!), 0)));
    // ReLU away from its kink: shift inputs so none is near 0.
    check([[3, 4]], (tape, [x]) => projected(tape, tape.sum(tape.relu(tape.add(x!, tf.tensor2d([[0.3, -0.3, 0.5, -0.5]]))), 1)), 5e-2);
  });

  it('rowDot, gather (repeated rows), segmentSum, concat, normalizeRows', () => {
    check([[3, 4], [3, 4]], (tape, [x, y]) => projected(tape, tape.rowDot(x!, y!)));
    check([[3, 4]], (tape, [x]) => projected(tape, tape.sum(tape.gather(x!, tf.tensor1d([2, 0, 2, 1, 2], 'int32')), 1)));
    check([[5, 3]], (tape, [x]) => projected(tape, tape.sum(tape.segmentSum(x!, tf.tensor1d([1, 0, 1, 3, 1], 'int32'), 4), 1)));
    check([[3, 2], [3, 4]], (tape, [x, y]) => projected(tape, tape.sum(tape.concat(x as tf.Tensor2D, y as tf.Tensor2D), 1)));
    check([[3, 4]], (tape, [x]) => projected(tape, tape.sum(tape.normalizeRows(x as tf.Tensor2D), 1)));
    check([[3, 4]], (tape, [x]) => projected(tape, tape.reshape(tape.square(x!), [12])));
    check([[5, 3]], (tape, [x]) => projected(tape, tape.sum(tape.rows(x as tf.Tensor2D, 1, 3), 1)));
    // A transpose used with its own input (the field-aware FM's ⟨A[f, g], A[g, f]⟩): the gradient flows back through both.
    check([[2, 3, 3, 2]], (tape, [x]) => projected(tape, tape.rowDot(tape.reshape(x!, [2, 18]), tape.reshape(tape.transpose(x!, [0, 2, 1, 3]), [2, 18]))));
    check([[2, 3, 4]], (tape, [x]) => projected(tape, tape.reshape(tape.transpose(x!, [2, 0, 1]), [24])));
    check([[2, 3, 4, 2]], (tape, [x]) => projected(tape, tape.reshape(tape.slice(x!, [0, 1, 1, 0], [2, 2, -1, 2]), [24])));
  });

  it('the losses: sigmoid cross-entropy (weighted), BPR, squared error (weighted), softmax cross-entropy', () => {
    const labels = tf.tensor1d([1, 0, 1, 0.25]);
    const weights = tf.tensor1d([1, 2, 0.5, 1]);
    check([[4]], (tape, [x]) => tape.sigmoidCrossEntropy(x as tf.Tensor1D, labels, weights));
    check([[4]], (tape, [x]) => tape.sigmoidCrossEntropy(x as tf.Tensor1D, labels, null));
    check([[4]], (tape, [x]) => tape.pairwiseLogistic(x as tf.Tensor1D));
    check([[4]], (tape, [x]) => tape.squaredError(x as tf.Tensor1D, labels, weights));
    check([[3, 5]], (tape, [x]) => tape.softmaxCrossEntropy(tape.scale(x!, 3) as tf.Tensor2D, tf.tensor1d([4, 0, 2], 'int32')));
    tf.dispose([labels, weights]);
  });

  it('a leaf used twice gets the sum of both paths; a leaf not used gets zeros; nothing outlives the tidy', () => {
    const before = tf.memory().numTensors;
    check([[2, 3]], (tape, [x]) => projected(tape, tape.sum(tape.mul(x!, x!), 1)));
    const g = tf.tidy(() => {
      const tape = new Tape();
      const x = tape.watch(tf.tensor1d([1, 2]));
      const unused = tape.watch(tf.tensor1d([5]));
      const [gx, gu] = tape.gradients(tape.sum(tape.mul(x, x), 0) as tf.Scalar, [x, unused]);
      return [Array.from(gx!.dataSync()), Array.from(gu!.dataSync())];
    });
    expect(g).toEqual([[2, 4], [0]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
