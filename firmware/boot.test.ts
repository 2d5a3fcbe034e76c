// Tests of safe start: configuration check, self-test, homing and the arming gates that depend on them (S17).
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason, Sku } from '../src/protocol/index.js';
import { encodeConfigBlock } from './config.js';
import { HOMING_SEARCH_UM } from './depth-axis.js';
import { SelfTestCheck } from './self-test.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { HOMING_SETTLE_MS, HOMING_SLEW_UM_PER_MS, SELF_TEST_DURATION_MS } from './tuning.js';

function stateOf(harness: FirmwareHarness): number {
  return harness.firmware.diagnostics().state;
}

describe('boot sequence', () => {
  it('S17: BOOT -> SELF_TEST -> HOMING -> IDLE with the motor off and the axis untouched before homing', () => {
    const harness = new FirmwareHarness({ powerOnPositionUm: 120 });
    expect(stateOf(harness)).toBe(PenState.BOOT);
    expect(harness.hardware.motorCommandHz).toBe(0);
    harness.step();
    expect(stateOf(harness)).toBe(PenState.SELF_TEST);
    harness.step(SELF_TEST_DURATION_MS - 1);
    expect(stateOf(harness)).toBe(PenState.SELF_TEST);
    expect(harness.hardware.actuatorWrites).toBe(0);
    harness.step();
    expect(stateOf(harness)).toBe(PenState.HOMING);
    let highestSetpointUm = -Infinity;
    harness.stepUntil(() => {
      highestSetpointUm = Math.max(highestSetpointUm, harness.hardware.actuatorSetpointUm);
      return stateOf(harness) !== PenState.HOMING;
    }, 1000);
    expect(stateOf(harness)).toBe(PenState.IDLE);
    expect(highestSetpointUm).toBeLessThanOrEqual(0);
    expect(harness.hardware.positionUm).toBe(0);
    expect(harness.hardware.readDepthEncoderUm()).toBe(0);
    expect(harness.hardware.actuatorSetpointUm).toBe(0);
    expect(harness.hardware.motorCommandHz).toBe(0);
    expect(harness.firmware.diagnostics().homed).toBe(true);
  });

  it('homes at once when the axis already rests on the switch', () => {
    const harness = new FirmwareHarness({ powerOnPositionUm: 0 });
    harness.step(SELF_TEST_DURATION_MS + 2);
    expect(stateOf(harness)).toBe(PenState.IDLE);
  });

  it('retracts needles left out by a reset (2000 um) during homing', () => {
    const harness = new FirmwareHarness({ powerOnPositionUm: 2000 });
    harness.boot();
    expect(harness.hardware.positionUm).toBe(0);
    expect(harness.nowMs()).toBeLessThan(SELF_TEST_DURATION_MS + 2000 / HOMING_SLEW_UM_PER_MS + 10);
  });

  it('S17: refuses ARM with SELF_TEST_PENDING, then HOMING_IN_PROGRESS, until homed', () => {
    const harness = new FirmwareHarness({ powerOnPositionUm: 150 });
    harness.step();
    harness.connect();
    expect(stateOf(harness)).toBe(PenState.SELF_TEST);
    expect(harness.command('ARM', {}).payload).toMatchObject({ reason: Reason.SELF_TEST_PENDING });
    expect(harness.command('HOME', {}).payload).toMatchObject({ reason: Reason.SELF_TEST_PENDING });
    harness.stepUntil(() => stateOf(harness) === PenState.HOMING, 100);
    expect(harness.command('ARM', {}).payload).toMatchObject({ reason: Reason.HOMING_IN_PROGRESS });
    expect(harness.command('HOME', {}).name).toBe('ACK');
    expect(harness.hardware.motorCommandHz).toBe(0);
    harness.boot();
    expect(harness.command('ARM', {}).name).toBe('ACK');
  });

  it('S17: a home switch never found within the travel plus margin latches HOMING_FAILED', () => {
    const harness = new FirmwareHarness({ prepare: (hardware) => (hardware.homeSwitchBroken = true) });
    harness.stepUntil(() => stateOf(harness) === PenState.HOMING, 100);
    const homingStartMs = harness.nowMs();
    harness.stepUntil(() => stateOf(harness) === PenState.FAULT, 5000);
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.HOMING_FAILED);
    expect(harness.nowMs() - homingStartMs).toBe(HOMING_SEARCH_UM / HOMING_SLEW_UM_PER_MS + HOMING_SETTLE_MS + 1);
    expect(harness.framesNamed('EVENT_FAULT').map((m) => m.payload.faultCode)).toEqual([Fault.HOMING_FAILED]);
  });
});

describe('self-test', () => {
  const cases = [
    ['battery below the minimum', SelfTestCheck.BATTERY, (h: FirmwareHarnessFake) => (h.batteryMv = 3340)],
    [
      'motor current with the motor off',
      SelfTestCheck.IDLE_CURRENT,
      (h: FirmwareHarnessFake) => (h.extraCurrentMa = 31),
    ],
    [
      'encoder reading NaN',
      SelfTestCheck.ENCODER_RANGE,
      (h: FirmwareHarnessFake) => (h.encoderOverrideUm = Number.NaN),
    ],
    [
      'encoder beyond the travel',
      SelfTestCheck.ENCODER_RANGE,
      (h: FirmwareHarnessFake) => (h.encoderOverrideUm = 3201),
    ],
  ] as const;
  type FirmwareHarnessFake = FirmwareHarness['hardware'];

  for (const [title, check, prepare] of cases) {
    it(`S17: latches SELF_TEST_FAILED on ${title}`, () => {
      const harness = new FirmwareHarness({ prepare });
      harness.step(SELF_TEST_DURATION_MS + 1);
      const diagnostics = harness.firmware.diagnostics();
      expect(diagnostics.state).toBe(PenState.FAULT);
      expect(diagnostics.faultCode).toBe(Fault.SELF_TEST_FAILED);
      expect(diagnostics.selfTestFailedCheck).toBe(check);
      expect(diagnostics.homed).toBe(false);
      expect(harness.hardware.actuatorWrites).toBe(0);
    });
  }

  it('S17: latches SELF_TEST_FAILED on a noisy encoder with the axis still', () => {
    let sample = 0;
    const harness = new FirmwareHarness({
      prepare: (hardware) => (hardware.readDepthEncoderUm = () => (sample++ % 2) * 31),
    });
    harness.step(SELF_TEST_DURATION_MS + 1);
    expect(harness.firmware.diagnostics().selfTestFailedCheck).toBe(SelfTestCheck.ENCODER_NOISE);
  });

  it('passes at the boundaries: 3350 mV, 30 mA idle, 30 um spread', () => {
    let sample = 0;
    const harness = new FirmwareHarness({
      prepare: (hardware) => {
        hardware.batteryMv = 3350;
        hardware.extraCurrentMa = 30;
        hardware.readDepthEncoderUm = () => (sample++ % 2) * 30;
      },
    });
    harness.step(SELF_TEST_DURATION_MS + 1);
    expect(harness.firmware.diagnostics().state).toBe(PenState.HOMING);
  });
});

describe('configuration integrity', () => {
  it('S17: a corrupt block latches CONFIG_CORRUPT on the first tick; INFO falls back to the home cap', () => {
    const block = encodeConfigBlock({ sku: Sku.PRO, serialNumber: 7, leaseMs: 300 });
    block[3] = 1;
    const harness = new FirmwareHarness({ configBlock: block });
    harness.step();
    expect(harness.firmware.diagnostics()).toMatchObject({
      state: PenState.FAULT,
      faultCode: Fault.CONFIG_CORRUPT,
      configValid: false,
      capUm: 250,
    });
    const info = harness.connect();
    expect(info).toMatchObject({ sku: Sku.HOME, maxDepthUm: 250, leaseMs: 200, faultCode: Fault.CONFIG_CORRUPT });
    expect(harness.command('ARM', {}).payload).toMatchObject({ reason: Reason.FAULT_LATCHED });
    expect(harness.command('HOME', {}).payload).toMatchObject({ reason: Reason.FAULT_LATCHED });
    harness.step(500);
    expect(harness.hardware.actuatorWrites).toBe(0);
    expect(harness.hardware.motorCommandHz).toBe(0);
  });

  it('S17: RESET_FAULT re-checks the block: still corrupt re-latches; repaired runs the self-test then waits UNHOMED', () => {
    const harness = new FirmwareHarness({ configBlock: new Uint8Array(12) });
    harness.step();
    harness.connect();
    expect(harness.command('RESET_FAULT', {}).name).toBe('ACK');
    harness.step();
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, faultCode: Fault.CONFIG_CORRUPT });
    harness.hardware.configBlock = encodeConfigBlock({ sku: Sku.PRO, serialNumber: 7, leaseMs: 300 });
    harness.command('RESET_FAULT', {});
    harness.step(SELF_TEST_DURATION_MS + 5);
    expect(harness.firmware.diagnostics()).toMatchObject({
      state: PenState.UNHOMED,
      configValid: true,
      capUm: 2500,
      leaseMs: 300,
    });
    expect(harness.command('ARM', {}).payload).toMatchObject({ reason: Reason.NOT_HOMED });
    expect(harness.command('HOME', {}).name).toBe('ACK');
    harness.boot();
    expect(harness.command('ARM', {}).name).toBe('ACK');
  });
});
