// Cartridge slot: a needle cartridge with an id chip can be inserted and removed.
import type { CartridgeReading } from '../../firmware/hal.js';

/** Largest needle count a cartridge id chip can report. */
export const CARTRIDGE_MAX_NEEDLES = 255;

/** The cartridge slot. Reading it never allocates. */
export class CartridgeSlot {
  private inserted: CartridgeReading | null = null;

  /**
   * Inserts a cartridge. Throws RangeError when `id` is not a u32 other than 0 or `needleCount`
   * is not an integer in 1..255; throws Error when a cartridge is already inserted.
   */
  insert(id: number, needleCount: number): void {
    if (!Number.isInteger(id) || id < 1 || id > 0xffffffff)
      throw new RangeError(`cartridge id ${id} not a non-zero u32`);
    if (!Number.isInteger(needleCount) || needleCount < 1 || needleCount > CARTRIDGE_MAX_NEEDLES) {
      throw new RangeError(`needle count ${needleCount} outside 1..${CARTRIDGE_MAX_NEEDLES}`);
    }
    if (this.inserted !== null) throw new Error('a cartridge is already inserted');
    this.inserted = { id, needleCount };
  }

  /** Removes the cartridge, if any; returns whether one was removed. */
  remove(): boolean {
    const wasInserted = this.inserted !== null;
    this.inserted = null;
    return wasInserted;
  }

  /** The inserted cartridge, or null. */
  read(): CartridgeReading | null {
    return this.inserted;
  }
}
