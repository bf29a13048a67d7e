// Shared by the browser tests: bundle a page entry against the *built*
// packages, serve it on 127.0.0.1, and call one function it defines inside
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// nothing is downloaded).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { loadEsbuild } from './esbuild';
import { prerequisitesMayRun } from './skip';

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

/**
 * Says why a browser test is skipped (`why` from {@link whyNoBrowser}) and
 * returns true when it may run. Under `CI=true` a skip is a failure: CI
 * installs Chromium and builds first, so a missing prerequisite there is a
 * broken pipeline, and a test in the calling file fails saying so.
 */
export function browserTestMayRun(tag: string, why: string | null): boolean {
  return prerequisitesMayRun(tag, why);
}

/** A page's code: a file to bundle, or source text whose imports resolve from `resolveDir`. */
export type PageEntry = string | { readonly contents: string; readonly resolveDir: string };

/**
 * Bundles `entry` for the browser as one ES module (esbuild, platform
 * 'browser': a Node built-in anywhere in the graph fails the build), package
 * names resolved through `alias` (e.g. to built dist files).
 */
export async function bundlePage(entry: PageEntry, alias: Record<string, string>): Promise<string> {
  const esbuild = await loadEsbuild();
  const input = typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts', sourcefile: 'page.ts' } };
  const out = await esbuild.build({
    ...input,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** A page served on 127.0.0.1 until `close`. */
export interface ServedPage {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(handler: (path: string) => { type: string; body: string | Uint8Array } | null): Promise<ServedPage> {
  const server: Server = createServer((req, res) => {
    const found = handler(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (found === null) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': found.type }).end(found.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Serves bundled pages: `/<name>/` is a page running `bundles[name]` as an
 * ES module (a name of `''` is served at `/`).
 */
export async function servePages(bundles: Record<string, string>, title: string): Promise<ServedPage> {
  return listen((path) => {
    for (const [name, js] of Object.entries(bundles)) {
      const base = name === '' ? '/' : `/${name}/`;
      if (path === base) return { type: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="${base}page.js"></script>` };
      if (path === `${base}page.js`) return { type: 'text/javascript', body: js };
    }
    return null;
  });
}

/** Bundles `entry` (package names resolved to `alias`, e.g. built dist files) and serves it as an ES module page. */
export async function servePage(entry: PageEntry, alias: Record<string, string>, title: string): Promise<ServedPage> {
  return servePages({ '': await bundlePage(entry, alias) }, title);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves the files of a folder (a site built by Vite, say); `/` is its index.html. */
export async function serveDirectory(dir: string): Promise<ServedPage> {
  const root = normalize(dir);
  return listen((path) => {
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
    return { type: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) };
  });
}

/**
 * Node's globals that browser code must not need. The init script of
 * {@link openInChromium} checks that none exists in the page and records
 * every read of them (each reads as undefined; a write is recorded as
 * `name=`), so a test can tell a guarded feature test (read, then not used)
 * from code that needs Node.
 */
export const NODE_GLOBALS = ['Buffer', 'process', 'global', 'require', 'module', 'exports', '__dirname', '__filename', 'setImmediate'] as const;

/** What the page saw of {@link NODE_GLOBALS}: those that existed before any script ran, and those read since. */
export interface NodeGlobalsSeen {
  readonly present: string[];
  readonly read: string[];
}

function watchNodeGlobals(names: readonly string[]): void {
  const g = globalThis as Record<string, unknown>;
  const seen = { present: [] as string[], read: [] as string[] };
  for (const name of names) {
    if (name in g) seen.present.push(name);
    let value: unknown;
    Object.defineProperty(g, name, {
      configurable: true,
      get() {
        if (!seen.read.includes(name)) seen.read.push(name);
        return value;
      },
      set(v: unknown) {
        if (!seen.read.includes(`${name}=`)) seen.read.push(`${name}=`);
        value = v;
      },
    });
  }
  Object.defineProperty(g, '__nodeGlobalsSeen', { value: seen });
}

/** One Chromium page, open while the callback of {@link openInChromium} runs. */
export interface ChromiumPage {
  /** Loads `url`, waits until the page defines the global function `name`, calls it with `arg`, returns its (JSON-safe) result. */
  call<T>(url: string, name: string, arg: unknown): Promise<T>;
  /** What the last page loaded saw of Node's globals. */
  nodeGlobals(): Promise<NodeGlobalsSeen>;
  /** Uncaught errors the page reported so far (cleared by each `call`). */
  readonly errors: string[];
  /** The playwright page, for pages driven by clicks. */
  readonly page: Page;
}

/**
 * Starts headless Chromium once, opens a page that watches Node's globals
 * (see {@link NODE_GLOBALS}) and collects uncaught errors, runs `fn`, and
 * closes the browser.
 */
export async function openInChromium<T>(fn: (page: ChromiumPage) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.addInitScript(watchNodeGlobals, [...NODE_GLOBALS]);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return await fn({
      page,
      errors,
      async call<R>(url: string, name: string, arg: unknown): Promise<R> {
        errors.length = 0;
        await page.goto(url);
        // Waits for the function, failing at once when the page threw instead of defining it.
        const deadline = Date.now() + 30_000;
        while (!(await page.evaluate((f) => typeof (globalThis as Record<string, unknown>)[f] === 'function', name))) {
          if (errors.length > 0) throw new Error(`the page threw before defining ${name}: ${errors.join('; ')}`);
          if (Date.now() > deadline) throw new Error(`the page did not define ${name} within 30 s`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return (await page.evaluate(
          ([f, a]) => ((globalThis as unknown as Record<string, (x: unknown) => unknown>)[f as string]!)(a),
          [name, arg] as const,
        )) as R;
      },
      nodeGlobals: () => page.evaluate(() => (globalThis as unknown as { __nodeGlobalsSeen: NodeGlobalsSeen }).__nodeGlobalsSeen),
    });
  } finally {
    await browser.close();
  }
}

/**
 * Opens `url` in headless Chromium, waits for the page to define the global
 * function `name`, calls it with `arg` and returns its (JSON-safe) result.
 * Throws if the page reported an uncaught error.
 */
export async function callInChromium<T>(url: string, name: string, arg: unknown): Promise<T> {
  return openInChromium(async (page) => {
    const result = await page.call<T>(url, name, arg);
    if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join('; ')}`);
    return result;
  });
}
