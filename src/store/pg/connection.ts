// The record logic's SqlConnection on PostgreSQL: `?` becomes `$n`, writers serialise on the chain-head row, savepoints nest.
import type { SqlConnection, SqlStatement, SqlValue } from '../sql.js';
import { PgFailure, type SyncPgClient } from './sync-client.js';

/** `?` placeholders (outside quotes) as PostgreSQL's `$1`, `$2`, ... */
export function numberedPlaceholders(sql: string): string {
  let index = 0;
  let quoted: string | null = null;
  let out = '';
  for (const char of sql) {
    if (quoted !== null) {
      if (char === quoted) quoted = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quoted = char;
      out += char;
    } else out += char === '?' ? `$${++index}` : char;
  }
  return out;
}

/**
 * NOTE: S5/S19 across stations: every write transaction first locks the one chain-head row, so
 * writers from every station run one at a time (the chain needs a total order anyway) and each
 * check-then-insert (pass limit, cartridge owner, live claim) reads what the previous writer
 * committed. READ COMMITTED: each statement after the lock sees every earlier commit.
 */
const CHAIN_LOCK = 'SELECT audit_id FROM mnpen_chain_head FOR UPDATE';

export class PgConnection implements SqlConnection {
  readonly dialect = 'postgres' as const;
  /** The connection the open transaction runs on (0: none). */
  private connection = 0;
  private depth = 0;

  constructor(readonly client: SyncPgClient) {}

  prepare(sql: string): SqlStatement {
    const text = numberedPlaceholders(sql);
    return {
      run: (...params: SqlValue[]) => ({ changes: this.client.query(text, params, this.connection).rowCount }),
      get: (...params: SqlValue[]) => this.client.query(text, params, this.connection).rows[0],
      all: (...params: SqlValue[]) => this.client.query(text, params, this.connection).rows,
    };
  }

  /** Runs a statement in the open transaction (or alone). */
  exec(sql: string, params: readonly SqlValue[] = []): Record<string, unknown>[] {
    return this.client.query(sql, params, this.connection).rows;
  }

  transaction<T>(body: () => T): T {
    return this.within('BEGIN ISOLATION LEVEL READ COMMITTED', [CHAIN_LOCK], body);
  }

  snapshot<T>(body: () => T): T {
    return this.within('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', [], body);
  }

  /** A transaction begun with `begin` then `first` (e.g. a lock); nested: a savepoint. */
  within<T>(begin: string, first: readonly string[], body: () => T): T {
    if (this.depth > 0) return this.savepoint(body);
    const began = this.client.query(begin);
    this.connection = began.connection;
    this.depth = 1;
    try {
      for (const sql of first) this.client.query(sql, [], this.connection);
      const result = body();
      this.client.query('COMMIT', [], this.connection);
      return result;
    } catch (error) {
      this.rollback();
      throw error;
    } finally {
      this.depth = 0;
      this.connection = 0;
    }
  }

  private savepoint<T>(body: () => T): T {
    const name = `mnpen_${this.depth}`;
    this.client.query(`SAVEPOINT ${name}`, [], this.connection);
    this.depth++;
    try {
      const result = body();
      this.client.query(`RELEASE SAVEPOINT ${name}`, [], this.connection);
      return result;
    } catch (error) {
      try {
        this.client.query(`ROLLBACK TO SAVEPOINT ${name}`, [], this.connection);
      } catch (failure) {
        // NOTE: a lost connection fails the whole transaction: its COMMIT never happens.
        if (!(failure instanceof PgFailure)) throw failure;
      }
      throw error;
    } finally {
      this.depth--;
    }
  }

  private rollback(): void {
    try {
      this.client.query('ROLLBACK', [], this.connection);
    } catch (error) {
      // NOTE: a lost connection rolled the transaction back on the server already.
      if (!(error instanceof PgFailure)) throw error;
    }
  }
}
