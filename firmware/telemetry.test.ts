// Tests of telemetry: exact rate, every field and flag, contact events, and the clamping of reported values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PenState, TelemetryFlag } from '../src/protocol/index.js';
import { batteryPercentFromMv } from './supply.js';
import { TelemetryScheduler, clampInt } from './telemetry.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';

describe('TelemetryScheduler', () => {
  it('is due exactly rateHz times per 1000 ticks, evenly spread, for every rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (rateHz) => {
        const scheduler = new TelemetryScheduler();
        scheduler.setRateHz(rateHz);
        const dueTicks: number[] = [];
        for (let tick = 1; tick <= 3000; tick++) if (scheduler.tick()) dueTicks.push(tick);
        expect(dueTicks.length).toBe(3 * rateHz);
        const gaps = dueTicks.slice(1).map((tick, i) => tick - (dueTicks[i] as number));
        expect(Math.max(...gaps, 0) - Math.min(...gaps, Infinity)).toBeLessThanOrEqual(1);
      }),
      { seed: 1000, numRuns: 150 },
    );
  });

  it('is never due at 0 Hz (the boot default)', () => {
    const scheduler = new TelemetryScheduler();
    let due = 0;
    for (let tick = 0; tick < 5000; tick++) if (scheduler.tick()) due++;
    expect(due).toBe(0);
  });
});

describe('telemetry on the pen', () => {
  for (const rateHz of [1, 7, 333, 1000]) {
    it(`sends exactly ${rateHz} TELEMETRY frames per second`, () => {
      const harness = new FirmwareHarness();
      harness.boot();
      harness.connect();
      harness.command('SET_TELEMETRY', { rateHz });
      harness.take();
      harness.step(2000);
      expect(harness.framesNamed('TELEMETRY').length).toBe(2 * rateHz);
    });
  }

  it('sends nothing periodic before SET_TELEMETRY and stops at rate 0', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.step(1000);
    expect(harness.framesNamed('TELEMETRY')).toEqual([]);
    harness.command('SET_TELEMETRY', { rateHz: 100 });
    harness.command('SET_TELEMETRY', { rateHz: 0 });
    harness.take();
    harness.step(1000);
    expect(harness.framesNamed('TELEMETRY')).toEqual([]);
  });

  it('fills every field while armed in contact', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(1000, 120);
    harness.hardware.contact = true;
    harness.stepWithHeartbeats(600);
    harness.command('SET_TELEMETRY', { rateHz: 1000 });
    harness.step();
    const sample = harness.framesNamed('TELEMETRY').at(-1)!.payload;
    const hardware = harness.hardware;
    expect(sample).toEqual({
      deviceTickMs: harness.nowMs(),
      state: PenState.ARMED,
      faultCode: 0,
      flags:
        TelemetryFlag.CONTACT |
        TelemetryFlag.CARTRIDGE |
        TelemetryFlag.HOMED |
        TelemetryFlag.LEASE_VALID |
        TelemetryFlag.MOTOR_ON,
      commandedDepthUm: 1000,
      measuredDepthUm: 1000,
      commandedStrokeHz: 120,
      measuredStrokeHz: harness.firmware.diagnostics().measuredStrokeHz,
      strokeCount: hardware.readStrokeCounter(),
      motorCurrentMa: hardware.readMotorCurrentMa(),
      batteryMv: 4000,
      batteryPercent: 78,
      cartridgeId: 0x1234,
      needleCount: 16,
      lastStopReason: 0,
    });
    expect(sample.measuredStrokeHz).toBeGreaterThanOrEqual(110);
  });

  it('sends EVENT_CONTACT on each contact edge with the stroke count', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.arm(500, 100);
    harness.stepWithHeartbeats(300);
    harness.take();
    harness.hardware.contact = true;
    harness.step();
    const touchStrokes = harness.hardware.readStrokeCounter();
    harness.stepWithHeartbeats(100);
    harness.hardware.contact = false;
    harness.step();
    expect(harness.framesNamed('EVENT_CONTACT').map((m) => m.payload)).toEqual([
      { deviceTickMs: harness.nowMs() - 101, contact: 1, strokeCount: touchStrokes },
      { deviceTickMs: harness.nowMs(), contact: 0, strokeCount: harness.hardware.readStrokeCounter() },
    ]);
  });

  it('reports readings outside their wire range clamped, never failing to encode', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.hardware.batteryMv = 70000;
    harness.hardware.cartridge = { id: 3, needleCount: 300 };
    harness.step();
    harness.sendFrame('STATUS_REQUEST', 0, {});
    harness.step();
    expect(harness.framesNamed('STATUS').at(-1)?.payload).toMatchObject({
      batteryMv: 0xffff,
      batteryPercent: 100,
      needleCount: 255,
    });
    harness.hardware.encoderOverrideUm = 40000;
    harness.step();
    harness.sendFrame('STATUS_REQUEST', 0, {});
    harness.step();
    expect(harness.framesNamed('STATUS').at(-1)?.payload).toMatchObject({ measuredDepthUm: 32767 });
    expect(harness.firmware.diagnostics().transmitEncodeErrors).toBe(0);
  });

  it('maps battery voltage to percent and clamps integers', () => {
    expect([3299, 3300, 3750, 4200, 4500].map(batteryPercentFromMv)).toEqual([0, 0, 50, 100, 100]);
    expect(batteryPercentFromMv(Number.NaN)).toBe(0);
    expect([clampInt(Number.NaN, -5, 5), clampInt(Infinity, 0, 9), clampInt(2.6, 0, 9)]).toEqual([-5, 9, 3]);
  });
});
