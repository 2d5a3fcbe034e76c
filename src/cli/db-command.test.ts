// Tests of `mnpen db`: verify names the first broken link and exits 1, anchors, status, migrate, reanchor after an accepted loss.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main.js';
import { openStore } from '../store/index.js';
import { manualClock, recordSample, tempDir } from '../../test/support/store-helpers.js';
import { tamper } from '../../test/support/store-tamper.js';

let temp: ReturnType<typeof tempDir>;
let path: string;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => (stdout += `${text}\n`),
    stderr: (text) => (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

beforeEach(() => {
  temp = tempDir();
  path = join(temp.dir, 'mnpen.db');
  const clock = manualClock(Date.parse('2025-03-01T09:00:00Z'));
  const store = openStore(path, { nowMs: clock.nowMs });
  recordSample(store, clock);
  store.close();
});
afterEach(() => temp.remove());

describe('mnpen db verify', () => {
  it('S16: an intact file: exit 0, rows counted, the head printed as an anchor', async () => {
    const result = await run('db', 'verify', '--db', path);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /records intact\n {2}\d+ audit rows chained \(2 from before the chain\), \d+ record rows match/,
    );
    const anchor = /--anchor (\d+:[0-9a-f]{64})/.exec(result.stdout)?.[1] as string;
    expect((await run('db', 'verify', '--db', path, '--anchor', anchor)).code).toBe(0);
    const json = JSON.parse((await run('db', 'verify', '--db', path, '--json')).stdout) as {
      ok: boolean;
      auditRows: number;
    };
    expect(json).toMatchObject({ ok: true });
    expect(json.auditRows).toBeGreaterThan(10);
  });

  it('S16: a tampered file: exit 1 and the first broken link named', async () => {
    tamper(path, "UPDATE sessions SET client_id = 'c-2'");
    const result = await run('db', 'verify', '--db', path);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('RECORDS NOT INTACT: 1 problem(s); the first broken link:');
    expect(result.stdout).toMatch(/\[ROW_ALTERED\] sessions row \[1\] differs from what audit row \d+ recorded/);
  });

  it('S16: a session on a tampered file is refused with exit 2 and the reason; history too; the file unchanged', async () => {
    tamper(path, 'DELETE FROM passes WHERE pass_id = 1');
    const history = await run('history', '--db', path);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('RECORDS_TAMPERED: passes row [1], recorded by audit row');
  });

  it('a missing file, a directory, a bad anchor or an unknown subcommand is exit 2; nothing is created', async () => {
    const missing = join(temp.dir, 'typo.db');
    const result = await run('db', 'verify', '--db', missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[MISSING_FILE] no record file at');
    expect((await run('history', '--db', missing)).code).toBe(2);
    expect((await run('db', 'migrate', '--db', missing)).code).toBe(2);
    expect(existsSync(missing)).toBe(false);
    expect((await run('db', 'verify', '--db', temp.dir)).stderr).toContain('[NOT_A_FILE]');
    expect((await run('db', 'verify', '--db', path, '--anchor', '12:abc')).stderr).toContain(
      '--anchor: expected AUDIT_ID:HASH',
    );
    expect((await run('db', 'vacuum')).stderr).toContain('unknown db command "vacuum"');
  });
});

describe('mnpen db status, migrate, reanchor', () => {
  it('status reports version, rows and the head without writing', async () => {
    const result = await run('db', 'status', '--db', path);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/schema version 3 \(this mnpen: 3\)\n.*2 clients, 1 sessions \(0 not ended\)/);
  });

  it('migrate upgrades a version-2 file and starts its chain', async () => {
    const old = join(temp.dir, 'v2.db');
    openStore(old, { schemaVersion: 2 }).close();
    expect((await run('db', 'verify', '--db', old)).stdout).toContain('predates the audit chain');
    expect((await run('db', 'migrate', '--db', old)).stdout).toContain('migrated from schema version 2 to 3');
    expect((await run('db', 'verify', '--db', old)).code).toBe(0);
    expect((await run('db', 'migrate', '--db', old)).stdout).toContain('already at schema version 3');
  });

  it('S16: reanchor records an accepted loss (an older copy restored) and only then opens it again', async () => {
    copyFileSync(path, join(temp.dir, 'backup.db'));
    const store = openStore(path);
    store.audit('later', {});
    store.close();
    copyFileSync(join(temp.dir, 'backup.db'), path);
    expect((await run('db', 'verify', '--db', path)).stdout).toContain('[RECORDS_LOST]');
    expect((await run('db', 'reanchor', '--db', path)).stderr).toContain('--reason TEXT is required');
    const result = await run('db', 'reanchor', '--db', path, '--reason', 'restored from the nightly backup');
    expect(result.code).toBe(0);
    expect((await run('db', 'verify', '--db', path)).code).toBe(0);
    const reopened = openStore(path, { access: 'read' });
    expect(reopened.auditLog().at(-1)).toMatchObject({
      kind: 'chain.reanchored',
      detail: { reason: 'restored from the nightly backup' },
    });
    reopened.close();
  });

  it('S16: reanchor refuses a file whose rows were altered (tampering is not a loss to accept)', async () => {
    tamper(path, 'UPDATE sessions SET is_patch_test = 1');
    const result = await run('db', 'reanchor', '--db', path, '--reason', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RECORDS_TAMPERED');
  });
});
