// Record types and the Store interface: what the controller, the CLI and the crash harness call.
import type { Screening } from '../policy/screening.js';
import type { PriorAreaSession } from '../policy/session-rules.js';
import type { TreatmentMode } from '../policy/treatment-config.js';
import type { SessionOutcome } from './schema.js';

export interface ClientInput {
  /** Pseudonymous id (1-64 characters): never a name. */
  readonly clientId: string;
  readonly birthYear: number;
  /** Screening answers to keep with their date; each call with one appends a screening record. */
  readonly screening?: Screening;
}

export interface ClientRecord {
  readonly clientId: string;
  readonly birthYear: number;
  /** The latest screening recorded, or null. */
  readonly screening: Screening | null;
}

export interface PlannedArea {
  readonly area: string;
  readonly depthUm: number;
  readonly strokeHz: number;
  /** Pass limit for the area in this session (0-6). */
  readonly passLimit: number;
}

export interface BeginSessionInput {
  readonly clientId: string;
  readonly mode: TreatmentMode;
  readonly isPatchTest: boolean;
  /** Cartridge id from the pen, or null when none. */
  readonly cartridgeId: number | null;
  readonly areas: readonly PlannedArea[];
  /** The plan as given, kept as JSON for the record. */
  readonly plan?: unknown;
}

export interface OpenedPass {
  readonly passId: number;
  /** 1-based, per session and area. */
  readonly passNumber: number;
}

export interface AreaResult {
  /** Passes performed (with contact), as the controller reports them. */
  readonly passes: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly maxMeasuredDepthUm: number | null;
  readonly lockReason?: string | null;
}

export interface FaultInput {
  /** Fault name, e.g. `OVER_DEPTH` or `LINK_DEAD`. */
  readonly code: string;
  readonly detail?: string;
}

export interface RefusalInput {
  readonly reason: string;
  readonly detail: string;
  readonly area?: string;
  readonly sessionId?: number | null;
  readonly clientId?: string | null;
}

export interface PassRecord {
  readonly passId: number;
  readonly area: string;
  readonly passNumber: number;
  readonly openedAtMs: number;
  readonly contactAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly strokes: number | null;
  readonly punctures: number | null;
}

export interface AreaRecord extends PlannedArea {
  readonly passesOpened: number;
  readonly passes: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly maxMeasuredDepthUm: number | null;
  readonly lockReason: string | null;
  readonly finishedAtMs: number | null;
}

export interface SessionRecord {
  readonly sessionId: number;
  readonly clientId: string;
  readonly mode: TreatmentMode;
  readonly isPatchTest: boolean;
  readonly cartridgeId: number | null;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly outcome: SessionOutcome | null;
  readonly areas: readonly AreaRecord[];
  readonly faults: readonly { readonly atMs: number; readonly code: string; readonly detail: string | null }[];
  readonly refusals: readonly {
    readonly atMs: number;
    readonly reason: string;
    readonly detail: string;
    readonly area: string | null;
  }[];
}

export interface ResumableSession extends Omit<SessionRecord, 'faults' | 'refusals'> {
  /** Opened passes per planned area (0 included): the machine's `priorPassesByArea`. */
  readonly openedPassesByArea: Readonly<Record<string, number>>;
  /** Passes opened but never closed (the crash hit during them): they count. */
  readonly unclosedPasses: readonly PassRecord[];
}

export interface PatchTestRecord {
  readonly doneAtMs: number;
  readonly sessionId: number | null;
  readonly area: string | null;
}

export interface AuditEntry {
  readonly auditId: number;
  readonly atMs: number;
  readonly sessionId: number | null;
  readonly kind: string;
  readonly detail: unknown;
}

/**
 * Durable records. Every mutating call is one transaction, on disk (fsynced) when it returns, and
 * appends its own audit row in the same transaction. Calls throw StoreError on invalid input, an
 * unknown record, or a rule the records enforce (pass limit, cartridge reuse, ended session).
 */
export interface Store {
  readonly path: string;
  upsertClient(client: ClientInput): void;
  getClient(clientId: string): ClientRecord | null;
  /** A patch test done outside a recorded session (a completed patch-test session records its own). */
  recordPatchTest(clientId: string, doneAtMs?: number, area?: string): number;
  latestPatchTest(clientId: string): PatchTestRecord | null;
  beginSession(input: BeginSessionInput): number;
  /** NOTE: S5/S16: the pass is on disk before this returns; call it before the needles may run. */
  openPass(sessionId: number, area: string): OpenedPass;
  markPassContact(passId: number): void;
  closePass(passId: number, result: { strokes: number; punctures: number }): void;
  finishArea(sessionId: number, area: string, result: AreaResult): void;
  recordFault(sessionId: number | null, fault: FaultInput): number;
  recordRefusal(refusal: RefusalInput): number;
  audit(kind: string, detail?: unknown, sessionId?: number | null): number;
  /**
   * Runs `body` as one transaction (one durable commit); every audit row written inside names
   * `causeEventId` as its cause. Throws StoreError; then nothing of `body` was written.
   */
  batch<T>(causeEventId: number | null, body: () => T): T;
  endSession(sessionId: number, outcome: SessionOutcome): void;
  openedPassesByArea(sessionId: number): Record<string, number>;
  passes(sessionId: number): PassRecord[];
  findResumableSession(clientId: string): ResumableSession | null;
  lastSessionByArea(
    clientId: string,
    options?: { mode?: TreatmentMode; excludeSessionId?: number },
  ): Record<string, PriorAreaSession[]>;
  isCartridgeSeen(cartridgeId: number): boolean;
  markCartridgeUsed(cartridgeId: number, sessionId: number): void;
  history(clientId?: string): SessionRecord[];
  auditLog(options?: { sessionId?: number; afterId?: number }): AuditEntry[];
  /** `PRAGMA integrity_check` result: 'ok' when sound. */
  integrityCheck(): string;
  close(): void;
}
