// A small inline-SVG line chart of the loss per epoch (no chart library).
const SVG = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 160;
const PAD = { left: 44, right: 10, top: 10, bottom: 24 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draws `losses` (one per epoch, `epochs` expected in all) into `svg`, replacing what was there. */
export function drawLossChart(svg: SVGSVGElement, losses: readonly number[], epochs: number): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const x0 = PAD.left;
  const x1 = W - PAD.right;
  const y0 = H - PAD.bottom;
  const y1 = PAD.top;
  svg.append(el('line', { x1: x0, y1: y0, x2: x1, y2: y0, stroke: '#888' }), el('line', { x1: x0, y1: y0, x2: x0, y2: y1, stroke: '#888' }));
  svg.append(el('text', { x: (x0 + x1) / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 10 }, 'epoch'));
  if (losses.length === 0) return;
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (i: number) => x0 + ((x1 - x0) * (i + 1)) / Math.max(epochs, losses.length);
  const y = (v: number) => y0 - ((y0 - y1) * (v - lo)) / span;
  svg.append(
    el('text', { x: x0 - 4, y: y1 + 8, 'text-anchor': 'end', 'font-size': 10 }, hi.toPrecision(3)),
    el('text', { x: x0 - 4, y: y0, 'text-anchor': 'end', 'font-size': 10 }, lo.toPrecision(3)),
    el('polyline', { points: losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), fill: 'none', stroke: '#2563eb', 'stroke-width': 2 }),
  );
  const last = losses.length - 1;
  svg.append(el('circle', { cx: x(last), cy: y(losses[last]!), r: 3, fill: '#2563eb' }));
}
