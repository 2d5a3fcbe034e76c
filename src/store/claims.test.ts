// S19 session claims: one live claim per client, a live holder never overtaken, a crashed one taken over, every session write under it (SQLite and PostgreSQL).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { openRecords } from './open-records.js';
import type { BeginSessionInput, Store } from './types.js';
import { describeBackends } from '../../test/support/store-backends.js';
import { JsonChild } from '../../test/support/store-children.js';
import { manualClock } from '../../test/support/store-helpers.js';

const T0 = Date.parse('2025-03-01T09:00:00Z');

const session = (clientId = 'c-1'): BeginSessionInput => ({
  clientId,
  mode: 'home',
  isPatchTest: false,
  cartridgeId: null,
  areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 6 }],
});

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof StoreError) return error.code;
    throw error;
  }
  return 'accepted';
}

describeBackends('S19: one session per client at a time', (backend) => {
  let path: string;
  let first: Store;
  let second: Store;
  beforeEach(() => {
    path = backend.target();
    const clock = manualClock(T0);
    first = openRecords(path, { nowMs: clock.nowMs });
    first.upsertClient({ clientId: 'c-1', birthYear: 1990 });
    first.upsertClient({ clientId: 'c-2', birthYear: 1990 });
    second = openRecords(path, { nowMs: clock.nowMs });
  });
  afterEach(() => {
    first.close();
    second.close();
  });

  it('a claim is exclusive across stores; the same store gets its own claim back; release frees it', () => {
    const claim = first.claimClient('c-1');
    expect(first.claimClient('c-1').claimId).toBe(claim.claimId);
    expect(codeOf(() => second.claimClient('c-1'))).toBe('CLIENT_IN_SESSION');
    expect(second.claimClient('c-2').clientId).toBe('c-2');
    expect(second.activeClaim('c-1')).toMatchObject({
      claimId: claim.claimId,
      heldByThisStore: false,
      staleBecause: null,
    });
    expect(first.releaseClient('c-1', 'refused: INTERVAL_TOO_SHORT')).toBe(true);
    expect(first.releaseClient('c-1')).toBe(false);
    expect(second.claimClient('c-1').tookOverFrom).toBeNull();
  });

  it('the refusal names the holder and its session', () => {
    first.claimClient('c-1');
    const sessionId = first.beginSession(session());
    expect(() => second.claimClient('c-1')).toThrow(
      new RegExp(`client c-1 is in a session held by process ${process.pid} on .* \\(session ${sessionId}\\)`),
    );
  });

  it('every session write of another store is refused while the holder lives: begin, pass, contact, close, finish, end, resume', () => {
    const sessionId = first.beginSession(session());
    const { passId } = first.openPass(sessionId, 'neck');
    expect(codeOf(() => second.beginSession(session()))).toBe('CLIENT_IN_SESSION');
    expect(codeOf(() => second.openPass(sessionId, 'neck'))).toBe('CLIENT_IN_SESSION');
    expect(codeOf(() => second.markPassContact(passId))).toBe('CLIENT_IN_SESSION');
    expect(codeOf(() => second.closePass(passId, { strokes: 1, punctures: 12 }))).toBe('CLIENT_IN_SESSION');
    expect(
      codeOf(() =>
        second.finishArea(sessionId, 'neck', { passes: 1, strokes: 1, punctures: 1, maxMeasuredDepthUm: null }),
      ),
    ).toBe('CLIENT_IN_SESSION');
    expect(codeOf(() => second.endSession(sessionId, 'aborted'))).toBe('CLIENT_IN_SESSION');
    expect(codeOf(() => second.resumeSession(sessionId, { cartridgeId: null }))).toBe('CLIENT_IN_SESSION');
    expect(first.openedPassesByArea(sessionId)).toEqual({ neck: 1 });
  });

  it('beginSession claims the client when nobody does, and endSession releases it', () => {
    const sessionId = first.beginSession(session());
    expect(first.activeClaim('c-1')).toMatchObject({ sessionId, heldByThisStore: true });
    first.endSession(sessionId, 'completed');
    expect(first.activeClaim('c-1')).toBeNull();
    expect(second.claimClient('c-1').sessionId).toBeNull();
  });

  it('a client with a session that never ended cannot begin another: SESSION_OPEN', () => {
    const sessionId = first.beginSession(session());
    first.close();
    first = openRecords(path);
    expect(codeOf(() => first.beginSession(session()))).toBe('SESSION_OPEN');
    first.endSession(sessionId, 'interrupted');
    expect(codeOf(() => first.beginSession(session()))).toBe('accepted');
  });

  it('closing a store releases its claims (the session stays resumable)', () => {
    const sessionId = first.beginSession(session());
    first.close();
    expect(second.findResumableSession('c-1')).toMatchObject({ sessionId, claim: null });
    second.resumeSession(sessionId, { cartridgeId: null });
    expect(second.activeClaim('c-1')).toMatchObject({ sessionId, heldByThisStore: true });
    first = openRecords(path);
  });

  it('a claim of a process killed with SIGKILL is stale and taken over, the takeover on the record', async () => {
    const child = await JsonChild.start('store-claim-child.ts', [path]);
    expect(await child.request({ op: 'claim', client: 'c-1', atMs: 0 })).toMatchObject({ ok: true });
    expect(codeOf(() => first.claimClient('c-1'))).toBe('CLIENT_IN_SESSION');
    child.process.kill('SIGKILL');
    await child.exited;
    expect(first.activeClaim('c-1')?.staleBecause).toBe(`process ${child.process.pid} is no longer running`);
    const claim = first.claimClient('c-1');
    expect(claim.tookOverFrom).toMatchObject({ holder: { pid: child.process.pid } });
    expect(first.auditLog().at(-1)).toMatchObject({
      kind: 'claim.taken',
      detail: { tookOverFrom: { because: `process ${child.process.pid} is no longer running` } },
    });
    expect(first.verify().ok).toBe(true);
  });
});
