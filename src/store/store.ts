// The record store: synchronous, one durable chained transaction per call; claims, sessions, passes, reads (SQLite or PostgreSQL underneath).
import { parseScreening, type Screening } from '../policy/screening.js';
import { newHolder, retireHolder } from './claim-holder.js';
import { claimClient, liveClaim, ownClaims, releaseClient } from './claims.js';
import { StoreCore } from './core.js';
import { asStoreError, DEFAULT_BUSY_TIMEOUT_MS, StoreError } from './errors.js';
import { headPathOf, readHead } from './head.js';
import { encodeJson } from './json.js';
import { openDatabase, storePathIn } from './open.js';
import { closePass, markPassContact, openPass, recordPassProgress } from './pass-writes.js';
import * as queries from './queries.js';
import type { SessionOutcome } from './schema.js';
import * as sessions from './session-writes.js';
import { lastTreatmentsByArea } from './treatments.js';
import type {
  AreaResult,
  AuditEntry,
  BeginSessionInput,
  CartridgeUse,
  ClientInput,
  ClientRecord,
  PassResult,
  RefusalInput,
  ResumableSession,
  Store,
} from './types.js';
import { optionalText, requireCartridgeId, requireCount, requireInteger, requireText } from './validate.js';
import { verifyChain, type ChainAnchor, type VerifyReport } from './verify.js';
import { sqliteConnection, statement } from './sql.js';

export interface StoreOptions {
  /** Wall-clock source for record times, ms since epoch (default Date.now). */
  readonly nowMs?: () => number;
  /** Schema version to migrate to (default latest); tests use it to build older files. */
  readonly schemaVersion?: number;
  /** 'read' never creates, migrates or writes the file (history, verify); default 'write'. */
  readonly access?: 'write' | 'read';
  /** How long a write waits for another process's write lock before StoreError BUSY, ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** Longest free text kept in a refusal or fault detail. */
const MAX_DETAIL_CHARS = 2000;

/** What differs per backend beyond its SQL connection: the engine's own check, the chain walk, the URL or path. */
export interface StoreBackend {
  integrityCheck(): string;
  verify(anchors?: readonly ChainAnchor[]): VerifyReport;
}

/** The Store on any SqlConnection: every rule and record written once, for both backends. */
export class RecordStore implements Store {
  private closed = false;

  constructor(
    private readonly core: StoreCore,
    private readonly backend: StoreBackend,
  ) {}

  get path(): string {
    return this.core.path;
  }

  get readOnly(): boolean {
    return this.core.readOnly;
  }

  private read<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw this.core.fail(error, `${what} failed`);
    }
  }

  batch<T>(causeEventId: number | null, body: () => T): T {
    return this.core.batch(causeEventId, body);
  }

  upsertClient(client: ClientInput): void {
    requireText(client.clientId, 'clientId', 64);
    requireInteger(client.birthYear, 'birthYear', 1900, 9999);
    let screening: Screening | null = null;
    if (client.screening !== undefined) {
      const parsed = parseScreening(client.screening);
      if (!parsed.ok)
        throw new StoreError('INVALID', `screening: ${parsed.errors.map((error) => error.field).join(', ')}`);
      screening = parsed.screening;
    }
    const answersJson = screening === null ? null : encodeJson(screening, 'screening');
    this.core.write('client.upserted', null, () => {
      const now = this.core.now();
      statement(
        this.core.sql,
        `INSERT INTO clients (client_id, birth_year, created_at, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (client_id) DO UPDATE SET birth_year = excluded.birth_year, updated_at = excluded.updated_at`,
      ).run(client.clientId, client.birthYear, now, now);
      if (screening !== null) {
        statement(
          this.core.sql,
          'INSERT INTO screenings (client_id, answered_at, answers_json, recorded_at) VALUES (?, ?, ?, ?)',
        ).run(client.clientId, screening.answeredAt, answersJson, now);
      }
      return { result: undefined, detail: { clientId: client.clientId, birthYear: client.birthYear, screening } };
    });
  }

  getClient(clientId: string): ClientRecord | null {
    return this.read('reading a client', () => queries.client(this.core.sql, clientId));
  }

  recordPatchTest(clientId: string, doneAtMs?: number, area?: string): number {
    requireText(clientId, 'clientId', 64);
    const where = optionalText(area, 'area', 64);
    return this.core.write('patchTest.recorded', null, () => {
      const doneAt = requireCount(doneAtMs ?? this.core.now(), 'doneAtMs');
      const inserted = statement(
        this.core.sql,
        'INSERT INTO patch_tests (client_id, done_at, session_id, area, recorded_at) VALUES (?, ?, NULL, ?, ?) RETURNING patch_test_id AS id',
      ).get(clientId, doneAt, where, this.core.now()) as { id: number };
      return { result: Number(inserted.id), detail: { clientId, doneAtMs: doneAt, area: where } };
    });
  }

  latestPatchTest(clientId: string) {
    return this.read('reading patch tests', () => queries.latestPatchTest(this.core.sql, clientId));
  }

  claimClient(clientId: string) {
    return claimClient(this.core, clientId);
  }

  releaseClient(clientId: string, reason?: string): boolean {
    return releaseClient(this.core, clientId, reason);
  }

  activeClaim(clientId: string) {
    return this.read('reading claims', () => liveClaim(this.core, clientId));
  }

  beginSession(input: BeginSessionInput): number {
    return sessions.beginSession(this.core, input);
  }

  resumeSession(sessionId: number, input: { readonly cartridgeId: number | null }): ResumableSession {
    sessions.resumeSession(this.core, sessionId, input.cartridgeId);
    const facts = queries.resumeFacts(this.core.sql, sessionId) as Omit<ResumableSession, 'claim'>;
    return { ...facts, claim: liveClaim(this.core, facts.clientId) };
  }

  openPass(sessionId: number, area: string) {
    return openPass(this.core, sessionId, area);
  }

  markPassContact(passId: number): void {
    markPassContact(this.core, passId);
  }

  recordPassProgress(passId: number, progress: PassResult): void {
    recordPassProgress(this.core, passId, progress);
  }

  closePass(passId: number, result: PassResult): void {
    closePass(this.core, passId, result);
  }

  finishArea(sessionId: number, area: string, result: AreaResult): void {
    sessions.finishArea(this.core, sessionId, area, result, () => this.openedPassesByArea(sessionId)[area]);
  }

  recordFault(sessionId: number | null, fault: { code: string; detail?: string }): number {
    const code = requireText(fault.code, 'fault code', 64);
    const detail = optionalText(fault.detail, 'fault detail', MAX_DETAIL_CHARS);
    return this.core.write('fault.recorded', sessionId, () => {
      const inserted = statement(
        this.core.sql,
        'INSERT INTO faults (session_id, at, code, detail) VALUES (?, ?, ?, ?) RETURNING fault_id AS id',
      ).get(sessionId, this.core.now(), code, detail) as { id: number };
      return { result: Number(inserted.id), detail: { code, detail } };
    });
  }

  recordRefusal(refusal: RefusalInput): number {
    const sessionId = refusal.sessionId ?? null;
    const reason = requireText(refusal.reason, 'reason', 64);
    const detail = optionalText(refusal.detail, 'refusal detail', MAX_DETAIL_CHARS) ?? '';
    const area = optionalText(refusal.area, 'area', 64);
    const clientId = optionalText(refusal.clientId, 'clientId', 64);
    return this.core.write('refusal.recorded', sessionId, () => {
      const inserted = statement(
        this.core.sql,
        'INSERT INTO refusals (session_id, client_id, at, reason, detail, area) VALUES (?, ?, ?, ?, ?, ?) RETURNING refusal_id AS id',
      ).get(sessionId, clientId, this.core.now(), reason, detail, area) as { id: number };
      return { result: Number(inserted.id), detail: { reason, detail, area, sessionId, clientId } };
    });
  }

  audit(kind: string, detail?: unknown, sessionId: number | null = null): number {
    this.core.write(kind, sessionId, () => ({ result: undefined, detail }));
    return this.core.lastAuditId;
  }

  endSession(sessionId: number, outcome: SessionOutcome): void {
    sessions.endSession(this.core, sessionId, outcome);
  }

  openedPassesByArea(sessionId: number): Record<string, number> {
    return this.read('reading passes', () => queries.openedPassesByArea(this.core.sql, sessionId));
  }

  passes(sessionId: number) {
    return this.read('reading passes', () => queries.passesOf(this.core.sql, sessionId));
  }

  findResumableSession(clientId: string): ResumableSession | null {
    return this.read('reading sessions', () => {
      const facts = queries.findResumableSession(this.core.sql, clientId);
      return facts === null ? null : { ...facts, claim: liveClaim(this.core, clientId) };
    });
  }

  sessionUsage(sessionId: number) {
    return this.read('reading usage', () => queries.sessionUsage(this.core.sql, sessionId));
  }

  lastSessionByArea(clientId: string, options?: Parameters<Store['lastSessionByArea']>[1]) {
    return this.read('reading sessions', () => queries.lastSessionByArea(this.core.sql, clientId, options));
  }

  lastTreatmentsByArea(clientId: string, options?: { excludeSessionId?: number }) {
    return this.read('reading treatments', () => lastTreatmentsByArea(this.core.sql, clientId, options));
  }

  isCartridgeSeen(cartridgeId: number): boolean {
    return this.cartridgeUse(cartridgeId) !== null;
  }

  cartridgeUse(cartridgeId: number): CartridgeUse | null {
    return this.read('reading cartridges', () => queries.cartridgeUse(this.core.sql, cartridgeId));
  }

  markCartridgeUsed(cartridgeId: number, sessionId: number): void {
    sessions.markCartridgeUsed(this.core, requireCartridgeId(cartridgeId), sessionId);
  }

  history(clientId?: string) {
    return this.read('reading history', () => queries.history(this.core.sql, clientId));
  }

  newestRecordAtMs(): number | null {
    return this.read('reading the audit log', () => queries.newestRecordAtMs(this.core.sql));
  }

  auditLog(options: { sessionId?: number; afterId?: number } = {}): AuditEntry[] {
    return this.read('reading the audit log', () => queries.auditLog(this.core.sql, options));
  }

  integrityCheck(): string {
    return this.backend.integrityCheck();
  }

  verify(anchors?: readonly ChainAnchor[]): VerifyReport {
    return this.backend.verify(anchors);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // NOTE: a claim left behind (the server unreachable, say) is stale once this store is closed or its
    // process gone: the next holder takes it over. The holder retires even when the release cannot be written.
    if (!this.core.readOnly && this.core.tables.some((table) => table.name === 'session_claims')) {
      try {
        for (const claim of ownClaims(this.core)) {
          try {
            releaseClient(this.core, claim.clientId, 'store closed');
          } catch {
            // NOTE: see above.
          }
        }
      } catch {
        // NOTE: the claims could not be read: see above.
      }
    }
    retireHolder(this.core.holder);
    this.core.close();
  }
}

/**
 * Opens the record file at `path` (see openDatabase: created with its directory and chain head
 * when absent and access is 'write'; verified before use), migrating it to the latest schema.
 * Throws StoreError (NOT_SQLITE, FOREIGN, CORRUPT, EMPTY_FILE, NOT_A_FILE, MISSING_FILE,
 * NEWER_SCHEMA, OLDER_SCHEMA, SCHEMA_ALTERED, RECORDS_TAMPERED, RECORDS_LOST, CHAIN_HEAD_MISSING,
 * READ_ONLY, DISK_FULL, BUSY, IO) without writing to a file that is not a sound mnpen store.
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const clock = options.nowMs ?? Date.now;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  requireInteger(busyTimeoutMs, 'busyTimeoutMs', 0, 600_000);
  const opened = openDatabase(path, {
    nowMs: clock(),
    targetVersion: options.schemaVersion,
    access: options.access,
    busyTimeoutMs,
  });
  const { db } = opened;
  const core = new StoreCore(
    path,
    sqliteConnection(db),
    clock,
    opened.tables,
    opened.head,
    newHolder(),
    opened.head === null,
    (error, action) => asStoreError(error, action, path, busyTimeoutMs),
    () => {
      if (db.open) db.close();
    },
  );
  return new RecordStore(core, {
    integrityCheck: () =>
      (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; '),
    verify: (anchors) => {
      const headPath = headPathOf(path);
      const version = db.pragma('user_version', { simple: true }) as number;
      return verifyChain(db, { version, head: readHead(headPath), headPath, anchors });
    },
  });
}

/** Opens the store file inside a data directory (see resolveDataDir). */
export function openStoreInDataDir(dataDir: string, options: StoreOptions = {}): Store {
  return openStore(storePathIn(dataDir), options);
}
