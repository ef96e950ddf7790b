// ESLint flat config. The import restrictions enforce DESIGN.md's layering:
// shared/ and renderer/ can import neither Node, Electron nor main/.
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeOnly = {
  patterns: [
    { group: ['node:*'], message: 'shared/ and renderer/ must not use Node built-ins (DESIGN.md §2).' },
    { group: ['electron', 'electron/*'], message: 'Only main/app may import Electron (DESIGN.md §2).' },
    { group: ['**/main/**', '../main/*', '../../main/*'], message: 'shared/ and renderer/ must not import main/ (DESIGN.md §2).' },
  ],
  paths: ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'stream', 'buffer', 'url', 'util', 'events', 'net', 'http', 'https'].map((name) => ({
    name,
    message: 'shared/ and renderer/ must not use Node built-ins (DESIGN.md §2).',
  })),
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'contracts/artifacts/**', 'test/.tmp/**', 'bench/.data/**'] },
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: { 'no-restricted-imports': ['error', nodeOnly] },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', nodeOnly] },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'main/core and main/cli run in plain Node: never import Electron (DESIGN.md §2).' }] }],
    },
  },
);
