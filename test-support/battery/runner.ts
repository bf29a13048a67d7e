// Starts the battery's worker processes (./child.ts under tsx), watches each
// call with a time limit, and restarts a worker after the call that hung.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './run-case';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./child.ts', import.meta.url));

/** What the worker found about one entry's surface. */
export interface SurfaceReport {
  readonly entry: string;
  readonly exports: number;
  readonly reexported: number;
  readonly required: readonly string[];
  readonly registered: readonly string[];
  readonly unknownEntry?: boolean;
}

export interface BatteryReport {
  readonly surface: SurfaceReport[];
  /** Every call's outcome, with the entry it belongs to. */
  readonly outcomes: (Outcome & { readonly entry: string })[];
  /** Problems of the run itself (a worker that could not start, unhandled rejections). */
  readonly problems: string[];
  readonly seconds: number;
}

interface Options {
  /** Groups of entries, one worker process per group, run side by side. */
  readonly groups: readonly (readonly string[])[];
  /** Time limit of one call, in milliseconds. */
  readonly callTimeoutMs: number;
  /** Called as calls finish (for progress output). */
  readonly onOutcome?: (o: Outcome & { entry: string }) => void;
}

function runGroup(entries: readonly string[], surface: boolean, options: Options, report: BatteryReport): Promise<void> {
  return new Promise((resolve) => {
    const results = new Map<string, Outcome & { entry: string }>();
    const start = (from: string, withSurface: boolean): void => {
      const argv = ['--import', 'tsx', child, '--entries', entries.join(','), '--from', from, ...(withSurface ? ['--surface'] : [])];
      const proc = spawn(process.execPath, argv, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      let current: { c: number; i: number; name: string; entry: string; label: string } | undefined;
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      let hung = false;
      const lines = createInterface({ input: proc.stdio[3] as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const m = JSON.parse(line) as Record<string, unknown>;
        if (m.t === 'surface') report.surface.push(m as unknown as SurfaceReport);
        else if (m.t === 'start') {
          current = m as typeof current;
          clearTimeout(timer);
          timer = setTimeout(() => {
            hung = true;
            proc.kill('SIGKILL');
          }, options.callTimeoutMs);
        } else if (m.t === 'out') {
          clearTimeout(timer);
          const o = { ...(m.outcome as Outcome), entry: m.entry as string };
          // Keyed by case index, not name: two registry cases may share a name.
          results.set(`${m.entry}|${String(m.c)}|${String(m.i)}`, o);
          options.onOutcome?.(o);
          current = undefined;
        } else if (m.t === 'unhandled') report.problems.push(`unhandled rejection during ${current ? `${current.name} ${current.label}` : 'set-up'}: ${String(m.detail)}`);
        else if (m.t === 'fatal') report.problems.push(`worker for ${entries.join(', ')} failed: ${String(m.detail)}`);
        else if (m.t === 'end') ended = true;
      });
      proc.on('close', () => {
        clearTimeout(timer);
        if (ended || current === undefined) {
          if (!ended) report.problems.push(`worker for ${entries.join(', ')} stopped early: ${stderr.slice(-1500)}`);
          report.outcomes.push(...results.values());
          resolve();
          return;
        }
        // The call in flight hung (or took the process down): record it and go on after it.
        const o = { name: current.name, label: current.label, entry: current.entry, verdict: hung ? 'hang' : 'crash', detail: hung ? `no answer within ${options.callTimeoutMs / 1000} s` : stderr.slice(-600) } as Outcome & { entry: string };
        results.set(`${current.entry}|${current.c}|${current.i}`, o);
        options.onOutcome?.(o);
        const next = current.i < 0 ? `${current.c + 1}:-1` : `${current.c}:${current.i + 1}`;
        start(next, false);
      });
    };
    start('0:-1', surface);
  });
}

/** Runs every group; the first one also reports the surface. */
export async function runBattery(options: Options): Promise<BatteryReport> {
  const t0 = Date.now();
  const report: BatteryReport = { surface: [], outcomes: [], problems: [], seconds: 0 };
  await Promise.all(options.groups.map((g, k) => runGroup(g, k === 0, options, report)));
  return { ...report, seconds: (Date.now() - t0) / 1000 };
}
