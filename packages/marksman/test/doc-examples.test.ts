/**
 * Runs every `@example` in every package's doc comments, and every ```ts
 * block in the READMEs and in docs/, and checks each `// => value` claim, so
 * the documentation cannot drift from the code.
 *
 * Conventions for examples (see CONTRIBUTING.md):
 * - a ```ts fence after `@example`; imports name the public packages;
 * - `expression; // => value` asserts that the last statement on the line
 *   equals `value` (a JavaScript literal); a line holding only `// => value`
 *   applies to the statement before it;
 * - numbers shown with d decimals match when within half a unit of the last
 *   shown digit (they are shown rounded); integers match to 1e-12 relative;
 *   strings match exactly;
 *   typed arrays compare element-wise with plain arrays;
 * - `// throws E_CODE` (or `// throws ValidationError E_CODE`) after a
 *   statement asserts that it throws an error with that code;
 * - `Float64Array [1, 2]` (console notation) compares as `[1, 2]`, and a
 *   trailing remark in parentheses after a space is ignored.
 *
 * Every extracted example is also type-checked (TypeScript, the repository's
 * strict options less the unused-name checks and noUncheckedIndexedAccess,
 * `@marksman/*` resolved to the
 * packages' sources as in tsconfig.json), so an example cannot call a
 * function with arguments its signature refuses, read a field that does not
 * exist, or use a name the public entry does not export.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const outDir = fileURLToPath(new URL('./.examples/', import.meta.url));
const dataDir = resolve(process.env.MARKSMAN_DATA_DIR ?? join(repo, '../shared/datasets'));

interface Example {
  name: string;
  file: string;
  needsData: boolean;
  /** A ```ts no-run block: type-checked, never executed. */
  typeOnly: boolean;
}

/**
 * A block that the tests do not run must say why on its first line, so a
 * reader knows what is unchecked: ```ts no-run (type-checked, not executed)
 * or ```ts no-check (neither, e.g. Deno notebook code), each opening with a
 * comment `// Not run by the tests…`.
 */
const UNRUN_REASON = /^\s*\/\/ Not run (?:or type-checked )?by the tests\b.{10,}/;

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'api' && e.name !== 'node_modules') out.push(...listFiles(p, ext));
    } else if (e.name.endsWith(ext) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const listSources = (dir: string) => listFiles(dir, '.ts');

/** Splits code at top-level `;` (outside strings, template literals and brackets). */
function splitStatements(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ';' && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Index of a `//` comment start outside strings, or -1. */
function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length - 1; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return i;
  }
  return -1;
}

/** The longest prefix of `text`, cut at whitespace, that parses as a JavaScript expression (a prose remark may follow). */
function longestExpression(text: string): string | null {
  const cuts = [...text.matchAll(/\s+/g)].map((m) => m.index!).concat(text.length).sort((a, b) => b - a);
  for (const cut of cuts) {
    const candidate = text.slice(0, cut).trim().replace(/[,;]$/, '');
    if (!candidate) continue;
    try {
      new Function(`return (${candidate});`); // parses only; nothing runs
      return candidate;
    } catch {
      // not an expression yet; try a shorter prefix
    }
  }
  return null;
}

const isExpression = (s: string) => !/^(const|let|var|function|class|if|for|while|return|import|export|type|interface)\b/.test(s);

function transform(code: string, where: string): string {
  const imports: string[] = [];
  const body: string[] = [];
  const lines = code.split('\n');
  let pending: string | null = null; // last expression statement, for a `// =>` on its own line
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (/^\s*(?:import|declare)\s/.test(raw)) {
      // imports, and `declare const data: …` standing for the reader's own values, go to the top level
      imports.push(raw);
      continue;
    }
    const at = commentStart(raw);
    const codePart = at >= 0 ? raw.slice(0, at) : raw;
    const comment = at >= 0 ? raw.slice(at + 2).trim() : '';
    const label = JSON.stringify(`${where}, example line ${n + 1}`);
    if (comment.startsWith('=>') || comment.startsWith('throws')) {
      let stmts = splitStatements(codePart);
      let target: string | undefined;
      if (stmts.length === 0) {
        if (pending === null) throw new Error(`${where}: "// =>" with no statement before it (line ${n + 1})`);
        // the previous body line holds `pending`; turn it into the check
        body.pop();
        target = pending;
      } else {
        target = stmts[stmts.length - 1]!;
        stmts = stmts.slice(0, -1);
        for (const s of stmts) body.push(`${s};`);
      }
      if (comment.startsWith('=>')) {
        // `Float64Array [1, 2]` is how consoles show typed arrays; compare as a plain array
        const valueSrc = comment
          .slice(2)
          .trim()
          .replace(/\s+\([^()]*\)$/, '') // a trailing remark such as `3 (duplicates summed)`
          .replace(/\b(?:Float64Array|Float32Array|Int32Array|Int16Array|Int8Array|Uint32Array|Uint16Array|Uint8Array|Uint8ClampedArray)\s*(?=\[)/g, '');
        const value = longestExpression(valueSrc);
        if (value === null) throw new Error(`${where}: cannot read the value after "// =>" on example line ${n + 1}: ${valueSrc}`);
        body.push(`__check(await (${target}), (${value}), ${JSON.stringify(value)}, ${label});`);
      } else {
        // `// throws E_CODE` or `// throws ValidationError E_CODE`: the code is the last word
        const codeName = comment.slice('throws'.length).trim().split(/\s+/).pop() ?? '';
        body.push(`await __throws(async () => { ${target}; }, ${JSON.stringify(codeName)}, ${label});`);
      }
      pending = null;
      continue;
    }
    body.push(raw);
    const stmts = splitStatements(codePart);
    const last = stmts[stmts.length - 1];
    pending = stmts.length === 1 && last !== undefined && isExpression(last) && codePart.trim().endsWith(';') ? last : null;
  }
  return `${imports.join('\n')}\nexport default async function (__check: (a: unknown, e: unknown, src: string, where: string) => void, __throws: (f: () => Promise<void>, code: string, where: string) => Promise<void>) {\n${body.join('\n')}\n}\n`;
}

/** ```ts no-run / no-check blocks whose first line does not say why they are not run. */
const unrunWithoutReason: string[] = [];

function collect(): Example[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const examples: Example[] = [];
  const addBlock = (rel: string, count: number, lineOfBlock: number, codeText: string, typeOnly = false) => {
    const name = `${rel}#${count}${typeOnly ? ' (no-run: type-checked only)' : ''}`;
    let code: string;
    try {
      code = transform(codeText, `${rel}:${lineOfBlock}`);
    } catch (e) {
      // a malformed example fails on its own instead of stopping the whole file
      code = `export default async function () { throw new Error(${JSON.stringify((e as Error).message)}); }\n`;
    }
    const out = join(outDir, `${rel.replace(/[\\/]/g, '__')}__${count}.ts`);
    writeFileSync(out, code);
    examples.push({ name, file: out, needsData: /@marksman\/datasets\/node|MARKSMAN_DATA_DIR/.test(codeText), typeOnly });
  };
  // ```ts blocks in the READMEs and guides (a block fenced as ```ts no-run is shown, not run)
  const markdown = [join(repo, 'README.md'), ...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'README.md'))];
  const docs = join(repo, 'docs');
  if (existsSync(docs)) markdown.push(...listFiles(docs, '.md'));
  for (const file of markdown.filter((f) => existsSync(f)).sort()) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(repo, file);
    let count = 0;
    for (const m of text.matchAll(/^```(?:ts|typescript)(?:[ \t]+(no-run|no-check))?[ \t]*\n([\s\S]*?)^```/gm)) {
      count++;
      const line = text.slice(0, m.index).split('\n').length;
      if (m[1] !== undefined && !UNRUN_REASON.test(m[2]!)) unrunWithoutReason.push(`${rel}:${line} (\`\`\`ts ${m[1]})`);
      if (m[1] === 'no-check') continue;
      addBlock(rel, count, line, m[2]!, m[1] === 'no-run');
    }
  }
  for (const pkg of readdirSync(join(repo, 'packages')).sort()) {
    const src = join(repo, 'packages', pkg, 'src');
    if (!existsSync(src)) continue;
    for (const file of listSources(src).sort()) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(repo, file);
      let count = 0;
      for (const block of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
        const doc = block[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
        for (const m of doc.matchAll(/@example[^\n]*\n\s*```(?:ts|typescript)\n([\s\S]*?)```/g)) {
          count++;
          addBlock(rel, count, text.slice(0, block.index).split('\n').length, m[1]!);
        }
      }
    }
  }
  return examples;
}

function decimals(x: number): number {
  const s = String(x);
  if (/e/i.test(s)) return -1;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function approx(actual: unknown, expected: unknown, path: string): string | null {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Object.is(actual, expected)) return null;
    if (Number.isNaN(expected)) return Number.isNaN(actual) ? null : `${path}: expected NaN, got ${actual}`;
    const d = decimals(expected);
    // integers allow floating-point noise (expm1(log1p(9)) is 9.000000000000002)
    const tol = d > 0 ? 0.5 * 10 ** -d * (1 + 1e-9) : d < 0 ? Math.abs(expected) * 5e-4 : Math.max(1, Math.abs(expected)) * 1e-12;
    return Math.abs(actual - expected) <= tol ? null : `${path}: expected ${expected}, got ${actual}`;
  }
  if (ArrayBuffer.isView(actual) && !(actual instanceof DataView)) actual = Array.from(actual as unknown as ArrayLike<number>);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected length ${expected.length}, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const e = approx(actual[i], expected[i], `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    for (const k of Object.keys(expected)) {
      const e = approx((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
      if (e) return e;
    }
    const extra = Object.keys(actual).filter((k) => !(k in (expected as object)) && (actual as Record<string, unknown>)[k] !== undefined);
    return extra.length > 0 && Object.getPrototypeOf(actual) === Object.prototype ? `${path}: unexpected keys ${extra.join(', ')}` : null;
  }
  return Object.is(actual, expected) ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const examples = collect();
const haveData = existsSync(dataDir);

describe('doc comment examples', () => {
  it('finds examples in every package', () => {
    expect(examples.length).toBeGreaterThan(20);
  });
  it('says in every block that the tests do not run why they cannot', () => {
    expect(unrunWithoutReason, 'start each such block with a comment "// Not run by the tests: <why>"').toEqual([]);
  });
  it.for(examples.filter((e) => !e.typeOnly).map((e) => [e.name, e] as const))('%s', async ([, ex], ctx) => {
    if (ex.needsData && !haveData) {
      // Counted as skipped, not passed, and the reason is printed.
      const why = `the data directory ${dataDir} is absent (set MARKSMAN_DATA_DIR)`;
      console.warn(`[doc examples] skipped ${ex.name}: ${why}`);
      ctx.skip(why);
    }
    const mod = (await import(ex.file)) as { default: (c: unknown, t: unknown) => Promise<void> };
    await mod.default(
      (actual: unknown, expected: unknown, src: string, where: string) => {
        const problem = approx(actual, expected, 'value');
        if (problem) throw new Error(`${where}: // => ${src}\n${problem}`);
      },
      async (f: () => Promise<void>, code: string, where: string) => {
        try {
          await f();
        } catch (e) {
          const got = (e as { code?: string }).code;
          if (code && got !== code) throw new Error(`${where}: expected a throw with code ${code}, got ${got ?? String(e)}`, { cause: e });
          return;
        }
        throw new Error(`${where}: expected a throw${code ? ` with code ${code}` : ''}`);
      },
    );
  });
});

/**
 * Type errors in the extracted examples, one line each: the example (file and
 * block number, as in the test names above), the line of the example at fault
 * and TypeScript's message.
 */
function typeErrors(list: readonly Example[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(repo, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!config) throw new Error('cannot read tsconfig.json');
  // Examples are snippets: a value computed only to show it is not "unused".
  // noUncheckedIndexedAccess is off as in a reader's default strict project:
  // it is about the reader's own indexing (`rows[0]`), not about our
  // signatures, and would put a `!` after every index in the docs. Every
  // other strict option stays on, exactOptionalPropertyTypes included.
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, noUncheckedIndexedAccess: false };
  const program = ts.createProgram(list.map((e) => e.file), options);
  const nameOf = new Map(list.map((e) => [resolve(e.file), e.name]));
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const name = nameOf.get(resolve(sf.fileName));
    if (name === undefined) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const at = d.start === undefined ? '' : sf.text.split('\n')[sf.getLineAndCharacterOfPosition(d.start).line]!.trim();
      out.push(`${name}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}${at ? `\n    at: ${at}` : ''}`);
    }
  }
  return out;
}

describe('doc examples type-check against the public types', () => {
  it('has no type error in any example', () => {
    const errors = typeErrors(examples);
    expect(errors.length, `${errors.length} type error(s) in doc examples:\n${errors.join('\n')}`).toBe(0);
  }, 300_000);
});
