// Shared test data: a small simulated shop written to CSV, and a seeded
// per-user experiment table, both with the in-process inputs beside them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@marksman/core';
import type { Transaction } from '@marksman/core';
import { simulateShop } from '@marksman/datasets';

/** Frozen transaction records (customerId, orderId, timestamp ms, amount). */
export interface ShopData {
  readonly transactions: readonly Transaction[];
  readonly interactions: readonly { userId: string; itemId: string }[];
  readonly units: readonly UnitRow[];
}

/** One experiment unit. */
export interface UnitRow {
  readonly user_id: number;
  readonly variant: string;
  readonly device: string;
  readonly spend: number;
  readonly pre_spend: number;
  readonly pre_visits: number;
  readonly revenue: number;
  readonly sessions: number;
  readonly converted: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export function makeData(): ShopData {
  const shop = simulateShop({ customers: 300, seed: 3, weeks: 52 });
  const transactions = Object.freeze(
    shop.transactions.map((t) => Object.freeze({ customerId: t.customerId, orderId: t.orderId, timestamp: t.timestamp as number, quantity: t.quantity, amount: t.amount })),
  );
  // Purchases as implicit feedback: a customer buys some items more than once.
  const interactions = Object.freeze(shop.transactions.map((t) => Object.freeze({ userId: String(t.customerId), itemId: String(t.itemId) })));
  const rng = new Random(11);
  const devices = ['desktop', 'mobile', 'tablet'];
  const units: UnitRow[] = [];
  for (let u = 0; u < 2000; u++) {
    const variant = rng.next() < 0.5 ? 'control' : 'treatment';
    const pre = rng.next() * 50;
    const visits = 1 + Math.floor(rng.next() * 6);
    const lift = variant === 'treatment' ? 3 : 0;
    const sessions = 1 + Math.floor(rng.next() * 8);
    units.push({
      user_id: u,
      variant,
      device: devices[Math.floor(rng.next() * 3)]!,
      spend: Math.round((0.8 * pre + lift + rng.next() * 20) * 100) / 100,
      pre_spend: Math.round(pre * 100) / 100,
      pre_visits: visits,
      revenue: Math.round(sessions * (2 + rng.next() * 5 + lift / 3) * 100) / 100,
      sessions,
      converted: rng.next() < (variant === 'treatment' ? 0.14 : 0.1) ? 1 : 0,
    });
  }
  return { transactions, interactions, units: Object.freeze(units.map((r) => Object.freeze(r))) };
}

/** Writes the data as CSV files in a fresh temp folder; returns their paths and a cleanup. */
export function writeCsv(data: ShopData): { dir: string; lines: string; events: string; units: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'marksman-sql-'));
  const lines = join(dir, 'lines.csv');
  writeFileSync(
    lines,
    'customerId,orderId,ts,ts_ms,amount\n' + data.transactions.map((t) => `${t.customerId as string},${t.orderId as string},${iso(t.timestamp as number)},${t.timestamp as number},${t.amount!}`).join('\n') + '\n',
  );
  const events = join(dir, 'events.csv');
  writeFileSync(events, 'userId,itemId\n' + data.interactions.map((i) => `${i.userId},${i.itemId}`).join('\n') + '\n');
  const units = join(dir, 'units.csv');
  const cols = Object.keys(data.units[0]!) as (keyof UnitRow)[];
  writeFileSync(units, cols.join(',') + '\n' + data.units.map((r) => cols.map((c) => r[c]).join(',')).join('\n') + '\n');
  return { dir, lines, events, units, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rows by key, for comparing an engine's rows with the in-process rows whatever their order. */
export function byKey<T extends Record<string, unknown>>(rows: readonly T[], key: string): Map<unknown, T> {
  return new Map(rows.map((r) => [r[key], r]));
}

/** Asserts two numbers agree to 1e-9 relative (sums added in another order). */
export function close(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
