// Watches one injected fault on the simulated pen: what latched, why the drive stopped, and the measured time to safe.
import { PenState } from '../src/protocol/index.js';
import type { FirmwareDiagnostics } from '../firmware/diagnostics.js';
import type { FaultKind } from './faults.js';
import type { SimulatedHardware } from './simulated-hardware.js';

/** How long an injection is watched, pen ms: long enough for a lease lapse, a brown-out reboot and homing. */
export const INJECTION_WATCH_MS = 3000;

/**
 * The physical safe state, read from the physics (not from what the firmware believes): the motor
 * is not commanded to run and the needles rest fully retracted on the inner hard stop.
 */
export function isPhysicallySafe(hardware: SimulatedHardware): boolean {
  return hardware.motor.commandHz === 0 && hardware.actuator.physicalUm <= 0;
}

/** What one injection did, as measured so far. Times are pen ms after the injection. */
export interface InjectionOutcome {
  readonly id: number;
  readonly kind: FaultKind;
  /** Desk pen time of the injection, ms. */
  readonly atMs: number;
  /** The pen was already safe (motor off, needles retracted) when the fault was injected. */
  readonly wasSafe: boolean;
  /** First ms at which the pen was physically safe; 0 when it already was; null while (or if never) reached. */
  readonly safeAfterMs: number | null;
  /** A fault latched before the injection (it masks anything the injection could latch). */
  readonly alreadyLatched: number | null;
  /** The first fault the firmware latched after the injection, and when. */
  readonly latchedFault: number | null;
  readonly latchedAfterMs: number | null;
  /** The drive left ARMED after the injection, with the firmware's stop reason (0 when the pen lost power), and when. */
  readonly stopReason: number | null;
  readonly stoppedAfterMs: number | null;
  /** The pen power-cycled during the watch (a brown-out reboot). */
  readonly rebooted: boolean;
  /** The watch is over: safe and latched or stopped, or INJECTION_WATCH_MS elapsed. */
  readonly done: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Measures one injection, one pen ms at a time. `step` returns true when the outcome changed
 * (the caller reports it). Reads the firmware only through its diagnostic view.
 */
export class InjectionWatch {
  private readonly outcome: Mutable<InjectionOutcome>;
  private wasArmed: boolean;
  private readonly bootCountAtStart: number;

  constructor(
    id: number,
    kind: FaultKind,
    atMs: number,
    hardware: SimulatedHardware,
    diagnostics: FirmwareDiagnostics,
    bootCount: number,
  ) {
    const wasSafe = isPhysicallySafe(hardware);
    this.outcome = {
      id,
      kind,
      atMs,
      wasSafe,
      safeAfterMs: wasSafe ? 0 : null,
      alreadyLatched: diagnostics.faultCode === 0 ? null : diagnostics.faultCode,
      latchedFault: null,
      latchedAfterMs: null,
      stopReason: null,
      stoppedAfterMs: null,
      rebooted: false,
      done: false,
    };
    this.wasArmed = diagnostics.state === PenState.ARMED;
    this.bootCountAtStart = bootCount;
  }

  /** The outcome so far (a copy). */
  get current(): InjectionOutcome {
    return { ...this.outcome };
  }

  get isDone(): boolean {
    return this.outcome.done;
  }

  /** One pen ms at `nowMs`, after the pen stepped. Returns true when the outcome changed. */
  step(nowMs: number, hardware: SimulatedHardware, diagnostics: FirmwareDiagnostics, bootCount: number): boolean {
    const o = this.outcome;
    if (o.done) return false;
    const afterMs = nowMs - o.atMs;
    let changed = false;
    if (bootCount !== this.bootCountAtStart && !o.rebooted) {
      o.rebooted = true;
      changed = true;
    }
    if (o.alreadyLatched === null && o.latchedFault === null && diagnostics.faultCode !== 0) {
      o.latchedFault = diagnostics.faultCode;
      o.latchedAfterMs = afterMs;
      changed = true;
    }
    const armed = diagnostics.state === PenState.ARMED;
    if (this.wasArmed && !armed && o.stopReason === null) {
      // NOTE: after a reboot the fresh firmware has no stop reason: 0 says the drive stopped because power was lost.
      o.stopReason = o.rebooted ? 0 : diagnostics.lastStopReason;
      o.stoppedAfterMs = afterMs;
      changed = true;
    }
    this.wasArmed = armed;
    if (o.safeAfterMs === null && isPhysicallySafe(hardware)) {
      o.safeAfterMs = afterMs;
      changed = true;
    }
    const settled = o.safeAfterMs !== null && !o.wasSafe && (o.latchedFault !== null || o.stopReason !== null);
    if (settled || afterMs >= INJECTION_WATCH_MS) {
      o.done = true;
      changed = true;
    }
    return changed;
  }
}
