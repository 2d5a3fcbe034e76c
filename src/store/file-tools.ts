// Whole-file operations behind `mnpen db`: verify, status, and re-anchoring the chain head after an accepted loss.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { appendChained, lastLink } from './chain.js';
import { sqliteConnection } from './sql.js';
import { asStoreError, DEFAULT_BUSY_TIMEOUT_MS, StoreError } from './errors.js';
import { createHeadFile, headPathOf, HeadWriter, readHead, type ChainHead, type HeadState } from './head.js';
import { encodeJson } from './json.js';
import { inspectStoreFile, verificationError } from './open.js';
import { CHAIN_SCHEMA_VERSION, LATEST_SCHEMA_VERSION } from './schema.js';
import { requireText } from './validate.js';
import { verifyChain, type ChainAnchor, type VerifyReport } from './verify.js';

/** Opens an existing file of ours read-only (never creating it); the caller closes it. */
function openExisting(path: string): Database.Database {
  if (inspectStoreFile(path) === 'new')
    throw new StoreError('MISSING_FILE', `no record file at ${path} (a reader never creates one)`);
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    return db;
  } catch (error) {
    throw asStoreError(error, `cannot open ${path}`, path, DEFAULT_BUSY_TIMEOUT_MS);
  }
}

function versionOf(db: Database.Database, path: string): number {
  const quick = db.pragma('quick_check', { simple: true });
  if (quick !== 'ok') throw new StoreError('CORRUPT', `${path} is corrupt (quick_check: ${String(quick)})`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `${path} has schema version ${version}; this mnpen knows up to ${LATEST_SCHEMA_VERSION}`,
    );
  }
  return version;
}

/**
 * Walks the whole file read-only (schema, every link, every covered row, the head, `anchors`)
 * and reports every finding; nothing is written. Throws StoreError only when the file cannot be
 * read as ours (MISSING_FILE, EMPTY_FILE, NOT_A_FILE, NOT_SQLITE, FOREIGN, CORRUPT, NEWER_SCHEMA).
 */
export function verifyStoreFile(path: string, anchors: readonly ChainAnchor[] = []): VerifyReport {
  const headPath = headPathOf(path);
  const head = readHead(headPath);
  const db = openExisting(path);
  try {
    return verifyChain(db, { version: versionOf(db, path), head, headPath, anchors });
  } catch (error) {
    throw asStoreError(error, `cannot verify ${path}`, path, DEFAULT_BUSY_TIMEOUT_MS);
  } finally {
    db.close();
  }
}

export interface StoreStatus {
  readonly path: string;
  readonly bytes: number;
  readonly walBytes: number;
  readonly schemaVersion: number;
  readonly latestSchemaVersion: number;
  readonly auditRows: number;
  /** The last audit row as the file holds it (not verified: `db verify` does that). */
  readonly lastLink: ChainHead | null;
  readonly head: HeadState;
  readonly clients: number;
  readonly sessions: number;
  readonly openSessions: number;
}

const fileBytes = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** Counts and versions of the file, read-only and without verification. */
export function storeStatus(path: string): StoreStatus {
  const db = openExisting(path);
  try {
    const version = versionOf(db, path);
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
    const chained = version >= CHAIN_SCHEMA_VERSION;
    const last = chained
      ? (db
          .prepare('SELECT audit_id AS auditId, chain_hash AS hash FROM audit_log ORDER BY audit_id DESC LIMIT 1')
          .get() as ChainHead | undefined)
      : undefined;
    return {
      path,
      bytes: fileBytes(path),
      walBytes: fileBytes(`${path}-wal`),
      schemaVersion: version,
      latestSchemaVersion: LATEST_SCHEMA_VERSION,
      auditRows: count('SELECT count(*) FROM audit_log'),
      lastLink: last ?? null,
      head: readHead(headPathOf(path)),
      clients: count('SELECT count(*) FROM clients'),
      sessions: count('SELECT count(*) FROM sessions'),
      openSessions: count('SELECT count(*) FROM sessions WHERE ended_at IS NULL'),
    };
  } catch (error) {
    throw asStoreError(error, `cannot read the status of ${path}`, path, DEFAULT_BUSY_TIMEOUT_MS);
  } finally {
    db.close();
  }
}

const HEAD_ONLY = new Set(['RECORDS_LOST', 'CHAIN_HEAD_MISSING', 'HEAD_MISMATCH']);

/**
 * After a loss a person has accepted (a deleted -wal, a restored copy, a lost head file): when the
 * chain and every row verify and only the head disagrees, appends a chained `chain.reanchored` row
 * naming the previous head, where the file ends and `reason`, and writes the head to it. The loss
 * stays on the record. Throws the verification's StoreError when anything else is wrong.
 */
export function reanchorStore(path: string, reason: string, nowMs: number): { previous: HeadState; head: ChainHead } {
  requireText(reason, 'reason', 500);
  const report = verifyStoreFile(path);
  if (report.schemaVersion < CHAIN_SCHEMA_VERSION) {
    throw new StoreError(
      'OLDER_SCHEMA',
      `${path} has schema version ${report.schemaVersion}: run \`mnpen db migrate --db ${path}\``,
    );
  }
  if (report.problems.some((problem) => !HEAD_ONLY.has(problem.kind))) throw verificationError(path, report);
  const headPath = headPathOf(path);
  let db: Database.Database | undefined;
  let writer: HeadWriter | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = FULL');
    createHeadFile(headPath);
    writer = new HeadWriter(headPath);
    const previousHead = report.head.state === 'present' ? report.head.head : report.head.state;
    const detailJson = encodeJson({ previousHead, fileEndsAt: report.lastLink, reason }, 'reanchor detail');
    const opened = db;
    opened
      .transaction(() =>
        appendChained(sqliteConnection(opened), {
          atMs: Math.floor(nowMs),
          sessionId: null,
          kind: 'chain.reanchored',
          detailJson,
          rows: [],
        }),
      )
      .immediate();
    const headWriter = writer;
    const head = opened
      .transaction(() => {
        const link = lastLink(sqliteConnection(opened));
        headWriter.reset(link);
        return link;
      })
      .immediate();
    return { previous: report.head, head };
  } catch (error) {
    throw asStoreError(error, `cannot re-anchor ${path}`, path, DEFAULT_BUSY_TIMEOUT_MS);
  } finally {
    writer?.close();
    db?.close();
  }
}
