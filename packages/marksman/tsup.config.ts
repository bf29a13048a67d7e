import { packageConfig } from '../../tsup.base';

// Two entries: everything without TensorFlow.js (`marksman`), and the learned
// recommenders (`marksman/tfjs`).
export default packageConfig({ entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts' } });
