// Tests of opening the record file: foreign and corrupt files are refused untouched; the data directory.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHeadFile, headPathOf } from './head.js';
import { resolveDataDir, StoreError, storePathIn } from './open.js';
import { LATEST_SCHEMA_VERSION, STORE_APPLICATION_ID } from './schema.js';
import { openStore, openStoreInDataDir } from './store.js';
import { fileHash, sideFiles, tempDir } from '../../test/support/store-helpers.js';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => temp.remove());

function expectRefused(path: string, code: StoreError['code']): void {
  const before = fileHash(path);
  let caught: unknown;
  try {
    openStore(path).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  expect((caught as StoreError).message).toContain(path);
  expect(fileHash(path)).toBe(before);
}

describe('resolveDataDir', () => {
  it('prefers the flag, then MNPEN_DATA_DIR, then ./data', () => {
    expect(resolveDataDir({ MNPEN_DATA_DIR: '/env/dir' }, '/flag/dir')).toBe('/flag/dir');
    expect(resolveDataDir({ MNPEN_DATA_DIR: '/env/dir' }, undefined)).toBe('/env/dir');
    expect(resolveDataDir({ MNPEN_DATA_DIR: '/env/dir' }, '')).toBe('/env/dir');
    expect(resolveDataDir({ MNPEN_DATA_DIR: '' })).toBe('./data');
    expect(resolveDataDir({})).toBe('./data');
    expect(storePathIn('/x/data')).toBe('/x/data/mnpen.db');
  });

  it('creates the data directory and a WAL-mode file carrying our application_id', () => {
    const dataDir = join(temp.dir, 'nested', 'data');
    openStoreInDataDir(dataDir).close();
    const db = new Database(storePathIn(dataDir), { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(STORE_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('creates the chain head beside a new file, before the file itself', () => {
    const path = join(temp.dir, 'new.db');
    openStore(path).close();
    expect(existsSync(headPathOf(path))).toBe(true);
  });

  it('a 0-byte file beside a fresh head (a creation cut short, or under way in another process) becomes a new store', () => {
    const path = join(temp.dir, 'cut-short.db');
    createHeadFile(headPathOf(path));
    writeFileSync(path, '');
    const store = openStore(path);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.verify().ok).toBe(true);
    store.close();
  });
});

describe('S16: bad paths are refused with their reason, nothing created', () => {
  it('an empty (0-byte) file where a database was expected is EMPTY_FILE', () => {
    const path = join(temp.dir, 'empty.db');
    writeFileSync(path, '');
    expectRefused(path, 'EMPTY_FILE');
    expect(readdirSync(temp.dir)).toEqual(['empty.db']);
  });

  it('a directory given as the path is NOT_A_FILE, for writing and for reading', () => {
    const path = join(temp.dir, 'a-directory');
    mkdirSync(path);
    for (const access of ['write', 'read'] as const) {
      expect(() => openStore(path, { access })).toThrow(expect.objectContaining({ code: 'NOT_A_FILE' }));
    }
    expect(readdirSync(path)).toEqual([]);
  });

  it('a reader never creates: a missing path is MISSING_FILE and no file or directory appears', () => {
    const path = join(temp.dir, 'typo', 'mnpen.db');
    expect(() => openStore(path, { access: 'read' })).toThrow(expect.objectContaining({ code: 'MISSING_FILE' }));
    expect(existsSync(join(temp.dir, 'typo'))).toBe(false);
  });

  it('a reader refuses an older schema (it would have to migrate) with OLDER_SCHEMA, and writes refuse READ_ONLY', () => {
    const old = join(temp.dir, 'v2.db');
    openStore(old, { schemaVersion: 2 }).close();
    expect(() => openStore(old, { access: 'read' })).toThrow(expect.objectContaining({ code: 'OLDER_SCHEMA' }));
    const path = join(temp.dir, 'current.db');
    openStore(path).close();
    const reader = openStore(path, { access: 'read' });
    expect(reader.readOnly).toBe(true);
    expect(() => reader.audit('x')).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    expect(reader.history()).toEqual([]);
    reader.close();
  });
});

describe('S16: a file that is not a sound mnpen store is refused and left unchanged', () => {
  it('random bytes (seeded, 25 files) are refused as NOT_SQLITE, no side files created', () => {
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 9000 }), { seed: 424242, numRuns: 25 });
    samples.forEach((bytes, index) => {
      const path = join(temp.dir, `random-${index}.db`);
      writeFileSync(path, bytes);
      expectRefused(path, 'NOT_SQLITE');
      expect(sideFiles(path)).toEqual([]);
    });
  });

  it('a truncated SQLite header is refused as NOT_SQLITE', () => {
    const path = join(temp.dir, 'short.db');
    writeFileSync(path, 'SQLite format 3\0');
    expectRefused(path, 'NOT_SQLITE');
  });

  it("another application's SQLite file is refused as FOREIGN and its journal mode is not switched", () => {
    const path = join(temp.dir, 'foreign.db');
    const foreign = new Database(path);
    foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
    foreign.close();
    expectRefused(path, 'FOREIGN');
    expect(sideFiles(path)).toEqual([]);
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(reopened.prepare('SELECT total FROM invoices').get()).toEqual({ total: 9.5 });
    reopened.close();
  });

  it('an empty SQLite file of another application, or one with another application_id, is FOREIGN', () => {
    const empty = join(temp.dir, 'empty-foreign.db');
    const db = new Database(empty);
    db.pragma('user_version = 3');
    db.close();
    expectRefused(empty, 'FOREIGN');
    const other = join(temp.dir, 'other-id.db');
    const db2 = new Database(other);
    db2.pragma('application_id = 1234');
    db2.exec('CREATE TABLE t (x)');
    db2.close();
    expectRefused(other, 'FOREIGN');
  });

  it('our header followed by random pages is refused as CORRUPT', () => {
    const path = join(temp.dir, 'ours-garbage.db');
    openStore(path).close();
    const [bytes] = fc.sample(fc.uint8Array({ minLength: 8192, maxLength: 8192 }), { seed: 7, numRuns: 1 });
    const fd = openSync(path, 'r+');
    writeSync(fd, bytes as Uint8Array, 0, 8192, 4096);
    closeSync(fd);
    expectRefused(path, 'CORRUPT');
  });

  it('a store from a newer mnpen is refused as NEWER_SCHEMA', () => {
    const path = join(temp.dir, 'newer.db');
    openStore(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expectRefused(path, 'NEWER_SCHEMA');
  });

  it('our application_id with missing tables is refused as SCHEMA_ALTERED', () => {
    const path = join(temp.dir, 'mismatch.db');
    openStore(path).close();
    const db = new Database(path);
    db.exec('DROP TRIGGER passes_no_delete; DROP TABLE passes');
    db.close();
    expectRefused(path, 'SCHEMA_ALTERED');
  });
});
