// PenLink realtime path: STOP/ESTOP/STATUS_REQUEST go to the port at once, ahead of queued commands; STOP cancels what came before.
import { describe, expect, it } from 'vitest';
import { MESSAGES, PenState, Reason, encodeFrame, slipEncode } from '../protocol/index.js';
import { decodeWire, telemetryPayload } from '../../test/support/fake-pen.js';
import { connectedHarness, createHarness } from '../../test/support/link-harness.js';

describe('PenLink realtime', () => {
  it('S13: STOP goes to the port at once; commands still waiting for the window resolve CANCELLED_BY_STOP and are never sent', async () => {
    const h = await connectedHarness({ latencyMs: 5 });
    const results = Promise.all(Array.from({ length: 8 }, (_, i) => h.link.command('SET_DEPTH', { depthUm: i * 10 })));
    const writtenBefore = h.port.written.length;
    expect(h.link.realtime('STOP')).toBe(true);
    expect(h.port.written.length).toBe(writtenBefore + 1); // handed over synchronously
    h.advance(50);
    const cancelled = { ok: false, reason: Reason.CANCELLED_BY_STOP };
    expect(await results).toEqual([
      ...[0, 10, 20, 30].map((appliedValue) => ({ ok: true, note: 0, appliedValue })),
      cancelled,
      cancelled,
      cancelled,
      cancelled,
    ]);
    const onWire = decodeWire(h.port.allWritten()).filter((message) => message.name !== 'HELLO');
    expect(onWire.map((message) => message.name)).toEqual(['SET_DEPTH', 'SET_DEPTH', 'SET_DEPTH', 'SET_DEPTH', 'STOP']);
    expect(onWire[4]?.seq).toBe(0x4104); // the seq the next command will carry
    expect(h.pen.executed).toHaveLength(4);
    expect(h.link.stats.unmatchedAnswers).toBe(0); // the STOP's ACK is recognised as such
    const home = h.link.command('HOME', {});
    h.advance(10);
    expect(await home).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(h.pen.executed.at(-1)).toMatchObject({ name: 'HOME', seq: 0x4104 });
  });

  it('S13: a command lost before a STOP is never resent after it; it resolves CANCELLED_BY_STOP and the next one runs', async () => {
    const h = await connectedHarness({ latencyMs: 3 });
    h.pen.dropFromHost = (message) => message.name === 'ARM';
    const arm = h.link.command('ARM', {});
    const depth = h.link.command('SET_DEPTH', { depthUm: 200 });
    h.link.realtime('STOP');
    h.pen.dropFromHost = () => false;
    h.advance(200);
    const cancelled = { ok: false, reason: Reason.CANCELLED_BY_STOP };
    expect(await arm).toEqual(cancelled);
    expect(await depth).toEqual(cancelled); // out of sequence when the STOP flushed it
    const home = h.link.command('HOME', {});
    h.advance(10);
    expect(await home).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(h.pen.executed.map((message) => message.name)).toEqual(['HOME']);
    const names = decodeWire(h.port.allWritten()).map((message) => message.name);
    expect(names.slice(names.indexOf('STOP'))).toEqual(['STOP', 'HOME']);
  });

  it('S15: an ACK naming another message type does not settle a command with the same seq', async () => {
    const h = await connectedHarness();
    h.pen.silent = true;
    const arm = h.link.command('ARM', {});
    let settled = false;
    void arm.then(() => (settled = true));
    h.port.emitData(
      slipEncode(
        encodeFrame('ACK', 99, {
          ackedSeq: 0x4100,
          ackedType: MESSAGES.SET_DEPTH.type,
          note: 0,
          appliedValue: 250,
          expectedSeq: 0x4101,
        }),
      ),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(h.link.stats.unmatchedAnswers).toBe(1);
    h.pen.silent = false;
    h.advance(100);
    expect(await arm).toEqual({ ok: true, note: 0, appliedValue: 0 });
  });

  it('writes STOP and ESTOP before any handshake, without waiting for anything', () => {
    const h = createHarness();
    expect(h.link.realtime('STOP')).toBe(true);
    expect(h.link.realtime('ESTOP')).toBe(true);
    expect(decodeWire(h.port.allWritten()).map((message) => message.name)).toEqual(['STOP', 'ESTOP']);
  });

  it('STATUS_REQUEST is answered to the status listeners with the exact payload', async () => {
    const h = await connectedHarness();
    const statuses: unknown[] = [];
    h.link.on('status', (status) => statuses.push(status));
    expect(h.link.realtime('STATUS_REQUEST')).toBe(true);
    h.advance(2);
    expect(statuses).toEqual([telemetryPayload({ state: PenState.IDLE })]);
  });

  it('returns false and writes nothing once the link is dead', async () => {
    const h = await connectedHarness();
    h.port.close();
    const written = h.port.written.length;
    expect(h.link.realtime('STOP')).toBe(false);
    expect(h.link.realtime('ESTOP')).toBe(false);
    expect(h.port.written.length).toBe(written);
    expect(h.port.writesWhileClosed).toBe(0);
  });
});
