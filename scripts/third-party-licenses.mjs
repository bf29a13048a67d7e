// Writes THIRD_PARTY_LICENSES.md: for every published package, the
// third-party packages a user's install brings in with it (its runtime
// dependencies and theirs, read from the installed node_modules package.json
// files), each with its version, licence and home; then the optional peers,
// which a user installs only to use one feature.
//
//   node scripts/third-party-licenses.mjs           rewrite the file
//   node scripts/third-party-licenses.mjs --check   fail if the file is stale
//                                                   or a licence is not one
//                                                   we accept (CI runs this)
//
// Only the versions installed here are listed; a user's install may resolve
// a newer version within the same range.
import { existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outFile = join(root, 'THIRD_PARTY_LICENSES.md');

/** Licences that let anyone use, change and ship the code with a notice. */
const ACCEPTED = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense', 'Zlib', 'Python-2.0']);

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** The folder of `name` as Node would find it from `fromDir` (pnpm links included). */
function locate(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = basename(d) === 'node_modules' ? join(d, name) : join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) return null;
  }
}

function licenceOf(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

function homeOf(pkg) {
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const url = repo ?? pkg.homepage ?? '';
  return url
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^github:/, 'https://github.com/')
    .replace(/^(?!https?:)([\w.-]+\/[\w.-]+)$/, 'https://github.com/$1')
    .replace(/\.git$/, '');
}

/** Accepts an SPDX expression whose every alternative (OR) or part (AND) we accept. */
function accepted(expr) {
  const clean = expr.replace(/[()]/g, ' ').trim();
  if (/ OR /.test(clean)) return clean.split(/ OR /).some((p) => accepted(p));
  return clean.split(/ AND /).every((p) => ACCEPTED.has(p.trim()));
}

const packages = readdirSync(join(root, 'packages'))
  .sort()
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: join(root, 'packages', d), pkg: readJson(join(root, 'packages', d, 'package.json')) }))
  .filter(({ pkg }) => !pkg.private);
const ours = new Set(packages.map(({ pkg }) => pkg.name));

const problems = [];

/** Third-party packages installed with `dir`'s runtime dependencies, walking through our own packages too. */
function closure(dir, pkg) {
  const found = new Map(); // name@version -> info
  const seen = new Set();
  const visit = (fromDir, deps, via) => {
    for (const name of Object.keys(deps ?? {}).sort()) {
      const at = locate(name, fromDir);
      if (!at) {
        problems.push(`${via}: dependency ${name} is not installed (run pnpm install)`);
        continue;
      }
      if (seen.has(at)) continue;
      seen.add(at);
      const dep = readJson(join(at, 'package.json'));
      if (!ours.has(dep.name)) {
        const licence = licenceOf(dep);
        found.set(`${dep.name}@${dep.version}`, { name: dep.name, version: dep.version, licence, home: homeOf(dep) });
        if (!accepted(licence)) problems.push(`${dep.name}@${dep.version} (needed by ${via}) has licence ${licence}, which is not in ACCEPTED (scripts/third-party-licenses.mjs)`);
      }
      visit(at, dep.dependencies, dep.name);
    }
  };
  visit(dir, pkg.dependencies, pkg.name);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** Optional peers with the licence of the copy installed here for tests, when there is one. */
function optionalPeers(dir, pkg) {
  return Object.entries(pkg.peerDependencies ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, range]) => {
      // a copy installed for another package's tests will do when this one has none
      const at = [dir, ...packages.map((p) => p.dir)].map((d) => locate(name, d)).find((a) => a !== null) ?? null;
      const dep = at ? readJson(join(at, 'package.json')) : null;
      return { name, range, licence: dep ? licenceOf(dep) : 'not installed in this repository (see its npm page)', home: dep ? homeOf(dep) : '' };
    });
}

const cell = (s) => String(s).replace(/\|/g, '\\|');
const lines = [
  '# Third-party licences',
  '',
  '<!-- Written by `node scripts/third-party-licenses.mjs` from the installed',
  '     node_modules; CI fails when it is stale. Edit the script, not this file. -->',
  '',
  'Every Marksman package is MIT-licensed (see `LICENSE` in each package). No',
  'third-party code is bundled into their `dist/` folders (`scripts/check-packages.mjs`',
  'checks the source maps); what is listed here is installed beside them by npm,',
  'each package with its own licence file. Versions are those of this',
  "repository's lockfile; an install may resolve a newer one within the same range.",
  '',
];
for (const { dir, pkg } of packages) {
  const deps = closure(dir, pkg);
  const peers = optionalPeers(dir, pkg);
  lines.push(`## ${pkg.name}`, '');
  if (deps.length === 0) lines.push('Runtime dependencies: none outside Marksman.', '');
  else {
    lines.push('Runtime dependencies (installed with the package):', '', '| package | version | licence | source |', '| --- | --- | --- | --- |');
    for (const d of deps) lines.push(`| ${cell(d.name)} | ${cell(d.version)} | ${cell(d.licence)} | ${cell(d.home)} |`);
    lines.push('');
  }
  if (peers.length > 0) {
    lines.push('Optional peer dependencies (never installed automatically; you add them to use a feature):', '', '| package | range | licence | source |', '| --- | --- | --- | --- |');
    for (const p of peers) lines.push(`| ${cell(p.name)} | ${cell(p.range)} | ${cell(p.licence)} | ${cell(p.home)} |`);
    lines.push('');
  }
}
const text = lines.join('\n');

if (problems.length > 0) {
  console.error(problems.map((p) => `✗ ${p}`).join('\n'));
  process.exit(1);
}
if (process.argv.includes('--check')) {
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (current !== text) {
    console.error('✗ THIRD_PARTY_LICENSES.md is stale: a dependency changed. Run `node scripts/third-party-licenses.mjs` and commit the file.');
    process.exit(1);
  }
  console.log('✓ THIRD_PARTY_LICENSES.md lists every runtime dependency, and every licence is accepted');
} else {
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile.slice(root.length)}`);
}
