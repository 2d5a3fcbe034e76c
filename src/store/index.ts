// Public surface of the durable records: open the store, its types and errors, the data directory.
export { openStore, openStoreInDataDir, type StoreOptions } from './store.js';
export {
  DATA_DIR_ENV,
  DEFAULT_DATA_DIR,
  inspectStoreFile,
  resolveDataDir,
  STORE_FILE_NAME,
  StoreError,
  storePathIn,
  type StoreErrorCode,
} from './open.js';
export { LATEST_SCHEMA_VERSION, SESSION_OUTCOMES, STORE_APPLICATION_ID, type SessionOutcome } from './schema.js';
export type * from './types.js';
