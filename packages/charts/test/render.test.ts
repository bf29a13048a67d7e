import { afterEach, describe, expect, it, vi } from 'vitest';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { rocCurve } from '@marksman/metrics';
import { VEGA_LITE_SCHEMA, rocChart } from '@marksman/charts';
import { renderSvg } from '@marksman/charts/render';
import { deepFreeze, svgTexts } from './helpers';

const spec = rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));

describe('renderSvg', () => {
  afterEach(() => {
    vi.doUnmock('vega');
    vi.doUnmock('vega-lite');
    vi.resetModules();
  });

  it('renders a spec to a standalone SVG document; scale multiplies its size', async () => {
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* width="(\d+(\.\d+)?)" height="(\d+(\.\d+)?)"/);
    expect(svgTexts(svg)).toContain('ROC curve (AUC 0.750)');
    const size = (s: string) => /width="([\d.]+)" height="([\d.]+)"/.exec(s)!.slice(1).map(Number);
    const big = await renderSvg(spec, { scale: 2 });
    expect(size(big)).toEqual(size(svg).map((v) => 2 * v));
  });

  it('renders any Vega-Lite spec, not only ours, and the modules may be passed in', async () => {
    const own = { $schema: VEGA_LITE_SCHEMA, data: { values: [{ a: 'x', b: 3 }, { a: 'y', b: 5 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } };
    const svg = await renderSvg(own, { vega: vega as never, vegaLite: vegaLite as never });
    expect(svg.match(/class="mark-rect role-mark/g)?.length).toBe(1);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['x', 'y']));
  });

  it('sends vega-lite warnings to onWarning', async () => {
    const warnings: string[] = [];
    const bad = { $schema: VEGA_LITE_SCHEMA, data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: {} } };
    await renderSvg(bad, { onWarning: (m) => warnings.push(m) });
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/Dropping/);
  });

  it('refuses a spec that is not an object or that Vega-Lite cannot compile', async () => {
    await expect(renderSvg(null as never)).rejects.toMatchObject({ code: 'E_CHART_SPEC', field: 'spec' });
    await expect(renderSvg([] as never)).rejects.toMatchObject({ code: 'E_CHART_SPEC' });
    await expect(renderSvg({ mark: 'point', layer: 3 })).rejects.toMatchObject({ code: 'E_CHART_SPEC' });
  });

  it('renders a frozen spec and leaves it as it was (Vega tags the rows of its own copy)', async () => {
    const frozen = deepFreeze(rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])));
    const before = JSON.stringify(frozen);
    const svg = await renderSvg(frozen);
    expect(svg).toBe(await renderSvg(spec));
    expect(JSON.stringify(frozen)).toBe(before);
    // not even a symbol property (Vega's row id) lands on the caller's rows
    const open = rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));
    await renderSvg(open);
    expect(open.datasets.roc!.every((row) => Object.getOwnPropertySymbols(row).length === 0)).toBe(true);
  });

  it('refuses a spec that contains itself, and data sets Vega cannot read, naming the data set and row', async () => {
    const cyclic: Record<string, unknown> = { ...spec };
    cyclic.self = cyclic;
    await expect(renderSvg(cyclic)).rejects.toMatchObject({ code: 'E_CHART_SPEC', field: 'spec' });
    await expect(renderSvg({ ...spec, datasets: 42 })).rejects.toMatchObject({ code: 'E_CHART_SPEC', field: 'spec.datasets' });
    await expect(renderSvg({ ...spec, datasets: { ...spec.datasets, roc: Infinity } })).rejects.toMatchObject({ code: 'E_CHART_SPEC', field: 'spec.datasets.roc' });
    await expect(renderSvg({ ...spec, datasets: { ...spec.datasets, roc: [spec.datasets.roc![0], null] } })).rejects.toMatchObject({ code: 'E_CHART_SPEC', field: 'spec.datasets.roc', row: 1 });
  });

  it('turns what Vega itself throws into E_CHART_SPEC, but lets an error of onWarning through unchanged', async () => {
    const bars = { mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } };
    // a missing row in inline data: Vega fails on it (a TypeError before)
    await expect(renderSvg({ ...bars, data: { values: [null, { a: 'x', b: 1 }] } })).rejects.toMatchObject({ name: 'ValidationError', code: 'E_CHART_SPEC', field: 'spec' });
    const mine = new RangeError('stop at the first warning');
    const dropped = { ...bars, data: { values: [{ a: 'x', b: 1 }] }, encoding: { x: {}, y: {} } };
    await expect(
      renderSvg(dropped, {
        onWarning: () => {
          throw mine;
        },
      }),
    ).rejects.toBe(mine);
  });

  it('refuses bad options', async () => {
    await expect(renderSvg(spec, { scale: -1 })).rejects.toMatchObject({ code: 'E_OPTION_RANGE', field: 'scale' });
    await expect(renderSvg(spec, { onWarning: 'log' as never })).rejects.toMatchObject({ code: 'E_OPTION_TYPE', field: 'onWarning' });
    await expect(renderSvg(spec, { vega: vega as never })).rejects.toMatchObject({ code: 'E_OPTION_TYPE', field: 'vegaLite' });
    await expect(renderSvg(spec, { format: 'png' } as never)).rejects.toMatchObject({ code: 'E_OPTION_UNKNOWN' });
  });

  it('says how to install vega when it cannot be loaded (an optional peer), and recovers once it can', async () => {
    vi.resetModules();
    vi.doMock('vega', () => {
      throw new Error("Cannot find package 'vega'");
    });
    const { renderSvg: fresh } = await import('@marksman/charts/render');
    const error = await fresh(spec).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'StateError', code: 'E_RENDERER_MISSING', field: 'vega' });
    expect((error as Error).message).toContain('npm install vega vega-lite');
    vi.doUnmock('vega');
    expect((await fresh(spec)).startsWith('<svg')).toBe(true);
  });

  it('refuses a module that is not vega-lite', async () => {
    vi.resetModules();
    vi.doMock('vega-lite', () => ({ default: { notCompile: true } }));
    const { renderSvg: fresh } = await import('@marksman/charts/render');
    await expect(fresh(spec)).rejects.toMatchObject({ code: 'E_RENDERER_MISSING', field: 'vegaLite' });
  });
});
