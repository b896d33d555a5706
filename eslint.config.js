import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The simulator stands in for Connect and nothing else: it imports nothing of the server outside its folder.
    files: ['server/src/simulator/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*'],
              message: 'The simulator imports nothing of the server outside server/src/simulator.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/simulator/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*'],
              message: 'The simulator imports nothing of the server outside server/src/simulator.',
            },
          ],
        },
      ],
    },
  },
  {
    // Nothing in the server loads the simulator but the one dynamic import in instances.ts that starts the
    // embedded default: a production build with CONNECT_INSTANCE_ID may leave it out. Types cost nothing.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/simulator/**', 'server/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)simulator/',
              allowTypeImports: true,
              message:
                'Only instances.ts loads the simulator, by dynamic import, when no Connect instance is configured.',
            },
          ],
        },
      ],
    },
  },
  {
    // Features do not reach into each other, nor into the views that compose them.
    files: ['web/src/features/**/*.{ts,tsx}'],
    ignores: ['web/src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/|(^|/)features/|(^|/)views/|(^|/)App$',
              message:
                'A feature imports only its own files and the shared api/, components/ and modules of web/src; views compose features.',
            },
          ],
        },
      ],
    },
  },
  {
    // api/ and components/ are shared by every feature: they import no feature and no view.
    files: ['web/src/api/**/*.{ts,tsx}', 'web/src/components/**/*.{ts,tsx}'],
    ignores: ['web/src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(features|views)/|(^|/)App$',
              message: 'api/ and components/ are shared: they import no feature and no view.',
            },
          ],
        },
      ],
    },
  },
  {
    // One validated env module: nothing else in the server reads process.env.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/src/env.ts.' },
      ],
    },
  },
);
