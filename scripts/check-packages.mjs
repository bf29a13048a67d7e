// Checks what we publish: for every package, `publint --strict` and
// `attw --pack` (are the types right for ESM, CJS and bundlers). Run after
// `pnpm build`. Exits non-zero on the first package that fails.
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
const only = process.argv.slice(2); // optional: package folder names to check
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  if (only.length > 0 && !only.includes(dir)) continue;
  const cwd = join(root, 'packages', dir);
  if (!existsSync(join(cwd, 'package.json'))) continue;
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
    const name = cmd.split('/').pop();
    if (r.status !== 0) {
      console.error(`✗ packages/${dir}: ${name} failed\n${r.stdout}${r.stderr}`);
      failed++;
    } else {
      console.log(`✓ packages/${dir}: ${name}`);
    }
  }
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
