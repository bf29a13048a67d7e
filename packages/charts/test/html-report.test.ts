import { describe, expect, it } from 'vitest';
import { rocCurve } from '@marksman/metrics';
import { htmlReport, retentionChart, rocChart } from '@marksman/charts';
import { renderSvg } from '@marksman/charts/render';
import { deepFreeze } from './helpers';

const svgA = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><clipPath id="clip1"><rect width="5" height="5"/></clipPath></defs><g clip-path="url(#clip1)"><rect width="9" height="9"/></g><use href="#clip1"/></svg>';

describe('htmlReport', () => {
  it('escapes every text: title, summary, headings, paragraphs, cells, captions, footer', () => {
    const evil = `<b onclick="x()">&'"</b>`;
    const html = htmlReport(
      deepFreeze({
        title: evil,
        summary: [evil],
        sections: [{ title: evil, paragraphs: [evil], table: { columns: [evil], rows: [[evil]] }, charts: [{ svg: svgA, caption: evil }] }],
        footer: evil,
      }),
    );
    expect(html).not.toContain('<b ');
    expect(html).not.toContain('onclick="x()"');
    const escaped = '&lt;b onclick=&quot;x()&quot;&gt;&amp;&#39;&quot;&lt;/b&gt;';
    // title tag, h1, summary, h2, paragraph, th, td, figcaption, footer: each is escaped
    expect(html.split(escaped).length - 1).toBe(9);
  });

  it('is one self-contained page: no script, nothing fetched, one figure per chart with its caption', async () => {
    const roc = await renderSvg(rocChart(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])));
    const cohorts = { period: 'month', timeZone: 'UTC', lastPeriod: '2024-02', cohorts: [{ cohort: '2024-01', start: 0, customers: 10, active: [10, 4], retention: [1, 0.4] }] };
    const heat = await renderSvg(retentionChart(cohorts as never));
    const html = htmlReport({
      title: 'Report',
      sections: [
        { title: 'One', paragraphs: ['p'], charts: [{ svg: roc, caption: 'AUC 0.75' }] },
        { title: 'Two', table: { columns: ['n', 'label'], rows: [[12345.678, 'a'], [Number.NaN, 'b']] }, charts: [{ svg: heat, caption: 'retention' }] },
      ],
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.endsWith('</html>\n')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|src=/i);
    expect(html.match(/<figure class="chart"/g)!.length).toBe(2);
    expect(html).toContain('<figcaption>AUC 0.75</figcaption>');
    expect(html).toContain('<td class="n">12,345.678</td>');
    expect(html).toContain('<td class="n">–</td>');
    expect(html).toContain('<a href="#s2">Two</a>');
  });

  it('prefixes each chart’s ids and their references, so two charts never share a clip path', () => {
    const html = htmlReport({ title: 't', sections: [{ title: 's', charts: [{ svg: svgA, caption: 'a' }, { svg: `<?xml version="1.0"?>\n${svgA}`, caption: 'b' }] }] });
    expect(html).toContain('id="c1-clip1"');
    expect(html).toContain('url(#c1-clip1)');
    expect(html).toContain('href="#c1-clip1"');
    expect(html).toContain('id="c2-clip1"');
    expect(html).toContain('url(#c2-clip1)');
    expect(html).not.toContain('<?xml');
    expect(html).not.toContain('"clip1"');
  });

  it('refuses an SVG that runs or loads something (E_REPORT_SVG), naming the chart', () => {
    const one = (svg: string) => () => htmlReport({ title: 't', sections: [{ title: 's', charts: [{ svg: '<svg></svg>', caption: '' }, { svg, caption: '' }] }] });
    for (const bad of [
      '<div></div>',
      '<svg><script>alert(1)</script></svg>',
      '<svg><rect onload="alert(1)"/></svg>',
      '<svg><foreignObject><p>x</p></foreignObject></svg>',
      '<svg><image href="x.png"/></svg>',
      '<svg><a href="https://example.com"><rect/></a></svg>',
      '<svg><rect style="fill:url(https://example.com/x)"/></svg>',
      '<svg><g></g>',
    ]) {
      expect(one(bad), bad).toThrow(expect.objectContaining({ code: 'E_REPORT_SVG', field: 'report.sections[0].charts[1].svg' }));
    }
    // words in text content are not attributes
    expect(() => one('<svg><text>based on = 3, see url(here)</text></svg>')()).not.toThrow();
  });

  it('refuses input that is not the described shape (E_CHART_INPUT, E_LENGTH)', () => {
    expect(() => htmlReport(null as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report' }));
    expect(() => htmlReport({ title: 3, sections: [] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.title' }));
    expect(() => htmlReport({ title: 't' } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections' }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', paragraphs: ['a', 2] }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections[0].paragraphs', row: 1 }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', charts: [{ svg: '<svg></svg>' }] }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections[0].charts[0].caption' }));
    expect(() => htmlReport({ title: 't', sumary: ['x'], sections: [] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sumary' }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', chart: [] }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections[0].chart' }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', charts: [{ svg: '<svg></svg>', caption: '', alt: '' }] }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections[0].charts[0].alt' }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', table: { columns: ['a', 'b'], rows: [['x']] } }] })).toThrow(expect.objectContaining({ code: 'E_LENGTH', row: 0 }));
    expect(() => htmlReport({ title: 't', sections: [{ title: 's', table: { columns: ['a'], rows: [[null]] } }] } as never)).toThrow(expect.objectContaining({ code: 'E_CHART_INPUT', field: 'report.sections[0].table.rows' }));
  });
});
