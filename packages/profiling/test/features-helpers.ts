import { MarksmanError } from '@marksman/core';

/** Deep-freezes an array of records (and their nested objects). */
export function freezeRows<T>(rows: T[]): readonly T[] {
  for (const r of rows) {
    const props = (r as { properties?: object }).properties;
    if (props !== undefined) Object.freeze(props);
    Object.freeze(r);
  }
  return Object.freeze(rows);
}

/** `Name:CODE` of the MarksmanError thrown by `fn`, or undefined. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MarksmanError) return `${e.name}:${e.code}`;
    throw e;
  }
  return undefined;
}
