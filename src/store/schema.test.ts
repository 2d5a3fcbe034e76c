// Tests of the schema migrations: from an empty file and from a version-1 file with data.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, tablesAtVersion } from './schema.js';
import { openStore } from './store.js';
import { tempDir } from '../../test/support/store-helpers.js';

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

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual([1, 2]);
    expect(LATEST_SCHEMA_VERSION).toBe(2);
  });

  it('from an empty file: every migration applied once, each audited', () => {
    const path = join(temp.dir, 'fresh.db');
    const store = openStore(path, { nowMs: () => T0 });
    expect(store.auditLog().map((entry) => [entry.kind, entry.detail])).toEqual([
      ['store.migrated', { fromVersion: 0, toVersion: 1, summary: MIGRATIONS[0]?.summary }],
      ['store.migrated', { fromVersion: 1, toVersion: 2, summary: MIGRATIONS[1]?.summary }],
    ]);
    store.close();
    expect(tableNames(path)).toEqual(expect.arrayContaining([...tablesAtVersion(2)]));
    const again = openStore(path, { nowMs: () => T0 });
    expect(again.auditLog()).toHaveLength(2);
    again.close();
  });

  it('from version 1 with data: data kept, completed patch-test sessions back-filled as patch tests', () => {
    const path = join(temp.dir, 'v1.db');
    openStore(path, { nowMs: () => T0, schemaVersion: 1 }).close();
    expect(tableNames(path)).not.toContain('patch_tests');
    const v1 = new Database(path);
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.exec(`
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
    `);
    v1.close();

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
    expect(store.auditLog().at(-1)).toMatchObject({ kind: 'store.migrated', detail: { fromVersion: 1, toVersion: 2 } });
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    expect(tableNames(path)).toContain('patch_tests');
  });
});
