// Shared by the browser tests: bundle a page entry against the *built*
// packages, serve it on 127.0.0.1, and call one function it defines inside
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// nothing is downloaded).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** The Chromium binary (override with MARKSMAN_CHROMIUM). */
export const CHROMIUM = process.env.MARKSMAN_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless, offline run with WebGL in software (SwiftShader). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser test cannot run here (no Chromium, or a package not built), or null. */
export function whyNoBrowser(dist: Record<string, string>): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  for (const [name, file] of Object.entries(dist)) {
    if (!existsSync(file)) return `${name} is not built (${file} missing; run pnpm build)`;
  }
  return null;
}

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

/** A page served on 127.0.0.1 until `close`. */
export interface ServedPage {
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles `entry` (package names resolved to `alias`, e.g. built dist files) and serves it as an ES module page. */
export async function servePage(entry: string, alias: Record<string, string>, title: string): Promise<ServedPage> {
  // esbuild comes with tsup (a devDependency of the repository).
  const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup'));
  const esbuild = (await import(requireFromTsup.resolve('esbuild'))) as Esbuild;
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias,
    logLevel: 'silent',
  });
  const bundle = out.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/page.js"></script>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Opens `url` in headless Chromium, waits for the page to define the global
 * function `name`, calls it with `arg` and returns its (JSON-safe) result.
 * Throws if the page reported an uncaught error.
 */
export async function callInChromium<T>(url: string, name: string, arg: unknown): Promise<T> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction((fn) => typeof (globalThis as Record<string, unknown>)[fn] === 'function', name, { timeout: 30_000 });
    const result = await page.evaluate(
      ([fn, a]) => ((globalThis as unknown as Record<string, (x: unknown) => unknown>)[fn as string]!)(a),
      [name, arg] as const,
    );
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return result as T;
  } finally {
    await browser.close();
  }
}
