// The device under test as the controller sees it: what the executor's controller steps need (implemented on the session runner, part B).
import type { Plan } from '../../policy/index.js';
import type { CONTROLLER_COMMANDS } from '../scenarios/scenario-schema.js';

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

export interface SessionRequest {
  /** A plan that passed parsePlan (the scenario loader checked it). */
  readonly plan: Plan;
  /** Professional unlock credential, read from the environment variable the scenario names. */
  readonly unlockCredential?: string;
}

export interface SessionEnd {
  /** The machine's outcome: completed, refused, fault, emergencyStop or aborted. */
  readonly outcome: string;
  /** Reason codes of the refusals, clamps, stops and faults, in order. */
  readonly reasons: readonly string[];
  readonly passesByArea: Readonly<Record<string, number>>;
}

/** A running session. The bench's contact arm is its operator's hand: it presses while `isTreating`. */
export interface SessionHandle {
  /** True while the machine has the drive armed on an area and waits for, or has, contact. */
  readonly isTreating: boolean;
  /** The area being treated, null between areas. */
  readonly area: string | null;
  readonly ended: Promise<SessionEnd>;
}

/** The pen's answer to a direct command: ACK, or the NAK's reason name; the value it applied (clamped) if any. */
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
 * The controller side of a bench run, on the one session runner (issue 9) with the bench as its
 * operator. Time is the bench's clock: for the simulated target the runner must use the
 * PenSimulation the emulated fixture board is attached to (SimBench.simulation). Every method
 * only asks; the machine decides.
 */
export interface BenchTarget {
  /** Connects the controller to the pen (HELLO/INFO) within `timeoutMs` of bench time. Rejects when it cannot. */
  connect(timeoutMs: number): Promise<DeviceUnderTest>;
  /** Starts a plan session (admission by the machine, then treatment). Rejects when no pen is connected. */
  startSession(request: SessionRequest): Promise<SessionHandle>;
  /** An operator command through the machine; STOP and ESTOP take the realtime path. Never throws. */
  command(command: ControllerCommand): void;
  /** S18: a pen command sent straight to the firmware, bypassing the machine (its limiter must hold). */
  sendDirect(message: string, fields: Readonly<Record<string, number>>): Promise<DirectAnswer>;
  readings(): ControllerReadings;
  /** Passes the machine counted on `area` in the current or last session; null before any session. */
  passes(area: string): number | null;
  /** Outcome of the last session that ended, null while none has. */
  lastOutcome(): string | null;
  /** Ends any session (STOP) and closes the link. Idempotent. */
  close(): Promise<void>;
}
