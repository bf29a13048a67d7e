import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, StateError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { BPREngine, BPRFactors, BPRTrainingJob } from '../bpr';
import { SparseTable, gatherRows, segmentSum, uniqueIndex } from './sparse';

/** Options of {@link tfjsBprEngine}. */
export interface TfjsBprEngineOptions {
  /** Triples per gradient step (integer ≥ 1). Default 4096. */
  readonly batchSize: number;
}

const DEFAULTS: TfjsBprEngineOptions = Object.freeze({ batchSize: 4096 });

/**
 * A `BPR` engine (from `@marksman/recsys`) that trains on the active TensorFlow.js backend
 * (call `useBackend` first): each mini-batch of `batchSize` triples is one
 * gradient step on the summed loss
 * Σ [−log σ(x̂ᵤᵢ − x̂ᵤⱼ) + λ/2 (‖xᵤ‖² + ‖yᵢ‖² + ‖yⱼ‖² + bᵢ² + bⱼ²)],
 * so with `batchSize: 1` it takes exactly the typed engine's steps. The
 * step is sparse: it gathers only the rows the batch touches, sums the
 * gradients of repeated rows (`scatterND` over the batch's distinct rows,
 * found on the CPU) and writes those rows back (`tensorScatterUpdate`); the
 * gradient is written out by hand, so no gradient registry is needed, and
 * every op has a kernel on cpu, wasm, webgl and webgpu. Item rows carry
 * their bias as an extra column (and user rows a constant 1), so the bias
 * costs no operations of its own. The loss is summed on the device and
 * read once per epoch. Every tensor is disposed, also
 * when the fit fails or is aborted.
 *
 * Costs O(nnz · f) arithmetic per epoch plus, per step, one copy of the
 * user and item tables at memory speed (tfjs has no in-place update).
 *
 * @param options - see {@link TfjsBprEngineOptions}
 * @returns an engine for the `engine` option of `BPR`
 * @throws `OptionsError` `E_OPTION_UNKNOWN`, `E_OPTION_RANGE`; the fit rejects with `StateError`
 *   `E_BACKEND_UNAVAILABLE` when no backend can start
 * @example
 * ```ts
 * import { BPR } from '@marksman/recsys';
 * import { tfjsBprEngine, useBackend } from '@marksman/recsys/tfjs';
 * await useBackend('cpu');
 * const rows = [
 *   { userId: 'ann', itemId: 'tent' }, { userId: 'ann', itemId: 'stove' },
 *   { userId: 'bob', itemId: 'tent' }, { userId: 'bob', itemId: 'stove' },
 *   { userId: 'cid', itemId: 'tent' }, { userId: 'dee', itemId: 'lipstick' }, { userId: 'eve', itemId: 'lipstick' },
 * ];
 * const model = await new BPR({ factors: 8, iterations: 300, learningRate: 0.1, seed: 1, engine: tfjsBprEngine({ batchSize: 16 }) }).fit(rows);
 * model.recommend('cid', { k: 1 }).map((r) => r.itemId); // => ['stove']
 * ```
 */
export function tfjsBprEngine(options?: Partial<TfjsBprEngineOptions>): BPREngine {
  const source = 'tfjsBprEngine';
  const o = resolveOptions(source, DEFAULTS, options);
  if (typeof o.batchSize !== 'number' || !Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 1 << 24) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: batchSize must be an integer from 1 to 16,777,216, got ${String(o.batchSize)}.`, { source, field: 'batchSize' });
  }
  return Object.freeze({ name: 'tfjs', train: (job: BPRTrainingJob) => trainBpr(job, o.batchSize) });
}

/** 1 − rate·(appearances of each distinct row), for the L2 shrinkage of a batch. */
function appearances(positions: Int32Array, count: number, rate: number): Float32Array {
  const c = new Float32Array(count);
  for (let t = 0; t < positions.length; t++) c[positions[t]!] = c[positions[t]!]! + 1;
  for (let p = 0; p < count; p++) c[p] = 1 - rate * c[p]!;
  return c;
}

/** Rows of width w + 1: each row of `values` (width w) followed by `last`. */
function augment(values: Float32Array, rows: number, w: number, last: (r: number) => number): Float32Array {
  const out = new Float32Array(rows * (w + 1));
  for (let r = 0; r < rows; r++) {
    out.set(values.subarray(r * w, (r + 1) * w), r * (w + 1));
    out[r * (w + 1) + w] = last(r);
  }
  return out;
}

/** The first w columns of each row of a (w + 1)-wide table, and its last column. */
function split(values: ArrayLike<number>, rows: number, w: number): { body: Float32Array; last: Float32Array } {
  const body = new Float32Array(rows * w);
  const last = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < w; q++) body[r * w + q] = values[r * (w + 1) + q]!;
    last[r] = values[r * (w + 1) + w]!;
  }
  return { body, last };
}

async function trainBpr(job: BPRTrainingJob, batchSize: number): Promise<BPRFactors> {
  const { source, factors: f, users: nU, items: nI, learningRate: lr, regularization: reg } = job;
  try {
    await tf.ready();
  } catch (e) {
    throw new StateError('E_BACKEND_UNAVAILABLE', `${source}: the tfjs engine needs a TensorFlow.js backend; call useBackend('auto') first (${e instanceof Error ? e.message : String(e)}).`, { source, field: 'engine' });
  }
  // Item rows carry their bias as a last column and user rows a constant 1,
  // so x̂ᵤᵢ − x̂ᵤⱼ = [xᵤ, 1]·([yᵢ, bᵢ] − [yⱼ, bⱼ]) is one row-wise product and
  // the bias needs no operations of its own.
  const w = f + 1;
  const X = new SparseTable(tf.tensor2d(augment(job.init.userFactors, nU, f, () => 1), [nU, w]));
  const Y = new SparseTable(tf.tensor2d(augment(job.init.itemFactors, nI, f, (r) => job.init.itemBias[r]!), [nI, w]));
  const keepOne = tf.keep(tf.tensor2d(Float32Array.from({ length: w }, (_, q) => (q < f ? 1 : 0)), [1, w]));
  const one = tf.keep(tf.tensor2d(Float32Array.from({ length: w }, (_, q) => (q < f ? 0 : 1)), [1, w]));
  const { users: us, positives: ps, negatives: ns } = job.triples;
  // Scratch for finding each batch's distinct rows on the CPU.
  const userStamp = new Int32Array(nU).fill(-1);
  const userSlot = new Int32Array(nU);
  const itemStamp = new Int32Array(nI).fill(-1);
  const itemSlot = new Int32Array(nI);
  let generation = 0;
  try {
    await job.epochs(async (n) => {
      let total: tf.Tensor = tf.scalar(0);
      try {
        for (let start = 0; start < n; start += batchSize) {
          const end = Math.min(n, start + batchSize);
          const m = end - start;
          generation++;
          const u = uniqueIndex(us.subarray(start, end), userStamp, userSlot, generation);
          const both = new Int32Array(2 * m);
          both.set(ps.subarray(start, end));
          both.set(ns.subarray(start, end), m);
          const it = uniqueIndex(both, itemStamp, itemSlot, generation);
          // The L2 term adds λ·θ once per appearance of θ in the batch: with c
          // appearances, θ' = (1 − ηλc)·θ + η·(data gradient), c counted here.
          const keepU = appearances(u.positions, u.values.length, lr * reg);
          const keepI = appearances(it.positions, it.values.length, lr * reg);
          const step = tf.tidy(() => {
            const uRows = tf.tensor1d(u.values, 'int32');
            const iRows = tf.tensor1d(it.values, 'int32');
            const uPos = tf.tensor1d(u.positions, 'int32');
            const pPos = tf.tensor1d(it.positions.subarray(0, m), 'int32');
            const nPos = tf.tensor1d(it.positions.subarray(m), 'int32');
            const nu = u.values.length;
            const ni = it.values.length;
            const Xu = X.rows(uRows);
            const Yi = Y.rows(iRows);
            const xu = gatherRows(Xu, uPos);
            const diff = tf.sub(gatherRows(Yi, pPos), gatherRows(Yi, nPos));
            const score = tf.sum(tf.mul(xu, diff), 1);
            // −d(−log σ(s))/ds = σ(−s), times the step size.
            const ac = tf.reshape(tf.mul(tf.sigmoid(tf.neg(score)), lr), [m, 1]);
            const axu = tf.mul(ac, xu);
            // The user's constant column neither shrinks nor learns.
            const userStep = tf.mul(segmentSum(tf.mul(ac, diff), uPos, nu), keepOne);
            const userShrunk = tf.add(tf.mul(tf.mul(Xu, tf.tensor2d(keepU, [nu, 1])), keepOne), one);
            return {
              uRows,
              iRows,
              X: tf.add(userShrunk, userStep),
              Y: tf.add(tf.mul(Yi, tf.tensor2d(keepI, [ni, 1])), tf.sub(segmentSum(axu, pPos, ni), segmentSum(axu, nPos, ni))),
              loss: tf.add(total, tf.sum(tf.softplus(tf.neg(score)))),
            };
          });
          X.write(step.uRows as tf.Tensor1D, step.X);
          Y.write(step.iRows as tf.Tensor1D, step.Y);
          tf.dispose([step.uRows, step.iRows, step.X, step.Y, total]);
          total = step.loss;
        }
        return (await total.data())[0]!;
      } finally {
        total.dispose();
      }
    });
    const [x, y] = await Promise.all([X.value.data(), Y.value.data()]);
    const items = split(y, nI, f);
    return { userFactors: split(x, nU, f).body, itemFactors: items.body, itemBias: items.last };
  } finally {
    X.dispose();
    Y.dispose();
    tf.dispose([keepOne, one]);
  }
}
