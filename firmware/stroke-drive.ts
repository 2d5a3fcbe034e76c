// Stroke drive: motor spin-up ramp, stroke rate from the tachometer, stall and over-current detection (S12).
import { DEFAULT_STROKE_HZ } from '../src/limits/index.js';
import { Fault, Reason, type FaultCode } from '../src/protocol/index.js';
import type { CommandHandlers } from './commands.js';
import type { PenHardware } from './hal.js';
import {
  MOTOR_RAMP_HZ_PER_MS,
  OVER_CURRENT_CONFIRM_MS,
  OVER_CURRENT_LIMIT_MA,
  SPIN_UP_GRACE_MS,
  STALL_CONFIRM_MS,
  STALL_RATE_PERCENT,
  STROKE_RATE_WINDOW_MS,
} from './tuning.js';

/**
 * The needle motor. While running, the motor command ramps up to the target rate; a lower target
 * applies at once. Stall checks start SPIN_UP_GRACE_MS after the ramp reaches its target.
 * Allocation-free after construction.
 */
export class StrokeDrive {
  private target = DEFAULT_STROKE_HZ;
  private command = 0;
  private runningFlag = false;
  private atTargetMs = 0;
  private stallMs = 0;
  private overCurrentMs = 0;
  private measured = 0;
  private strokes = 0;
  private readonly counterHistory = new Float64Array(STROKE_RATE_WINDOW_MS);
  private historyIndex = 0;

  /** SET_SPEED: the rate used while running (range-checked by the decoder, 50-150 Hz). */
  readonly commands: CommandHandlers<'SET_SPEED'> = {
    SET_SPEED: (payload, _receivedAtTick, reply) => {
      this.target = payload.strokeHz;
      reply.appliedValue = payload.strokeHz;
      return Reason.NONE;
    },
  };

  /** `bootCounter`: the tachometer reading at boot; strokes are counted from it. */
  constructor(
    private readonly hardware: PenHardware,
    private readonly bootCounter: number,
  ) {
    this.counterHistory.fill(bootCounter);
  }

  get running(): boolean {
    return this.runningFlag;
  }

  /** Rate set by SET_SPEED, Hz (used while running). */
  get targetHz(): number {
    return this.target;
  }

  /** Present motor command, Hz (0 when stopped). */
  get commandHz(): number {
    return this.command;
  }

  /** Stroke rate measured over the last STROKE_RATE_WINDOW_MS, Hz. */
  get measuredHz(): number {
    return this.measured;
  }

  /** Strokes since this firmware booted. */
  get strokeCount(): number {
    return this.strokes;
  }

  /** Back to the default rate, DEFAULT_STROKE_HZ (a new HELLO). */
  resetTarget(): void {
    this.target = DEFAULT_STROKE_HZ;
  }

  /** Starts the motor: the command ramps from 0. */
  start(): void {
    this.runningFlag = true;
    this.command = 0;
    this.atTargetMs = 0;
    this.stallMs = 0;
  }

  /** Stops the motor: command 0, written to the motor in this call. */
  stop(): void {
    this.runningFlag = false;
    this.command = 0;
    this.stallMs = 0;
    this.hardware.setMotorStrokeHz(0);
  }

  /** Samples the tachometer (cumulative strokes since power-on); updates the measured rate. */
  sampleCounter(counter: number): void {
    const oldest = this.counterHistory[this.historyIndex] as number;
    this.counterHistory[this.historyIndex] = counter;
    this.historyIndex = (this.historyIndex + 1) % STROKE_RATE_WINDOW_MS;
    this.measured = Math.max(0, Math.round(((counter - oldest) * 1000) / STROKE_RATE_WINDOW_MS));
    this.strokes = Math.max(0, counter - this.bootCounter);
  }

  /**
   * One tick: ramps the command, then checks the drive. Returns MOTOR_STALL (measured below
   * STALL_RATE_PERCENT of the command for STALL_CONFIRM_MS after spin-up), OVER_CURRENT
   * (`motorCurrentMa` above OVER_CURRENT_LIMIT_MA for OVER_CURRENT_CONFIRM_MS, motor on or off)
   * or Fault.NONE.
   */
  step(motorCurrentMa: number): FaultCode {
    this.overCurrentMs = motorCurrentMa > OVER_CURRENT_LIMIT_MA ? this.overCurrentMs + 1 : 0;
    if (this.overCurrentMs >= OVER_CURRENT_CONFIRM_MS) return Fault.OVER_CURRENT;
    if (!this.runningFlag) return Fault.NONE;
    if (this.command < this.target) {
      this.command = Math.min(this.target, this.command + MOTOR_RAMP_HZ_PER_MS);
      this.atTargetMs = 0;
    } else {
      this.command = this.target;
      if (this.atTargetMs < SPIN_UP_GRACE_MS) this.atTargetMs++;
    }
    const isSpunUp = this.atTargetMs >= SPIN_UP_GRACE_MS;
    const isStalled = isSpunUp && this.measured * 100 < this.command * STALL_RATE_PERCENT;
    this.stallMs = isStalled ? this.stallMs + 1 : 0;
    return this.stallMs >= STALL_CONFIRM_MS ? Fault.MOTOR_STALL : Fault.NONE;
  }

  /** Writes the motor command to the hardware. */
  output(): void {
    this.hardware.setMotorStrokeHz(this.command);
  }
}
