// Marksman errors carry a brand (`Symbol.for('marksman.error')`) so that an
// error made by one copy of @marksman/core (the CommonJS build, another
// version) is recognised by another (the ES-module build): `instanceof` and
// `isMarksmanError` both work across copies.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConvergenceError,
  MarksmanError,
  OptionsError,
  ParseError,
  StateError,
  ValidationError,
  isMarksmanError,
  parseTimestamp,
  throwIfAborted,
} from '@marksman/core';
import type * as esm from '@marksman/core';
import { assertNever } from '@marksman/core/internal';

type CoreModule = typeof esm;

const coreDir = fileURLToPath(new URL('..', import.meta.url));
const distCjs = join(coreDir, 'dist', 'index.cjs');
const inCi = process.env.CI === 'true';

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Checks that errors of `other` (another copy of the package) are recognised by this copy, and the reverse. */
function checkAcrossCopies(other: CoreModule): void {
  expect(other.ValidationError).not.toBe(ValidationError); // really a second copy
  const fromOther = caught(() => other.parseTimestamp('yesterday'));
  expect(fromOther).toBeInstanceOf(other.ValidationError);
  expect(fromOther instanceof MarksmanError).toBe(true);
  expect(fromOther instanceof ValidationError).toBe(true);
  expect(fromOther instanceof OptionsError).toBe(false);
  expect(fromOther instanceof Error).toBe(true);
  expect(isMarksmanError(fromOther)).toBe(true);
  expect(isMarksmanError(fromOther, 'E_TIMESTAMP')).toBe(true);
  expect(isMarksmanError(fromOther, 'E_SEED')).toBe(false);
  const options = caught(() => new other.Random(0.5));
  expect(options instanceof OptionsError).toBe(true);
  expect(options instanceof ValidationError).toBe(false);
  // and the other way round
  const fromHere = caught(() => parseTimestamp('yesterday'));
  expect(fromHere instanceof other.MarksmanError).toBe(true);
  expect(fromHere instanceof other.ValidationError).toBe(true);
  expect(fromHere instanceof other.StateError).toBe(false);
  expect(other.isMarksmanError(fromHere, 'E_TIMESTAMP')).toBe(true);
}

describe('MarksmanError', () => {
  it('keeps code, location and name; toJSON is plain', () => {
    const e = new ParseError('E_PARSE', 'bad line', { source: 'parse', file: 'u.data', line: 3 });
    expect(e.name).toBe('ParseError');
    expect(e.toJSON()).toEqual({ name: 'ParseError', code: 'E_PARSE', message: 'bad line', source: 'parse', file: 'u.data', line: 3 });
    expect(Object.getOwnPropertyDescriptor(e, Symbol.for('marksman.error'))?.enumerable).toBe(false); // the brand stays out of logs
    expect(JSON.parse(JSON.stringify(e))).toEqual(e.toJSON());
  });

  it('never throws while being constructed, whatever the arguments', () => {
    const e = new ValidationError(undefined as unknown as string, 'm', null as never);
    expect(e.code).toBe('undefined');
    expect(e.row).toBeUndefined();
    expect(new StateError('E_X', 'm', 'where' as never).field).toBeUndefined();
  });

  it('instanceof follows the class hierarchy', () => {
    const classes = [ValidationError, OptionsError, ParseError, StateError, ConvergenceError, AbortError];
    for (const C of classes) {
      const e = new C('E_X', 'message');
      expect(e instanceof MarksmanError).toBe(true);
      expect(e instanceof Error).toBe(true);
      for (const D of classes) expect(e instanceof D, `${C.name} instanceof ${D.name}`).toBe(C === D);
    }
    expect(new Error('x') instanceof MarksmanError).toBe(false);
    expect((null as unknown as object) instanceof MarksmanError).toBe(false);
    expect((7 as unknown as object) instanceof ValidationError).toBe(false);
  });

  it('subclasses made by users keep working', () => {
    class MyError extends ValidationError {}
    const e = new MyError('E_MINE', 'mine');
    expect(e.name).toBe('MyError');
    expect(e instanceof MyError).toBe(true);
    expect(e instanceof ValidationError).toBe(true);
    expect(isMarksmanError(e, 'E_MINE')).toBe(true);
    expect(new ValidationError('E_X', 'x') instanceof MyError).toBe(false);
  });
});

describe('isMarksmanError', () => {
  it('recognises Marksman errors, optionally by code, and nothing else', () => {
    const e = caught(() => parseTimestamp('2024-02-30'));
    expect(isMarksmanError(e)).toBe(true);
    expect(isMarksmanError(e, 'E_TIMESTAMP')).toBe(true);
    expect(isMarksmanError(e, 'E_OTHER')).toBe(false);
    for (const v of [new Error('x'), new TypeError('x'), null, undefined, 'E_TIMESTAMP', { code: 'E_TIMESTAMP' }, 42]) {
      expect(isMarksmanError(v)).toBe(false);
    }
    // a getter that throws is not one of ours (and does not escape)
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(isMarksmanError(hostile)).toBe(false);
  });
});

describe('throwIfAborted and assertNever', () => {
  it('refuse what they cannot use with typed errors', () => {
    const c = new AbortController();
    expect(throwIfAborted(c.signal, 'fit')).toBeUndefined();
    expect(throwIfAborted(null, 'fit')).toBeUndefined();
    c.abort();
    expect(caught(() => throwIfAborted(c.signal, 'fit'))).toMatchObject({ code: 'E_ABORTED', source: 'fit' });
    expect(caught(() => throwIfAborted('yes' as never, 'fit'))).toMatchObject({ code: 'E_OPTION_RANGE', field: 'signal' });
    expect(caught(() => throwIfAborted({} as never, 'fit'))).toBeInstanceOf(OptionsError);
    for (const v of [1n, Symbol('s'), { a: 1 }, 'x']) {
      expect(caught(() => assertNever(v as never, Symbol('what') as never))).toMatchObject({ code: 'E_UNREACHABLE' });
    }
  });
});

describe('errors across module formats', () => {
  let tmp = '';
  let built: CoreModule | undefined;

  beforeAll(async () => {
    // The CommonJS build of the current sources, made the way `pnpm build`
    // makes dist/index.cjs (tsup, same target), into a temporary folder, so
    // this test needs no earlier build and never sees a stale one.
    const { build } = await import('tsup');
    tmp = mkdtempSync(join(tmpdir(), 'marksman-core-cjs-'));
    await build({
      entry: { index: join(coreDir, 'src', 'index.ts') },
      format: ['cjs'],
      outDir: tmp,
      config: false,
      dts: false,
      sourcemap: false,
      silent: true,
      target: 'es2022',
      platform: 'neutral',
    });
    built = createRequire(import.meta.url)(join(tmp, 'index.cjs')) as CoreModule;
  }, 60_000);

  afterAll(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('an error from a CommonJS build of core is an instance of the ES-module classes, and the reverse', () => {
    checkAcrossCopies(built!);
  });

  it('holds for the published dist/index.cjs (after `pnpm build`; required in CI)', (ctx) => {
    if (!existsSync(distCjs)) {
      if (inCi) throw new Error(`${distCjs} is missing: CI builds the packages before testing, so this must exist`);
      const why = 'packages/core/dist/index.cjs is absent: run `pnpm --filter @marksman/core build` to include it';
      console.warn(`[core errors test] skipped: ${why}`);
      ctx.skip(why);
    }
    const dist = createRequire(import.meta.url)(distCjs) as CoreModule;
    if (!(Symbol.for('marksman.error') in new dist.ValidationError('E_X', 'x'))) {
      if (inCi) throw new Error(`${distCjs} makes errors without the brand: it was built from older sources`);
      const why = 'packages/core/dist predates the error brand: rebuild it with `pnpm --filter @marksman/core build`';
      console.warn(`[core errors test] skipped: ${why}`);
      ctx.skip(why);
    }
    checkAcrossCopies(dist);
  });
});
