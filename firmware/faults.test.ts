// Tests of fault latching, reset and re-homing, stops, cartridge and supply faults (S13, S17, S8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';

function armedHarness(depthUm = 1000): FirmwareHarness {
  const harness = new FirmwareHarness();
  harness.boot();
  harness.arm(depthUm);
  harness.stepWithHeartbeats(100);
  harness.take();
  return harness;
}

function reasonOf(answer: ReturnType<FirmwareHarness['command']>): number {
  return answer.name === 'NAK' ? answer.payload.reason : Reason.NONE;
}

describe('S13: latched faults', () => {
  it('S13: ESTOP while armed stops, latches FAULT ESTOP and reports fault then stop', () => {
    const harness = armedHarness();
    harness.sendFrame('ESTOP', 77, {});
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
    expect(harness.take().map((m) => m.name)).toEqual(['EVENT_FAULT', 'EVENT_STOPPED', 'ACK']);
    expect(harness.firmware.diagnostics()).toMatchObject({
      state: PenState.FAULT,
      faultCode: Fault.ESTOP,
      lastStopReason: Reason.STOP_ESTOP,
    });
  });

  it('S13: in FAULT, motion commands get FAULT_LATCHED; others are ACKed and the outputs stay safe', () => {
    const harness = armedHarness();
    harness.sendFrame('ESTOP', 1, {});
    expect(reasonOf(harness.command('SET_DEPTH', { depthUm: 500 }))).toBe(Reason.FAULT_LATCHED);
    expect(reasonOf(harness.command('SET_SPEED', { strokeHz: 90 }))).toBe(Reason.FAULT_LATCHED);
    expect(reasonOf(harness.command('ARM', {}))).toBe(Reason.FAULT_LATCHED);
    expect(reasonOf(harness.command('HOME', {}))).toBe(Reason.FAULT_LATCHED);
    expect(harness.command('HEARTBEAT', {}).name).toBe('ACK');
    expect(harness.command('DISARM', {}).name).toBe('ACK');
    expect(harness.command('SET_TELEMETRY', { rateHz: 10 }).name).toBe('ACK');
    harness.sendFrame('ESTOP', 2, {});
    harness.sendFrame('STOP', 3, {});
    harness.step(200);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, faultCode: Fault.ESTOP });
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
  });

  it('S13: no command sequence without RESET_FAULT leaves FAULT or moves the outputs', () => {
    const command = fc.constantFrom(
      'ARM' as const,
      'HOME' as const,
      'DISARM' as const,
      'HEARTBEAT' as const,
      'SET_DEPTH' as const,
      'SET_SPEED' as const,
      'HELLO' as const,
      'STOP' as const,
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        const harness = armedHarness();
        harness.hardware.extraCurrentMa = 5000;
        harness.step(5);
        harness.hardware.extraCurrentMa = 0;
        for (const name of commands) {
          if (name === 'SET_DEPTH') harness.command(name, { depthUm: 2500 });
          else if (name === 'SET_SPEED') harness.command(name, { strokeHz: 150 });
          else if (name === 'HELLO') harness.connect();
          else if (name === 'STOP') harness.sendFrame('STOP', 0, {});
          else harness.command(name, {});
          expect(harness.firmware.diagnostics().state).toBe(PenState.FAULT);
          expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
        }
        expect(harness.firmware.diagnostics().faultCode).toBe(Fault.OVER_CURRENT);
      }),
      { seed: 1313, numRuns: 50 },
    );
  });

  it('S13 S17: RESET_FAULT clears to UNHOMED; motion needs HOME again', () => {
    const harness = armedHarness();
    harness.sendFrame('ESTOP', 1, {});
    harness.step(100);
    expect(harness.command('RESET_FAULT', {}).name).toBe('ACK');
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.UNHOMED, faultCode: 0, homed: false });
    expect(reasonOf(harness.command('ARM', {}))).toBe(Reason.NOT_HOMED);
    expect(harness.hardware.motorCommandHz).toBe(0);
    expect(harness.command('HOME', {}).name).toBe('ACK');
    harness.boot();
    expect(harness.command('ARM', {}).name).toBe('ACK');
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
  });

  it('refuses RESET_FAULT without a fault (NO_FAULT) and HOME while armed (BUSY_ARMED)', () => {
    const harness = armedHarness();
    expect(reasonOf(harness.command('RESET_FAULT', {}))).toBe(Reason.NO_FAULT);
    expect(reasonOf(harness.command('HOME', {}))).toBe(Reason.BUSY_ARMED);
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
  });

  it('keeps the first fault when a second one arrives', () => {
    const harness = armedHarness();
    harness.hardware.encoderOverrideUm = 2600;
    harness.step();
    harness.sendFrame('ESTOP', 1, {});
    expect(harness.firmware.diagnostics().faultCode).toBe(Fault.OVER_DEPTH);
    expect(harness.log.filter((m) => m.name === 'EVENT_FAULT').length).toBe(1);
  });
});

describe('stops', () => {
  it('DISARM stops with STOP_DISARM; STOP with STOP_HOST; both retract and stop the motor at once', () => {
    const harness = armedHarness();
    expect(harness.command('DISARM', {}).name).toBe('ACK');
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.IDLE, lastStopReason: Reason.STOP_DISARM });
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
    harness.step(100);
    expect(harness.hardware.positionUm).toBe(0);
    expect(harness.command('ARM', {}).name).toBe('ACK');
    harness.step(50);
    harness.sendFrame('STOP', 5, {});
    expect(harness.firmware.diagnostics().lastStopReason).toBe(Reason.STOP_HOST);
    expect(harness.framesNamed('EVENT_STOPPED').map((m) => m.payload.reason)).toEqual([
      Reason.STOP_DISARM,
      Reason.STOP_HOST,
    ]);
  });

  it('STOP and DISARM while idle are ACKed and send no EVENT_STOPPED', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.sendFrame('STOP', 5, {});
    expect(harness.command('DISARM', {}).name).toBe('ACK');
    expect(harness.framesNamed('EVENT_STOPPED')).toEqual([]);
    expect(harness.firmware.diagnostics().lastStopReason).toBe(Reason.NONE);
  });
});

describe('cartridge and supply', () => {
  it('ARM needs a cartridge (NO_CARTRIDGE) and a battery at 3450 mV or more (BATTERY_LOW)', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.connect();
    harness.hardware.cartridge = null;
    harness.step();
    expect(reasonOf(harness.command('ARM', {}))).toBe(Reason.NO_CARTRIDGE);
    harness.hardware.cartridge = { id: 9, needleCount: 24 };
    harness.hardware.batteryMv = 3449;
    harness.step();
    expect(reasonOf(harness.command('ARM', {}))).toBe(Reason.BATTERY_LOW);
    harness.hardware.batteryMv = 3450;
    harness.step();
    expect(harness.command('ARM', {}).name).toBe('ACK');
  });

  it('reports cartridge insert and removal; removal while armed latches CARTRIDGE_REMOVED', () => {
    const harness = new FirmwareHarness();
    harness.step();
    expect(harness.framesNamed('EVENT_CARTRIDGE').map((m) => m.payload)).toEqual([
      { deviceTickMs: 1, present: 1, cartridgeId: 0x1234, needleCount: 16 },
    ]);
    harness.boot();
    harness.hardware.cartridge = null;
    harness.step();
    expect(harness.firmware.diagnostics().state).toBe(PenState.IDLE);
    harness.hardware.cartridge = { id: 77, needleCount: 36 };
    harness.step();
    harness.arm(500);
    harness.take();
    harness.hardware.cartridge = null;
    harness.step();
    expect(harness.take().map((m) => [m.name, m.name === 'EVENT_FAULT' ? m.payload.faultCode : m.payload])).toEqual([
      ['EVENT_CARTRIDGE', { deviceTickMs: harness.nowMs(), present: 0, cartridgeId: 0, needleCount: 0 }],
      ['EVENT_FAULT', Fault.CARTRIDGE_REMOVED],
      ['EVENT_STOPPED', { deviceTickMs: harness.nowMs(), reason: Reason.STOP_FAULT }],
    ]);
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
  });

  it('latches BROWN_OUT after 3 ms below 3000 mV, not after 2 ms', () => {
    const harness = armedHarness();
    harness.hardware.batteryMv = 2999;
    harness.step(2);
    harness.hardware.batteryMv = 3000;
    harness.step();
    expect(harness.firmware.diagnostics().state).toBe(PenState.ARMED);
    harness.hardware.batteryMv = 2400;
    harness.step(3);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, faultCode: Fault.BROWN_OUT });
    expect(harness.hardware.motorCommandHz).toBe(0);
  });
});
