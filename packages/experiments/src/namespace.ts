import { OptionsError } from '@marksman/core';
import { bucketOf, unitKey } from './hash';

/**
 * A GrowthBook namespace slot `[name, start, end)`: experiments that share a
 * namespace name and use disjoint slots never share a unit (mutually
 * exclusive experiments, a "layer").
 */
export type Namespace = readonly [name: string, start: number, end: number];

/** Throws `E_NAMESPACE` unless `ns` is [name, start, end] with a non-empty name and 0 ≤ start ≤ end ≤ 1. */
export function checkNamespace(ns: unknown, source: string, field = 'namespace'): asserts ns is Namespace {
  const ok =
    Array.isArray(ns) &&
    ns.length === 3 &&
    typeof ns[0] === 'string' &&
    ns[0] !== '' &&
    typeof ns[1] === 'number' &&
    typeof ns[2] === 'number' &&
    ns[1] >= 0 &&
    ns[1] <= ns[2] &&
    ns[2] <= 1;
  if (!ok) {
    throw new OptionsError('E_NAMESPACE', `${source}: ${field} must be [name, start, end] with a non-empty name and 0 ≤ start ≤ end ≤ 1.`, { source, field });
  }
}

/**
 * Whether a unit falls in a namespace slot (GrowthBook rule: the unit's
 * version-1 hash with seed `"__" + name` lies in [start, end)).
 *
 * Costs O(length of id + name).
 *
 * @param id - the unit id
 * @param namespace - `[name, start, end]`
 * @throws `ValidationError` `E_ID` for an empty id; `OptionsError` `E_NAMESPACE` for a slot that is not
 *   `[name, start, end]` with a non-empty name and 0 ≤ start ≤ end ≤ 1
 * @example
 * ```ts
 * import { inNamespace } from '@marksman/experiments';
 * inNamespace('1', ['namespace1', 0.4, 1]); // => true
 * ```
 */
export function inNamespace(id: string | number, namespace: Namespace): boolean {
  checkNamespace(namespace, 'inNamespace');
  const n = bucketOf(`__${namespace[0]}`, unitKey(id, 'inNamespace'), 1);
  return n >= namespace[1] && n < namespace[2];
}

/**
 * Splits one namespace (a layer) into consecutive slots, one per experiment,
 * so that the experiments are mutually exclusive. `shares` are the fractions
 * of units each experiment may draw from; they must be non-negative and sum
 * to at most 1 (the rest of the layer stays free).
 *
 * Costs O(number of shares).
 *
 * @param name - the namespace (layer) name
 * @param shares - the share of units for each experiment
 * @returns one {@link Namespace} slot per share, in order
 * @throws `OptionsError` `E_NAMESPACE_SHARES` when shares is not an array, a share is negative or the sum
 *   exceeds 1; `E_NAMESPACE` for an empty name
 * @example
 * ```ts
 * import { namespaceSlots } from '@marksman/experiments';
 * namespaceSlots('checkout', [0.5, 0.25]); // => [['checkout', 0, 0.5], ['checkout', 0.5, 0.75]]
 * ```
 */
export function namespaceSlots(name: string, shares: readonly number[]): Namespace[] {
  if (typeof name !== 'string' || name === '') {
    throw new OptionsError('E_NAMESPACE', `namespaceSlots: the namespace name must be a non-empty string, got ${typeof name === 'string' ? '""' : String(name)}.`, { source: 'namespaceSlots', field: 'name' });
  }
  if (!Array.isArray(shares)) {
    throw new OptionsError('E_NAMESPACE_SHARES', `namespaceSlots: shares must be an array of numbers, got ${shares === null ? 'null' : typeof shares}.`, { source: 'namespaceSlots', field: 'shares' });
  }
  let start = 0;
  const out: Namespace[] = [];
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i]!;
    if (typeof s !== 'number' || !(s >= 0) || !Number.isFinite(s)) {
      throw new OptionsError('E_NAMESPACE_SHARES', `namespaceSlots: share ${i} must be a number ≥ 0, got ${String(s)}.`, {
        source: 'namespaceSlots',
        field: 'shares',
        row: i,
      });
    }
    const end = start + s;
    if (end > 1 + 1e-9) {
      throw new OptionsError('E_NAMESPACE_SHARES', `namespaceSlots: shares add up to more than 1 (${end}); a layer holds at most all units.`, {
        source: 'namespaceSlots',
        field: 'shares',
        row: i,
      });
    }
    out.push([name, start, Math.min(1, end)] as const);
    start = end;
  }
  return out;
}
