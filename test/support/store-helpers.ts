// Shared helpers for the store tests: temporary directories, file hashes, a settable clock, a sample history.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearScreening } from '../../src/policy/screening.js';
import type { Store } from '../../src/store/types.js';

/** A fresh temporary directory and a function removing it. */
export function tempDir(prefix = 'mnpen-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** SHA-256 of a file's bytes, hex. */
export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Which SQLite side files exist next to `path`. */
export function sideFiles(path: string): string[] {
  return ['-wal', '-shm', '-journal'].filter((suffix) => existsSync(path + suffix));
}

/** A wall clock the test moves by hand. */
export function manualClock(startMs: number): {
  nowMs: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let now = startMs;
  return {
    nowMs: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

/** The records `recordSample` writes, by id. */
export interface SampleRecords {
  readonly sessionId: number;
  readonly passIds: readonly number[];
}

/**
 * Writes a small realistic history through `store`: clients c-1 and c-2, a patch test, one
 * completed home session of c-1 (forehead 2 passes, cheeks 1, cartridge 501) and a refusal.
 */
export function recordSample(
  store: Store,
  clock: { advance: (ms: number) => void; nowMs: () => number },
): SampleRecords {
  store.upsertClient({ clientId: 'c-1', birthYear: 1990, screening: clearScreening(1990, clock.nowMs()) });
  store.upsertClient({ clientId: 'c-2', birthYear: 1985 });
  store.recordPatchTest('c-1', clock.nowMs() - 3 * 86_400_000, 'jawline');
  const sessionId = store.beginSession({
    clientId: 'c-1',
    mode: 'home',
    isPatchTest: false,
    cartridgeId: 501,
    areas: [
      { area: 'forehead', depthUm: 200, strokeHz: 100, passLimit: 2 },
      { area: 'cheeks', depthUm: 250, strokeHz: 120, passLimit: 3 },
    ],
  });
  const passIds: number[] = [];
  for (const area of ['forehead', 'forehead', 'cheeks']) {
    const { passId } = store.openPass(sessionId, area);
    clock.advance(100);
    store.markPassContact(passId);
    clock.advance(2000);
    store.closePass(passId, { strokes: 200, punctures: 2400, contactMs: 2000 });
    passIds.push(passId);
  }
  store.finishArea(sessionId, 'forehead', { passes: 2, strokes: 400, punctures: 4800, maxMeasuredDepthUm: 200 });
  store.endSession(sessionId, 'completed');
  store.recordRefusal({
    reason: 'INTERVAL_TOO_SHORT',
    detail: 'forehead 0.1 days ago',
    area: 'forehead',
    clientId: 'c-1',
  });
  return { sessionId, passIds };
}
