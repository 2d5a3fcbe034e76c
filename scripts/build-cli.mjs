// Bundles the mnpen CLI into dist/mnpen.mjs (run by `npm ci` through `prepare`): bin/mnpen.js starts it without compiling TypeScript.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/mnpen.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
