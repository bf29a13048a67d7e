/**
 * The bad-input battery (issue #16, "Keep it closed"). Every public entry of
 * every package (read from the package.json `exports` maps), every export,
 * constructor, static and public method gets a registered valid call
 * (test-support/battery/registry/) and a generated set of bad calls: each
 * argument, option key, record field and first list element replaced by
 * missing/undefined/null, NaN, ±Infinity, 1e308, 1e-308, -1, 0, '0.05', 42,
 * {} and []; unknown and misspelt option keys; an aborted signal; lists that
 * travel together made unequal. A bad call must end in a Marksman error that
 * names the field (or row), or in a documented, clean answer; a raw
 * Error/TypeError/RangeError, a nameless typed error, a silent answer, an
 * answer holding NaN/Infinity, a changed (frozen) input, a valid call that
 * differs between two runs, and a call that takes more than 10 s all fail.
 * The calls run in worker processes (test-support/battery/runner.ts), so a
 * synchronous endless loop is found and stopped.
 *
 * With MARKSMAN_RELIABILITY_OUT set, the counts are written there as JSON
 * (`node scripts/reliability.mjs` puts them in the README).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILURES } from '../../../test-support/battery/run-case';
import type { Verdict } from '../../../test-support/battery/run-case';
import { runBattery } from '../../../test-support/battery/runner';
import type { BatteryReport } from '../../../test-support/battery/runner';
import { publicEntries } from '../../../test-support/battery/surface';
import { sourceAliases } from '../../../vitest.config';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const entries = publicEntries(repo).map((e) => e.specifier);

/** Two workers (the CI machine has two cores); the heavy model fits go to the second. */
const SECOND = new Set(['@marksman/profiling', '@marksman/recsys', '@marksman/recsys/tfjs']);
const groups = [entries.filter((e) => !SECOND.has(e)), entries.filter((e) => SECOND.has(e))].filter((g) => g.length > 0);

let report: BatteryReport;

const list = (verdicts: readonly Verdict[]): string[] =>
  report.outcomes.filter((o) => verdicts.includes(o.verdict)).map((o) => `${o.entry} ${o.name} [${o.label}]: ${o.verdict}${o.detail ? ` — ${o.detail}` : ''}`);

beforeAll(async () => {
  report = await runBattery({ groups, callTimeoutMs: 10_000 });
  const out = process.env.MARKSMAN_RELIABILITY_OUT;
  if (out) {
    const count = (v: Verdict) => report.outcomes.filter((o) => o.verdict === v).length;
    const scoped = report.surface.filter((s) => s.entry.startsWith('@marksman/'));
    const counts = {
      entries: report.surface.length,
      exports: scoped.reduce((n, s) => n + s.exports, 0),
      umbrellaReexports: report.surface.reduce((n, s) => n + s.reexported, 0),
      callables: report.surface.reduce((n, s) => n + s.required.length, 0),
      cases: report.outcomes.filter((o) => o.label === 'valid' || o.label === 'value').length,
      calls: report.outcomes.length,
      validCalls: count('valid'),
      badCalls: report.outcomes.filter((o) => o.label !== 'valid' && o.label !== 'value').length,
      typedErrors: count('typed'),
      typedOnKeyChange: report.outcomes.filter((o) => o.namesKey !== undefined).length,
      typedNamingTheKey: report.outcomes.filter((o) => o.namesKey === true).length,
      documentedResults: count('documented'),
      failures: Object.fromEntries([...FAILURES].map((v) => [v, count(v)])),
      seconds: Math.round(report.seconds),
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(counts, null, 2)}\n`);
  }
}, 900_000);

describe('bad-input battery over every public export', () => {
  it('finds every public entry of the exports maps, each mapped to its sources for tests and type checks', () => {
    expect(entries.length).toBeGreaterThanOrEqual(9);
    const tsconfig = JSON.parse(readFileSync(`${repo}tsconfig.json`, 'utf8')) as { compilerOptions: { paths: Record<string, unknown> } };
    const unmapped = entries.filter((e) => !(e in tsconfig.compilerOptions.paths) || !sourceAliases.some((a) => a.find.test(e)));
    expect(unmapped, 'map each new entry to its source in tsconfig.json "paths" and in vitest.config.ts sourceAliases').toEqual([]);
    expect(report.surface.map((s) => s.entry).sort()).toEqual([...entries].sort());
    expect(report.problems).toEqual([]);
  });

  it('has a registered valid call for every export, constructor, static and public method', () => {
    const missing = report.surface.flatMap((s) => {
      const registered = new Set(s.registered);
      return s.required.filter((k) => !registered.has(k)).map((k) => `${s.entry}: ${k}`);
    });
    expect(missing, 'register a valid call for each in test-support/battery/registry/<package>.ts').toEqual([]);
    const unknown = report.surface.filter((s) => s.unknownEntry).map((s) => s.entry);
    expect(unknown, 'the registry names entries that no package.json exports').toEqual([]);
    expect(report.surface.reduce((n, s) => n + s.required.length, 0)).toBeGreaterThan(400);
  });

  it('runs every valid call: it answers, the same way twice, without touching its frozen inputs', () => {
    expect(list(['valid-threw', 'nondeterministic', 'constant'])).toEqual([]);
    expect(report.outcomes.filter((o) => o.verdict === 'valid').length).toBeGreaterThan(400);
  });

  it('lets no raw Error, TypeError or RangeError escape', () => {
    expect(list(['raw'])).toEqual([]);
  });

  it('names the field (or row) in every typed error, where a field is meaningful', () => {
    expect(list(['unnamed'])).toEqual([]);
  });

  it('answers a bad call only where the answer is documented, and never with NaN, ±Infinity or holes', () => {
    expect(list(['silent'])).toEqual([]);
    expect(list(['garbage'])).toEqual([]);
  });

  it('never changes an input', () => {
    expect(list(['mutated'])).toEqual([]);
  });

  it('answers every call within 10 s, and no call takes its worker down', () => {
    expect(list(['hang', 'crash'])).toEqual([]);
  });

  it('refuses most bad calls with a typed error', () => {
    const typed = report.outcomes.filter((o) => o.verdict === 'typed').length;
    expect(typed).toBeGreaterThan(10_000);
  });
});
