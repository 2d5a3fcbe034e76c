// Independent depth limiter (S1, S18, S11, S12): session depth limit, over-depth, implausible or frozen encoder, tracking loss.
import { OVER_DEPTH_MARGIN_UM } from '../src/limits/index.js';
import { Fault, Reason, type FaultCode } from '../src/protocol/index.js';
import type { CommandHandlers } from './commands.js';
import { appliedDepthUm, depthNote } from './depth-command.js';
import {
  AXIS_TRAVEL_UM,
  ENCODER_FROZEN_CONFIRM_TICKS,
  ENCODER_MOTION_EXPECTED_UM,
  ENCODER_PLAUSIBLE_MARGIN_UM,
  RETRACT_ENVELOPE_UM_PER_MS,
  TRACKING_CONFIRM_TICKS,
  TRACKING_TOLERANCE_UM,
} from './tuning.js';

/**
 * Checks the homed axis every tick against the effective cap: the session depth limit set by
 * SET_DEPTH_LIMIT, never above the SKU's absolute maximum from the integrity-checked configuration,
 * which nothing the host sends can raise (S18). The session limit is the SKU maximum after boot and
 * after every HELLO. Allocation-free.
 */
export class Limiter {
  private skuMax: number;
  private sessionLimit: number;
  private overDepthLimit: number;
  private upperEnvelopeUm = 0;
  private previousReadingUm = 0;
  private previousSetpointUm = 0;
  private frozenTicks = 0;
  private trackingTicks = 0;

  /** SET_DEPTH_LIMIT (refused while ARMED or in FAULT by the command table). */
  readonly commands: CommandHandlers<'SET_DEPTH_LIMIT'> = {
    SET_DEPTH_LIMIT: (payload, _receivedAtTick, reply) => {
      reply.note = depthNote(payload.limitUm, this.skuMax);
      reply.appliedValue = this.setSessionLimitUm(payload.limitUm);
      return Reason.NONE;
    },
  };

  constructor(skuMaxUm: number) {
    this.skuMax = skuMaxUm;
    this.sessionLimit = skuMaxUm;
    this.overDepthLimit = skuMaxUm + OVER_DEPTH_MARGIN_UM;
  }

  /** Sets the SKU maximum from a checked configuration block (boot only) and the session limit to it, um. */
  configure(skuMaxUm: number): void {
    this.skuMax = skuMaxUm;
    this.resetSessionLimit();
  }

  /** The SKU's absolute maximum, um: the bound no host frame can raise (S18). */
  get skuMaxUm(): number {
    return this.skuMax;
  }

  /** The effective cap: the session limit (at most the SKU maximum), um. */
  get capUm(): number {
    return this.sessionLimit;
  }

  /** Highest measured depth tolerated before OVER_DEPTH: the effective cap + 50 um. */
  get overDepthLimitUm(): number {
    return this.overDepthLimit;
  }

  /** Sets the session limit from a request (floored to the step, at most the SKU maximum); returns it, um. */
  setSessionLimitUm(requestedUm: number): number {
    this.sessionLimit = appliedDepthUm(requestedUm, this.skuMax);
    this.overDepthLimit = this.sessionLimit + OVER_DEPTH_MARGIN_UM;
    return this.sessionLimit;
  }

  /** Back to the SKU maximum (a new HELLO). */
  resetSessionLimit(): void {
    this.setSessionLimitUm(this.skuMax);
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
   * - OVER_DEPTH: reading above the effective cap + 50 um, in the tick it is seen (S1, S18);
   * - ENCODER_FROZEN: reading exactly unchanged for N ticks while the axis must move (S11);
   * - DEPTH_TRACKING: reading above the retract envelope + tolerance (overshoot, runaway) or below
   *   the setpoint - tolerance (stuck while extending) for N ticks (S12).
   */
  check(readingUm: number, setpointUm: number): FaultCode {
    // NOTE: the envelope allows a lagging retract: it follows a setpoint rise at once, a drop at a bounded rate.
    this.upperEnvelopeUm = Math.max(setpointUm, this.upperEnvelopeUm - RETRACT_ENVELOPE_UM_PER_MS);
    if (!isPlausible(readingUm)) return Fault.ENCODER_IMPLAUSIBLE;
    if (readingUm > this.overDepthLimit) return Fault.OVER_DEPTH;

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
    return Fault.NONE;
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
