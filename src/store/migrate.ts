// Applying the migrations: one immediate transaction each, audited; from the chain's version on, chained and covering the rows they changed.
import type Database from 'better-sqlite3';
import {
  appendChained,
  auditHash,
  CHAIN_SEED,
  describeTables,
  lastLink,
  rowDigest,
  selectRowsSql,
  type CoveredTable,
  type DescribedRow,
} from './chain.js';
import { sqliteConnection } from './sql.js';
import {
  CHAIN_SCHEMA_VERSION,
  coveredTableNames,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  STORE_APPLICATION_ID,
} from './schema.js';

type AuditRow = [number, number, number | null, string, string, string | null];

/** The link after the audit rows written before the chain began: their running hash (the genesis rows). */
function genesisLink(db: Database.Database): { auditId: number; hash: string } {
  let link = { auditId: 0, hash: CHAIN_SEED };
  const rows = db
    .prepare('SELECT audit_id, at, session_id, kind, detail_json, rows_json FROM audit_log ORDER BY audit_id')
    .raw()
    .iterate() as IterableIterator<AuditRow>;
  for (const [auditId, atMs, sessionId, kind, detailJson, rowsJson] of rows) {
    link = { auditId, hash: auditHash(link.hash, { auditId, atMs, sessionId, kind, detailJson, rowsJson }) };
  }
  return link;
}

/** Rows whose content differs from the digest the audit log last recorded for them (every row, before the chain). */
function undescribedRows(db: Database.Database, tables: readonly CoveredTable[]): DescribedRow[] {
  const recorded = new Map<string, string | null>();
  const logged = db
    .prepare('SELECT rows_json FROM audit_log WHERE rows_json IS NOT NULL ORDER BY audit_id')
    .pluck()
    .iterate();
  for (const rowsJson of logged as IterableIterator<string>) {
    for (const [table, key, digest] of JSON.parse(rowsJson) as DescribedRow[])
      recorded.set(`${table}\u0000${key}`, digest);
  }
  const rows: DescribedRow[] = [];
  for (const table of tables) {
    for (const [key, ...values] of db.prepare(selectRowsSql(table)).raw().iterate() as IterableIterator<
      [string, ...unknown[]]
    >) {
      const id = `${table.name}\u0000${key}`;
      const digest = rowDigest(table.name, values);
      if (recorded.get(id) !== digest) rows.push([table.name, key, digest]);
      recorded.delete(id);
    }
  }
  for (const [id, digest] of recorded) {
    if (digest !== null) rows.push([...(id.split('\u0000') as [string, string]), null]);
  }
  return rows;
}

/**
 * Brings `db` from its user_version up to `targetVersion` (default latest), one IMMEDIATE
 * transaction per migration that re-reads the version inside it (two processes opening one file
 * apply each migration once), each setting user_version and appending an audit row, so a crash
 * leaves the store at a whole version. From CHAIN_SCHEMA_VERSION on the audit row is chained and
 * describes every row the migration changed; the first one also describes every row written
 * before it (the chain's genesis). `afterChainedCommit` runs after each chained commit (the head).
 * The caller has verified the file. Returns the versions applied.
 */
export function migrate(
  db: Database.Database,
  nowMs: number,
  targetVersion = LATEST_SCHEMA_VERSION,
  afterChainedCommit: () => void = () => undefined,
): number[] {
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version > targetVersion) break;
    const done = db
      .transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (migration.version <= current) return false;
        if (current === 0) db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
        const atMs = Math.floor(nowMs);
        const detail = { fromVersion: current, toVersion: migration.version, summary: migration.summary };
        if (migration.version < CHAIN_SCHEMA_VERSION) {
          db.prepare('INSERT INTO audit_log (at, session_id, kind, detail_json) VALUES (?, NULL, ?, ?)').run(
            atMs,
            'store.migrated',
            JSON.stringify(detail),
          );
          return true;
        }
        const genesis = migration.version === CHAIN_SCHEMA_VERSION;
        const after = genesis ? genesisLink(db) : lastLink(sqliteConnection(db));
        const rows = undescribedRows(db, describeTables(db, coveredTableNames(migration.version)));
        const detailJson = JSON.stringify(
          genesis ? { ...detail, genesis: { auditRows: after.auditId, rows: rows.length } } : detail,
        );
        appendChained(sqliteConnection(db), { atMs, sessionId: null, kind: 'store.migrated', detailJson, rows }, after);
        return true;
      })
      .immediate();
    if (!done) continue;
    applied.push(migration.version);
    if (migration.version >= CHAIN_SCHEMA_VERSION) afterChainedCommit();
  }
  return applied;
}
