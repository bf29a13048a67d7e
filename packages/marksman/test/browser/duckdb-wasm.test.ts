// openDuckDBWasm in headless Chromium: a page bundled by esbuild against the
// build starts duckdb-wasm as an app does (its wasm and worker files served
// from 127.0.0.1, nothing fetched elsewhere), registers one CSV as a dropped
// File, as a URL DuckDB fetches, and as bytes, and the same lines as Parquet
// read offline (readParquet → toArrow → Arrow IPC → registerArrow: no parquet
// extension, nothing fetched), and runs clvSummarySql on each;
// every row must equal profiling's summarizeForClv computed here in Node on
// the same transactions (counts exactly, money to 1e-9 relative), and a
// failing query must surface DuckDB's message as E_SQL_QUERY. Run `pnpm build`
// first; skipped, saying why, without a build, Chromium or duckdb-wasm.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulateShop } from '@marksman/datasets';
import { writeParquet } from '@marksman/io';
import { summarizeForClv } from '@marksman/profiling';
import { browserTestMayRun, bundlePage, openInChromium, whyNoBrowser } from '../../../../test-support/chromium';
import { duckdbWasmDist } from '../../../../test-support/duckdb-wasm';
import { DIST_ALIAS } from '../../../../test-support/entries';
import type { DuckDBWasmPageArgs, DuckDBWasmPageResult } from './pages/duckdb-wasm';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TAG = 'duckdb-wasm browser test';
const DUCKDB_FILES = ['duckdb-mvp.wasm', 'duckdb-eh.wasm', 'duckdb-browser-mvp.worker.js', 'duckdb-browser-eh.worker.js'];

function whyNot(): string | null {
  const sql = DIST_ALIAS['@marksman/sql']!;
  const why = whyNoBrowser({ '@marksman/sql': sql, '@marksman/core': DIST_ALIAS['@marksman/core']!, '@marksman/io': DIST_ALIAS['@marksman/io']! });
  if (why !== null) return why;
  try {
    const dist = duckdbWasmDist();
    const absent = DUCKDB_FILES.find((f) => !existsSync(join(dist, f)));
    return absent === undefined ? null : `@duckdb/duckdb-wasm has no dist/${absent}`;
  } catch {
    return '@duckdb/duckdb-wasm is not installed (a devDependency of @marksman/sql; run pnpm install)';
  }
}

const run = browserTestMayRun(TAG, whyNot());

/** A small shop's order lines as CSV, and the same transactions as records. */
function shop() {
  const s = simulateShop({ customers: 60, seed: 21, weeks: 52 });
  const transactions = s.transactions.map((t) => ({ customerId: t.customerId, orderId: t.orderId, timestamp: t.timestamp as number, quantity: t.quantity, amount: t.amount }));
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const csv = 'customerId,orderId,ts,amount\n' + transactions.map((t) => `${String(t.customerId)},${String(t.orderId)},${iso(t.timestamp)},${t.amount}`).join('\n') + '\n';
  const parquet = writeParquet({
    customerId: transactions.map((t) => String(t.customerId)),
    orderId: transactions.map((t) => String(t.orderId)),
    ts: Float64Array.from(transactions, (t) => t.timestamp),
    amount: Float64Array.from(transactions, (t) => t.amount),
  });
  return { transactions, csv, parquet };
}

/** Serves the page, duckdb-wasm's files and the CSV on 127.0.0.1, with the Content-Length, HEAD and Range answers DuckDB's HTTP reader asks for. */
async function serve(files: Record<string, { type: string; body: Uint8Array }>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (file === undefined) return void res.writeHead(404).end();
    const size = file.body.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    let [start, end] = [0, size - 1];
    if (range) {
      start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
      end = range[1] !== '' && range[2] !== '' ? Math.min(size - 1, Number(range[2])) : size - 1;
    }
    const headers = { 'content-type': file.type, 'content-length': String(end - start + 1), 'accept-ranges': 'bytes', ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) };
    res.writeHead(range ? 206 : 200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!run)('openDuckDBWasm in headless Chromium (AsyncDuckDB in a worker)', () => {
  const asOf = '2024-10-01';
  let data: ReturnType<typeof shop>;
  let result: DuckDBWasmPageResult;
  let errors: string[] = [];

  beforeAll(async () => {
    data = shop();
    const page = await bundlePage(here('./pages/duckdb-wasm.ts'), { ...DIST_ALIAS });
    const text = (type: string, body: string) => ({ type, body: new TextEncoder().encode(body) });
    const files: Record<string, { type: string; body: Uint8Array }> = {
      '/': text('text/html', '<!doctype html><meta charset="utf-8"><title>duckdb-wasm</title><script type="module" src="/page.js"></script>'),
      '/page.js': text('text/javascript', page),
      '/data/lines.csv': text('text/csv', data.csv),
    };
    const dist = duckdbWasmDist();
    for (const f of DUCKDB_FILES) files[`/duckdb/${f}`] = { type: f.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', body: readFileSync(join(dist, f)) };
    const site = await serve(files);
    try {
      const args: DuckDBWasmPageArgs = { csv: data.csv, csvPath: '/data/lines.csv', parquet: Array.from(data.parquet), duckdbPath: '/duckdb/', asOf };
      await openInChromium(async (p) => {
        result = await p.call<DuckDBWasmPageResult>(site.url, 'runDuckDBWasm', args);
        errors = [...p.errors];
      });
    } finally {
      await site.close();
    }
  }, 180_000);

  it('runs without page errors, on the wasm module with exceptions Chromium supports', () => {
    expect(errors).toEqual([]);
    expect(result.bundle).toBe('duckdb-eh.wasm');
    expect(result.version).toMatch(/^v\d+\.\d+/);
  });

  const described = { dropped: 'the CSV as a dropped File', fetched: 'the CSV as a URL', bytes: 'the CSV as bytes', parquet: 'Parquet read offline into Arrow (registerArrow)' } as const;
  for (const how of ['dropped', 'fetched', 'bytes', 'parquet'] as const) {
    it(`clvSummarySql on ${described[how]} equals summarizeForClv in Node`, () => {
      const expected = summarizeForClv(data.transactions, { asOf, timeUnit: 'week' }).rows;
      const rows = result[how];
      expect(rows.length).toBe(expected.length);
      expect(rows.length).toBeGreaterThan(20);
      const byId = new Map(rows.map((r) => [r.customerId, r]));
      for (const e of expected) {
        const r = byId.get(e.customerId);
        expect(r, `customer ${String(e.customerId)}`).toBeDefined();
        expect(Object.keys(r!).sort()).toEqual(Object.keys(e).sort());
        for (const [k, v] of Object.entries(e)) {
          const got = r![k];
          if (typeof v !== 'number' || Number.isInteger(v)) expect(got, `${String(e.customerId)}.${k}`).toBe(v);
          else expect(typeof got === 'number' && Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${String(e.customerId)}.${k}: ${String(got)} vs ${v}`).toBe(true);
        }
      }
      expect(rows.some((r) => (r.frequency as number) > 0)).toBe(true);
    });
  }

  it('surfaces DuckDB’s message in a ValidationError E_SQL_QUERY, as the Node runner does', () => {
    expect(result.error).toMatchObject({ name: 'ValidationError', code: 'E_SQL_QUERY', field: 'sql' });
    expect(result.error.message).toContain('Table with name no_such_table does not exist');
  });
});
