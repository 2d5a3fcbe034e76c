// The pen's state machine: the one place the pen state changes, by an explicit transition table.
import { Fault, PenState, Reason, type FaultCode, type PenStateCode } from '../src/protocol/index.js';

/** Name of a pen state (PenState's keys), as the tables and the docs use it. */
export type PenStateName = keyof typeof PenState;

/** What moves the pen from one state to another. */
export type PenEvent =
  | 'CONFIG_CHECKED' // BOOT: the configuration block passed its integrity check
  | 'SELF_TEST_PASSED' // SELF_TEST: every boot check passed
  | 'HOME' // HOME command, or the automatic homing after the first self-test
  | 'HOMED' // HOMING: the home switch closed and the encoder was zeroed
  | 'ARM' // ARM command accepted
  | 'STOP' // the drive stopped: STOP, DISARM, lease lapse, new HELLO
  | 'FAULT' // a fault latched
  | 'RESET' // RESET_FAULT after a fault that happened once booted: the axis must home again
  | 'REBOOT'; // RESET_FAULT after a boot fault: the configuration check and self-test run again

/** Every allowed transition: state -> event -> next state. Anything else is refused (and counted). */
export const PEN_TRANSITIONS: Readonly<Record<PenStateName, Partial<Record<PenEvent, PenStateName>>>> = {
  BOOT: { CONFIG_CHECKED: 'SELF_TEST', FAULT: 'FAULT' },
  SELF_TEST: { SELF_TEST_PASSED: 'UNHOMED', FAULT: 'FAULT' },
  UNHOMED: { HOME: 'HOMING', FAULT: 'FAULT' },
  HOMING: { HOMED: 'IDLE', FAULT: 'FAULT' },
  IDLE: { HOME: 'HOMING', ARM: 'ARMED', FAULT: 'FAULT' },
  ARMED: { STOP: 'IDLE', FAULT: 'FAULT' },
  FAULT: { RESET: 'UNHOMED', REBOOT: 'BOOT' },
};

/** Pen state names by code (index = PenState code). */
export const PEN_STATE_NAMES: readonly PenStateName[] = (() => {
  const names: PenStateName[] = [];
  for (const [name, code] of Object.entries(PenState)) names[code] = name as PenStateName;
  return names;
})();

/** Transition table by code: NEXT[state][event] is the next state's code, absent when not allowed. */
const NEXT: readonly Readonly<Partial<Record<PenEvent, PenStateCode>>>[] = PEN_STATE_NAMES.map((name) =>
  Object.fromEntries(
    Object.entries(PEN_TRANSITIONS[name] ?? {}).map(([event, next]) => [event, PenState[next as PenStateName]]),
  ),
);

/**
 * The pen state, the latched fault and the last stop reason, as TELEMETRY, STATUS and INFO report them.
 * Only `go` changes the state; a transition missing from PEN_TRANSITIONS leaves it unchanged and
 * is counted in `refusedTransitions` (a firmware bug; tests assert 0).
 */
export class PenStateMachine {
  /** Pen state (PenState code). */
  private current: PenStateCode = PenState.BOOT;
  /** Latched fault while in FAULT, else Fault.NONE. */
  faultCode: FaultCode = Fault.NONE;
  /** Why the drive last stopped (a STOP_* reason), Reason.NONE until the first stop. */
  lastStopReason: number = Reason.NONE;
  private refused = 0;

  get state(): PenStateCode {
    return this.current;
  }

  get refusedTransitions(): number {
    return this.refused;
  }

  /** Takes the transition for `event`; false (nothing changed) when the present state does not allow it. */
  go(event: PenEvent): boolean {
    const next = (NEXT[this.current] as Partial<Record<PenEvent, PenStateCode>>)[event];
    if (next === undefined) {
      this.refused++;
      return false;
    }
    this.current = next;
    return true;
  }

  /** True when `event` is allowed in the present state. */
  allows(event: PenEvent): boolean {
    return (NEXT[this.current] as Partial<Record<PenEvent, PenStateCode>>)[event] !== undefined;
  }
}
