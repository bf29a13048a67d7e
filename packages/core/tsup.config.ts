import { packageConfig } from '../../tsup.base';

// Two entries: the public face and `@marksman/core/internal` (plumbing for the
// other Marksman packages). Splitting puts the code both entries use (the
// error classes) in one shared chunk, so each build format has one copy.
export default packageConfig({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true });
