// Internal: the saved form of a CART tree, its checked reader, and the
// per-row predictions every tree model shares.
import { ValidationError } from '@marksman/core';
import type { TreeJSON, TreeStructure } from '../tree-structure';
import type { TreeArrays } from './cart';
import { describeValue, isPlainObject } from './checks';

/** The plain-object form of one tree. */
export function treeToJSON(t: TreeArrays): TreeJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold, (v) => (Number.isNaN(v) ? null : v)),
    left: Array.from(t.left),
    right: Array.from(t.right),
    samples: Array.from(t.samples),
    weightedSamples: Array.from(t.weightedSamples),
    value: Array.from(t.value),
    counts: t.counts === null ? null : Array.from(t.counts),
    impurity: Array.from(t.impurity),
    depth: Array.from(t.depth),
    importances: Array.from(t.importances),
  };
}

/** A copy of the tree's arrays for the public `tree` accessor. */
export function treeStructure(t: TreeArrays): TreeStructure {
  return {
    feature: t.feature.slice(),
    threshold: t.threshold.slice(),
    left: t.left.slice(),
    right: t.right.slice(),
    samples: t.samples.slice(),
    weightedSamples: t.weightedSamples.slice(),
    value: t.value.slice(),
    counts: t.counts === null ? null : t.counts.slice(),
    impurity: t.impurity.slice(),
    depth: t.depth.slice(),
    valueWidth: t.nClasses,
    importances: t.importances.slice(),
  };
}

/**
 * Reads one saved tree, checking everything predictions rely on: equal
 * array lengths, nodes numbered in pre-order (each node reached once from
 * the root, a left child right after its parent, depths counting up), split
 * nodes with a feature index in [0, p) and a finite threshold, leaves marked
 * as leaves, non-negative counts and weights (a node's class counts sum to
 * its samples, its children's samples to its own), finite impurities and
 * importances. `nClasses` is the number of classes, or 0 for a regression
 * tree (one mean per node, no counts). Throws `E_MODEL_JSON` naming the
 * field. O(nodes · classes).
 */
export function treeFromJSON(source: string, field: string, j: unknown, p: number, nClasses: number): TreeArrays {
  const bad = (f: string, what: string): never => {
    throw new ValidationError('E_MODEL_JSON', `${source}: ${field}${f === '' ? '' : `.${f}`} ${what}.`, { source, field: f === '' ? field : `${field}.${f}` });
  };
  if (!isPlainObject(j)) bad('', `is ${describeValue(j)}, not a saved tree`);
  const t = j as Record<string, unknown>;
  const m = Array.isArray(t.feature) ? t.feature.length : 0;
  if (m === 0) bad('feature', 'must be a non-empty array (one entry per node)');
  const arr = (name: string, length: number, ok: (v: unknown) => boolean, what: string): unknown[] => {
    const a = t[name];
    if (!Array.isArray(a) || a.length !== length) bad(name, `must be an array of ${length} entries`);
    (a as unknown[]).forEach((v, i) => {
      if (!ok(v)) bad(name, `entry ${i} is ${describeValue(v)}, not ${what}`);
    });
    return a as unknown[];
  };
  const regression = nClasses === 0;
  const width = regression ? 1 : nClasses;
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  const isFinite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const isNonNegative = (v: unknown) => isFinite(v) && (v as number) >= 0;
  const feature = arr('feature', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < p, `a feature index in [-1, ${p})`) as number[];
  const threshold = arr('threshold', m, (v) => v === null || isFinite(v), 'a finite number or null') as (number | null)[];
  const left = arr('left', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < m, 'a node index (or −1)') as number[];
  const right = arr('right', m, (v) => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < m, 'a node index (or −1)') as number[];
  const samples = arr('samples', m, isCount, 'a count ≥ 0') as number[];
  const weightedSamples = arr('weightedSamples', m, isNonNegative, 'a finite weight ≥ 0') as number[];
  const depth = arr('depth', m, isCount, 'a depth ≥ 0') as number[];
  const impurity = arr('impurity', m, isNonNegative, 'a finite number ≥ 0') as number[];
  const value = arr('value', m * width, regression ? isFinite : isNonNegative, regression ? 'a finite number' : 'a finite weight ≥ 0') as number[];
  let counts: number[] | null = null;
  if (regression) {
    if (t.counts !== null) bad('counts', 'must be null for a regression tree');
  } else counts = arr('counts', m * nClasses, isCount, 'a count ≥ 0') as number[];
  const importances = arr('importances', p, isNonNegative, 'a finite number ≥ 0') as number[];
  // Walk from the root in pre-order: node ids must come out as 0, 1, 2, … with each node met once.
  const stack: number[] = [0, 0];
  let next = 0;
  while (stack.length > 0) {
    const d = stack.pop()!;
    const node = stack.pop()!;
    if (node !== next) bad('left', `does not number the nodes in pre-order (met node ${node} where node ${next} was due)`);
    if (depth[node] !== d) bad('depth', `entry ${node} is ${depth[node]!}, but the node is at depth ${d}`);
    next++;
    if (feature[node]! >= 0) {
      if (threshold[node] === null) bad('threshold', `entry ${node} is null but node ${node} splits`);
      if (left[node]! < 0 || right[node]! < 0) bad('left', `node ${node} splits but lacks a child`);
      stack.push(right[node]!, d + 1, left[node]!, d + 1);
    } else if (threshold[node] !== null || left[node] !== -1 || right[node] !== -1) {
      bad('threshold', `entry ${node} belongs to a leaf (feature −1), which has no threshold and no children`);
    }
  }
  if (next !== m) bad('feature', `lists ${m} nodes but only ${next} are reached from the root`);
  for (let node = 0; node < m; node++) {
    if (counts !== null) {
      let total = 0;
      for (let c = 0; c < nClasses; c++) total += counts[node * nClasses + c]!;
      if (total !== samples[node]) bad('samples', `entry ${node} is ${samples[node]!}, but the node's class counts sum to ${total}`);
    }
    if (feature[node]! >= 0 && samples[left[node]!]! + samples[right[node]!]! !== samples[node]) bad('samples', `entry ${node} is not the sum of its children's`);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold, (v) => (v === null ? NaN : v)),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    samples: Int32Array.from(samples),
    weightedSamples: Float64Array.from(weightedSamples),
    value: Float64Array.from(value),
    counts: counts === null ? null : Float64Array.from(counts),
    impurity: Float64Array.from(impurity),
    depth: Int32Array.from(depth),
    nClasses: width,
    importances: Float64Array.from(importances),
  };
}

/**
 * Adds each row's leaf values, divided by `scale`, into `out` (row-major,
 * width = classes for class trees, whose node totals are normalised to
 * probabilities; 1 for regression trees). O(n · depth · width).
 */
export function accumulateTree(t: TreeArrays, columns: readonly Float64Array[], n: number, out: Float64Array, scale: number, classes: boolean): void {
  accumulateRows(t, rowMajor(columns, n), columns.length, n, out, scale, classes);
}

/** Every tree's {@link accumulateTree} share (each divided by the number of trees), the rows laid out once for all trees. O(n · p + n · depth · width · trees). */
export function accumulateForest(trees: readonly TreeArrays[], columns: readonly Float64Array[], n: number, out: Float64Array, classes: boolean): void {
  const x = rowMajor(columns, n);
  for (const t of trees) accumulateRows(t, x, columns.length, n, out, trees.length, classes);
}

/** The columns as one row-major array (row i's features at [i·p, i·p + p)). O(n · p). */
export function rowMajor(columns: readonly Float64Array[], n: number): Float64Array {
  const p = columns.length;
  const x = new Float64Array(n * p);
  for (let f = 0; f < p; f++) {
    const col = columns[f]!;
    for (let i = 0; i < n; i++) x[i * p + f] = col[i]!;
  }
  return x;
}

/**
 * {@link accumulateTree} on row-major features `x` (from {@link rowMajor}, p
 * per row): a forest lays its rows out once for all its trees, and each
 * step of a row's walk reads one array. Nodes are in pre-order (as grown,
 * and checked by {@link treeFromJSON}), so a left child is the node right
 * after its parent and `left` is not read. O(n · depth · width).
 */
export function accumulateRows(t: TreeArrays, x: Float64Array, p: number, n: number, out: Float64Array, scale: number, classes: boolean): void {
  const W = t.nClasses;
  const { feature, threshold, right, value } = t;
  for (let i = 0; i < n; i++) {
    const base = i * p;
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      node = x[base + f]! <= threshold[node]! ? node + 1 : right[node]!;
      f = feature[node]!;
    }
    const off = node * W;
    if (classes) {
      let s = 0;
      for (let c = 0; c < W; c++) s += value[off + c]!;
      for (let c = 0; c < W; c++) out[i * W + c]! += (s > 0 ? value[off + c]! / s : 1 / W) / scale;
    } else out[i]! += value[off]! / scale;
  }
}
