// PenLink and its port: never writes to a closed port; close/error/found-closed make it dead; close() is quiet.
import { describe, expect, it } from 'vitest';
import { connectedHarness } from '../../test/support/link-harness.js';

describe('PenLink port handling', () => {
  it("S10: port 'close' makes the link dead PORT_CLOSED: pending commands rejected, listeners told once, no writes", async () => {
    const h = await connectedHarness();
    h.pen.silent = true;
    const reasons: string[] = [];
    h.link.onLinkDead((reason) => reasons.push(reason));
    h.link.startHeartbeat();
    const pending = h.link.command('HOME', {});
    h.port.close();
    await expect(pending).rejects.toMatchObject({ code: 'PORT_CLOSED', deadReason: 'PORT_CLOSED' });
    await expect(h.link.command('ARM', {})).rejects.toMatchObject({ code: 'PORT_CLOSED' });
    h.advance(1000);
    expect(reasons).toEqual(['PORT_CLOSED']);
    expect(h.port.writesWhileClosed).toBe(0);
    expect(h.port.listenerCount('data')).toBe(0);
    expect(h.port.listenerCount('close')).toBe(0);
    expect(h.port.listenerCount('error')).toBe(1); // kept so a late 'error' never throws
  });

  it("port 'error' makes the link dead PORT_CLOSED", async () => {
    const h = await connectedHarness();
    h.port.fail(new Error('EIO'));
    expect(h.link.deadReason).toBe('PORT_CLOSED');
    h.port.fail(new Error('EIO again'));
    expect(h.link.deadReason).toBe('PORT_CLOSED');
  });

  it('S10: a port found closed at a write (no event) makes the link dead instead of writing', async () => {
    const h = await connectedHarness();
    const reasons: string[] = [];
    h.link.onLinkDead((reason) => reasons.push(reason));
    h.link.startHeartbeat(50);
    h.advance(20);
    h.port.loseSilently();
    h.advance(100);
    expect(reasons).toEqual(['PORT_CLOSED']);
    expect(h.port.writesWhileClosed).toBe(0);
  });

  it('a write that throws makes the link dead PORT_CLOSED', async () => {
    const h = await connectedHarness();
    h.port.write = () => {
      throw new Error('write after end');
    };
    await expect(h.link.command('HOME', {})).rejects.toMatchObject({ deadReason: 'PORT_CLOSED' });
  });

  it('close(): rejects pending work, stops timers and listening, writes nothing after, tells no linkDead listener', async () => {
    const h = await connectedHarness();
    const reasons: string[] = [];
    const telemetry: number[] = [];
    h.link.onLinkDead((reason) => reasons.push(reason));
    h.link.on('telemetry', (sample) => telemetry.push(sample.strokeCount));
    h.link.startHeartbeat();
    h.pen.silent = true;
    const pending = h.link.command('DISARM', {});
    h.link.close();
    await expect(pending).rejects.toMatchObject({ code: 'PORT_CLOSED', deadReason: 'CLOSED' });
    const written = h.port.written.length;
    h.pen.silent = false;
    h.pen.sendTelemetry({ strokeCount: 5 });
    h.advance(1000);
    expect(h.port.written.length).toBe(written);
    expect(h.link.realtime('STOP')).toBe(false);
    expect(telemetry).toEqual([]);
    expect(reasons).toEqual([]);
    expect(h.clock.nextDueMs()).toBe(Infinity);
    await expect(h.link.hello()).rejects.toMatchObject({ deadReason: 'CLOSED' });
  });
});
