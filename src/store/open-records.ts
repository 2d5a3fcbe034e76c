// One entry for both backends: a `postgres://` URL opens the records on PostgreSQL, anything else the SQLite file.
import { join } from 'node:path';
import { resolveDataDir, STORE_FILE_NAME } from './open.js';
import { DATABASE_URL_ENV, isPostgresUrl, openPgStore, type PgStoreOptions } from './pg/open.js';
import { openStore } from './store.js';
import type { Store } from './types.js';

/**
 * Where the records are: the `--db` flag (a path or a `postgres://` URL), else `MNPEN_DATABASE_URL`,
 * else the SQLite file in the data directory (`$MNPEN_DATA_DIR/mnpen.db`). Empty strings count as absent.
 */
export function resolveRecordsTarget(env: Readonly<Record<string, string | undefined>>, flag?: string): string {
  if (flag !== undefined && flag !== '') return flag;
  const url = env[DATABASE_URL_ENV];
  if (url !== undefined && url !== '') return url;
  return join(resolveDataDir(env), STORE_FILE_NAME);
}

/** Opens the records at `target`: a `postgres://` or `postgresql://` URL (PostgreSQL), or a file path (SQLite). */
export function openRecords(target: string, options: PgStoreOptions = {}): Store {
  return isPostgresUrl(target) ? openPgStore(target, options) : openStore(target, options);
}
