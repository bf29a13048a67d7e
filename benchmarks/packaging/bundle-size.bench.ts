/**
 * What each browser entry costs a web page: the entry bundled by esbuild for
 * the browser from the build (dist), every export kept (as `import * as m`
 * would), minified, then gzip-compressed. TensorFlow.js is an optional peer
 * of the tfjs entries, so those get a second pair of numbers with
 * `@tensorflow/tfjs-core` and the WebGL backend bundled in (only the parts
 * the entry uses are kept).
 *
 * Needs the packages built (`pnpm build`). The root README's bundle-size
 * table is regenerated from this benchmark's results file.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { BROWSER_ENTRIES, DIST_ALIAS } from '../../test-support/entries';
import { loadEsbuild } from '../../test-support/esbuild';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'packaging-bundle-size',
  title: 'Browser bundle size of each entry (esbuild, minified, gzip)',
  protocol:
    'Each entry meant for browsers is bundled from its build (dist) by esbuild (the version tsup uses) with bundle, minify, ' +
    "format 'esm', platform 'browser', target es2022: `export * from '<entry>'`, so every export and its dependencies stay " +
    "(ml-matrix in profiling), and the @tensorflow/* and @duckdb/* peers are external (@marksman/sql never imports duckdb-wasm: the page brings it). gzip: Node's zlib at level 9 on the minified file. " +
    'For the TensorFlow.js entries, "with TensorFlow.js" adds `import \'@tensorflow/tfjs-backend-webgl\'` with every ' +
    '@tensorflow package bundled in (tfjs-core 4.22.0 and tfjs-backend-webgl 4.22.0; tree-shaken to what is used). ' +
    'KiB = 1024 bytes.',
};

const recsysDir = fileURLToPath(new URL('../../packages/recsys/', import.meta.url));

async function bundleSize(contents: string, external: string[]): Promise<{ minified: number; gzip: number }> {
  const esbuild = await loadEsbuild();
  const out = await esbuild.build({
    stdin: { contents, resolveDir: recsysDir, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias: { ...DIST_ALIAS },
    external,
    logLevel: 'silent',
  });
  const bytes = out.outputFiles[0]!.contents;
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kib = (bytes: number) => Number((bytes / 1024).toFixed(1));

export async function run(_ctx: BenchContext): Promise<BenchOutcome> {
  const rows: BenchRow[] = [];
  for (const entry of BROWSER_ENTRIES) {
    const own = await bundleSize(`export * from '${entry.name}';`, ['@tensorflow/*', '@duckdb/*']);
    const row: BenchRow = { entry: entry.name, 'minified KiB': kib(own.minified), 'gzip KiB': kib(own.gzip), 'with TensorFlow.js: minified KiB': null, 'with TensorFlow.js: gzip KiB': null };
    if (entry.tfjs) {
      const all = await bundleSize(`export * from '${entry.name}';\nimport '@tensorflow/tfjs-backend-webgl';`, ['@duckdb/*']);
      row['with TensorFlow.js: minified KiB'] = kib(all.minified);
      row['with TensorFlow.js: gzip KiB'] = kib(all.gzip);
    }
    rows.push(row);
  }
  return {
    rows,
    notes: [
      'An app that imports a few functions gets less: every package is side-effect free, so a bundler drops what is not imported.',
      'The umbrella `marksman` holds every package except the TensorFlow.js entry, which is `marksman/tfjs`.',
    ],
  };
}
