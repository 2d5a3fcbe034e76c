#!/usr/bin/env node
// The `mnpen` executable: runs the bundle built at install (dist/mnpen.mjs), or the TypeScript through tsx when a source is newer.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'mnpen.mjs');

/** True when the bundle exists and no source file is newer (a stale bundle is never run). */
function isBundleCurrent() {
  if (!existsSync(bundle)) return false;
  const builtAtMs = statSync(bundle).mtimeMs;
  for (const dir of ['src', 'firmware', 'sim']) {
    for (const name of readdirSync(join(root, dir), { recursive: true })) {
      if (name.endsWith('.ts') && statSync(join(root, dir, name)).mtimeMs > builtAtMs) return false;
    }
  }
  return true;
}

let runMain;
if (isBundleCurrent()) {
  ({ runMain } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runMain } = await import('../src/cli/main.ts'));
}
await runMain();
