// Public surface of the durable records: open the store, verify it, its types and errors, the data directory.
export { openStore, openStoreInDataDir, type StoreOptions } from './store.js';
export { openRecords, resolveRecordsTarget } from './open-records.js';
export {
  DATABASE_URL_ENV,
  DEFAULT_PG_TIMEOUT_MS,
  isPostgresUrl,
  openPgStore,
  pgStatus,
  redactUrl,
  verifyPgRecords,
  type PgStatus,
  type PgStoreOptions,
} from './pg/open.js';
export { DEFAULT_BUSY_TIMEOUT_MS, StoreError, type StoreErrorCode } from './errors.js';
export {
  DATA_DIR_ENV,
  DEFAULT_DATA_DIR,
  inspectStoreFile,
  resolveDataDir,
  STORE_FILE_NAME,
  storePathIn,
} from './open.js';
export { headPathOf, type ChainHead } from './head.js';
export { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './json.js';
export {
  CHAIN_SCHEMA_VERSION,
  LATEST_SCHEMA_VERSION,
  SESSION_OUTCOMES,
  STORE_APPLICATION_ID,
  type SessionOutcome,
} from './schema.js';
export { reanchorStore, storeStatus, verifyStoreFile, type StoreStatus } from './file-tools.js';
export type { ChainAnchor, ChainProblem, ProblemKind, VerifyReport } from './verify.js';
export type { ClaimHolder } from './claim-holder.js';
export type * from './types.js';
