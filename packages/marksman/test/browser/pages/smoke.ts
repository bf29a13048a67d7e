// What each entry's page reports: the entry's export names and a small
// seeded run through it, which must equal the same run in Node.
export interface Smoke {
  /** The entry's export names, sorted. */
  exports: string[];
  /** A seeded run through the entry; Node must produce the same value. */
  result: unknown;
  /** What only a browser can say (the TensorFlow.js backend chosen by `useBackend('auto')`); null in Node. */
  browser: unknown;
}

/** True in a page (a DOM exists), false in Node. */
export const inBrowser = (): boolean => typeof document !== 'undefined';

/** Makes `smoke` callable by the test as `runEntry()` once the page has loaded. */
export function expose(smoke: () => Promise<Smoke>): void {
  (globalThis as { runEntry?: () => Promise<Smoke> }).runEntry = smoke;
}
