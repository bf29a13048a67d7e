import { defineConfig, type Options } from 'tsup';

/**
 * The one build recipe every package uses: ESM + CJS, declaration files for
 * both (`.d.ts` / `.d.cts`), source maps, no minification (readable stack
 * traces for users). Packages pass extra entry points (e.g. a Node-only
 * entry) through `entry`. Swapping tsup for tsdown is a change to this file.
 */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    ...overrides,
  });
}
