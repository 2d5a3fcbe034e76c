// The controller machine's contract with the runner: its input, the events it takes, the effects it asks for.
import type { CommandName, Payload } from '../protocol/index.js';
import type {
  AreaId,
  ExposureBudgets,
  Mode,
  Plan,
  PriorAreaSession,
  ProUnlock,
  RevocationCheck,
  VerifiedToken,
} from '../policy/index.js';

/** Sequenced pen commands whose ACK or NAK the runner reports back. */
export type PenCommandName = CommandName;

/** How a session ended. Null in the context while it has not ended. */
export type Outcome = 'completed' | 'fault' | 'refused' | 'emergencyStop' | 'aborted';

/**
 * Who chooses the next area. `plan`: the machine, in plan order, once the pen has been off the skin
 * for the area-change dwell (a real pen with a real hand and no screen input). `operator`: the
 * operator's SELECT_AREA (the desktop page, the scripted hand of the simulator, the bench).
 */
export type AreaOrder = 'plan' | 'operator';

/** Machine input (`createActor(controllerMachine, { input })`). */
export interface ControllerInput {
  /** A plan that passed `parsePlan`. */
  readonly plan: Plan;
  readonly mode: Mode;
  readonly areaOrder: AreaOrder;
  /** The client the session is for (pseudonymous id). */
  readonly clientId: string;
  readonly isPatchTest: boolean;
  /**
   * Exposure budgets, for a bench or a test that needs small ones; each may only be lower than
   * the default (S6). A clinic profile's budgets bind too: the lower value wins.
   */
  readonly exposureBudgets?: Partial<ExposureBudgets>;
  /** Lift-off debounce in pen ms; default and maximum 150. */
  readonly passDebounceMs?: number;
  /** The clinician credential presented for a professional session (S9), as src/trust verified it. */
  readonly credential?: PresentedToken;
  /** The clinic profile the session binds (S2), as src/trust verified it; refused, the pen is never contacted. */
  readonly profile?: PresentedToken;
}

/**
 * A signed document given to the session: its token as `verifyToken` (src/trust) judged the
 * signature against the trust file, and the checked revocation list (null: none configured). The
 * machine decides what it allows (`checkProfile`, `decideUnlock`): plain data, no crypto here.
 */
export interface PresentedToken {
  readonly token: VerifiedToken;
  readonly revocations: RevocationCheck | null;
}

/** What the records say about an interrupted session this one resumes. */
export interface ResumedSession {
  readonly sessionId: number;
  /** Passes already opened (reserved) per area: counting resumes there (S5). */
  readonly openedPassesByArea: Readonly<Partial<Record<AreaId, number>>>;
  /** Exposure already used per area (S6: budgets carry across a resume). */
  readonly usedByArea: Readonly<Partial<Record<AreaId, { readonly punctures: number; readonly contactMs: number }>>>;
}

/** Answer to `claimSession`: the client is held for this session, which is new or a resume. */
export interface SessionClaim {
  readonly sessionId: number;
  readonly resumed: ResumedSession | null;
}

/** What the records say for the admission rules (S19), read after the claim (own claim excluded). */
export interface AdmissionFacts {
  /** Wall-clock time of the check, ms since epoch. */
  readonly nowMs: number;
  /** The client's birth year and latest screening answers, or null when none are on record. */
  readonly client: { readonly birthYear: number; readonly screening: unknown } | null;
  readonly lastSessionByArea: Readonly<Record<string, readonly PriorAreaSession[]>>;
  readonly patchTest: { readonly doneAtMs: number } | null;
  /** The pen's cartridge was used before by another session. */
  readonly cartridgeSeenBefore: boolean;
  /**
   * Time of the newest record before this session's claim, ms since epoch; null for empty
   * records. A wall clock earlier than it refuses the session (CLOCK_BEHIND_RECORDS, S9).
   */
  readonly newestRecordAtMs: number | null;
}

/** A contact edge from EVENT_CONTACT: pen time and the pen's stroke counter at the edge. */
interface ContactFields {
  readonly atMs: number;
  readonly strokeCount: number;
}

type TelemetryPayload = Payload<'TELEMETRY'>;

/** TELEMETRY (or STATUS) payload; the runner spreads the decoded payload into the event. */
export type TelemetryEvent = { readonly type: 'TELEMETRY' } & Pick<
  TelemetryPayload,
  'measuredDepthUm' | 'strokeCount' | 'flags' | 'faultCode' | 'state' | 'commandedDepthUm'
> &
  Partial<TelemetryPayload>;

/** Timers the machine asks for; each elapses as its own event. Durations come from the context. */
export type TimerName = 'connect' | 'penIdle' | 'nextArea' | 'passDebounce';

/** The event each timer raises when it elapses. */
export const TIMER_EVENTS = {
  connect: 'CONNECT_TIMEOUT',
  penIdle: 'PEN_IDLE_TIMEOUT',
  nextArea: 'NEXT_AREA_DUE',
  passDebounce: 'PASS_DEBOUNCE_ELAPSED',
} as const satisfies Record<TimerName, string>;

/** Operator inputs: what the CLI, the desktop page, the scripted hand or the bench may ask. */
export type OperatorEvent =
  | { readonly type: 'START_SESSION' } // connect, admit and treat the plan
  | { readonly type: 'SELECT_AREA'; readonly area: string }
  | { readonly type: 'PAUSE' }
  | { readonly type: 'RESUME' }
  | { readonly type: 'FINISH' } // operator done: the session completes
  | { readonly type: 'STOP' } // operator stop: needles stop at once, session aborted
  | { readonly type: 'ESTOP' }
  | { readonly type: 'RESET' }; // after a fault or emergency stop: reset the pen (the session stays ended)

export type OperatorEventType = OperatorEvent['type'];

/** Every event the machine takes. The runner sends them; nothing else does. */
export type ControllerEvent =
  | OperatorEvent
  | { readonly type: 'LINK_OPENED' } // port open (answer to openLink)
  | { readonly type: 'LINK_FAILED'; readonly reason: string } // port could not open
  | { readonly type: 'INFO_RECEIVED'; readonly info: Payload<'INFO'> } // answer to sendHello
  | { readonly type: 'HANDSHAKE_TIMEOUT' } // no INFO after the link's retries
  | { readonly type: 'SESSION_CLAIMED'; readonly claim: SessionClaim } // answer to claimSession
  | { readonly type: 'CLAIM_REFUSED'; readonly reason: string; readonly detail: string }
  | { readonly type: 'ADMISSION_FACTS'; readonly facts: AdmissionFacts } // answer to requestAdmissionFacts
  | { readonly type: 'PASS_RESERVED'; readonly area: AreaId; readonly passNumber: number } // answer to reservePass
  | { readonly type: 'RECORDS_UNAVAILABLE'; readonly detail: string } // a records request failed
  | {
      readonly type: 'COMMAND_ACKED';
      readonly command: PenCommandName;
      readonly note: number;
      readonly appliedValue: number;
    }
  | { readonly type: 'COMMAND_NAKED'; readonly command: PenCommandName; readonly reason: number }
  | ({ readonly type: 'CONTACT_ON' } & ContactFields)
  | ({ readonly type: 'CONTACT_OFF' } & ContactFields)
  | TelemetryEvent
  | { readonly type: 'PEN_FAULT'; readonly faultCode: number } // EVENT_FAULT
  | { readonly type: 'PEN_STOPPED'; readonly reason: number } // EVENT_STOPPED
  | { readonly type: 'CARTRIDGE_REMOVED' } // EVENT_CARTRIDGE present=0
  | { readonly type: 'LINK_DEAD'; readonly reason: string }
  | { readonly type: (typeof TIMER_EVENTS)[TimerName] };

export type ControllerEventType = ControllerEvent['type'];

/** A refusal, clamp or stop as kept in the context and recorded (S8). */
export interface ReasonEntry {
  /** A PolicyReason or RuleReason code, or `PEN_<wire reason name>` for the pen's own NAK, note or stop reason. */
  readonly reason: string;
  readonly detail: string;
  readonly area?: AreaId;
}

export interface FaultEntry {
  /** Fault wire code (protocol `Fault`); 0 for faults the host detects without one (LINK_DEAD). */
  readonly code: number;
  readonly reason: string;
  readonly detail: string;
}

export interface PassParams {
  readonly area: AreaId;
  /** 1-based number of the pass on this area in this session. */
  readonly passNumber: number;
}

export interface PassStartedParams extends PassParams {
  /** Pen time of the contact that started it. */
  readonly atMs: number;
}

export interface PassEndedParams extends PassParams {
  readonly strokes: number;
  readonly punctures: number;
  readonly contactMs: number;
}

export interface SessionEndedParams {
  readonly outcome: Outcome;
  readonly reason: string | null;
}

/** The audit record of a professional unlock. */
export type UnlockRecordParams = Pick<
  ProUnlock,
  | 'credentialId'
  | 'keyId'
  | 'keyName'
  | 'clinicianId'
  | 'clinicianName'
  | 'license'
  | 'maxDepthUm'
  | 'expiresAtMs'
  | 'tokenSha256'
>;

/** The audit record of a bound clinic profile. */
export interface ProfileRecordParams {
  readonly profileId: string;
  readonly name: string;
  readonly keyId: string;
  readonly clinicName: string;
  readonly tokenSha256: string;
}

/** What the runner needs to claim the client and open (or resume) the session record. */
export interface ClaimRequest {
  readonly clientId: string;
  readonly mode: Mode;
  readonly isPatchTest: boolean;
  readonly plan: Plan;
  readonly cartridgeId: number | null;
  readonly penSerialNumber: number;
}

/**
 * The effects the machine asks for, with their params. The default implementations are no-ops;
 * the runner supplies them with `controllerMachine.provide({ actions })`. They run in the listed
 * order of a transition. Requests (openLink, sendHello, claimSession, requestAdmissionFacts,
 * reservePass) are answered by the events named beside them. Record effects are written after the
 * machine has reacted to the event that caused them, in order (the one audit channel).
 */
export interface ControllerEffectParams {
  openLink: undefined; // open the port; answer LINK_OPENED or LINK_FAILED
  sendHello: undefined; // HELLO; answer INFO_RECEIVED or HANDSHAKE_TIMEOUT
  sendTelemetryRate: { readonly rateHz: number }; // SET_TELEMETRY: the rate the controller's checks sample
  sendDepthLimit: { readonly limitUm: number }; // SET_DEPTH_LIMIT: the pen's limiter holds the area's cap (S1); answer COMMAND_ACKED/NAKED
  sendDepth: { readonly depthUm: number }; // SET_DEPTH; answer COMMAND_ACKED/NAKED
  sendSpeed: { readonly strokeHz: number }; // SET_SPEED
  armDrive: undefined; // ARM (and the heartbeat that keeps its lease)
  stopNeedles: undefined; // realtime STOP: the priority path, ahead of queued commands
  emergencyStop: undefined; // realtime ESTOP
  resetPen: undefined; // RESET_FAULT then HOME, when the link is up
  startTimer: { readonly timer: TimerName; readonly delayMs: number }; // raise TIMER_EVENTS[timer] after delayMs
  cancelTimer: { readonly timer: TimerName };
  cancelAllTimers: undefined;
  claimSession: ClaimRequest; // answer SESSION_CLAIMED, CLAIM_REFUSED or RECORDS_UNAVAILABLE
  requestAdmissionFacts: { readonly sessionId: number; readonly cartridgeId: number | null }; // answer ADMISSION_FACTS
  reservePass: PassParams; // durably record "pass N opened" BEFORE the needles may run on it; answer PASS_RESERVED
  recordPassStarted: PassStartedParams; // first contact of an opened pass
  recordPassEnded: PassEndedParams;
  recordAreaLocked: { readonly area: AreaId; readonly reason: string };
  recordRefusal: ReasonEntry;
  recordClamp: ReasonEntry;
  recordStop: ReasonEntry;
  recordFault: FaultEntry;
  recordUnlock: UnlockRecordParams; // professional mode unlocked: who, by which credential and key (S9)
  recordProfile: ProfileRecordParams; // the clinic profile bound to the session, by its token's hash (S2)
  recordSessionEnded: SessionEndedParams; // every end: completed, refused, aborted, fault, emergencyStop
}

export type ControllerEffectName = keyof ControllerEffectParams;
