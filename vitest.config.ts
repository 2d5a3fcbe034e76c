// Test runner configuration: unit tests beside the code, end-to-end tests in test/; real-time tests last, one file at a time.
import { defineConfig } from 'vitest/config';

/**
 * NOTE: these run in real time against lease and heartbeat timeouts (200 ms, 150 ms): they run after
 * the rest, one file at a time, so a CPU burst of another test file (or of Chromium starting) does not
 * starve them into a link timeout.
 */
const REAL_TIME = ['test/pty/**/*.test.ts', 'test/desktop/page.test.ts', 'test/desktop/pen-only.test.ts'];

/**
 * NOTE: the loaded-host test's margin depends on what else the machine runs (docs/decisions/0008:
 * 20/20 alone, 12/20 beside another run): it runs outside `npm test`, by `npm run test:load`
 * (MNPEN_LOAD_TESTS=1), 20 runs in a row.
 */
const LOAD_TESTS = ['test/pty/loaded-host.test.ts'];
const withLoadTests = process.env.MNPEN_LOAD_TESTS === '1';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'tests',
          include: [
            'src/**/*.test.ts',
            'firmware/**/*.test.ts',
            'sim/**/*.test.ts',
            'test/**/*.test.ts',
            'perf/**/*.test.ts',
          ],
          exclude: REAL_TIME,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'real-time',
          include: REAL_TIME,
          exclude: withLoadTests ? [] : LOAD_TESTS,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
