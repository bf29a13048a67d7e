/**
 * What a new user downloads and installs: every workspace package is packed
 * as npm would publish it (`pnpm pack`, so `workspace:` ranges become real
 * versions), then installed with npm into an empty app, scenario by
 * scenario. Reports packed sizes per package and installed bytes of
 * node_modules (total and the @tensorflow share).
 *
 * Needs the packages built (`pnpm build`) and the npm registry for
 * third-party dependencies.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchMeta, BenchOutcome, BenchRow } from '../harness';

export const meta: BenchMeta = {
  id: 'packaging-install-size',
  title: 'Install size: packed packages and node_modules of a new app, by scenario',
  protocol:
    'Each packages/* folder is packed with `pnpm pack` (after `pnpm build`); per scenario an empty app ' +
    '(`{"type":"module"}`) runs `npm install --no-audit --no-fund <tarballs> [registry packages]` with npm 11 and the ' +
    'public registry; installed size = apparent bytes of every regular file under node_modules (symlinks not followed). ' +
    'Scenarios: everything (all tarballs, the umbrella included); classic recommenders (core, metrics, recsys); ' +
    'learned recommenders on wasm (those plus @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm, what the tfjs ' +
    'entry asks its users to install).',
};

const root = fileURLToPath(new URL('../../', import.meta.url));

function bytesUnder(dir: string): { total: number; tensorflow: number } {
  let total = 0;
  let tensorflow = 0;
  const walk = (d: string, tf: boolean) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      if (s.isSymbolicLink()) continue;
      const inTf = tf || name === '@tensorflow';
      if (s.isDirectory()) walk(p, inTf);
      else if (s.isFile()) {
        total += s.size;
        if (inTf) tensorflow += s.size;
      }
    }
  };
  if (existsSync(dir)) walk(dir, false);
  return { total, tensorflow };
}

const MiB = 2 ** 20;

export async function run(_ctx: BenchContext): Promise<BenchOutcome> {
  const packDir = mkdtempSync(join(tmpdir(), 'marksman-pack-'));
  const rows: BenchRow[] = [];
  const tarballs = new Map<string, string>();
  try {
    for (const folder of readdirSync(join(root, 'packages')).sort()) {
      const dir = join(root, 'packages', folder);
      if (!existsSync(join(dir, 'dist'))) throw new Error(`packages/${folder} is not built; run pnpm build first`);
      const before = new Set(readdirSync(packDir));
      execFileSync('npx', ['--yes', 'pnpm@12.4.2', 'pack', '--pack-destination', packDir], { cwd: dir, stdio: 'pipe' });
      const made = readdirSync(packDir).find((f) => !before.has(f))!;
      tarballs.set(folder, join(packDir, made));
      rows.push({ scenario: `packed ${folder}`, tarballs: 1, packedKiB: Math.round(statSync(join(packDir, made)).size / 1024), installedMiB: null, tensorflowMiB: null });
    }
    const scenarios: Array<[string, string[], string[]]> = [
      ['everything (all packages)', [...tarballs.keys()], []],
      ['classic recommenders (core, metrics, recsys)', ['core', 'metrics', 'recsys'], []],
      ['learned recommenders on wasm (+ tfjs-core, tfjs-backend-wasm)', ['core', 'metrics', 'recsys'], ['@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0']],
    ];
    for (const [name, folders, extra] of scenarios) {
      const app = mkdtempSync(join(tmpdir(), 'marksman-app-'));
      try {
        writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
        const files = folders.map((f) => tarballs.get(f)!);
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, ...extra], { cwd: app, stdio: 'pipe' });
        const packed = files.reduce((s, f) => s + statSync(f).size, 0);
        const size = bytesUnder(join(app, 'node_modules'));
        rows.push({ scenario: name, tarballs: files.length, packedKiB: Math.round(packed / 1024), installedMiB: Number((size.total / MiB).toFixed(1)), tensorflowMiB: Number((size.tensorflow / MiB).toFixed(1)) });
      } finally {
        rmSync(app, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  return {
    rows,
    notes: [
      'Installed sizes count file bytes, not disk blocks; npm 11 flattens node_modules, so each package is counted once.',
      // Measured with this script on 2026-12-07 at commit c718e8b, before TensorFlow.js moved behind
      // @marksman/recsys/tfjs (then a hard dependency of @marksman/recsys: cpu, wasm and webgl backends).
      'Before the split (same script, commit c718e8b, 8 packages): everything 1,535 KiB packed, 89.0 MiB installed of which 78.6 MiB @tensorflow; classic recommenders (core, metrics, recsys) 82.4 MiB installed, 78.6 MiB @tensorflow.',
    ],
  };
}
