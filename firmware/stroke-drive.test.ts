// Tests of the stroke drive: spin-up ramp, measured rate, stall and over-current faults (S12, S7).
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { OVER_CURRENT_CONFIRM_MS, SPIN_UP_GRACE_MS, STALL_CONFIRM_MS } from './tuning.js';

function armed(strokeHz: number): FirmwareHarness {
  const harness = new FirmwareHarness();
  harness.boot();
  harness.arm(500, strokeHz);
  return harness;
}

describe('stroke drive', () => {
  it('S7: ramps the motor command 1 Hz per ms to the set rate and measures it from the tachometer', () => {
    const harness = armed(120);
    expect(harness.hardware.motorCommandHz).toBe(1);
    harness.step(59);
    expect(harness.hardware.motorCommandHz).toBe(60);
    harness.stepWithHeartbeats(500);
    expect(harness.hardware.motorCommandHz).toBe(120);
    expect(harness.firmware.diagnostics().measuredStrokeHz).toBeGreaterThanOrEqual(110);
    expect(harness.firmware.diagnostics().measuredStrokeHz).toBeLessThanOrEqual(130);
  });

  it('applies a lower rate at once and a higher one by the ramp without a false stall', () => {
    const harness = armed(150);
    harness.stepWithHeartbeats(500);
    harness.command('SET_SPEED', { strokeHz: 50 });
    expect(harness.hardware.motorCommandHz).toBe(50);
    harness.stepWithHeartbeats(400);
    harness.command('SET_SPEED', { strokeHz: 150 });
    harness.stepWithHeartbeats(1000);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.ARMED, motorCommandHz: 150 });
  });

  it('S12: a rotor locking after spin-up latches MOTOR_STALL and stops', () => {
    const harness = armed(100);
    harness.stepWithHeartbeats(600);
    harness.hardware.motorStalled = true;
    const startMs = harness.nowMs();
    for (let ms = 0; ms < 400 && harness.firmware.diagnostics().state === PenState.ARMED; ms += 20) {
      harness.stepWithHeartbeats(20, 20);
    }
    const diagnostics = harness.firmware.diagnostics();
    expect(diagnostics).toMatchObject({ faultCode: Fault.MOTOR_STALL, lastStopReason: Reason.STOP_FAULT });
    expect(harness.nowMs() - startMs).toBeLessThanOrEqual(100 + STALL_CONFIRM_MS);
    expect(harness.hardware.motorCommandHz).toBe(0);
  });

  it('S12: a motor that never turns latches MOTOR_STALL right after the spin-up allowance', () => {
    const harness = new FirmwareHarness({ prepare: (hardware) => (hardware.motorStalled = true) });
    harness.boot();
    harness.arm(500, 80);
    const armedAtMs = harness.nowMs() - 1;
    harness.stepWithHeartbeats(1000);
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.MOTOR_STALL);
    const faultAtMs = harness.log.find((m) => m.name === 'EVENT_FAULT')?.payload.deviceTickMs;
    expect(faultAtMs! - armedAtMs).toBe(80 + SPIN_UP_GRACE_MS + STALL_CONFIRM_MS - 1);
  });

  it(`S12: latches OVER_CURRENT after ${OVER_CURRENT_CONFIRM_MS} ms above 1000 mA, not before or at the limit`, () => {
    const harness = armed(100);
    harness.stepWithHeartbeats(300);
    harness.hardware.extraCurrentMa = 2000;
    harness.step(OVER_CURRENT_CONFIRM_MS - 1);
    harness.hardware.extraCurrentMa = 0;
    harness.step();
    harness.hardware.extraCurrentMa = 1000 - 60 - Math.round(harness.hardware.motorRateHz);
    harness.stepWithHeartbeats(20);
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
    harness.hardware.extraCurrentMa = 2000;
    harness.step(OVER_CURRENT_CONFIRM_MS);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, faultCode: Fault.OVER_CURRENT });
    expect(harness.hardware.motorCommandHz).toBe(0);
  });

  it('counts strokes from this boot even when the tachometer started earlier', () => {
    const harness = new FirmwareHarness({ prepare: (hardware) => (hardware.strokeTotal = 5000) });
    harness.boot();
    harness.connect();
    harness.sendFrame('STATUS_REQUEST', 0, {});
    harness.step();
    expect(harness.framesNamed('STATUS').at(-1)?.payload).toMatchObject({ strokeCount: 0, commandedStrokeHz: 0 });
    harness.arm(500, 100);
    harness.stepWithHeartbeats(1000);
    harness.take();
    harness.sendFrame('STATUS_REQUEST', 0, {});
    harness.step();
    const status = harness.framesNamed('STATUS').at(-1)?.payload;
    expect(status?.strokeCount).toBe(harness.hardware.readStrokeCounter() - 5000);
    expect(status?.commandedStrokeHz).toBe(100);
  });
});
