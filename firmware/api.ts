// Entry contract of the pen firmware: what a board (or the simulator) calls.
import type { SkuCode } from '../src/protocol/index.js';
import type { DeviceClock, PenHardware } from './hal.js';

/** Firmware version reported in INFO. */
export const FIRMWARE_VERSION = { major: 1, minor: 0, patch: 0 } as const;

/** A running firmware instance. Single-threaded: the board calls these, never concurrently. */
export interface Firmware {
  /** UART receive interrupt: bytes from the host. STOP and ESTOP act here, at once; STATUS_REQUEST is answered at the next tick. */
  onUartReceive(bytes: Uint8Array): void;
  /** One 1 ms control tick: one queued command, depth axis, drive, limiter, lease, telemetry, STATUS. Allocates nothing. */
  tick(): void;
}

/** Creates the firmware after a power-on reset. Boot self-test and homing happen in ticks. */
export type CreateFirmware = (hardware: PenHardware, clock: DeviceClock) => Firmware;

/** Configuration block contents (stored with a CRC by firmware/config.ts). */
export interface PenConfig {
  readonly sku: SkuCode;
  readonly serialNumber: number;
  readonly leaseMs: number;
}
