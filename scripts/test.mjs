// Runs the whole vitest suite (every package, root `test.projects`) and ends
// with one plain summary line, "Tests: N passed, N failed, N skipped".
// Extra arguments go to vitest, e.g. `pnpm test --project core`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'marksman-test-'));
const report = join(dir, 'report.json');
const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const r = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let code = r.status ?? 1;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`\nTests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`);
  if (j.numTotalTests === 0) {
    console.error('No test ran.');
    code = 1;
  }
} else {
  console.error('vitest wrote no report');
  code = 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit(code);
