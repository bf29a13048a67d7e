/**
 * What a call that must fail threw, for tests: the typed error's code and
 * field (and row), compared with `toEqual`. Anything that is not a
 * MarksmanError is rethrown, and a call that returns fails the test.
 */
import { isMarksmanError } from '@marksman/core';

/** The code and field of the typed error `f` throws. */
export function errorOf(f: () => unknown): { code: string; field: string | undefined } {
  const e = thrown(f);
  return { code: e.code, field: e.field };
}

/** The code, field and row of the typed error `f` throws. */
export function errorWithRowOf(f: () => unknown): { code: string; field: string | undefined; row: number | undefined } {
  const e = thrown(f);
  return { code: e.code, field: e.field, row: e.row };
}

function thrown(f: () => unknown): { code: string; field?: string | undefined; row?: number | undefined } {
  try {
    f();
  } catch (e) {
    if (!isMarksmanError(e)) throw e;
    return e;
  }
  throw new Error('expected an error');
}
