// Device time is a u32 tick: elapsed counts and ordering stay right across the 49.7-day wrap, and so does the pen (S10, S13).
import { describe, expect, it } from 'vitest';
import { PenState, Reason } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { TICK_WRAP, isTickBefore, ticksSince } from './device-time.js';

describe('u32 device ticks', () => {
  it('ticksSince counts forward across the wrap; isTickBefore orders ticks less than 2^31 apart', () => {
    expect(ticksSince(5, 0xffff_fffb)).toBe(10);
    expect(ticksSince(0, 0xffff_ffff)).toBe(1);
    expect(ticksSince(1000, 1000)).toBe(0);
    expect([isTickBefore(0xffff_fff0, 0x10), isTickBefore(0x10, 0xffff_fff0)]).toEqual([true, false]);
    expect([isTickBefore(7, 7), isTickBefore(0, 0x7fff_ffff)]).toEqual([false, true]);
    expect(TICK_WRAP).toBe(2 ** 32);
  });

  it('S10 S13: a pen booted 100 ticks before the wrap self-tests, homes, reports, arms and lapses on time across it', () => {
    const harness = new FirmwareHarness({ startTick: TICK_WRAP - 100, powerOnPositionUm: 600 });
    harness.boot();
    expect(harness.nowTick()).toBeLessThan(1000);
    harness.connect();
    harness.command('SET_TELEMETRY', { rateHz: 1000 });
    harness.take();
    harness.step(3);
    const ticks = harness.framesNamed('TELEMETRY').map((m) => m.payload.deviceTickMs);
    expect(ticks).toEqual([harness.nowTick() - 2, harness.nowTick() - 1, harness.nowTick()]);
    harness.arm(500);
    harness.stepWithHeartbeats(400, 40);
    harness.sendFrame('HEARTBEAT', harness.nextSeq++, {});
    const lastElapsed = harness.elapsedTicks;
    harness.stepUntil(() => harness.firmware.diagnostics().state !== PenState.ARMED, 1000);
    expect(harness.elapsedTicks - lastElapsed).toBe(200);
    expect(harness.firmware.diagnostics()).toMatchObject({
      lastStopReason: Reason.STOP_LEASE_LAPSED,
      refusedTransitions: 0,
    });
  });

  it('S10: a lease renewed just before the wrap stays valid just after it, in TELEMETRY flags too', () => {
    const harness = new FirmwareHarness({ startTick: TICK_WRAP - 1500 });
    harness.boot();
    harness.arm(300);
    harness.stepWithHeartbeats(TICK_WRAP - harness.nowTick() - 5, 40);
    harness.sendFrame('HEARTBEAT', harness.nextSeq++, {});
    harness.step(100);
    expect(harness.nowTick()).toBeLessThan(200);
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
  });
});
