// Shared checks for the chart tests: a spec must be plain JSON, compile with
// vega-lite without a single warning, and render to SVG through the public
// renderer without a warning from Vega either.
import { compile } from 'vega-lite';
import { expect } from 'vitest';
import { renderSvg } from '@marksman/charts/render';

/** Compiles with vega-lite and returns the warnings (tests expect none). */
export function compileWarnings(spec: object): string[] {
  const warnings: string[] = [];
  const logger = {
    level(l?: number) {
      return l === undefined ? 2 : logger;
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    error: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  compile(spec as never, { logger: logger as never });
  return warnings;
}

/** Checks that a spec is JSON, compiles cleanly, and renders; returns the SVG. */
export async function checkSpec(spec: object): Promise<string> {
  expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  expect(compileWarnings(spec)).toEqual([]);
  const warnings: string[] = [];
  const svg = await renderSvg(spec, { onWarning: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
  expect(svg.startsWith('<svg')).toBe(true);
  return svg;
}

/** Text of every <text> element of an SVG, in document order (entities decoded). */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

/** Number of SVG elements with the given Vega mark role class (e.g. 'line', 'symbol', 'rect'). */
export function markCount(svg: string, mark: string): number {
  return [...svg.matchAll(new RegExp(`class="mark-${mark} role-mark`, 'g'))].length;
}

/** Deeply freezes an object (and typed arrays' containers), so a test sees any mutation. */
export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
