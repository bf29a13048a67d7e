import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Tests import each package by its public name; these aliases point those
 * names at the sources so the suite runs without a build. Longer names come
 * first so `@marksman/datasets/node` wins over `@marksman/datasets`.
 */
export const sourceAliases = [
  { find: /^@marksman\/core\/internal$/, replacement: here('./packages/core/src/internal.ts') },
  { find: /^@marksman\/datasets\/node$/, replacement: here('./packages/datasets/src/node.ts') },
  ...['core', 'metrics', 'datasets', 'profiling', 'segmentation', 'recsys', 'experiments'].map((name) => ({
    find: new RegExp(`^@marksman/${name}$`),
    replacement: here(`./packages/${name}/src/index.ts`),
  })),
  { find: /^marksman$/, replacement: here('./packages/marksman/src/index.ts') },
];

const packages = ['core', 'metrics', 'datasets', 'profiling', 'segmentation', 'recsys', 'experiments', 'marksman'];

export default defineConfig({
  test: {
    projects: packages.map((name) => ({
      resolve: { alias: sourceAliases },
      test: {
        name,
        root: here(`./packages/${name}`),
        include: ['test/**/*.test.ts'],
        environment: 'node',
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    })),
  },
});
