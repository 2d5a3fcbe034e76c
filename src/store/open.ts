// Opening the record file safely: recognise our own file before any write, then crash-safe settings and migrations.
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, STORE_APPLICATION_ID, tablesAtVersion } from './schema.js';

export type StoreErrorCode =
  | 'NOT_SQLITE'
  | 'FOREIGN'
  | 'CORRUPT'
  | 'NEWER_SCHEMA'
  | 'SCHEMA_MISMATCH'
  | 'IO'
  | 'INVALID'
  | 'NOT_FOUND'
  | 'SESSION_ENDED'
  | 'PASS_LIMIT_REACHED'
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

/** Default data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = './data';
export const DATA_DIR_ENV = 'MNPEN_DATA_DIR';
export const STORE_FILE_NAME = 'mnpen.db';

/**
 * The data directory: the flag if given, else `MNPEN_DATA_DIR` from `env`, else `./data`. Empty
 * strings count as absent. Returns the path as given (not resolved).
 */
export function resolveDataDir(env: Readonly<Record<string, string | undefined>>, flag?: string | null): string {
  if (flag !== undefined && flag !== null && flag !== '') return flag;
  const fromEnv = env[DATA_DIR_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DATA_DIR;
}

/** Path of the record file inside a data directory. */
export function storePathIn(dataDir: string): string {
  return join(dataDir, STORE_FILE_NAME);
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

type FileKind = 'new' | 'ours';

/**
 * Reads the first 100 bytes with plain file I/O (SQLite never touches the file before this says
 * it is ours) and classifies it. Throws StoreError NOT_SQLITE or FOREIGN; the file is untouched.
 */
export function inspectStoreFile(path: string): FileKind {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'new';
    throw new StoreError('IO', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (size === 0) return 'new';
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (read < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new StoreError('NOT_SQLITE', `${path} is not an mnpen record file (not an SQLite database); left unchanged`);
  }
  const applicationId = header.readUInt32BE(68);
  if (applicationId !== STORE_APPLICATION_ID) {
    throw new StoreError(
      'FOREIGN',
      `${path} is an SQLite database of another application (application_id 0x${applicationId.toString(16)}); left unchanged`,
    );
  }
  return 'ours';
}

function checkOwnDatabase(db: Database.Database, path: string): void {
  const quick = db.pragma('quick_check', { simple: true });
  if (quick !== 'ok') throw new StoreError('CORRUPT', `${path} is corrupt (quick_check: ${String(quick)})`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `${path} has schema version ${version}; this mnpen knows up to ${LATEST_SCHEMA_VERSION}`,
    );
  }
  const present = new Set(
    (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map(
      (row) => row.name,
    ),
  );
  const missing = tablesAtVersion(version).filter((table) => !present.has(table));
  if (missing.length > 0) {
    throw new StoreError('SCHEMA_MISMATCH', `${path} (schema version ${version}) lacks tables: ${missing.join(', ')}`);
  }
}

/**
 * Opens (creating if absent or empty) the record file at `path` and migrates it to
 * `targetVersion` (default latest). A file that is not ours, corrupt, or from a newer version is
 * refused with StoreError before any write.
 *
 * NOTE: crash safety. The first transaction on a new file (application_id and schema) runs in
 * rollback-journal mode, so the main file carries our application_id from its first commit; only
 * then does the store switch to WAL. WAL lets a reader (e.g. `mnpen history`) run during a session
 * without blocking a pass record. synchronous=FULL fsyncs the WAL at every commit, so a record is
 * on disk when its call returns: it survives kill -9 and power loss (NORMAL would only survive the
 * former). foreign_keys enforces record links; busy_timeout bounds the wait on another writer.
 */
export function openDatabase(path: string, nowMs: number, targetVersion = LATEST_SCHEMA_VERSION): Database.Database {
  const kind = inspectStoreFile(path);
  if (kind === 'new') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: kind === 'ours' });
  } catch (error) {
    throw new StoreError('IO', `cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    if (kind === 'ours') checkOwnDatabase(db, path);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    db.pragma('synchronous = FULL');
    if ((db.pragma('user_version', { simple: true }) as number) === 0) migrate(db, nowMs, Math.min(1, targetVersion));
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('IO', `${path}: cannot use WAL journal mode (got ${String(mode)})`);
    migrate(db, nowMs, targetVersion);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      throw new StoreError('CORRUPT', `${path} is corrupt: ${(error as Error).message}`);
    }
    throw new StoreError('IO', `cannot open ${path}: ${(error as Error).message}`);
  }
}
