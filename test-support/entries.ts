// The entry points of the Marksman packages that are meant for browsers, and
// the built files behind them: shared by the browser tests (which bundle
// pages against the build) and the bundle-size benchmark.
import { fileURLToPath } from 'node:url';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** One entry meant for browsers. */
export interface BrowserEntry {
  /** The import specifier, e.g. `@marksman/recsys/tfjs`. */
  readonly name: string;
  /** Its built ES module. */
  readonly dist: string;
  /** True when it runs on TensorFlow.js (an app imports `@tensorflow/tfjs-core` and a backend beside it). */
  readonly tfjs: boolean;
}

/** Every entry meant for browsers: each package's main entry, the TensorFlow.js entries and the umbrella. */
export const BROWSER_ENTRIES: readonly BrowserEntry[] = Object.freeze([
  { name: '@marksman/core', dist: root('packages/core/dist/index.js'), tfjs: false },
  { name: '@marksman/metrics', dist: root('packages/metrics/dist/index.js'), tfjs: false },
  { name: '@marksman/datasets', dist: root('packages/datasets/dist/index.js'), tfjs: false },
  { name: '@marksman/profiling', dist: root('packages/profiling/dist/index.js'), tfjs: false },
  { name: '@marksman/learn', dist: root('packages/learn/dist/index.js'), tfjs: false },
  { name: '@marksman/segmentation', dist: root('packages/segmentation/dist/index.js'), tfjs: false },
  { name: '@marksman/recsys', dist: root('packages/recsys/dist/index.js'), tfjs: false },
  { name: '@marksman/recsys/tfjs', dist: root('packages/recsys/dist/tfjs/index.js'), tfjs: true },
  { name: '@marksman/experiments', dist: root('packages/experiments/dist/index.js'), tfjs: false },
  { name: '@marksman/sql', dist: root('packages/sql/dist/index.js'), tfjs: false },
  { name: '@marksman/io', dist: root('packages/io/dist/index.js'), tfjs: false },
  { name: 'marksman', dist: root('packages/marksman/dist/index.js'), tfjs: false },
  { name: 'marksman/tfjs', dist: root('packages/marksman/dist/tfjs.js'), tfjs: true },
]);

/**
 * esbuild `alias` from every package name to its build. The subpaths are
 * listed on their own: esbuild would otherwise read `@marksman/core/internal`
 * as a path under the file `@marksman/core` maps to.
 */
export const DIST_ALIAS: Readonly<Record<string, string>> = Object.freeze({
  '@marksman/core/internal': root('packages/core/dist/internal.js'),
  ...Object.fromEntries(BROWSER_ENTRIES.map((e) => [e.name, e.dist])),
});
