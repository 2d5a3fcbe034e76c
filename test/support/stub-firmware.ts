// A tiny stand-in firmware for sim tests: records and echoes bytes, toggles the motor, reads the sensors.
import type { CreateFirmware, PenConfig } from '../../firmware/api.js';
import type { PenHardware } from '../../firmware/hal.js';

/** Byte commands the stub understands (besides echoing everything). */
export const STUB_MOTOR_ON = 0x4d; // 'M': motor to STUB_STROKE_HZ
export const STUB_MOTOR_OFF = 0x6d; // 'm': motor off
export const STUB_EXTEND = 0x44; // 'D': depth setpoint STUB_DEPTH_UM
export const STUB_RETRACT = 0x64; // 'd': depth setpoint 0
export const STUB_STROKE_HZ = 100;
export const STUB_DEPTH_UM = 200;

/** What the stub saw, shared across its boots. */
export interface StubProbe {
  boots: number;
  ticks: number;
  /** Every byte received, in order, across boots. */
  received: number[];
  hardware: PenHardware | null;
  /** Device time at the last tick, ms. */
  lastUptimeMs: number;
  /** Sum of encoder readings (keeps the per-tick sensor reads from being optimised away). */
  sensorChecksum: number;
}

export interface StubOptions {
  /** Echo received bytes back on the next tick. Default true. */
  readonly echo?: boolean;
  /** Emit `emitBytes` every this many ms of device time (0 = never). */
  readonly emitEveryMs?: number;
  readonly emitBytes?: Uint8Array;
}

/** A CreateFirmware for tests plus the probe it fills in. */
export function createStubFirmware(options: StubOptions = {}): { createFirmware: CreateFirmware; probe: StubProbe } {
  const probe: StubProbe = { boots: 0, ticks: 0, received: [], hardware: null, lastUptimeMs: 0, sensorChecksum: 0 };
  const echo = options.echo ?? true;
  const emitEveryMs = options.emitEveryMs ?? 0;
  const emitBytes = options.emitBytes ?? new Uint8Array([0xc0, 0x55, 0xc0]);
  const createFirmware: CreateFirmware = (hardware, clock) => {
    probe.boots++;
    probe.hardware = hardware;
    let pending: number[] = [];
    return {
      onUartReceive(bytes) {
        for (const byte of bytes) {
          probe.received.push(byte);
          if (echo) pending.push(byte);
          if (byte === STUB_MOTOR_ON) hardware.setMotorStrokeHz(STUB_STROKE_HZ);
          else if (byte === STUB_MOTOR_OFF) hardware.setMotorStrokeHz(0);
          else if (byte === STUB_EXTEND) hardware.setDepthActuatorUm(STUB_DEPTH_UM);
          else if (byte === STUB_RETRACT) hardware.setDepthActuatorUm(0);
        }
      },
      tick() {
        probe.ticks++;
        probe.lastUptimeMs = clock.nowTick();
        probe.sensorChecksum += hardware.readDepthEncoderUm();
        if (hardware.readHomeSwitch() && hardware.readSkinContact()) probe.sensorChecksum++;
        probe.sensorChecksum += hardware.readStrokeCounter() + hardware.readMotorCurrentMa() + hardware.readBatteryMv();
        if (pending.length > 0) {
          hardware.uartWrite(Uint8Array.from(pending));
          pending = [];
        }
        if (emitEveryMs > 0 && probe.lastUptimeMs % emitEveryMs === 0) hardware.uartWrite(emitBytes);
      },
    };
  };
  return { createFirmware, probe };
}

/** A stand-in EEPROM encoding (sku, serial u32 LE, lease u16 LE) until firmware/config.ts exists. */
export function encodeStubConfigBlock(config: PenConfig): Uint8Array {
  const bytes = new Uint8Array(7);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, config.sku);
  view.setUint32(1, config.serialNumber, true);
  view.setUint16(5, config.leaseMs, true);
  return bytes;
}
