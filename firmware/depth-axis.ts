// Depth axis: the actuator setpoint (slewed while armed, retracted at once on a stop) and homing to the home switch.
import { Reason } from '../src/protocol/index.js';
import type { CommandHandlers } from './commands.js';
import { appliedDepthUm, depthNote } from './depth-command.js';
import type { PenHardware } from './hal.js';
import type { Limiter } from './limiter.js';
import {
  AXIS_TRAVEL_UM,
  DEPTH_SLEW_UM_PER_MS,
  HOMING_MARGIN_UM,
  HOMING_SETTLE_MS,
  HOMING_SLEW_UM_PER_MS,
} from './tuning.js';

/** Outcome of one homing tick. */
export const HomingStep = { RUNNING: 0, DONE: 1, FAILED: 2 } as const;
export type HomingStepCode = (typeof HomingStep)[keyof typeof HomingStep];

/** Retract distance after which homing stops moving and waits HOMING_SETTLE_MS for the switch, um. */
export const HOMING_SEARCH_UM = AXIS_TRAVEL_UM + HOMING_MARGIN_UM;

/**
 * Owns the actuator setpoint, um in encoder coordinates. The firmware leaves the actuator alone
 * until homing starts; from then on `output()` writes the setpoint every tick. The armed axis
 * never goes beyond the limiter's effective cap.
 */
export class DepthAxis {
  private setpoint = 0;
  private target = 0;
  private homedFlag = false;
  private commanding = false;
  private homingRetractedUm = 0;
  private homingSettleMs = 0;

  /** SET_DEPTH: floored to the step, clamped to the effective cap, with the ACK note (S1, S3). */
  readonly commands: CommandHandlers<'SET_DEPTH'> = {
    SET_DEPTH: (payload, _receivedAtTick, reply) => {
      const { skuMaxUm, capUm } = this.limiter;
      this.target = appliedDepthUm(payload.depthUm, skuMaxUm, capUm);
      reply.appliedValue = this.target;
      reply.note = depthNote(payload.depthUm, skuMaxUm, capUm);
      return Reason.NONE;
    },
  };

  constructor(
    private readonly hardware: PenHardware,
    private readonly limiter: Limiter,
  ) {}

  /** Present actuator setpoint, um (encoder coordinates). */
  get setpointUm(): number {
    return this.setpoint;
  }

  /** Depth the armed axis moves to: the SET_DEPTH target held at the effective cap, um. */
  get targetUm(): number {
    return Math.min(this.target, this.limiter.capUm);
  }

  /** True once homing zeroed the encoder on the home switch, until `unhome()`. */
  get homed(): boolean {
    return this.homedFlag;
  }

  /** Forgets the depth target (a new HELLO): the next ARM stays retracted until SET_DEPTH. */
  clearTarget(): void {
    this.target = 0;
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
    const targetUm = this.targetUm;
    if (this.setpoint >= targetUm) this.setpoint = targetUm;
    else this.setpoint = Math.min(targetUm, this.setpoint + DEPTH_SLEW_UM_PER_MS);
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
