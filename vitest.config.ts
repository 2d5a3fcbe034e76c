// Test runner configuration: unit tests beside the code, end-to-end tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'firmware/**/*.test.ts',
      'sim/**/*.test.ts',
      'test/**/*.test.ts',
      'perf/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
