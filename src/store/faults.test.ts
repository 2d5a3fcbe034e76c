// S16 faults and bad input at the store: full disk, read-only file system, busy writer, hostile JSON (both backends), a hand-deleted row: typed, nothing acknowledged lost.
import { closeSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { MAX_JSON_BYTES } from './json.js';
import { openRecords } from './open-records.js';
import { openStore } from './store.js';
import type { BeginSessionInput, Store } from './types.js';
import { describeBackends } from '../../test/support/store-backends.js';
import { JsonChild } from '../../test/support/store-children.js';
import { tempDir } from '../../test/support/store-helpers.js';
import { tamper } from '../../test/support/store-tamper.js';
import { describeWithTmpfs, mountTmpfs, type Tmpfs } from '../../test/support/store-tmpfs.js';

const plan: BeginSessionInput = {
  clientId: 'c-1',
  mode: 'home',
  isPatchTest: false,
  cartridgeId: 42,
  areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 6 }],
};

function caught(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}

/** Fills the file system holding `dir` until ENOSPC; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

describeWithTmpfs('S16: a full disk and a read-only file system, for real (tmpfs)', () => {
  let disk: Tmpfs;
  beforeEach(() => {
    disk = mountTmpfs(2 * 1024 * 1024);
  });
  afterEach(() => disk.remove());

  it('a full disk mid-session is DISK_FULL; every acknowledged record survives; writing resumes once space is freed', () => {
    const path = join(disk.dir, 'records.db');
    let store = openStore(path);
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
    const sessionId = store.beginSession(plan);
    const filler = fillDisk(disk.dir);
    truncateSync(filler, statSync(filler).size - 256 * 1024);
    const acknowledged: number[] = [];
    let failure: StoreError | null = null;
    for (let index = 0; index < 5000 && failure === null; index++) {
      try {
        acknowledged.push(store.audit('telemetry', { index, samples: 'x'.repeat(4000) }, sessionId));
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        failure = error;
      }
    }
    expect(failure?.code).toBe('DISK_FULL');
    expect(failure?.message).toMatch(/telemetry not recorded: the disk holding .* is full/);
    expect(caught(() => store.openPass(sessionId, 'neck')).code).toBe('DISK_FULL');
    store.close();
    store = openStore(path);
    const logged = new Set(store.auditLog({ sessionId }).map((entry) => entry.auditId));
    expect(acknowledged.filter((auditId) => !logged.has(auditId))).toEqual([]);
    expect(store.openedPassesByArea(sessionId)).toEqual({ neck: 0 });
    expect(store.verify().ok).toBe(true);
    rmSync(filler);
    expect(store.openPass(sessionId, 'neck')).toMatchObject({ passNumber: 1 });
    store.close();
    console.log(`disk full: ${acknowledged.length} records acknowledged before SQLITE_FULL, 0 lost`);
  });

  it('a read-only file system: opening is refused READ_ONLY, for writing and for reading, with what to do', () => {
    const path = join(disk.dir, 'records.db');
    const store = openStore(path);
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
    store.beginSession(plan);
    store.close();
    disk.readOnly();
    const refused = caught(() => openStore(path));
    expect(refused.code).toBe('READ_ONLY');
    expect(refused.message).toContain('for writing: it is read-only here (EROFS)');
    const reading = caught(() => openStore(path, { access: 'read' }));
    expect(reading.code).toBe('READ_ONLY');
    expect(reading.message).toContain('copy it to a writable place to read it');
  });
});

describe('S16: bad input and a busy file at the store', () => {
  let temp: ReturnType<typeof tempDir>;
  let path: string;
  let store: Store;
  beforeEach(() => {
    temp = tempDir();
    path = join(temp.dir, 'records.db');
    store = openStore(path, { busyTimeoutMs: 1500 });
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
  });
  afterEach(() => {
    store.close();
    temp.remove();
  });

  it('a busy file is waited for (bounded) and the record is kept', async () => {
    const sessionId = store.beginSession(plan);
    const locker = await JsonChild.start('store-lock-child.ts', [path, '400']);
    const startedMs = Date.now();
    expect(store.openPass(sessionId, 'neck')).toMatchObject({ passNumber: 1 });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(300);
    await locker.exited;
  });

  it('a file busy beyond the bound is BUSY with nothing written; the retry records it', async () => {
    const sessionId = store.beginSession(plan);
    const locker = await JsonChild.start('store-lock-child.ts', [path, '3000']);
    const before = store.auditLog().length;
    const busy = caught(() => store.openPass(sessionId, 'neck'));
    expect(busy.code).toBe('BUSY');
    expect(busy.message).toMatch(/pass.opened not recorded: .* stayed locked by another process for more than 1500 ms/);
    expect(store.auditLog()).toHaveLength(before);
    await locker.next();
    expect(store.openPass(sessionId, 'neck')).toMatchObject({ passNumber: 1 });
    await locker.exited;
  });

  it('a hand-deleted session row: the store refuses its writes NOT_FOUND, and the next open RECORDS_TAMPERED', () => {
    const sessionId = store.beginSession(plan);
    store.openPass(sessionId, 'neck');
    store.close();
    tamper(path, `DELETE FROM sessions WHERE session_id = ${sessionId}`);
    expect(caught(() => openStore(path, { access: 'read' })).code).toBe('RECORDS_TAMPERED');
    const refused = caught(() => openStore(path));
    expect(refused.code).toBe('RECORDS_TAMPERED');
    expect(refused.message).toContain(`sessions row [${sessionId}], recorded by audit row`);
    store = openStore(join(temp.dir, 'other.db'));
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
    expect(caught(() => store.openPass(sessionId + 1, 'neck')).code).toBe('NOT_FOUND');
  });
});

describeBackends('S16: hostile input at the store', (backend) => {
  let store: Store;
  beforeEach(() => {
    store = openRecords(backend.target());
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
  });
  afterEach(() => store.close());

  it('an oversized, deeply nested, cyclic or unstorable detail is INVALID and nothing is written', () => {
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let depth = 0; depth < 10_000; depth++) cursor = (cursor.operator = {}) as Record<string, unknown>;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const before = store.auditLog().length;
    const cases: [unknown, string][] = [
      [deep, 'nested deeper than 32 levels'],
      [{ text: 'x'.repeat(MAX_JSON_BYTES) }, `at most ${MAX_JSON_BYTES}`],
      [cyclic, 'refers to itself'],
      [{ big: 10n }, 'a bigint cannot be stored'],
      [{ ratio: Number.NaN }, 'NaN cannot be stored'],
      [Array.from({ length: 50_000 }, () => 1), 'more than 20000 values'],
    ];
    for (const [detail, message] of cases) {
      const error = caught(() => store.audit('decision', detail));
      expect(error.code).toBe('INVALID');
      expect(error.message).toContain(message);
    }
    const hugePlan = { areas: Array.from({ length: 2_000_000 }, () => ({ area: 'neck' })) };
    expect(caught(() => store.beginSession({ ...plan, plan: hugePlan })).message).toContain(
      'plan: more than 20000 values',
    );
    expect(caught(() => store.recordRefusal({ reason: 'X', detail: 'y'.repeat(5000) })).code).toBe('INVALID');
    expect(store.auditLog()).toHaveLength(before);
    expect(store.history()).toEqual([]);
  });
});
