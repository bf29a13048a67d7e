// Vite builds the page from the workspace's package *sources* (no `pnpm build`
// needed first, and edits to a package reload the page in `vite` dev mode).
// An app outside this repository imports the published packages instead.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const pkg = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^@marksman\/core\/internal$/, replacement: pkg('core/src/internal.ts') },
      { find: /^@marksman\/recsys\/tfjs$/, replacement: pkg('recsys/src/tfjs/index.ts') },
      ...['core', 'metrics', 'datasets', 'recsys'].map((name) => ({ find: new RegExp(`^@marksman/${name}$`), replacement: pkg(`${name}/src/index.ts`) })),
    ],
    // One TensorFlow.js engine for the backends and the models.
    dedupe: ['@tensorflow/tfjs-core'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
