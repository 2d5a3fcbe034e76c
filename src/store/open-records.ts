// One entry for both backends: a `postgres://` URL opens the records on PostgreSQL, anything else the SQLite file.
import { isPostgresUrl, openPgStore, type PgStoreOptions } from './pg/open.js';
import { openStore } from './store.js';
import type { Store } from './types.js';

/** Opens the records at `target`: a `postgres://` or `postgresql://` URL (PostgreSQL), or a file path (SQLite). */
export function openRecords(target: string, options: PgStoreOptions = {}): Store {
  return isPostgresUrl(target) ? openPgStore(target, options) : openStore(target, options);
}
