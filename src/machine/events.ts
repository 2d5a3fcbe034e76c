// The controller machine's contract with the wiring: its input, the events it takes, the actions it asks for.
import type { Payload } from '../protocol/index.js';
import type { AreaId, ExposureBudgets, Mode, Plan } from '../policy/index.js';

/** Sequenced pen commands whose ACK or NAK the wiring reports back. */
export type PenCommandName =
  'HEARTBEAT' | 'SET_DEPTH' | 'SET_SPEED' | 'ARM' | 'DISARM' | 'HOME' | 'RESET_FAULT' | 'SET_TELEMETRY';

/** How a session ended. Null in the context while it has not ended. */
export type Outcome = 'completed' | 'fault' | 'refused' | 'emergencyStop' | 'aborted';

/** Machine input (`createActor(controllerMachine, { input })`). */
export interface ControllerInput {
  /** A plan that passed `parsePlan`. */
  readonly plan: Plan;
  readonly mode: Mode;
  /** The credential UNLOCK_PRO must carry. Absent or empty: professional mode cannot be unlocked. */
  readonly proCredentialExpected?: string;
  /** Passes already opened (reserved) per area in this session, e.g. after a crash: counting resumes there. */
  readonly priorPassesByArea?: Partial<Record<AreaId, number>>;
  /** Lift-off debounce in pen ms; default and maximum 150. */
  readonly passDebounceMs?: number;
  /** Exposure budgets; each may only be lower than the default (S6). */
  readonly exposureBudgets?: Partial<ExposureBudgets>;
  /** Per-area caps from a clinic profile (um); they may only lower the cap. */
  readonly profileCapsUm?: Partial<Record<AreaId, number>>;
}

/** A contact edge from EVENT_CONTACT: pen time and the pen's stroke counter at the edge. */
interface ContactFields {
  readonly atMs: number;
  readonly strokeCount: number;
}

type TelemetryPayload = Payload<'TELEMETRY'>;

/** TELEMETRY (or STATUS) payload; the wiring spreads the decoded payload into the event. */
export type TelemetryEvent = { readonly type: 'TELEMETRY' } & Pick<
  TelemetryPayload,
  'measuredDepthUm' | 'strokeCount' | 'flags' | 'faultCode' | 'state' | 'commandedDepthUm'
> &
  Partial<TelemetryPayload>;

/** Every event the machine takes. The wiring sends them; nothing else does. */
export type ControllerEvent =
  | { readonly type: 'CONNECT' } // operator: connect to the pen
  | { readonly type: 'LINK_OPENED' } // port open (answer to openLink)
  | { readonly type: 'LINK_FAILED'; readonly reason: string } // port could not open
  | { readonly type: 'INFO_RECEIVED'; readonly info: Payload<'INFO'> } // answer to sendHello
  | { readonly type: 'HANDSHAKE_TIMEOUT' } // no INFO after the link's retries
  | { readonly type: 'UNLOCK_PRO'; readonly credential: string }
  | { readonly type: 'START_SESSION' }
  | { readonly type: 'SELECT_AREA'; readonly area: string }
  | {
      readonly type: 'COMMAND_ACKED';
      readonly command: PenCommandName;
      readonly note: number;
      readonly appliedValue: number;
    }
  | { readonly type: 'COMMAND_NAKED'; readonly command: PenCommandName; readonly reason: number }
  | ({ readonly type: 'CONTACT_ON' } & ContactFields)
  | ({ readonly type: 'CONTACT_OFF' } & ContactFields)
  | { readonly type: 'PASS_DEBOUNCE_ELAPSED' } // the timer asked by startDebounceTimer fired
  | TelemetryEvent
  | { readonly type: 'PEN_FAULT'; readonly faultCode: number } // EVENT_FAULT
  | { readonly type: 'PEN_STOPPED'; readonly reason: number } // EVENT_STOPPED
  | { readonly type: 'CARTRIDGE_REMOVED' } // EVENT_CARTRIDGE present=0
  | { readonly type: 'LINK_DEAD'; readonly reason: string }
  | { readonly type: 'PAUSE' }
  | { readonly type: 'RESUME' }
  | { readonly type: 'FINISH' } // operator done: the session completes
  | { readonly type: 'STOP' } // operator stop: needles stop at once, session aborted
  | { readonly type: 'ESTOP' }
  | { readonly type: 'RESET' }; // leaves fault or emergencyStop, to disconnected

export type ControllerEventType = ControllerEvent['type'];

/** A refusal, clamp or stop as kept in the context and passed to the record actions (S8). */
export interface ReasonEntry {
  /** A PolicyReason code, or `PEN_<wire reason name>` for the pen's own NAK, note or stop reason. */
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

/**
 * Side effects, with their params. Default implementations are no-ops; the wiring supplies
 * them with `controllerMachine.provide({ actions })`. They are called in the listed order of a
 * transition, synchronously: `reservePass` must be durable before it returns (S5, S16).
 */
export interface ControllerActionParams {
  openLink: undefined; // open the port; answer LINK_OPENED or LINK_FAILED
  sendHello: undefined; // HELLO; answer INFO_RECEIVED or HANDSHAKE_TIMEOUT
  sendDepth: { readonly depthUm: number }; // SET_DEPTH; answer COMMAND_ACKED/NAKED
  sendSpeed: { readonly strokeHz: number }; // SET_SPEED
  armDrive: undefined; // ARM (and the heartbeat that keeps its lease)
  disarmDrive: undefined; // DISARM
  stopNeedles: undefined; // realtime STOP: the priority path, ahead of queued commands
  emergencyStop: undefined; // realtime ESTOP
  resetPen: undefined; // RESET_FAULT then HOME, when the link is up
  startDebounceTimer: { readonly debounceMs: number }; // send PASS_DEBOUNCE_ELAPSED after debounceMs
  cancelDebounceTimer: undefined;
  reservePass: PassParams; // durably record "pass N opened" BEFORE the needles may run on it
  recordPassStarted: PassStartedParams; // first contact of an opened pass
  recordPassEnded: PassEndedParams;
  recordAreaLocked: { readonly area: AreaId; readonly reason: string };
  recordRefusal: ReasonEntry;
  recordClamp: ReasonEntry;
  recordStop: ReasonEntry;
  recordFault: FaultEntry;
  sessionEnded: SessionEndedParams; // every end: completed, refused, aborted, fault, emergencyStop
  sessionCompleted: undefined; // the operator finished: show the summary and aftercare
}

export type ControllerActionName = keyof ControllerActionParams;
