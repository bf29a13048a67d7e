// Shared test helpers (not a test file).
import { readFileSync } from 'node:fs';
import { MarksmanError } from '@marksman/core';

/** Reads a JSON fixture next to the tests; "Infinity" strings become numbers. */
export function fixture<T>(name: string): T {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text, (_k, v: unknown) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}

/** The MarksmanError code thrown by f, or 'no error'. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
}

/** The MarksmanError thrown by f, or null. */
export function errorOf(f: () => unknown): MarksmanError | null {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e;
    throw e;
  }
  return null;
}

/** |got − want| ≤ rel·|want| + abs (Infinity matches Infinity). */
export function close(got: number | null, want: number, rel: number, abs = 0): boolean {
  if (got === null) return false;
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= rel * Math.abs(want) + abs;
}
