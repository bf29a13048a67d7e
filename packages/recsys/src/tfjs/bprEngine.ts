import * as tf from '@tensorflow/tfjs-core';
import { OptionsError, StateError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { BPREngine, BPRFactors, BPRTrainingJob } from '../bpr';

/** Options of {@link tfjsBprEngine}. */
export interface TfjsBprEngineOptions {
  /**
   * Triples per gradient step (integer ≥ 1). Default 16384. A step costs a
   * fixed number of operations plus passes over its triples and over the
   * two tables, so larger batches take fewer steps per epoch, but their
   * batch-sized intermediates fall out of the CPU caches: on the wasm
   * backend, MovieLens 100K (44,296 triples per epoch) took 3.17×, 3.14×,
   * 3.16× and 3.21× the typed engine's epoch at 32768, 16384, 8192 and 4096
   * in the paired measure of `recsys-bpr-engines-100k` (benchmarks/README.md;
   * on a quiet machine its rounds spread by about ±0.1×, and by ±0.5× on a
   * busy one), each at NDCG@10 0.243 against the typed engine's 0.244. A
   * step sums the gradients of its triples, so a row seen c times
   * in a batch moves as far as c small steps at once: if a fit diverges
   * (`E_DIVERGED`), lower `batchSize` or `learningRate`. `batchSize: 1`
   * takes the typed engine's steps.
   */
  readonly batchSize: number;
}

const DEFAULTS: TfjsBprEngineOptions = Object.freeze({ batchSize: 16384 });

/**
 * A `BPR` engine (from `@marksman/recsys`) that trains on the active TensorFlow.js backend
 * (call `useBackend` first): each mini-batch of `batchSize` triples is one
 * gradient step on the summed loss
 * Σ [−log σ(x̂ᵤᵢ − x̂ᵤⱼ) + λ/2 (‖xᵤ‖² + ‖yᵢ‖² + ‖yⱼ‖² + bᵢ² + bⱼ²)],
 * so with `batchSize: 1` it takes exactly the typed engine's steps. The
 * gradient is written out in closed form (for x = x̂ᵤᵢ − x̂ᵤⱼ each triple
 * moves its three rows by η·σ(−x) times the other factors, less ηλ times
 * the row itself), so there is no gradient tape and no optimizer state. A
 * step gathers the batch's user and item rows (`gatherND` on wasm, `gather`
 * elsewhere), sums the per-triple updates of each row with `scatterND`
 * (repeated rows add up; on wasm the user rows, the batch being taken in
 * order of user, with `sparseSegmentSum`) and adds them to the tables: about twenty
 * operations per batch, each with a kernel on cpu, wasm, webgl and webgpu.
 * The L2 term rides in the scattered updates when the batch has fewer
 * triples than the tables have rows, and is otherwise applied as a per-row
 * shrink 1 − ηλc for a row seen c times (c counted on the CPU), whichever
 * costs fewer passes. Item rows carry their bias as an extra column (and
 * user rows a constant 1), so the bias costs no operations of its own. The
 * loss is summed on the device and read once per epoch; when no
 * `onProgress` reads it, the sum of the scores' differences stands in for
 * it (not finite when one of them is not, as the divergence check needs). Every tensor is
 * disposed, also when the fit fails or is aborted.
 *
 * Costs O(nnz · f) arithmetic per epoch plus, per step, a few passes over
 * the user and item tables at memory speed (tfjs has no in-place update).
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

/**
 * The triples (u, p, q) in order of user, stable (a counting sort into the
 * buffers of `into`, which hold at least u.length triples); views of them.
 * Afterwards `into.count[r]` is where user r's run ends (r appears
 * count[r] − count[r − 1] times) and, with `countItems`, `into.items[i]`
 * is how often item i appears, as either item of a triple.
 */
function sortByUser(
  into: { count: Int32Array; items: Int32Array; u: Int32Array; p: Int32Array; q: Int32Array },
  u: Int32Array,
  p: Int32Array,
  q: Int32Array,
  users: number,
  countItems: boolean,
): { u: Int32Array; p: Int32Array; q: Int32Array } {
  const { count, items } = into;
  const m = u.length;
  count.fill(0);
  for (let t = 0; t < m; t++) count[u[t]! + 1] = count[u[t]! + 1]! + 1;
  for (let r = 0; r < users; r++) count[r + 1] = count[r + 1]! + count[r]!;
  for (let t = 0; t < m; t++) {
    const at = count[u[t]!]!;
    count[u[t]!] = at + 1;
    into.u[at] = u[t]!;
    into.p[at] = p[t]!;
    into.q[at] = q[t]!;
  }
  if (countItems) {
    items.fill(0);
    for (let t = 0; t < m; t++) {
      items[p[t]!] = items[p[t]!]! + 1;
      items[q[t]!] = items[q[t]!]! + 1;
    }
  }
  return { u: into.u.subarray(0, m), p: into.p.subarray(0, m), q: into.q.subarray(0, m) };
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
  let X: tf.Tensor2D = tf.tensor2d(augment(job.init.userFactors, nU, f, () => 1), [nU, w]);
  let Y: tf.Tensor2D = tf.tensor2d(augment(job.init.itemFactors, nI, f, (r) => job.init.itemBias[r]!), [nI, w]);
  // 1 on the factor columns, 0 on the constant one (which neither learns nor shrinks).
  const learns = tf.tensor2d(Float32Array.from({ length: w }, (_, q) => (q < f ? 1 : 0)), [1, w]);
  // [s, 1]·basis = s on the factor columns and 1 on the constant column.
  const basis = tf.tensor2d(Float32Array.from({ length: 2 * w }, (_, t) => (t < w ? (t < f ? 1 : 0) : t === 2 * w - 1 ? 1 : 0)), [2, w]);
  const minusRate = tf.scalar(-lr);
  const decay = lr * reg;
  const decayT = tf.scalar(decay);
  const { users: us, positives: ps, negatives: ns } = job.triples;
  // Per-row shrink factors, for batches larger than the two tables: per user [1 − ηλc, 1], per item 1 − ηλc.
  const shrinkU = new Float32Array(2 * nU).fill(1);
  const shrinkI = new Float32Array(nI).fill(1);
  // Index tensors are [m, 1], as gatherND and scatterND take them; wasm gathers
  // rows with gatherND (see gatherRows in ./sparse), other backends with gather.
  const onWasm = tf.getBackend() === 'wasm';
  const rows = (table: tf.Tensor2D, index: tf.Tensor2D, m: number): tf.Tensor2D => (onWasm ? tf.gatherND(table, index) : tf.gather(table, tf.reshape(index, [m]))) as tf.Tensor2D;
  const sumInto = (index: tf.Tensor2D, values: tf.Tensor, count: number): tf.Tensor2D => tf.scatterND(index, values, [count, w]);
  // A batch's triples are taken in order of user (a counting sort, below; the
  // step is the same sum in another order), so each user's rows are adjacent
  // and, on wasm, summed by sparseSegmentSum over runs, about twice as fast
  // there as scatterND's scattered adds. Its output ends at the batch's last
  // user and is padded to the table. Other backends keep scatterND (their
  // sparseSegmentSum reads the indices back to the CPU).
  const positions = new Map<number, tf.Tensor1D>();
  const sumUsers = (index: tf.Tensor2D, values: tf.Tensor, m: number): tf.Tensor2D => {
    if (!onWasm) return sumInto(index, values, nU);
    let at = positions.get(m);
    if (at === undefined) {
      at = tf.keep(tf.range(0, m, 1, 'int32'));
      positions.set(m, at);
    }
    const sums = tf.sparse.sparseSegmentSum(values, at, tf.reshape(index, [m])) as tf.Tensor2D;
    return sums.shape[0] === nU ? sums : tf.pad(sums, [[0, nU - sums.shape[0]], [0, 0]]);
  };
  const cap = Math.min(batchSize, us.length);
  const byUser = { count: new Int32Array(nU + 1), items: new Int32Array(nI), u: new Int32Array(cap), p: new Int32Array(cap), q: new Int32Array(cap) };
  // Tried on wasm (tfjs 4.22, MovieLens 100K, same-process A/B) and slower:
  // one scatterND of the positive and negative item rows over an interleaved
  // [i, j] index (its signed values cost a 2m-row broadcast multiply, and one
  // 2m-row scatter was no cheaper than two m-row ones); one gatherND of both
  // item rows (splitting them needs slice, split or a batched matMul, each
  // several times a gather); a separate bias column (more gathers and
  // scatters than the extra column costs); per-epoch index tensors sliced by
  // batch (slice costs more than building the batch's small index tensors);
  // triples sorted by user with scatterND kept for the users (no consistent
  // change: the gain is the segment sum's). Measured and not kept: the item
  // rows summed by sparseSegmentSum too, each in its own sorted order (a
  // permuted read, as slow as scatterND); yᵢ − yⱼ as one sparseSegmentSum
  // over [Y; −Y] (no faster than two gathers and a subtraction); the loss
  // from σ(−x) instead of softplus (as slow); batches of 65536 (one step per
  // epoch here: at most a few per cent less CPU time, NDCG@10 0.241 against 0.243).
  // Also measured and not kept (minimum kernel times of 30 runs at 16384
  // triples, and paired 20-epoch fits by CPU time): rows padded to 68
  // columns, a multiple of 4 (the kernels within about 10% of their times
  // at 65 columns, either way, and the fit no faster); x̂ differences by a
  // batched matMul [m, 1, w] × [m, w, 1] (1.0 ms against 0.53 ms for mul and sum) or the row
  // sums by a matMul with a ones column (0.55 to 1.3 ms against 0.33 ms);
  // the item rows of both sides by one sparseSegmentSum over 2m entries,
  // positives' segments first, split after (the fit 1.5×); the step taken in
  // chunks of 2048 to 8192 triples so that its intermediates stay in cache
  // (the same 4.0 to 4.3 ms of kernels per 16384 triples: they are bound by
  // arithmetic, not memory); engine().runKernel instead of the op functions
  // (the wrappers cost at most about 1 µs of the 6 µs of overhead an operation has,
  // some 30 operations a step). The loss as −Σ log σ(x) from a sigmoid and a
  // log (0.1 ms a step against softplus's 0.19) is not used: σ(x) underflows
  // below x ≈ −87, where the loss would turn infinite (a false E_DIVERGED)
  // and softplus stays finite. What bounds this engine: at 16384 triples a
  // step's batch-sized kernels take at least 4.0 ms (three gathers 0.3 ms
  // each, the two scatters 0.53, the broadcast multiplies 0.3, the row sum
  // 0.33, softplus 0.19, sub, mul and the segment sum 0.2 to 0.25), about
  // 11 ms an epoch of MovieLens 100K, before sampling (1.3 ms an epoch,
  // shared with the typed engine, whose epoch is about 4.5 ms in all).
  // Measured again and not kept (paired in-engine epochs: this engine and a
  // variant alternating epoch by epoch on the same triples, CPU time, median
  // of the per-pair ratios; two copies of this same code gave 0.991 over 400
  // pairs at load 5 to 8, so about ±1.5% is noise): yⱼ − yᵢ by one
  // sparseSegmentSum over [Y; −Y] with its pair index written by the sort
  // (1.026, slower); the sort's item counts folded into its histogram pass
  // (alone 0.41 to 0.59 ms an epoch either way: the random item increments
  // cost, not the passes) with yᵢ and yⱼ freed right after their difference
  // (0.985 and 0.982 over 400 and 600 pairs: noise); batches of 8192 and 12288
  // (1.046 and 0.990 against 16384). On wasm, tile or broadcastTo (44 ms) or
  // an outer-product matMul (0.54 ms) to turn the two [m, 1] × [m, w]
  // multiplies (0.3 ms each) into same-shape ones cost more than they save;
  // nor is there a dense way through matMul: [943, 1682] × [1682, 65] takes
  // 8 ms and its transposed forms over 100 ms, against about 4 ms for a whole
  // step. At 20 epochs this engine costs about 12 ms fixed plus 13.7 ms an
  // epoch against the typed engine's 11.5 ms plus 4.1 ms (CPU time, fastest
  // of 15 fits each): a ratio of 2.85 there needs about 0.9 ms (7%) less per epoch.
  try {
    await job.epochs(async (n) => {
      let total: tf.Tensor = tf.scalar(0);
      try {
        for (let start = 0; start < n; start += batchSize) {
          const end = Math.min(n, start + batchSize);
          const m = end - start;
          // The L2 term adds −ηλθ per appearance of θ in the batch. Folded into
          // the rows the step scatters, it costs four more passes over the
          // batch's rows; as a per-row shrink 1 − ηλc (c, a row's appearances,
          // counted by the sort), a few passes over the two tables: the smaller is taken.
          const fold = m < nU + nI;
          const { u, p, q } = sortByUser(byUser, us.subarray(start, end), ps.subarray(start, end), ns.subarray(start, end), nU, !fold);
          if (!fold) {
            const { count: ends, items: seen } = byUser;
            for (let r = 0, from = 0; r < nU; r++) {
              shrinkU[2 * r] = 1 - decay * (ends[r]! - from);
              from = ends[r]!;
            }
            for (let i = 0; i < nI; i++) shrinkI[i] = 1 - decay * seen[i]!;
          }
          const Xt = X;
          const Yt = Y;
          const sum = total;
          const step = tf.tidy(() => {
            const uIdx = tf.tensor2d(u, [m, 1], 'int32');
            const pIdx = tf.tensor2d(p, [m, 1], 'int32');
            const nIdx = tf.tensor2d(q, [m, 1], 'int32');
            const xu = rows(Xt, uIdx, m);
            const yp = rows(Yt, pIdx, m);
            const yn = rows(Yt, nIdx, m);
            // yⱼ − yᵢ, so that the row-wise product is −(x̂ᵤᵢ − x̂ᵤⱼ) = −x and no negation is needed.
            const diff = tf.sub(yn, yp);
            const prod = tf.mul(xu, diff);
            const minusX = tf.sum(prod, 1);
            tf.dispose(prod);
            // The loss when it is reported; otherwise Σ(−x), which is not finite when a score is not (no softplus).
            const loss = tf.add(sum, tf.sum(job.lossReported ? tf.softplus(minusX) : minusX));
            // d(−log σ(x))/dx = −σ(−x): each triple's step on x̂ᵤᵢ − x̂ᵤⱼ is η·σ(−x); here its negative.
            const minusStep = tf.reshape(tf.mul(tf.sigmoid(minusX), minusRate), [m, 1]);
            let userStep = tf.mul(minusStep, diff);
            tf.dispose(diff);
            const itemStep = tf.mul(minusStep, xu);
            if (fold) {
              // −ηλxᵤ on every column: the constant one's change is masked off below.
              const prev = userStep;
              userStep = tf.sub(userStep, tf.mul(xu, decayT));
              tf.dispose(prev);
            }
            tf.dispose(xu);
            const dX = sumUsers(uIdx, userStep, m);
            tf.dispose(userStep);
            let nextX: tf.Tensor2D;
            let nextY: tf.Tensor2D;
            if (fold) {
              nextX = tf.add(Xt, tf.mul(dX, learns));
              // Item i: +η·σ(−x)·xᵤ − ηλyᵢ (itemStep is its negative without the L2 term); item j: the opposite data term.
              const up = tf.add(itemStep, tf.mul(yp, decayT));
              tf.dispose(yp);
              const un = tf.sub(itemStep, tf.mul(yn, decayT));
              tf.dispose([yn, itemStep]);
              nextY = tf.add(Yt, tf.sub(sumInto(nIdx, un, nI), sumInto(pIdx, up, nI)));
            } else {
              tf.dispose([yp, yn]);
              const keepU = tf.matMul(tf.tensor2d(shrinkU, [nU, 2]), basis);
              nextX = tf.add(tf.mul(Xt, keepU), tf.mul(dX, learns));
              nextY = tf.add(tf.mul(Yt, tf.tensor2d(shrinkI, [nI, 1])), tf.sub(sumInto(nIdx, itemStep, nI), sumInto(pIdx, itemStep, nI)));
            }
            return { X: nextX, Y: nextY, loss };
          });
          tf.dispose([Xt, Yt, sum]);
          X = step.X;
          Y = step.Y;
          total = step.loss;
        }
        return (await total.data())[0]!;
      } finally {
        total.dispose();
      }
    });
    const [x, y] = await Promise.all([X.data(), Y.data()]);
    const items = split(y, nI, f);
    return { userFactors: split(x, nU, f).body, itemFactors: items.body, itemBias: items.last };
  } finally {
    tf.dispose([X, Y, learns, basis, minusRate, decayT, ...positions.values()]);
  }
}
