// Value plumbing for the battery: copying, freezing, fingerprinting and
// scanning results for garbage (NaN, ±Infinity, undefined holes, "NaN" text).

/** A plain object: `{...}` literal or Object.create(null). */
export function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function isArrayish(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** Copies data (arrays, plain objects, Maps, Sets, typed arrays); class instances, functions and signals are shared. */
export function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as unknown as { slice(): unknown }).slice() as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copy(x)])) as T;
  if (v instanceof Set) return new Set([...v].map(copy)) as T;
  if (isPlain(v)) {
    const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
    for (const k of Object.keys(v)) out[k] = copy(v[k]);
    return out as T;
  }
  return v;
}

/** Freezes plain objects and arrays all the way down (typed arrays, Maps and Sets cannot be frozen: fingerprints catch changes to them). */
export function deepFreeze<T>(v: T): T {
  if (Array.isArray(v) || isPlain(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  } else if (v instanceof Map) {
    for (const x of v.values()) deepFreeze(x);
  } else if (v instanceof Set) {
    for (const x of v) deepFreeze(x);
  }
  return v;
}

function describeNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return Object.is(x, -0) ? '-0' : String(x);
}

/**
 * A canonical text of a value, for "not mutated" and "same seed, same
 * result": data is spelled out, class instances by their toJSON() when they
 * have one (else their own enumerable fields), functions as [function].
 */
export function fingerprint(v: unknown, depth = 0, seen = new Set<unknown>()): string {
  if (depth > 12) return '…';
  switch (typeof v) {
    case 'number':
      return describeNumber(v);
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
    case 'undefined':
      return String(v);
    case 'symbol':
      return v.toString();
    case 'function':
      return '[function]';
  }
  if (v === null || v === undefined) return String(v);
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  try {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as unknown as ArrayLike<number | bigint>;
      return `${v.constructor.name}[${Array.from(a, (x) => (typeof x === 'number' ? describeNumber(x) : `${x}n`)).join(',')}]`;
    }
    if (Array.isArray(v)) return `[${v.map((x) => fingerprint(x, depth + 1, seen)).join(',')}]`;
    if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${fingerprint(k, depth + 1, seen)}=>${fingerprint(x, depth + 1, seen)}`).join(',')}}`;
    if (v instanceof Set) return `Set{${[...v].map((x) => fingerprint(x, depth + 1, seen)).join(',')}}`;
    if (v instanceof Date) return `Date(${describeNumber(v.getTime())})`;
    if (typeof AbortSignal !== 'undefined' && v instanceof AbortSignal) return `AbortSignal(${v.aborted})`;
    if (v instanceof Error) return `${v.name}(${v.message})`;
    const o = v as Record<string, unknown>;
    if (!isPlain(v) && typeof o.toJSON === 'function') {
      let j: unknown;
      try {
        j = (o.toJSON as () => unknown)();
      } catch (e) {
        return `${v.constructor?.name ?? 'Object'}(toJSON threw ${String(e)})`;
      }
      return `${v.constructor?.name ?? 'Object'}:${fingerprint(j, depth + 1, seen)}`;
    }
    const name = isPlain(v) ? '' : (v.constructor?.name ?? 'Object');
    return `${name}{${Object.keys(o)
      .sort()
      .map((k) => `${k}:${fingerprint(o[k], depth + 1, seen)}`)
      .join(',')}}`;
  } finally {
    seen.delete(v);
  }
}

/** Kinds of garbage found in a value: 'NaN', 'Infinity', 'hole' (undefined in an array), 'text' (a string showing NaN/undefined/[object Object]), 'date'. */
export function garbageIn(v: unknown, depth = 0, seen = new Set<unknown>(), found = new Map<string, string>(), path = 'result'): Map<string, string> {
  if (depth > 8 || found.size >= 5) return found;
  const note = (kind: string) => {
    if (!found.has(kind)) found.set(kind, path);
  };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) note('NaN');
    else if (!Number.isFinite(v)) note('Infinity');
    return found;
  }
  if (typeof v === 'string') {
    // A formatted value gone wrong ('2024-WNaN', 'NaN-Q1', '[object Object]'); messages may name NaN or undefined on purpose.
    if (/(^|[-:\dWQ])NaN([-:\d]|$)|\[object Object\]|Invalid Date/.test(v)) note('text');
    return found;
  }
  if (typeof v !== 'object' || v === null || seen.has(v)) return found;
  seen.add(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < Math.min(a.length, 100_000); i++) {
      const x = a[i]!;
      if (typeof x === 'number' && !Number.isFinite(x)) note(Number.isNaN(x) ? 'NaN' : 'Infinity');
    }
    return found;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < Math.min(v.length, 5000); i++) {
      if (v[i] === undefined) note('hole');
      else garbageIn(v[i], depth + 1, seen, found, `${path}[${i}]`);
    }
    return found;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) note('date');
    return found;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      garbageIn(k, depth + 1, seen, found, `${path}.key`);
      garbageIn(x, depth + 1, seen, found, `${path}.get(${String(k)})`);
    }
    return found;
  }
  if (v instanceof Set) {
    for (const x of v) garbageIn(x, depth + 1, seen, found, `${path}.item`);
    return found;
  }
  if (v instanceof Error || (typeof AbortSignal !== 'undefined' && v instanceof AbortSignal)) return found;
  const o = v as Record<string, unknown>;
  if (!isPlain(v) && typeof o.toJSON === 'function') {
    try {
      garbageIn((o.toJSON as () => unknown)(), depth + 1, seen, found, `${path}.toJSON()`);
    } catch {
      note('toJSON');
    }
    return found;
  }
  for (const k of Object.keys(o)) garbageIn(o[k], depth + 1, seen, found, `${path}.${k}`);
  return found;
}

/** How a bad value is shown in a label. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return describeNumber(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '[…]';
  if (isPlain(v)) return Object.keys(v).length === 0 ? '{}' : '{…}';
  return String(v);
}
