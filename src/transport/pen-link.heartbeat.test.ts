// PenLink heartbeat: lease renewal through the reliable path; a silent peer is declared dead in time (S10).
import { describe, expect, it } from 'vitest';
import { LinkError } from './link-types.js';
import { connectedHarness, createHarness } from '../../test/support/link-harness.js';

describe('PenLink heartbeat', () => {
  it('S10: renews the lease every period while the pen answers; the link stays up', async () => {
    const h = await connectedHarness();
    h.link.startHeartbeat(50);
    h.advance(2000);
    expect(h.link.deadReason).toBeNull();
    expect(h.pen.executed.filter((message) => message.name === 'HEARTBEAT').length).toBe(41);
  });

  it('S10: a silent pen is declared dead HEARTBEAT_TIMEOUT exactly deadLinkTimeoutMs after its last frame; no write after', async () => {
    const h = await connectedHarness();
    const deaths: { reason: string; atMs: number }[] = [];
    h.link.onLinkDead((reason) => deaths.push({ reason, atMs: h.clock.nowMs() }));
    h.link.startHeartbeat(50);
    h.advance(510);
    h.pen.silent = true;
    h.advance(1000);
    const lastFrameMs = Math.max(...h.wire.filter((event) => event.direction === 'toHost').map((event) => event.atMs));
    expect(deaths).toEqual([{ reason: 'HEARTBEAT_TIMEOUT', atMs: lastFrameMs + 150 }]);
    const lastWriteMs = Math.max(...h.wire.filter((event) => event.direction === 'toPen').map((event) => event.atMs));
    expect(lastWriteMs).toBeLessThanOrEqual(deaths[0]?.atMs ?? 0);
    const written = h.port.written.length;
    h.advance(1000);
    expect(h.port.written.length).toBe(written);
    expect(deaths.length).toBe(1);
  });

  it('S10: an unanswered heartbeat is fatal after deadLinkTimeoutMs even while telemetry keeps flowing', async () => {
    const h = await connectedHarness();
    h.pen.dropToHost = (message) => message.name === 'ACK';
    const telemetry = (): void => {
      h.pen.sendTelemetry();
      h.clock.setTimer(10, telemetry);
    };
    telemetry();
    const deaths: number[] = [];
    h.link.onLinkDead(() => deaths.push(h.clock.nowMs()));
    const startMs = h.clock.nowMs();
    h.link.startHeartbeat(50);
    h.advance(1000);
    expect(deaths).toEqual([startMs + 150]);
    expect(h.link.deadReason).toBe('HEARTBEAT_TIMEOUT');
  });

  it('S10: a pen that rebooted (NAK NOT_CONNECTED) ends the link with SESSION_LOST', async () => {
    const h = await connectedHarness();
    h.link.startHeartbeat(50);
    h.advance(100);
    h.pen.reboot();
    h.advance(60);
    expect(h.link.deadReason).toBe('SESSION_LOST');
    await expect(h.link.command('ARM', {})).rejects.toMatchObject({ code: 'LINK_DEAD', deadReason: 'SESSION_LOST' });
  });

  it('S10: a heartbeat gate that says the machine is not alive stops the heartbeats for good: HOST_STALLED, nothing written after', async () => {
    let alive = true;
    const h = await connectedHarness({ heartbeatGate: () => alive });
    const deaths: { reason: string; atMs: number }[] = [];
    h.link.onLinkDead((reason) => deaths.push({ reason, atMs: h.clock.nowMs() }));
    const startMs = h.clock.nowMs();
    h.link.startHeartbeat(50);
    h.advance(120);
    alive = false;
    h.advance(1000);
    expect(deaths).toEqual([{ reason: 'HOST_STALLED', atMs: startMs + 150 }]);
    expect(h.pen.received.filter((message) => message.name === 'HEARTBEAT').length).toBe(3);
    alive = true;
    const written = h.port.written.length;
    h.advance(1000);
    expect(h.port.written.length).toBe(written);
    expect(h.link.realtime('STOP')).toBe(false);
  });

  it('S10: a silent-pen verdict waits for the frames already received (deferVerdict): read in time they keep the link, none kills it', async () => {
    const rechecks: (() => void)[] = [];
    const h = await connectedHarness({ deferVerdict: (recheck) => rechecks.push(recheck) });
    h.link.startHeartbeat(50);
    h.advance(100);
    h.pen.silent = true;
    h.advance(200);
    expect(h.link.deadReason).toBeNull();
    expect(rechecks).toHaveLength(1);
    h.pen.silent = false;
    h.advance(45);
    rechecks.shift()!();
    expect(h.link.deadReason).toBeNull();
    h.pen.silent = true;
    h.advance(170);
    expect(h.link.deadReason).toBeNull();
    rechecks.shift()!();
    expect(h.link.deadReason).toBe('HEARTBEAT_TIMEOUT');
  });

  it('stopHeartbeat stops beating and judging: a silent pen then kills nothing', async () => {
    const h = await connectedHarness();
    h.link.startHeartbeat(50);
    h.advance(120);
    h.link.stopHeartbeat();
    h.pen.silent = true;
    h.advance(2000);
    expect(h.link.deadReason).toBeNull();
    expect(h.pen.received.filter((message) => message.name === 'HEARTBEAT').length).toBe(3);
  });

  it('refuses to start before the handshake, or with a period not below deadLinkTimeoutMs', async () => {
    expect(() => createHarness().link.startHeartbeat()).toThrow(new LinkError('NOT_CONNECTED'));
    const h = await connectedHarness();
    expect(() => h.link.startHeartbeat(150)).toThrow(RangeError);
    expect(() => h.link.startHeartbeat(0)).toThrow(RangeError);
    expect(() => h.link.startHeartbeat(Number.NaN)).toThrow(RangeError);
  });
});
