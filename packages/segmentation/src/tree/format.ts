/** Number formatting for readable rules. @internal */

/** `1204` → `'1,204'`; `0.123456` → `'0.1235'`; 4 significant digits for non-integers. @internal */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const r = Number(v.toPrecision(4));
  if (Number.isInteger(r)) return r.toLocaleString('en-US');
  return r.toLocaleString('en-US', { maximumFractionDigits: 12 });
}

/** A percentage rounded to a whole number (`0.923` → `'92%'`), with `<1%`/`>99%` instead of 0%/100% for non-extreme shares. @internal */
export function formatPercent(share: number): string {
  const pct = share * 100;
  if (share > 0 && pct < 0.5) return '<1%';
  if (share < 1 && pct > 99.5) return '>99%';
  return `${Math.round(pct)}%`;
}
