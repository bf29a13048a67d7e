// Without the optional peer, openDuckDB says what to install (E_DUCKDB_MISSING);
// the generators never need it.
import { describe, expect, it, vi } from 'vitest';

vi.mock('@duckdb/node-api', () => {
  throw new Error("Cannot find package '@duckdb/node-api'");
});

describe('openDuckDB without @duckdb/node-api', () => {
  it('throws StateError E_DUCKDB_MISSING with an actionable sentence', async () => {
    const { openDuckDB } = await import('@marksman/sql/node');
    const { StateError } = await import('@marksman/core');
    const error = await openDuckDB().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StateError);
    expect(error).toMatchObject({ code: 'E_DUCKDB_MISSING', source: 'openDuckDB' });
    expect((error as Error).message).toContain('npm install @duckdb/node-api');
  });
});
