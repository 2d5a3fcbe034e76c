// Opening the record file safely: recognise our own file, verify schema and chain read-only, then crash-safe settings and migrations.
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describeTables, lastLink, trackChanges, type CoveredTable } from './chain.js';
import { sqliteConnection } from './sql.js';
import { asStoreError, DEFAULT_BUSY_TIMEOUT_MS, StoreError, type StoreErrorCode } from './errors.js';
import { schemaDifferences } from './expected-schema.js';
import { createHeadFile, headPathOf, HeadWriter, readHead } from './head.js';
import { migrate } from './migrate.js';
import { CHAIN_SCHEMA_VERSION, coveredTableNames, LATEST_SCHEMA_VERSION, STORE_APPLICATION_ID } from './schema.js';
import { verifyChain, type ChainProblem, type VerifyReport } from './verify.js';

export { StoreError, type StoreErrorCode } from './errors.js';

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
 * it is ours) and classifies it: 'new' when absent. Throws StoreError EMPTY_FILE (0 bytes: a
 * database was expected), NOT_A_FILE (a directory or device), NOT_SQLITE, FOREIGN or IO; the file
 * is untouched.
 */
export function inspectStoreFile(path: string): FileKind {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'new';
    throw new StoreError('IO', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (!stats.isFile())
    throw new StoreError(
      'NOT_A_FILE',
      `${path} is a ${stats.isDirectory() ? 'directory' : 'special file'}, not a record file`,
    );
  if (stats.size === 0) {
    throw new StoreError(
      'EMPTY_FILE',
      `${path} is empty (0 bytes) where a record file was expected; left unchanged (remove it to start a new one)`,
    );
  }
  const header = Buffer.alloc(HEADER_BYTES);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw asStoreError(error, `cannot open ${path}`, path, 0);
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

const PROBLEM_CODES: readonly [ChainProblem['kind'][], StoreErrorCode][] = [
  [['SCHEMA_ALTERED'], 'SCHEMA_ALTERED'],
  [
    [
      'AUDIT_ROWS_MISSING',
      'AUDIT_ROW_ALTERED',
      'ROW_ALTERED',
      'ROW_DELETED',
      'ROW_UNRECORDED',
      'HEAD_MISMATCH',
      'ANCHOR_MISMATCH',
    ],
    'RECORDS_TAMPERED',
  ],
  [['RECORDS_LOST'], 'RECORDS_LOST'],
  [['CHAIN_HEAD_MISSING'], 'CHAIN_HEAD_MISSING'],
];

/** The StoreError a failed verification opens with: the gravest kind found, its first problem named. */
export function verificationError(path: string, report: VerifyReport): StoreError {
  for (const [kinds, code] of PROBLEM_CODES) {
    const first = report.problems.find((problem) => kinds.includes(problem.kind));
    if (first === undefined) continue;
    const more = report.problemCount > 1 ? ` (${report.problemCount - 1} more problems)` : '';
    return new StoreError(
      code,
      `${path}: ${code}: ${first.message}${more}; run \`mnpen db verify --db ${path}\` for the full report; the file was left unchanged`,
    );
  }
  return new StoreError('RECORDS_TAMPERED', `${path}: verification failed`);
}

/** Checks an existing file of ours on `db` (any connection) and returns its version; throws StoreError. */
function checkOwnFile(
  db: Database.Database,
  path: string,
  headPath: string,
  head: ReturnType<typeof readHead>,
): number {
  const quick = db.pragma('quick_check', { simple: true });
  if (quick !== 'ok') throw new StoreError('CORRUPT', `${path} is corrupt (quick_check: ${String(quick)})`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `${path} has schema version ${version}; this mnpen knows up to ${LATEST_SCHEMA_VERSION}`,
    );
  }
  if (version >= CHAIN_SCHEMA_VERSION) {
    const report = verifyChain(db, { version, head, headPath });
    if (!report.ok) throw verificationError(path, report);
    return version;
  }
  const differences = schemaDifferences(db, version);
  if (differences.length > 0) {
    throw new StoreError(
      'SCHEMA_ALTERED',
      `${path} (schema version ${version}): ${differences.join('; ')}; left unchanged`,
    );
  }
  if (head.state === 'present' && head.head.auditId > 0) {
    throw new StoreError(
      'RECORDS_LOST',
      `${path}: RECORDS_LOST: the file is at schema version ${version}, from before the chain, but its chain head ${headPath} shows ${head.head.auditId} chained records committed: they are missing (a deleted -wal, or an older copy of the file); left unchanged`,
    );
  }
  return version;
}

/** Why `path` (or, when absent, its nearest existing directory) cannot be written here, or null. */
function notWritable(path: string): string | null {
  let target = path;
  while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
  try {
    accessSync(target, constants.W_OK);
    if (target === path) accessSync(dirname(path), constants.W_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** Opens the file read-only and checks it: nothing in it is written, no checkpoint on close. */
function openReadOnly(path: string, busyTimeoutMs: number): { db: Database.Database; version: number } {
  const headPath = headPathOf(path);
  const head = readHead(headPath);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw readFailure(error, path, busyTimeoutMs);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return { db, version: checkOwnFile(db, path, headPath, head) };
  } catch (error) {
    db.close();
    throw readFailure(error, path, busyTimeoutMs);
  }
}

/** A read-only open failing because the file system is read-only and SQLite cannot create the WAL index. */
function readFailure(error: unknown, path: string, busyTimeoutMs: number): StoreError {
  const why = notWritable(path);
  if ((error as { code?: string }).code === 'SQLITE_CANTOPEN' && why !== null) {
    return new StoreError(
      'READ_ONLY',
      `cannot open ${path}: it is on a read-only file system (${why}) and has no WAL index (-shm) beside it; copy it to a writable place to read it`,
    );
  }
  return asStoreError(error, `cannot open ${path}`, path, busyTimeoutMs);
}

export interface OpenedDatabase {
  readonly db: Database.Database;
  readonly tables: readonly CoveredTable[];
  /** Null when opened for reading. */
  readonly head: HeadWriter | null;
}

export interface OpenOptions {
  readonly nowMs: number;
  readonly targetVersion?: number;
  readonly access?: 'write' | 'read';
  readonly busyTimeoutMs?: number;
}

/** Opens an existing file for reading: MISSING_FILE when absent, OLDER_SCHEMA when it needs `mnpen db migrate`. */
function openForReading(path: string, busyTimeoutMs: number): OpenedDatabase {
  if (inspectStoreFile(path) === 'new')
    throw new StoreError('MISSING_FILE', `no record file at ${path} (a reader never creates one)`);
  const { db, version } = openReadOnly(path, busyTimeoutMs);
  if (version < LATEST_SCHEMA_VERSION) {
    db.close();
    throw new StoreError(
      'OLDER_SCHEMA',
      `${path} has schema version ${version}: run \`mnpen db migrate --db ${path}\` first`,
    );
  }
  return { db, tables: describeTables(db, coveredTableNames(version)), head: null };
}

/** inspectStoreFile, except that a 0-byte file beside a fresh head (auditId 0) is a creation under way or cut short. */
function classify(path: string, headPath: string): FileKind {
  try {
    return inspectStoreFile(path);
  } catch (error) {
    const head = readHead(headPath);
    const fresh = head.state === 'present' && head.head.auditId === 0;
    if (error instanceof StoreError && error.code === 'EMPTY_FILE' && fresh) return 'new';
    throw error;
  }
}

/** A new file: its head first (durably), so a crash before the first commit is never taken for a loss. */
function prepareNewFile(path: string, headPath: string): void {
  const head = readHead(headPath);
  if (head.state === 'present' && head.head.auditId > 0) {
    throw new StoreError(
      'RECORDS_LOST',
      `${path}: RECORDS_LOST: the record file is missing, but its chain head ${headPath} shows ${head.head.auditId} committed records: restore the file (with its -wal) rather than starting afresh`,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  if (head.state === 'unreadable') rmSync(headPath, { force: true });
  createHeadFile(headPath);
}

/**
 * Opens the record file at `path`. For writing (default): creates it with its directory and head
 * file when absent, verifies an existing one read-only first (schema, chain, head: S16), then
 * migrates it to `targetVersion` (default latest). For reading: never creates or migrates. A file
 * that is not ours, empty, corrupt, newer, altered, tampered with or short of committed records is
 * refused with StoreError before anything is written to it.
 *
 * NOTE: crash safety. The first transaction on a new file (application_id and schema) runs in
 * rollback-journal mode, so the main file carries our application_id from its first commit; only
 * then does the store switch to WAL. WAL lets a reader run during a session without blocking a
 * pass record. synchronous=FULL fsyncs the WAL at every commit, so a record is on disk when its
 * call returns: it survives kill -9 and power loss. foreign_keys enforces record links;
 * busy_timeout bounds the wait on another writer (every write takes the lock at BEGIN).
 */
export function openDatabase(path: string, options: OpenOptions): OpenedDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (options.access === 'read') return openForReading(path, busyTimeoutMs);
  const headPath = headPathOf(path);
  let db: Database.Database | undefined;
  let head: HeadWriter | undefined;
  try {
    const kind = classify(path, headPath);
    const readOnlyBecause = notWritable(path);
    if (readOnlyBecause !== null) {
      throw new StoreError(
        'READ_ONLY',
        `cannot open ${path} for writing: it is read-only here (${readOnlyBecause}); records cannot be kept`,
      );
    }
    if (kind === 'new') prepareNewFile(path, headPath);
    else {
      openReadOnly(path, busyTimeoutMs).db.close();
      createHeadFile(headPath);
    }
    db = new Database(path);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    db.pragma('temp_store = MEMORY');
    const target = options.targetVersion ?? LATEST_SCHEMA_VERSION;
    if ((db.pragma('user_version', { simple: true }) as number) === 0) migrate(db, options.nowMs, Math.min(1, target));
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('IO', `${path}: cannot use WAL journal mode (got ${String(mode)})`);
    head = new HeadWriter(headPath);
    const writer = head;
    const opened = db;
    migrate(db, options.nowMs, target, () =>
      opened.transaction(() => writer.write(lastLink(sqliteConnection(opened)))).immediate(),
    );
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = describeTables(db, coveredTableNames(version));
    trackChanges(db, tables);
    return { db, tables, head };
  } catch (error) {
    head?.close();
    db?.close();
    throw asStoreError(error, `cannot open ${path}`, path, busyTimeoutMs);
  }
}
