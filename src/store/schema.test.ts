// Tests of the schema migrations: from an empty file, from version-1 and version-2 files with data, released migrations frozen.
import { createHash } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { expectedSchema } from './expected-schema.js';
import { verifyStoreFile } from './file-tools.js';
import { headPathOf } from './head.js';
import { CHAIN_SCHEMA_VERSION, LATEST_SCHEMA_VERSION, MIGRATIONS, tablesAtVersion } from './schema.js';
import { openStore } from './store.js';
import { tempDir } from '../../test/support/store-helpers.js';
import { rawSql, tamper } from '../../test/support/store-tamper.js';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => temp.remove());

const T0 = Date.parse('2025-01-01T00:00:00Z');

function tableNames(path: string): string[] {
  const db = new Database(path, { readonly: true });
  const names = (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  ).map((row) => row.name);
  db.close();
  return names;
}

function schemaOf(path: string): [string, string | null][] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
  db.close();
  return rows.map((row) => [`${row.type} ${row.name}`, row.sql]);
}

/** A file as mnpen at `version` left it: built by the released migrations, without the head file it never had. */
function releasedFile(name: string, version: number): string {
  const path = join(temp.dir, name);
  openStore(path, { nowMs: () => T0, schemaVersion: version }).close();
  rmSync(headPathOf(path));
  return path;
}

const V1_ROWS = `
  INSERT INTO clients VALUES ('c-1', 1990, ${T0}, ${T0});
  INSERT INTO sessions (session_id, client_id, mode, is_patch_test, cartridge_id, started_at, ended_at, outcome)
    VALUES (1, 'c-1', 'home', 1, 11, ${T0}, ${T0 + 60_000}, 'completed'),
           (2, 'c-1', 'home', 0, 12, ${T0 + 86_400_000}, ${T0 + 86_460_000}, 'completed'),
           (3, 'c-1', 'home', 1, 13, ${T0}, ${T0 + 1000}, 'aborted');
  INSERT INTO session_areas (session_id, area, position, depth_um, stroke_hz, pass_limit)
    VALUES (1, 'neck', 0, 200, 100, 1), (2, 'cheeks', 0, 250, 100, 6), (3, 'jawline', 0, 200, 100, 1);
  INSERT INTO passes (session_id, area, pass_number, opened_at, contact_at, ended_at, strokes, punctures)
    VALUES (1, 'neck', 1, ${T0}, ${T0 + 10}, ${T0 + 5000}, 500, 6000),
           (2, 'cheeks', 1, ${T0 + 86_400_000}, ${T0 + 86_400_010}, ${T0 + 86_405_000}, 400, 4800),
           (3, 'jawline', 1, ${T0}, ${T0 + 10}, ${T0 + 500}, 40, 480);
  INSERT INTO cartridges VALUES (12, 2, ${T0 + 86_400_000});
  INSERT INTO audit_log (at, session_id, kind, detail_json) VALUES (${T0}, 2, 'pass.opened', '{"passId":2}');
`;

describe('migrations', () => {
  it('are numbered 1..n without gaps; the chain begins at version 3', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual([1, 2, 3]);
    expect(LATEST_SCHEMA_VERSION).toBe(3);
    expect(CHAIN_SCHEMA_VERSION).toBe(3);
  });

  it('released migrations are frozen: their SQL is byte for byte what shipped (a limit change must not alter them)', () => {
    const digests = MIGRATIONS.slice(0, 2).map((migration) => createHash('sha256').update(migration.sql).digest('hex'));
    expect(digests).toEqual([
      'd5b946c90332ce2291757dafcb32a1008f9453448c6862a95f6bff33eb4aa9b4',
      '0f5f95464df6c70ff7645d0d9170a6cb5c5c137fa3561652a5a580bf01da7a60',
    ]);
  });

  it('from an empty file: every migration applied once, each audited, the third the chain genesis', () => {
    const path = join(temp.dir, 'fresh.db');
    const store = openStore(path, { nowMs: () => T0 });
    expect(store.auditLog().map((entry) => [entry.kind, entry.detail])).toEqual([
      ['store.migrated', { fromVersion: 0, toVersion: 1, summary: MIGRATIONS[0]?.summary }],
      ['store.migrated', { fromVersion: 1, toVersion: 2, summary: MIGRATIONS[1]?.summary }],
      [
        'store.migrated',
        { fromVersion: 2, toVersion: 3, summary: MIGRATIONS[2]?.summary, genesis: { auditRows: 2, rows: 0 } },
      ],
    ]);
    store.close();
    expect(tableNames(path)).toEqual(expect.arrayContaining([...tablesAtVersion(3)]));
    const again = openStore(path, { nowMs: () => T0 });
    expect(again.auditLog()).toHaveLength(3);
    again.close();
  });

  it('S16: from version 1 with data: data kept, patch tests back-filled, every earlier row covered by the genesis', () => {
    const path = releasedFile('v1.db', 1);
    expect(tableNames(path)).not.toContain('patch_tests');
    rawSql(path, V1_ROWS);

    const store = openStore(path, { nowMs: () => T0 + 2 * 86_400_000 });
    expect(store.latestPatchTest('c-1')).toEqual({ doneAtMs: T0 + 60_000, sessionId: 1, area: 'neck' });
    const sessions = store.history('c-1');
    expect(sessions.map((session) => [session.sessionId, session.outcome, session.isPatchTest])).toEqual([
      [3, 'aborted', true],
      [2, 'completed', false],
      [1, 'completed', true],
    ]);
    expect(sessions[1]?.areas[0]).toMatchObject({ area: 'cheeks', passesOpened: 1, depthUm: 250 });
    expect(store.passes(2)[0]).toMatchObject({ strokes: 400, punctures: 4800 });
    expect(store.cartridgeUse(12)).toMatchObject({ sessionId: 2, clientId: 'c-1' });
    const genesis = store.auditLog().at(-1);
    expect(genesis).toMatchObject({ kind: 'store.migrated', detail: { fromVersion: 2, toVersion: 3 } });
    // 1 client, 3 sessions, 3 areas, 3 passes, 1 cartridge, 1 back-filled patch test, 3 session cartridges
    expect(genesis?.detail).toMatchObject({ genesis: { auditRows: 3, rows: 15 } });
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    expect(verifyStoreFile(path)).toMatchObject({ ok: true, genesisRows: 3, coveredRows: 15 });

    tamper(path, "UPDATE sessions SET client_id = 'c-1', started_at = 0 WHERE session_id = 2");
    expect(() => openStore(path)).toThrow(/sessions row \[2\] differs from what audit row 4 recorded/);
  });

  it('S16: from version 2: an upgraded file has exactly the schema of a new one', () => {
    const upgraded = releasedFile('v2.db', 2);
    openStore(upgraded, { nowMs: () => T0 }).close();
    const fresh = join(temp.dir, 'fresh.db');
    openStore(fresh, { nowMs: () => T0 }).close();
    expect(schemaOf(upgraded)).toEqual(schemaOf(fresh));
    expect(schemaOf(fresh).filter(([, sql]) => sql !== null).length).toBe(
      [...expectedSchema(LATEST_SCHEMA_VERSION).values()].filter((entry) => entry.sql !== null).length,
    );
  });

  it('S16: a version-2 file whose triggers were dropped is refused before it is migrated', () => {
    const path = releasedFile('v2-altered.db', 2);
    rawSql(path, 'DROP TRIGGER audit_log_no_delete');
    expect(() => openStore(path)).toThrow(/trigger audit_log_no_delete is missing/);
    expect(() => openStore(path)).toThrow(expect.objectContaining({ code: 'SCHEMA_ALTERED' }));
  });

  it('S16: a version-2 file beside a chain head that saw chained records is an older copy: RECORDS_LOST', () => {
    const path = join(temp.dir, 'downgraded.db');
    openStore(path, { nowMs: () => T0 }).close();
    const old = releasedFile('old.db', 2);
    copyFileSync(old, path);
    let caught: unknown;
    try {
      openStore(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('RECORDS_LOST');
    expect((caught as StoreError).message).toContain('from before the chain, but its chain head');
  });
});
