// Shared pieces of the @marksman/learn tests: the scikit-learn fixture, a
// deep freeze for inputs, and a matcher for typed errors.
import { readFileSync } from 'node:fs';
import { Random } from '@marksman/core';
import { expect } from 'vitest';

/** One LogisticRegression case of fixtures/learn-sklearn.json. */
export interface LogisticCase {
  readonly name: string;
  readonly params: { readonly C: number; readonly fitIntercept: boolean; readonly classWeight: 'balanced' | null };
  readonly X: number[][];
  readonly y: number[];
  readonly sampleWeight: number[] | null;
  readonly classes: number[];
  readonly solver: string;
  readonly coef: number[][];
  readonly intercept: number[];
  readonly gradient: number;
  readonly Xtest: number[][];
  readonly probaTest: number[][];
  readonly lbfgsCoef: number[][];
  readonly lbfgsIntercept: number[];
  readonly lbfgsGradient: number;
  readonly lbfgsGap: number;
}

/** One histogram-gradient-boosting case (missing values stored as null). */
export interface HgbCase {
  readonly kind: 'classifier' | 'regressor';
  readonly params: Record<string, number>;
  readonly X: (number | null)[][];
  readonly y: number[];
  readonly sampleWeight: number[] | null;
  readonly Xtest: (number | null)[][];
  readonly predTest: number[];
  readonly nIter: number;
}

/** One CART case. */
export interface TreeCase {
  readonly kind: 'classifier' | 'regressor';
  readonly params: { readonly max_depth: number; readonly min_samples_leaf?: number; readonly criterion?: 'gini' | 'entropy' };
  readonly X: number[][];
  readonly y: number[];
  readonly feature: number[];
  readonly threshold: (number | null)[];
  readonly left: number[];
  readonly right: number[];
  readonly samples: number[];
  readonly importances: number[];
  readonly Xtest: number[][];
  readonly predTest: number[][] | number[];
}

/** Produced by fixtures/learn_sklearn.py (scikit-learn 1.2, Debian's python3). */
export const sklearn = JSON.parse(readFileSync(new URL('./fixtures/learn-sklearn.json', import.meta.url), 'utf8')) as {
  readonly sklearn: string;
  readonly logistic: LogisticCase[];
  readonly hgb: HgbCase[];
  readonly tree: TreeCase[];
};

/** Freezes an array of rows (or any nested arrays/objects) all the way down. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    for (const x of Object.values(v as object)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Rows with null (missing) read as NaN. */
export function withNaN(rows: readonly (readonly (number | null)[])[]): number[][] {
  return rows.map((r) => r.map((v) => (v === null ? NaN : v)));
}

/** Matches a thrown MarksmanError by class name, code and (optionally) field. */
export function typed(name: string, code: string, field?: string): unknown {
  return expect.objectContaining(field === undefined ? { name, code } : { name, code, field });
}

/** A seeded two-class task: rows of p features in [−2, 2], labels drawn from a logistic of a fixed signal. */
export function binaryTask(n: number, p: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Random(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: p }, () => rng.uniform(-2, 2));
    const signal = 1.5 * row[0]! - row[1]! + (p > 2 ? row[0]! * row[2]! : 0);
    X.push(row);
    y.push(rng.next() < 1 / (1 + Math.exp(-signal)) ? 1 : 0);
  }
  return { X, y };
}
