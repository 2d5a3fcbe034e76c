// S16 tamper evidence: each way of altering the record file is refused at open with its reason, and `db verify` names it.
import { copyFileSync, existsSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHash, CHAIN_SEED } from './chain.js';
import { StoreError, type StoreErrorCode } from './errors.js';
import { verifyStoreFile } from './file-tools.js';
import { headPathOf, HeadWriter, readHead } from './head.js';
import { openStore } from './store.js';
import { fileHash, manualClock, recordSample, tempDir, type SampleRecords } from '../../test/support/store-helpers.js';
import { rawSql, tamper } from '../../test/support/store-tamper.js';

const T0 = Date.parse('2025-03-01T09:00:00Z');
const DAY_MS = 86_400_000;

let temp: ReturnType<typeof tempDir>;
let path: string;
let sample: SampleRecords;
let clock: ReturnType<typeof manualClock>;

beforeEach(() => {
  temp = tempDir();
  path = join(temp.dir, 'records.db');
  clock = manualClock(T0);
  const store = openStore(path, { nowMs: clock.nowMs });
  sample = recordSample(store, clock);
  store.close();
});
afterEach(() => temp.remove());

function refusal(): StoreError {
  try {
    openStore(path, { nowMs: clock.nowMs }).close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the tampered file was accepted');
}

/** Opening is refused with `code` and a message containing `part`; the file and its head are unchanged. */
function expectRefused(code: StoreErrorCode, part: string): void {
  const before = existsSync(path) ? fileHash(path) : null;
  const headBefore = existsSync(headPathOf(path)) ? fileHash(headPathOf(path)) : null;
  const error = refusal();
  expect(error.code).toBe(code);
  expect(error.message).toContain(part);
  expect(existsSync(path) ? fileHash(path) : null).toBe(before);
  expect(existsSync(headPathOf(path)) ? fileHash(headPathOf(path)) : null).toBe(headBefore);
  expect(() => openStore(path, { access: 'read' })).toThrow(StoreError);
}

/** `db verify`'s first broken link. */
function firstProblem() {
  const report = verifyStoreFile(path);
  expect(report.ok).toBe(false);
  return report.problems[0];
}

describe('S16: an untouched file verifies', () => {
  it('every row covered, the head at the last row', () => {
    const report = verifyStoreFile(path);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.genesisRows).toBe(2);
    expect(report.coveredRows).toBeGreaterThan(10);
    expect(readHead(headPathOf(path))).toEqual({ state: 'present', head: report.lastLink });
    const store = openStore(path, { nowMs: clock.nowMs });
    expect(store.verify().ok).toBe(true);
    store.close();
  });
});

describe('S16: each tamper kind is refused at open with its reason', () => {
  it('deleting a pass', () => {
    tamper(path, `DELETE FROM passes WHERE pass_id = ${sample.passIds[1]}`);
    expectRefused('RECORDS_TAMPERED', `passes row [${sample.passIds[1]}]`);
    expect(firstProblem()).toMatchObject({ kind: 'ROW_DELETED', table: 'passes', key: `[${sample.passIds[1]}]` });
  });

  it('reassigning a session to another client', () => {
    tamper(path, `UPDATE sessions SET client_id = 'c-2' WHERE session_id = ${sample.sessionId}`);
    expectRefused('RECORDS_TAMPERED', `sessions row [${sample.sessionId}] differs from what audit row`);
    expect(firstProblem()).toMatchObject({ kind: 'ROW_ALTERED', table: 'sessions' });
  });

  it('backdating a session and its passes', () => {
    tamper(
      path,
      `UPDATE sessions SET started_at = started_at - ${30 * DAY_MS}, ended_at = ended_at - ${30 * DAY_MS};
       UPDATE passes SET opened_at = opened_at - ${30 * DAY_MS}, ended_at = ended_at - ${30 * DAY_MS}`,
    );
    expectRefused('RECORDS_TAMPERED', 'differs from what audit row');
    const problems = verifyStoreFile(path).problems.map((problem) => [problem.kind, problem.table]);
    expect(problems).toEqual([
      ['ROW_ALTERED', 'sessions'],
      ['ROW_ALTERED', 'passes'],
      ['ROW_ALTERED', 'passes'],
      ['ROW_ALTERED', 'passes'],
    ]);
  });

  it('marking a session as a patch test', () => {
    tamper(path, `UPDATE sessions SET is_patch_test = 1 WHERE session_id = ${sample.sessionId}`);
    expectRefused('RECORDS_TAMPERED', `sessions row [${sample.sessionId}]`);
  });

  it('inserting a forged patch test or cartridge', () => {
    tamper(
      path,
      `INSERT INTO patch_tests (client_id, done_at, area, recorded_at) VALUES ('c-2', ${T0}, 'neck', ${T0})`,
    );
    expectRefused('RECORDS_TAMPERED', 'patch_tests row [2] was never recorded by mnpen');
    expect(firstProblem()).toMatchObject({ kind: 'ROW_UNRECORDED', table: 'patch_tests' });
  });

  it('dropping the append-only triggers', () => {
    rawSql(path, 'DROP TRIGGER audit_log_no_update; DROP TRIGGER passes_no_delete');
    expectRefused('SCHEMA_ALTERED', 'trigger audit_log_no_update is missing');
    expect(verifyStoreFile(path).problems.map((problem) => problem.message)).toEqual([
      'schema: trigger audit_log_no_update is missing',
      'schema: trigger passes_no_delete is missing',
    ]);
  });

  it('replacing a trigger with one that lets deletes through', () => {
    rawSql(
      path,
      `DROP TRIGGER sessions_no_delete;
       CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END;`,
    );
    expectRefused('SCHEMA_ALTERED', 'trigger sessions_no_delete was altered');
  });

  it('adding an index or a table', () => {
    rawSql(path, 'CREATE TABLE notes (x); CREATE INDEX notes_x ON notes (x)');
    expectRefused('SCHEMA_ALTERED', 'table notes was added');
  });

  it('editing an audit row', () => {
    tamper(path, `UPDATE audit_log SET detail_json = '{"outcome":"aborted"}' WHERE kind = 'session.ended'`);
    const problem = firstProblem();
    expect(problem).toMatchObject({ kind: 'AUDIT_ROW_ALTERED' });
    expectRefused(
      'RECORDS_TAMPERED',
      `audit row ${problem?.auditId} (session.ended) was altered: its contents no longer match`,
    );
  });

  it('deleting an audit row in the middle of the log', () => {
    tamper(path, `DELETE FROM audit_log WHERE audit_id = 8`);
    expectRefused('RECORDS_TAMPERED', 'audit rows 8..8 are missing (1 deleted)');
  });

  it("deleting the log's tail with the rows it described", () => {
    const last = verifyStoreFile(path).lastLink.auditId;
    tamper(path, `DELETE FROM refusals; DELETE FROM audit_log WHERE audit_id = ${last}`);
    expectRefused('RECORDS_TAMPERED', `audit rows ${last}..${last} were written and are missing`);
    tamper(path, `UPDATE sqlite_sequence SET seq = ${last - 1} WHERE name = 'audit_log'`);
    expectRefused('RECORDS_LOST', `shows audit row ${last} committed; the file ends at row ${last - 1}`);
  });

  it('emptying the file (0 bytes)', () => {
    truncateSync(path, 0);
    expectRefused('EMPTY_FILE', 'is empty (0 bytes) where a record file was expected');
  });

  it('deleting the file, its head left', () => {
    rmSync(path);
    expectRefused('RECORDS_LOST', 'the record file is missing, but its chain head');
    expect(existsSync(path)).toBe(false);
  });

  it('deleting the chain head', () => {
    rmSync(headPathOf(path));
    expectRefused('CHAIN_HEAD_MISSING', 'is missing: without it a deleted -wal or an older copy');
    expect(existsSync(headPathOf(path))).toBe(false);
  });

  it('rolling the file back to an older copy', () => {
    copyFileSync(path, join(temp.dir, 'older.db'));
    const store = openStore(path, { nowMs: clock.nowMs });
    store.audit('later', { n: 1 });
    store.close();
    copyFileSync(join(temp.dir, 'older.db'), path);
    expectRefused('RECORDS_LOST', 'committed records are missing (a deleted -wal, or an older copy of the file)');
  });
});

describe('S16: what the chain cannot see alone, an anchor kept elsewhere does', () => {
  it('an older copy restored together with its head opens; the anchor taken later refutes it', () => {
    copyFileSync(path, join(temp.dir, 'older.db'));
    copyFileSync(headPathOf(path), join(temp.dir, 'older.db-head'));
    const store = openStore(path, { nowMs: clock.nowMs });
    store.audit('later', { n: 1 });
    const anchor = store.verify().lastLink;
    store.close();
    copyFileSync(join(temp.dir, 'older.db'), path);
    copyFileSync(join(temp.dir, 'older.db-head'), headPathOf(path));
    openStore(path, { nowMs: clock.nowMs }).close();
    expect(verifyStoreFile(path).ok).toBe(true);
    expect(verifyStoreFile(path, [anchor]).problems).toEqual([
      expect.objectContaining({ kind: 'ANCHOR_MISMATCH', auditId: anchor.auditId }),
    ]);
  });

  it('a chain recomputed by someone who knows the algorithm, head rewritten: only the anchor refutes it', () => {
    const anchor = verifyStoreFile(path).lastLink;
    tamper(path, `UPDATE audit_log SET detail_json = '{"forged":true}', chain_hash = NULL WHERE audit_id = 10`);
    const db = new Database(path);
    const rows = db
      .prepare('SELECT audit_id, at, session_id, kind, detail_json, rows_json FROM audit_log ORDER BY audit_id')
      .all() as {
      audit_id: number;
      at: number;
      session_id: number | null;
      kind: string;
      detail_json: string;
      rows_json: string | null;
    }[];
    let previous = CHAIN_SEED;
    const hashes: [number, string][] = [];
    for (const row of rows) {
      const fields = { auditId: row.audit_id, atMs: row.at, sessionId: row.session_id, kind: row.kind };
      previous = auditHash(previous, { ...fields, detailJson: row.detail_json, rowsJson: row.rows_json });
      if (row.audit_id >= 3) hashes.push([row.audit_id, previous]);
    }
    db.close();
    tamper(
      path,
      hashes.map(([id, hash]) => `UPDATE audit_log SET chain_hash = '${hash}' WHERE audit_id = ${id};`).join('\n'),
    );
    const writer = new HeadWriter(headPathOf(path));
    writer.reset({ auditId: anchor.auditId, hash: previous });
    writer.close();
    expect(verifyStoreFile(path).ok).toBe(true);
    expect(verifyStoreFile(path, [anchor]).problems.map((problem) => problem.kind)).toEqual(['ANCHOR_MISMATCH']);
  });
});
