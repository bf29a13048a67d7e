/**
 * Benchmark runner.
 *
 *   pnpm bench                 run every benchmarks/<area>/*.bench.ts
 *   pnpm bench core            run those whose path contains "core"
 *   pnpm bench -- --quick      smaller sizes (smoke run; results are marked quick)
 *   pnpm bench -- --table      only regenerate the README table from results/
 *
 * Each benchmark runs in its own child process (so peak memory is its own),
 * writes benchmarks/results/<id>.json, and the table between the markers in
 * benchmarks/README.md is rebuilt from all results files.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir, machineInfo, type BenchContext, type BenchMeta, type BenchOutcome } from './harness';

const here = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(here, 'results');

function findBenchmarks(): string[] {
  const out: string[] = [];
  for (const area of readdirSync(here).sort()) {
    const dir = join(here, area);
    if (!statSync(dir).isDirectory() || area === 'results' || area.startsWith('.')) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) out.push(join(dir, f));
  }
  return out;
}

async function runOne(file: string, quick: boolean): Promise<void> {
  const mod = (await import(file)) as { meta: BenchMeta; run: (ctx: BenchContext) => Promise<BenchOutcome> };
  const ctx: BenchContext = { dataDir: defaultDataDir(), quick };
  const started = new Date().toISOString();
  const outcome = await mod.run(ctx);
  mkdirSync(resultsDir, { recursive: true });
  const result = { ...mod.meta, started, quick, machine: machineInfo(), ...outcome };
  writeFileSync(join(resultsDir, `${mod.meta.id}.json`), JSON.stringify(result, null, 2) + '\n');
  console.log(`${mod.meta.id}: ${JSON.stringify(outcome.rows)}`);
}

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  return v === null || v === undefined ? '—' : String(v).replace(/\|/g, '\\|');
}

/** Markdown table of one results file's rows. */
function tableOf(rows: Record<string, unknown>[]): string[] {
  const cols = [...new Set(rows.flatMap((x) => Object.keys(x)))];
  if (cols.length === 0) return [];
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${cols.map((c) => fmt(row[c])).join(' | ')} |`)];
}

/**
 * The root README quotes some results: the text between
 * `<!-- bench:<id>:start -->` and `<!-- bench:<id>:end -->` is rebuilt from
 * results/<id>.json (its table and the date and machine of the run).
 */
function writeEmbeddedTables(): void {
  const readme = join(here, '..', 'README.md');
  if (!existsSync(readme)) return;
  let text = readFileSync(readme, 'utf8');
  for (const m of [...text.matchAll(/<!-- bench:([\w-]+):start -->/g)]) {
    const id = m[1]!;
    const end = `<!-- bench:${id}:end -->`;
    const file = join(resultsDir, `${id}.json`);
    const i = text.indexOf(m[0]);
    const j = text.indexOf(end);
    if (j < 0 || !existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const body = [
      ...tableOf(r.rows ?? []),
      '',
      `Measured ${String(r.started).slice(0, 10)} on ${r.machine?.cpu} (${r.machine?.cores} cores), Node ${r.machine?.node}, by the benchmark \`${id}\` (protocol and notes in [benchmarks/README.md](benchmarks/README.md)).`,
    ];
    text = text.slice(0, i + m[0].length) + '\n\n' + body.join('\n') + '\n\n' + text.slice(j);
  }
  writeFileSync(readme, text);
}

function writeTable(): void {
  writeEmbeddedTables();
  const readme = join(here, 'README.md');
  if (!existsSync(readme)) return;
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => f.endsWith('.json')).sort() : [];
  const parts: string[] = [];
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
    // Files that are not benchmark results (reliability.json, written by scripts/reliability.mjs) have no id.
    if (typeof r.id !== 'string') continue;
    const rows: Record<string, unknown>[] = r.rows ?? [];
    parts.push(`### ${r.title} (\`${r.id}\`)\n`);
    parts.push(`Protocol: ${r.protocol}\n`);
    parts.push(`Measured ${String(r.started).slice(0, 10)} on ${r.machine?.cpu} (${r.machine?.cores} cores), Node ${r.machine?.node}${r.quick ? ' — quick run' : ''}.\n`);
    const table = tableOf(rows);
    if (table.length > 0) parts.push(...table, '');
    for (const n of r.notes ?? []) parts.push(`- ${n}`);
    parts.push('');
  }
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) return;
  writeFileSync(readme, text.slice(0, i + start.length) + '\n\n' + parts.join('\n') + '\n' + text.slice(j));
}

const args = process.argv.slice(2).filter((a) => a !== '--');
const child = args.includes('--child');
const quick = args.includes('--quick');
if (child) {
  await runOne(args.find((a) => a.endsWith('.bench.ts'))!, quick);
} else if (args.includes('--table')) {
  writeTable();
} else {
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = findBenchmarks().filter((f) => filters.length === 0 || filters.some((x) => relative(here, f).includes(x)));
  let failed = 0;
  for (const f of files) {
    console.log(`\n== ${relative(here, f)}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', f, ...(quick ? ['--quick'] : [])], {
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim() },
    });
    if (r.status !== 0) failed++;
  }
  writeTable();
  if (failed > 0) {
    console.error(`${failed} benchmark(s) failed`);
    process.exit(1);
  }
}
