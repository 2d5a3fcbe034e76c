// The store's contract tests run once per backend: SQLite in a temp file, PostgreSQL in a fresh database of a throwaway cluster.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe } from 'vitest';
import { headPathOf, readHead } from '../../src/store/head.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import { tempDir } from './store-helpers.js';
import { describeWithPrograms } from './system-programs.js';

export interface BackendFixture {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh target with no records yet: a file path or a database URL. */
  target(): string;
  /** Runs SQL on the target outside mnpen (another connection); throws the engine's error. */
  rawExec(target: string, sql: string): void;
  /** The committed chain head's audit id, read outside mnpen (SQLite: the -head file; PostgreSQL: mnpen_chain_head); -1 when none. */
  chainHeadAuditId(target: string): number;
}

let files = 0;

/** Runs `body` as `title [sqlite]` and `title [postgres]` (the latter needs the PostgreSQL binaries). */
export function describeBackends(title: string, body: (backend: BackendFixture) => void): void {
  describe(`${title} [sqlite]`, () => {
    let temp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      temp = tempDir();
    });
    afterAll(() => temp.remove());
    body({
      name: 'sqlite',
      target: () => join(temp.dir, `records-${++files}.db`),
      rawExec(target, sql) {
        const raw = new Database(target);
        try {
          raw.exec(sql);
        } finally {
          raw.close();
        }
      },
      chainHeadAuditId(target) {
        const head = readHead(headPathOf(target));
        return head.state === 'present' ? head.head.auditId : -1;
      },
    });
  });
  describeWithPrograms(['postgres'], `${title} [postgres]`, () => {
    let cluster: PgCluster;
    beforeAll(async () => {
      cluster = await startPgCluster();
    });
    afterAll(() => cluster.remove());
    body({
      name: 'postgres',
      target: () => cluster.createDatabase(),
      rawExec(target, sql) {
        const database = new URL(target).pathname.slice(1);
        // NOTE: psql gets the TEMP change log a write needs, so only mnpen's triggers can refuse it.
        cluster.psql(database, `CREATE TEMP TABLE mnpen_changed_rows (tbl TEXT, key TEXT); ${sql}`);
      },
      chainHeadAuditId(target) {
        const database = new URL(target).pathname.slice(1);
        const id = cluster.psql(database, 'SELECT audit_id FROM mnpen_chain_head').trim();
        return id === '' ? -1 : Number(id);
      },
    });
  });
}
