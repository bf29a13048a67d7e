// What the registry says about one public callable: how to make a valid call,
// and which of the generated bad calls may legitimately return a result.
// The battery (./perturb.ts, ./run-case.ts) turns each case into a valid call,
// run twice, and a few hundred bad calls.

/** One public callable (function, constructor, static or instance method) with a valid call. */
export interface Case {
  /**
   * Coverage key: an export's name (`precisionAtK`, `Random` for its
   * constructor, `SILHOUETTE_EXACT_LIMIT` for a constant), `Class.method` for
   * a static method, `Class#method` for an instance method.
   */
  readonly name: string;
  /** Set by the registry loader: the public entry (`@marksman/core`) the case belongs to. */
  entry?: string;
  /** Arguments of a valid call; fresh or shared, the battery copies them before each call. */
  readonly args: () => readonly unknown[] | Promise<readonly unknown[]>;
  /** For instance methods: builds the instance the method is called on (once per batch, and again for the repeat). */
  readonly target?: () => unknown;
  /** Makes the call. */
  readonly call: (target: unknown, args: unknown[]) => unknown;
  /** Arguments that must be present (missing or undefined ones must be refused); defaults to the function's `length`. */
  readonly required: number;
  /** For instance methods: the method's name (its `length` gives `required` when the registry does not). */
  readonly method?: string;
  /** Index of the options argument (keys unknown to it must be refused, a missing key means its default); null when there is none. Defaults to the last argument when that is a plain object. */
  readonly options?: number | null;
  /** Bad calls (label patterns) whose result is a documented answer, e.g. a clamped `k`. Each pattern carries a comment in the registry saying why. */
  readonly returns?: readonly RegExp[];
  /** Bad calls whose typed error may leave `field` unset (a comment in the registry says why the field is meaningless there). */
  readonly unnamed?: readonly RegExp[];
  /** Bad calls whose documented result may hold NaN or ±Infinity. */
  readonly garbage?: readonly RegExp[];
  /** Slots (label before `=`, e.g. `a0`, `a0[0].userId`) holding ids or timestamps: strings and finite numbers are both good there. */
  readonly idLike?: readonly RegExp[];
  /** Bad calls not generated at all (each with a reason in the registry), e.g. a value the function cannot tell from a good one. */
  readonly skip?: readonly RegExp[];
  /** A reason when two runs of the valid call may differ (the battery then does not compare them). */
  readonly nondeterministic?: string;
  /** For methods that change their instance for good (adding an entity): a new instance for every bad call. */
  readonly fresh?: boolean;
  /** Expensive calls (model fits): fewer bad values per slot. */
  readonly heavy?: boolean;
  /** For constants: checks the value (frozen, right shape); returns a complaint or undefined. */
  readonly constant?: () => string | undefined;
}

type Extra = Omit<Partial<Case>, 'name' | 'args' | 'call' | 'target'>;

/** A free function: `f(...args)`. */
export function fn<F extends (...a: never[]) => unknown>(name: string, f: F, args: () => readonly unknown[] | Promise<readonly unknown[]>, extra: Extra = {}): Case {
  return { name, args, call: (_t, a) => (f as unknown as (...x: unknown[]) => unknown)(...a), required: extra.required ?? f.length, ...extra };
}

/** A constructor: `new C(...args)`. */
export function ctor(name: string, C: abstract new (...a: never[]) => unknown, args: () => readonly unknown[], extra: Extra = {}): Case {
  return { name, args, call: (_t, a) => new (C as unknown as new (...x: unknown[]) => unknown)(...a), required: extra.required ?? C.length, ...extra };
}

/** A static method: `C.method(...args)`. */
export function statik(className: string, C: object, method: string, args: () => readonly unknown[] | Promise<readonly unknown[]>, extra: Extra = {}): Case {
  const f = (C as Record<string, (...a: unknown[]) => unknown>)[method];
  if (typeof f !== 'function') throw new Error(`battery registry: ${className}.${method} is not a function`);
  return { name: `${className}.${method}`, args, call: (_t, a) => f.apply(C, a), required: extra.required ?? f.length, ...extra };
}

/** An instance method: `target().method(...args)`. */
export function method<T extends object>(className: string, target: () => T | Promise<T>, name: string, args: () => readonly unknown[] | Promise<readonly unknown[]>, extra: Extra & { readonly arity?: number } = {}): Case {
  return {
    name: `${className}#${name}`,
    args,
    target,
    call: (t, a) => {
      const f = (t as Record<string, unknown>)[name];
      if (typeof f !== 'function') throw new Error(`battery registry: ${className}#${name} is not a method of the target`);
      return (f as (...x: unknown[]) => unknown).apply(t, a);
    },
    required: extra.required ?? extra.arity ?? Number.NaN,
    method: name,
    ...extra,
  };
}

/** A constant export: the check returns a complaint or undefined. */
export function constant(name: string, check: () => string | undefined): Case {
  return { name, args: () => [], call: () => undefined, required: 0, constant: check };
}

/** Arguments helper: `() => [a, b]` reads better as `args(a, b)`. */
export const args =
  (...a: unknown[]) =>
  (): readonly unknown[] =>
    a;
