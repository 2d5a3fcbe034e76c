// Finds the mnpen package root (for the bundled scenario library and the controller version), from src/ or from dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let found: PackageInfo | null = null;

/** The nearest folder above this module whose package.json names `mnpen`. Throws Error when there is none. */
export function mnpenPackage(): PackageInfo {
  if (found !== null) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'mnpen') {
        found = { root: dir, version: json.version ?? '0.0.0' };
        return found;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the mnpen package root');
    dir = parent;
  }
}
