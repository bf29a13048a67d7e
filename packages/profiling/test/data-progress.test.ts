// Progress and cancellation on the passes over data (issue 15 §5): cleaning,
// the repeat-purchase summary, the scalers' fit, and the BG/BB fit.
import { describe, expect, it } from 'vitest';
import type { Transaction } from '@marksman/core';
import { cleanTransactions, fitBgBb, log1pTransform, minMaxScaler, quantileRank, robustScaler, standardScaler, summarizeForClv } from '@marksman/profiling';
import type { DataProgress } from '@marksman/profiling';
import { codeOf, freezeRows } from './features-helpers';

const DAY = 86_400_000;
// 70,000 lines (more than one progress block of 65,536): 7,000 customers, 10 lines each, one duplicate and one return.
function shop(): readonly Transaction[] {
  const rows: Transaction[] = [];
  for (let c = 0; c < 7000; c++) {
    for (let k = 0; k < 10; k++) rows.push({ customerId: `c${c}`, orderId: `${c}-${k}`, itemId: `i${k % 3}`, timestamp: Date.UTC(2024, 0, 1) + ((c * 7 + k * 13) % 120) * DAY, quantity: 1, unitPrice: 5 + ((c + k) % 17) });
  }
  rows.push({ ...rows[0]! });
  rows.push({ customerId: 'c1', orderId: 'C9', itemId: 'i0', timestamp: Date.UTC(2024, 5, 1), quantity: -1, unitPrice: 6 });
  return freezeRows(rows);
}

/** Within each phase `done` never decreases and the phase ends with done = total. */
function checkEvents(events: DataProgress[], phases: readonly string[]): void {
  expect([...new Set(events.map((e) => e.phase))]).toEqual(phases);
  for (const phase of phases) {
    const mine = events.filter((e) => e.phase === phase);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.done).toBeGreaterThanOrEqual(mine[i - 1]!.done);
    expect(mine[mine.length - 1]!.done).toBe(mine[mine.length - 1]!.total);
  }
}

describe('cleanTransactions: onProgress and signal', () => {
  const rows = shop();
  it('reports each phase in order and at its end (duplicates also every 65,536 lines), and gives the same result as without', () => {
    const events: DataProgress[] = [];
    const watched = cleanTransactions(rows, { onProgress: (p) => events.push(p) });
    checkEvents(events, ['validate', 'duplicates', 'cancellations', 'prices', 'outliers', 'output']);
    expect(events.filter((e) => e.phase === 'validate').map((e) => e.done)).toEqual([rows.length]);
    expect(events.filter((e) => e.phase === 'duplicates').map((e) => e.done)).toEqual([65_536, rows.length]);
    expect(events.every((e) => e.total === rows.length)).toBe(true);
    const plain = cleanTransactions(rows);
    expect(watched.report.kept).toBe(plain.report.kept);
    expect(Array.from(watched.keptIndexes)).toEqual(Array.from(plain.keptIndexes));
    expect(plain.report.reasons.duplicate.count).toBe(1);
    expect(plain.report.matches).toHaveLength(1);
  });
  it('stops with E_ABORTED at the next progress point after the signal is aborted, and before starting when already aborted', () => {
    const c = new AbortController();
    const seen: string[] = [];
    const stopAt = (phase: string): void => {
      seen.push(phase);
      if (phase === 'duplicates') c.abort();
    };
    expect(codeOf(() => cleanTransactions(rows, { signal: c.signal, onProgress: (p) => stopAt(p.phase) }))).toBe('AbortError:E_ABORTED');
    expect(seen[seen.length - 1]).toBe('duplicates');
    expect(seen).not.toContain('cancellations');
    expect(codeOf(() => cleanTransactions(rows.slice(0, 10), { signal: c.signal }))).toBe('AbortError:E_ABORTED');
  });
  it('refuses an onProgress that is not a function and a signal that is not an AbortSignal', () => {
    expect(codeOf(() => cleanTransactions([], { onProgress: 'log' as never }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => cleanTransactions([], { signal: {} as never }))).toBe('OptionsError:E_OPTION_RANGE');
  });
});

describe('summarizeForClv: onProgress and signal', () => {
  const rows = shop().filter((r) => r.quantity > 0);
  const options = { asOf: '2024-05-01', timeUnit: 'week' } as const;
  it("reports 'read' over the input lines and 'summarise' over the lines before asOf, with the same summary as without", () => {
    const events: DataProgress[] = [];
    const watched = summarizeForClv(rows, { ...options, onProgress: (p) => events.push(p) });
    checkEvents(events, ['read', 'summarise']);
    expect(events.filter((e) => e.phase === 'read').map((e) => e.done)).toEqual([65_536, rows.length]);
    expect(watched).toEqual(summarizeForClv(rows, options));
  });
  it('stops with E_ABORTED when aborted from onProgress or before the call', () => {
    const c = new AbortController();
    expect(codeOf(() => summarizeForClv(rows, { ...options, signal: c.signal, onProgress: () => c.abort() }))).toBe('AbortError:E_ABORTED');
    expect(codeOf(() => summarizeForClv(rows, { ...options, signal: c.signal }))).toBe('AbortError:E_ABORTED');
    expect(codeOf(() => summarizeForClv(rows, { ...options, onProgress: 1 as never }))).toBe('OptionsError:E_OPTION_RANGE');
  });
});

describe("the scalers' fit: onProgress and signal", () => {
  const X = Array.from({ length: 70_000 }, (_, i) => [i % 97, (i * 7) % 13, 1 + (i % 5)]);
  const scalers = [standardScaler(), minMaxScaler(), robustScaler(), quantileRank(), log1pTransform()] as const;
  it("reports 'read' every 65,536 rows and the statistics; the fit is the one without options", () => {
    for (const s of scalers) {
      const events: DataProgress[] = [];
      const fitted = s.fit(X, { onProgress: (p) => events.push(p) });
      expect(events.filter((e) => e.phase === 'read').map((e) => e.done)).toEqual([65_536, 70_000]);
      checkEvents(events, s === scalers[4] ? ['read'] : ['read', 'statistics']);
      expect(JSON.stringify(fitted.toJSON())).toBe(JSON.stringify(s.fit(X).toJSON()));
      expect(s.fitTransform(X.slice(0, 3), { onProgress: () => undefined })).toEqual(s.fit(X.slice(0, 3)).transform(X.slice(0, 3)));
    }
  });
  it('stops with E_ABORTED; refuses unknown options', () => {
    const c = new AbortController();
    for (const s of scalers) {
      expect(codeOf(() => s.fit(X, { signal: c.signal, onProgress: () => c.abort() }))).toBe('AbortError:E_ABORTED');
      expect(codeOf(() => s.fitTransform(X, { signal: c.signal }))).toBe('AbortError:E_ABORTED');
      expect(codeOf(() => s.fit(X, { progress: true } as never))).toBe('OptionsError:E_OPTION_UNKNOWN');
    }
  });
  it('names the layout when rows are not all one width (columns given instead of rows)', () => {
    const columns = [[1, 2, 3], [4, 5]];
    expect(() => standardScaler().fit(columns)).toThrow(/read as rows \(one array per customer.*for columns, pass an object with one array per named feature/);
  });
});

describe('fitBgBb: onProgress and signal', () => {
  const rows = freezeRows([
    { frequency: 0, recency: 0, T: 6 },
    { frequency: 2, recency: 4, T: 6 },
    { frequency: 5, recency: 6, T: 6 },
    { frequency: 1, recency: 1, T: 6 },
    { frequency: 3, recency: 5, T: 6 },
    { frequency: 0, recency: 0, T: 6 },
  ]);
  it('reports optimiser iterations and stops with E_ABORTED', () => {
    const iterations: number[] = [];
    fitBgBb(rows, { onProgress: (p) => iterations.push(p.iteration) });
    expect(iterations.length).toBeGreaterThan(0);
    for (let i = 1; i < iterations.length; i++) expect(iterations[i]!).toBeGreaterThanOrEqual(iterations[i - 1]!);
    const c = new AbortController();
    expect(codeOf(() => fitBgBb(rows, { signal: c.signal, onProgress: () => c.abort() }))).toBe('AbortError:E_ABORTED');
    expect(codeOf(() => fitBgBb(rows, { signal: c.signal }))).toBe('AbortError:E_ABORTED');
  });
});
