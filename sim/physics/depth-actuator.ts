// Depth axis physics: a slew-limited, lagging actuator with hard stops, a home switch and a noisy encoder.
import type { SeededRandom } from '../random.js';

/** Fastest physical needle movement, um per ms. */
export const ACTUATOR_SLEW_UM_PER_MS = 20;
/** Delay between a setpoint change and the actuator starting to follow it, ms. */
export const ACTUATOR_LAG_MS = 2;
/** Outer hard stop: needles cannot protrude further than this, um. */
export const ACTUATOR_TRAVEL_MAX_UM = 3000;
/** Highest power-on position (the axis rests anywhere in [0, this]), um. */
export const POWER_ON_POSITION_MAX_UM = 150;
/** Encoder noise: standard deviation and hard bound, um. */
export const ENCODER_NOISE_SIGMA_UM = 1.2;
export const ENCODER_NOISE_MAX_UM = 3;

/**
 * The needle depth actuator. The drive positions open loop (like a stepper) towards
 * `setpoint + encoder offset`; the encoder is an independent incremental sensor that reads
 * 0 at power-on wherever the axis rests, so the offset is unknown until the firmware homes.
 * Physical position 0 is the inner hard stop, which closes the home switch.
 */
export class DepthActuator {
  private positionUm = 0;
  private setpointUm = 0;
  private encoderOffsetUm = 0;
  private encoderDriftUm = 0;
  private driftUmPerMs = 0;
  private frozen = false;
  private frozenReadingUm = 0;
  private runawayUmPerMs = 0;
  private readonly lagLineUm = new Float64Array(ACTUATOR_LAG_MS);
  private lagIndex = 0;

  constructor(private readonly random: SeededRandom) {
    this.positionUm = Math.round(random.between(0, POWER_ON_POSITION_MAX_UM));
    this.encoderOffsetUm = this.positionUm;
    this.lagLineUm.fill(this.positionUm);
  }

  /** True physical needle protrusion, um (0 = fully retracted on the hard stop). Test/bench view only. */
  get physicalUm(): number {
    return this.positionUm;
  }

  /** The last setpoint, um in encoder coordinates. */
  get commandedUm(): number {
    return this.setpointUm;
  }

  /** Sets the position setpoint in encoder coordinates, um. Non-finite values are ignored (the drive holds). */
  setSetpointUm(targetUm: number): void {
    if (Number.isFinite(targetUm)) this.setpointUm = targetUm;
  }

  /** Advances the axis by 1 ms. */
  step(): void {
    const targetUm = this.setpointUm + this.encoderOffsetUm;
    const lateTargetUm = this.lagLineUm[this.lagIndex] as number;
    this.lagLineUm[this.lagIndex] = targetUm;
    this.lagIndex = (this.lagIndex + 1) % ACTUATOR_LAG_MS;
    let nextUm: number;
    if (this.runawayUmPerMs > 0 && this.setpointUm > 0) {
      // NOTE: a runaway drives outward whatever the setpoint; only a retract command (setpoint <= 0) still works.
      nextUm = this.positionUm + this.runawayUmPerMs;
    } else {
      const errorUm = lateTargetUm - this.positionUm;
      const moveUm = Math.max(-ACTUATOR_SLEW_UM_PER_MS, Math.min(ACTUATOR_SLEW_UM_PER_MS, errorUm));
      nextUm = this.positionUm + moveUm;
    }
    this.positionUm = Math.max(0, Math.min(ACTUATOR_TRAVEL_MAX_UM, nextUm));
    this.encoderDriftUm += this.driftUmPerMs;
  }

  /** Encoder reading, integer um in encoder coordinates, with bounded noise; the frozen value while frozen. */
  readEncoderUm(): number {
    if (this.frozen) return this.frozenReadingUm;
    return this.sampleEncoderUm();
  }

  /** Makes the encoder read 0 (plus noise) at the present position; clears accumulated drift. */
  zeroEncoder(): void {
    this.encoderOffsetUm = this.positionUm;
    this.encoderDriftUm = 0;
  }

  /** True while the axis rests on the inner hard stop. */
  isHomeSwitchClosed(): boolean {
    return this.positionUm <= 0;
  }

  /** Power loss: the incremental encoder restarts at 0 here and the drive holds its position. */
  powerCycle(): void {
    this.zeroEncoder();
    this.setpointUm = 0;
    this.lagLineUm.fill(this.positionUm);
  }

  /** Fault: the encoder reading drifts away from the true position at `umPerSecond` (either sign). */
  startDrift(umPerSecond: number): void {
    this.driftUmPerMs = umPerSecond / 1000;
  }

  /** Fault: the encoder reading freezes at its present value. */
  freezeEncoder(): void {
    if (this.frozen) return;
    this.frozenReadingUm = this.sampleEncoderUm();
    this.frozen = true;
  }

  /** Fault: the drive runs outward at `umPerMs` past its setpoint while extension is commanded. */
  startRunaway(umPerMs: number): void {
    this.runawayUmPerMs = Math.max(0, umPerMs);
  }

  /** Ends every actuator fault and removes accumulated drift: the encoder reads true again. */
  clearFaults(): void {
    this.driftUmPerMs = 0;
    this.encoderDriftUm = 0;
    this.frozen = false;
    this.runawayUmPerMs = 0;
  }

  private sampleEncoderUm(): number {
    const noiseUm = Math.max(
      -ENCODER_NOISE_MAX_UM,
      Math.min(ENCODER_NOISE_MAX_UM, this.random.normal() * ENCODER_NOISE_SIGMA_UM),
    );
    return Math.round(this.positionUm - this.encoderOffsetUm + this.encoderDriftUm + noiseUm) | 0;
  }
}
