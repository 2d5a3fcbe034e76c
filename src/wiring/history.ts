// The records a clinic reads back: every session of a client (or all), with areas, outcome and cartridge.
import type { SessionRecord } from '../store/index.js';
import { defaultDbPath, openRecordsStore } from './session-records.js';

export type { SessionRecord } from '../store/index.js';

/** Sessions newest first. Throws RequestError for a database that is not a sound mnpen store (left untouched). */
export function readHistory(dbPath: string | undefined, clientId: string | undefined): SessionRecord[] {
  const store = openRecordsStore(defaultDbPath(dbPath), Date.now);
  try {
    return store.history(clientId);
  } finally {
    store.close();
  }
}
