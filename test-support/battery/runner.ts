// Starts the battery's worker processes (./child.ts under tsx), watches each
// call with a time limit, and restarts a worker after the call that hung. A
// call that passes its limit is given a second chance, in a fresh worker
// with `retryFactor` times the limit, before it counts as a hang: on a
// loaded machine (the suite runs beside other jobs) a slow but finite call
// must not read as an endless loop, and an endless loop still fails.
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
  /** The limit of a call's second try, as a multiple of `callTimeoutMs` (default 6). */
  readonly retryFactor?: number;
  /** Called as calls finish (for progress output). */
  readonly onOutcome?: (o: Outcome & { entry: string }) => void;
}

function runGroup(entries: readonly string[], surface: boolean, options: Options, report: BatteryReport): Promise<void> {
  return new Promise((resolve) => {
    const results = new Map<string, Outcome & { entry: string }>();
    // Calls that passed their first limit, by `entry|case|call`: their second try has the long limit.
    const retried = new Set<string>();
    const longLimit = options.callTimeoutMs * (options.retryFactor ?? 6);
    const start = (from: string, withSurface: boolean): void => {
      const argv = ['--import', 'tsx', child, '--entries', entries.join(','), '--from', from, ...(withSurface ? ['--surface'] : [])];
      const proc = spawn(process.execPath, argv, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      let current: { c: number; i: number; name: string; entry: string; label: string } | undefined;
      // The call that answered last in this worker.
      let last: { c: number; i: number } | undefined;
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      let hung = false;
      const lines = createInterface({ input: proc.stdio[3] as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const m = JSON.parse(line) as Record<string, unknown>;
        if (m.t === 'surface') report.surface.push(m as unknown as SurfaceReport);
        else if (m.t === 'start') {
          const call = m as NonNullable<typeof current>;
          current = call;
          clearTimeout(timer);
          const again = retried.has(`${call.entry}|${call.c}|${call.i}`);
          timer = setTimeout(() => {
            hung = true;
            proc.kill('SIGKILL');
          }, again ? longLimit : options.callTimeoutMs);
        } else if (m.t === 'out') {
          clearTimeout(timer);
          const o = { ...(m.outcome as Outcome), entry: m.entry as string };
          // Keyed by case index, not name: two registry cases may share a name.
          results.set(`${m.entry}|${String(m.c)}|${String(m.i)}`, o);
          options.onOutcome?.(o);
          last = { c: m.c as number, i: m.i as number };
          current = undefined;
        } else if (m.t === 'unhandled') report.problems.push(`unhandled rejection during ${current ? `${current.name} ${current.label}` : 'set-up'}: ${String(m.detail)}`);
        else if (m.t === 'fatal') report.problems.push(`worker for ${entries.join(', ')} failed: ${String(m.detail)}`);
        else if (m.t === 'end') ended = true;
      });
      proc.on('close', () => {
        clearTimeout(timer);
        if (!ended && current === undefined && hung && last !== undefined) {
          // Killed as its call answered (the answer was read after the limit had passed): go on after that call.
          start(`${last.c}:${last.i + 1}`, false);
          return;
        }
        if (ended || current === undefined) {
          if (!ended) report.problems.push(`worker for ${entries.join(', ')} stopped early: ${stderr.slice(-1500)}`);
          report.outcomes.push(...results.values());
          resolve();
          return;
        }
        const key = `${current.entry}|${current.c}|${current.i}`;
        if (hung && !retried.has(key)) {
          // First time over the limit: try the same call again, alone in a fresh worker, with the long limit.
          retried.add(key);
          start(`${current.c}:${current.i}`, false);
          return;
        }
        // The call in flight hung twice (or took the process down): record it and go on after it.
        const o = { name: current.name, label: current.label, entry: current.entry, verdict: hung ? 'hang' : 'crash', detail: hung ? `no answer within ${options.callTimeoutMs / 1000} s, nor within ${longLimit / 1000} s on a second try` : stderr.slice(-600) } as Outcome & { entry: string };
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
