// Bundles the desk page into dist/desktop (run by `npm ci` through `prepare`): app.js (TypeScript, uPlot, zod), app.css, index.html. Nothing is fetched at run time.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/desktop';
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { app: 'src/desktop/page/main.ts' },
  outdir,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome110',
  minify: true,
  legalComments: 'none',
  logLevel: 'error',
});
await build({
  entryPoints: { app: 'src/desktop/page/style.css' },
  outdir,
  bundle: true,
  minify: true,
  logLevel: 'error',
});
copyFileSync('src/desktop/page/index.html', `${outdir}/index.html`);
