// Tests of the session depth limit (SET_DEPTH_LIMIT) and of a clean new session on HELLO (S1, S2, S15, S18).
import { DEFAULT_STROKE_HZ, DEFAULT_TELEMETRY_HZ } from '../src/limits/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fault, MESSAGES, PenState, Reason, Sku } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { Limiter } from './limiter.js';

function proHarness(): FirmwareHarness {
  const harness = new FirmwareHarness({ config: { sku: Sku.PRO, serialNumber: 5, leaseMs: 200 } });
  harness.boot();
  harness.connect();
  return harness;
}

describe('S1 S18: session depth limit', () => {
  it('S1: with a 500 um session limit a runaway is latched OVER_DEPTH in the tick the reading passes 550 um', () => {
    const harness = proHarness();
    expect(harness.command('SET_DEPTH_LIMIT', { limitUm: 500 }).payload).toMatchObject({
      ackedType: MESSAGES.SET_DEPTH_LIMIT.type,
      note: Reason.NONE,
      appliedValue: 500,
    });
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.command('ARM', {});
    harness.stepWithHeartbeats(150);
    expect(harness.hardware.readDepthEncoderUm()).toBe(500);
    harness.hardware.runawayUmPerMs = 3;
    let passedAtTick = -1;
    harness.stepUntil(() => {
      if (passedAtTick < 0 && harness.hardware.readDepthEncoderUm() > 550) passedAtTick = harness.elapsedTicks;
      return harness.firmware.diagnostics().state === PenState.FAULT;
    }, 200);
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.OVER_DEPTH);
    expect(harness.elapsedTicks - passedAtTick).toBeLessThanOrEqual(1);
    const fault = harness.framesNamed('EVENT_FAULT').at(-1)?.payload;
    expect(fault?.measuredDepthUm).toBeGreaterThan(550);
    expect(fault?.measuredDepthUm).toBeLessThanOrEqual(553);
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
  });

  it('S2: SET_DEPTH above the session limit is clamped to it with DEPTH_CLAMPED_TO_SESSION_LIMIT', () => {
    const harness = proHarness();
    harness.command('SET_DEPTH_LIMIT', { limitUm: 500 });
    expect(harness.command('SET_DEPTH', { depthUm: 1500 }).payload).toMatchObject({
      note: Reason.DEPTH_CLAMPED_TO_SESSION_LIMIT,
      appliedValue: 500,
    });
    expect(harness.command('SET_DEPTH', { depthUm: 449 }).payload).toMatchObject({
      note: Reason.DEPTH_FLOORED_TO_STEP,
      appliedValue: 400,
    });
  });

  it('S18: no frame raises the limit above the SKU maximum: clamped with DEPTH_CLAMPED_TO_SKU_MAX', () => {
    const harness = new FirmwareHarness({ config: { sku: Sku.HOME, serialNumber: 5, leaseMs: 200 } });
    harness.boot();
    harness.connect();
    expect(harness.command('SET_DEPTH_LIMIT', { limitUm: 2500 }).payload).toMatchObject({
      note: Reason.DEPTH_CLAMPED_TO_SKU_MAX,
      appliedValue: 250,
    });
    expect(harness.firmware.diagnostics()).toMatchObject({ capUm: 250, skuMaxUm: 250 });
    expect(harness.command('SET_DEPTH_LIMIT', { limitUm: 149 }).payload).toMatchObject({
      note: Reason.DEPTH_FLOORED_TO_STEP,
      appliedValue: 100,
    });
  });

  it('S1: the limit cannot change while armed (BUSY_ARMED) or in FAULT (FAULT_LATCHED); it can again once disarmed', () => {
    const harness = proHarness();
    harness.command('SET_DEPTH_LIMIT', { limitUm: 500 });
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.command('ARM', {});
    for (const limitUm of [1500, 300]) {
      expect(harness.command('SET_DEPTH_LIMIT', { limitUm }).payload).toMatchObject({ reason: Reason.BUSY_ARMED });
    }
    expect(harness.firmware.diagnostics().capUm).toBe(500);
    harness.command('DISARM', {});
    expect(harness.command('SET_DEPTH_LIMIT', { limitUm: 1500 }).payload).toMatchObject({ appliedValue: 1500 });
    harness.sendFrame('ESTOP', 0, {});
    expect(harness.command('SET_DEPTH_LIMIT', { limitUm: 200 }).payload).toMatchObject({
      reason: Reason.FAULT_LATCHED,
    });
    expect(harness.firmware.diagnostics().capUm).toBe(1500);
  });

  it('S1: a depth target set before a lower limit is held at the limit when armed', () => {
    const harness = proHarness();
    harness.command('SET_DEPTH', { depthUm: 2000 });
    harness.command('SET_DEPTH_LIMIT', { limitUm: 500 });
    harness.command('ARM', {});
    let maxSetpointUm = 0;
    for (let ms = 0; ms < 600; ms += 40) {
      harness.stepWithHeartbeats(40);
      maxSetpointUm = Math.max(maxSetpointUm, harness.hardware.actuatorSetpointUm);
    }
    expect(maxSetpointUm).toBe(500);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.ARMED, targetDepthUm: 500 });
  });

  it('S1 S18: whatever limits and depths a host sends, the armed setpoint never exceeds the effective cap', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 2500 }).map((limitUm) => ({ name: 'SET_DEPTH_LIMIT' as const, limitUm })),
            fc.integer({ min: 0, max: 2500 }).map((depthUm) => ({ name: 'SET_DEPTH' as const, depthUm })),
            fc.constant({ name: 'ARM' as const }),
            fc.constant({ name: 'DISARM' as const }),
          ),
          { maxLength: 25 },
        ),
        (commands) => {
          const harness = proHarness();
          let capUm = 2500;
          for (const command of commands) {
            if (command.name === 'SET_DEPTH_LIMIT') {
              const answer = harness.command(command.name, { limitUm: command.limitUm });
              if (answer.name === 'ACK') capUm = answer.payload.appliedValue;
            } else if (command.name === 'SET_DEPTH') harness.command(command.name, { depthUm: command.depthUm });
            else harness.command(command.name, {});
            for (let ms = 0; ms < 30; ms++) {
              harness.step();
              expect(harness.hardware.actuatorSetpointUm).toBeLessThanOrEqual(capUm);
            }
          }
        },
      ),
      { seed: 118, numRuns: 60 },
    );
  });

  it('S1 S18: HELLO resets the session limit to the SKU maximum', () => {
    const harness = proHarness();
    harness.command('SET_DEPTH_LIMIT', { limitUm: 1000 });
    expect(harness.firmware.diagnostics().capUm).toBe(1000);
    harness.connect();
    expect(harness.firmware.diagnostics()).toMatchObject({ capUm: 2500, skuMaxUm: 2500 });
  });

  it('Limiter: the over-depth threshold follows the session limit and never exceeds the SKU maximum + 50 um', () => {
    const limiter = new Limiter(2500);
    limiter.setSessionLimitUm(500);
    expect([limiter.check(550, 500), limiter.check(551, 500)]).toEqual([Fault.NONE, Fault.OVER_DEPTH]);
    limiter.setSessionLimitUm(2500);
    expect(limiter.overDepthLimitUm).toBe(2550);
    expect(limiter.setSessionLimitUm(2500)).toBe(2500);
  });
});

describe('S1 S15: a new HELLO starts a clean session', () => {
  it('S1 S15: after HELLO the pen is disarmed at depth 0, default speed and default telemetry', () => {
    const harness = proHarness();
    harness.command('SET_DEPTH', { depthUm: 900 });
    harness.command('SET_SPEED', { strokeHz: 140 });
    harness.command('SET_TELEMETRY', { rateHz: 500 });
    harness.command('ARM', {});
    harness.stepWithHeartbeats(100);
    harness.connect();
    expect(harness.firmware.diagnostics()).toMatchObject({
      state: PenState.IDLE,
      targetDepthUm: 0,
      targetStrokeHz: DEFAULT_STROKE_HZ,
      telemetryRateHz: DEFAULT_TELEMETRY_HZ,
      lastStopReason: Reason.STOP_LINK_RESET,
    });
    harness.command('ARM', {});
    harness.stepWithHeartbeats(200);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
    expect(harness.hardware.motorCommandHz).toBe(DEFAULT_STROKE_HZ);
  });
});
