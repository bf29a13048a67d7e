#!/usr/bin/env node
// The API docs (typedoc, one program per package). A package's program
// resolves its imports of other @marksman packages through their package.json
// `exports`, that is through their built declarations in dist/, so those must
// exist and be current. This script builds the packages first when any
// package's dist/index.d.ts is missing or older than a file in its src/, then
// runs typedoc with the repository's typedoc.json (warnings are errors there).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

const stale = [];
for (const name of readdirSync(packagesDir)) {
  const src = join(packagesDir, name, 'src');
  if (!existsSync(src)) continue;
  const declarations = join(packagesDir, name, 'dist', 'index.d.ts');
  if (!existsSync(declarations) || statSync(declarations).mtimeMs < newestMtime(src)) stale.push(name);
}

function run(command, args) {
  try {
    execFileSync(command, args, { cwd: root, stdio: 'inherit' });
  } catch (error) {
    // The command printed its own errors; pass its exit status on.
    process.exit(typeof error.status === 'number' ? error.status : 1);
  }
}

if (stale.length > 0) {
  console.log(`docs: building the packages first (dist missing or older than src: ${stale.join(', ')})`);
  run('npx', ['--yes', 'pnpm@12.4.2', 'run', 'build']);
}
run('npx', ['typedoc', ...process.argv.slice(2)]);
