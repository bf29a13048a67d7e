import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';
import { type BucketRange, chooseVariation, getBucketRanges, MAX_VARIATIONS, checkRanges } from './buckets';
import { type HashVersion, bucketOf, unitKey } from './hash';
import { type Namespace, checkNamespace, inNamespace } from './namespace';

/**
 * A holdout: a fixed share of units, chosen by hashing with its own seed,
 * kept out of every experiment that names the same holdout. Because the seed
 * differs from the experiments' seeds, being held out is independent of the
 * variation a unit would otherwise get.
 */
export interface Holdout {
  /** Seed of the holdout, shared by all experiments it protects (e.g. `'holdout-2026-q4'`). */
  readonly seed: string;
  /** Share of units held out, in [0, 1). */
  readonly share: number;
}

/** The definition of one experiment, in GrowthBook's vocabulary. */
export interface ExperimentDefinition {
  /** Experiment key; also the default seed. */
  readonly key: string;
  /** Number of variations (arms), control included; at least 1. */
  readonly variations: number;
  /** Traffic split, one weight per variation, summing to 1 (±0.01, as GrowthBook); default equal. */
  readonly weights?: readonly number[];
  /** Share of units that enter the experiment, in [0, 1]; default 1. */
  readonly coverage?: number;
  /** Hash seed; default `key`. */
  readonly seed?: string;
  /** Hash version; default 2. GrowthBook SDKs default to 1 when the field is absent. */
  readonly hashVersion?: HashVersion;
  /** Namespace slot for mutually exclusive experiments (see {@link namespaceSlots}). */
  readonly namespace?: Namespace;
  /** Holdout shared with other experiments. */
  readonly holdout?: Holdout;
  /** Explicit bucket ranges (GrowthBook `ranges`), overriding weights and coverage. */
  readonly ranges?: readonly BucketRange[];
  /** Whether the experiment is running; default true. */
  readonly active?: boolean;
}

/** Why a unit is or is not in the experiment. */
export type AssignmentReason = 'assigned' | 'inactive' | 'holdout' | 'namespace' | 'coverage';

/**
 * One line of an exposure log: what to record (e.g. in a warehouse table)
 * when a unit is actually shown its variation. Analyses read these back.
 */
export interface ExposureRecord {
  /** Experiment key. */
  readonly experimentKey: string;
  /** Unit id as hashed (numbers as their decimal string). */
  readonly unitId: string;
  /** Variation index (0 = control). */
  readonly variation: number;
  /** Bucket in [0, 1) that decided the variation. */
  readonly bucket: number;
  /** Hash seed used. */
  readonly seed: string;
  /** Hash version used. */
  readonly hashVersion: HashVersion;
  /** Time of exposure as given in the options (ISO 8601), or null. */
  readonly timestamp: string | null;
}

/** The result of {@link assign}. */
export interface Assignment {
  /** Experiment key. */
  readonly experimentKey: string;
  /** Unit id as hashed. */
  readonly unitId: string;
  /** True when the unit is in the experiment and got a variation. */
  readonly inExperiment: boolean;
  /** Variation index (0 = control), or −1 when the unit is not in the experiment. */
  readonly variation: number;
  /** The unit's bucket for this experiment (computed even when excluded, for audits). */
  readonly bucket: number;
  /** Why the unit is in or out. */
  readonly reason: AssignmentReason;
  /** The exposure record to log when the unit is in the experiment, else null. */
  readonly exposure: ExposureRecord | null;
}

/** Options of {@link assign}. */
export interface AssignOptions {
  /** Timestamp copied into the exposure record (assignment itself never reads the clock). */
  readonly timestamp?: string | null;
}

const ASSIGN_DEFAULTS: Readonly<{ timestamp: string | null }> = Object.freeze({ timestamp: null });

function fail(code: string, message: string, field: string): never {
  throw new OptionsError(code, `assign: ${message}`, { source: 'assign', field });
}

function checkUnit(x: number): boolean {
  return Number.isFinite(x) && x >= 0 && x <= 1;
}

const EXPERIMENT_KEYS: readonly string[] = ['key', 'variations', 'weights', 'coverage', 'seed', 'hashVersion', 'namespace', 'holdout', 'ranges', 'active'];
const HOLDOUT_KEYS: readonly string[] = ['seed', 'share'];

function refuseUnknown(obj: object, known: readonly string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      throw new OptionsError('E_OPTION_UNKNOWN', `assign: unknown ${what} field "${k}". Known fields: ${known.join(', ')}.`, { source: 'assign', field: k });
    }
  }
}

function validateExperiment(e: ExperimentDefinition): void {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) fail('E_EXPERIMENT', 'the experiment must be an object.', 'experiment');
  refuseUnknown(e, EXPERIMENT_KEYS, 'experiment');
  if (typeof e.key !== 'string' || e.key.length === 0) fail('E_EXPERIMENT_KEY', 'experiment.key must be a non-empty string.', 'key');
  if (typeof e.variations !== 'number' || !Number.isInteger(e.variations) || e.variations < 1 || e.variations > MAX_VARIATIONS) {
    fail('E_VARIATIONS', `experiment.variations must be an integer from 1 to ${MAX_VARIATIONS}, got ${String(e.variations)}.`, 'variations');
  }
  if (e.seed !== undefined && typeof e.seed !== 'string') fail('E_EXPERIMENT_KEY', `experiment.seed must be a string, got ${typeof e.seed}.`, 'seed');
  if (e.active !== undefined && typeof e.active !== 'boolean') fail('E_EXPERIMENT', `experiment.active must be true or false, got ${String(e.active)}.`, 'active');
  if (e.weights !== undefined) {
    if (!Array.isArray(e.weights)) fail('E_WEIGHTS', 'experiment.weights must be an array of numbers.', 'weights');
    if (e.weights.length !== e.variations) {
      fail('E_WEIGHTS_LENGTH', `experiment.weights has ${e.weights.length} entries for ${e.variations} variations.`, 'weights');
    }
    let sum = 0;
    for (const w of e.weights) {
      if (!checkUnit(w)) fail('E_WEIGHTS', `every weight must be in [0, 1], got ${String(w)}.`, 'weights');
      sum += w;
    }
    if (Math.abs(sum - 1) > 0.01) fail('E_WEIGHTS_SUM', `experiment.weights must sum to 1, got ${sum}.`, 'weights');
  }
  if (e.coverage !== undefined && !checkUnit(e.coverage)) {
    fail('E_COVERAGE', `experiment.coverage must be in [0, 1], got ${String(e.coverage)}.`, 'coverage');
  }
  if (e.hashVersion !== undefined && e.hashVersion !== 1 && e.hashVersion !== 2) {
    fail('E_HASH_VERSION', `experiment.hashVersion must be 1 or 2, got ${String(e.hashVersion)}.`, 'hashVersion');
  }
  if (e.namespace !== undefined) checkNamespace(e.namespace, 'assign');
  if (e.holdout !== undefined) {
    const h = e.holdout as unknown;
    if (typeof h !== 'object' || h === null || Array.isArray(h)) fail('E_HOLDOUT', 'experiment.holdout must be { seed: string, share in [0, 1) }.', 'holdout');
    refuseUnknown(h as object, HOLDOUT_KEYS, 'holdout');
    if (typeof e.holdout.seed !== 'string' || typeof e.holdout.share !== 'number' || !(e.holdout.share >= 0 && e.holdout.share < 1)) {
      fail('E_HOLDOUT', 'experiment.holdout must be { seed: string, share in [0, 1) }.', 'holdout');
    }
  }
  if (e.ranges !== undefined) {
    if (!Array.isArray(e.ranges) || e.ranges.length !== e.variations) fail('E_RANGES', `experiment.ranges needs one range per variation (${e.variations}).`, 'ranges');
    checkRanges(e.ranges, 'assign');
  }
}

/**
 * Assigns a unit to a variation of an experiment, deterministically and
 * GrowthBook-compatibly: inactive → holdout → namespace → bucket
 * (`hash(seed, id, hashVersion)`) → variation by {@link getBucketRanges}.
 * The same inputs give the same answer on every platform; nothing random or
 * clock-dependent happens.
 *
 * Costs O(variations + length of id).
 *
 * @param experiment - the experiment definition
 * @param id - the unit id (user, device, account…)
 * @param options - `timestamp` for the exposure record
 * @returns the {@link Assignment}, with an {@link ExposureRecord} to log when assigned
 * @throws `OptionsError` `E_EXPERIMENT`, `E_EXPERIMENT_KEY`, `E_VARIATIONS`,
 *   `E_WEIGHTS_LENGTH`, `E_WEIGHTS`, `E_WEIGHTS_SUM`, `E_COVERAGE`, `E_HASH_VERSION`,
 *   `E_NAMESPACE`, `E_HOLDOUT`, `E_RANGES` (also for overlapping ranges) for a bad definition,
 *   `E_OPTION_UNKNOWN` for a misspelt field of the experiment or its holdout (e.g. `weigths`);
 *   `ValidationError` `E_ID` for an empty id
 * @example
 * ```ts
 * import { assign } from '@marksman/experiments';
 * const a = assign({ key: 'feature-exp', variations: 3, weights: [0.3334, 0.3333, 0.3333] }, 'd123');
 * a.bucket; // => 0.6468
 * a.variation; // => 1
 * ```
 */
export function assign(experiment: ExperimentDefinition, id: string | number, options?: AssignOptions): Assignment {
  const opts = resolveOptions('assign', ASSIGN_DEFAULTS, options);
  if (opts.timestamp !== null && typeof opts.timestamp !== 'string') fail('E_OPTION_RANGE', `timestamp must be a string or null, got ${String(opts.timestamp)}.`, 'timestamp');
  validateExperiment(experiment);
  const unitId = unitKey(id, 'assign');
  const seed = experiment.seed ?? experiment.key;
  const hashVersion: HashVersion = experiment.hashVersion ?? 2;
  const bucket = bucketOf(seed, unitId, hashVersion);
  const out = (reason: AssignmentReason, variation: number): Assignment => ({
    experimentKey: experiment.key,
    unitId,
    inExperiment: variation >= 0,
    variation,
    bucket,
    reason,
    exposure:
      variation >= 0
        ? { experimentKey: experiment.key, unitId, variation, bucket, seed, hashVersion, timestamp: opts.timestamp }
        : null,
  });
  if (experiment.active === false) return out('inactive', -1);
  if (experiment.holdout !== undefined && bucketOf(experiment.holdout.seed, unitId, 2) < experiment.holdout.share) {
    return out('holdout', -1);
  }
  if (experiment.namespace !== undefined && !inNamespace(unitId, experiment.namespace)) return out('namespace', -1);
  const ranges = experiment.ranges ?? getBucketRanges(experiment.variations, experiment.coverage ?? 1, experiment.weights ?? null);
  const variation = chooseVariation(bucket, ranges);
  return out(variation >= 0 ? 'assigned' : 'coverage', variation);
}
