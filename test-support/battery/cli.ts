// Runs the battery outside vitest and prints every failure, for triage:
//   node --import tsx test-support/battery/cli.ts '@marksman/core,@marksman/metrics|@marksman/recsys'
// (entries separated by commas, worker groups by |; default @marksman/core).
// BATTERY_CALL_MS and BATTERY_RETRY_FACTOR change the time limits (defaults 10000 and 6).
import { runBattery } from './runner';
import { FAILURES } from './run-case';
const groups = (process.argv[2] ?? '@marksman/core').split('|').map((g) => g.split(','));
const r = await runBattery({ groups, callTimeoutMs: Number(process.env.BATTERY_CALL_MS ?? 10000), retryFactor: Number(process.env.BATTERY_RETRY_FACTOR ?? 6) });
const counts: Record<string, number> = {};
for (const o of r.outcomes) counts[o.verdict] = (counts[o.verdict] ?? 0) + 1;
console.log(JSON.stringify(counts), r.seconds, 's');
for (const s of r.surface) { const reg = new Set(s.registered); const miss = s.required.filter((k) => !reg.has(k)); if (miss.length) console.log('UNREGISTERED', s.entry, miss.join(' ')); }
console.log(r.problems.join('\n'));
const fails = r.outcomes.filter((o) => FAILURES.has(o.verdict));
for (const o of fails) console.log(`${o.verdict}\t${o.name}\t${o.label}\t${o.detail ?? ''}`.slice(0, 300));
const mism = r.outcomes.filter((o) => o.namesKey === false);
console.log('typed errors on a key change whose field names neither that key nor a key above it:', mism.length);
for (const o of mism.slice(0, 400)) console.log(`  nokey\t${o.name}\t${o.label}\t${o.code}`);
