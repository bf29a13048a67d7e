import { packageConfig } from '../../tsup.base';

// Two entries: the classic models (`@marksman/recsys`, no TensorFlow.js) and
// the learned models (`@marksman/recsys/tfjs`). Code both use is split into
// shared chunks, so each class exists once and `instanceof` holds across them.
export default packageConfig({ entry: { index: 'src/index.ts', 'tfjs/index': 'src/tfjs/index.ts' }, splitting: true });
