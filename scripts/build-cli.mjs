// Bundles the mnpen CLI into dist/mnpen.mjs and its link thread into dist/link-worker.mjs (run by `npm ci` through `prepare`): bin/mnpen.js starts it without compiling TypeScript.
import { build } from 'esbuild';

const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
};

await build({ ...NODE_BUNDLE, entryPoints: ['src/cli/main.ts'], outfile: 'dist/mnpen.mjs' });
// NOTE: the link thread's entry is found beside the bundle (src/wiring/thread-link.ts, decision 0008).
await build({ ...NODE_BUNDLE, entryPoints: ['src/wiring/link-worker.ts'], outfile: 'dist/link-worker.mjs' });
