// Bundles the mnpen CLI into dist/mnpen.mjs and its link thread into dist/link-worker.mjs (run by `npm ci` through `prepare`): bin/mnpen.js starts it without compiling TypeScript.
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

// NOTE: the link thread's entry is found beside the bundle (src/wiring/thread-link.ts, decision 0008).
await build({
  entryPoints: ['src/wiring/link-worker.ts'],
  outfile: 'dist/link-worker.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
