// Device time: a u32 tick counter (1 tick = 1 ms) that wraps every 2^32 ticks (49.7 days), compared wrap-safely.

/** Ticks in one wrap of the u32 device clock. */
export const TICK_WRAP = 0x1_0000_0000;

/**
 * Ticks elapsed from `thenTick` to `nowTick`, both u32, as an unsigned count in [0, 2^32): correct
 * across the wrap for any interval shorter than 49.7 days.
 */
export function ticksSince(nowTick: number, thenTick: number): number {
  return (nowTick - thenTick) >>> 0;
}

/**
 * True when `aTick` is before `bTick` (Klipper's timer_is_before): the signed 32-bit difference is
 * negative, so it holds across the wrap for ticks less than 2^31 apart.
 */
export function isTickBefore(aTick: number, bTick: number): boolean {
  return ((aTick - bTick) | 0) < 0;
}
