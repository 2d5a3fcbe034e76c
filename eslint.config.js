// Lint: typescript-eslint's recommended rules, purity of the core layers, and the module boundaries of docs/decisions/0001.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Layers and what each may import (decision 0001). Tests and scripts may import anything. */
const LAYERS = {
  limits: [],
  protocol: ['limits'],
  policy: ['limits', 'protocol'],
  clock: [],
  machine: ['limits', 'protocol', 'policy'],
  transport: ['limits', 'protocol', 'clock'],
  store: ['limits', 'policy'],
  trust: ['policy'],
  firmware: ['limits', 'protocol'],
  sim: ['limits', 'protocol', 'clock', 'firmware'],
  wiring: [
    'limits',
    'protocol',
    'policy',
    'clock',
    'machine',
    'transport',
    'store',
    'trust',
    'firmware',
    'sim',
    'bench',
  ],
  bench: ['limits', 'protocol', 'policy', 'sim'],
  'desktop-shared': ['limits', 'sim'],
  page: ['desktop-shared'],
  desktop: ['limits', 'protocol', 'policy', 'sim', 'wiring', 'desktop-shared'],
  cli: ['wiring', 'trust', 'policy', 'store', 'bench', 'desktop'],
  perf: [
    'limits',
    'protocol',
    'policy',
    'clock',
    'machine',
    'transport',
    'store',
    'trust',
    'firmware',
    'sim',
    'wiring',
    'desktop',
    'desktop-shared',
    'testSupport',
  ],
};
const PATTERNS = {
  limits: 'src/limits',
  protocol: 'src/protocol',
  policy: 'src/policy',
  clock: 'src/clock',
  machine: 'src/machine',
  transport: 'src/transport',
  store: 'src/store',
  trust: 'src/trust',
  wiring: 'src/wiring',
  bench: 'src/bench',
  // NOTE: the page's and the shared messages' patterns come before the desktop server's: the first match classifies a file.
  'desktop-shared': 'src/desktop/shared',
  page: 'src/desktop/page',
  desktop: 'src/desktop',
  cli: 'src/cli',
  firmware: 'firmware',
  sim: 'sim',
  perf: 'perf',
  testSupport: 'test/support',
};

/** NOTE: pure layers take time and randomness only as inputs (house style): no I/O, clock or random. */
const PURE = ['src/limits/**/*.ts', 'src/protocol/**/*.ts', 'src/policy/**/*.ts', 'src/machine/**/*.ts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'perf/results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A plain CommonJS johnny-five program a test spawns, written as a bench user would.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts', 'firmware/**/*.ts', 'sim/**/*.ts', 'perf/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true } },
      'boundaries/elements': Object.entries(PATTERNS).map(([type, pattern]) => ({ type, pattern })),
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(LAYERS).map(([type, allowed]) => ({
              from: { element: { type } },
              allow: { to: { element: { types: { anyOf: [type, ...allowed] } } } },
            })),
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    // NOTE: the desk page and the schemas it bundles run in the browser: no Node built-ins.
    files: ['src/desktop/page/**/*.ts', 'src/desktop/shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'browser code: no Node built-ins' }] },
      ],
    },
  },
  {
    files: PURE,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'pure layer: no I/O' }] }],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'pure layer: time comes as an input' },
        { name: 'setInterval', message: 'pure layer: time comes as an input' },
        { name: 'performance', message: 'pure layer: time comes as an input' },
        { name: 'process', message: 'pure layer: no process state' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'pure layer: time comes as an input' },
        { object: 'Math', property: 'random', message: 'pure layer: randomness comes as an input' },
      ],
    },
  },
);
