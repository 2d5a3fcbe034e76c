// Where the PostgreSQL server programs are: Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Environment variable naming a folder with initdb, pg_ctl and psql (overrides the search). */
export const PG_BIN_ENV = 'MNPEN_PG_BIN';
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** Numeric version order of Debian's version folders ("9.6" < "10" < "15" < "16"). */
function byVersion(left: string, right: string): number {
  const a = left.split('.').map(Number);
  const b = right.split('.').map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The folder of the server programs: `$MNPEN_PG_BIN`, else the newest
 * `/usr/lib/postgresql/<version>/bin` holding initdb (Debian's `postgresql` package), else
 * undefined (the programs are then looked up on PATH).
 */
export function pgBinDir(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const fromEnv = env[PG_BIN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((version) => /^\d+(\.\d+)*$/.test(version) && existsSync(join(DEBIAN_ROOT, version, 'bin', 'initdb')))
    .sort(byVersion);
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(DEBIAN_ROOT, newest, 'bin');
}

/** The command to run a PostgreSQL program (`initdb`, `pg_ctl`, `psql`): its full path when the folder is known. */
export function pgProgram(name: 'initdb' | 'pg_ctl' | 'psql'): string {
  const dir = pgBinDir();
  return dir !== undefined && existsSync(join(dir, name)) ? join(dir, name) : name;
}
