// One-off scaffolding helper kept for adding packages later:
//   node scripts/new-package.mjs <dir> <npm-name> "<description>"
import { copyFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
const [dir, name, description] = process.argv.slice(2);
if (!dir || !name || !description) {
  console.error('usage: node scripts/new-package.mjs <dir> <npm-name> "<description>"');
  process.exit(2);
}
const root = `packages/${dir}`;
if (existsSync(root)) {
  console.error(`${root} exists`);
  process.exit(2);
}
mkdirSync(`${root}/src`, { recursive: true });
mkdirSync(`${root}/test`, { recursive: true });
const pkg = {
  name,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19.0' },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md', 'LICENSE'],
  scripts: { build: 'tsup' },
  repository: { type: 'git', url: 'git+https://github.com/marksman-js/marksman.git', directory: root },
  homepage: `https://github.com/marksman-js/marksman/tree/main/${root}#readme`,
  bugs: { url: 'https://github.com/marksman-js/marksman/issues' },
  publishConfig: { access: 'public' },
  keywords: ['marketing', 'marksman'],
};
writeFileSync(`${root}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
copyFileSync('LICENSE', `${root}/LICENSE`);
writeFileSync(`${root}/tsup.config.ts`, `import { packageConfig } from '../../tsup.base';\n\nexport default packageConfig();\n`);
writeFileSync(`${root}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2) + '\n');
writeFileSync(`${root}/typedoc.json`, JSON.stringify({ entryPoints: ['src/index.ts'] }, null, 2) + '\n');
