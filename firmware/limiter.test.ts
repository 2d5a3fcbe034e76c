// Tests of the independent limiter: over-depth within one tick, encoder plausibility and freeze, tracking (S1, S11, S12, S18).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason, Sku } from '../src/protocol/index.js';
import { Limiter } from './limiter.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { ENCODER_FROZEN_CONFIRM_TICKS, TRACKING_CONFIRM_TICKS } from './tuning.js';

const HOME_CONFIG = { sku: Sku.HOME, serialNumber: 1, leaseMs: 200 } as const;

/** Runs `ticks` checks of a limiter with readings and setpoints from functions of the tick index; returns the first fault and its tick. */
function runLimiter(
  limiter: Limiter,
  ticks: number,
  readingUm: (tick: number) => number,
  setpointUm: (tick: number) => number,
): { fault: number; tick: number } {
  for (let tick = 1; tick <= ticks; tick++) {
    const fault = limiter.check(readingUm(tick), setpointUm(tick));
    if (fault !== Fault.NONE) return { fault, tick };
  }
  return { fault: Fault.NONE, tick: ticks };
}

describe('Limiter', () => {
  it('S1 S18: latches OVER_DEPTH on the first reading above cap + 50 um, not at cap + 50 um', () => {
    expect(new Limiter(250).check(301, 250)).toBe(Fault.OVER_DEPTH);
    expect(new Limiter(250).check(300, 250)).toBe(Fault.NONE);
    expect(new Limiter(2500).check(2551, 2500)).toBe(Fault.OVER_DEPTH);
    expect(new Limiter(2500).check(2550, 2500)).toBe(Fault.NONE);
  });

  it('S18: the cap ignores the setpoint: a setpoint above the cap does not raise it', () => {
    expect(new Limiter(250).check(301, 2500)).toBe(Fault.OVER_DEPTH);
  });

  it('S11: refuses readings outside the physical travel or non-finite as ENCODER_IMPLAUSIBLE', () => {
    for (const readingUm of [-201, 3201, Number.NaN, Infinity, -Infinity]) {
      expect(new Limiter(2500).check(readingUm, 0)).toBe(Fault.ENCODER_IMPLAUSIBLE);
    }
    expect(new Limiter(2500).check(-200, 0)).toBe(Fault.NONE);
  });

  it('S11: latches ENCODER_FROZEN after N identical readings while the setpoint moves', () => {
    const result = runLimiter(
      new Limiter(2500),
      100,
      () => 400,
      (tick) => 400 + tick * 5,
    );
    expect(result).toEqual({ fault: Fault.ENCODER_FROZEN, tick: ENCODER_FROZEN_CONFIRM_TICKS + 1 });
  });

  it('S11: a still axis at its setpoint may read the same value forever', () => {
    expect(
      runLimiter(
        new Limiter(2500),
        2000,
        () => 500,
        () => 500,
      ).fault,
    ).toBe(Fault.NONE);
  });

  it('S12: latches DEPTH_TRACKING after N ticks of overshoot above the setpoint + 100 um', () => {
    const result = runLimiter(
      new Limiter(2500),
      100,
      (tick) => 601 + (tick % 2),
      () => 500,
    );
    expect(result.fault).toBe(Fault.DEPTH_TRACKING);
    expect(result.tick).toBe(TRACKING_CONFIRM_TICKS);
    expect(
      runLimiter(
        new Limiter(2500),
        500,
        (tick) => 600 - (tick % 2),
        () => 500,
      ).fault,
    ).toBe(Fault.NONE);
  });

  it('S12: latches DEPTH_TRACKING when the axis stays below a rising setpoint', () => {
    const result = runLimiter(
      new Limiter(2500),
      400,
      (tick) => tick % 2,
      (tick) => tick * 5,
    );
    expect(result.fault).toBe(Fault.DEPTH_TRACKING);
    expect(result.tick).toBe(20 + TRACKING_CONFIRM_TICKS);
  });

  it('allows a retract that lags the dropped setpoint at 10 um/ms, not a slower one', () => {
    const limiter = new Limiter(2500);
    runLimiter(
      limiter,
      10,
      () => 2000,
      () => 2000,
    );
    expect(
      runLimiter(
        limiter,
        300,
        (tick) => Math.max(0, 2000 - 12 * tick),
        () => 0,
      ).fault,
    ).toBe(Fault.NONE);
    const slow = new Limiter(2500);
    runLimiter(
      slow,
      10,
      () => 2000,
      () => 2000,
    );
    expect(
      runLimiter(
        slow,
        300,
        (tick) => Math.max(0, 2000 - 5 * tick),
        () => 0,
      ).fault,
    ).toBe(Fault.DEPTH_TRACKING);
  });
});

describe('limiter on the pen', () => {
  it('S1 S18: a reading above cap + 50 um stops motor and retracts in the same tick, with EVENT_FAULT', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(1000);
    harness.stepWithHeartbeats(300);
    harness.take();
    harness.hardware.encoderOverrideUm = 2551;
    harness.step();
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, faultCode: Fault.OVER_DEPTH });
    expect(harness.hardware.motorCommandHz).toBe(0);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
    expect(harness.take().map((m) => [m.name, m.payload])).toEqual([
      [
        'EVENT_FAULT',
        { deviceTickMs: harness.nowMs(), faultCode: Fault.OVER_DEPTH, measuredDepthUm: 2551, commandedDepthUm: 1000 },
      ],
      ['EVENT_STOPPED', { deviceTickMs: harness.nowMs(), reason: Reason.STOP_FAULT }],
    ]);
  });

  it('S18: a home pen with a runaway actuator latches OVER_DEPTH in the tick the reading first exceeds 300 um', () => {
    const harness = new FirmwareHarness({ config: HOME_CONFIG });
    harness.boot();
    harness.arm(250);
    harness.step(100);
    harness.hardware.runawayUmPerMs = 3;
    for (let ms = 0; ms < 100; ms++) {
      harness.step();
      const readingUm = harness.hardware.readDepthEncoderUm();
      const state = harness.firmware.diagnostics().state;
      if (readingUm <= 300) expect(state).toBe(PenState.ARMED);
      else {
        expect(state).toBe(PenState.FAULT);
        break;
      }
    }
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.OVER_DEPTH);
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
    harness.step(50);
    expect(harness.hardware.positionUm).toBe(0);
  });

  it('S11: an encoder freezing while the axis extends latches ENCODER_FROZEN', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(2000);
    harness.step(50);
    harness.hardware.frozenReadingUm = harness.hardware.readDepthEncoderUm();
    harness.step(ENCODER_FROZEN_CONFIRM_TICKS + 1);
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.ENCODER_FROZEN);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
  });

  it('S11: a reading below the home stop latches ENCODER_IMPLAUSIBLE while idle', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.hardware.encoderOverrideUm = -250;
    harness.step();
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.ENCODER_IMPLAUSIBLE);
  });

  it('S12: an encoder drifting away from the position latches DEPTH_TRACKING', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(800);
    harness.stepWithHeartbeats(300);
    harness.command('HEARTBEAT', {});
    let driftUm = 0;
    const read = harness.hardware.readDepthEncoderUm.bind(harness.hardware);
    harness.hardware.readDepthEncoderUm = () => read() + (driftUm += 2);
    const ticks = harness.stepUntil(() => harness.firmware.diagnostics().state === PenState.FAULT, 200);
    expect(harness.firmware.diagnostics()).toMatchObject({
      faultCode: Fault.DEPTH_TRACKING,
      lastStopReason: Reason.STOP_FAULT,
    });
    expect(ticks).toBe(50 + TRACKING_CONFIRM_TICKS);
  });

  it('S1 S18: whatever commands a hostile host sends, the setpoint and reading stay within the SKU cap', () => {
    const command = fc.oneof(
      fc.record({ name: fc.constant('SET_DEPTH' as const), depthUm: fc.integer({ min: 0, max: 2500 }) }),
      fc.constantFrom(
        { name: 'ARM' as const },
        { name: 'DISARM' as const },
        { name: 'HOME' as const },
        { name: 'STOP' as const },
        { name: 'HELLO' as const },
        { name: 'RESET_FAULT' as const },
      ),
      fc.record({ name: fc.constant('WAIT' as const), ms: fc.integer({ min: 1, max: 300 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(Sku.HOME, Sku.PRO), fc.array(command, { maxLength: 25 }), (sku, commands) => {
        const harness = new FirmwareHarness({ config: { sku, serialNumber: 1, leaseMs: 200 } });
        const capUm = sku === Sku.HOME ? 250 : 2500;
        harness.boot();
        harness.connect();
        const check = (): void => {
          expect(harness.hardware.actuatorSetpointUm).toBeLessThanOrEqual(capUm);
          expect(harness.hardware.readDepthEncoderUm()).toBeLessThanOrEqual(capUm);
        };
        for (const c of commands) {
          if (c.name === 'WAIT') {
            for (let ms = 0; ms < c.ms; ms++) {
              if (ms % 50 === 0) harness.command('HEARTBEAT', {});
              else harness.step();
              check();
            }
          } else if (c.name === 'SET_DEPTH') harness.command('SET_DEPTH', { depthUm: c.depthUm });
          else if (c.name === 'STOP') harness.sendFrame('STOP', 0, {});
          else if (c.name === 'HELLO') harness.connect();
          else harness.command(c.name, {});
          check();
        }
        expect(harness.firmware.diagnostics().faultCode).toBe(Fault.NONE);
      }),
      { seed: 1818, numRuns: 40 },
    );
  });
});
