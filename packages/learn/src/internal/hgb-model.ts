// Internal: what the boosting classifier and regressor share: option checks,
// the fitted state, raw predictions, importances and the saved form.
import { ValidationError } from '@marksman/core';
import { MAX_TREES, checkBoolean, checkInt, checkNumber, checkSeed, describeValue, isPlainObject } from './checks';
import type { JsonReader } from './estimator';
import type { HgbTree } from './hgb-grower';
import type { HgbSettings } from './hgb-fit';
import { addRawPredictions, numericThresholds } from './hgb-predict';

/** Options both boosting models take, as given. */
export interface HgbOptionValues {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly seed: number;
}

/** scikit-learn's defaults. */
export const HGB_DEFAULTS: Readonly<HgbOptionValues> = Object.freeze({
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 255,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
});

/** Checks the options; returns the values to keep (null for no limit) and the settings of the fit. */
export function checkHgbOptions(source: string, o: HgbOptionValues): { values: HgbOptionValues; settings: HgbSettings } {
  const learningRate = checkNumber(source, 'learningRate', o.learningRate, 0, Infinity, true, true);
  const maxIter = checkInt(source, 'maxIter', o.maxIter, 1, MAX_TREES);
  const maxLeafNodes = checkInt(source, 'maxLeafNodes', o.maxLeafNodes, 2, 1_000_000, true);
  const maxDepth = checkInt(source, 'maxDepth', o.maxDepth, 1, 1_000, true);
  const minSamplesLeaf = checkInt(source, 'minSamplesLeaf', o.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER);
  const l2Regularization = checkNumber(source, 'l2Regularization', o.l2Regularization, 0, Infinity, false, true);
  const maxBins = checkInt(source, 'maxBins', o.maxBins, 2, 255);
  const es = o.earlyStopping;
  if (es !== 'auto') checkBoolean(source, 'earlyStopping', es);
  const validationFraction = checkNumber(source, 'validationFraction', o.validationFraction, 0, 1, true, true);
  const nIterNoChange = checkInt(source, 'nIterNoChange', o.nIterNoChange, 1, MAX_TREES);
  const tol = checkNumber(source, 'tol', o.tol, 0, Infinity, false, true);
  const seed = checkSeed(source, o.seed);
  const settings: HgbSettings = { learningRate, maxIter, maxLeafNodes, maxDepth, minSamplesLeaf, l2Regularization, maxBins, earlyStopping: es, validationFraction, nIterNoChange, tol, seed };
  const values: HgbOptionValues = Object.freeze({
    ...settings,
    maxLeafNodes: maxLeafNodes === Infinity ? null : maxLeafNodes,
    maxDepth: maxDepth === Infinity ? null : maxDepth,
  });
  return { values, settings };
}

/** A fitted boosting model's numbers. */
export interface HgbState {
  readonly names: readonly string[];
  readonly baseline: number;
  readonly trees: readonly HgbTree[];
  readonly binThresholds: readonly Float64Array[];
  /** Numeric split thresholds per tree (derived). */
  readonly thresholds: readonly Float64Array[];
  readonly validationLoss: Float64Array | null;
}

/** Raw scores (log-odds or predictions) of the rows of `columns`. */
export function rawScores(st: HgbState, columns: readonly Float64Array[], n: number): Float64Array {
  const raw = new Float64Array(n).fill(st.baseline);
  addRawPredictions(st.trees, st.thresholds, columns, n, raw);
  return raw;
}

/** Total split gain per feature, normalised to sum 1 (all 0 when no tree splits). */
export function gainImportances(st: HgbState): Float64Array {
  const out = new Float64Array(st.names.length);
  for (const t of st.trees) for (let k = 0; k < t.feature.length; k++) if (t.feature[k]! >= 0) out[t.feature[k]!]! += t.gain[k]!;
  let s = 0;
  for (const v of out) s += v;
  if (s > 0) for (let f = 0; f < out.length; f++) out[f]! /= s;
  return out;
}

/** The plain-object form of one boosting tree. */
export interface HgbTreeJSON {
  /** Split feature per node, −1 for leaves. */
  readonly feature: number[];
  /** Split bin per node (non-missing bins ≤ it go left); 0 for leaves. */
  readonly bin: number[];
  /** 1 when missing values go left at the node. */
  readonly missingLeft: number[];
  /** Left child per node. */
  readonly left: number[];
  /** Right child per node. */
  readonly right: number[];
  /** Leaf value (learning rate applied); 0 for split nodes. */
  readonly value: number[];
  /** Split gain; 0 for leaves. */
  readonly gain: number[];
  /** Training rows per node. */
  readonly count: number[];
}

export function hgbTreeToJSON(t: HgbTree): HgbTreeJSON {
  return {
    feature: Array.from(t.feature),
    bin: Array.from(t.bin),
    missingLeft: Array.from(t.missingLeft),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    gain: Array.from(t.gain),
    count: Array.from(t.count),
  };
}

/** Reads one saved boosting tree: pre-order numbering, feature and bin indexes in range, finite values. */
export function hgbTreeFromJSON(source: string, field: string, j: unknown, binThresholds: readonly Float64Array[]): HgbTree {
  const bad = (f: string, what: string): never => {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field}.${f} ${what}.`, { source, field: `${field}.${f}` });
  };
  if (!isPlainObject(j)) throw new ValidationError('E_MODEL_JSON', `${source}: ${field} is ${describeValue(j)}, not a saved tree.`, { source, field });
  const t = j as Record<string, unknown>;
  const m = Array.isArray(t.feature) ? t.feature.length : 0;
  if (m === 0) bad('feature', 'must be a non-empty array (one entry per node)');
  const p = binThresholds.length;
  const arr = (name: string, ok: (v: unknown) => boolean, what: string): number[] => {
    const a = t[name];
    if (!Array.isArray(a) || a.length !== m) bad(name, `must be an array of ${m} entries`);
    (a as unknown[]).forEach((v, i) => {
      if (!ok(v)) bad(name, `entry ${i} is ${describeValue(v)}, not ${what}`);
    });
    return a as number[];
  };
  const isInt = (lo: number, hi: number) => (v: unknown) => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
  const feature = arr('feature', isInt(-1, p - 1), `a feature index in [-1, ${p})`);
  const bin = arr('bin', isInt(0, 255), 'a bin in [0, 255]');
  const missingLeft = arr('missingLeft', isInt(0, 1), '0 or 1');
  const left = arr('left', isInt(-1, m - 1), 'a node index (or −1)');
  const right = arr('right', isInt(-1, m - 1), 'a node index (or −1)');
  const value = arr('value', (v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
  const gain = arr('gain', (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a finite number ≥ 0');
  const count = arr('count', isInt(0, Number.MAX_SAFE_INTEGER), 'a count ≥ 0');
  const stack = [0];
  let next = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== next) bad('left', `does not number the nodes in pre-order (met node ${node} where node ${next} was due)`);
    next++;
    const f = feature[node]!;
    if (f >= 0) {
      if (bin[node]! > binThresholds[f]!.length) bad('bin', `entry ${node} is ${bin[node]!}, past the ${binThresholds[f]!.length + 1} bins of feature ${f}`);
      if (left[node]! < 0 || right[node]! < 0) bad('left', `node ${node} splits but lacks a child`);
      stack.push(right[node]!, left[node]!);
    } else if (left[node] !== -1 || right[node] !== -1) bad('left', `entry ${node} belongs to a leaf (feature −1), which has no children`);
  }
  if (next !== m) bad('feature', `lists ${m} nodes but only ${next} are reached from the root`);
  return {
    feature: Int32Array.from(feature),
    bin: Int32Array.from(bin),
    missingLeft: Uint8Array.from(missingLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    gain: Float64Array.from(gain),
    count: Int32Array.from(count),
  };
}

/** Reads the shared parts of a saved boosting model. */
export function hgbStateFromJSON(source: string, r: JsonReader, j: Record<string, unknown>, names: string[]): HgbState {
  const baseline = r.number(j.baseline, 'baseline');
  const bt = j.binThresholds;
  if (!Array.isArray(bt) || bt.length !== names.length) r.fail('binThresholds', `must hold one list per feature (${names.length})`);
  const binThresholds = (bt as unknown[]).map((t, f) => {
    const a = r.numbers(t, `binThresholds[${f}]`, -1);
    if (a.length > 254) r.fail(`binThresholds[${f}]`, 'holds more than 254 thresholds');
    for (let k = 1; k < a.length; k++) if (!(a[k]! > a[k - 1]!)) r.fail(`binThresholds[${f}]`, 'must increase');
    return a;
  });
  if (!Array.isArray(j.trees) || j.trees.length > MAX_TREES) r.fail('trees', `must be an array of at most ${MAX_TREES} trees`);
  const trees = (j.trees as unknown[]).map((t, i) => hgbTreeFromJSON(source, `trees[${i}]`, t, binThresholds));
  let validationLoss: Float64Array | null = null;
  if (j.validationLoss !== null) validationLoss = r.numbers(j.validationLoss, 'validationLoss', trees.length + 1);
  return { names, baseline, trees, binThresholds, thresholds: trees.map((t) => numericThresholds(t, binThresholds)), validationLoss };
}
