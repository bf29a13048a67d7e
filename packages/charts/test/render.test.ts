import { afterEach, describe, expect, it, vi } from 'vitest';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { rocCurve } from '@marksman/metrics';
import { VEGA_LITE_SCHEMA, rocChart } from '@marksman/charts';
import { renderSvg } from '@marksman/charts/render';
import { svgTexts } from './helpers';

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
