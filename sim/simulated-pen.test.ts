// SimulatedPen: 1 ms steps (physics then tick), UART both ways, power cycle and brown-out reboot, EEPROM image.
import { describe, expect, it } from 'vitest';
import { ENCODER_NOISE_MAX_UM } from './physics/depth-actuator.js';
import { SimulatedPen } from './simulated-pen.js';
import { createStubFirmware, STUB_EXTEND, STUB_MOTOR_OFF, STUB_MOTOR_ON } from '../test/support/stub-firmware.js';

function makePen(seed = 3) {
  const { createFirmware, probe } = createStubFirmware();
  const pen = new SimulatedPen({
    seed,
    configBlock: new Uint8Array([1, 2, 3]),
    createFirmware,
    cartridge: { id: 77, needleCount: 16 },
  });
  return { pen, probe };
}

function steps(pen: SimulatedPen, count: number): void {
  for (let i = 0; i < count; i++) pen.step();
}

describe('simulated pen', () => {
  it('boots the firmware at device time 0 and ticks once per 1 ms step', () => {
    const { pen, probe } = makePen();
    expect(probe.boots).toBe(1);
    expect(probe.ticks).toBe(0);
    steps(pen, 5);
    expect(probe.ticks).toBe(5);
    expect(probe.lastUptimeMs).toBe(5);
    expect(pen.uptimeMs).toBe(5);
  });

  it('hands host bytes to the firmware at once and collects its transmissions in order', () => {
    const { pen, probe } = makePen();
    expect(pen.takeTransmitted()).toBeNull();
    pen.deliverToPen(new Uint8Array([1, 2]));
    pen.deliverToPen(new Uint8Array([]));
    expect(probe.received).toEqual([1, 2]);
    pen.step();
    pen.hardware.uartWrite(new Uint8Array([3]));
    expect(pen.hasTransmitted()).toBe(true);
    expect([...(pen.takeTransmitted() ?? [])]).toEqual([1, 2, 3]);
    expect(pen.hasTransmitted()).toBe(false);
  });

  it('copies transmitted bytes: a firmware reusing its buffer cannot rewrite what was sent', () => {
    const { pen } = makePen();
    const buffer = new Uint8Array([5, 6]);
    pen.hardware.uartWrite(buffer);
    buffer[0] = 9;
    expect([...(pen.takeTransmitted() ?? [])]).toEqual([5, 6]);
  });

  it('serves a copy of the EEPROM image, replaceable for corruption tests', () => {
    const { pen } = makePen();
    const block = pen.hardware.readConfigBlock();
    block[0] = 0xff;
    expect([...pen.hardware.readConfigBlock()]).toEqual([1, 2, 3]);
    pen.hardware.writeConfigBlock(new Uint8Array([4]));
    expect([...pen.hardware.readConfigBlock()]).toEqual([4]);
  });

  it('a power cycle loses RAM and volatile peripherals but keeps the physical world', () => {
    const { pen, probe } = makePen();
    pen.deliverToPen(new Uint8Array([STUB_MOTOR_ON, STUB_EXTEND]));
    steps(pen, 500);
    const depthUm = pen.hardware.actuator.physicalUm;
    expect(pen.hardware.readStrokeCounter()).toBeGreaterThan(30);
    pen.powerCycle();
    expect(probe.boots).toBe(2);
    expect(pen.bootCount).toBe(2);
    expect(pen.uptimeMs).toBe(0);
    expect(pen.hardware.readStrokeCounter()).toBe(0);
    expect(pen.hardware.motor.commandHz).toBe(0);
    steps(pen, 10);
    expect(pen.hardware.actuator.physicalUm).toBe(depthUm);
    expect(Math.abs(pen.hardware.readDepthEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
    expect(pen.hardware.readCartridge()).toEqual({ id: 77, needleCount: 16 });
  });

  it('a brown-out runs the firmware on the collapsed supply, then reboots it', () => {
    const { pen, probe } = makePen();
    steps(pen, 10);
    pen.brownOut(3);
    expect(pen.isBrownedOut).toBe(true);
    const supplyMv: number[] = [];
    for (let i = 0; i < 5; i++) {
      pen.step();
      supplyMv.push(pen.hardware.readBatteryMv());
    }
    expect(supplyMv.slice(0, 3)).toEqual([2400, 2400, 2400]);
    expect(supplyMv[3]).toBeGreaterThan(3900);
    expect(probe.boots).toBe(2);
    expect(pen.uptimeMs).toBe(2);
    expect(pen.isBrownedOut).toBe(false);
    expect(() => pen.brownOut(-1)).toThrow(RangeError);
  });

  it('a cut supply stops the firmware and the drive, holds the depth; restoring it power-on resets the pen', () => {
    const { pen, probe } = makePen();
    pen.deliverToPen(new Uint8Array([STUB_MOTOR_ON, STUB_EXTEND]));
    steps(pen, 500);
    const depthUm = pen.hardware.actuator.physicalUm;
    const ticks = probe.ticks;
    expect(pen.hardware.motor.strokeRateHz).toBeGreaterThan(90);
    pen.setSupplyConnected(false);
    expect(pen.isSupplied).toBe(false);
    expect(pen.hardware.supplyRailMv).toBe(0);
    pen.deliverToPen(new Uint8Array([STUB_MOTOR_OFF]));
    steps(pen, 300);
    expect(probe.ticks).toBe(ticks);
    expect(probe.received).toEqual([STUB_MOTOR_ON, STUB_EXTEND]);
    expect(pen.hardware.motor.currentDrawMa).toBe(0);
    expect(pen.hardware.motor.strokeRateHz).toBeLessThan(1);
    expect(pen.hardware.actuator.physicalUm).toBe(depthUm);
    pen.setSupplyConnected(true);
    expect(probe.boots).toBe(2);
    expect(pen.uptimeMs).toBe(0);
    expect(pen.hardware.supplyRailMv).toBeGreaterThan(3900);
    steps(pen, 5);
    expect(probe.ticks).toBe(ticks + 5);
  });

  it('is deterministic for a seed', () => {
    const readings = (seed: number): number[] => {
      const { pen } = makePen(seed);
      pen.deliverToPen(new Uint8Array([STUB_MOTOR_ON, STUB_EXTEND]));
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        pen.step();
        out.push(pen.hardware.readDepthEncoderUm(), pen.hardware.readMotorCurrentMa());
      }
      return out;
    };
    expect(readings(8)).toEqual(readings(8));
    expect(readings(8)).not.toEqual(readings(9));
  });
});
