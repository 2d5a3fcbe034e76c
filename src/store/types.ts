// Record types and the Store interface: what the controller, the CLI and the crash harness call.
import type { Screening } from '../policy/screening.js';
import type { PriorAreaSession } from '../policy/session-rules.js';
import type { TreatmentMode } from '../policy/treatment-config.js';
import type { ClaimHolder } from './claim-holder.js';
import type { SessionOutcome } from './schema.js';
import type { ChainAnchor, VerifyReport } from './verify.js';

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

/** Counts of one pass, at its close or as progress while it runs (S6). Counts only grow. */
export interface PassResult {
  readonly strokes: number;
  readonly punctures: number;
  /** Skin contact during the pass so far, ms (the contact-time budget). */
  readonly contactMs?: number;
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
  /** Professional unlocks of the session (one per start or resume): who, by which credential and key. */
  readonly unlocks: readonly UnlockRecord[];
  /** Clinic profiles the session bound (one per start or resume), by the hash of the signed token. */
  readonly profiles: readonly ProfileRecord[];
}

/** A professional unlock as the audit log keeps it (kind `recordUnlock`). */
export interface UnlockRecord {
  readonly atMs: number;
  readonly credentialId: string;
  readonly keyId: string;
  readonly clinicianId: string;
  readonly clinicianName: string;
  readonly maxDepthUm: number;
}

/** A bound clinic profile as the audit log keeps it (kind `recordProfile`). */
export interface ProfileRecord {
  readonly atMs: number;
  readonly profileId: string;
  readonly name: string;
  readonly keyId: string;
  readonly clinicName: string;
  /** SHA-256 (hex) of the signed profile token. */
  readonly tokenSha256: string;
}

/** What one area of a session has used so far, summed over its passes (closed ones and the progress of open ones). */
export interface AreaUsage {
  readonly passesOpened: number;
  readonly passesClosed: number;
  readonly strokes: number;
  readonly punctures: number;
  readonly contactMs: number;
}

/** A session's used budgets (S6), per area and in total: what carries across a resume. */
export interface SessionUsage {
  readonly byArea: Readonly<Record<string, AreaUsage>>;
  readonly total: { readonly strokes: number; readonly punctures: number; readonly contactMs: number };
}

/** A claim on a client's session as recorded, with what this store can tell about its holder. */
export interface ClaimRecord {
  readonly claimId: number;
  readonly clientId: string;
  /** The session it is bound to, null before the session record exists. */
  readonly sessionId: number | null;
  readonly claimedAtMs: number;
  readonly holder: ClaimHolder;
  readonly heldByThisStore: boolean;
  /** Why the holder is certainly gone (the claim may be taken over), or null when it may be running. */
  readonly staleBecause: string | null;
}

/** The claim this store now holds; `tookOverFrom` is the stale claim it replaced (its holder had crashed). */
export interface ClientClaim {
  readonly claimId: number;
  readonly clientId: string;
  readonly sessionId: number | null;
  readonly claimedAtMs: number;
  readonly tookOverFrom: ClaimRecord | null;
}

export interface ResumableSession extends Omit<SessionRecord, 'faults' | 'refusals' | 'unlocks' | 'profiles'> {
  /** Opened passes per planned area (0 included): the machine's `priorPassesByArea`. */
  readonly openedPassesByArea: Readonly<Record<string, number>>;
  /** Passes opened but never closed (the crash hit during them): they count. */
  readonly unclosedPasses: readonly PassRecord[];
  /** Time of the session's latest record, ms since epoch: its age for the resume window is now minus this. */
  readonly lastRecordAtMs: number;
  /** Budgets used so far: they carry across the resume. */
  readonly usage: SessionUsage;
  /** Every cartridge the session has used, in the order attached; the last is the current one. */
  readonly cartridgeIds: readonly number[];
  readonly currentCartridgeId: number | null;
  /** The live claim on the client (a crashed holder's shows `staleBecause`), or null. */
  readonly claim: ClaimRecord | null;
}

/** One area's latest treatment of a kind: a full session (per mode) or a patch test. */
export interface AreaTreatment extends PriorAreaSession {
  /** The session, or null for a patch test recorded outside a session. */
  readonly sessionId: number | null;
  readonly isPatchTest: boolean;
  /** For a patch test: treated full sessions of the client begun after it (0: it has not cleared one yet). */
  readonly fullSessionsSince: number;
}

/** Which session first used a cartridge. */
export interface CartridgeUse {
  readonly cartridgeId: number;
  readonly sessionId: number | null;
  readonly clientId: string | null;
  readonly firstUsedAtMs: number;
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
 * appends its own chained audit row in the same transaction (S16). Calls throw StoreError on
 * invalid input, an unknown record, a rule the records enforce (pass limit, cartridge reuse,
 * ended session, one session per client), or a fault (disk full, busy, read-only).
 *
 * Session writes (begin, resume, passes, finish, end, cartridge) need this store to hold the
 * client's claim: they take it when it is free or its holder is gone, and refuse with
 * CLIENT_IN_SESSION while another live process holds it. endSession and close release it.
 */
export interface Store {
  readonly path: string;
  /** Opened for reading: every write throws READ_ONLY. */
  readonly readOnly: boolean;
  upsertClient(client: ClientInput): void;
  getClient(clientId: string): ClientRecord | null;
  /** A patch test done outside a recorded session (a completed patch-test session records its own). */
  recordPatchTest(clientId: string, doneAtMs?: number, area?: string): number;
  latestPatchTest(clientId: string): PatchTestRecord | null;
  /**
   * Claims the client's session for this store before admission (S19): at most one live claim per
   * client. Returns the claim (this store's own again when it already holds it); takes over a
   * claim whose holder is gone. Throws CLIENT_IN_SESSION (another live process holds it) or
   * NOT_FOUND (no such client).
   */
  claimClient(clientId: string): ClientClaim;
  /** Releases this store's claim on the client, if it holds one (e.g. after a refusal); true if released. */
  releaseClient(clientId: string, reason?: string): boolean;
  /** The live claim on the client, or null. */
  activeClaim(clientId: string): ClaimRecord | null;
  /** Begins a session; SESSION_OPEN when the client has one that never ended (resume or end it first). */
  beginSession(input: BeginSessionInput): number;
  /**
   * Resumes an interrupted session with the cartridge now in the pen: the cartridge is claimed for
   * the session at once (CARTRIDGE_REUSED if another session used it) and recorded. Returns what
   * the resume needs (age, opened passes, used budgets, cartridges). The resume window is policy.
   */
  resumeSession(sessionId: number, input: { readonly cartridgeId: number | null }): ResumableSession;
  /** NOTE: S5/S16: the pass is on disk before this returns; call it before the needles may run. */
  openPass(sessionId: number, area: string): OpenedPass;
  markPassContact(passId: number): void;
  /** Running counts of an open pass, so a crash keeps what it used (S6). Counts never decrease. */
  recordPassProgress(passId: number, progress: PassResult): void;
  /** Closes a pass; counts below its recorded progress keep the progress. A closed pass is final. */
  closePass(passId: number, result: PassResult): void;
  finishArea(sessionId: number, area: string, result: AreaResult): void;
  recordFault(sessionId: number | null, fault: FaultInput): number;
  recordRefusal(refusal: RefusalInput): number;
  audit(kind: string, detail?: unknown, sessionId?: number | null): number;
  /**
   * Runs `body` as one transaction (one durable commit, the chain head kept after it); every audit
   * row written inside names `causeEventId` as its cause. Throws StoreError; then nothing of `body`
   * was written.
   */
  batch<T>(causeEventId: number | null, body: () => T): T;
  endSession(sessionId: number, outcome: SessionOutcome): void;
  openedPassesByArea(sessionId: number): Record<string, number>;
  passes(sessionId: number): PassRecord[];
  findResumableSession(clientId: string): ResumableSession | null;
  /** Used budgets of a session, summed over its passes. */
  sessionUsage(sessionId: number): SessionUsage;
  /** Full sessions only (patch tests excluded), per area and mode: see lastTreatmentsByArea. */
  lastSessionByArea(
    clientId: string,
    options?: { mode?: TreatmentMode; excludeSessionId?: number },
  ): Record<string, PriorAreaSession[]>;
  /**
   * Per area, the latest treatment of each kind (full session per mode, patch test), newest
   * first: a patch test is a treatment of its area (S19). Treated: at least one pass opened.
   */
  lastTreatmentsByArea(clientId: string, options?: { excludeSessionId?: number }): Record<string, AreaTreatment[]>;
  isCartridgeSeen(cartridgeId: number): boolean;
  cartridgeUse(cartridgeId: number): CartridgeUse | null;
  markCartridgeUsed(cartridgeId: number, sessionId: number): void;
  history(clientId?: string): SessionRecord[];
  /** Time of the newest audit row, ms since epoch (every write appends one); null for an empty log. */
  newestRecordAtMs(): number | null;
  auditLog(options?: { sessionId?: number; afterId?: number }): AuditEntry[];
  /** `PRAGMA integrity_check` result: 'ok' when sound. */
  integrityCheck(): string;
  /** Walks the whole chain now (S16); never throws for a finding. */
  verify(anchors?: readonly ChainAnchor[]): VerifyReport;
  /** Releases this store's claims and closes the file. */
  close(): void;
}
