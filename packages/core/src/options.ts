import { OptionsError } from './errors';

/**
 * Merges a caller's options over frozen defaults and refuses unknown keys, so
 * a typo such as `{ sed: 1 }` is an error instead of being ignored. The result
 * has every field of the defaults. `undefined` values in `options` fall back
 * to the default.
 *
 * Costs O(number of keys).
 *
 * @param source - the public function, named in the error message
 * @param defaults - every accepted option with its default value
 * @param options - what the caller passed (may be undefined)
 * Part of `@marksman/core/internal` (plumbing for the Marksman packages, not
 * public API).
 *
 * @throws {@link OptionsError} `E_OPTION_UNKNOWN` for a key not in `defaults`,
 *   `E_OPTIONS_TYPE` when `options` is not a plain object (an array, a
 *   string, a `Date`, a `Map`…)
 * @example
 * ```ts
 * import { resolveOptions } from '@marksman/core/internal';
 * const DEFAULTS: Readonly<{ k: number; seed: number }> = Object.freeze({ k: 10, seed: 0 });
 * resolveOptions('recommend', DEFAULTS, { k: 5 }); // => { k: 5, seed: 0 }
 * ```
 */
export function resolveOptions<D extends object>(
  source: string,
  defaults: Readonly<D>,
  options: { readonly [K in keyof D]?: D[K] | undefined } | undefined,
): D {
  if (typeof defaults !== 'object' || defaults === null) {
    throw new OptionsError('E_OPTIONS_TYPE', `${String(source)}: the defaults must be an object (a bug in the caller of resolveOptions).`, { source: String(source), field: 'defaults' });
  }
  if (options === undefined || options === null) return { ...defaults } as D;
  if (typeof options !== 'object' || Object.prototype.toString.call(options) !== '[object Object]') {
    const got = Array.isArray(options) ? 'an array' : typeof options === 'object' ? Object.prototype.toString.call(options).slice(8, -1) : typeof options;
    throw new OptionsError('E_OPTIONS_TYPE', `${source}: options must be a plain object such as { seed: 1 }, got ${got}.`, { source, field: 'options' });
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      const known = Object.keys(defaults).join(', ');
      throw new OptionsError('E_OPTION_UNKNOWN', `${source}: unknown option "${key}". Known options: ${known}.`, { source, field: key });
    }
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as D;
}
