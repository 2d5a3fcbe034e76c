// The few SQL calls the record logic makes, behind one interface both backends (SQLite, PostgreSQL) implement.
import type Database from 'better-sqlite3';

/** A bound parameter: the record logic binds only text, numbers and null. */
export type SqlValue = string | number | null;

export type SqlDialect = 'sqlite' | 'postgres';

/** A statement of one connection: run it, or read its first row or all rows (objects keyed by column). */
export interface SqlStatement {
  run(...params: SqlValue[]): { readonly changes: number };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

/**
 * A synchronous connection. SQL uses `?` placeholders and the dialect both engines share (quoted
 * camelCase aliases, RETURNING, IS DISTINCT FROM, typed CAST on a parameter tested for NULL).
 */
export interface SqlConnection {
  readonly dialect: SqlDialect;
  prepare(sql: string): SqlStatement;
  /** One write transaction, writers serialised from its start; nested: a savepoint. Rolled back when body throws. */
  transaction<T>(body: () => T): T;
  /** One read snapshot (nothing written). */
  snapshot<T>(body: () => T): T;
}

const caches = new WeakMap<SqlConnection, Map<string, SqlStatement>>();

/** The statement for `sql` on `connection`, prepared once per connection. */
export function statement(connection: SqlConnection, sql: string): SqlStatement {
  let cache = caches.get(connection);
  if (cache === undefined) caches.set(connection, (cache = new Map()));
  let prepared = cache.get(sql);
  if (prepared === undefined) cache.set(sql, (prepared = connection.prepare(sql)));
  return prepared;
}

/** A better-sqlite3 database as a SqlConnection: IMMEDIATE write transactions (the lock at BEGIN, where busy_timeout applies). */
export function sqliteConnection(db: Database.Database): SqlConnection {
  const transaction = db.transaction((body: () => unknown) => body());
  return {
    dialect: 'sqlite',
    prepare(sql) {
      const prepared = db.prepare(sql);
      return {
        run: (...params) => ({ changes: prepared.run(...params).changes }),
        get: (...params) => prepared.get(...params),
        all: (...params) => prepared.all(...params),
      };
    },
    transaction: <T>(body: () => T): T => transaction.immediate(body) as T,
    snapshot: <T>(body: () => T): T => transaction.deferred(body) as T,
  };
}

/** The column giving session_cartridges its attach order: SQLite's rowid, PostgreSQL's attach_seq. */
export function attachOrder(connection: SqlConnection): string {
  return connection.dialect === 'sqlite' ? 'rowid' : 'attach_seq';
}
