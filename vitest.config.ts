import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  { find: /^@marksman\/io\/node$/, replacement: here('./packages/io/src/node.ts') },
  { find: /^@marksman\/recsys\/tfjs$/, replacement: here('./packages/recsys/src/tfjs/index.ts') },
  { find: /^@marksman\/sql\/node$/, replacement: here('./packages/sql/src/node.ts') },
  { find: /^@marksman\/charts\/render$/, replacement: here('./packages/charts/src/render.ts') },
  ...['core', 'metrics', 'datasets', 'profiling', 'learn', 'segmentation', 'recsys', 'experiments', 'sql', 'charts', 'io'].map((name) => ({
    find: new RegExp(`^@marksman/${name}$`),
    replacement: here(`./packages/${name}/src/index.ts`),
  })),
  { find: /^marksman\/tfjs$/, replacement: here('./packages/marksman/src/tfjs.ts') },
  { find: /^marksman\/charts$/, replacement: here('./packages/marksman/src/charts.ts') },
  { find: /^marksman$/, replacement: here('./packages/marksman/src/index.ts') },
];

/**
 * WebGPU in Node for the recsys tests: Dawn (the `webgpu` package) finds a
 * Vulkan driver through VK_ICD_FILENAMES. Debian's chromium ships
 * SwiftShader's, a software GPU, so the WebGPU tests run on machines without
 * one; the Vulkan loader wants a private XDG_RUNTIME_DIR or it prints errors.
 */
function webGpuEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;
  if (process.env.XDG_RUNTIME_DIR === undefined) {
    const dir = join(tmpdir(), `marksman-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  return env;
}

const packages = ['core', 'metrics', 'datasets', 'profiling', 'learn', 'segmentation', 'recsys', 'experiments', 'sql', 'charts', 'io', 'marksman'];

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { alias: sourceAliases },
        test: {
          name,
          root: here(`./packages/${name}`),
          include: ['test/**/*.test.ts'],
          environment: 'node',
          // A guard against a hung test, not a speed check: the slowest model
          // tests take 10–15 s on a quiet 2-core machine and several times that
          // when it is shared.
          testTimeout: 150_000,
          hookTimeout: 150_000,
          env: name === 'recsys' ? webGpuEnv() : {},
          setupFiles: ['recsys', 'charts', 'marksman'].includes(name) ? [here('./packages/recsys/test/quiet-tfjs.ts')] : [],
        },
      })),
      // The demo (examples/demo.ts) on a small simulated shop, and its report in Chromium.
      {
        resolve: { alias: sourceAliases },
        test: { name: 'demo', root: here('./examples'), include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000 },
      },
      // The notebooks (examples/notebooks): the Deno one run under deno against the build, both type-checked.
      {
        resolve: { alias: sourceAliases },
        test: { name: 'notebooks', root: here('./examples/notebooks'), include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 240_000, hookTimeout: 240_000 },
      },
      // The browser example (examples/browser): its page built by Vite and driven in Chromium.
      {
        resolve: { alias: sourceAliases },
        test: { name: 'example-browser', root: here('./examples/browser'), include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
