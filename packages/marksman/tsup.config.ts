import { packageConfig } from '../../tsup.base';

// Three entries: everything without TensorFlow.js or charts (`marksman`), the
// learned recommenders (`marksman/tfjs`) and the charts (`marksman/charts`).
export default packageConfig({ entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts', charts: 'src/charts.ts' } });
