// Tests of the drive lease: the firmware stops and retracts by itself within lease + 1 tick of the last heartbeat (S10).
import { describe, expect, it } from 'vitest';
import { PenState, Reason, Sku, TelemetryFlag, encodeFrame, slipEncode } from '../src/protocol/index.js';
import { Lease } from './lease.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';

/** Arms, heartbeats for a while, then stops heartbeating; returns ms from the last heartbeat's arrival to motor 0 + setpoint 0. */
function timeToSafeAfterLastHeartbeat(leaseMs: number, heartbeatPeriodMs: number): number {
  const harness = new FirmwareHarness({ config: { sku: Sku.PRO, serialNumber: 1, leaseMs } });
  harness.boot();
  harness.arm(1000);
  harness.stepWithHeartbeats(leaseMs * 3, heartbeatPeriodMs);
  expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
  harness.sendFrame('HEARTBEAT', harness.nextSeq++, {});
  const lastHeartbeatMs = harness.nowMs();
  harness.stepUntil(() => harness.hardware.motorCommandHz === 0 && harness.hardware.actuatorSetpointUm === 0, 5000);
  expect(harness.firmware.diagnostics()).toMatchObject({
    state: PenState.IDLE,
    lastStopReason: Reason.STOP_LEASE_LAPSED,
  });
  expect(harness.framesNamed('EVENT_STOPPED').map((m) => m.payload)).toEqual([
    { deviceTickMs: harness.nowMs(), reason: Reason.STOP_LEASE_LAPSED },
  ]);
  return harness.nowMs() - lastHeartbeatMs;
}

describe('S10: drive lease', () => {
  for (const leaseMs of [20, 200, 1000]) {
    it(`S10: stops and retracts ${leaseMs} ms after the last heartbeat (<= lease + 1 tick)`, () => {
      const timeToSafeMs = timeToSafeAfterLastHeartbeat(leaseMs, Math.max(5, leaseMs / 4));
      expect(timeToSafeMs).toBeLessThanOrEqual(leaseMs + 1);
      expect(timeToSafeMs).toBe(leaseMs);
    });
  }

  it('S10: without any heartbeat the drive stops leaseMs after the ARM arrived', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.sendFrame('ARM', harness.nextSeq++, {});
    const armMs = harness.nowMs();
    harness.step();
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
    harness.stepUntil(() => harness.firmware.diagnostics().state !== PenState.ARMED, 1000);
    expect(harness.nowMs() - armMs).toBe(200);
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
  });

  it('S10: a heartbeat waiting in the queue renews from its arrival, never later', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(500);
    harness.stepWithHeartbeats(100);
    for (let i = 0; i < 7; i++) harness.sendFrame('SET_SPEED', harness.nextSeq++, { strokeHz: 60 + i });
    harness.sendFrame('HEARTBEAT', harness.nextSeq++, {});
    const lastHeartbeatMs = harness.nowMs();
    harness.stepUntil(() => harness.firmware.diagnostics().state !== PenState.ARMED, 1000);
    expect(harness.nowMs() - lastHeartbeatMs).toBe(200);
  });

  it('S10: heartbeats failing the CRC or out of sequence do not renew the lease', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(500);
    const armedAtMs = harness.nowMs() - 1;
    for (let ms = 0; ms < 400; ms++) {
      if (ms % 20 === 0) {
        const frame = encodeFrame('HEARTBEAT', harness.nextSeq, {});
        frame[5] = (frame[5] as number) ^ 0xff;
        harness.sendBytes(slipEncode(frame));
        harness.sendFrame('HEARTBEAT', (harness.nextSeq + 3) & 0xffff, {});
      }
      harness.step();
      if (harness.firmware.diagnostics().state !== PenState.ARMED) break;
    }
    expect(harness.nowMs() - armedAtMs).toBe(200);
  });

  it('S10: only HEARTBEAT renews the lease: ARM every 50 ms while armed is ACKed and still lapses at 200 ms', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.sendFrame('ARM', harness.nextSeq++, {});
    const armMs = harness.nowMs();
    let lapsedAfterMs = -1;
    for (let ms = 1; ms <= 1000 && lapsedAfterMs < 0; ms++) {
      if (ms % 50 === 0) {
        const answer = harness.command('ARM', {});
        if (harness.firmware.diagnostics().state === PenState.ARMED) expect(answer.name).toBe('ACK');
      } else {
        harness.step();
      }
      if (harness.firmware.diagnostics().state !== PenState.ARMED) lapsedAfterMs = harness.nowMs() - armMs;
    }
    expect(lapsedAfterMs).toBe(200);
    expect(harness.firmware.diagnostics().lastStopReason).toBe(Reason.STOP_LEASE_LAPSED);
  });

  it('S10: other commands (SET_DEPTH, SET_SPEED, SET_TELEMETRY, DISARM while idle) never renew the lease', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(500);
    const armedAtMs = harness.nowMs() - 1;
    for (let ms = 0; ms < 400 && harness.firmware.diagnostics().state === PenState.ARMED; ms += 3) {
      harness.command('SET_DEPTH', { depthUm: 500 });
      harness.command('SET_SPEED', { strokeHz: 100 });
      harness.command('SET_TELEMETRY', { rateHz: 0 });
    }
    expect(harness.nowMs() - armedAtMs).toBeLessThanOrEqual(202);
    expect(harness.firmware.diagnostics().lastStopReason).toBe(Reason.STOP_LEASE_LAPSED);
  });

  it('S10: heartbeats keep the drive up for seconds', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(500);
    harness.stepWithHeartbeats(3000, 150);
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
  });

  it('S10: the lease lapses on time across the u32 tick wrap (49.7 days of uptime)', () => {
    for (const lastHeartbeatBeforeWrap of [1, 50, 199, 200, 201]) {
      const startTick = 0x1_0000_0000 - 2000;
      const harness = new FirmwareHarness({ startTick });
      harness.boot();
      harness.arm(500);
      const heartbeatsUntil = 2000 - lastHeartbeatBeforeWrap - harness.elapsedTicks;
      harness.stepWithHeartbeats(heartbeatsUntil, 40);
      harness.sendFrame('HEARTBEAT', harness.nextSeq++, {});
      const lastHeartbeatElapsed = harness.elapsedTicks;
      harness.stepUntil(() => harness.firmware.diagnostics().state !== PenState.ARMED, 1000);
      expect(
        harness.elapsedTicks - lastHeartbeatElapsed,
        `heartbeat ${lastHeartbeatBeforeWrap} ticks before the wrap`,
      ).toBe(200);
      expect(harness.framesNamed('EVENT_STOPPED').at(-1)?.payload).toEqual({
        deviceTickMs: harness.nowTick(),
        reason: Reason.STOP_LEASE_LAPSED,
      });
    }
  });

  it('reports LEASE_VALID only while armed under a valid lease', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.command('SET_TELEMETRY', { rateHz: 1000 });
    harness.command('ARM', {});
    harness.take();
    harness.step(5);
    const flags = (): number[] => harness.take().flatMap((m) => (m.name === 'TELEMETRY' ? [m.payload.flags] : []));
    const armedFlags = flags();
    expect(armedFlags.length).toBe(5);
    expect(armedFlags.every((f) => (f & TelemetryFlag.LEASE_VALID) !== 0)).toBe(true);
    harness.step(300);
    expect(flags().at(-1)! & TelemetryFlag.LEASE_VALID).toBe(0);
  });
});

describe('Lease', () => {
  it('S10: is valid for exactly leaseMs ticks across the wrap; a renewal from before the last one is ignored', () => {
    const lease = new Lease(100);
    lease.start(0xffff_ffc0);
    expect([lease.isValid(0xffff_ffff), lease.isValid(0x23), lease.hasLapsed(0x23), lease.hasLapsed(0x24)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    lease.renew(0x10);
    lease.renew(0xffff_fff0);
    expect([lease.hasLapsed(0x73), lease.hasLapsed(0x74)]).toEqual([false, true]);
  });

  it('is valid for exactly leaseMs after the last renewal and ignores renewals when inactive', () => {
    const lease = new Lease(100);
    lease.renew(10);
    expect(lease.isValid(10)).toBe(false);
    lease.start(10);
    expect([lease.isValid(109), lease.hasLapsed(109), lease.hasLapsed(110)]).toEqual([true, false, true]);
    lease.renew(60);
    lease.renew(50);
    expect([lease.hasLapsed(159), lease.hasLapsed(160)]).toEqual([false, true]);
    lease.cancel();
    expect([lease.isValid(60), lease.hasLapsed(1000)]).toEqual([false, false]);
  });
});
