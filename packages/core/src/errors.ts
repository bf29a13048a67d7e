/**
 * Where a piece of bad input was found: the function that refused it, the
 * field, and the row (0-based) when the input is a list of records.
 */
export interface ErrorLocation {
  /** Public function or method that raised the error, e.g. `validateTransactions`. */
  readonly source?: string;
  /** Field (column or option name) at fault. */
  readonly field?: string;
  /** 0-based row index at fault, when the input is a list of records. */
  readonly row?: number;
  /** File path at fault, for parsers. */
  readonly file?: string;
  /** 1-based line number in `file`, for parsers. */
  readonly line?: number;
}

/** The plain-object form of a {@link MarksmanError}, for logs and JSON. */
export interface MarksmanErrorJSON extends ErrorLocation {
  /** Error class name, e.g. `ValidationError`. */
  readonly name: string;
  /** Stable error code. */
  readonly code: string;
  /** The human-readable message. */
  readonly message: string;
}

// Every error object carries, under the registry symbol `marksman.error`, the
// names of the Marksman classes it is an instance of. The symbol is the same
// in every copy of this module (the ES-module build, the CommonJS build, two
// versions side by side), so `instanceof` and `isMarksmanError` recognise an
// error made by any copy. Names come from KINDS, not from `constructor.name`,
// so that a minifier renaming the classes does not break the check.
const BRAND: unique symbol = Symbol.for('marksman.error') as never;
const KINDS = new Map<unknown, string>();

/** The Marksman class names of `ctor` and its ancestors, most derived first. */
function kindsOf(ctor: unknown): readonly string[] {
  const out: string[] = [];
  for (let c = ctor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const kind = KINDS.get(c);
    if (kind !== undefined) out.push(kind);
  }
  return Object.freeze(out);
}

function brandOf(value: unknown): readonly unknown[] | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  let brand: unknown;
  try {
    brand = (value as { [BRAND]?: unknown })[BRAND];
  } catch {
    return undefined; // a proxy or getter that throws is not one of ours
  }
  return Array.isArray(brand) ? brand : undefined;
}

function isBrandedAs(value: unknown, kind: string): boolean {
  return brandOf(value)?.includes(kind) === true;
}

/**
 * Base class of every error Marksman throws on purpose. `code` is stable
 * across releases (match on it, not on the message); `message` is a
 * sentence a person can act on.
 *
 * `instanceof` works across module formats and copies: an error thrown by
 * the CommonJS build of a package is `instanceof` the ES-module class too
 * (each error carries a brand under `Symbol.for('marksman.error')`). To test
 * without importing a class, use {@link isMarksmanError}.
 *
 * @example
 * ```ts
 * import { MarksmanError, ValidationError } from '@marksman/core';
 * const e = new ValidationError('E_TIMESTAMP', 'timestamp is not a date', { field: 'timestamp', row: 3 });
 * e instanceof MarksmanError; // => true
 * e.code; // => 'E_TIMESTAMP'
 * ```
 */
export class MarksmanError extends Error {
  /** Stable, machine-readable error code such as `E_TIMESTAMP`. */
  readonly code: string;
  /** Function that raised the error, when known. */
  readonly source: string | undefined;
  /** Field (column or option) at fault, when known. */
  readonly field: string | undefined;
  /** 0-based row at fault, when known. */
  readonly row: number | undefined;
  /** File at fault (parsers), when known. */
  readonly file: string | undefined;
  /** 1-based line in `file` (parsers), when known. */
  readonly line: number | undefined;

  /**
   * Constructing an error never throws: a `where` that is not an object is
   * ignored and a non-string `code` is converted with `String`.
   *
   * @param code - stable error code
   * @param message - a sentence a person can act on
   * @param where - the function, field, row, file and line at fault
   */
  constructor(code: string, message: string, where: ErrorLocation = {}) {
    super(message);
    const at: ErrorLocation = typeof where === 'object' && where !== null ? where : {};
    this.name = KINDS.get(new.target) ?? new.target.name;
    this.code = String(code);
    this.source = at.source;
    this.field = at.field;
    this.row = at.row;
    this.file = at.file;
    this.line = at.line;
    Object.defineProperty(this, BRAND, { value: kindsOf(new.target), enumerable: false });
  }

  /**
   * Whether `value` is an instance of this class, made by this copy of the
   * module or by any other (the CommonJS build, another version): true when
   * the prototype chain says so, or when the value carries the Marksman
   * brand with this class's name.
   *
   * @param value - any value
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const kind = KINDS.get(this);
    return kind !== undefined && isBrandedAs(value, kind);
  }

  /**
   * A plain object with the code, message and location, for logs and JSON.
   *
   * @example
   * ```ts
   * import { OptionsError } from '@marksman/core';
   * new OptionsError('E_OPTION_UNKNOWN', 'unknown option "sed"', { field: 'sed' }).toJSON().code;
   * // => 'E_OPTION_UNKNOWN'
   * ```
   */
  toJSON(): MarksmanErrorJSON {
    const out: { -readonly [K in keyof MarksmanErrorJSON]: MarksmanErrorJSON[K] } = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    if (this.source !== undefined) out.source = this.source;
    if (this.field !== undefined) out.field = this.field;
    if (this.row !== undefined) out.row = this.row;
    if (this.file !== undefined) out.file = this.file;
    if (this.line !== undefined) out.line = this.line;
    return out;
  }
}

/**
 * A record or column holds a value that cannot be used (missing id, bad
 * timestamp, negative quantity, NaN…).
 *
 * @example
 * ```ts
 * import { ValidationError } from '@marksman/core';
 * new ValidationError('E_MISSING', 'customerId is missing', { row: 0, field: 'customerId' }).row; // => 0
 * ```
 */
export class ValidationError extends MarksmanError {}

/**
 * An options object has an unknown key or a value out of range.
 *
 * @example
 * ```ts
 * import { OptionsError } from '@marksman/core';
 * new OptionsError('E_OPTION_RANGE', 'k must be ≥ 1', { field: 'k' }).field; // => 'k'
 * ```
 */
export class OptionsError extends MarksmanError {}

/**
 * A file or text could not be parsed; `file` and `line` say where.
 *
 * @example
 * ```ts
 * import { ParseError } from '@marksman/core';
 * new ParseError('E_PARSE', 'expected 4 fields', { file: 'u.data', line: 12 }).line; // => 12
 * ```
 */
export class ParseError extends MarksmanError {}

/**
 * A model was used before `fit`, or an id is unknown to a fitted model.
 *
 * @example
 * ```ts
 * import { StateError } from '@marksman/core';
 * new StateError('E_NOT_FITTED', 'call fit() first').code; // => 'E_NOT_FITTED'
 * ```
 */
export class StateError extends MarksmanError {}

/**
 * An iterative fit could not reach a usable answer (the optimiser diverged or
 * produced non-finite values). Fits that merely hit their iteration limit
 * report `converged: false` instead of throwing.
 *
 * @example
 * ```ts
 * import { ConvergenceError } from '@marksman/core';
 * new ConvergenceError('E_DIVERGED', 'log-likelihood is not finite').name; // => 'ConvergenceError'
 * ```
 */
export class ConvergenceError extends MarksmanError {}

/**
 * The operation was stopped through an `AbortSignal`.
 *
 * @example
 * ```ts
 * import { AbortError } from '@marksman/core';
 * new AbortError('E_ABORTED', 'fit was aborted').code; // => 'E_ABORTED'
 * ```
 */
export class AbortError extends MarksmanError {}

KINDS.set(MarksmanError, 'MarksmanError');
KINDS.set(ValidationError, 'ValidationError');
KINDS.set(OptionsError, 'OptionsError');
KINDS.set(ParseError, 'ParseError');
KINDS.set(StateError, 'StateError');
KINDS.set(ConvergenceError, 'ConvergenceError');
KINDS.set(AbortError, 'AbortError');

/**
 * Whether `value` is an error thrown by Marksman, from any copy of the
 * package (ES module or CommonJS build, or another version), and, when
 * `code` is given, whether it has that code. Use it where `instanceof`
 * against an imported class is awkward (logging, generic error handlers).
 *
 * Costs O(1).
 *
 * @param value - anything caught
 * @param code - an error code such as `E_TIMESTAMP`, to match as well
 * @returns true for a Marksman error (with that code)
 * @example
 * ```ts
 * import { isMarksmanError, parseTimestamp } from '@marksman/core';
 * let caught: unknown;
 * try { parseTimestamp('yesterday'); } catch (e) { caught = e; }
 * isMarksmanError(caught); // => true
 * isMarksmanError(caught, 'E_TIMESTAMP'); // => true
 * isMarksmanError(caught, 'E_SEED'); // => false
 * isMarksmanError(new Error('plain')); // => false
 * ```
 */
export function isMarksmanError(value: unknown, code?: string): value is MarksmanError {
  if (!isBrandedAs(value, 'MarksmanError')) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

/**
 * Throws an {@link AbortError} when `signal` has been aborted. Long loops call
 * it between steps.
 *
 * @param signal - the caller's signal, if any (`undefined` or `null` for none)
 * @param source - the public function that is running, named in the message
 * @throws {@link AbortError} with code `E_ABORTED`; {@link OptionsError}
 *   `E_OPTION_RANGE` when `signal` is not an AbortSignal
 * @example
 * ```ts
 * import { throwIfAborted } from '@marksman/core';
 * const c = new AbortController();
 * throwIfAborted(c.signal, 'fit'); // => undefined
 * ```
 */
export function throwIfAborted(signal: AbortSignal | null | undefined, source: string): void {
  if (signal === undefined || signal === null) return;
  if (typeof signal !== 'object' || typeof (signal as { aborted?: unknown }).aborted !== 'boolean') {
    throw new OptionsError('E_OPTION_RANGE', `${source}: signal must be an AbortSignal (from an AbortController), got ${typeof signal === 'object' ? 'an object without a boolean "aborted"' : typeof signal}.`, {
      source,
      field: 'signal',
    });
  }
  if (signal.aborted) {
    throw new AbortError('E_ABORTED', `${source} was aborted by its AbortSignal.`, { source });
  }
}

/**
 * Marks a branch that the type checker proves unreachable (the end of an
 * exhaustive `switch`). Reaching it at run time throws.
 *
 * @param value - the value TypeScript has narrowed to `never`
 * @param what - what was being switched on, for the message
 * Part of `@marksman/core/internal` (plumbing for the Marksman packages, not
 * public API).
 *
 * @throws {@link MarksmanError} with code `E_UNREACHABLE`
 * @example
 * ```ts
 * import { assertNever } from '@marksman/core/internal';
 * type Shape = 'a' | 'b';
 * const f = (s: Shape) => { switch (s) { case 'a': return 1; case 'b': return 2; default: return assertNever(s, 'shape'); } };
 * f('b'); // => 2
 * ```
 */
export function assertNever(value: never, what = 'value'): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = typeof value; // a bigint or a cyclic object
  }
  throw new MarksmanError('E_UNREACHABLE', `Unexpected ${String(what)}: ${shown}.`);
}
