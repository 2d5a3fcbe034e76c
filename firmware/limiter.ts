// Independent depth limiter (S1, S18, S11, S12): over-depth, implausible or frozen encoder, tracking loss.
import { Fault, type FaultCode } from '../src/protocol/index.js';
import * as tuning from './tuning.js';

// Module-local copies: under tsx and vitest an imported binding is a getter, too slow for the 1 kHz path.
const {
  AXIS_TRAVEL_UM,
  ENCODER_FROZEN_CONFIRM_TICKS,
  ENCODER_MOTION_EXPECTED_UM,
  ENCODER_PLAUSIBLE_MARGIN_UM,
  OVER_DEPTH_MARGIN_UM,
  RETRACT_ENVELOPE_UM_PER_MS,
  TRACKING_CONFIRM_TICKS,
  TRACKING_TOLERANCE_UM,
} = tuning;
const FAULT_NONE = Fault.NONE;

/**
 * Checks the homed axis every tick. Its cap is the SKU's absolute maximum from the integrity-checked
 * configuration, fixed at construction: nothing the host sends changes it (S18).
 * Allocation-free.
 */
export class Limiter {
  /** Highest measured depth tolerated before OVER_DEPTH, um. */
  readonly overDepthLimitUm: number;
  private upperEnvelopeUm = 0;
  private previousReadingUm = 0;
  private previousSetpointUm = 0;
  private frozenTicks = 0;
  private trackingTicks = 0;

  constructor(readonly capUm: number) {
    this.overDepthLimitUm = capUm + OVER_DEPTH_MARGIN_UM;
  }

  /** Restarts the history from a freshly zeroed axis (reading 0, setpoint 0). */
  reset(): void {
    this.upperEnvelopeUm = 0;
    this.previousReadingUm = 0;
    this.previousSetpointUm = 0;
    this.frozenTicks = 0;
    this.trackingTicks = 0;
  }

  /**
   * One tick with the encoder reading and the setpoint being commanded, um. Returns the fault
   * to latch now, or Fault.NONE. In priority order:
   * - ENCODER_IMPLAUSIBLE: non-finite, below -margin or beyond travel + margin (S11);
   * - OVER_DEPTH: reading above cap + 50 um, in the tick it is seen (S1, S18);
   * - ENCODER_FROZEN: reading exactly unchanged for N ticks while the axis must move (S11);
   * - DEPTH_TRACKING: reading above the retract envelope + tolerance (overshoot, runaway) or below
   *   the setpoint - tolerance (stuck while extending) for N ticks (S12).
   */
  check(readingUm: number, setpointUm: number): FaultCode {
    // NOTE: the envelope allows a lagging retract: it follows a setpoint rise at once, a drop at a bounded rate.
    this.upperEnvelopeUm = Math.max(setpointUm, this.upperEnvelopeUm - RETRACT_ENVELOPE_UM_PER_MS);
    if (!isPlausible(readingUm)) return Fault.ENCODER_IMPLAUSIBLE;
    if (readingUm > this.overDepthLimitUm) return Fault.OVER_DEPTH;

    const mustMove =
      setpointUm !== this.previousSetpointUm || Math.abs(readingUm - setpointUm) > ENCODER_MOTION_EXPECTED_UM;
    this.frozenTicks = mustMove && readingUm === this.previousReadingUm ? this.frozenTicks + 1 : 0;
    this.previousReadingUm = readingUm;
    this.previousSetpointUm = setpointUm;
    if (this.frozenTicks >= ENCODER_FROZEN_CONFIRM_TICKS) return Fault.ENCODER_FROZEN;

    const offTrack =
      readingUm > this.upperEnvelopeUm + TRACKING_TOLERANCE_UM || readingUm < setpointUm - TRACKING_TOLERANCE_UM;
    this.trackingTicks = offTrack ? this.trackingTicks + 1 : 0;
    if (this.trackingTicks >= TRACKING_CONFIRM_TICKS) return Fault.DEPTH_TRACKING;
    return FAULT_NONE;
  }
}

/** True for a reading the physical travel can produce, um. */
export function isPlausible(readingUm: number): boolean {
  return (
    Number.isFinite(readingUm) &&
    readingUm >= -ENCODER_PLAUSIBLE_MARGIN_UM &&
    readingUm <= AXIS_TRAVEL_UM + ENCODER_PLAUSIBLE_MARGIN_UM
  );
}
