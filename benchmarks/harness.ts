/**
 * Shared pieces for benchmarks. A benchmark is a file `benchmarks/<area>/<name>.bench.ts`
 * exporting `meta` and `run`; `benchmarks/run.ts` finds it, runs it, writes
 * `benchmarks/results/<meta.id>.json` and regenerates the table in
 * `benchmarks/README.md`. Numbers in docs come only from these files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a benchmark says about itself. */
export interface BenchMeta {
  /** Stable id, also the results file name, e.g. `core-csr-build`. */
  id: string;
  /** One line for the table. */
  title: string;
  /** The exact protocol (data, sizes, settings, reference), as in shared/BENCHMARKS.md. */
  protocol: string;
}

/** One row of results; values are numbers (seconds, MiB, scores) or short strings. */
export type BenchRow = Record<string, string | number | null>;

/** What `run` returns. */
export interface BenchOutcome {
  /** Table rows (one per case or implementation). */
  rows: BenchRow[];
  /** Free-form remarks: skipped parts and why, caveats. */
  notes?: string[];
}

/** Passed to `run`. */
export interface BenchContext {
  /** Directory of the licensed data sets (MARKSMAN_DATA_DIR, default ../shared/datasets). */
  dataDir: string;
  /** True when `--quick` was given: smaller sizes for a smoke run. */
  quick: boolean;
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times `fn` `repeats` times (after `warmup` untimed runs) and returns the
 * median and all times in seconds.
 */
export async function timeIt(fn: () => unknown | Promise<unknown>, repeats = 5, warmup = 1): Promise<{ median: number; times: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { median: median(times), times };
}

/** The Debian python3 that has scikit-learn / scipy / statsmodels / pandas, if installed. */
export function referencePython(modules: readonly string[]): string | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  const r = spawnSync(py, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  return r.status === 0 ? py : null;
}

/**
 * Runs a Python reference script and parses the JSON it prints on its last
 * stdout line. Environment variables that slow a current numpy
 * (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) are removed for this call only;
 * `extraEnv` adds variables for this call (e.g. OPENBLAS_NUM_THREADS).
 */
export function runPython(python: string, script: string, args: readonly string[] = [], extraEnv: Record<string, string> = {}): unknown {
  const env = { ...process.env, ...extraEnv };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(python, [script, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

/** Facts about the machine, stored with each result. */
export function machineInfo(): Record<string, string | number> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Peak resident memory of this process so far, in MiB (Linux: VmHWM). */
export async function peakRssMiB(): Promise<number> {
  try {
    const { readFileSync } = await import('node:fs');
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20;
}

/** Resolves the data directory the same way the tests do. */
export function defaultDataDir(): string {
  return resolve(process.env.MARKSMAN_DATA_DIR ?? resolve(process.cwd(), '../shared/datasets'));
}

/**
 * Bundles a benchmark's child script (from the packages' sources, not dist) into one plain .mjs under
 * benchmarks/.tmp with esbuild (found through tsup's dependency), so a fresh `node` process runs it with no loader
 * and its timings and peak RSS hold no TypeScript tooling. `@marksman/<pkg>` (and `/node`, and core's `/internal`)
 * resolve to the sources of the named packages; `external` stays unbundled. Returns the bundle's path.
 */
export async function bundleBenchChild(entry: string, packages: readonly string[], external: readonly string[]): Promise<string> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = join(here, '..');
  const tmp = join(here, '.tmp');
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as { build: (options: Record<string, unknown>) => Promise<unknown> };
  mkdirSync(tmp, { recursive: true });
  const outfile = join(tmp, `${basename(entry, '.ts')}.mjs`);
  const alias: Record<string, string> = {};
  for (const p of packages) {
    const src = join(root, 'packages', p, 'src');
    if (p === 'core') alias['@marksman/core/internal'] = join(src, 'internal.ts');
    if (existsSync(join(src, 'node.ts'))) alias[`@marksman/${p}/node`] = join(src, 'node.ts');
    alias[`@marksman/${p}`] = join(src, 'index.ts');
  }
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning', alias, external: [...external] });
  return outfile;
}
