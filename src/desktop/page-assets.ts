// The desk page as built at install (dist/desktop: index.html, app.js, app.css): found from this module, loaded once, checked for staleness.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page files the server serves; nothing else is served. */
export interface PageAssets {
  readonly indexHtml: string;
  readonly appJs: Buffer;
  readonly appCss: Buffer;
}

/** The page is not built (or not readable); the message says how to build it. */
export class PageAssetsError extends Error {
  override readonly name = 'PageAssetsError';
}

/** Placeholder in index.html replaced by the run's token in asset URLs. */
export const TOKEN_PLACEHOLDER = '__MNPEN_TOKEN__';

/** The repository root: the nearest folder above this module holding mnpen's package.json (source or bundle alike). */
export function packageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mnpen') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new PageAssetsError('mnpen package root not found');
    dir = parent;
  }
}

/** Folder of the built page. */
export function pageDir(root: string = packageRoot()): string {
  return join(root, 'dist', 'desktop');
}

/** Loads the built page. Throws PageAssetsError naming the build command when a file is missing. */
export function loadPageAssets(dir: string = pageDir()): PageAssets {
  try {
    return {
      indexHtml: readFileSync(join(dir, 'index.html'), 'utf8'),
      appJs: readFileSync(join(dir, 'app.js')),
      appCss: readFileSync(join(dir, 'app.css')),
    };
  } catch (error) {
    throw new PageAssetsError(`the desk page is not built in ${dir} (${(error as Error).message}): run npm run build`);
  }
}

/** True when a page source (src/desktop/page, src/desktop/shared) is newer than the built app.js. */
export function isPageStale(root: string = packageRoot()): boolean {
  const built = join(pageDir(root), 'app.js');
  if (!existsSync(built)) return true;
  const builtAtMs = statSync(built).mtimeMs;
  for (const folder of ['src/desktop/page', 'src/desktop/shared']) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (statSync(join(dir, name)).mtimeMs > builtAtMs) return true;
    }
  }
  return false;
}
