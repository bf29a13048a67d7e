// @marksman/charts/render: turns a Vega-Lite spec into an SVG string, in
// Node (no browser, no canvas) and in browsers. `vega` and `vega-lite` are
// optional peers: they are imported here, when `renderSvg` is first called,
// never by the spec builders of `@marksman/charts`.
import { OptionsError, StateError, ValidationError } from '@marksman/core';
import { resolveOptions } from '@marksman/core/internal';

/** The part of the `vega` module that {@link renderSvg} uses. */
export interface VegaModule {
  /** Parses a Vega spec into a runtime dataflow description. */
  parse(spec: unknown, config?: unknown): unknown;
  /** The Vega view: runs the dataflow and renders the scene. */
  View: VegaViewConstructor;
}

/** The constructor of a Vega view, as `vega.View`. */
export interface VegaViewConstructor {
  /** A view of a parsed spec (`vega.parse(...)`), with options such as `{ renderer: 'none' }`. */
  new (runtime: unknown, options?: Record<string, unknown>): VegaView;
}

/** The part of a Vega view that {@link renderSvg} uses. */
export interface VegaView {
  /** Renders the view to an SVG string, scaled by `scaleFactor`. */
  toSVG(scaleFactor?: number): Promise<string>;
  /** Releases the view's timers and listeners. */
  finalize(): unknown;
}

/** The part of the `vega-lite` module that {@link renderSvg} uses. */
export interface VegaLiteModule {
  /** Compiles a Vega-Lite spec to a Vega spec. */
  compile(spec: never, options?: { logger?: unknown }): VegaLiteCompiled;
}

/** What `vegaLite.compile` returns (the part {@link renderSvg} reads). */
export interface VegaLiteCompiled {
  /** The Vega spec. */
  readonly spec: unknown;
}

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Scale factor of the SVG's width and height (default 1). */
  readonly scale?: number;
  /**
   * Receives each warning of the Vega-Lite compiler and of Vega (e.g. an
   * encoding that was dropped). Default: they are passed to Vega's own
   * logger, which prints them with `console.warn`.
   */
  readonly onWarning?: ((message: string) => void) | undefined;
  /**
   * The `vega` module, when you load it yourself (a bundled app, a script
   * tag, a CDN import); default: `import('vega')` on the first call.
   */
  readonly vega?: VegaModule | undefined;
  /** The `vega-lite` module, when you load it yourself; default: `import('vega-lite')`. */
  readonly vegaLite?: VegaLiteModule | undefined;
}

interface ResolvedRenderSvgOptions {
  scale: number;
  onWarning: ((message: string) => void) | undefined;
  vega: VegaModule | undefined;
  vegaLite: VegaLiteModule | undefined;
}

const DEFAULTS: Readonly<ResolvedRenderSvgOptions> = Object.freeze({ scale: 1, onWarning: undefined, vega: undefined, vegaLite: undefined });

const SOURCE = 'renderSvg';

/** Imports a package whose name bundlers and TypeScript should not try to resolve (it is an optional peer). */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n')[0] ?? text;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** `owner[key]`, or undefined when reading it throws (a proxy, a getter). */
function read(owner: unknown, key: string): unknown {
  try {
    return (owner as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Whether `check` accepts `mod`, false when inspecting it throws. */
function looksRight(check: (m: Record<string, unknown>) => boolean, mod: Record<string, unknown>): boolean {
  try {
    return check(mod);
  } catch {
    return false;
  }
}

/**
 * A copy of the spec's plain objects and arrays, so Vega works on its own
 * rows: it tags every data row with an id (a symbol property), which fails
 * on frozen rows and would change the caller's spec. Other values (dates,
 * functions) are shared. A spec that contains itself is refused.
 */
function copySpec(v: unknown, path: Set<unknown>): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const proto = Object.getPrototypeOf(v) as unknown;
  const isArray = Array.isArray(v);
  if (!isArray && proto !== Object.prototype && proto !== null) return v;
  if (path.has(v)) {
    throw new ValidationError('E_CHART_SPEC', `${SOURCE}: the spec contains itself (a cycle), so it is not a Vega-Lite spec; pass plain JSON data.`, { source: SOURCE, field: 'spec' });
  }
  path.add(v);
  let out: unknown;
  if (isArray) out = (v as unknown[]).map((x) => copySpec(x, path));
  else {
    const o: Record<string, unknown> = proto === null ? Object.create(null) : {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = copySpec(x, path);
    out = o;
  }
  path.delete(v);
  return out;
}

/**
 * Checks the spec's named data sets (`datasets`, where every chart of this
 * package keeps its data) as Vega-Lite's schema defines them: each a list of
 * rows (objects or plain values), a text (CSV, JSON) or an object (GeoJSON,
 * TopoJSON); a missing row (null) would stop Vega with a message naming
 * none of this.
 */
function checkDatasets(spec: Record<string, unknown>): void {
  const datasets = spec.datasets;
  if (datasets === undefined) return;
  const refuse = (field: string, what: string, row?: number) =>
    new ValidationError('E_CHART_SPEC', `${SOURCE}: ${field}${row === undefined ? '' : ` (row ${row})`} ${what}.`, { source: SOURCE, field, ...(row === undefined ? {} : { row }) });
  if (typeof datasets !== 'object' || datasets === null || Array.isArray(datasets)) throw refuse('spec.datasets', 'must be an object of named data sets ({ name: rows })');
  for (const [name, data] of Object.entries(datasets)) {
    const field = `spec.datasets.${name}`;
    if (typeof data === 'string') continue;
    if (typeof data !== 'object' || data === null) throw refuse(field, `must be an array of rows, a text or an object, got ${data === null ? 'null' : typeof data}`);
    if (!Array.isArray(data)) continue;
    data.forEach((row: unknown, i) => {
      if (row === null || row === undefined) throw refuse(field, `is ${String(row)}; every row must be an object or a value`, i);
    });
  }
}

let loaded: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

async function loadModules(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  const one = async (name: string, check: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    let mod: Record<string, unknown>;
    try {
      mod = (await importOptional(name)) as Record<string, unknown>;
    } catch (e) {
      throw new StateError(
        'E_RENDERER_MISSING',
        `${SOURCE}: rendering needs the optional packages vega and vega-lite, and ${name} could not be loaded (${firstLine(e)}). Install them with \`npm install vega vega-lite\`, or pass the modules as the vega and vegaLite options.`,
        { source: SOURCE, field: name === 'vega' ? 'vega' : 'vegaLite' },
      );
    }
    // A CommonJS build seen through ESM interop keeps the exports under `default`.
    const candidate = looksRight(check, mod) ? mod : (read(mod, 'default') as Record<string, unknown> | undefined);
    if (candidate === undefined || candidate === null || !looksRight(check, candidate)) {
      throw new StateError('E_RENDERER_MISSING', `${SOURCE}: the module loaded as ${name} does not look like ${name}; install vega and vega-lite (npm install vega vega-lite).`, {
        source: SOURCE,
        field: name === 'vega' ? 'vega' : 'vegaLite',
      });
    }
    return candidate;
  };
  const [vega, vegaLite] = await Promise.all([
    one('vega', (m) => typeof m.parse === 'function' && typeof m.View === 'function'),
    one('vega-lite', (m) => typeof m.compile === 'function'),
  ]);
  return { vega: vega as unknown as VegaModule, vegaLite: vegaLite as unknown as VegaLiteModule };
}

/** A logger with the methods both vega-lite and vega call, sending warnings (and errors) to `onWarning`. */
function warningLogger(onWarning: (message: string) => void): Record<string, unknown> {
  let level = 2; // vega's Warn
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger: Record<string, unknown> = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      onWarning(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      onWarning(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Renders a Vega-Lite spec (any chart of `@marksman/charts`, or your own) to
 * an SVG string, in Node without a browser or a canvas package (Vega draws
 * SVG itself and estimates text widths), and in browsers. Compiles with
 * vega-lite, runs a headless Vega view (`renderer: 'none'`), returns
 * `view.toSVG(scale)` and releases the view.
 *
 * `vega` and `vega-lite` are optional peer dependencies, imported on the
 * first call; install them (`npm install vega vega-lite`) or pass the
 * modules you loaded yourself as options. Costs what Vega's layout and
 * rendering cost: roughly linear in the marks drawn.
 *
 * @param spec - a Vega-Lite spec, such as the result of `rocChart`
 * @param options - `scale` (default 1), `onWarning`, `vega`, `vegaLite`
 * @returns the SVG document as a string
 * @throws `StateError` `E_RENDERER_MISSING` when vega or vega-lite cannot be loaded;
 *   `ValidationError` `E_CHART_SPEC` when the spec is not an object, contains itself, has a data set that is
 *   not a list, text or object (or a missing row: `field` and `row` name it), or Vega-Lite or Vega
 *   refuses it (an error thrown by your `onWarning` passes through unchanged);
 *   `OptionsError` `E_OPTION_RANGE` (scale not a positive number), `E_OPTION_TYPE`, `E_OPTION_UNKNOWN`
 * @example
 * ```ts
 * import { rocCurve } from '@marksman/metrics';
 * import { rocChart } from '@marksman/charts';
 * import { renderSvg } from '@marksman/charts/render';
 * const svg = await renderSvg(rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])));
 * svg.startsWith('<svg'); // => true
 * svg.includes('ROC curve (AUC 0.750)'); // => true
 * await renderSvg(rocChart(rocCurve([0, 1], [0.2, 0.7])), { scale: 0 }); // throws E_OPTION_RANGE
 * ```
 */
export async function renderSvg(spec: object, options?: RenderSvgOptions): Promise<string> {
  const o = resolveOptions<ResolvedRenderSvgOptions>(SOURCE, DEFAULTS, options);
  if (typeof o.scale !== 'number' || !Number.isFinite(o.scale) || !(o.scale > 0)) {
    throw new OptionsError('E_OPTION_RANGE', `${SOURCE}: scale must be a positive number, got ${String(o.scale)}.`, { source: SOURCE, field: 'scale' });
  }
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: onWarning must be a function.`, { source: SOURCE, field: 'onWarning' });
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ValidationError('E_CHART_SPEC', `${SOURCE}: spec must be a Vega-Lite spec object (for example the result of rocChart), got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}.`, {
      source: SOURCE,
      field: 'spec',
    });
  }
  const own = copySpec(spec, new Set()) as Record<string, unknown>;
  checkDatasets(own);
  let modules: { vega: VegaModule; vegaLite: VegaLiteModule };
  if (o.vega !== undefined || o.vegaLite !== undefined) {
    if (o.vega === undefined || o.vegaLite === undefined) {
      throw new OptionsError('E_OPTION_TYPE', `${SOURCE}: pass both the vega and the vegaLite modules, or neither.`, { source: SOURCE, field: o.vega === undefined ? 'vega' : 'vegaLite' });
    }
    modules = { vega: o.vega, vegaLite: o.vegaLite };
  } else {
    loaded ??= loadModules();
    try {
      modules = await loaded;
    } catch (e) {
      loaded = undefined; // a later call may find the packages installed
      throw e;
    }
  }
  // What the caller's onWarning throws is the caller's own error: it passes through unchanged.
  let callerError: { readonly error: unknown } | undefined;
  const onWarning = o.onWarning;
  const logger =
    onWarning === undefined
      ? undefined
      : warningLogger((message) => {
          try {
            onWarning(message);
          } catch (error) {
            callerError = { error };
            throw error;
          }
        });
  const refused = (what: string, e: unknown): unknown => {
    if (callerError !== undefined && callerError.error === e) return e;
    return new ValidationError('E_CHART_SPEC', `${SOURCE}: ${what} this spec: ${firstLine(e)}`, { source: SOURCE, field: 'spec' });
  };
  let vegaSpec: unknown;
  try {
    vegaSpec = modules.vegaLite.compile(own as never, logger === undefined ? {} : { logger }).spec;
  } catch (e) {
    throw refused('Vega-Lite cannot compile', e);
  }
  let view: VegaView;
  try {
    view = new modules.vega.View(modules.vega.parse(vegaSpec), logger === undefined ? { renderer: 'none' } : { renderer: 'none', logger });
  } catch (e) {
    throw refused('Vega cannot run', e);
  }
  try {
    return await view.toSVG(o.scale);
  } catch (e) {
    throw refused('Vega cannot draw', e);
  } finally {
    view.finalize();
  }
}
