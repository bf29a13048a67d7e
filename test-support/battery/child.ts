// The battery's worker process (started by ./runner.ts with tsx, so the
// packages load from their sources through tsconfig paths). It enumerates
// the public surface, then runs the registered cases of the entries it is
// given, writing one JSON line per event to file descriptor 3:
//   {t:'surface', entry, required, registered, exports}
//   {t:'start', c, i, label}   before each call (i = -1: the valid call)
//   {t:'out', c, i, outcome}   after it
//   {t:'end'}
// A call that never answers is found by the runner's watchdog, which kills
// this process and starts another from the next call.
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registry } from './registry/index';
import { runCase } from './run-case';
import { hiddenMembers, keysOf, publicEntries } from './surface';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const send = (message: object) => writeSync(3, `${JSON.stringify(message)}\n`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const entries = (arg('entries') ?? '').split(',').filter(Boolean);
const [fromCase, fromCall] = (arg('from') ?? '0:-1').split(':').map(Number) as [number, number];
const surfaceToo = process.argv.includes('--surface');

process.on('unhandledRejection', (reason) => {
  send({ t: 'unhandled', detail: String(reason instanceof Error ? `${reason.name}: ${reason.message}` : reason).slice(0, 300) });
});

async function main(): Promise<void> {
  const known = new Map(publicEntries(repo).map((e) => [e.specifier, e]));
  const cases = await registry();
  if (surfaceToo) {
    const hidden = hiddenMembers(repo);
    const modules = new Map<string, Record<string, unknown>>();
    for (const specifier of known.keys()) modules.set(specifier, (await import(specifier)) as Record<string, unknown>);
    // An export of an umbrella entry that is the very same value as an export of a scoped entry is covered there.
    const scoped = new Set<unknown>();
    for (const [specifier, mod] of modules) if (specifier.startsWith('@marksman/')) for (const v of Object.values(mod)) scoped.add(v);
    for (const [specifier, mod] of modules) {
      const required: string[] = [];
      let reexported = 0;
      for (const [name, value] of Object.entries(mod)) {
        if (!specifier.startsWith('@marksman/') && scoped.has(value)) {
          reexported++;
          continue;
        }
        required.push(...keysOf(name, value, hidden));
      }
      send({ t: 'surface', entry: specifier, exports: Object.keys(mod).length, reexported, required, registered: (cases.get(specifier) ?? []).map((c) => c.name) });
    }
    for (const specifier of cases.keys()) if (!known.has(specifier)) send({ t: 'surface', entry: specifier, exports: 0, reexported: 0, required: [], registered: [], unknownEntry: true });
  }
  const list = entries.flatMap((e) => cases.get(e) ?? []);
  for (let c = fromCase; c < list.length; c++) {
    const kase = list[c]!;
    try {
      await runCase(
        kase,
        c === fromCase ? fromCall : -1,
        (i, label) => send({ t: 'start', c, i, name: kase.name, entry: kase.entry, label }),
        (i, outcome) => send({ t: 'out', c, i, entry: kase.entry, outcome }),
      );
    } catch (e) {
      send({ t: 'out', c, i: -1, entry: kase.entry, outcome: { name: kase.name, label: 'setup', verdict: 'valid-threw', detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } });
    }
  }
  send({ t: 'end' });
}

main().then(
  () => process.exit(0),
  (e) => {
    send({ t: 'fatal', detail: e instanceof Error ? `${e.stack}` : String(e) });
    process.exit(1);
  },
);
