// What a simulated pen gets when nothing is given: serial number and a fresh cartridge, derived from the seed.
import type { SeededRandom } from './random.js';

/** Needles on the default cartridge inserted at power-on. */
export const DEFAULT_NEEDLE_COUNT = 12;

/** A cartridge as inserted in a simulated pen. */
export interface CartridgeSpec {
  readonly id: number;
  readonly needleCount: number;
}

/** A simulated pen's identity when none is given. */
export interface PenDefaults {
  readonly serialNumber: number;
  readonly cartridge: CartridgeSpec;
}

/**
 * Draws the serial number and the fresh cartridge of a simulated pen from `random` (two draws).
 * Drawn first from SeededRandom(seed), so `mnpen session --sim --seed N` and `mnpen sim-pen --seed N`
 * name the same cartridge.
 */
export function drawPenDefaults(random: SeededRandom): PenDefaults {
  const serialNumber = random.integerBetween(1, 99_999_999);
  const id = random.integerBetween(1, 0xffffffff);
  return { serialNumber, cartridge: { id, needleCount: DEFAULT_NEEDLE_COUNT } };
}
