// esbuild for the browser tests and the bundle-size benchmark: the copy that
// comes with tsup (a devDependency of the repository), so nothing new is installed.
import { createRequire } from 'node:module';

/** The part of esbuild's API used here. */
export interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ path: string; text: string; contents: Uint8Array }> }>;
}

/** esbuild, which comes with tsup. */
export async function loadEsbuild(): Promise<Esbuild> {
  const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup'));
  return (await import(requireFromTsup.resolve('esbuild'))) as Esbuild;
}
