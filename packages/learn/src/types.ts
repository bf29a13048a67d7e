import type { ArrowLikeTable, Table } from '@marksman/core';

/**
 * Features of the rows to learn from or to score, in any of six shapes:
 *
 * - rows: `number[][]` (one array per row, every row the same length);
 * - records: `{ recency: 12, orders: 3 }[]` (read by feature name; other fields are ignored
 *   when `featureNames` is given);
 * - columns: `Float64Array[]` (one typed array per feature, all the same length);
 * - named columns: `{ recency: Float64Array, orders: number[] }`;
 * - a core `Table` (numeric columns; missing numbers read as `NaN`);
 * - an Apache Arrow table (or one shaped like it, such as arquero's `toArrow()`): Int and Float
 *   columns, read by name as named columns are (null-free columns in place, not copied; 64-bit
 *   integers exactly up to ±2^53, else `E_ARROW_TYPE`); a null is a missing value (`E_NOT_FINITE`,
 *   or NaN for the learners that read NaN as missing); a text, boolean or date column is
 *   refused with `E_ARROW_TYPE` naming it (encode it first).
 *
 * Rows and columns are positional: their features are named `x0`, `x1`, …
 * unless `featureNames` is given at fit time. Records, named columns and
 * tables (core or Arrow) are read by name, so at prediction time their fields may come in
 * any order.
 */
export type FeatureInput =
  | readonly (readonly number[])[]
  | readonly object[]
  | readonly (Float64Array | Float32Array | Int32Array | Uint8Array)[]
  | Readonly<Record<string, Float64Array | Float32Array | Int32Array | Uint8Array | readonly number[]>>
  | Table
  | ArrowLikeTable;

/** A class label: a string, a finite number or a boolean (one type per fit). */
export type ClassLabel = string | number | boolean;

/** Class labels per row: plain values of one type, or a numeric typed array. */
export type LabelInput = readonly ClassLabel[] | Float64Array | Float32Array | Int32Array | Uint8Array;

/** Numeric targets per row (regression). */
export type TargetInput = readonly number[] | Float64Array | Float32Array | Int32Array;

/** Progress of an iterative fit, reported after each iteration. */
export interface LearnerFitProgress {
  /** Iterations completed: optimiser steps, trees grown or boosting rounds. */
  readonly iteration: number;
  /** The most iterations this fit may run. */
  readonly maxIterations: number;
  /** Training loss after this iteration (the objective minimised), or `null` where the learner does not compute one. */
  readonly loss: number | null;
  /** Loss on the held-out validation rows (gradient boosting with early stopping), else `null`. */
  readonly validationLoss: number | null;
}

/** Options of every learner's `fit`. */
export interface LearnerFitOptions {
  /** Weight per row (finite, ≥ 0, not all 0, summing to at most 1e100; only their ratios matter); default 1 for every row. */
  readonly sampleWeight?: readonly number[] | Float64Array | null;
  /**
   * Feature names: for rows and columns, a name per feature (default `x0`, `x1`, …); for records,
   * named columns and tables (core or Arrow), the fields to use, in order (default every field of the first record,
   * every column).
   */
  readonly featureNames?: readonly string[] | null;
  /** Called after each iteration (optimiser step, tree, boosting round). */
  readonly onProgress?: ((progress: LearnerFitProgress) => void) | null;
  /** Stops the fit before it starts and between iterations with `AbortError` `E_ABORTED`. */
  readonly signal?: AbortSignal | null;
}

/**
 * What every classifier of this package offers, so that code such as an
 * uplift model can take any of them.
 */
export interface Classifier {
  /** Learns from features and labels; returns the classifier itself. */
  fit(X: FeatureInput, y: LabelInput, options?: LearnerFitOptions): this;
  /** The most probable class per row. */
  predict(X: FeatureInput): ClassLabel[];
  /** Class probabilities per row, aligned with `classes`. */
  predictProba(X: FeatureInput): number[][];
  /** The probability of one class per row (default the last class: the positive class of a binary problem). */
  predictProbaOf(X: FeatureInput, label?: ClassLabel): Float64Array;
  /** The class labels, sorted. */
  readonly classes: readonly ClassLabel[];
  /** The feature names, in the order the model reads them. */
  readonly featureNames: readonly string[];
}

/** What every regressor of this package offers. */
export interface Regressor {
  /** Learns from features and numeric targets; returns the regressor itself. */
  fit(X: FeatureInput, y: TargetInput, options?: LearnerFitOptions): this;
  /** The predicted target per row. */
  predict(X: FeatureInput): Float64Array;
  /** The feature names, in the order the model reads them. */
  readonly featureNames: readonly string[];
}
