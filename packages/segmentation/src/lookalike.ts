import { OptionsError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import type { Id } from '@marksman/core';
import { chooseFeatures, readFeatureColumns, readIds } from './tree/profiles-input';
import type { ProfilesInput } from './tree/profiles-input';
import { checkName, describeValue, isId } from './checks';

/** How {@link lookalike} measures similarity to the seed audience. */
export type LookalikeMethod = 'centroid' | 'knn' | 'classifier';

/** Options of {@link lookalike}. */
export interface LookalikeOptions {
  /** How many customers to return (default `null`: rank every non-seed customer). */
  readonly size?: number | null;
  /** `'centroid'` (default), `'knn'` or `'classifier'`; see {@link lookalike}. */
  readonly method?: LookalikeMethod;
  /** Feature names; default every numeric field except `idField`. */
  readonly features?: readonly string[] | null;
  /** Id field or column (default `'customerId'`). */
  readonly idField?: string;
  /** Neighbours for `'knn'` (default 5; at most the number of seeds). */
  readonly k?: number;
  /** L2 penalty λ of the `'classifier'` (default 1, as scikit-learn's C = 1). */
  readonly l2?: number;
  /** How many driving features to report per customer (default 3). */
  readonly drivers?: number;
}

/** A feature that makes a customer look like the seed audience. */
export interface LookalikeDriver {
  /** Feature name. */
  readonly feature: string;
  /** Contribution to the score (see {@link lookalike}); larger means more seed-like. */
  readonly contribution: number;
}

/** A customer of the lookalike audience. */
export interface LookalikeMember {
  /** The customer's id. */
  readonly customerId: Id;
  /** Similarity to the seed audience; larger is more similar (see {@link lookalike} for the scale). */
  readonly score: number;
  /** The features with the largest positive contributions, largest first. */
  readonly drivers: readonly LookalikeDriver[];
}

const DEFAULTS: Readonly<{
  size: number | null;
  method: LookalikeMethod;
  features: readonly string[] | null;
  idField: string;
  k: number;
  l2: number;
  drivers: number;
}> = Object.freeze({ size: null, method: 'centroid', features: null, idField: 'customerId', k: 5, l2: 1, drivers: 3 });

function rangeError(source: string, field: string, message: string): OptionsError {
  return new OptionsError('E_OPTION_RANGE', `${source}: ${message}`, { source, field });
}

/** Solves A x = b for a symmetric positive definite A (Cholesky), A row-major m × m. */
function solveSpd(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      l[i * m + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * m + j]!;
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * z[k]!;
    z[i] = s / l[i * m + i]!;
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * x[k]!;
    x[i] = s / l[i * m + i]!;
  }
  return x;
}

/**
 * L2-penalised logistic regression (intercept unpenalised), balanced class
 * weights, fitted by Newton's method. Returns [w_0…w_{p−1}, intercept].
 */
function fitLogistic(z: readonly Float64Array[], target: Uint8Array, l2: number): Float64Array {
  const p = z.length;
  const n = target.length;
  const m = p + 1;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += target[i]!;
  const wPos = n / (2 * pos);
  const wNeg = n / (2 * (n - pos));
  const beta = new Float64Array(m);
  const x = new Float64Array(m);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Float64Array(m);
    const h = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      let eta = beta[p]!;
      for (let j = 0; j < p; j++) {
        x[j] = z[j]![i]!;
        eta += beta[j]! * x[j]!;
      }
      x[p] = 1;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = target[i] === 1 ? wPos : wNeg;
      const r = w * (mu - target[i]!);
      const v = w * mu * (1 - mu);
      for (let a = 0; a < m; a++) {
        g[a]! += r * x[a]!;
        for (let b = 0; b <= a; b++) h[a * m + b]! += v * x[a]! * x[b]!;
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) h[b * m + a] = h[a * m + b]!;
    for (let j = 0; j < p; j++) {
      g[j]! += l2 * beta[j]!;
      h[j * m + j]! += l2;
    }
    h[p * m + p]! += 1e-10;
    const step = solveSpd(h, g, m);
    let maxStep = 0;
    for (let a = 0; a < m; a++) {
      beta[a]! -= step[a]!;
      maxStep = Math.max(maxStep, Math.abs(step[a]!));
    }
    if (maxStep < 1e-10) break;
  }
  return beta;
}

/**
 * Lookalike audience: ranks every customer who is not in the seed audience
 * by similarity to it and returns the top `size`, with scores and the
 * features that drive each score. Seeds never appear in the result.
 *
 * Features are standardised first: z = (x − mean) / sd with the mean and
 * population standard deviation (divide by n) over all profiles, seeds
 * included; a constant feature is left out. Methods:
 *
 * - `'centroid'` — distance d to the mean z of the seeds; score
 *   1 / (1 + d / √p) in (0, 1] (d / √p is the root-mean-square gap per
 *   feature). Driver contribution of feature j: c_j² − (z_j − c_j)², how
 *   much closer than an average customer (z = 0) the customer is to the
 *   seed centroid c on j (the contributions sum to |c|² − d²). O(n · p).
 * - `'knn'` — root-mean-square distance to the `k` nearest seeds, same
 *   score scale; drivers as for the centroid with c the mean of those
 *   neighbours. O(n · seeds · p).
 * - `'classifier'` — logistic regression of seed vs everyone else (L2
 *   penalty `l2` on the weights, balanced class weights, Newton's method);
 *   score = the predicted seed probability; contribution of j: w_j · z_j,
 *   its share of the log-odds relative to an average customer.
 *   O(n · p² · iterations).
 *
 * Ties in score keep input order.
 *
 * @param seedCustomerIds - ids of the seed audience (duplicates ignored)
 * @param profiles - one record, Table row or Apache Arrow table row per customer with `idField` and numeric features
 * @param options - see {@link LookalikeOptions}
 * @returns up to `size` members, best first
 * @throws `ValidationError` `E_SEED_EMPTY`, `E_SEED_UNKNOWN` for a seed id
 *   not among the profiles, `E_ID_TYPE` for a seed id that is not a non-empty
 *   string or finite number; `E_EMPTY`, `E_PROFILES_TYPE`, `E_NO_FEATURES`,
 *   `E_FEATURE_MISSING`, `E_NOT_FINITE`, `E_ARROW_TYPE`, `E_ID_TYPE`, `E_DUPLICATE_ID` for bad
 *   profiles; `OptionsError` `E_OPTION_RANGE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { lookalike } from '@marksman/segmentation';
 * const profiles = [
 *   { customerId: 1, orders: 10, spend: 900 }, { customerId: 2, orders: 9, spend: 800 },
 *   { customerId: 3, orders: 8, spend: 850 }, { customerId: 4, orders: 1, spend: 20 },
 *   { customerId: 5, orders: 2, spend: 60 },
 * ];
 * const audience = lookalike([1, 2], profiles, { size: 2 });
 * audience.map((m) => m.customerId); // => [3, 5]
 * audience[0]!.drivers.map((d) => d.feature); // => ['orders', 'spend']
 * ```
 */
export function lookalike(seedCustomerIds: readonly Id[], profiles: ProfilesInput, options?: LookalikeOptions): LookalikeMember[] {
  const source = 'lookalike';
  const o = resolveOptions(source, DEFAULTS, options);
  if (o.method !== 'centroid' && o.method !== 'knn' && o.method !== 'classifier') {
    throw rangeError(source, 'method', `method must be 'centroid', 'knn' or 'classifier', got ${describeValue(o.method)}.`);
  }
  checkName(source, 'idField', o.idField);
  if (o.size !== null && !(typeof o.size === 'number' && Number.isInteger(o.size) && o.size >= 1)) throw rangeError(source, 'size', `size must be an integer ≥ 1 or null, got ${describeValue(o.size)}.`);
  if (!(typeof o.k === 'number' && Number.isInteger(o.k) && o.k >= 1)) throw rangeError(source, 'k', `k must be an integer ≥ 1, got ${describeValue(o.k)}.`);
  if (!(typeof o.l2 === 'number' && Number.isFinite(o.l2) && o.l2 > 0)) throw rangeError(source, 'l2', `l2 must be a positive number, got ${describeValue(o.l2)}.`);
  if (!(typeof o.drivers === 'number' && Number.isInteger(o.drivers) && o.drivers >= 0)) throw rangeError(source, 'drivers', `drivers must be an integer ≥ 0, got ${describeValue(o.drivers)}.`);

  const ids = readIds(source, profiles, o.idField);
  const names = chooseFeatures(source, profiles, o.features, [o.idField]);
  const { columns, n } = readFeatureColumns(source, profiles, names);
  if (!Array.isArray(seedCustomerIds) || seedCustomerIds.length === 0) {
    throw new ValidationError('E_SEED_EMPTY', `${source}: the seed audience is empty; give at least one customer id.`, { source, field: 'seedCustomerIds' });
  }
  const rowOf = new Map<Id, number>();
  ids.forEach((id, i) => rowOf.set(id, i));
  const isSeed = new Uint8Array(n);
  seedCustomerIds.forEach((id, k) => {
    if (!isId(id)) {
      throw new ValidationError('E_ID_TYPE', `${source}: seedCustomerIds[${k}] is ${describeValue(id)}; ids must be non-empty strings or finite numbers.`, { source, field: 'seedCustomerIds', row: k });
    }
    const i = rowOf.get(id);
    if (i === undefined) {
      throw new ValidationError('E_SEED_UNKNOWN', `${source}: seed id ${describeValue(id)} (seedCustomerIds[${k}]) is not among the profiles; every seed needs a profile.`, { source, field: 'seedCustomerIds', row: k });
    }
    isSeed[i] = 1;
  });
  const seeds: number[] = [];
  for (let i = 0; i < n; i++) if (isSeed[i] === 1) seeds.push(i);

  // Standardise; drop constant features.
  const used: number[] = [];
  const z: Float64Array[] = [];
  names.forEach((_, j) => {
    const col = columns[j]!;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += col[i]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (col[i]! - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    if (!(sd > 0)) return;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (col[i]! - mean) / sd;
    used.push(j);
    z.push(out);
  });
  const p = z.length;
  const score = new Float64Array(n);
  const contrib = new Float64Array(n * Math.max(p, 1));
  const rms = (d2: number): number => 1 / (1 + Math.sqrt(d2 / Math.max(p, 1)));

  if (o.method === 'centroid') {
    const c = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (const i of seeds) s += z[j]![i]!;
      c[j] = s / seeds.length;
    }
    for (let i = 0; i < n; i++) {
      if (isSeed[i] === 1) continue;
      let d2 = 0;
      for (let j = 0; j < p; j++) {
        const g = z[j]![i]! - c[j]!;
        d2 += g * g;
        contrib[i * p + j] = c[j]! * c[j]! - g * g;
      }
      score[i] = rms(d2);
    }
  } else if (o.method === 'knn') {
    const k = Math.min(o.k, seeds.length);
    const sd = new Float64Array(seeds.length);
    const order = new Int32Array(seeds.length);
    const c = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      if (isSeed[i] === 1) continue;
      for (let s = 0; s < seeds.length; s++) {
        const q = seeds[s]!;
        let d2 = 0;
        for (let j = 0; j < p; j++) {
          const g = z[j]![i]! - z[j]![q]!;
          d2 += g * g;
        }
        sd[s] = d2;
        order[s] = s;
      }
      order.sort((a, b) => sd[a]! - sd[b]! || a - b);
      let mean = 0;
      c.fill(0);
      for (let t = 0; t < k; t++) {
        const s = order[t]!;
        mean += sd[s]!;
        for (let j = 0; j < p; j++) c[j]! += z[j]![seeds[s]!]! / k;
      }
      score[i] = rms(mean / k);
      for (let j = 0; j < p; j++) {
        const g = z[j]![i]! - c[j]!;
        contrib[i * p + j] = c[j]! * c[j]! - g * g;
      }
    }
  } else {
    const target = new Uint8Array(n);
    for (const i of seeds) target[i] = 1;
    if (seeds.length < n) {
      const beta = fitLogistic(z, target, o.l2);
      for (let i = 0; i < n; i++) {
        if (isSeed[i] === 1) continue;
        let eta = beta[p]!;
        for (let j = 0; j < p; j++) {
          const t = beta[j]! * z[j]![i]!;
          eta += t;
          contrib[i * p + j] = t;
        }
        score[i] = 1 / (1 + Math.exp(-eta));
      }
    }
  }

  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (isSeed[i] === 0) candidates.push(i);
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  const size = o.size === null ? candidates.length : Math.min(o.size, candidates.length);
  const out: LookalikeMember[] = [];
  for (let t = 0; t < size; t++) {
    const i = candidates[t]!;
    const drivers: LookalikeDriver[] = [];
    for (let j = 0; j < p; j++) {
      const v = contrib[i * p + j]!;
      if (v > 0) drivers.push({ feature: names[used[j]!]!, contribution: v });
    }
    drivers.sort((a, b) => b.contribution - a.contribution);
    out.push({ customerId: ids[i]!, score: score[i]!, drivers: drivers.slice(0, o.drivers) });
  }
  return out;
}
