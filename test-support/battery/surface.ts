// The public surface, found at run time so that nobody has to remember to
// add a new export: every entry in every package.json `exports` map (except
// `@marksman/core/internal`, the shared plumbing), every export of each
// (`import * as mod`), and for each class its public constructor, static
// methods and instance methods. TypeScript's `protected`/`private` and the
// `@internal` doc tag do not exist at run time, so the class sources are
// parsed (no type checking) to leave those members out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Entries that are not public API. */
export const PRIVATE_ENTRIES: ReadonlySet<string> = new Set(['@marksman/core/internal']);

/** One public entry point: `@marksman/recsys/tfjs` from the `./tfjs` key of @marksman/recsys. */
export interface PublicEntry {
  readonly specifier: string;
  readonly packageName: string;
}

/** Every public entry of every workspace package, read from the `exports` maps. */
export function publicEntries(repo: string): PublicEntry[] {
  const out: PublicEntry[] = [];
  const dir = join(repo, 'packages');
  for (const name of readdirSync(dir).sort()) {
    let pkg: { name?: string; exports?: Record<string, unknown>; private?: boolean };
    try {
      pkg = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (!pkg.name || pkg.exports === undefined) continue;
    for (const key of Object.keys(pkg.exports)) {
      if (!key.startsWith('.') || key.endsWith('.json') || key.includes('*')) continue;
      const specifier = key === '.' ? pkg.name : `${pkg.name}${key.slice(1)}`;
      if (!PRIVATE_ENTRIES.has(specifier)) out.push({ specifier, packageName: pkg.name });
    }
  }
  return out;
}

/** Names the sources declare protected, private or @internal, per class name; and classes whose constructor is not public. */
export interface Hidden {
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
  readonly constructors: ReadonlySet<string>;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield p;
  }
}

function isHidden(node: ts.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return true;
  return ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
}

/** Parses packages/star/src for class members that are not public. */
export function hiddenMembers(repo: string): Hidden {
  const members = new Map<string, Set<string>>();
  const constructors = new Set<string>();
  for (const pkg of readdirSync(join(repo, 'packages'))) {
    let src: string;
    try {
      src = join(repo, 'packages', pkg, 'src');
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sourceFiles(src)) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isClassDeclaration(node) && node.name) {
          const cls = node.name.text;
          const set = members.get(cls) ?? new Set<string>();
          members.set(cls, set);
          const mods = ts.getModifiers(node) ?? [];
          if (mods.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) constructors.add(cls);
          for (const m of node.members) {
            if (ts.isConstructorDeclaration(m)) {
              if (isHidden(m)) constructors.add(cls);
              continue;
            }
            if (!m.name || ts.isPrivateIdentifier(m.name)) continue;
            const text = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : undefined;
            if (text !== undefined && isHidden(m)) set.add(text);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return { members, constructors };
}

const isNative = (f: unknown) => typeof f === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));

export function isClass(v: unknown): v is abstract new (...a: never[]) => unknown {
  return typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));
}

/** Coverage keys of one export: `name`, `Class.static`, `Class#method`. */
export function keysOf(name: string, value: unknown, hidden: Hidden): string[] {
  if (!isClass(value)) return [name];
  const keys: string[] = [];
  if (!hidden.constructors.has(value.name)) keys.push(name);
  const hiddenOf = (cls: string) => hidden.members.get(cls) ?? new Set<string>();
  for (const s of Object.getOwnPropertyNames(value)) {
    if (['length', 'name', 'prototype'].includes(s)) continue;
    const d = Object.getOwnPropertyDescriptor(value, s);
    if (d && typeof d.value === 'function' && !hiddenOf(value.name).has(s)) keys.push(`${name}.${s}`);
  }
  const seen = new Set<string>();
  for (let proto = value.prototype as object | null; proto !== null && !isNative(proto.constructor); proto = Object.getPrototypeOf(proto)) {
    const owner = (proto.constructor as { name: string }).name;
    for (const m of Object.getOwnPropertyNames(proto)) {
      if (m === 'constructor' || seen.has(m)) continue;
      seen.add(m);
      const d = Object.getOwnPropertyDescriptor(proto, m)!;
      if (typeof d.value !== 'function') continue;
      if (hiddenOf(owner).has(m)) continue;
      keys.push(`${name}#${m}`);
    }
  }
  return keys;
}
