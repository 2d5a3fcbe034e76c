// Battery physics: state of charge drained by electronics and motor load, open-circuit voltage, sag and brown-out.

/** Usable capacity, mAh. */
export const BATTERY_CAPACITY_MAH = 500;
/** Open-circuit voltage at 0 % and 100 % charge (linear in between), mV. */
export const BATTERY_EMPTY_MV = 3300;
export const BATTERY_FULL_MV = 4200;
/** Internal resistance: voltage sag per mA of load, mV per mA (150 mOhm). */
export const BATTERY_SAG_MV_PER_MA = 0.15;
/** Constant draw of the pen's electronics, mA. */
export const ELECTRONICS_CURRENT_MA = 20;
/** Supply voltage seen during a brown-out, mV. */
export const BROWN_OUT_SUPPLY_MV = 2400;

const MAH_PER_MA_MS = 1 / 3_600_000;

/** The pen's cell. Percent is a float internally; readings are integers. */
export class Battery {
  private chargeMah = 0;
  private loadMa = ELECTRONICS_CURRENT_MA;
  private collapsed = false;

  /** `percent` in [0, 100]; out-of-range or non-finite values are clamped (NaN = empty). */
  constructor(percent: number) {
    const safePercent = Number.isFinite(percent) ? Math.max(0, Math.min(100, percent)) : 0;
    this.chargeMah = (BATTERY_CAPACITY_MAH * safePercent) / 100;
  }

  /** State of charge, percent (float). */
  get percent(): number {
    return (this.chargeMah / BATTERY_CAPACITY_MAH) * 100;
  }

  /** Terminal voltage under the last ms's load, integer mV; the collapsed supply during a brown-out. */
  get terminalMv(): number {
    if (this.collapsed) return BROWN_OUT_SUPPLY_MV;
    const openCircuitMv = BATTERY_EMPTY_MV + ((BATTERY_FULL_MV - BATTERY_EMPTY_MV) * this.percent) / 100;
    return Math.max(0, Math.round(openCircuitMv - this.loadMa * BATTERY_SAG_MV_PER_MA));
  }

  /** Advances 1 ms drawing the electronics plus `motorCurrentMa`. */
  step(motorCurrentMa: number): void {
    this.loadMa = ELECTRONICS_CURRENT_MA + Math.max(0, motorCurrentMa);
    this.chargeMah = Math.max(0, this.chargeMah - this.loadMa * MAH_PER_MA_MS);
  }

  /** Fault: the supply collapses (true) or recovers (false). */
  setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
  }

  get isCollapsed(): boolean {
    return this.collapsed;
  }
}
