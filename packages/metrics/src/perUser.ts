// Internal: the two shapes in which per-user lists are accepted.
import { ValidationError } from '@marksman/core';
import type { Id } from './validation';

/** Per-user values keyed by user id (a `Map`) or by position (an array, user i at index i). */
export type PerUser<T> = ReadonlyMap<number | string, T> | ArrayLike<T>;

/** Entries [user, value] of either shape, in insertion/index order. */
export function perUserEntries<T>(source: string, field: string, x: PerUser<T>): Array<[Id, T]> {
  if (x instanceof Map) return [...(x as ReadonlyMap<Id, T>).entries()];
  if (!Array.isArray(x)) {
    throw new ValidationError('E_SHAPE', `${source}: ${field} must be a Map from user id to list, or an array of lists (one per user).`, { source, field });
  }
  const list = x as ArrayLike<T>;
  const out: Array<[Id, T]> = [];
  for (let i = 0; i < list.length; i++) out.push([i, list[i] as T]);
  return out;
}
