// Internal: the trainable parameters of a learned model and their optimiser.
// Dense parameters (MLP weights, biases) take a full Adam or Adagrad step;
// embedding tables take a *lazy* step on the rows a batch touched (as
// TensorFlow's LazyAdam and Adagrad's sparse update do): only those rows of
// the table and of its moment tables are read and written, so a step costs
// O(batch) whatever the catalogue size.
import * as tf from '@tensorflow/tfjs-core';
import { SparseTable, uniqueIndex } from './sparse';

/** Which optimiser, and its settings. */
export interface OptimizerSettings {
  readonly optimizer: 'adam' | 'adagrad';
  readonly learningRate: number;
  /** L2 penalty on the parameters a step touches (coupled: added to the gradient). */
  readonly l2: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
const ADAGRAD_INITIAL = 0.1;

interface DenseParam {
  value: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
}

interface TableParam {
  readonly value: SparseTable;
  readonly m: SparseTable;
  readonly v: SparseTable;
  readonly rows: number;
  readonly width: number;
}

/** The rows of a table that one batch uses, found on the CPU. */
export interface TableRows {
  /** Distinct table rows, in order of first use. */
  readonly rows: Int32Array;
  /** For each use, the position of its row among `rows`. */
  readonly positions: Int32Array;
}

/** Named parameters on the active backend, with optimiser state. */
export class ParamStore {
  private readonly dense = new Map<string, DenseParam>();
  private readonly tables = new Map<string, TableParam>();
  private readonly stamps = new Map<string, { stamp: Int32Array; slot: Int32Array }>();
  private generation = 0;
  private step = 0;

  constructor(private readonly settings: OptimizerSettings) {}

  /** Adds a dense parameter from host values. */
  addDense(name: string, values: Float32Array, shape: readonly number[]): void {
    const value = tf.keep(tf.tensor(values, shape as number[], 'float32'));
    const init = this.settings.optimizer === 'adagrad' ? ADAGRAD_INITIAL : 0;
    this.dense.set(name, { value, m: tf.keep(tf.zerosLike(value)), v: tf.keep(tf.fill(shape as number[], init)) });
  }

  /** Adds an embedding table (rows × width) from host values. */
  addTable(name: string, values: Float32Array, rows: number, width: number): void {
    const init = this.settings.optimizer === 'adagrad' ? ADAGRAD_INITIAL : 0;
    const shape = width === 0 ? [rows] : [rows, width];
    this.tables.set(name, {
      value: new SparseTable(tf.tensor(values, shape, 'float32')),
      m: new SparseTable(tf.zeros(shape)),
      v: new SparseTable(tf.fill(shape, init)),
      rows,
      width,
    });
    this.stamps.set(name, { stamp: new Int32Array(rows).fill(-1), slot: new Int32Array(rows) });
  }

  /** The current value of a dense parameter. */
  get(name: string): tf.Tensor {
    return this.dense.get(name)!.value;
  }

  /** The current value of a table. */
  table(name: string): tf.Tensor {
    return this.tables.get(name)!.value.value;
  }

  /** Names of the dense parameters, in insertion order. */
  denseNames(): string[] {
    return [...this.dense.keys()];
  }

  /** Names of the tables, in insertion order. */
  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  /** Starts a batch: row lookups made until the next call share one scratch generation. */
  beginBatch(): void {
    this.generation++;
  }

  /** The distinct rows of table `name` among `ids` and each id's position among them. */
  rowsOf(name: string, ids: Int32Array): TableRows {
    const s = this.stamps.get(name)!;
    const u = uniqueIndex(ids, s.stamp, s.slot, this.generation);
    return { rows: u.values, positions: u.positions };
  }

  /** Reads rows of a table (a tensor to watch as a leaf). */
  readRows(name: string, rows: tf.Tensor1D): tf.Tensor {
    return this.tables.get(name)!.value.rows(rows);
  }

  /**
   * Applies one optimiser step: `denseGrads` by name for dense parameters,
   * and for tables the gradient of the rows read by `readRows` (`rowGrads`,
   * with the row index tensor and the values that were read).
   */
  apply(denseGrads: ReadonlyMap<string, tf.Tensor>, rowGrads: ReadonlyArray<{ name: string; rows: tf.Tensor1D; read: tf.Tensor; grad: tf.Tensor }>): void {
    this.step++;
    const { optimizer, learningRate: lr, l2 } = this.settings;
    const t = this.step;
    const bias1 = 1 - BETA1 ** t;
    const bias2 = 1 - BETA2 ** t;
    const update = (value: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] => {
      const g = l2 > 0 ? tf.add(grad, tf.mul(value, l2)) : grad;
      if (optimizer === 'adagrad') {
        const v2 = tf.add(v, tf.square(g));
        return [tf.sub(value, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(v2), EPSILON))), m, v2];
      }
      const m2 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
      const v2 = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      const stepSize = (lr * Math.sqrt(bias2)) / bias1;
      return [tf.sub(value, tf.div(tf.mul(m2, stepSize), tf.add(tf.sqrt(v2), EPSILON * Math.sqrt(bias2)))), m2, v2];
    };
    for (const [name, grad] of denseGrads) {
      const p = this.dense.get(name)!;
      const next = tf.tidy(() => update(p.value, grad, p.m, p.v).map((x) => tf.keep(x.clone())));
      tf.dispose([p.value, p.m, p.v]);
      [p.value, p.m, p.v] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
    }
    for (const r of rowGrads) {
      const p = this.tables.get(r.name)!;
      const [value, m, v] = tf.tidy(() => update(r.read, r.grad, p.m.rows(r.rows), p.v.rows(r.rows)).map((x) => tf.keep(x.clone())));
      p.value.write(r.rows, value!);
      if (optimizer === 'adam') p.m.write(r.rows, m!);
      p.v.write(r.rows, v!);
      tf.dispose([value!, m!, v!]);
    }
  }

  /** Downloads every parameter: dense by name, tables by name. */
  async download(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, p] of this.dense) out.set(name, Float32Array.from(await p.value.data()));
    for (const [name, p] of this.tables) out.set(name, Float32Array.from(await p.value.value.data()));
    return out;
  }

  /** Replaces parameter values with host values (optimiser state is kept). */
  upload(values: ReadonlyMap<string, Float32Array>): void {
    for (const [name, v] of values) {
      const d = this.dense.get(name);
      if (d !== undefined) {
        const next = tf.keep(tf.tensor(v, d.value.shape, 'float32'));
        d.value.dispose();
        d.value = next;
        continue;
      }
      const t = this.tables.get(name);
      if (t !== undefined) {
        const next = tf.tensor(v, t.value.value.shape, 'float32');
        t.value.value.dispose();
        t.value.value = tf.keep(next);
      }
    }
  }

  /** Shapes of every parameter, by name. */
  shapes(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [name, p] of this.dense) out.set(name, p.value.shape.slice());
    for (const [name, p] of this.tables) out.set(name, p.value.value.shape.slice());
    return out;
  }

  /** Tensors held (values and optimiser state). */
  get tensorCount(): number {
    return 3 * (this.dense.size + this.tables.size);
  }

  /** Frees every tensor. */
  dispose(): void {
    for (const p of this.dense.values()) tf.dispose([p.value, p.m, p.v]);
    for (const p of this.tables.values()) {
      p.value.dispose();
      p.m.dispose();
      p.v.dispose();
    }
    this.dense.clear();
    this.tables.clear();
  }
}
