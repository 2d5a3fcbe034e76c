// Tests of SET_DEPTH quantisation: floor to the step, clamp to the SKU maximum, and the ACK note (S2, S3, S8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGES, Reason, Sku } from '../src/protocol/index.js';
import { appliedDepthUm, depthNote } from './depth-command.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';

/** The depth and the note the pen applies, as one value for assertions. */
function applied(requestedUm: number, skuMaxUm: number, sessionLimitUm = skuMaxUm): { depthUm: number; note: number } {
  return {
    depthUm: appliedDepthUm(requestedUm, skuMaxUm, sessionLimitUm),
    note: depthNote(requestedUm, skuMaxUm, sessionLimitUm),
  };
}

describe('depth rules', () => {
  it('S3: floors to the 50 um step with DEPTH_FLOORED_TO_STEP, never rounds up', () => {
    expect(applied(549, 2500)).toEqual({ depthUm: 500, note: Reason.DEPTH_FLOORED_TO_STEP });
    expect(applied(1, 2500)).toEqual({ depthUm: 0, note: Reason.DEPTH_FLOORED_TO_STEP });
    expect(applied(2499, 2500)).toEqual({ depthUm: 2450, note: Reason.DEPTH_FLOORED_TO_STEP });
  });

  it('applies a multiple of the step as sent with note NONE', () => {
    expect(applied(0, 250)).toEqual({ depthUm: 0, note: Reason.NONE });
    expect(applied(250, 250)).toEqual({ depthUm: 250, note: Reason.NONE });
    expect(applied(2500, 2500)).toEqual({ depthUm: 2500, note: Reason.NONE });
  });

  it('S2: clamps to the SKU maximum with DEPTH_CLAMPED_TO_SKU_MAX, which wins over the floor note', () => {
    expect(applied(300, 250)).toEqual({ depthUm: 250, note: Reason.DEPTH_CLAMPED_TO_SKU_MAX });
    expect(applied(2500, 250)).toEqual({ depthUm: 250, note: Reason.DEPTH_CLAMPED_TO_SKU_MAX });
    expect(applied(299, 250)).toEqual({ depthUm: 250, note: Reason.DEPTH_FLOORED_TO_STEP });
    expect(applied(301, 250)).toEqual({ depthUm: 250, note: Reason.DEPTH_CLAMPED_TO_SKU_MAX });
  });

  it('S2: a session limit below the SKU maximum binds with DEPTH_CLAMPED_TO_SESSION_LIMIT', () => {
    expect(applied(700, 2500, 500)).toEqual({ depthUm: 500, note: Reason.DEPTH_CLAMPED_TO_SESSION_LIMIT });
    expect(applied(2500, 2500, 500)).toEqual({ depthUm: 500, note: Reason.DEPTH_CLAMPED_TO_SESSION_LIMIT });
    expect(applied(549, 2500, 500)).toEqual({ depthUm: 500, note: Reason.DEPTH_FLOORED_TO_STEP });
    expect(applied(450, 2500, 500)).toEqual({ depthUm: 450, note: Reason.NONE });
    expect(applied(2500, 2500, 2500)).toEqual({ depthUm: 2500, note: Reason.NONE });
  });

  it('S1 S3: the applied depth is a step multiple, never above either cap or the request', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2500 }),
        fc.constantFrom(250, 2500),
        fc.integer({ min: 0, max: 50 }).map((steps) => steps * 50),
        (requestedUm, skuMaxUm, sessionLimitUm) => {
          const depthUm = appliedDepthUm(requestedUm, skuMaxUm, sessionLimitUm);
          const capUm = Math.min(skuMaxUm, sessionLimitUm);
          expect(depthUm % 50).toBe(0);
          expect(depthUm).toBeLessThanOrEqual(Math.min(capUm, requestedUm));
          expect(depthUm).toBeGreaterThan(Math.min(capUm, requestedUm) - 50);
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });
});

describe('SET_DEPTH on the pen', () => {
  it('S2 S18: a home pen ACKs 2500 um as 250 um, clamped, and never extends past 250 um', () => {
    const harness = new FirmwareHarness({ config: { sku: Sku.HOME, serialNumber: 1, leaseMs: 200 } });
    harness.boot();
    harness.connect();
    expect(harness.command('SET_DEPTH', { depthUm: 2500 }).payload).toEqual({
      ackedSeq: harness.nextSeq - 1,
      ackedType: MESSAGES.SET_DEPTH.type,
      note: Reason.DEPTH_CLAMPED_TO_SKU_MAX,
      appliedValue: 250,
      expectedSeq: harness.nextSeq,
    });
    expect(harness.command('ARM', {}).name).toBe('ACK');
    let maxSetpointUm = 0;
    for (let ms = 0; ms < 150; ms++) {
      harness.step();
      maxSetpointUm = Math.max(maxSetpointUm, harness.hardware.actuatorSetpointUm);
    }
    expect(maxSetpointUm).toBe(250);
    expect(harness.hardware.readDepthEncoderUm()).toBe(250);
  });

  it('ACKs a floored depth with the applied value and SET_SPEED with the rate', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    expect(harness.command('SET_DEPTH', { depthUm: 777 }).payload).toMatchObject({
      note: Reason.DEPTH_FLOORED_TO_STEP,
      appliedValue: 750,
    });
    expect(harness.command('SET_SPEED', { strokeHz: 133 }).payload).toMatchObject({ note: 0, appliedValue: 133 });
    expect(harness.firmware.diagnostics().targetDepthUm).toBe(750);
  });

  it('slews the armed setpoint up at 5 um/ms and keeps it 0 while not armed', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.command('SET_DEPTH', { depthUm: 1000 });
    harness.step(20);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
    harness.command('ARM', {});
    expect(harness.hardware.actuatorSetpointUm).toBe(5);
    harness.step(99);
    expect(harness.hardware.actuatorSetpointUm).toBe(500);
    harness.command('SET_DEPTH', { depthUm: 200 });
    expect(harness.hardware.actuatorSetpointUm).toBe(200);
  });
});
