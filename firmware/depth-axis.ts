// Depth axis: the actuator setpoint (slewed while armed, retracted at once on a stop) and homing to the home switch.
import type { PenHardware } from './hal.js';
import * as tuning from './tuning.js';

// Module-local copies: under tsx and vitest an imported binding is a getter, too slow for the 1 kHz path.
const { AXIS_TRAVEL_UM, DEPTH_SLEW_UM_PER_MS, HOMING_MARGIN_UM, HOMING_SETTLE_MS, HOMING_SLEW_UM_PER_MS } = tuning;

/** Outcome of one homing tick. */
export const HomingStep = { RUNNING: 0, DONE: 1, FAILED: 2 } as const;
export type HomingStepCode = (typeof HomingStep)[keyof typeof HomingStep];

/** Retract distance after which homing stops moving and waits HOMING_SETTLE_MS for the switch, um. */
export const HOMING_SEARCH_UM = AXIS_TRAVEL_UM + HOMING_MARGIN_UM;

/**
 * Owns the actuator setpoint, um in encoder coordinates. The firmware leaves the actuator alone
 * until homing starts; from then on `output()` writes the setpoint every tick.
 */
export class DepthAxis {
  private setpoint = 0;
  private target = 0;
  private homedFlag = false;
  private commanding = false;
  private homingRetractedUm = 0;
  private homingSettleMs = 0;

  constructor(private readonly hardware: PenHardware) {}

  /** Present actuator setpoint, um (encoder coordinates). */
  get setpointUm(): number {
    return this.setpoint;
  }

  /** Depth the armed axis moves to (after floor and clamp), um. */
  get targetUm(): number {
    return this.target;
  }

  /** True once homing zeroed the encoder on the home switch, until `unhome()`. */
  get homed(): boolean {
    return this.homedFlag;
  }

  /** Sets the armed depth, um; already floored and clamped by applyDepthCommand. */
  setTargetUm(depthUm: number): void {
    this.target = depthUm;
  }

  /** Forgets the home position (RESET_FAULT): motion needs HOME again (S17). */
  unhome(): void {
    this.homedFlag = false;
  }

  /** Starts homing from the present encoder reading, um. */
  startHoming(readingUm: number): void {
    this.homedFlag = false;
    this.commanding = true;
    this.setpoint = Math.round(readingUm);
    this.homingRetractedUm = 0;
    this.homingSettleMs = 0;
  }

  /**
   * One homing tick: on the home switch, zeroes the encoder and sets the setpoint 0 (DONE);
   * else retracts the setpoint by HOMING_SLEW_UM_PER_MS, up to HOMING_SEARCH_UM, then waits
   * HOMING_SETTLE_MS before FAILED.
   */
  stepHoming(): HomingStepCode {
    if (this.hardware.readHomeSwitch()) {
      this.hardware.zeroDepthEncoder();
      this.setpoint = 0;
      this.homedFlag = true;
      return HomingStep.DONE;
    }
    if (this.homingRetractedUm < HOMING_SEARCH_UM) {
      this.setpoint -= HOMING_SLEW_UM_PER_MS;
      this.homingRetractedUm += HOMING_SLEW_UM_PER_MS;
      return HomingStep.RUNNING;
    }
    this.homingSettleMs++;
    return this.homingSettleMs > HOMING_SETTLE_MS ? HomingStep.FAILED : HomingStep.RUNNING;
  }

  /** One ARMED tick: extends towards the target at DEPTH_SLEW_UM_PER_MS; a lower target applies at once. */
  stepArmed(): void {
    if (this.setpoint >= this.target) this.setpoint = this.target;
    else this.setpoint = Math.min(this.target, this.setpoint + DEPTH_SLEW_UM_PER_MS);
  }

  /**
   * Retracts now: setpoint 0 written to the actuator in this call.
   * NOTE: before homing, 0 is not known to be retracted, so the unhomed axis holds its setpoint
   * (homing only ever lowered it): an unhomed axis is never driven outward.
   */
  retract(): void {
    if (!this.homedFlag) return;
    this.setpoint = 0;
    this.output();
  }

  /** Writes the setpoint to the actuator (once the firmware has taken the axis over). */
  output(): void {
    if (this.commanding) this.hardware.setDepthActuatorUm(this.setpoint);
  }
}
