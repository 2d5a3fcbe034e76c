// What carries across a resume (S5, S6, S19): the cartridge claimed, budgets used, the session's age; patch tests as treatments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { openRecords } from './open-records.js';
import type { BeginSessionInput, Store } from './types.js';
import { describeBackends } from '../../test/support/store-backends.js';
import { manualClock } from '../../test/support/store-helpers.js';

const T0 = Date.parse('2025-03-01T09:00:00Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describeBackends('resume', (backend) => {
  let clock: ReturnType<typeof manualClock>;
  let path: string;
  let store: Store;

  beforeEach(() => {
    clock = manualClock(T0);
    path = backend.target();
    store = openRecords(path, { nowMs: clock.nowMs });
    store.upsertClient({ clientId: 'P', birthYear: 1990 });
    store.upsertClient({ clientId: 'Q', birthYear: 1991 });
  });
  afterEach(() => {
    store.close();
  });

  const plan = (
    clientId: string,
    cartridgeId: number | null,
    overrides: Partial<BeginSessionInput> = {},
  ): BeginSessionInput => ({
    clientId,
    mode: 'home',
    isPatchTest: false,
    cartridgeId,
    areas: [
      { area: 'forehead', depthUm: 250, strokeHz: 100, passLimit: 6 },
      { area: 'cheeks', depthUm: 250, strokeHz: 100, passLimit: 6 },
    ],
    ...overrides,
  });

  function pass(sessionId: number, area: string, contactMs: number, close = true): number {
    const { passId } = store.openPass(sessionId, area);
    store.markPassContact(passId);
    clock.advance(contactMs);
    if (close) store.closePass(passId, { strokes: contactMs / 10, punctures: (contactMs / 10) * 12, contactMs });
    else store.recordPassProgress(passId, { strokes: contactMs / 10, punctures: (contactMs / 10) * 12, contactMs });
    return passId;
  }

  /** Closes the store (its claim released, the session left unended, as after a failed run) and reopens it. */
  function restart(): void {
    store.close();
    store = openRecords(path, { nowMs: clock.nowMs });
  }

  function codeOf(action: () => unknown): string {
    try {
      action();
    } catch (error) {
      if (error instanceof StoreError) return error.code;
      throw error;
    }
    return 'accepted';
  }

  describe('S19: the cartridge of a resumed session', () => {
    it('a new cartridge at resume is claimed for the session at once: another client cannot use it', () => {
      const sessionId = store.beginSession(plan('P', 5001));
      pass(sessionId, 'forehead', 1000);
      restart();
      const resumed = store.resumeSession(sessionId, { cartridgeId: 5002 });
      expect(resumed).toMatchObject({ cartridgeIds: [5001, 5002], currentCartridgeId: 5002 });
      expect(store.cartridgeUse(5002)).toMatchObject({ sessionId, clientId: 'P' });
      pass(sessionId, 'forehead', 1000);
      store.endSession(sessionId, 'completed');
      const other = store.beginSession(plan('Q', 5002));
      expect(codeOf(() => store.openPass(other, 'cheeks'))).toBe('CARTRIDGE_REUSED');
      expect(store.isCartridgeSeen(5002)).toBe(true);
    });

    it("a resume with another session's cartridge is refused and records nothing", () => {
      const used = store.beginSession(plan('Q', 7001));
      pass(used, 'cheeks', 500);
      store.endSession(used, 'completed');
      const sessionId = store.beginSession(plan('P', 7002));
      pass(sessionId, 'cheeks', 500);
      restart();
      const before = store.auditLog().length;
      expect(codeOf(() => store.resumeSession(sessionId, { cartridgeId: 7001 }))).toBe('CARTRIDGE_REUSED');
      expect(store.auditLog()).toHaveLength(before);
      expect(store.findResumableSession('P')?.cartridgeIds).toEqual([7002]);
    });
  });

  describe('S6: budgets carry across a resume', () => {
    it('contact time and punctures of closed passes and the progress of the pass the crash cut are counted', () => {
      const sessionId = store.beginSession(plan('P', 9001));
      pass(sessionId, 'forehead', 60_000);
      pass(sessionId, 'forehead', 60_000);
      pass(sessionId, 'forehead', 45_000, false);
      clock.advance(10 * 60_000);
      restart();
      const resumable = store.findResumableSession('P');
      expect(resumable?.usage).toEqual({
        byArea: {
          forehead: { passesOpened: 3, passesClosed: 2, strokes: 16_500, punctures: 198_000, contactMs: 165_000 },
          cheeks: { passesOpened: 0, passesClosed: 0, strokes: 0, punctures: 0, contactMs: 0 },
        },
        total: { strokes: 16_500, punctures: 198_000, contactMs: 165_000 },
      });
      // the latest record is the claim's release when the first store closed, 10 min after the last pass progress
      expect(resumable?.lastRecordAtMs).toBe(T0 + 165_000 + 10 * 60_000);
      expect(resumable?.unclosedPasses).toHaveLength(1);
      expect(resumable?.claim).toBeNull();
    });

    it('counts never decrease: a close below recorded progress keeps the progress', () => {
      const sessionId = store.beginSession(plan('P', 9002));
      const passId = pass(sessionId, 'cheeks', 30_000, false);
      store.closePass(passId, { strokes: 0, punctures: 0, contactMs: 0 });
      expect(store.sessionUsage(sessionId).byArea.cheeks).toMatchObject({ contactMs: 30_000, punctures: 36_000 });
      expect(codeOf(() => store.recordPassProgress(passId, { strokes: 1, punctures: 1 }))).toBe('INVALID');
    });
  });

  describe('S19: a patch test is a treatment of its area', () => {
    it('a second patch test on the area is seen; a full session later is told whether the patch test has cleared one', () => {
      const patch = store.beginSession(
        plan('P', 1, { isPatchTest: true, areas: [{ area: 'jawline', depthUm: 250, strokeHz: 100, passLimit: 1 }] }),
      );
      pass(patch, 'jawline', 5000);
      store.endSession(patch, 'completed');
      const patchAt = clock.nowMs();
      expect(store.lastTreatmentsByArea('P')).toEqual({
        jawline: [{ atMs: patchAt, mode: 'home', sessionId: patch, isPatchTest: true, fullSessionsSince: 0 }],
      });
      expect(store.lastSessionByArea('P')).toEqual({});
      clock.advance(48 * HOUR_MS);
      const full = store.beginSession(
        plan('P', 2, { areas: [{ area: 'jawline', depthUm: 250, strokeHz: 100, passLimit: 4 }] }),
      );
      pass(full, 'jawline', 5000);
      store.endSession(full, 'completed');
      const fullAt = clock.nowMs();
      expect(store.lastTreatmentsByArea('P', { excludeSessionId: full }).jawline).toEqual([
        { atMs: patchAt, mode: 'home', sessionId: patch, isPatchTest: true, fullSessionsSince: 0 },
      ]);
      expect(store.lastTreatmentsByArea('P').jawline).toEqual([
        { atMs: fullAt, mode: 'home', sessionId: full, isPatchTest: false, fullSessionsSince: 0 },
        { atMs: patchAt, mode: 'home', sessionId: patch, isPatchTest: true, fullSessionsSince: 1 },
      ]);
    });

    it('an aborted patch test with an opened pass counts; a patch test recorded outside a session counts on its area', () => {
      const patch = store.beginSession(
        plan('Q', 3, { isPatchTest: true, areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 1 }] }),
      );
      store.openPass(patch, 'neck');
      store.endSession(patch, 'aborted');
      store.recordPatchTest('Q', T0 - DAY_MS, 'jawline');
      expect(store.latestPatchTest('Q')?.sessionId).toBeNull();
      expect(Object.keys(store.lastTreatmentsByArea('Q')).sort()).toEqual(['jawline', 'neck']);
      expect(store.lastTreatmentsByArea('Q').jawline?.[0]).toMatchObject({
        atMs: T0 - DAY_MS,
        sessionId: null,
        isPatchTest: true,
      });
    });
  });
});
