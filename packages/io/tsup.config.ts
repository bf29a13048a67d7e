import { packageConfig } from '../../tsup.base';

// Two entries: the browser-safe main entry and the Node-only file helpers (`@marksman/io/node`).
export default packageConfig({ entry: ['src/index.ts', 'src/node.ts'] });
