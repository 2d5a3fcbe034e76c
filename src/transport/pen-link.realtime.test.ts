// PenLink realtime path: STOP/ESTOP/STATUS_REQUEST go to the port at once, ahead of queued commands.
import { describe, expect, it } from 'vitest';
import { PenState } from '../protocol/index.js';
import { seqDistance } from './command-window.js';
import { decodeWire, telemetryPayload } from '../../test/support/fake-pen.js';
import { connectedHarness, createHarness } from '../../test/support/link-harness.js';

describe('PenLink realtime', () => {
  it('STOP overtakes queued commands: its bytes follow the window and precede every queued command', async () => {
    const h = await connectedHarness({ latencyMs: 5 });
    const results = Promise.all(Array.from({ length: 8 }, (_, i) => h.link.command('SET_DEPTH', { depthUm: i * 10 })));
    const writtenBefore = h.port.written.length;
    expect(h.link.realtime('STOP')).toBe(true);
    expect(h.port.written.length).toBe(writtenBefore + 1); // handed over synchronously
    h.advance(50);
    expect((await results).map((result) => (result.ok ? result.appliedValue : -1))).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70,
    ]);
    const onWire = decodeWire(h.port.allWritten()).filter((message) => message.name !== 'HELLO');
    expect(onWire.map((message) => message.name)).toEqual([
      'SET_DEPTH',
      'SET_DEPTH',
      'SET_DEPTH',
      'SET_DEPTH',
      'STOP',
      'SET_DEPTH',
      'SET_DEPTH',
      'SET_DEPTH',
      'SET_DEPTH',
    ]);
    const stop = onWire[4];
    for (const message of onWire) {
      if (message.name !== 'STOP') expect(Math.abs(seqDistance(stop?.seq ?? 0, message.seq))).toBeGreaterThan(0x7000);
    }
    expect(h.pen.received.filter((message) => message.name === 'STOP').length).toBe(1);
    expect(h.link.stats.unmatchedAnswers).toBe(1); // the STOP's ACK matched no command
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
