// What the controller session reports to durable records; the store implements it, tests may record in memory.
import type {
  FaultEntry,
  PassEndedParams,
  PassParams,
  PassStartedParams,
  ReasonEntry,
  SessionEndedParams,
} from '../machine/events.js';

/**
 * Called synchronously from the machine's actions. `reservePass` must be durable before it
 * returns: the needles may run on the pass as soon as it does (S5, S16).
 */
export interface SessionRecorder {
  reservePass(pass: PassParams): void;
  passStarted(pass: PassStartedParams): void;
  passEnded(pass: PassEndedParams): void;
  areaLocked(area: string, reason: string): void;
  refusal(entry: ReasonEntry): void;
  clamp(entry: ReasonEntry): void;
  stop(entry: ReasonEntry): void;
  fault(entry: FaultEntry): void;
  audit(kind: string, detail: unknown): void;
  sessionEnded(end: SessionEndedParams): void;
}

/** A recorder that keeps nothing (sessions without a database). */
export const NULL_RECORDER: SessionRecorder = {
  reservePass: () => {},
  passStarted: () => {},
  passEnded: () => {},
  areaLocked: () => {},
  refusal: () => {},
  clamp: () => {},
  stop: () => {},
  fault: () => {},
  audit: () => {},
  sessionEnded: () => {},
};
