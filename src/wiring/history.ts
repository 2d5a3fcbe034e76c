// The records a clinic reads back: every session of a client (or all), with areas, outcome and cartridge.
import { isPostgresUrl, openRecords, redactUrl, StoreError, type SessionRecord } from '../store/index.js';
import { RequestError } from './request-error.js';
import { defaultDbPath } from './session-records.js';

export type { SessionRecord } from '../store/index.js';

/**
 * Sessions newest first. The database is opened for reading: it is never created or changed.
 * Throws RequestError for a missing file or one that is not a sound mnpen store (left untouched).
 */
export function readHistory(dbPath: string | undefined, clientId: string | undefined): SessionRecord[] {
  const path = defaultDbPath(dbPath);
  let store;
  try {
    store = openRecords(path, { access: 'read' });
  } catch (error) {
    if (error instanceof StoreError)
      throw new RequestError(`database ${isPostgresUrl(path) ? redactUrl(path) : path}: ${error.message}`);
    throw error;
  }
  try {
    return store.history(clientId);
  } finally {
    store.close();
  }
}
