// PenLink handshake: HELLO/INFO, sequence adoption, HELLO retries, late INFO, and commands refused before it.
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, Reason } from '../protocol/index.js';
import { LinkError } from './link-types.js';
import { createHarness } from '../../test/support/link-harness.js';

describe('PenLink handshake', () => {
  it('sends HELLO with PROTOCOL_VERSION, resolves with INFO and numbers commands from INFO.nextSeq', async () => {
    const h = createHarness({ info: { serialNumber: 77, protocolVersion: 9 } });
    const info = h.link.hello();
    h.advance(5);
    const received = await info;
    expect(received.serialNumber).toBe(77);
    expect(received.protocolVersion).toBe(9); // passed through: the controller judges it
    expect(received.nextSeq).toBe(0x4100);
    expect(h.sentByHost()).toEqual([{ name: 'HELLO', seq: 0, payload: { protocolVersion: PROTOCOL_VERSION } }]);
    expect(h.link.isConnected).toBe(true);

    const first = h.link.command('SET_DEPTH', { depthUm: 200 });
    const second = h.link.command('ARM', {});
    h.advance(5);
    expect(await first).toEqual({ ok: true, note: Reason.NONE, appliedValue: 200 });
    expect(await second).toEqual({ ok: true, note: Reason.NONE, appliedValue: 0 });
    expect(h.pen.executed.map((message) => [message.name, message.seq])).toEqual([
      ['SET_DEPTH', 0x4100],
      ['ARM', 0x4101],
    ]);
  });

  it('resends HELLO every helloTimeoutMs until INFO arrives', async () => {
    const h = createHarness();
    let lostInfos = 2;
    h.pen.dropToHost = (message) => message.name === 'INFO' && lostInfos-- > 0;
    const info = h.link.hello();
    h.advance(250);
    // three HELLOs reached the pen, at ticks 0, 100 and 200: each moves the seq by 0x4000 + (tick & 0x3ff)
    expect((await info).nextSeq).toBe(0x0100 + 3 * 0x4000 + 100 + 200);
    expect(h.wire.filter((event) => event.direction === 'toPen').map((event) => event.atMs)).toEqual([0, 100, 200]);
  });

  it('fails with HELLO_TIMEOUT after helloMaxAttempts and tells linkDead listeners once', async () => {
    const h = createHarness({ link: { helloMaxAttempts: 3 } });
    h.pen.silent = true;
    const reasons: string[] = [];
    h.link.onLinkDead((reason) => reasons.push(reason));
    const info = h.link.hello();
    const failure = expect(info).rejects.toMatchObject({ code: 'LINK_DEAD', deadReason: 'HELLO_TIMEOUT' });
    h.advance(1000);
    await failure;
    expect(h.sentByHost().map((message) => message.name)).toEqual(['HELLO', 'HELLO', 'HELLO']);
    expect(reasons).toEqual(['HELLO_TIMEOUT']);
  });

  it('adopts a later INFO when a retried HELLO reached the pen after the first INFO (commands renumbered)', async () => {
    const h = createHarness({ latencyMs: 120 }); // INFO slower than helloTimeoutMs: two HELLOs reach the pen
    const info = h.link.hello();
    h.advance(121);
    expect((await info).nextSeq).toBe(0x4100);
    const depth = h.link.command('SET_DEPTH', { depthUm: 150 });
    h.advance(400);
    expect(await depth).toEqual({ ok: true, note: 0, appliedValue: 150 });
    expect(h.pen.executed.map((message) => [message.name, message.seq])).toEqual([['SET_DEPTH', 0x8100 + 100]]);
  });

  it('refuses commands before hello() with NOT_CONNECTED and writes nothing', async () => {
    const h = createHarness();
    await expect(h.link.command('ARM', {})).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    expect(h.port.written).toEqual([]);
  });

  it('S4: refuses a payload outside the catalog with RangeError and writes nothing', async () => {
    const h = createHarness();
    const info = h.link.hello();
    h.advance(5);
    await info;
    const before = h.port.written.length;
    await expect(h.link.command('SET_DEPTH', { depthUm: 2501 })).rejects.toBeInstanceOf(RangeError);
    await expect(h.link.command('SET_SPEED', { strokeHz: Number.NaN })).rejects.toBeInstanceOf(RangeError);
    expect(h.port.written.length).toBe(before);
  });

  it('a new hello() rejects unanswered commands with LINK_RESET and stops the heartbeat', async () => {
    const h = createHarness();
    const first = h.link.hello();
    h.advance(5);
    await first;
    h.link.startHeartbeat();
    h.pen.silent = true;
    const pending = h.link.command('HOME', {});
    const again = h.link.hello();
    expect(h.link.hello()).toBe(again);
    await expect(pending).rejects.toEqual(new LinkError('LINK_RESET'));
    h.pen.silent = false;
    h.advance(150);
    // the heartbeat and HOME were executed before the new HELLOs (ticks 5 and 105)
    expect((await again).nextSeq).toBe(0xc102 + 5 + 105);
    h.advance(1000);
    expect(h.link.deadReason).toBeNull();
    expect(h.sentByHost().filter((message) => message.name === 'HEARTBEAT').length).toBe(1);
  });
});
