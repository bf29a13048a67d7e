// Shared by the customer-value tests: where the licensed CDNOW files are, and
// small readers for them (the data are never copied into the repository).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '@marksman/core';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Directory of the CDNOW files (MARKSMAN_DATA_DIR or ../shared/datasets, as CONTRIBUTING.md says). */
export const cdnowDir = resolve(process.env.MARKSMAN_DATA_DIR ?? resolve(repoRoot, '../shared/datasets'), 'cdnow');
/** Whether the CDNOW files are present; tests that need them skip otherwise. */
export const hasCdnow = existsSync(resolve(cdnowDir, 'CDNOW_sample.txt')) && existsSync(resolve(cdnowDir, 'cdnow_customers_summary_with_transactions.csv'));
if (!hasCdnow) console.warn(`CDNOW data not found in ${cdnowDir}: the CDNOW reproduction tests are skipped (set MARKSMAN_DATA_DIR).`);

/** lifetimes' precomputed CDNOW sample summary (weeks, calibration to 1997-09-30): ID, x, t_x, T, zbar. */
export function readCdnowSummary(): { id: number; frequency: number; recency: number; T: number; monetaryValue: number }[] {
  const lines = readFileSync(resolve(cdnowDir, 'cdnow_customers_summary_with_transactions.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [id, x, tx, T, z] = l.split(',').map(Number);
    return { id: id!, frequency: x!, recency: tx!, T: T!, monetaryValue: z! };
  });
}

/** CDNOW_sample.txt as transactions: columns master id, sample id, YYYYMMDD, CDs, dollars; customerId = sample id. */
export function readCdnowSample(): Transaction[] {
  const lines = readFileSync(resolve(cdnowDir, 'CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/);
  return lines.map((l, i) => {
    const [, id, d, q, v] = l.trim().split(/\s+/);
    return { customerId: Number(id), orderId: i, timestamp: `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}`, quantity: Number(q), amount: Number(v) };
  });
}

/** Directory of the UCI Online Retail file (same data folder). */
export const retailDir = resolve(process.env.MARKSMAN_DATA_DIR ?? resolve(repoRoot, '../shared/datasets'), 'online-retail');
/** Whether online_retail.csv is present; tests that need it skip otherwise. */
export const hasRetail = existsSync(resolve(retailDir, 'online_retail.csv'));
if (!hasRetail) console.warn(`Online Retail data not found in ${retailDir}: the Online Retail diagnostics tests are skipped (set MARKSMAN_DATA_DIR).`);
