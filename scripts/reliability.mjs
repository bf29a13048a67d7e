// Reruns the bad-input battery and the property tests, writes their counts to
// benchmarks/results/reliability.json and puts them in the README's
// "Reliability" section (between the reliability:start and :end markers).
//
//   node scripts/reliability.mjs            # run, write the JSON, update the README
//   node scripts/reliability.mjs --check    # run and fail if the README's numbers differ
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'marksman-reliability-'));
const batteryOut = join(tmp, 'battery.json');
const propertiesLog = join(tmp, 'properties.jsonl');

function run(args, env) {
  const r = spawnSync(process.execPath, [vitest, 'run', ...args], { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`vitest ${args.join(' ')} failed; the README was not changed.`);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

const propertyFiles = [...files(join(repo, 'packages'))].filter((p) => p.endsWith('.properties.test.ts')).map((p) => relative(repo, p)).sort();

run(['--project', 'marksman', 'test/battery.test.ts'], { MARKSMAN_RELIABILITY_OUT: batteryOut });
run(propertyFiles, { MARKSMAN_PROPERTIES_LOG: propertiesLog });

const battery = JSON.parse(readFileSync(batteryOut, 'utf8'));
const properties = existsSync(propertiesLog)
  ? readFileSync(propertiesLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
rmSync(tmp, { recursive: true, force: true });
const runs = properties.reduce((n, p) => n + p.runs, 0);
const result = { battery, properties: { files: propertyFiles, count: properties.length, runs, list: properties } };
writeFileSync(join(repo, 'benchmarks/results/reliability.json'), `${JSON.stringify(result, null, 2)}\n`);

const n = (x) => x.toLocaleString('en-GB');
const failures = Object.values(battery.failures).reduce((a, b) => a + b, 0);
const section = [
  '<!-- reliability:start (written by `node scripts/reliability.mjs`; edit the script, not these lines) -->',
  '| what | count |',
  '|---|---|',
  `| public entries (from the \`exports\` maps) | ${n(battery.entries)} |`,
  `| exports of the scoped packages (the umbrella's ${n(battery.umbrellaReexports)} re-exports are the same values) | ${n(battery.exports)} |`,
  `| callables covered (functions, constructors, static and public methods, constants) | ${n(battery.callables)} |`,
  `| calls made: valid (each run twice and compared) + bad | ${n(battery.validCalls)} + ${n(battery.badCalls)} = ${n(battery.calls)} |`,
  `| bad calls refused with a typed error naming the field (or row) | ${n(battery.typedErrors)} |`,
  `| … of them on a changed key whose field names that key (or a key above it) | ${n(battery.typedNamingTheKey)} of ${n(battery.typedOnKeyChange)} |`,
  `| bad calls with a documented, clean answer | ${n(battery.documentedResults)} |`,
  `| raw errors, nameless typed errors, silent or garbage answers, mutated inputs, hangs | ${n(failures)} |`,
  `| property tests (fast-check, fixed seed) / generated cases | ${n(properties.length)} / ${n(runs)} |`,
  '<!-- reliability:end -->',
].join('\n');

const readmePath = join(repo, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const re = /<!-- reliability:start[\s\S]*?<!-- reliability:end -->/;
if (!re.test(readme)) {
  console.error('README.md has no reliability:start … reliability:end markers.');
  process.exit(1);
}
const updated = readme.replace(re, section);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md reliability numbers are out of date: run node scripts/reliability.mjs');
    process.exit(1);
  }
  console.log('README.md reliability numbers are current.');
} else {
  writeFileSync(readmePath, updated);
  console.log(section);
}
