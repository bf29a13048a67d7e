/**
 * Every exported function, class and constant of every package carries an
 * `@example` in its doc comment (typedoc already fails on an undocumented
 * export; this adds the example rule of CONTRIBUTING.md). The examples
 * themselves are run by doc-examples.test.ts.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const entries = ['core', 'metrics', 'datasets', 'profiling', 'learn', 'segmentation', 'recsys', 'experiments', 'sql', 'charts', 'io']
  .map((p) => `${repo}packages/${p}/src/index.ts`)
  .concat(`${repo}packages/datasets/src/node.ts`, `${repo}packages/recsys/src/tfjs/index.ts`, `${repo}packages/charts/src/render.ts`, `${repo}packages/sql/src/node.ts`, `${repo}packages/io/src/node.ts`);

describe('public API documentation', () => {
  it('gives every exported function, class and constant an @example', () => {
    const program = ts.createProgram(entries, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    let count = 0;
    for (const file of entries) {
      const source = program.getSourceFile(file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      expect(moduleSymbol, file).toBeDefined();
      for (const exported of checker.getExportsOfModule(moduleSymbol!)) {
        const s = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable))) continue;
        count++;
        const hasExample = (s.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
        if (!hasExample) missing.push(`${file.slice(repo.length)}: ${exported.name}`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  }, 120_000);
});
