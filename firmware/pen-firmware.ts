// Firmware entry point: creates the pen's program after a power-on reset (contract: firmware/api.ts).
import type { CreateFirmware } from './api.js';
import type { PenFirmware } from './diagnostics.js';
import type { DeviceClock, PenHardware } from './hal.js';
import { PenProgram } from './pen-program.js';

export type { FirmwareDiagnostics, PenFirmware } from './diagnostics.js';

/**
 * Creates the firmware after a power-on reset, with its diagnostic view. Boot (configuration
 * check), self-test and homing run in the following ticks. Never throws on any input.
 */
export function createPenFirmware(hardware: PenHardware, clock: DeviceClock): PenFirmware {
  return new PenProgram(hardware, clock);
}

/** The entry point boards and the simulator call (contract: firmware/api.ts). */
export const createFirmware: CreateFirmware = createPenFirmware;
