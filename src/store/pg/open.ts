// Opening records on a PostgreSQL server: recognise our database, refuse a foreign one untouched, migrate, check the schema and chain, then the store.
import { appendChained, lastLink } from '../chain.js';
import { newHolder } from '../claim-holder.js';
import { StoreCore } from '../core.js';
import { StoreError } from '../errors.js';
import { STORE_APPLICATION_ID } from '../schema.js';
import { RecordStore, type StoreOptions } from '../store.js';
import type { Store } from '../types.js';
import { requireInteger } from '../validate.js';
import type { ChainAnchor, VerifyReport } from '../verify.js';
import { PgConnection } from './connection.js';
import { asPgStoreError } from './errors.js';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS, PG_SESSION_SQL } from './schema.js';
import { SyncPgClient } from './sync-client.js';
import { pgCoveredTables, pgSchemaDifferences, verifyPg } from './verify.js';

/** Environment variable naming the records server (a `postgres://` URL); `--db` wins over it. */
export const DATABASE_URL_ENV = 'MNPEN_DATABASE_URL';

/** How long any one request to the server may take before RECORDS_UNAVAILABLE, ms (default). */
export const DEFAULT_PG_TIMEOUT_MS = 2000;

/** True for a `postgres://` or `postgresql://` URL (anything else is an SQLite path). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The URL without its password, for messages and records. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export interface PgStoreOptions extends StoreOptions {
  /** Bound of every request to the server, ms (default 2000). */
  readonly timeoutMs?: number;
}

/** What the database holds: nothing of ours (`empty` or `foreign`), or our records at a schema version. */
type DatabaseKind = { kind: 'empty' } | { kind: 'foreign'; why: string } | { kind: 'ours'; version: number };

function inspect(connection: PgConnection, where: string): DatabaseKind {
  const row = connection.exec(
    `SELECT to_regclass('public.mnpen_meta') IS NOT NULL AS meta,
            (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables`,
  )[0] as { meta: boolean; tables: number };
  if (!row.meta) {
    return row.tables === 0
      ? { kind: 'empty' }
      : { kind: 'foreign', why: `${where} has ${row.tables} tables of another application and no mnpen records` };
  }
  const meta = connection.exec('SELECT application_id, schema_version FROM mnpen_meta')[0];
  if (meta === undefined || Number(meta.application_id) !== STORE_APPLICATION_ID) {
    return { kind: 'foreign', why: `${where} has an mnpen_meta table that is not an mnpen store's` };
  }
  return { kind: 'ours', version: Number(meta.schema_version) };
}

/**
 * Applies the migrations above the database's version, one transaction each, under an advisory
 * lock so two stations starting together apply each once; each appends a chained audit row.
 */
function migratePg(connection: PgConnection, nowMs: number): number[] {
  const applied: number[] = [];
  for (const migration of PG_MIGRATIONS) {
    const done = connection.within('BEGIN', [`SELECT pg_advisory_xact_lock(${STORE_APPLICATION_ID})`], () => {
      const current = connection.exec("SELECT to_regclass('public.mnpen_meta') IS NOT NULL AS meta")[0] as {
        meta: boolean;
      };
      const version = current.meta
        ? Number(connection.exec('SELECT schema_version FROM mnpen_meta')[0]?.schema_version)
        : 0;
      if (migration.version <= version) return false;
      connection.exec(migration.sql);
      connection.exec('UPDATE mnpen_meta SET schema_version = $1, created_at = $2', [migration.version, nowMs]);
      const detail = { fromVersion: version, toVersion: migration.version, summary: migration.summary };
      appendChained(connection, {
        atMs: nowMs,
        sessionId: null,
        kind: 'store.migrated',
        detailJson: JSON.stringify(detail),
        rows: [],
      });
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

function verificationError(where: string, report: VerifyReport): StoreError {
  const first = report.problems[0];
  const code =
    first?.kind === 'SCHEMA_ALTERED'
      ? 'SCHEMA_ALTERED'
      : first?.kind === 'RECORDS_LOST'
        ? 'RECORDS_LOST'
        : 'RECORDS_TAMPERED';
  return new StoreError(
    code,
    `${where}: ${code}: ${report.problemCount} problem(s), the first: ${first?.message ?? 'unknown'}; run \`mnpen db verify --db URL\``,
  );
}

/** Opens the connection and classifies the database; the caller closes `client` on failure. */
function connect(
  url: string,
  options: PgStoreOptions,
): { client: SyncPgClient; connection: PgConnection; where: string } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PG_TIMEOUT_MS;
  requireInteger(timeoutMs, 'timeoutMs', 1, 600_000);
  const client = new SyncPgClient(url, timeoutMs);
  return { client, connection: new PgConnection(client), where: redactUrl(url) };
}

/**
 * Opens the records on the PostgreSQL server at `url`. For writing (default): creates the schema
 * in an empty database, migrates an older one, and checks schema and chain before use; for
 * reading: never creates or migrates, and every write throws READ_ONLY. A database holding
 * another application's tables is refused with FOREIGN before anything is written to it.
 * Throws StoreError (FOREIGN, NEWER_SCHEMA, OLDER_SCHEMA, MISSING_FILE, SCHEMA_ALTERED,
 * RECORDS_TAMPERED, RECORDS_LOST, RECORDS_UNAVAILABLE, ...).
 */
export function openPgStore(url: string, options: PgStoreOptions = {}): Store {
  const clock = options.nowMs ?? Date.now;
  const { client, connection, where } = connect(url, options);
  const reading = options.access === 'read';
  try {
    let database = inspect(connection, where);
    if (database.kind === 'foreign') throw new StoreError('FOREIGN', `${database.why}; left unchanged`);
    if (database.kind === 'ours' && database.version > PG_LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        'NEWER_SCHEMA',
        `${where} has schema version ${database.version}; this mnpen knows up to ${PG_LATEST_SCHEMA_VERSION}: upgrade mnpen`,
      );
    }
    if (reading && database.kind === 'empty') throw new StoreError('MISSING_FILE', `${where} holds no mnpen records`);
    if (reading && database.kind === 'ours' && database.version < PG_LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        'OLDER_SCHEMA',
        `${where} has schema version ${database.version}: run \`mnpen db migrate\` first`,
      );
    }
    if (database.kind === 'ours') {
      const differences = pgSchemaDifferences(connection);
      if (differences.length > 0)
        throw new StoreError('SCHEMA_ALTERED', `${where}: SCHEMA_ALTERED: ${differences.join('; ')}; left unchanged`);
    }
    client.init(reading ? ['SET default_transaction_read_only = on'] : PG_SESSION_SQL);
    if (!reading) migratePg(connection, Math.floor(clock()));
    database = inspect(connection, where);
    const report = verifyPg(connection);
    if (!report.ok) throw verificationError(where, report);
    const tables = pgCoveredTables(connection);
    const core = new StoreCore(
      where,
      connection,
      clock,
      tables,
      null,
      newHolder(),
      reading,
      (error, action) => asPgStoreError(error, action, where),
      () => client.close(),
    );
    return new RecordStore(core, {
      integrityCheck: () => {
        const differences = pgSchemaDifferences(connection);
        return differences.length === 0 ? 'ok' : differences.join('; ');
      },
      verify: (anchors) => verifyPg(connection, anchors),
    });
  } catch (error) {
    client.close();
    throw asPgStoreError(error, `cannot open the records at ${where}`, where);
  }
}

/** The status `mnpen db status` shows for a server: version, counts, last link, or what is wrong. */
export interface PgStatus {
  readonly where: string;
  readonly state: 'empty' | 'foreign' | 'ours';
  readonly schemaVersion: number;
  readonly latestSchemaVersion: number;
  readonly sessions: number;
  readonly auditRows: number;
  readonly lastLink: { auditId: number; hash: string } | null;
  readonly detail: string | null;
}

/** Reads the status of the records at `url` without writing anything. */
export function pgStatus(url: string, options: PgStoreOptions = {}): PgStatus {
  const { client, connection, where } = connect(url, options);
  try {
    const database = inspect(connection, where);
    const base = { where, latestSchemaVersion: PG_LATEST_SCHEMA_VERSION };
    if (database.kind !== 'ours') {
      return {
        ...base,
        state: database.kind,
        schemaVersion: 0,
        sessions: 0,
        auditRows: 0,
        lastLink: null,
        detail: database.kind === 'foreign' ? database.why : null,
      };
    }
    const counts = connection.exec(
      'SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM audit_log) AS audit_rows',
    )[0] as { sessions: number; audit_rows: number };
    return {
      ...base,
      state: 'ours',
      schemaVersion: database.version,
      sessions: counts.sessions,
      auditRows: counts.audit_rows,
      lastLink: lastLink(connection),
      detail: null,
    };
  } catch (error) {
    throw asPgStoreError(error, `cannot read the status of ${where}`, where);
  } finally {
    client.close();
  }
}

/** Walks the chain of the records at `url` (read-only, no open-time check): `mnpen db verify`. */
export function verifyPgRecords(
  url: string,
  anchors: readonly ChainAnchor[] = [],
  options: PgStoreOptions = {},
): VerifyReport {
  const { client, connection, where } = connect(url, options);
  try {
    const database = inspect(connection, where);
    if (database.kind === 'foreign') throw new StoreError('FOREIGN', `${database.why}; left unchanged`);
    if (database.kind === 'empty') throw new StoreError('MISSING_FILE', `${where} holds no mnpen records`);
    return verifyPg(connection, anchors);
  } catch (error) {
    throw asPgStoreError(error, `cannot verify ${where}`, where);
  } finally {
    client.close();
  }
}
