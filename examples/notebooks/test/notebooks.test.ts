// The notebooks cannot rot. The Deno notebook's code cells run in order, as
// one module, under the `deno` binary from npm against the *built* packages
// (the kernel is not needed: `deno jupyter` only adds the Jupyter protocol
// around the same runtime; see README.md here). The run must end without an
// error, print the numbers the same steps give in Node (customers, order
// lines, the z-test p-value, the CUPED effect), and every chart cell must
// display an SVG drawn by Vega. Both notebooks (Deno and tslab) are also
// type-checked against the public types. The run needs `pnpm build` and the
// deno package; without them it skips saying why (a failure under CI=true).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cuped, proportionsZTest, simulateShop, validateTransactions } from 'marksman';
import { prerequisitesMayRun } from '../../../test-support/skip';
import { CELL_MARK, cellModule, cellOfLine, codeCells, type CellModule, type CodeCell } from './cells';

const here = dirname(fileURLToPath(import.meta.url));
const folder = resolve(here, '..');
const repo = resolve(folder, '../..');
const runDir = join(folder, '.run');
const DENO_NOTEBOOK = join(folder, 'journey.deno.ipynb');
const TSLAB_NOTEBOOK = join(folder, 'journey.tslab.ipynb');

/** The built files the notebook's imports reach (marksman and marksman/charts, and the packages behind them). */
const BUILT = ['core', 'metrics', 'datasets', 'profiling', 'learn', 'segmentation', 'recsys', 'experiments', 'charts']
  .flatMap((p) => [`packages/${p}/dist/index.js`])
  .concat(['packages/charts/dist/render.js', 'packages/marksman/dist/index.js', 'packages/marksman/dist/charts.js']);

/** The deno package's launcher (it runs the binary that @deno/<platform> ships), or null. */
function denoLauncher(): string | null {
  try {
    return join(dirname(createRequire(join(folder, 'package.json')).resolve('deno/package.json')), 'bin.cjs');
  } catch {
    return null;
  }
}

function whyNotRunnable(): string | null {
  const launcher = denoLauncher();
  if (launcher === null || !existsSync(launcher)) return 'the deno package is not installed (npx --yes pnpm@12.4.2 install)';
  for (const f of BUILT) if (!existsSync(join(repo, f))) return `${f} is missing (run npx --yes pnpm@12.4.2 build)`;
  return null;
}

/** One displayed output of a cell: its MIME bundle. */
interface Output {
  readonly cell: number;
  readonly data: Record<string, string>;
}

// Stands in for the kernel's display: a cell's last value is recorded, an
// object with a Symbol.for('Jupyter.display') method as the bundle it
// returns, anything else but undefined as text (what Deno's kernel shows).
const PRELUDE = `const __outputs: Array<{ cell: number; data: Record<string, unknown> }> = [];
function __display(cell: number, value: unknown): void {
  if (value === undefined) return;
  const show = (value as { [k: symbol]: unknown } | null)?.[Symbol.for('Jupyter.display')];
  __outputs.push({ cell, data: typeof show === 'function' ? show.call(value) : { 'text/plain': Deno.inspect(value) } });
}`;
const EPILOGUE = `Deno.writeTextFileSync(Deno.env.get('MARKSMAN_NOTEBOOK_OUTPUTS')!, JSON.stringify(__outputs));`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: readonly Output[];
  /** What each code cell printed, by notebook cell index. */
  readonly printed: ReadonlyMap<number, string>;
  readonly module: CellModule;
  readonly cells: readonly CodeCell[];
}

async function runDenoNotebook(): Promise<Run> {
  const cells = codeCells(DENO_NOTEBOOK);
  const module = cellModule(cells, PRELUDE, EPILOGUE, '__display');
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, 'journey.deno.ts');
  const outputsFile = join(runDir, 'journey.deno.outputs.json');
  rmSync(outputsFile, { force: true });
  writeFileSync(file, module.text);
  // -A as in `deno jupyter`, which always runs with all permissions;
  // --cached-only: nothing may be fetched (the imports resolve to node_modules).
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [denoLauncher()!, 'run', '-A', '--cached-only', file],
      { cwd: folder, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', MARKSMAN_NOTEBOOK_OUTPUTS: outputsFile }, maxBuffer: 64 * 1024 * 1024, timeout: 170_000 },
      (error, out, err) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out, stderr: err }),
    );
  });
  const outputs = existsSync(outputsFile) ? (JSON.parse(readFileSync(outputsFile, 'utf8')) as Output[]) : [];
  const printed = new Map<number, string>();
  for (const chunk of stdout.split(CELL_MARK).slice(1)) {
    const nl = chunk.indexOf('\n');
    printed.set(Number(chunk.slice(0, nl)), chunk.slice(nl + 1));
  }
  return { code, stdout, stderr, outputs, printed, module, cells };
}

/** stderr of a failed run, with the notebook cell named for each line of the generated module it cites. */
function explainFailure(r: Run): string {
  return r.stderr.replace(/journey\.deno\.ts:(\d+):(\d+)/g, (all, line: string) => {
    const cell = cellOfLine(r.module, r.cells, Number(line));
    return cell < 0 ? all : `${all} (notebook cell ${cell}, line ${Number(line) - r.module.startLines[r.cells.findIndex((c) => c.index === cell)]! + 1})`;
  });
}

/** The numbers the notebook prints, recomputed in Node from the sources with the notebook's steps. */
function expectedInNode() {
  const shop = simulateShop({ seed: 42, customers: 2000 });
  const rows = validateTransactions(shop.transactions).rows;
  const asOf = shop.campaign.startTime;
  const WEEK = 7 * 86_400_000;
  const pre = new Map<string, number>();
  for (const t of rows) if (t.timestamp >= asOf - 12 * WEEK && t.timestamp < asOf) pre.set(String(t.customerId), (pre.get(String(t.customerId)) ?? 0) + t.amount);
  const arm = (name: string) => shop.campaign.outcomes.filter((o) => o.arm === name);
  const control = arm(shop.campaign.arms[0]!);
  const treated = arm(shop.campaign.arms[1]!);
  const z = proportionsZTest(
    { n: control.length, conversions: control.reduce((s, o) => s + o.converted, 0) },
    { n: treated.length, conversions: treated.reduce((s, o) => s + o.converted, 0) },
  );
  const c = cuped(
    { values: control.map((o) => o.spend), covariates: control.map((o) => pre.get(o.customerId) ?? 0) },
    { values: treated.map((o) => o.spend), covariates: treated.map((o) => pre.get(o.customerId) ?? 0) },
  );
  return { customers: shop.customers.length, lines: shop.transactions.length, pValue: z.pValue, cupedDiff: c.diff };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const TAG = 'Deno notebook';

describe.runIf(prerequisitesMayRun(TAG, whyNotRunnable()))('the Deno notebook (journey.deno.ipynb) runs under deno against the build', () => {
  let run: Run;
  beforeAll(async () => {
    run = await runDenoNotebook();
  }, 180_000);
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));

  it('runs every code cell, in order, without an error', () => {
    expect(run.code, `deno exited with ${run.code}:\n${explainFailure(run)}`).toBe(0);
    expect([...run.printed.keys()]).toEqual(run.cells.map((c) => c.index));
  });

  it('prints the numbers the same steps give in Node (customers, order lines, z-test p-value, CUPED effect)', () => {
    const want = expectedInNode();
    const text = run.stdout;
    expect(text).toContain(`Customers: ${int(want.customers)}\n`);
    expect(text).toContain(`Order lines: ${int(want.lines)}\n`);
    expect(want.pValue).toBeGreaterThan(0);
    expect(want.pValue).toBeLessThan(0.05);
    expect(text).toMatch(new RegExp(`vs control: [\\d.]+ pp, p = ${want.pValue.toFixed(6).replace('.', '\\.')}\\n`));
    expect(text).toContain(`Spend per customer (CUPED): $${want.cupedDiff.toFixed(2)}, 95% CI`);
    // Every rule is printed, and together they cover every customer with a profile.
    const profiles = Number(text.match(/Customers with an RFM profile: ([\d,]+)/)![1]!.replace(/,/g, ''));
    const [, count, covered] = text.match(/rules: (\d+), covering ([\d,]+) customers/)!;
    expect(Number(covered!.replace(/,/g, ''))).toBe(profiles);
    expect(text.match(/→ cluster \d+: /g)?.length).toBe(Number(count));
    // ALS beats the popularity baseline on held-out purchases.
    const [, pop, als] = text.match(/NDCG@10: popularity ([\d.]+), ALS ([\d.]+)/)!;
    expect(Number(als)).toBeGreaterThan(Number(pop));
  });

  it('draws every chart: each chart cell displays one SVG rendered by Vega, with marks and a title', () => {
    const chartCells = run.cells.filter((c) => /\nawait show\([\s\S]*\);\s*$/.test(c.source)).map((c) => c.index);
    expect(chartCells.length).toBeGreaterThanOrEqual(6);
    const svgs = run.outputs.filter((o) => o.data['image/svg+xml'] !== undefined);
    expect(svgs.map((o) => o.cell)).toEqual(chartCells);
    for (const o of svgs) {
      const svg = o.data['image/svg+xml']!;
      expect(svg.startsWith('<svg')).toBe(true);
      const [, w, h] = svg.match(/^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/)!;
      expect(Number(w)).toBeGreaterThan(100);
      expect(Number(h)).toBeGreaterThan(50);
      expect(svg).toMatch(/class="mark-[a-z]+/);
      expect(svg).toContain(o.data['text/plain']!);
    }
    // Cells that only print show nothing else: no stray `undefined` outputs.
    expect(run.outputs.filter((o) => o.data['image/svg+xml'] === undefined)).toEqual([]);
  });
});

/**
 * tslab's `display` as its public module declares it (tslab 1.0.22,
 * src/public.ts), for the type check only: tslab itself needs Jupyter and
 * ZeroMQ, which the repository does not install.
 */
const TSLAB_TYPES = `declare module 'tslab' {
  export interface Display {
    javascript(s: string): void;
    html(s: string): void;
    markdown(s: string): void;
    latex(s: string): void;
    svg(s: string): void;
    png(b: Uint8Array): void;
    jpeg(b: Uint8Array): void;
    gif(b: Uint8Array): void;
    pdf(b: Uint8Array): void;
    text(s: string): void;
    raw(contentType: string, b: string | Uint8Array): void;
  }
  export const display: Display;
  export function newDisplay(): Display;
}
`;

/** Type errors of a notebook's code cells taken together as one module, against the packages' public types. */
function notebookTypeErrors(notebook: string, extraFiles: Record<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(repo, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!config) throw new Error('cannot read tsconfig.json');
  const dir = join(runDir, `check-${notebook.replace(/\W/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const cells = codeCells(join(folder, notebook));
  const file = join(dir, 'cells.ts');
  writeFileSync(file, cells.map((c) => `// cell ${c.index}\n${c.source}`).join('\n'));
  const roots = [file];
  for (const [name, text] of Object.entries(extraFiles)) {
    writeFileSync(join(dir, name), text);
    roots.push(join(dir, name));
  }
  // Notebook cells compute values to show them, so unused names are allowed;
  // every other strict option of the repository stays on.
  const program = ts.createProgram(roots, { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false });
  const sf = program.getSourceFile(file)!;
  const lines = sf.text.split('\n');
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
    if (d.start === undefined) return ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = sf.getLineAndCharacterOfPosition(d.start).line;
    const cell = lines.slice(0, line + 1).reverse().find((l) => l.startsWith('// cell ')) ?? '';
    return `${notebook} ${cell.slice(3)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}\n    at: ${lines[line]!.trim()}`;
  });
}

describe('both notebooks type-check against the public types', () => {
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));
  it('journey.deno.ipynb', () => {
    expect(notebookTypeErrors('journey.deno.ipynb', {})).toEqual([]);
  }, 240_000);
  it('journey.tslab.ipynb (tslab itself is not installed: it needs Jupyter)', () => {
    const errors = notebookTypeErrors('journey.tslab.ipynb', { 'tslab.d.ts': TSLAB_TYPES });
    expect(errors).toEqual([]);
    // The same journey: the two notebooks differ only in the cell that defines how a chart is shown.
    const journey = (file: string) => codeCells(file).filter((c) => !c.source.includes('const show = '));
    expect(journey(TSLAB_NOTEBOOK)).toEqual(journey(DENO_NOTEBOOK));
    expect(journey(DENO_NOTEBOOK).length).toBe(codeCells(DENO_NOTEBOOK).length - 1);
  }, 240_000);
});
