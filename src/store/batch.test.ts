// S16 batches: one event's records in one commit, each audit row naming its cause, the chain head moved only after the commit (SQLite and PostgreSQL).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { openRecords } from './open-records.js';
import type { Store } from './types.js';
import { describeBackends } from '../../test/support/store-backends.js';

describeBackends('S16: store.batch', (backend) => {
  let path: string;
  let store: Store;
  let sessionId: number;

  beforeEach(() => {
    path = backend.target();
    store = openRecords(path);
    store.upsertClient({ clientId: 'c-1', birthYear: 1990 });
    sessionId = store.beginSession({
      clientId: 'c-1',
      mode: 'home',
      isPatchTest: false,
      cartridgeId: 9,
      areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 1 }],
    });
  });
  afterEach(() => {
    store.close();
  });

  const head = () => backend.chainHeadAuditId(path);

  it('writes every record of the batch in one commit, each audit row with its cause; the head moves after it', () => {
    const before = store.auditLog().length;
    const headBefore = head();
    let headInside = -1;
    store.batch(41, () => {
      store.audit('event', { type: 'CONTACT_ON' }, sessionId);
      store.openPass(sessionId, 'neck');
      headInside = head();
    });
    expect(headInside).toBe(headBefore);
    const rows = store.auditLog({ afterId: before });
    expect(rows.map((row) => [row.kind, (row.detail as { causeEventId?: number }).causeEventId])).toEqual([
      ['event', 41],
      ['pass.opened', 41],
    ]);
    expect(head()).toBe(rows.at(-1)?.auditId);
    expect(store.verify().ok).toBe(true);
  });

  it('a refused record inside a batch undoes the whole batch; the head stays', () => {
    store.openPass(sessionId, 'neck');
    const before = store.auditLog().length;
    const headBefore = head();
    expect(() =>
      store.batch(42, () => {
        store.audit('event', { type: 'CONTACT_ON' }, sessionId);
        store.openPass(sessionId, 'neck');
      }),
    ).toThrow(expect.objectContaining({ code: 'PASS_LIMIT_REACHED' }));
    expect(store.auditLog()).toHaveLength(before);
    expect(head()).toBe(headBefore);
    expect(store.verify().ok).toBe(true);
    store.audit('after', { ok: true }, sessionId);
    expect(store.verify().ok).toBe(true);
  });

  it('is refused on a store opened for reading', () => {
    store.close();
    store = openRecords(path, { access: 'read' });
    expect(() => store.batch(1, () => undefined)).toThrow(StoreError);
  });
});
