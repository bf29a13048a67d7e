import { packageConfig } from '../../tsup.base';

// Two entries: the spec builders (`@marksman/charts`, plain JSON, no Vega) and
// the renderer (`@marksman/charts/render`), which loads the optional peers
// `vega` and `vega-lite` by dynamic import when it is called.
export default packageConfig({ entry: ['src/index.ts', 'src/render.ts'] });
