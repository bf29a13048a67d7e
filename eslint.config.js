import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.examples/**', 'docs/api/**', 'benchmarks/results/**', 'benchmarks/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Library code never prints and never reaches for Node built-ins in browser entries.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/node.ts', 'packages/*/src/node/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path'], message: 'Browser entries must not import Node built-ins; put this in the package\'s Node entry.' }] }],
    },
  },
);
