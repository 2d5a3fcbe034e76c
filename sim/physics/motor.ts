// Stroke motor physics: rate with inertia, a cumulative stroke counter and a current draw model.
import type { SeededRandom } from '../random.js';

/** Spin-up / spin-down time constant while driven, ms. */
export const MOTOR_TIME_CONSTANT_MS = 25;
/** Coast-down time constant when unpowered, ms; and how fast a locked rotor stops, ms. */
export const MOTOR_COAST_TIME_CONSTANT_MS = 40;
export const MOTOR_LOCK_TIME_CONSTANT_MS = 3;
/** Highest stroke rate the motor can physically reach, Hz. */
export const MOTOR_MAX_STROKE_HZ = 200;
/** Current model while driven: base + per Hz + skin load + spin-up surge per Hz of rate error, mA. */
export const MOTOR_BASE_CURRENT_MA = 60;
export const MOTOR_CURRENT_MA_PER_HZ = 1;
export const MOTOR_SKIN_LOAD_CURRENT_MA = 40;
export const MOTOR_SURGE_CURRENT_MA_PER_HZ = 1.5;
/** Locked-rotor current (limited by the driver), mA. */
export const MOTOR_STALL_CURRENT_MA = 450;
/** Current through a shorted winding while driven, mA. */
export const MOTOR_SHORT_CURRENT_MA = 1500;
/** Current noise bound while driven, mA. */
export const MOTOR_CURRENT_NOISE_MA = 3;

const DRIVEN_ALPHA = 1 - Math.exp(-1 / MOTOR_TIME_CONSTANT_MS);
const COAST_ALPHA = 1 - Math.exp(-1 / MOTOR_COAST_TIME_CONSTANT_MS);
const LOCK_ALPHA = 1 - Math.exp(-1 / MOTOR_LOCK_TIME_CONSTANT_MS);

/** The needle drive motor. One stroke = one needle puncture cycle. */
export class StrokeMotor {
  private commandedHz = 0;
  private rateHz = 0;
  private strokesTotal = 0;
  private currentMa = 0;
  private stalled = false;
  private shorted = false;
  private powered = true;

  constructor(private readonly random: SeededRandom) {}

  /** Drive command, Hz; 0 = off. Negative or non-finite means off; above the physical maximum is clamped. */
  setCommandHz(strokeHz: number): void {
    this.commandedHz = Number.isFinite(strokeHz) && strokeHz > 0 ? Math.min(strokeHz, MOTOR_MAX_STROKE_HZ) : 0;
  }

  get commandHz(): number {
    return this.commandedHz;
  }

  /** True stroke rate, Hz (the firmware only sees the stroke counter). */
  get strokeRateHz(): number {
    return this.rateHz;
  }

  /** Cumulative whole strokes since power-on; monotonic. */
  get strokeCount(): number {
    return Math.floor(this.strokesTotal);
  }

  /** Motor current drawn in the last ms, integer mA. */
  get currentDrawMa(): number {
    return this.currentMa;
  }

  /** Advances 1 ms; `skinContact` adds the skin's load while driven. */
  step(skinContact: boolean): void {
    const driven = this.powered && this.commandedHz > 0;
    if (this.stalled) this.rateHz -= this.rateHz * LOCK_ALPHA;
    else if (!driven) this.rateHz -= this.rateHz * COAST_ALPHA;
    else this.rateHz += (this.commandedHz - this.rateHz) * DRIVEN_ALPHA;
    if (this.rateHz < 0.01 && (!driven || this.stalled)) this.rateHz = 0;
    this.strokesTotal += this.rateHz / 1000;
    this.currentMa = driven ? this.drivenCurrentMa(skinContact) : 0;
  }

  /** Power loss: the drive command is lost, the stroke counter restarts at 0; the rotor keeps spinning down. */
  powerCycle(): void {
    this.commandedHz = 0;
    this.strokesTotal = 0;
  }

  /** Supply present or collapsed (brown-out): unpowered, the rotor coasts and draws nothing. */
  setPowered(powered: boolean): void {
    this.powered = powered;
  }

  /** Fault: the rotor locks (rate falls to 0, locked-rotor current while driven). */
  setStalled(stalled: boolean): void {
    this.stalled = stalled;
  }

  /** Fault: a shorted winding draws MOTOR_SHORT_CURRENT_MA while driven. */
  setShorted(shorted: boolean): void {
    this.shorted = shorted;
  }

  private drivenCurrentMa(skinContact: boolean): number {
    // Each branch rounds on its own: merging a module constant with a fractional value would box it per call.
    const noiseMa = this.random.between(-MOTOR_CURRENT_NOISE_MA, MOTOR_CURRENT_NOISE_MA);
    if (this.shorted) return Math.round(MOTOR_SHORT_CURRENT_MA + noiseMa);
    if (this.stalled) return Math.round(MOTOR_STALL_CURRENT_MA + noiseMa);
    const surgeHz = Math.max(0, this.commandedHz - this.rateHz);
    const runningMa =
      MOTOR_BASE_CURRENT_MA +
      MOTOR_CURRENT_MA_PER_HZ * this.rateHz +
      MOTOR_SURGE_CURRENT_MA_PER_HZ * surgeHz +
      (skinContact ? MOTOR_SKIN_LOAD_CURRENT_MA : 0);
    return Math.max(0, Math.round(runningMa + noiseMa));
  }
}
