// Every failure of the record store as one typed error, and the mapping of SQLite and file-system failures onto it.

export type StoreErrorCode =
  /** The path is not an SQLite file, or is another application's. */
  | 'NOT_SQLITE'
  | 'FOREIGN'
  | 'CORRUPT'
  /** The file's schema version is newer than this mnpen, or (for a reader) older: run `mnpen db migrate`. */
  | 'NEWER_SCHEMA'
  | 'OLDER_SCHEMA'
  /** A table, index or trigger differs from the form the migrations create (S16). */
  | 'SCHEMA_ALTERED'
  /** The audit chain is broken or a record differs from what the chain recorded (S16). */
  | 'RECORDS_TAMPERED'
  /** The chain head kept beside the file shows committed records the file no longer has (S16). */
  | 'RECORDS_LOST'
  | 'CHAIN_HEAD_MISSING'
  /** The path is a 0-byte file, a directory, or absent where a reader expected a database. */
  | 'EMPTY_FILE'
  | 'NOT_A_FILE'
  | 'MISSING_FILE'
  | 'READ_ONLY'
  | 'DISK_FULL'
  /** Another process held the write lock longer than the busy timeout: nothing was written. */
  | 'BUSY'
  | 'IO'
  | 'INVALID'
  | 'NOT_FOUND'
  | 'SESSION_ENDED'
  /** The client has a session that never ended: resume it or end it first. */
  | 'SESSION_OPEN'
  /** Another live process holds the client's session claim. */
  | 'CLIENT_IN_SESSION'
  | 'PASS_LIMIT_REACHED'
  /** The records server (PostgreSQL) is down, unreachable or silent beyond the bound: the call is not acknowledged (a commit cut off may have landed; a resume reads what did). */
  | 'RECORDS_UNAVAILABLE'
  | 'CARTRIDGE_REUSED';

/** Every failure of the store: a code for programs, a message naming the file or record for people. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** How long a write waits for another process's write lock before BUSY, ms (default). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const SQLITE_CODES: readonly [prefix: string, code: StoreErrorCode][] = [
  ['SQLITE_FULL', 'DISK_FULL'],
  ['SQLITE_BUSY', 'BUSY'],
  ['SQLITE_LOCKED', 'BUSY'],
  ['SQLITE_READONLY', 'READ_ONLY'],
  ['SQLITE_CORRUPT', 'CORRUPT'],
  ['SQLITE_NOTADB', 'CORRUPT'],
  ['SQLITE_CONSTRAINT', 'INVALID'],
  ['SQLITE_MISMATCH', 'INVALID'],
  ['SQLITE_TOOBIG', 'INVALID'],
  ['SQLITE_RANGE', 'INVALID'],
];

const ERRNO_CODES: Readonly<Record<string, StoreErrorCode>> = {
  ENOSPC: 'DISK_FULL',
  EDQUOT: 'DISK_FULL',
  EROFS: 'READ_ONLY',
  EACCES: 'READ_ONLY',
  EPERM: 'READ_ONLY',
  EISDIR: 'NOT_A_FILE',
  ENOTDIR: 'NOT_A_FILE',
};

function explain(code: StoreErrorCode, path: string, busyTimeoutMs: number): string {
  switch (code) {
    case 'DISK_FULL':
      return `the disk holding ${path} is full`;
    case 'BUSY':
      return `${path} stayed locked by another process for more than ${busyTimeoutMs} ms`;
    case 'READ_ONLY':
      return `${path} is read-only here`;
    case 'CORRUPT':
      return `${path} is corrupt`;
    default:
      return `${path}`;
  }
}

/**
 * Maps a failure on the file at `path` to a StoreError whose message starts with `action` (e.g.
 * `pass.opened not recorded`, `cannot open PATH`): SQLite's full, busy, read-only, corrupt and
 * constraint failures and the file system's ENOSPC, EROFS, EACCES and EISDIR each get their own
 * code. A StoreError passes through; an error that is neither (a bug) is rethrown as it is.
 */
export function asStoreError(error: unknown, action: string, path: string, busyTimeoutMs: number): StoreError {
  if (error instanceof StoreError) return error;
  const sqliteCode = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_')) {
    const code = SQLITE_CODES.find(([prefix]) => sqliteCode.startsWith(prefix))?.[1] ?? 'IO';
    if (code === 'INVALID' && message.includes('session_claims.client_id')) {
      return new StoreError('CLIENT_IN_SESSION', `${action}: the client's session is claimed by another process`);
    }
    const why =
      code === 'INVALID' || code === 'IO' ? `${message}` : `${explain(code, path, busyTimeoutMs)} (${message})`;
    return new StoreError(code, `${action}: ${why}`);
  }
  if (typeof sqliteCode === 'string' && sqliteCode in ERRNO_CODES) {
    const code = ERRNO_CODES[sqliteCode] as StoreErrorCode;
    return new StoreError(code, `${action}: ${explain(code, path, busyTimeoutMs)} (${message})`);
  }
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('E')) {
    return new StoreError('IO', `${action}: ${message}`);
  }
  throw error;
}
