// marksman/charts — Vega-Lite charts of Marksman results (`@marksman/charts`)
// and the SVG renderer (`@marksman/charts/render`), re-exported for
// notebooks. A subpath of its own, so `import … from 'marksman'` stays as it
// was; the renderer loads the optional packages vega and vega-lite only when
// it is called (`npm install vega vega-lite`).
export * from '@marksman/charts';
export * from '@marksman/charts/render';
