// The audit chain (S16): every audit row hashes its predecessor and the digests of the record rows its transaction wrote.
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { statement, type SqlConnection, type SqlValue } from './sql.js';

/** Hash before the first audit row. */
export const CHAIN_SEED = hash('sha256', 'mnpen audit chain v1', 'hex');

/** A table whose rows the chain covers: its name, primary-key columns and every column, in table order. */
export interface CoveredTable {
  readonly name: string;
  readonly keyColumns: readonly string[];
  readonly columns: readonly string[];
}

/** One row a transaction wrote: table, primary key as a JSON array, digest of the row (null: deleted). */
export type DescribedRow = readonly [table: string, key: string, digest: string | null];

export interface AuditFields {
  readonly auditId: number;
  readonly atMs: number;
  readonly sessionId: number | null;
  readonly kind: string;
  readonly detailJson: string;
  readonly rowsJson: string | null;
}

/** Digest of one record row: SHA-256 over the table name and every column value, in table order. */
export function rowDigest(table: string, values: readonly unknown[]): string {
  return hash('sha256', JSON.stringify([table, ...values]), 'hex');
}

/**
 * Chain hash of an audit row: SHA-256 over the previous row's hash and every field of this one,
 * strings length-prefixed (unambiguous without escaping, so the walk stays cheap).
 */
export function auditHash(previousHash: string, row: AuditFields): string {
  const rows = row.rowsJson === null ? '-' : `${row.rowsJson.length}:${row.rowsJson}`;
  const text = `${previousHash}\n${row.auditId}\n${row.atMs}\n${row.sessionId ?? '-'}\n${row.kind.length}:${row.kind}\n${row.detailJson.length}:${row.detailJson}\n${rows}`;
  return hash('sha256', text, 'hex');
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The covered tables' columns and keys as the open file declares them (its schema was checked first). */
export function describeTables(db: Database.Database, names: readonly string[]): CoveredTable[] {
  return names.map((name) => {
    const info = db.pragma(`table_info(${quote(name)})`) as { name: string; pk: number }[];
    const keyColumns = info
      .filter((column) => column.pk > 0)
      .sort((first, second) => first.pk - second.pk)
      .map((column) => column.name);
    if (keyColumns.length === 0) throw new Error(`covered table ${name} has no primary key`);
    return { name, keyColumns, columns: info.map((column) => column.name) };
  });
}

/** SQL selecting every row of `table` as [key JSON, ...columns]. */
export function selectRowsSql(table: CoveredTable): string {
  const key = `json_array(${table.keyColumns.map(quote).join(', ')})`;
  return `SELECT ${key}, ${table.columns.map(quote).join(', ')} FROM main.${quote(table.name)}`;
}

/**
 * Installs, on this connection only (TEMP: nothing in the file), triggers noting the key of every
 * row inserted, updated or deleted in a covered table, so each write's audit row can describe
 * exactly the rows it changed.
 */
export function trackChanges(db: Database.Database, tables: readonly CoveredTable[]): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS mnpen_changed_rows (tbl TEXT NOT NULL, key TEXT NOT NULL)`);
  for (const table of tables) {
    const keyOf = (alias: string) =>
      `json_array(${table.keyColumns.map((column) => `${alias}.${quote(column)}`).join(', ')})`;
    const note = (alias: string) => `INSERT INTO mnpen_changed_rows VALUES ('${table.name}', ${keyOf(alias)});`;
    const base = `mnpen_track_${table.name}`;
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS ${base}_insert AFTER INSERT ON main.${quote(table.name)} BEGIN ${note('NEW')} END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${base}_update AFTER UPDATE ON main.${quote(table.name)} BEGIN ${note('OLD')} ${note('NEW')} END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${base}_delete AFTER DELETE ON main.${quote(table.name)} BEGIN ${note('OLD')} END;`);
  }
}

/** The change log of each dialect: a TEMP table of this connection only (PostgreSQL's triggers are in the schema, see pg/schema.ts). */
const CHANGED = { sqlite: 'temp.mnpen_changed_rows', postgres: 'pg_temp.mnpen_changed_rows' } as const;

/**
 * The rows changed in this transaction, each with the digest of its current content (null when
 * deleted); empties the log. Keys are JSON arrays of the primary key (PostgreSQL's jsonb text is
 * re-serialised so both engines write the same form).
 */
export function takeChanges(connection: SqlConnection, tables: readonly CoveredTable[]): DescribedRow[] {
  const log = CHANGED[connection.dialect];
  const changed = statement(connection, `SELECT DISTINCT tbl, key FROM ${log} ORDER BY tbl, key`).all() as {
    tbl: string;
    key: string;
  }[];
  const described = changed.map(({ tbl, key: noted }): DescribedRow => {
    const table = tables.find((candidate) => candidate.name === tbl) as CoveredTable;
    const values = JSON.parse(noted) as SqlValue[];
    const key = connection.dialect === 'sqlite' ? noted : JSON.stringify(values);
    const is = connection.dialect === 'sqlite' ? 'IS' : 'IS NOT DISTINCT FROM';
    const where = table.keyColumns.map((column) => `${quote(column)} ${is} ?`).join(' AND ');
    const row = statement(
      connection,
      `SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(tbl)} WHERE ${where}`,
    ).get(...values) as Record<string, unknown> | undefined;
    const digest =
      row === undefined
        ? null
        : rowDigest(
            tbl,
            table.columns.map((column) => row[column]),
          );
    return [tbl, key, digest];
  });
  if (changed.length > 0) statement(connection, `DELETE FROM ${log}`).run();
  return described;
}

/** The last audit row's id and chain hash (hash of the seed when the log is empty). */
export function lastLink(db: SqlConnection): { auditId: number; hash: string } {
  const row = statement(db, 'SELECT audit_id, chain_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as
    { audit_id: number; chain_hash: string | null } | undefined;
  if (row === undefined) return { auditId: 0, hash: CHAIN_SEED };
  if (row.chain_hash === null) throw new Error('the last audit row is not chained');
  return { auditId: row.audit_id, hash: row.chain_hash };
}

/**
 * Appends one chained audit row describing `rows`, inside the caller's write transaction (which
 * holds the write lock, so the predecessor read here is the one committed before it). `after` is
 * the predecessor (default: the last row). Returns the new row's id and hash.
 */
export function appendChained(
  db: SqlConnection,
  entry: Omit<AuditFields, 'auditId' | 'rowsJson'> & { readonly rows: readonly DescribedRow[] },
  after: { readonly auditId: number; readonly hash: string } = lastLink(db),
): { auditId: number; hash: string } {
  const row: AuditFields = {
    ...entry,
    auditId: after.auditId + 1,
    rowsJson: entry.rows.length === 0 ? null : JSON.stringify(entry.rows),
  };
  const chainHash = auditHash(after.hash, row);
  statement(
    db,
    'INSERT INTO audit_log (audit_id, at, session_id, kind, detail_json, rows_json, chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(row.auditId, row.atMs, row.sessionId, row.kind, row.detailJson, row.rowsJson, chainHash);
  return { auditId: row.auditId, hash: chainHash };
}
