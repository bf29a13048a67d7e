// What the page publishes as `window.marksmanExample` after each run, for
// people poking at it in the console and for the Playwright test.
import type { ModelName, ModelRun, TrainSettings } from './train';

/** The page's state and, once trained, what it computed. */
export interface ExampleResult {
  /** `idle` before the first run, `training`, then `done` or `error`. */
  state: 'idle' | 'training' | 'done' | 'error';
  /** The error message when `state` is `error`. */
  error: string | null;
  /** The TensorFlow.js backend in use, and `useBackend('auto')`'s attempts as `backend:outcome`. */
  backend: string | null;
  attempts: string[];
  /** What the models were trained on. */
  data: string | null;
  settings: TrainSettings | null;
  /** Each model's losses, time and tensor counts. */
  runs: ModelRun[];
  /** Every user, in order of first appearance (as strings), and each model's top-10 list per user. */
  users: string[];
  top10: Partial<Record<ModelName, string[][]>>;
}
