// What the session runner asks of durable records: claim, admission facts, and ordered batches of audit rows.
import type {
  AdmissionFacts,
  ClaimRequest,
  ControllerEffect,
  SessionClaim,
  SessionEndedParams,
} from '../machine/index.js';
import type { SessionSummary } from './summary.js';

/** The answer to a claim: the session record held for this run, or why not (e.g. CLIENT_IN_SESSION). */
export type ClaimOutcome =
  | { readonly ok: true; readonly claim: SessionClaim }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

/** The event that caused a batch: its id in this session's event order, its type and its fields. */
export interface RecordCause {
  readonly eventId: number;
  readonly type: string;
  readonly detail: unknown;
}

/**
 * The rows one event causes, in the order the machine asked for them: the event itself, then
 * every effect of its transition (commands sent, passes reserved, started and ended, refusals,
 * clamps, stops, faults, the session's end). One batch is one durable write.
 */
export interface RecordBatch {
  /** The session record the rows belong to; null before the claim. */
  readonly sessionId: number | null;
  readonly cause: RecordCause;
  readonly effects: readonly ControllerEffect[];
  /** Set with the session's end: the per-area results the record keeps, from the machine's context. */
  readonly summary?: SessionSummary;
}

/**
 * Durable records of sessions. Every call may be asynchronous (a server) or not (the embedded
 * store). NOTE: `write` resolves only once its batch is durable: a `reservePass` effect in it is
 * then on disk, and only then may the needles run on that pass (S5, S16). A rejection means
 * nothing of the batch can be trusted to be recorded: the runner stops the needles
 * (RECORDS_UNAVAILABLE).
 */
export interface SessionRecords {
  /** Claims the client for one session, then opens a new session record or resumes an interrupted one. */
  claim(request: ClaimRequest): Promise<ClaimOutcome> | ClaimOutcome;
  /** What the admission rules read, as of now, this session's own record excluded. */
  admissionFacts(sessionId: number, cartridgeId: number | null): Promise<AdmissionFacts> | AdmissionFacts;
  /** Writes one batch durably, in call order. */
  write(batch: RecordBatch): Promise<void> | void;
}

/** True for the effects that are records (written in batches), false for link commands and timers. */
export function isRecordEffect(effect: ControllerEffect): boolean {
  return RECORD_EFFECTS.has(effect.type);
}

const RECORD_EFFECTS: ReadonlySet<string> = new Set([
  'reservePass',
  'recordPassStarted',
  'recordPassEnded',
  'recordAreaLocked',
  'recordRefusal',
  'recordClamp',
  'recordStop',
  'recordFault',
  'recordSessionEnded',
]);

/** The session-ended effect of a batch, if any. */
export function sessionEndOf(batch: RecordBatch): SessionEndedParams | null {
  for (const effect of batch.effects) if (effect.type === 'recordSessionEnded') return effect;
  return null;
}
