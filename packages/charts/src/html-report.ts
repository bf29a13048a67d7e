import { ValidationError } from '@marksman/core';
import { describeValue, inputError, isRecord } from './checks';

/** One chart of a report section: an SVG (from `renderSvg`) and the sentence that says what it shows. */
export interface ReportChart {
  /** The chart as an SVG document, e.g. `await renderSvg(rocChart(curve))`. */
  readonly svg: string;
  /** One sentence of interpretation shown under the chart (plain text; escaped). */
  readonly caption: string;
}

/** A small table of a report section; cells are text, numbers are shown with thousands separators. */
export interface ReportTable {
  /** Column headings. */
  readonly columns: readonly string[];
  /** The rows, each with one cell per column. */
  readonly rows: readonly (readonly (string | number)[])[];
}

/** One section of a report: a heading, paragraphs, an optional table and charts, in that order. */
export interface ReportSection {
  /** The section heading. */
  readonly title: string;
  /** Paragraphs of plain text (escaped, never read as HTML). */
  readonly paragraphs?: readonly string[];
  /** A table shown after the paragraphs. */
  readonly table?: ReportTable;
  /** Charts shown after the table. */
  readonly charts?: readonly ReportChart[];
}

/** What {@link htmlReport} builds a page from. */
export interface HtmlReportInput {
  /** The page title and top heading. */
  readonly title: string;
  /** Lines shown under the title (e.g. the data and the date), as plain text. */
  readonly summary?: readonly string[];
  /** The sections, in order; a contents list links to each. */
  readonly sections: readonly ReportSection[];
  /** A line at the foot of the page (e.g. how it was made). */
  readonly footer?: string;
}

const SOURCE = 'htmlReport';

/** Text made safe for HTML content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Refuses a field the shape does not have (a misspelt `sumary` would otherwise vanish from the page). */
function checkKeys(v: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw new ValidationError('E_CHART_INPUT', `${SOURCE}: ${field} has an unknown field ${JSON.stringify(key)}; the fields are ${allowed.join(', ')}.`, { source: SOURCE, field: `${field}.${key}` });
    }
  }
}

function requireText(field: string, v: unknown, row?: number): string {
  if (typeof v !== 'string') throw inputError(SOURCE, field, 'a string', v, row);
  return v;
}

function requireArray(field: string, v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw inputError(SOURCE, field, 'an array', v);
  return v;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:1000px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.4rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.summary p{margin:.2rem 0;color:#59636e}nav ol{columns:2;padding-left:1.2rem}
table{border-collapse:collapse;margin:1rem 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #d0d7de;padding:.25rem .7rem;text-align:left}td.n{text-align:right}
figure.chart{margin:1.2rem 0;overflow-x:auto}figure.chart figcaption{color:#3d444d;max-width:760px;margin-top:.3rem}
footer{margin-top:3rem;color:#59636e;font-size:.85rem}`;

/**
 * Makes an SVG safe and unique inside a page of several: checks that it is
 * one `<svg>` element with nothing that runs or loads (no script, no event
 * attribute, no foreignObject, no link or `url()` outside the SVG itself),
 * and prefixes its ids, so two charts whose renderers both named a clip path
 * `clip1` keep their own.
 */
function embedSvg(svg: string, prefix: string, field: string): string {
  let s = svg.trim().replace(/^<\?xml[^>]*\?>\s*/, '');
  const refuse = (why: string) =>
    new ValidationError('E_REPORT_SVG', `${SOURCE}: ${field} ${why}; pass the string renderSvg returns (one <svg> element with nothing that runs or loads).`, { source: SOURCE, field });
  if (!/^<svg[\s>]/.test(s) || !s.endsWith('</svg>')) throw refuse(`is not an SVG document (it starts ${describeValue(s.slice(0, 20))})`);
  if (/<script|<foreignObject|<iframe|<image/i.test(s)) throw refuse('contains an element that runs code or loads content');
  for (const [tag] of s.matchAll(/<[^>]*>/g)) {
    if (/\son[a-z]+\s*=/i.test(tag)) throw refuse('contains an event-handler attribute');
    if (/(?:href|src)\s*=\s*(?:["'](?!#)|[^"'#\s])/i.test(tag) || /url\(\s*(?:["'](?!#)|[^"'#\s])/i.test(tag)) throw refuse('refers to something outside itself (a link or url() that is not #id)');
  }
  const ids = new Set<string>();
  for (const m of s.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size > 0) {
    s = s.replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}${prefix}${id}${b}`);
    s = s.replace(/url\(\s*(["']?)#([^)"']+)\1\s*\)/g, (whole, q: string, id: string) => (ids.has(id) ? `url(${q}#${prefix}${id}${q})` : whole));
    s = s.replace(/(href\s*=\s*")#([^"]+)(")/gi, (whole, a: string, id: string, b: string) => (ids.has(id) ? `${a}#${prefix}${id}${b}` : whole));
  }
  return s;
}

function cell(v: unknown, field: string, row: number): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '<td class="n">–</td>';
    return `<td class="n">${escapeHtml(v.toLocaleString('en-US', { maximumFractionDigits: 4 }))}</td>`;
  }
  if (typeof v !== 'string') throw inputError(SOURCE, field, 'a string or a number', v, row);
  return `<td>${escapeHtml(v)}</td>`;
}

function tableHtml(t: unknown, field: string): string {
  if (!isRecord(t)) throw inputError(SOURCE, field, 'a table { columns, rows }', t);
  checkKeys(t, ['columns', 'rows'], field);
  const columns = requireArray(`${field}.columns`, t.columns).map((c, i) => requireText(`${field}.columns`, c, i));
  const rows = requireArray(`${field}.rows`, t.rows).map((r, i) => {
    const cells = requireArray(`${field}.rows`, r);
    if (cells.length !== columns.length) {
      throw new ValidationError('E_LENGTH', `${SOURCE}: ${field}.rows (row ${i}) has ${cells.length} cells for ${columns.length} columns.`, { source: SOURCE, field: `${field}.rows`, row: i });
    }
    return `<tr>${cells.map((c) => cell(c, `${field}.rows`, i)).join('')}</tr>`;
  });
  return `<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Builds a self-contained HTML page from sections of text, tables and charts
 * already rendered to SVG (with `renderSvg` from `@marksman/charts/render`):
 * no script, no stylesheet or font to fetch, so the file opens offline and
 * can be mailed or archived as it is. Every text is escaped (a customer name
 * or segment label cannot inject markup); each SVG is checked to be a plain
 * `<svg>` element that runs and loads nothing, and its ids are prefixed per
 * chart so charts do not share clip paths or gradients.
 *
 * Costs O(total size of the texts and SVGs).
 *
 * @param report - `{ title, summary?, sections, footer? }`; a section is
 *   `{ title, paragraphs?, table?: { columns, rows }, charts?: [{ svg, caption }] }`
 * @returns the HTML document as a string (write it to a `.html` file)
 * @throws `ValidationError` `E_CHART_INPUT` when a field is not the text, list or object described
 *   or an object has a field not described here (a misspelling),
 *   `E_LENGTH` when a table row has the wrong number of cells, `E_REPORT_SVG` when a chart's
 *   `svg` is not an SVG document or contains a script, an event attribute, a foreignObject,
 *   an image or a reference outside itself
 * @example
 * ```ts
 * import { rocCurve } from '@marksman/metrics';
 * import { htmlReport, rocChart } from '@marksman/charts';
 * import { renderSvg } from '@marksman/charts/render';
 * const curve = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * const html = htmlReport({
 *   title: 'Response model <v2>',
 *   sections: [{ title: 'Ranking', charts: [{ svg: await renderSvg(rocChart(curve)), caption: 'AUC 0.75: better than chance.' }] }],
 * });
 * html.startsWith('<!doctype html>'); // => true
 * html.includes('<title>Response model &lt;v2&gt;</title>'); // => true
 * html.includes('<script'); // => false
 * htmlReport({ title: 'x', sections: [{ title: 's', charts: [{ svg: '<svg><script>alert(1)</script></svg>', caption: '' }] }] }); // throws E_REPORT_SVG
 * ```
 */
export function htmlReport(report: HtmlReportInput): string {
  if (!isRecord(report)) throw inputError(SOURCE, 'report', 'an object { title, sections }', report);
  checkKeys(report, ['title', 'summary', 'sections', 'footer'], 'report');
  const title = requireText('report.title', report.title);
  const summary = report.summary === undefined ? [] : requireArray('report.summary', report.summary).map((p, i) => requireText('report.summary', p, i));
  const footer = report.footer === undefined ? undefined : requireText('report.footer', report.footer);
  let chartNo = 0;
  const sections = requireArray('report.sections', report.sections).map((raw, i) => {
    const field = `report.sections[${i}]`;
    if (!isRecord(raw)) throw inputError(SOURCE, field, 'a section { title, paragraphs?, table?, charts? }', raw);
    checkKeys(raw, ['title', 'paragraphs', 'table', 'charts'], field);
    const heading = requireText(`${field}.title`, raw.title);
    const paragraphs = raw.paragraphs === undefined ? [] : requireArray(`${field}.paragraphs`, raw.paragraphs).map((p, j) => requireText(`${field}.paragraphs`, p, j));
    const table = raw.table === undefined ? '' : tableHtml(raw.table, `${field}.table`);
    const charts = (raw.charts === undefined ? [] : requireArray(`${field}.charts`, raw.charts)).map((c, j) => {
      const cf = `${field}.charts[${j}]`;
      if (!isRecord(c)) throw inputError(SOURCE, cf, 'a chart { svg, caption }', c);
      checkKeys(c, ['svg', 'caption'], cf);
      const svg = embedSvg(requireText(`${cf}.svg`, c.svg), `c${++chartNo}-`, `${cf}.svg`);
      const caption = requireText(`${cf}.caption`, c.caption);
      return `<figure class="chart" id="chart-${chartNo}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
    });
    const body = [...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`), table, ...charts].filter((x) => x !== '').join('\n');
    return { heading, html: `<section id="s${i + 1}">\n<h2>${escapeHtml(heading)}</h2>\n${body}\n</section>` };
  });
  const nav = sections.length > 1 ? `<nav><ol>${sections.map((s, i) => `<li><a href="#s${i + 1}">${escapeHtml(s.heading)}</a></li>`).join('')}</ol></nav>` : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    summary.length > 0 ? `<div class="summary">${summary.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</div>` : '',
    nav,
    ...sections.map((s) => s.html),
    footer === undefined ? '' : `<footer>${escapeHtml(footer)}</footer>`,
    '</body>',
    '</html>',
  ]
    .filter((x) => x !== '')
    .join('\n')
    .concat('\n');
}
