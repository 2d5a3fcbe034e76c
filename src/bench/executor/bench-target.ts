// The device under test as the controller sees it: what the executor's controller steps need, implemented on the session runner (src/wiring/bench-target.ts).
import type { Plan } from '../../policy/index.js';
import type { CONTROLLER_COMMANDS, ISSUED_CREDENTIAL_PENS } from '../scenarios/scenario-schema.js';

/** An operator command the bench gives through the controller. */
export type ControllerCommand = (typeof CONTROLLER_COMMANDS)[number];

/** What a record names as the device under test. Fields the pen has not reported yet are null. */
export interface DeviceUnderTest {
  readonly target: 'sim' | 'port';
  /** e.g. "simulated home pen (seed 7)" or "pen on /dev/ttyACM0". */
  readonly description: string;
  readonly sku: 'home' | 'pro' | null;
  readonly serialNumber: number | null;
  readonly firmwareVersion: string | null;
  readonly protocolVersion: number | null;
  readonly cartridgeId: number | null;
}

/** Signed document files a session is given, absolute paths (as `mnpen session --credential ...`). */
export interface SessionDocuments {
  readonly credentialPath?: string;
  readonly profilePath?: string;
  readonly trustPath?: string;
  readonly revocationsPath?: string;
}

/** A credential the simulated bench issues for the session with its throwaway maker key. */
export interface IssuedCredentialRequest {
  /** Bound to the pen on the bench (its serial from INFO), or to another pen. */
  readonly pens: (typeof ISSUED_CREDENTIAL_PENS)[number];
  /** Deepest depth it unlocks, um; absent: the professional maximum. */
  readonly maxDepthUm?: number;
  /** true: its validity ended a day before the session. */
  readonly expired: boolean;
}

export interface SessionRequest {
  /** A plan that passed parsePlan (the scenario loader checked it). */
  readonly plan: Plan;
  /** Credential, profile, trust file and revocation list files, verified through the controller's loader. */
  readonly documents?: SessionDocuments;
  /** A credential the bench issues (the simulated target only); not with `documents`. */
  readonly issueCredential?: IssuedCredentialRequest;
}

/** A professional unlock the machine granted (S9), as its summary names it. */
export interface SessionUnlock {
  readonly clinicianId: string;
  readonly clinicianName: string;
  readonly credentialId: string;
  readonly keyName: string;
  readonly maxDepthUm: number;
}

export interface SessionEnd {
  /** The machine's outcome: completed, refused, fault, emergencyStop or aborted. */
  readonly outcome: string;
  /** Reason codes of the refusals, clamps, stops and faults, in order. */
  readonly reasons: readonly string[];
  /** Reason codes of the refusals alone, in order. */
  readonly refusals: readonly string[];
  /** The professional unlock granted at admission, or null. */
  readonly unlock: SessionUnlock | null;
  readonly passesByArea: Readonly<Record<string, number>>;
}

/**
 * A running session, as the bench's hand sees it. The bench's contact arm is its operator's hand:
 * it picks the areas (SELECT_AREA through `BenchTarget.selectArea`) and presses while `isTreating`.
 */
export interface SessionHandle {
  /** True while the machine has the drive armed on an area (waiting for contact, or in a pass). */
  readonly isTreating: boolean;
  /** True while the machine would take an area choice now: it waits for one, or is armed with the pen off the skin. */
  readonly canSelectArea: boolean;
  /** The area being treated, null between areas. */
  readonly area: string | null;
  /** The end once the session ended (and its records were written), null before. */
  readonly end: SessionEnd | null;
  readonly ended: Promise<SessionEnd>;
}

/** The pen's answer to a direct command: `ACK` (with its note's name, if any: `ACK DEPTH_CLAMPED_TO_SKU_MAX`) or `NAK REASON`; the value it applied. */
export interface DirectAnswer {
  readonly answer: string;
  readonly appliedValue: number | null;
}

/** The latest pen telemetry as the controller decoded it; null before any. */
export interface ControllerReadings {
  readonly penState: string | null;
  readonly faultCode: string | null;
  readonly lastStopReason: string | null;
  readonly measuredDepthUm: number | null;
  readonly commandedDepthUm: number | null;
  readonly measuredStrokeHz: number | null;
}

/**
 * The controller side of a bench run, on the one session runner with the bench as its operator.
 * Time is the bench's clock: for the simulated target the runner uses the PenSimulation the
 * emulated fixture board is attached to. Every method only asks; the machine decides. Between
 * sessions the bench holds its own link to the pen (the handshake, direct commands, telemetry).
 */
export interface BenchTarget {
  /** Connects to the pen (HELLO/INFO) within `timeoutMs` of bench time. Rejects when it cannot. */
  connect(timeoutMs: number): Promise<DeviceUnderTest>;
  /** Starts a plan session on the session runner (admission by the machine, then treatment). Rejects when no pen is connected or a session runs. */
  startSession(request: SessionRequest): Promise<SessionHandle>;
  /** SELECT_AREA through the machine (the hand picks the area). Never throws. */
  selectArea(area: string): void;
  /** An operator command through the machine (or, between sessions, to the pen); STOP and ESTOP take the realtime path. Never throws. */
  command(command: ControllerCommand): void;
  /** S18: a pen command sent straight to the firmware on the bench's link, bypassing the machine (its limiter must hold). Rejects while a session runs. */
  sendDirect(message: string, fields: Readonly<Record<string, number>>): Promise<DirectAnswer>;
  readings(): ControllerReadings;
  /** Passes the machine counted on `area` in the current or last session; null before any session. */
  passes(area: string): number | null;
  /** The last session that ended, null while none has. */
  lastEnd(): SessionEnd | null;
  /** Ends any session (STOP) and closes the link. Idempotent. */
  close(): Promise<void>;
}
