// Runs one case: the valid call twice (it must answer, the same way both
// times, leaving its frozen inputs as they were), then every bad call, each
// classified as a typed error naming the field, a documented answer, or a
// failure (raw engine error, typed error naming nothing, silent answer,
// garbage, mutated input).
import { isMarksmanError } from '@marksman/core';
import type { Case } from './case';
import { misspell, perturbations } from './perturb';
import type { Perturbation } from './perturb';
import { copy, deepFreeze, fingerprint, garbageIn } from './values';

/** What happened to one call. */
export type Verdict =
  | 'valid' // the valid call answered
  | 'typed' // a bad call was refused by a Marksman error naming the field (or row, file, line)
  | 'documented' // a bad call answered, and the answer is allowed and clean
  | 'raw' // a bad call escaped as a plain Error/TypeError/RangeError
  | 'unnamed' // a Marksman error that names no field, where one is meaningful
  | 'silent' // a bad call answered where only a refusal is right
  | 'garbage' // an answer holding NaN, ±Infinity, holes or "NaN" text
  | 'mutated' // an input changed
  | 'valid-threw' // the registry's valid call failed (a registry or library bug)
  | 'nondeterministic' // two valid runs differed
  | 'constant' // a constant export failed its check
  | 'hang' // no answer within the time limit (set by the runner)
  | 'crash'; // the worker process died (set by the runner)

export const FAILURES: ReadonlySet<Verdict> = new Set<Verdict>(['raw', 'unnamed', 'silent', 'garbage', 'mutated', 'valid-threw', 'nondeterministic', 'constant', 'hang', 'crash']);

export interface Outcome {
  readonly name: string;
  readonly label: string;
  readonly verdict: Verdict;
  readonly detail?: string;
  readonly code?: string;
  /** For typed errors on a key change: whether the error's field mentions the key. */
  readonly namesKey?: boolean;
}

interface Result {
  readonly value?: unknown;
  readonly error?: unknown;
  readonly threw: boolean;
  readonly mutated?: string;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

async function invoke(c: Case, target: unknown, args: unknown[]): Promise<Result> {
  const a = deepFreeze(args);
  const before = a.map((x) => fingerprint(x));
  const mutated = (): string | undefined => {
    const i = a.findIndex((x, j) => fingerprint(x) !== before[j]);
    return i < 0 ? undefined : `argument ${i} changed`;
  };
  try {
    let value = c.call(target, a);
    if (isThenable(value)) value = await value;
    const m = mutated();
    return { value, threw: false, ...(m ? { mutated: m } : {}) };
  } catch (error) {
    const m = mutated();
    return { error, threw: true, ...(m ? { mutated: m } : {}) };
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}${isMarksmanError(e) ? ` ${e.code}` : ''}: ${e.message.slice(0, 240)}`;
  return `non-error thrown: ${String(e).slice(0, 120)}`;
}

const named = (e: { field?: unknown; row?: unknown; file?: unknown; line?: unknown }) =>
  e.field !== undefined || e.row !== undefined || e.file !== undefined || e.line !== undefined;

const matches = (patterns: readonly RegExp[] | undefined, label: string) => (patterns ?? []).some((r) => r.test(label));

function classify(c: Case, p: Perturbation, r: Result, cleanKinds: ReadonlySet<string>): Outcome {
  const base = { name: c.name, label: p.label };
  if (r.mutated) return { ...base, verdict: 'mutated', detail: r.mutated };
  if (r.threw) {
    const e = r.error;
    if (!isMarksmanError(e)) return { ...base, verdict: 'raw', detail: describeError(e) };
    // An abort is about the whole call, not a field: E_ABORTED carries none.
    // Neither is a fit that diverged (ConvergenceError E_DIVERGED): the data and
    // options together are at fault, and the message says which way to move.
    if (e.code === 'E_ABORTED' || e.code === 'E_DIVERGED') return { ...base, verdict: 'typed', code: e.code };
    if (!named(e) && !matches(c.unnamed, p.label)) return { ...base, verdict: 'unnamed', code: e.code, detail: describeError(e) };
    // Whether the field names the changed key, the misspelt or unknown one, or a key above it in the path.
    const field = String(e.field ?? '');
    const path = p.label.split(/[.=~+ [\]]/).filter((k) => k.length > 1 && !/^a\d+$/.test(k));
    const namesKey = p.key === undefined ? undefined : [p.key, misspell(p.key), 'bogusOption', ...path].some((k) => field.includes(k));
    return { ...base, verdict: 'typed', code: e.code, ...(namesKey === undefined ? {} : { namesKey }) };
  }
  if (p.mustThrow && !matches(c.returns, p.label)) {
    return { ...base, verdict: 'silent', detail: `answered ${fingerprint(r.value).slice(0, 160)}` };
  }
  const found = [...garbageIn(r.value)].filter(([kind]) => !cleanKinds.has(kind));
  if (found.length > 0 && !matches(c.garbage, p.label)) {
    return { ...base, verdict: 'garbage', detail: found.map(([k, at]) => `${k} at ${at}`).join(', ') };
  }
  return { ...base, verdict: 'documented' };
}

/** Called before each call, so that the runner can tell which call hung. */
export type OnStart = (index: number, label: string) => void;

/**
 * Runs the valid call (index -1) and the bad calls from index `from` on;
 * reports each outcome. Returns the number of bad calls of the case.
 */
export async function runCase(c: Case, from: number, onStart: OnStart, report: (index: number, o: Outcome) => void): Promise<number> {
  if (c.constant) {
    onStart(-1, 'value');
    const complaint = c.constant();
    report(-1, { name: c.name, label: 'value', verdict: complaint === undefined ? 'valid' : 'constant', ...(complaint ? { detail: complaint } : {}) });
    return 0;
  }
  onStart(-1, 'valid');
  const good = await c.args();
  const target = c.target ? await c.target() : undefined;
  const first = await invoke(c, target, copy([...good]));
  if (first.threw || first.mutated) {
    report(-1, { name: c.name, label: 'valid', verdict: first.mutated ? 'mutated' : 'valid-threw', detail: first.mutated ?? describeError(first.error) });
    return 0;
  }
  const cleanKinds = new Set(garbageIn(first.value).keys());
  let verdict: Verdict = 'valid';
  let detail: string | undefined;
  if (c.nondeterministic === undefined) {
    const second = await invoke(c, c.target ? await c.target() : undefined, copy([...good]));
    const a = fingerprint(first.value);
    const b = second.threw ? describeError(second.error) : fingerprint(second.value);
    if (a !== b) {
      verdict = 'nondeterministic';
      detail = `first ${a.slice(0, 120)} … second ${b.slice(0, 120)}`;
    }
  }
  report(-1, { name: c.name, label: 'valid', verdict, ...(detail ? { detail } : {}) });
  const own = c.method !== undefined ? (target as Record<string, unknown>)[c.method] : undefined;
  const required = !Number.isNaN(c.required) ? c.required : typeof own === 'function' ? own.length : good.length;
  const bad = perturbations(c, good, required);
  for (let i = Math.max(0, from); i < bad.length; i++) {
    const p = bad[i]!;
    onStart(i, p.label);
    let r: Result;
    try {
      r = await invoke(c, c.fresh && c.target ? await c.target() : target, p.apply(copy([...good])));
    } catch (e) {
      r = { threw: true, error: e };
    }
    report(i, classify(c, p, r, cleanKinds));
  }
  return bad.length;
}
