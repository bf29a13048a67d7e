// The shape of what every chart function returns, and the pieces they share:
// the schema URL, the common options (title, width, height) and the base of a
// spec. Plain JSON throughout: nothing here needs Vega.
import { OptionsError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';

/**
 * The Vega-Lite JSON schema every spec of this package names in `$schema`
 * (Vega-Lite 6, the version `@marksman/charts/render` is tested with).
 *
 * @example
 * ```ts
 * import { VEGA_LITE_SCHEMA, calibrationChart } from '@marksman/charts';
 * VEGA_LITE_SCHEMA; // => 'https://vega.github.io/schema/vega-lite/v6.json'
 * calibrationChart({ fractionPositive: [0.2], meanPredicted: [0.25], counts: [40] } as never).$schema === VEGA_LITE_SCHEMA; // => true
 * ```
 */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One row of chart data: numbers, strings, booleans or null (a value that does not exist, such as the ROC curve's first threshold). */
export type ChartRow = Record<string, number | string | boolean | null>;

/**
 * A Vega-Lite specification as a plain, JSON-serialisable object. The data
 * are inline, under `datasets` (one named table per layer that needs one),
 * so the spec is complete: save it as JSON, open it in the Vega editor, hand
 * it to vega-embed or a notebook, or render it with `renderSvg` from
 * `@marksman/charts/render`. Edit it freely before rendering (it is a new
 * object on every call).
 */
export interface VegaLiteSpec {
  /** The Vega-Lite schema URL ({@link VEGA_LITE_SCHEMA}). */
  $schema: string;
  /** The chart's data: named tables of plain rows that the layers refer to by name. */
  datasets: Record<string, ChartRow[]>;
  /** Everything else Vega-Lite reads: title, size, layers, marks, encodings. */
  [key: string]: unknown;
}

/** Options every chart accepts. */
export interface ChartOptions {
  /** Chart title; default: a title naming what is shown (some charts add a summary number such as the AUC). */
  readonly title?: string | undefined;
  /** Width of the plot area (of each panel, for charts with several) in pixels; default depends on the chart. */
  readonly width?: number;
  /** Height of the plot area (of each panel) in pixels; default depends on the chart. */
  readonly height?: number;
}

/** Resolved common options. @internal */
export interface BaseOptions {
  title: string | undefined;
  width: number;
  height: number;
}

/**
 * Resolves a chart's options over its frozen defaults (unknown keys refused)
 * and checks the common ones. @internal
 */
export function chartOptions<D extends BaseOptions>(source: string, defaults: Readonly<D>, options: { readonly [K in keyof D]?: D[K] | undefined } | undefined): D {
  const o = resolveOptions<D>(source, defaults, options);
  if (o.title !== undefined && typeof o.title !== 'string') {
    throw new OptionsError('E_OPTION_TYPE', `${source}: title must be a string, got ${typeof o.title}.`, { source, field: 'title' });
  }
  for (const field of ['width', 'height'] as const) {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 10 || v > 10_000) {
      throw new OptionsError('E_OPTION_RANGE', `${source}: ${field} must be a number of pixels from 10 to 10,000, got ${String(v)}.`, { source, field });
    }
  }
  return o;
}

/** The top of a spec: schema, title, data sets. @internal */
export function specBase(title: string, datasets: Record<string, ChartRow[]>, extra?: Record<string, unknown>): VegaLiteSpec {
  return { $schema: VEGA_LITE_SCHEMA, title, datasets, ...extra };
}

/** A number for a chart: itself when finite, else null (JSON has no Infinity or NaN). @internal */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** `x` rounded to `digits` significant decimals, for titles. @internal */
export function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
