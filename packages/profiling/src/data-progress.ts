// Progress and cancellation for the passes over data lines (cleaning, the
// repeat-purchase summary, the scalers' fit): one event shape and one checker.
import { OptionsError, throwIfAborted } from '@marksman/core';

/** One step of a pass over data, as passed to the `onProgress` option of {@link cleanTransactions}, {@link summarizeForClv} and the scalers' `fit`. */
export interface DataProgress {
  /** What the pass is doing now, e.g. `'validate'`, `'duplicates'`, `'outliers'` (each function lists its phases). */
  readonly phase: string;
  /** Items (lines, customers, rows or features, as `phase` says) done in this phase. */
  readonly done: number;
  /** Items in this phase. */
  readonly total: number;
}

/** The `onProgress` and `signal` options of a data pass. */
export interface DataPassOptions {
  /** Called at the end of every phase and every 65,536 items within the long ones (each function says which; default none). */
  readonly onProgress?: ((progress: DataProgress) => void) | null;
  /** Stops the pass with an `AbortError` (`E_ABORTED`) at the next progress point (default none). */
  readonly signal?: AbortSignal | null;
}

/** Items between two progress points within a phase. */
export const PROGRESS_EVERY = 65_536;

/**
 * Reports progress and checks the signal; `null` when neither was given, so
 * hot loops pay one comparison. Throws `OptionsError` `E_OPTION_RANGE` for an
 * onProgress that is not a function or a signal that is not an AbortSignal.
 */
export function progressTicker(source: string, onProgress: unknown, signal: unknown): ((phase: string, done: number, total: number) => void) | null {
  if (!(onProgress === null || onProgress === undefined || typeof onProgress === 'function')) {
    throw new OptionsError('E_OPTION_RANGE', `${source}: onProgress must be a function or null.`, { source, field: 'onProgress' });
  }
  const s = (signal ?? null) as AbortSignal | null;
  throwIfAborted(s, source);
  const report = (onProgress ?? null) as ((p: DataProgress) => void) | null;
  if (report === null && s === null) return null;
  return (phase, done, total) => {
    throwIfAborted(s, source);
    if (report !== null) report({ phase, done, total });
    throwIfAborted(s, source);
  };
}
