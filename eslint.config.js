// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A layer may import only the layers below it (docs/architecture.md): data flows one way. */
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `(^|/)(${forbidden.join('|')})/`,
            message: `${files[0]} sits below ${forbidden.join(', ')}: move the shared piece down (lib/ or warehouse/) instead`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'data/', 'book/', 'tour-data/', '.ci/', 'bench/results/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // with noUncheckedIndexedAccess every proven-in-range index (rows[0] of a one-row aggregate,
      // a loop bound) needs `!`; the compiler already forces the check where it is not proven
      '@typescript-eslint/no-non-null-assertion': 'off',
      // numbers in messages and SQL fragments are meant to print as numbers
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `const { a: _a, ...rest } = x` is how a key is left out of a copy
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  layer(['lib/**'], ['warehouse', 'pipelines', 'models', 'api', 'reports', 'bin']),
  layer(['warehouse/**'], ['pipelines', 'models', 'api', 'reports', 'bin']),
  layer(['models/**'], ['pipelines', 'api', 'reports', 'bin']),
  layer(['pipelines/**'], ['api', 'reports', 'bin']),
  layer(['reports/**'], ['api', 'bin']),
  layer(['api/**'], ['bin']),
);
