// Contract tests of the record store on both backends: sessions, passes, limits, cartridges, patch tests, append-only audit, history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearScreening } from '../policy/screening.js';
import { checkSessionAllowed } from '../policy/session-rules.js';
import { DEFAULT_TREATMENT_CONFIG } from '../policy/treatment-config.js';
import { StoreError } from './open.js';
import { openRecords } from './open-records.js';
import { describeBackends } from '../../test/support/store-backends.js';
import { manualClock } from '../../test/support/store-helpers.js';
import type { BeginSessionInput, Store } from './types.js';

const T0 = Date.parse('2025-03-01T09:00:00Z');
const DAY_MS = 86_400_000;

describeBackends('store', (backend) => {
  let clock: ReturnType<typeof manualClock>;
  let path: string;
  let store: Store;

  beforeEach(() => {
    clock = manualClock(T0);
    path = backend.target();
    store = openRecords(path, { nowMs: clock.nowMs });
    store.upsertClient({ clientId: 'c-1', birthYear: 1990, screening: clearScreening(1990, T0) });
  });
  afterEach(() => {
    store.close();
  });

  function session(overrides: Partial<BeginSessionInput> = {}): number {
    return store.beginSession({
      clientId: 'c-1',
      mode: 'home',
      isPatchTest: false,
      cartridgeId: 501,
      areas: [
        { area: 'forehead', depthUm: 200, strokeHz: 100, passLimit: 2 },
        { area: 'cheeks', depthUm: 250, strokeHz: 120, passLimit: 3 },
      ],
      ...overrides,
    });
  }

  function storeErrorCode(action: () => unknown): string {
    try {
      action();
    } catch (error) {
      if (error instanceof StoreError) return error.code;
      throw error;
    }
    throw new Error('expected a StoreError');
  }

  function runPass(sessionId: number, area: string, strokes: number): number {
    const { passId } = store.openPass(sessionId, area);
    clock.advance(100);
    store.markPassContact(passId);
    clock.advance(2000);
    store.closePass(passId, { strokes, punctures: strokes * 12 });
    return passId;
  }

  /** A completed patch test on the neck (cartridge 1), then a completed pro session with one forehead pass (cartridge 2). */
  function patchTestThenProForehead(): void {
    const patch = session({
      isPatchTest: true,
      cartridgeId: 1,
      areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 1 }],
    });
    runPass(patch, 'neck', 10);
    store.endSession(patch, 'completed');
    const pro = session({ mode: 'pro', cartridgeId: 2 });
    runPass(pro, 'forehead', 10);
    store.endSession(pro, 'completed');
  }

  describe('clients', () => {
    it('keeps the birth year and the latest screening with its date', () => {
      clock.advance(DAY_MS);
      store.upsertClient({ clientId: 'c-1', birthYear: 1991, screening: clearScreening(1991, T0 + DAY_MS) });
      expect(store.getClient('c-1')).toEqual({
        clientId: 'c-1',
        birthYear: 1991,
        screening: clearScreening(1991, T0 + DAY_MS),
      });
      expect(store.getClient('nobody')).toBeNull();
    });

    it('refuses a malformed screening or client id with INVALID', () => {
      expect(
        storeErrorCode(() =>
          store.upsertClient({ clientId: 'c-2', birthYear: 1990, screening: { answeredAt: 'x' } as never }),
        ),
      ).toBe('INVALID');
      expect(storeErrorCode(() => store.upsertClient({ clientId: '', birthYear: 1990 }))).toBe('INVALID');
      expect(storeErrorCode(() => store.upsertClient({ clientId: 'c-3', birthYear: 1990.5 }))).toBe('INVALID');
    });
  });

  describe('sessions and passes', () => {
    it('records a whole session and shows it in history with exact values', () => {
      const sessionId = session({ plan: { mode: 'home' } });
      runPass(sessionId, 'forehead', 300);
      runPass(sessionId, 'forehead', 310);
      store.finishArea(sessionId, 'forehead', {
        passes: 2,
        strokes: 610,
        punctures: 7320,
        maxMeasuredDepthUm: 205,
        lockReason: 'PASS_LIMIT_REACHED',
      });
      store.recordFault(sessionId, { code: 'MOTOR_STALL', detail: 'cheeks pass 1' });
      store.endSession(sessionId, 'fault');
      const [record] = store.history('c-1');
      expect(record).toMatchObject({ sessionId, clientId: 'c-1', mode: 'home', isPatchTest: false, cartridgeId: 501 });
      expect(record).toMatchObject({ startedAtMs: T0, endedAtMs: T0 + 4200, outcome: 'fault' });
      expect(record?.areas).toEqual([
        {
          area: 'forehead',
          depthUm: 200,
          strokeHz: 100,
          passLimit: 2,
          passesOpened: 2,
          passes: 2,
          strokes: 610,
          punctures: 7320,
          maxMeasuredDepthUm: 205,
          lockReason: 'PASS_LIMIT_REACHED',
          finishedAtMs: T0 + 4200,
        },
        expect.objectContaining({ area: 'cheeks', passesOpened: 0, passes: 0, finishedAtMs: null }),
      ]);
      expect(record?.faults).toEqual([{ atMs: T0 + 4200, code: 'MOTOR_STALL', detail: 'cheeks pass 1' }]);
      expect(
        store.passes(sessionId).map((pass) => [pass.area, pass.passNumber, pass.strokes, pass.contactAtMs]),
      ).toEqual([
        ['forehead', 1, 300, T0 + 100],
        ['forehead', 2, 310, T0 + 2200],
      ]);
    });

    it('S5: openPass beyond the area limit is refused with PASS_LIMIT_REACHED', () => {
      const sessionId = session();
      expect(store.openPass(sessionId, 'forehead')).toEqual({ passId: 1, passNumber: 1 });
      expect(store.openPass(sessionId, 'forehead')).toEqual({ passId: 2, passNumber: 2 });
      expect(storeErrorCode(() => store.openPass(sessionId, 'forehead'))).toBe('PASS_LIMIT_REACHED');
      expect(store.openedPassesByArea(sessionId)).toEqual({ forehead: 2, cheeks: 0 });
    });

    it('refuses passes on an unknown area or an ended session, and a finish claiming unopened passes', () => {
      const sessionId = session();
      expect(storeErrorCode(() => store.openPass(sessionId, 'nose'))).toBe('NOT_FOUND');
      expect(storeErrorCode(() => store.openPass(999, 'nose'))).toBe('NOT_FOUND');
      expect(
        storeErrorCode(() =>
          store.finishArea(sessionId, 'cheeks', { passes: 1, strokes: 1, punctures: 1, maxMeasuredDepthUm: null }),
        ),
      ).toBe('INVALID');
      store.endSession(sessionId, 'aborted');
      expect(storeErrorCode(() => store.openPass(sessionId, 'cheeks'))).toBe('SESSION_ENDED');
      expect(storeErrorCode(() => store.endSession(sessionId, 'completed'))).toBe('SESSION_ENDED');
    });

    it('a closed pass is final; bad counts are refused', () => {
      const sessionId = session();
      const passId = runPass(sessionId, 'cheeks', 50);
      expect(storeErrorCode(() => store.closePass(passId, { strokes: 1, punctures: 12 }))).toBe('INVALID');
      const { passId: open } = store.openPass(sessionId, 'cheeks');
      expect(storeErrorCode(() => store.closePass(open, { strokes: -1, punctures: 0 }))).toBe('INVALID');
      expect(storeErrorCode(() => store.closePass(open, { strokes: NaN, punctures: 0 }))).toBe('INVALID');
      expect(store.passes(sessionId)[0]?.strokes).toBe(50);
    });

    it('S5: a started pass survives a restart and resumes the count', () => {
      const sessionId = session();
      runPass(sessionId, 'forehead', 100);
      const { passId } = store.openPass(sessionId, 'forehead');
      store.close();
      store = openRecords(path, { nowMs: clock.nowMs });
      const resumable = store.findResumableSession('c-1');
      expect(resumable?.sessionId).toBe(sessionId);
      expect(resumable?.openedPassesByArea).toEqual({ forehead: 2, cheeks: 0 });
      expect(resumable?.unclosedPasses.map((pass) => pass.passId)).toEqual([passId]);
      expect(storeErrorCode(() => store.openPass(sessionId, 'forehead'))).toBe('PASS_LIMIT_REACHED');
      store.endSession(sessionId, 'interrupted');
      expect(store.findResumableSession('c-1')).toBeNull();
    });
  });

  describe('cartridges', () => {
    it('S19: the first pass marks the cartridge used; another session cannot use it', () => {
      const first = session();
      expect(store.isCartridgeSeen(501)).toBe(false);
      store.openPass(first, 'cheeks');
      expect(store.isCartridgeSeen(501)).toBe(true);
      store.endSession(first, 'completed');
      const second = session();
      expect(storeErrorCode(() => store.openPass(second, 'cheeks'))).toBe('CARTRIDGE_REUSED');
      expect(storeErrorCode(() => store.markCartridgeUsed(501, second))).toBe('CARTRIDGE_REUSED');
      expect(store.openedPassesByArea(second)).toEqual({ forehead: 0, cheeks: 0 });
    });

    it('markCartridgeUsed is idempotent for its own session and validates the id', () => {
      const sessionId = session({ cartridgeId: 777 });
      store.markCartridgeUsed(777, sessionId);
      store.markCartridgeUsed(777, sessionId);
      expect(store.isCartridgeSeen(777)).toBe(true);
      expect(storeErrorCode(() => store.markCartridgeUsed(0, sessionId))).toBe('INVALID');
    });
  });

  describe('patch tests and intervals', () => {
    it('a completed patch-test session with contact records the patch test; without contact it does not', () => {
      const noContact = session({
        isPatchTest: true,
        cartridgeId: 1,
        areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 1 }],
      });
      store.openPass(noContact, 'neck');
      store.endSession(noContact, 'completed');
      expect(store.latestPatchTest('c-1')).toBeNull();
      clock.advance(1000);
      const patch = session({
        isPatchTest: true,
        cartridgeId: 2,
        areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 1 }],
      });
      runPass(patch, 'neck', 80);
      store.endSession(patch, 'completed');
      expect(store.latestPatchTest('c-1')).toEqual({ doneAtMs: T0 + 3100, sessionId: patch, area: 'neck' });
      store.recordPatchTest('c-1', T0 - DAY_MS, 'jawline');
      expect(store.latestPatchTest('c-1')?.sessionId).toBe(patch);
    });

    it('lastSessionByArea: treated areas only, per mode, patch tests and the excluded session left out', () => {
      patchTestThenProForehead();
      const proEndMs = clock.nowMs();
      clock.advance(10 * DAY_MS);
      const home = session({ cartridgeId: 3 });
      runPass(home, 'forehead', 10);
      store.endSession(home, 'completed');
      expect(store.lastSessionByArea('c-1')).toEqual({
        forehead: [
          { atMs: clock.nowMs(), mode: 'home' },
          { atMs: proEndMs, mode: 'pro' },
        ],
      });
      expect(store.lastSessionByArea('c-1', { mode: 'pro' })).toEqual({ forehead: [{ atMs: proEndMs, mode: 'pro' }] });
      expect(store.lastSessionByArea('c-1', { excludeSessionId: home })).toEqual({
        forehead: [{ atMs: proEndMs, mode: 'pro' }],
      });
    });

    it('S19: store output feeds checkSessionAllowed: 10 days after a pro session the forehead is refused', () => {
      patchTestThenProForehead();
      clock.advance(10 * DAY_MS);
      const client = store.getClient('c-1');
      const decision = checkSessionAllowed({
        mode: 'home',
        nowMs: clock.nowMs(),
        client: { birthYear: client?.birthYear ?? 0, screening: clearScreening(1990, clock.nowMs()) },
        areas: ['forehead', 'neck'],
        lastSessionByArea: store.lastSessionByArea('c-1'),
        patchTest: store.latestPatchTest('c-1'),
        isPatchTestSession: false,
        cartridgeId: 2,
        cartridgeSeenBefore: store.isCartridgeSeen(2),
        batteryPercent: 90,
        plannedDurationS: 300,
        config: DEFAULT_TREATMENT_CONFIG,
      });
      expect(decision.refusals.map((refusal) => [refusal.reason, refusal.area])).toEqual([
        ['INTERVAL_TOO_SHORT', 'forehead'],
        ['CARTRIDGE_REUSED', undefined],
      ]);
    });
  });

  describe('audit log', () => {
    it('every mutation appends its own audit row in order', () => {
      const before = store.auditLog().length;
      const sessionId = session();
      runPass(sessionId, 'cheeks', 20);
      store.recordRefusal({ reason: 'INTERVAL_TOO_SHORT', detail: 'x', area: 'cheeks', sessionId });
      store.audit('command.sent', { type: 'SET_DEPTH', depthUm: 250 }, sessionId);
      store.endSession(sessionId, 'completed');
      const kinds = store.auditLog({ afterId: before }).map((entry) => entry.kind);
      expect(kinds).toEqual([
        'session.began',
        'pass.opened',
        'pass.contact',
        'pass.closed',
        'refusal.recorded',
        'command.sent',
        'session.ended',
      ]);
      expect(store.auditLog({ sessionId }).find((entry) => entry.kind === 'command.sent')?.detail).toEqual({
        type: 'SET_DEPTH',
        depthUm: 250,
      });
      expect(store.history('c-1')[0]?.refusals).toEqual([
        { atMs: T0 + 2100, reason: 'INTERVAL_TOO_SHORT', detail: 'x', area: 'cheeks' },
      ]);
    });

    it('is append-only: UPDATE and DELETE are aborted by triggers, even from another connection', () => {
      store.audit('decision', { allowed: true });
      expect(() => backend.rawExec(path, "UPDATE audit_log SET kind = 'forged'")).toThrow('audit_log is append-only');
      expect(() => backend.rawExec(path, 'DELETE FROM audit_log')).toThrow('audit_log is append-only');
      expect(store.auditLog().at(-1)).toMatchObject({ kind: 'decision', detail: { allowed: true } });
    });

    it('S5: an opened pass cannot be deleted or renumbered', () => {
      const sessionId = session();
      const { passId } = store.openPass(sessionId, 'cheeks');
      expect(() => backend.rawExec(path, 'DELETE FROM passes')).toThrow('an opened pass is permanent');
      expect(() => backend.rawExec(path, `UPDATE passes SET pass_number = 5 WHERE pass_id = ${passId}`)).toThrow(
        'a pass identity never changes',
      );
      expect(store.openedPassesByArea(sessionId).cheeks).toBe(1);
    });
  });

  describe('history', () => {
    it('lists sessions newest first, per client or all', () => {
      store.upsertClient({ clientId: 'c-2', birthYear: 1980 });
      const first = session();
      store.endSession(first, 'refused');
      const second = store.beginSession({
        clientId: 'c-2',
        mode: 'pro',
        isPatchTest: false,
        cartridgeId: null,
        areas: [{ area: 'scalp', depthUm: 1500, strokeHz: 90, passLimit: 4 }],
      });
      expect(store.history().map((record) => record.sessionId)).toEqual([second, first]);
      expect(store.history('c-1').map((record) => [record.sessionId, record.outcome])).toEqual([[first, 'refused']]);
      expect(store.history('c-2')[0]?.endedAtMs).toBeNull();
      expect(
        storeErrorCode(() =>
          store.beginSession({
            clientId: 'ghost',
            mode: 'home',
            isPatchTest: false,
            cartridgeId: null,
            areas: [{ area: 'nose', depthUm: 100, strokeHz: 100, passLimit: 1 }],
          }),
        ),
      ).toBe('NOT_FOUND');
    });
  });
});
