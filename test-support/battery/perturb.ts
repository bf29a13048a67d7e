// Generates the bad calls of a case from its valid arguments, one change at a
// time: each argument, each option key, each field of the first record and
// the first element of each list gets missing/undefined/null, NaN, ±Infinity,
// 1e308, 1e-308, -1, 0, a numeric string, a number, {} and []; option objects
// also get an unknown key, a misspelt key and an aborted signal; lists that
// travel together get one shortened.
import type { Case } from './case';
import { isArrayish, isPlain, show } from './values';

/** One bad call. */
export interface Perturbation {
  /** e.g. `a1.k=NaN`, `a0[0].userId missing`, `a1+bogusOption`, `a1.seed~sede`, `a1.signal=aborted`, `a0 short`. */
  readonly label: string;
  /** Whether only a typed error is acceptable (else a garbage-free result is a documented answer too). */
  readonly mustThrow: boolean;
  /** The key the error's `field` should mention, for key changes. */
  readonly key?: string;
  /** An aborted signal: the error is AbortError (E_ABORTED) or a refusal of the `signal` key. */
  readonly abort?: boolean;
  /** Makes the bad arguments from a fresh copy of the valid ones. */
  readonly apply: (args: unknown[]) => unknown[];
}

type Kind = string;

function kind(v: unknown): Kind {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'nonfinite';
  if (typeof v !== 'object') return typeof v;
  if (isArrayish(v)) return 'array';
  if (isPlain(v)) return 'object';
  return `instance:${(v as object).constructor?.name ?? '?'}`;
}

/** Whether `bad` is the same sort of value as `good` (a finite number for a number, a list for a list, …). */
function sameKind(good: unknown, bad: unknown): boolean {
  const g = kind(good);
  const b = kind(bad);
  if (g === 'undefined' || g === 'null') return true; // the slot's type is unknown: any answer may be right
  if (g === 'nonfinite') return b === 'number' || b === 'nonfinite';
  return g === b;
}

const FULL: readonly (readonly [string, () => unknown])[] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['1e308', () => 1e308],
  ['1e-308', () => 1e-308],
  ['-1', () => -1],
  ['0', () => 0],
  ["'0.05'", () => '0.05'],
  ['42', () => 42],
  ['{}', () => ({})],
  ['[]', () => []],
];

/** For expensive calls (model fits): one value of each sort. */
const LIGHT = FULL.filter(([l]) => ['undefined', 'null', 'NaN', 'Infinity', '1e308', '-1', "'0.05'", '{}', '[]'].includes(l));

const NUMERIC_ELEMENT = FULL.filter(([l]) => ['NaN', 'Infinity', '-Infinity', '1e308', '-1'].includes(l));

/** Slots named like ids or timestamps: `…Id`, `…Ids[0]`, `ids[0]`, `timestamp`, `asOf`, `…End`, `start`. */
const ID_OR_TIME = /(\.|^)(\w*Id|id|\w*Ids\[0\]|ids\[0\]|timestamp|asOf|\w+End|start)$/;

type Step = { readonly key: string } | { readonly index: number } | { readonly mapKey: unknown };

function container(args: unknown[], path: readonly Step[]): unknown {
  let at: unknown = args;
  for (const s of path) {
    if ('key' in s) at = (at as Record<string, unknown>)[s.key];
    else if ('index' in s) at = (at as unknown[])[s.index];
    else at = (at as Map<unknown, unknown>).get(s.mapKey);
  }
  return at;
}

function setAt(args: unknown[], path: readonly Step[], value: unknown): unknown[] {
  const parent = container(args, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if ('key' in last) (parent as Record<string, unknown>)[last.key] = value;
  else if ('index' in last) (parent as unknown[])[last.index] = value;
  else (parent as Map<unknown, unknown>).set(last.mapKey, value);
  return args;
}

/** Swaps two neighbouring letters: `seed` → `sede`, `k` → `kk`. */
export function misspell(key: string): string {
  if (key.length < 2) return key + key;
  for (let i = key.length - 2; i >= 0; i--) {
    if (key[i] !== key[i + 1]) return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  }
  return `${key}x`;
}

type Role = 'arg' | 'option' | 'field' | 'element';

interface Slot {
  readonly label: string;
  readonly path: readonly Step[];
  readonly good: unknown;
  readonly role: Role;
  /** For arguments: may be left out. */
  readonly optional?: boolean;
  /** For arguments: the options object (null and undefined mean defaults). */
  readonly isOptions?: boolean;
  readonly key?: string;
  readonly depth: number;
}

/** All bad calls of a case, in a stable order. */
export function perturbations(c: Case, good: readonly unknown[], required: number): Perturbation[] {
  const out: Perturbation[] = [];
  const values = c.heavy ? LIGHT : FULL;
  const optionsIndex = c.options !== undefined ? c.options : good.length > 0 && isPlain(good[good.length - 1]) ? good.length - 1 : null;

  const replace = (s: Slot): void => {
    const parent = s.role === 'element' ? container([...good], s.path.slice(0, -1)) : undefined;
    // Integer typed arrays turn NaN into 0: nothing to learn from them.
    if (ArrayBuffer.isView(parent) && !(parent instanceof Float64Array || parent instanceof Float32Array)) return;
    const list = ArrayBuffer.isView(parent) ? NUMERIC_ELEMENT : values;
    // Ids (customerId, userIds[0], …) may be strings or numbers everywhere in
    // Marksman, and so may timestamps (epoch milliseconds or ISO text).
    const idLike = ID_OR_TIME.test(s.label) || (c.idLike ?? []).some((r) => r.test(s.label));
    for (const [name, make] of list) {
      const bad = make();
      if (Object.is(bad, s.good)) continue;
      let mustThrow: boolean;
      // Missing values: an optional argument or an option key takes its
      // default; a field of a data object may be optional (the answer is
      // still checked for garbage). null is the house spelling of "none" for
      // optional arguments, options and fields.
      if (bad === undefined) mustThrow = s.role === 'arg' ? !s.optional : s.role === 'element';
      else if (bad === null && ((s.role === 'arg' && s.optional) || s.role === 'option' || s.role === 'field')) mustThrow = false;
      else if (idLike && (typeof bad === 'string' || (typeof bad === 'number' && Number.isFinite(bad)))) mustThrow = false;
      else mustThrow = !sameKind(s.good, bad);
      out.push({ label: `${s.label}=${name}`, mustThrow, ...(s.key !== undefined ? { key: s.key } : {}), apply: (a) => setAt(a, s.path, make()) });
    }
  };

  const visitObject = (s: Slot, obj: Record<string, unknown>, asOptions: boolean): void => {
    const keys = Object.keys(obj).slice(0, 30);
    for (const key of keys) {
      const child: Slot = { label: `${s.label}.${key}`, path: [...s.path, { key }], good: obj[key], role: asOptions ? 'option' : 'field', key, depth: s.depth + 1 };
      visit(child);
      const path = s.path;
      out.push({ label: `${s.label}.${key} missing`, mustThrow: false, key, apply: (a) => (delete (container(a, path) as Record<string, unknown>)[key], a) });
      const wrong = misspell(key);
      if (!(wrong in obj)) {
        out.push({
          label: `${s.label}.${key}~${wrong}`,
          // A misspelt option is an unknown one; in data it is a missing field plus an extra one.
          mustThrow: asOptions,
          key,
          apply: (a) => {
            const o = container(a, path) as Record<string, unknown>;
            o[wrong] = o[key];
            delete o[key];
            return a;
          },
        });
      }
    }
    const path = s.path;
    out.push({ label: `${s.label}+bogusOption`, mustThrow: asOptions, key: 'bogusOption', apply: (a) => (((container(a, path) as Record<string, unknown>).bogusOption = 1), a) });
    if (asOptions && !('signal' in obj)) {
      out.push({ label: `${s.label}.signal=aborted`, mustThrow: true, abort: true, key: 'signal', apply: (a) => (((container(a, path) as Record<string, unknown>).signal = AbortSignal.abort()), a) });
    }
    shorten(s, keys.map((k) => [`${s.label}.${k}`, [...s.path, { key: k }], obj[k]] as const));
  };

  /** Lists of one length that travel together: shortening one of them must be refused. */
  const shorten = (_s: Slot, members: readonly (readonly [string, readonly Step[], unknown])[]): void => {
    const lists = members.filter(([, , v]) => isArrayish(v) && (v as ArrayLike<unknown>).length >= 2);
    const byLength = new Map<number, typeof lists>();
    for (const m of lists) {
      const n = (m[2] as ArrayLike<unknown>).length;
      byLength.set(n, [...(byLength.get(n) ?? []), m]);
    }
    for (const group of byLength.values()) {
      if (group.length < 2) continue;
      for (const [label, path] of group) {
        out.push({ label: `${label} short`, mustThrow: true, apply: (a) => setAt(a, path, (container(a, path) as unknown[]).slice(0, -1)) });
      }
    }
  };

  const visit = (s: Slot): void => {
    replace(s);
    if (s.depth >= 3) return;
    const v = s.good;
    if (isPlain(v)) visitObject(s, v, s.role === 'arg' ? s.isOptions === true : false);
    else if (isArrayish(v) && v.length > 0) {
      const first = (v as ArrayLike<unknown>)[0];
      visit({ label: `${s.label}[0]`, path: [...s.path, { index: 0 }], good: first, role: 'element', depth: s.depth + 1 });
      // A ragged table: the first row one shorter than the others.
      if (Array.isArray(v) && v.length >= 2 && v.every((row) => isArrayish(row) && row.length === (first as ArrayLike<unknown>).length && row.length >= 2)) {
        const path = [...s.path, { index: 0 }];
        out.push({ label: `${s.label}[0] short`, mustThrow: true, apply: (a) => setAt(a, path, Array.from(container(a, path) as ArrayLike<unknown>).slice(0, -1)) });
      }
    } else if (v instanceof Map && v.size > 0) {
      const [mapKey, first] = v.entries().next().value as [unknown, unknown];
      for (const [name, make] of values.filter(([l]) => ['NaN', 'null', "'0.05'", '{}', 'Infinity'].includes(l))) {
        const path = [...s.path, { mapKey }];
        out.push({ label: `${s.label}.get(${show(mapKey)})=${name}`, mustThrow: !sameKind(first, make()), apply: (a) => setAt(a, path, make()) });
      }
    }
  };

  good.forEach((g, i) => {
    visit({ label: `a${i}`, path: [{ index: i }], good: g, role: 'arg', optional: i >= required || i === optionsIndex, isOptions: i === optionsIndex, depth: 0 });
  });
  if (good.length > 0) {
    const last = good.length - 1;
    out.push({ label: `a${last} missing`, mustThrow: last < required && last !== optionsIndex, apply: (a) => a.slice(0, last) });
  }
  shorten(
    { label: '', path: [], good, role: 'arg', depth: 0 },
    good.map((g, i) => [`a${i}`, [{ index: i }], g] as const),
  );
  const seen = new Set<string>();
  return out.filter((p) => {
    if (seen.has(p.label)) return false;
    seen.add(p.label);
    return !(c.skip ?? []).some((r) => r.test(p.label));
  });
}
