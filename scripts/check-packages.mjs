// Checks what we publish, package by package (run after `pnpm build`):
//
// 1. `publint --strict` and `attw --pack` (do the types resolve for ESM,
//    CommonJS and bundlers);
// 2. the tarball itself, packed by `pnpm pack` exactly as `pnpm publish`
//    would pack it (`workspace:` ranges rewritten), inspected in a temp dir:
//    only the folders named in `files` plus package.json, README, LICENSE and
//    CHANGELOG; no tests, fixtures, data files, benchmarks, extracted doc
//    examples, sources or build configs; every file named by `exports`,
//    `main`, `module`, `types` and the subpath folders' package.json is
//    inside; source maps carry their sources' text and never map test files
//    or bundled third-party code (its licence would not travel with it);
//    no `workspace:` range is left and each Marksman dependency asks for the
//    version being released; name, version (one for all, the changesets
//    fixed group), licence, repository, engines, sideEffects and
//    publishConfig are what a first publish needs;
// 3. `sideEffects: false` is true of the sources: a module whose top level
//    does more than declare (a call, an assignment, a bare import) must be
//    listed in `sideEffects` or explained in SIDE_EFFECT_FREE below.
//
//   node scripts/check-packages.mjs [<folder> …]   check all (or some) packages
//   node scripts/check-packages.mjs --self-test    feed the tarball rules bad
//                                                  packages and make sure each
//                                                  one is caught
//
// Exits non-zero when any check fails, after printing every problem found.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PNPM = ['--yes', 'pnpm@12.4.2'];

/**
 * Modules whose top level runs code but which bundlers may still drop when
 * none of their exports is used, with the reason. Anything else that runs
 * code at load must be listed in its package's `sideEffects` array.
 */
const SIDE_EFFECT_FREE = {
  'packages/core/src/errors.ts': 'fills a module-private map of error kinds that only its own exports read',
};

/** Paths that never belong in a tarball, whatever `files` says. */
const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|__mocks__|fixtures|benchmarks?|coverage|\.examples|examples|data|datasets|src)\//, 'a test, fixture, benchmark, example, data or source folder'],
  [/\.(test|spec|bench|test-d)\.[cm]?[jt]sx?(\.map)?$/, 'a test file'],
  [/\.(csv|tsv|parquet|arrow|feather|jsonl|ndjson|dat|data|zip|gz|tgz|xlsx?)$/i, 'a data or archive file'],
  [/(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|typedoc\.json|vitest\.config\.[cm]?[jt]s|[^/]*\.tsbuildinfo)$/, 'a build or test config'],
  [/(^|\/)\.[^/]+$/, 'a dotfile'],
];
const ALWAYS_ALLOWED = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** Every file path a package.json points at through `exports` (all conditions). */
function exportTargets(exp, out = []) {
  if (typeof exp === 'string') out.push(exp);
  else if (Array.isArray(exp)) for (const e of exp) exportTargets(e, out);
  else if (exp && typeof exp === 'object') for (const v of Object.values(exp)) exportTargets(v, out);
  return out;
}
const clean = (p) => posix.normalize(p).replace(/^\.\//, '');

/**
 * The tarball rules, on plain data so that `--self-test` can feed them bad
 * packages. `files` maps each path inside the tarball (without `package/`)
 * to its text (only package.json files, source maps and JavaScript are
 * read); `source` is the package.json in the repository; `dir` its folder
 * name; `versions` the version of every publishable workspace package.
 * Returns a list of problems (empty: the tarball is fine).
 */
function tarballProblems({ dir, files, source, versions }) {
  const problems = [];
  const paths = [...files.keys()];
  const has = (p) => files.has(clean(p));
  let packed;
  try {
    packed = JSON.parse(files.get('package.json') ?? '');
  } catch {
    return ['the tarball has no readable package.json'];
  }

  // contents: what `files` allows, never tests, data or configs
  const allowedTop = new Set((source.files ?? []).map((f) => clean(f).split('/')[0]));
  if (!Array.isArray(source.files) || source.files.length === 0) problems.push('package.json has no `files` list: npm would pack the whole folder');
  for (const p of paths) {
    for (const [re, what] of FORBIDDEN) if (re.test(p)) problems.push(`${p} is ${what}; keep it out of \`files\``);
    if (!ALWAYS_ALLOWED.has(p) && !allowedTop.has(p.split('/')[0])) problems.push(`${p} is outside the folders named in \`files\``);
  }
  for (const must of ['README.md', 'LICENSE']) if (!has(must)) problems.push(`${must} is missing from the tarball`);

  // every entry point is inside
  const targets = [
    ...exportTargets(packed.exports ?? {}),
    ...['main', 'module', 'types', 'typings'].map((k) => packed[k]).filter((v) => typeof v === 'string'),
  ];
  for (const p of paths.filter((q) => q !== 'package.json' && q.endsWith('/package.json'))) {
    // subpath folders (`internal/package.json`) for resolvers that ignore `exports`
    const stub = JSON.parse(files.get(p));
    for (const k of ['main', 'module', 'types']) if (typeof stub[k] === 'string') targets.push(posix.join(posix.dirname(p), stub[k]));
  }
  for (const t of targets) {
    if (t.includes('*')) problems.push(`exports uses a pattern (${t}); the check cannot list what it matches`);
    else if (!has(t)) problems.push(`${t} is named by package.json but is not in the tarball`);
  }

  // source maps: present when referenced, self-contained, never of tests
  for (const p of paths) {
    if (/\.[cm]?js$/.test(p)) {
      const m = /\/\/# sourceMappingURL=([^\s]+)\s*$/.exec(files.get(p) ?? '');
      if (m && !m[1].startsWith('data:') && !has(posix.join(posix.dirname(p), m[1]))) problems.push(`${p} names the source map ${m[1]}, which is not in the tarball`);
    }
    if (p.endsWith('.map')) {
      let map;
      try {
        map = JSON.parse(files.get(p) ?? '');
      } catch {
        problems.push(`${p} is not a readable source map`);
        continue;
      }
      const sources = map.sources ?? [];
      for (const s of sources) if (/(^|\/)(test|tests|__tests__|fixtures)\/|\.(test|spec)\.[cm]?[jt]sx?$/.test(s)) problems.push(`${p} maps a test file (${s})`);
      for (const s of sources) {
        if (/(^|\/)node_modules\//.test(s)) problems.push(`${p} bundles third-party code (${s}): make it a dependency, so it installs with its own licence, or carry its licence and list it in THIRD_PARTY_LICENSES.md`);
      }
      const content = map.sourcesContent ?? [];
      if (sources.some((_, i) => typeof content[i] !== 'string')) problems.push(`${p} lacks sourcesContent, and the sources it names are not published`);
    }
  }

  // dependencies: no workspace ranges; Marksman packages at the released version
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still ${range} in the packed package.json`);
      else if (field !== 'devDependencies' && versions.has(name) && range !== `^${versions.get(name)}`) {
        problems.push(`${field}.${name} is ${range}; the release ships ${name}@${versions.get(name)} (write workspace:^ in the repository)`);
      }
    }
  }

  // metadata a first publish needs
  const repoDir = `packages/${dir}`;
  if (packed.private) problems.push('package.json says private: true');
  if (packed.name !== source.name) problems.push(`packed name ${packed.name} differs from ${source.name}`);
  const others = new Set(versions.values());
  if (others.size > 1) problems.push(`published packages have different versions (${[...others].join(', ')}); they share one (the changesets fixed group): set every packages/*/package.json to the same version`);
  if (packed.license !== 'MIT') problems.push(`license is ${JSON.stringify(packed.license)}, not "MIT"`);
  if (packed.repository?.directory !== repoDir || !/^git\+https:\/\/github\.com\/.+\.git$/.test(packed.repository?.url ?? '')) {
    problems.push(`repository should be { type: "git", url: "git+https://github.com/….git", directory: "${repoDir}" }`);
  }
  const minNode = /^>=\s*(\d+)/.exec(packed.engines?.node ?? '');
  if (!minNode || Number(minNode[1]) < 20) problems.push(`engines.node is ${JSON.stringify(packed.engines?.node)}; it should state Node >= 20 (>=20.19.0: ml-kmeans and require(esm))`);
  if (packed.sideEffects !== false && !Array.isArray(packed.sideEffects)) problems.push('sideEffects is neither false nor a list of the modules that have them');
  if (packed.name?.startsWith('@') && packed.publishConfig?.access !== 'public') problems.push('a scoped package needs publishConfig.access "public", or its first publish fails (npm defaults scoped packages to restricted)');
  if (packed.type !== 'module') problems.push('type is not "module"');
  if (!packed.description) problems.push('description is empty');
  return problems;
}

/** Top-level statements of a package's sources that run code at load. */
function sideEffectProblems(dir, pkg) {
  const listed = Array.isArray(pkg.sideEffects) ? pkg.sideEffects : [];
  const problems = [];
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(d, e.name)] : []));
  const src = join(root, 'packages', dir, 'src');
  if (!existsSync(src)) return problems;
  for (const file of walk(src)) {
    const rel = file.slice(root.length);
    if (SIDE_EFFECT_FREE[rel] || listed.some((l) => rel.endsWith(l.replace(/^\.\//, '').replace(/^dist\//, '').replace(/\.[cm]?js$/, '.ts')))) continue;
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const s of sf.statements) {
      const bareImport = ts.isImportDeclaration(s) && !s.importClause;
      const runs = !(
        ts.isImportDeclaration(s) ||
        ts.isExportDeclaration(s) ||
        ts.isImportEqualsDeclaration(s) ||
        ts.isFunctionDeclaration(s) ||
        ts.isClassDeclaration(s) ||
        ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) ||
        ts.isEnumDeclaration(s) ||
        ts.isModuleDeclaration(s) ||
        ts.isVariableStatement(s) ||
        ts.isExportAssignment(s) ||
        ts.isEmptyStatement(s)
      );
      if (bareImport || runs) {
        const line = sf.getLineAndCharacterOfPosition(s.getStart()).line + 1;
        problems.push(`${rel}:${line} runs at load (${s.getText().split('\n')[0].slice(0, 60)}); list the module in sideEffects or explain it in SIDE_EFFECT_FREE (scripts/check-packages.mjs)`);
      }
    }
  }
  return problems;
}

/** Packs one package with pnpm into a temp folder and reads the tarball back. */
function pack(cwd) {
  const dest = mkdtempSync(join(tmpdir(), 'marksman-pack-'));
  try {
    const r = spawnSync('npx', [...PNPM, 'pack', '--pack-destination', dest], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pnpm pack failed:\n${r.stdout}${r.stderr}`);
    const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
    const out = join(dest, 'x');
    spawnSync('mkdir', [out]);
    const x = spawnSync('tar', ['-xzf', join(dest, tgz), '-C', out], { encoding: 'utf8' });
    if (x.status !== 0) throw new Error(`tar failed: ${x.stderr}`);
    const files = new Map();
    const base = join(out, 'package');
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const rel = p.slice(base.length + 1);
          files.set(rel, /\.(json|map|[cm]?js)$/.test(rel) ? readFileSync(p, 'utf8') : '');
        }
      }
    };
    walk(base);
    return { files, bytes: statSync(join(dest, tgz)).size };
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

const publishable = () =>
  readdirSync(join(root, 'packages'))
    .sort()
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);

function selfTest() {
  const source = JSON.parse(readFileSync(join(root, 'packages/metrics/package.json'), 'utf8'));
  const versions = new Map([
    ['@marksman/core', source.version],
    ['@marksman/metrics', source.version],
  ]);
  const packedJson = (over = {}) => JSON.stringify({ ...source, dependencies: { '@marksman/core': `^${source.version}` }, ...over });
  const good = () =>
    new Map([
      ['package.json', packedJson()],
      ['README.md', ''],
      ['LICENSE', ''],
      ['dist/index.js', 'x\n//# sourceMappingURL=index.js.map'],
      ['dist/index.js.map', JSON.stringify({ sources: ['../src/index.ts'], sourcesContent: ['x'] })],
      ['dist/index.cjs', ''],
      ['dist/index.d.ts', ''],
      ['dist/index.d.cts', ''],
    ]);
  const run = (files, over = {}) => tarballProblems({ dir: 'metrics', files, source, versions, ...over });
  const cases = [
    ['a good tarball', (f) => f, 0],
    ['a test file', (f) => f.set('dist/index.test.js', '')],
    ['a fixtures folder', (f) => f.set('dist/fixtures/x.json', '{}')],
    ['a CSV file', (f) => f.set('dist/sample.csv', '')],
    ['the extracted doc examples', (f) => f.set('dist/.examples/a.ts', '')],
    ['a source folder', (f) => f.set('src/index.ts', '')],
    ['a file outside `files`', (f) => f.set('notes.txt', '')],
    ['a missing export target', (f) => (f.delete('dist/index.d.cts'), f)],
    ['a missing LICENSE', (f) => (f.delete('LICENSE'), f)],
    ['a missing source map', (f) => (f.delete('dist/index.js.map'), f)],
    ['a source map of a test', (f) => f.set('dist/index.js.map', JSON.stringify({ sources: ['../test/a.test.ts'], sourcesContent: ['x'] }))],
    ['bundled third-party code', (f) => f.set('dist/index.js.map', JSON.stringify({ sources: ['../src/index.ts', '../../../node_modules/.pnpm/x@1.0.0/node_modules/x/index.js'], sourcesContent: ['x', 'y'] }))],
    ['a source map without sourcesContent', (f) => f.set('dist/index.js.map', JSON.stringify({ sources: ['../src/index.ts'] }))],
    ['a workspace range left', (f) => f.set('package.json', packedJson({ dependencies: { '@marksman/core': 'workspace:^' } }))],
    ['a stale Marksman range', (f) => f.set('package.json', packedJson({ dependencies: { '@marksman/core': '^9.9.9' } }))],
    ['a scoped package without publishConfig', (f) => f.set('package.json', packedJson({ publishConfig: undefined }))],
    ['an old engines field', (f) => f.set('package.json', packedJson({ engines: { node: '>=18' } }))],
    ['sideEffects left out', (f) => f.set('package.json', packedJson({ sideEffects: undefined }))],
    ['a wrong repository directory', (f) => f.set('package.json', packedJson({ repository: { ...source.repository, directory: 'packages/core' } }))],
  ];
  let bad = 0;
  for (const [what, mutate, expected = 'some'] of cases) {
    const problems = run(mutate(good()));
    const ok = expected === 0 ? problems.length === 0 : problems.length > 0;
    if (!ok) bad++;
    console.log(`${ok ? '✓' : '✗'} ${what}: ${problems.length === 0 ? 'no problem found' : problems[0]}`);
  }
  const mixed = run(good(), { versions: new Map([...versions, ['marksman', '9.0.0']]) });
  if (mixed.length === 0) bad++;
  console.log(`${mixed.length > 0 ? '✓' : '✗'} mixed versions: ${mixed[0] ?? 'no problem found'}`);
  if (bad > 0) {
    console.error(`${bad} self-test case(s) failed`);
    process.exit(1);
  }
}

function main() {
  if (process.argv[2] === '--self-test') return selfTest();
  const only = process.argv.slice(2);
  const all = publishable();
  const versions = new Map(all.map(({ pkg }) => [pkg.name, pkg.version]));
  let failed = 0;
  const report = (dir, what, problems) => {
    if (problems.length === 0) {
      console.log(`✓ packages/${dir}: ${what}`);
      return;
    }
    console.error(`✗ packages/${dir}: ${what}\n${problems.map((p) => `    ${p}`).join('\n')}`);
    failed++;
  };
  for (const { dir, pkg } of all) {
    if (only.length > 0 && !only.includes(dir)) continue;
    const cwd = join(root, 'packages', dir);
    if (!existsSync(join(cwd, 'dist'))) {
      console.error(`✗ packages/${dir}: no dist/ — run \`pnpm build\` first`);
      failed++;
      continue;
    }
    for (const [cmd, args] of [
      [bin('publint'), ['--strict', '--pack', 'npm']],
      [bin('attw'), ['--pack', '.', '--format', 'ascii']],
    ]) {
      const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
      report(dir, cmd.split('/').pop(), r.status === 0 ? [] : [`${r.stdout}${r.stderr}`]);
    }
    let problems;
    let size = '';
    try {
      const { files, bytes } = pack(cwd);
      problems = tarballProblems({ dir, files, source: pkg, versions });
      size = ` (${files.size} files, ${(bytes / 1024).toFixed(0)} KiB packed)`;
    } catch (e) {
      problems = [String(e.message ?? e)];
    }
    report(dir, `tarball contents and metadata${size}`, problems);
    report(dir, 'sideEffects matches the sources', sideEffectProblems(dir, pkg));
  }
  if (failed > 0) {
    console.error(`${failed} package check(s) failed`);
    process.exit(1);
  }
}

main();
