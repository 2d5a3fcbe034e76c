// Supply monitoring: battery percent for reports and brown-out detection.
import { BATTERY_EMPTY_MV, BATTERY_FULL_MV, BROWN_OUT_CONFIRM_MS, BROWN_OUT_MV } from './tuning.js';

/** State of charge from cell voltage, integer percent 0-100 (linear between empty and full). */
export function batteryPercentFromMv(batteryMv: number): number {
  const percent = Math.round(((batteryMv - BATTERY_EMPTY_MV) * 100) / (BATTERY_FULL_MV - BATTERY_EMPTY_MV));
  return Number.isFinite(percent) ? Math.max(0, Math.min(100, percent)) : 0;
}

/** Debounced brown-out detector: supply below BROWN_OUT_MV for BROWN_OUT_CONFIRM_MS consecutive ticks. */
export class BrownOutDetector {
  private lowMs = 0;

  /** One tick with the supply voltage, mV; true when BROWN_OUT must latch. */
  step(batteryMv: number): boolean {
    this.lowMs = batteryMv < BROWN_OUT_MV ? this.lowMs + 1 : 0;
    return this.lowMs >= BROWN_OUT_CONFIRM_MS;
  }
}
