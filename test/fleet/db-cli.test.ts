// `mnpen db migrate|status|verify` and `history` on a PostgreSQL URL (--db or MNPEN_DATABASE_URL); a foreign database refused untouched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openRecords } from '../../src/store/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { manualClock, recordSample } from '../support/store-helpers.js';
import { describeWithPrograms } from '../support/system-programs.js';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => (stdout += `${text}\n`),
    stderr: (text) => (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

describeWithPrograms(['postgres'], 'mnpen db on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster.remove());

  it('migrate creates the schema in an empty database, status and verify read it, history lists it', async () => {
    const url = cluster.createDatabase();
    expect((await run('db', 'status', '--db', url)).stdout).toContain('no mnpen records yet');
    expect((await run('db', 'migrate', '--db', url)).stdout).toContain('migrated from schema version 0 to 3');
    expect((await run('db', 'migrate', '--db', url)).stdout).toContain('already at schema version 3');
    const clock = manualClock(Date.parse('2025-03-01T09:00:00Z'));
    const store = openRecords(url, { nowMs: clock.nowMs });
    recordSample(store, clock);
    store.close();
    const status = await run('db', 'status', '--db', url);
    expect(status.stdout).toContain('PostgreSQL, schema version 3');
    const verify = await run('db', 'verify', '--db', url);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('records intact');
    const history = await run('history', '--db', url, '--json');
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as unknown[]).length).toBeGreaterThan(0);
  });

  it('MNPEN_DATABASE_URL selects the server when --db is absent', async () => {
    const url = cluster.createDatabase();
    process.env.MNPEN_DATABASE_URL = url;
    try {
      expect((await run('db', 'migrate')).stdout).toContain('migrated from schema version 0 to 3');
      expect((await run('db', 'status')).stdout).toContain('PostgreSQL, schema version 3');
    } finally {
      delete process.env.MNPEN_DATABASE_URL;
    }
  });

  it('S16: a database of another application is refused with FOREIGN and left untouched', async () => {
    const url = cluster.createDatabase();
    const name = new URL(url).pathname.slice(1);
    cluster.psql(name, 'CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (1)');
    const migrate = await run('db', 'migrate', '--db', url);
    expect(migrate.code).toBe(2);
    expect(migrate.stderr).toContain('[FOREIGN]');
    expect(
      cluster.psql(name, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'").trim(),
    ).toBe('invoices');
    expect((await run('db', 'status', '--db', url)).code).toBe(2);
  });

  it('S16: an altered schema is refused at open; a server that is down is RECORDS_UNAVAILABLE within the bound', async () => {
    const url = cluster.createDatabase();
    openRecords(url).close();
    cluster.psql(new URL(url).pathname.slice(1), 'DROP TRIGGER passes_no_delete ON passes');
    expect(() => openRecords(url)).toThrow(/SCHEMA_ALTERED|trigger passes_no_delete is missing/);
    const down = `postgres://postgres@127.0.0.1:1/none`;
    expect(() => openRecords(down, { timeoutMs: 500 })).toThrow(
      expect.objectContaining({ code: 'RECORDS_UNAVAILABLE' }),
    );
  });
});
