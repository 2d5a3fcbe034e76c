// Fault injection beside the wire (a test back door): physical faults in the pen and faults on the link.
import type { SimulatedLink } from './link.js';
import type { SeededRandom } from './random.js';
import type { SimulatedPen } from './simulated-pen.js';

/** Stable ids of every injectable fault kind, for bench scenarios and reports. */
export const FAULT_KINDS = [
  'motor-stall',
  'encoder-drift',
  'encoder-freeze',
  'over-depth-runaway',
  'over-current',
  'brown-out',
  'pull-cartridge',
  'link-garbage',
  'link-drop',
  'frame-delay',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which way injected garbage travels. */
export type GarbageDirection = 'toPen' | 'toHost' | 'both';

/** A fault named by data, as a bench scenario states it. */
export type FaultSpec =
  | { readonly kind: 'motor-stall' }
  | { readonly kind: 'encoder-drift'; readonly umPerSecond: number }
  | { readonly kind: 'encoder-freeze' }
  | { readonly kind: 'over-depth-runaway'; readonly umPerMs: number }
  | { readonly kind: 'over-current' }
  | { readonly kind: 'brown-out'; readonly rebootAfterMs: number }
  | { readonly kind: 'pull-cartridge' }
  | { readonly kind: 'link-garbage'; readonly bytes: Uint8Array | number; readonly direction?: GarbageDirection }
  | { readonly kind: 'link-drop' }
  | { readonly kind: 'frame-delay'; readonly delayMs: number };

/** One injection, for the run's record. */
export interface FaultRecord {
  readonly atMs: number;
  readonly kind: FaultKind;
}

/**
 * Injects faults into one simulated pen and its link. Physical faults persist until
 * `clearAll()`; a brown-out ends with its reboot; `pullCartridge` and `linkGarbage` are one-shot events. Never goes over the wire.
 */
export class FaultInjector {
  private readonly ongoing = new Set<FaultKind>();
  private readonly records: FaultRecord[] = [];

  constructor(
    private readonly pen: SimulatedPen,
    private readonly link: SimulatedLink,
    private readonly random: SeededRandom,
    private readonly nowMs: () => number,
  ) {}

  /** Ongoing faults (one-shot kinds are not listed). */
  get active(): readonly FaultKind[] {
    const kinds = [...this.ongoing];
    if (this.pen.isBrownedOut) kinds.push('brown-out');
    return kinds;
  }

  /** Every injection so far, in order. */
  get history(): readonly FaultRecord[] {
    return this.records;
  }

  /** The rotor locks: stroke rate falls to 0, locked-rotor current while driven. */
  motorStall(): void {
    this.pen.hardware.motor.setStalled(true);
    this.note('motor-stall', true);
  }

  /** The depth encoder drifts from the truth at `umPerSecond` (either sign). Throws RangeError when not finite. */
  encoderDrift(umPerSecond: number): void {
    if (!Number.isFinite(umPerSecond)) throw new RangeError(`drift ${umPerSecond} um/s`);
    this.pen.hardware.actuator.startDrift(umPerSecond);
    this.note('encoder-drift', true);
  }

  /** The depth encoder reading freezes at its present value. */
  encoderFreeze(): void {
    this.pen.hardware.actuator.freezeEncoder();
    this.note('encoder-freeze', true);
  }

  /** The depth drive runs outward at `umPerMs` past its setpoint while extension is commanded. Throws RangeError unless > 0. */
  overDepthRunaway(umPerMs: number): void {
    if (!Number.isFinite(umPerMs) || umPerMs <= 0) throw new RangeError(`runaway ${umPerMs} um/ms`);
    this.pen.hardware.actuator.startRunaway(umPerMs);
    this.note('over-depth-runaway', true);
  }

  /** A shorted winding: motor current far above normal while driven. */
  overCurrent(): void {
    this.pen.hardware.motor.setShorted(true);
    this.note('over-current', true);
  }

  /** The supply collapses now; after `rebootAfterMs` the firmware is power-cycled (RAM lost, physics kept). */
  brownOut(rebootAfterMs: number): void {
    this.pen.brownOut(rebootAfterMs);
    this.note('brown-out', false);
  }

  /** The operator pulls the cartridge out (no-op for the hardware when none is inserted). */
  pullCartridge(): void {
    this.pen.hardware.cartridge.remove();
    this.note('pull-cartridge', false);
  }

  /**
   * Line noise: the given bytes, or `bytes` seeded random bytes, are put on the wire now,
   * towards the pen, the host or both (both: independent random bytes each way).
   * Throws RangeError for a negative or non-integer count.
   */
  linkGarbage(bytes: Uint8Array | number, direction: GarbageDirection = 'both'): void {
    if (typeof bytes === 'number' && (!Number.isInteger(bytes) || bytes < 0))
      throw new RangeError(`garbage count ${bytes}`);
    const nowMs = this.nowMs();
    if (direction !== 'toHost') this.link.send('toPen', this.garbage(bytes), nowMs);
    if (direction !== 'toPen') this.link.send('toHost', this.garbage(bytes), nowMs);
    this.note('link-garbage', false);
  }

  /** Unplugs the link: bytes stop flowing both ways, silently. */
  linkDrop(): void {
    this.link.drop();
    this.note('link-drop', true);
  }

  /** Plugs the link back in. */
  linkRestore(): void {
    this.link.restore();
    this.ongoing.delete('link-drop');
  }

  /** Delivery delay both ways for bytes sent from now on, ms (0 ends the fault). Throws RangeError when negative. */
  frameDelay(delayMs: number): void {
    this.link.setDelayMs(delayMs);
    if (delayMs > 0) this.note('frame-delay', true);
    else this.ongoing.delete('frame-delay');
  }

  /** Injects a fault named by data. */
  inject(spec: FaultSpec): void {
    switch (spec.kind) {
      case 'motor-stall':
        return this.motorStall();
      case 'encoder-drift':
        return this.encoderDrift(spec.umPerSecond);
      case 'encoder-freeze':
        return this.encoderFreeze();
      case 'over-depth-runaway':
        return this.overDepthRunaway(spec.umPerMs);
      case 'over-current':
        return this.overCurrent();
      case 'brown-out':
        return this.brownOut(spec.rebootAfterMs);
      case 'pull-cartridge':
        return this.pullCartridge();
      case 'link-garbage':
        return this.linkGarbage(spec.bytes, spec.direction);
      case 'link-drop':
        return this.linkDrop();
      case 'frame-delay':
        return this.frameDelay(spec.delayMs);
    }
  }

  /** Ends every ongoing fault: healthy motor and encoder, supply restored without a reboot, link plugged in, no delay. */
  clearAll(): void {
    this.pen.hardware.motor.setStalled(false);
    this.pen.hardware.motor.setShorted(false);
    this.pen.hardware.actuator.clearFaults();
    if (this.pen.isBrownedOut) this.pen.cancelBrownOut();
    this.link.restore();
    this.link.setDelayMs(0);
    this.ongoing.clear();
  }

  private note(kind: FaultKind, ongoing: boolean): void {
    if (ongoing) this.ongoing.add(kind);
    this.records.push({ atMs: this.nowMs(), kind });
  }

  private garbage(bytes: Uint8Array | number): Uint8Array {
    if (typeof bytes !== 'number') return bytes.slice();
    const out = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i++) out[i] = Math.floor(this.random.next() * 256);
    return out;
  }
}
