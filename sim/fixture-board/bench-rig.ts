// The emulated test bench: a Firmata board wired to the simulated pen (arm servo, depth gauge, power relay, e-stop, LED).
import type { SeededRandom } from '../random.js';
import type { SimulatedPen } from '../simulated-pen.js';
import { FirmataBoard } from './firmata-board.js';
import { analogChannelOf, isDigitalPin } from './uno-pins.js';

/** Which board pin each part of the bench is wired to (the bench's own pin map is passed in: declared once). */
export interface RigPins {
  /** Contact arm servo signal (a digital pin with servo capability). */
  readonly armServo: number;
  /** Depth gauge output: an analog pin (14-19 = A0-A5). */
  readonly gauge: number;
  /** Power relay coil driver (relay normally open: HIGH connects the pen's supply). */
  readonly relay: number;
  /** Bench e-stop button to ground (needs the pull-up; pressed reads LOW). */
  readonly estop: number;
  /** Status LED. */
  readonly led: number;
}

/** The physical servo: its pulse-to-angle characteristic and speed. */
export interface RigServo {
  /** Pulse widths that put the horn at 0 and 180 degrees, us. */
  readonly pulseAt0DegUs: number;
  readonly pulseAt180DegUs: number;
  /** Horn speed under load, degrees per ms. */
  readonly slewDegPerMs: number;
}

/** The depth gauge's true transfer function (what calibration has to find). */
export interface RigGauge {
  readonly umPerCount: number;
  /** ADC counts with the plunger at 0 um. */
  readonly zeroCounts: number;
  /** Standard deviation of the reading noise, counts. */
  readonly noiseSigmaCounts: number;
}

export interface BenchRigOptions {
  readonly pen: SimulatedPen;
  readonly pins: RigPins;
  readonly random: SeededRandom;
  /** Arm angle from which the pen's tip touches the pad, degrees. */
  readonly contactDeg: number;
  readonly servo?: RigServo;
  readonly gauge?: RigGauge;
}

export const DEFAULT_RIG_SERVO: RigServo = { pulseAt0DegUs: 500, pulseAt180DegUs: 2500, slewDegPerMs: 0.6 };
export const DEFAULT_RIG_GAUGE: RigGauge = { umPerCount: 2.44, zeroCounts: 21, noiseSigmaCounts: 0.6 };

/** Faults of the bench's own hardware, injected through the back door. */
export const RIG_FAULT_KINDS = ['relay-welded', 'servo-stuck', 'estop-wire-broken'] as const;
export type RigFaultKind = (typeof RIG_FAULT_KINDS)[number];

/**
 * The bench's physics around one simulated pen. Each 1 ms `step`: the servo horn slews toward the
 * pulse the board sends and presses the pen's tip onto the pad past `contactDeg` (skin contact); the
 * relay pin switches the pen's supply; then the board runs (its inputs read the gauge, which follows
 * the needle's physical protrusion or a calibration block, and the e-stop line). The back door (the
 * hand and the faults) is the set of methods below `step`; the host only ever sees the board's bytes.
 */
export class BenchRig {
  readonly board: FirmataBoard;
  private readonly pen: SimulatedPen;
  private readonly pins: RigPins;
  private readonly servo: RigServo;
  private readonly gauge: RigGauge;
  private readonly random: SeededRandom;
  private readonly contactDeg: number;
  private armDeg = 90;
  private contact = false;
  private blockUm: number | null = null;
  private estopPressed = false;
  private readonly faults = new Set<RigFaultKind>();

  constructor(options: BenchRigOptions) {
    const { pins } = options;
    for (const pin of [pins.armServo, pins.relay, pins.estop, pins.led]) {
      if (!isDigitalPin(pin)) throw new RangeError(`pin ${pin} is not a digital pin`);
    }
    if (analogChannelOf(pins.gauge) === null) throw new RangeError(`gauge pin ${pins.gauge} is not an analog pin`);
    this.pen = options.pen;
    this.pins = pins;
    this.servo = options.servo ?? DEFAULT_RIG_SERVO;
    this.gauge = options.gauge ?? DEFAULT_RIG_GAUGE;
    this.random = options.random;
    this.contactDeg = options.contactDeg;
    this.board = new FirmataBoard({
      digitalInput: (pin, pullUp) => this.readDigital(pin, pullUp),
      analogInput: (channel) => this.readAnalog(channel),
    });
    this.applyRelay();
  }

  /** Advances the bench 1 ms to `nowMs`: servo, contact, relay, then the board. */
  step(nowMs: number): void {
    const pulseUs = this.board.servoPulseUs(this.pins.armServo);
    if (pulseUs !== null && !this.faults.has('servo-stuck')) {
      const { pulseAt0DegUs, pulseAt180DegUs, slewDegPerMs } = this.servo;
      const targetDeg = ((pulseUs - pulseAt0DegUs) * 180) / (pulseAt180DegUs - pulseAt0DegUs);
      const moveDeg = Math.max(-slewDegPerMs, Math.min(slewDegPerMs, targetDeg - this.armDeg));
      this.armDeg = Math.max(0, Math.min(180, this.armDeg + moveDeg));
    }
    const contact = this.armDeg >= this.contactDeg;
    if (contact !== this.contact) {
      this.contact = contact;
      this.pen.hardware.skin.setContact(contact);
    }
    this.applyRelay();
    this.board.step(nowMs);
  }

  /** The arm's horn angle, degrees. */
  get armAngleDeg(): number {
    return this.armDeg;
  }

  /** True while the arm holds the pen's tip on the pad. */
  get isPressing(): boolean {
    return this.contact;
  }

  /** True while the status LED is lit. */
  get isLedOn(): boolean {
    return this.board.isOutputHigh(this.pins.led);
  }

  /** True while the relay coil is energised by the board (whatever its contacts do). */
  get isRelayDriven(): boolean {
    return this.board.isOutputHigh(this.pins.relay);
  }

  /** Hand: puts a gauge block of `thicknessUm` under the plunger (calibration); the gauge reads it, not the needle. */
  placeBlock(thicknessUm: number): void {
    if (!Number.isFinite(thicknessUm) || thicknessUm < 0) throw new RangeError(`block ${thicknessUm} um`);
    this.blockUm = thicknessUm;
  }

  /** Hand: takes the gauge block away; the plunger rests on the needle tips again. */
  removeBlock(): void {
    this.blockUm = null;
  }

  /** Hand: presses (true) or releases (false) the bench e-stop button. */
  setEstopPressed(pressed: boolean): void {
    this.estopPressed = pressed;
  }

  /** Fault back door: the bench's own hardware fails. */
  injectFault(kind: RigFaultKind): void {
    this.faults.add(kind);
  }

  /** Ends every bench fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Bench faults in force. */
  get activeFaults(): readonly RigFaultKind[] {
    return [...this.faults];
  }

  private applyRelay(): void {
    const connected = this.board.isOutputHigh(this.pins.relay) || this.faults.has('relay-welded');
    if (connected !== this.pen.isSupplied) this.pen.setSupplyConnected(connected);
  }

  private readDigital(pin: number, pullUp: boolean): boolean {
    if (pin !== this.pins.estop) return pullUp;
    if (this.estopPressed && !this.faults.has('estop-wire-broken')) return false;
    // NOTE: without its pull-up the e-stop line floats and reads noise: the bench must enable it.
    return pullUp || this.random.next() < 0.5;
  }

  private readAnalog(channel: number): number {
    if (channel !== analogChannelOf(this.pins.gauge)) return Math.round(this.random.between(0, 40));
    const plungerUm = this.blockUm ?? this.pen.hardware.actuator.physicalUm;
    const noise = this.random.normal() * this.gauge.noiseSigmaCounts;
    return this.gauge.zeroCounts + plungerUm / this.gauge.umPerCount + noise;
  }
}
