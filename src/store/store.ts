// The record store: synchronous, one durable transaction per call, each with its own audit row.
import type Database from 'better-sqlite3';
import { parseScreening, type Screening } from '../policy/screening.js';
import { TREATMENT_MODES } from '../policy/treatment-config.js';
import { openDatabase, StoreError, storePathIn } from './open.js';
import { asStoreError, requireCartridgeId, requireCount, requireText } from './validate.js';
import * as queries from './queries.js';
import { SESSION_OUTCOMES, type SessionOutcome } from './schema.js';
import type {
  AreaResult,
  AuditEntry,
  BeginSessionInput,
  ClientInput,
  ClientRecord,
  OpenedPass,
  Store,
} from './types.js';

export interface StoreOptions {
  /** Wall-clock source for record times, ms since epoch (default Date.now). */
  readonly nowMs?: () => number;
  /** Schema version to migrate to (default latest); tests use it to build older files. */
  readonly schemaVersion?: number;
}

class SqliteStore implements Store {
  /** The event every audit row written inside `batch` names as its cause. */
  private cause: number | null = null;

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {}

  private now(): number {
    const nowMs = Math.floor(this.clock());
    if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new StoreError('INVALID', `clock gave ${nowMs}`);
    return nowMs;
  }

  /** Runs `body` and its audit row in one transaction; SQLite constraint failures become StoreError. */
  private write<T>(kind: string, sessionId: number | null, body: () => { result: T; detail: unknown }): T {
    try {
      return this.db.transaction(() => {
        const { result, detail } = body();
        this.appendAudit(kind, detail, sessionId);
        return result;
      })();
    } catch (error) {
      throw asStoreError(error, kind);
    }
  }

  private appendAudit(kind: string, detail: unknown, sessionId: number | null): number {
    const recorded = this.cause === null ? (detail ?? null) : withCause(detail, this.cause);
    const info = this.db
      .prepare('INSERT INTO audit_log (at, session_id, kind, detail_json) VALUES (?, ?, ?, ?)')
      .run(this.now(), sessionId, requireText(kind, 'audit kind', 100), JSON.stringify(recorded));
    return Number(info.lastInsertRowid);
  }

  batch<T>(causeEventId: number | null, body: () => T): T {
    const previous = this.cause;
    this.cause = causeEventId;
    try {
      return this.db.transaction(body)();
    } catch (error) {
      throw asStoreError(error, 'batch');
    } finally {
      this.cause = previous;
    }
  }

  private openSession(sessionId: number): { cartridge_id: number | null; ended_at: number | null } {
    const row = this.db.prepare('SELECT cartridge_id, ended_at FROM sessions WHERE session_id = ?').get(sessionId) as
      { cartridge_id: number | null; ended_at: number | null } | undefined;
    if (row === undefined) throw new StoreError('NOT_FOUND', `no session ${sessionId}`);
    if (row.ended_at !== null) throw new StoreError('SESSION_ENDED', `session ${sessionId} has ended`);
    return row;
  }

  upsertClient(client: ClientInput): void {
    requireText(client.clientId, 'clientId', 64);
    let screening: Screening | null = null;
    if (client.screening !== undefined) {
      const parsed = parseScreening(client.screening);
      if (!parsed.ok)
        throw new StoreError('INVALID', `screening: ${parsed.errors.map((error) => error.field).join(', ')}`);
      screening = parsed.screening;
    }
    this.write('client.upserted', null, () => {
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO clients (client_id, birth_year, created_at, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (client_id) DO UPDATE SET birth_year = excluded.birth_year, updated_at = excluded.updated_at`,
        )
        .run(client.clientId, client.birthYear, now, now);
      if (screening !== null) {
        this.db
          .prepare('INSERT INTO screenings (client_id, answered_at, answers_json, recorded_at) VALUES (?, ?, ?, ?)')
          .run(client.clientId, screening.answeredAt, JSON.stringify(screening), now);
      }
      return { result: undefined, detail: { clientId: client.clientId, birthYear: client.birthYear, screening } };
    });
  }

  getClient(clientId: string): ClientRecord | null {
    const row = this.db.prepare('SELECT birth_year FROM clients WHERE client_id = ?').get(clientId) as
      { birth_year: number } | undefined;
    if (row === undefined) return null;
    const latest = this.db
      .prepare('SELECT answers_json FROM screenings WHERE client_id = ? ORDER BY screening_id DESC LIMIT 1')
      .get(clientId) as { answers_json: string } | undefined;
    const screening = latest === undefined ? null : (JSON.parse(latest.answers_json) as Screening);
    return { clientId, birthYear: row.birth_year, screening };
  }

  recordPatchTest(clientId: string, doneAtMs?: number, area?: string): number {
    return this.write('patchTest.recorded', null, () => {
      const doneAt = doneAtMs ?? this.now();
      requireCount(doneAt, 'doneAtMs');
      const info = this.db
        .prepare(
          'INSERT INTO patch_tests (client_id, done_at, session_id, area, recorded_at) VALUES (?, ?, NULL, ?, ?)',
        )
        .run(clientId, doneAt, area ?? null, this.now());
      return { result: Number(info.lastInsertRowid), detail: { clientId, doneAtMs: doneAt, area: area ?? null } };
    });
  }

  latestPatchTest(clientId: string) {
    const row = this.db
      .prepare('SELECT done_at, session_id, area FROM patch_tests WHERE client_id = ? ORDER BY done_at DESC LIMIT 1')
      .get(clientId) as { done_at: number; session_id: number | null; area: string | null } | undefined;
    return row === undefined ? null : { doneAtMs: row.done_at, sessionId: row.session_id, area: row.area };
  }

  beginSession(input: BeginSessionInput): number {
    if (!TREATMENT_MODES.includes(input.mode)) throw new StoreError('INVALID', `unknown mode ${String(input.mode)}`);
    if (input.areas.length === 0) throw new StoreError('INVALID', 'a session needs at least one area');
    if (new Set(input.areas.map((area) => area.area)).size !== input.areas.length)
      throw new StoreError('INVALID', 'an area appears twice in the session');
    if (input.cartridgeId !== null) requireCartridgeId(input.cartridgeId);
    return this.write('session.began', null, () => {
      const info = this.db
        .prepare(
          'INSERT INTO sessions (client_id, mode, is_patch_test, cartridge_id, plan_json, started_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.clientId,
          input.mode,
          input.isPatchTest ? 1 : 0,
          input.cartridgeId,
          input.plan === undefined ? null : JSON.stringify(input.plan),
          this.now(),
        );
      const sessionId = Number(info.lastInsertRowid);
      const insertArea = this.db.prepare(
        'INSERT INTO session_areas (session_id, area, position, depth_um, stroke_hz, pass_limit) VALUES (?, ?, ?, ?, ?, ?)',
      );
      input.areas.forEach((area, position) =>
        insertArea.run(
          sessionId,
          requireText(area.area, 'area', 64),
          position,
          area.depthUm,
          area.strokeHz,
          area.passLimit,
        ),
      );
      const { plan: _plan, ...detail } = input;
      return { result: sessionId, detail: { sessionId, ...detail } };
    });
  }

  private claimCartridge(cartridgeId: number, sessionId: number): void {
    this.db
      .prepare(
        'INSERT INTO cartridges (cartridge_id, session_id, first_used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(cartridgeId, sessionId, this.now());
    const owner = this.db.prepare('SELECT session_id FROM cartridges WHERE cartridge_id = ?').get(cartridgeId) as {
      session_id: number | null;
    };
    if (owner.session_id !== sessionId) {
      throw new StoreError(
        'CARTRIDGE_REUSED',
        `cartridge ${cartridgeId} was used in session ${String(owner.session_id)}`,
      );
    }
  }

  openPass(sessionId: number, area: string): OpenedPass {
    return this.write('pass.opened', sessionId, () => {
      const session = this.openSession(sessionId);
      const row = this.db
        .prepare(
          `SELECT a.pass_limit AS passLimit,
                  (SELECT count(*) FROM passes p WHERE p.session_id = a.session_id AND p.area = a.area) AS opened
           FROM session_areas a WHERE a.session_id = ? AND a.area = ?`,
        )
        .get(sessionId, area) as { passLimit: number; opened: number } | undefined;
      if (row === undefined) throw new StoreError('NOT_FOUND', `area ${area} is not planned in session ${sessionId}`);
      if (row.opened >= row.passLimit) {
        throw new StoreError('PASS_LIMIT_REACHED', `${area}: ${row.opened} of ${row.passLimit} passes already opened`);
      }
      if (session.cartridge_id !== null) this.claimCartridge(session.cartridge_id, sessionId);
      const passNumber = row.opened + 1;
      const info = this.db
        .prepare('INSERT INTO passes (session_id, area, pass_number, opened_at) VALUES (?, ?, ?, ?)')
        .run(sessionId, area, passNumber, this.now());
      const passId = Number(info.lastInsertRowid);
      return { result: { passId, passNumber }, detail: { passId, area, passNumber } };
    });
  }

  private passSession(passId: number): number {
    const row = this.db.prepare('SELECT session_id FROM passes WHERE pass_id = ?').get(passId) as
      { session_id: number } | undefined;
    if (row === undefined) throw new StoreError('NOT_FOUND', `no pass ${passId}`);
    return row.session_id;
  }

  markPassContact(passId: number): void {
    const sessionId = this.passSession(passId);
    this.write('pass.contact', sessionId, () => {
      this.db
        .prepare('UPDATE passes SET contact_at = ? WHERE pass_id = ? AND contact_at IS NULL')
        .run(this.now(), passId);
      return { result: undefined, detail: { passId } };
    });
  }

  closePass(passId: number, result: { strokes: number; punctures: number }): void {
    const sessionId = this.passSession(passId);
    const strokes = requireCount(result.strokes, 'strokes');
    const punctures = requireCount(result.punctures, 'punctures');
    this.write('pass.closed', sessionId, () => {
      this.db
        .prepare('UPDATE passes SET ended_at = ?, strokes = ?, punctures = ? WHERE pass_id = ?')
        .run(this.now(), strokes, punctures, passId);
      return { result: undefined, detail: { passId, strokes, punctures } };
    });
  }

  finishArea(sessionId: number, area: string, result: AreaResult): void {
    const passes = requireCount(result.passes, 'passes');
    const strokes = requireCount(result.strokes, 'strokes');
    const punctures = requireCount(result.punctures, 'punctures');
    const maxDepth = result.maxMeasuredDepthUm;
    if (maxDepth !== null && !Number.isInteger(maxDepth))
      throw new StoreError('INVALID', 'maxMeasuredDepthUm must be an integer');
    this.write('area.finished', sessionId, () => {
      this.openSession(sessionId);
      const opened = this.openedPassesByArea(sessionId)[area];
      if (opened === undefined)
        throw new StoreError('NOT_FOUND', `area ${area} is not planned in session ${sessionId}`);
      if (passes > opened) throw new StoreError('INVALID', `${area}: ${passes} passes reported, only ${opened} opened`);
      this.db
        .prepare(
          `UPDATE session_areas SET passes = ?, strokes = ?, punctures = ?, max_measured_depth_um = ?, lock_reason = ?,
           finished_at = ? WHERE session_id = ? AND area = ?`,
        )
        .run(passes, strokes, punctures, maxDepth, result.lockReason ?? null, this.now(), sessionId, area);
      return { result: undefined, detail: { area, ...result } };
    });
  }

  recordFault(sessionId: number | null, fault: { code: string; detail?: string }): number {
    return this.write('fault.recorded', sessionId, () => {
      const info = this.db
        .prepare('INSERT INTO faults (session_id, at, code, detail) VALUES (?, ?, ?, ?)')
        .run(sessionId, this.now(), requireText(fault.code, 'fault code', 64), fault.detail ?? null);
      return { result: Number(info.lastInsertRowid), detail: fault };
    });
  }

  recordRefusal(refusal: {
    reason: string;
    detail: string;
    area?: string;
    sessionId?: number | null;
    clientId?: string | null;
  }): number {
    const sessionId = refusal.sessionId ?? null;
    return this.write('refusal.recorded', sessionId, () => {
      const info = this.db
        .prepare('INSERT INTO refusals (session_id, client_id, at, reason, detail, area) VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          sessionId,
          refusal.clientId ?? null,
          this.now(),
          requireText(refusal.reason, 'reason', 64),
          refusal.detail,
          refusal.area ?? null,
        );
      return { result: Number(info.lastInsertRowid), detail: refusal };
    });
  }

  audit(kind: string, detail?: unknown, sessionId: number | null = null): number {
    try {
      return this.db.transaction(() => this.appendAudit(kind, detail, sessionId))();
    } catch (error) {
      throw asStoreError(error, kind);
    }
  }

  endSession(sessionId: number, outcome: SessionOutcome): void {
    if (!SESSION_OUTCOMES.includes(outcome)) throw new StoreError('INVALID', `unknown outcome ${String(outcome)}`);
    this.write('session.ended', sessionId, () => {
      this.openSession(sessionId);
      const now = this.now();
      this.db
        .prepare('UPDATE sessions SET ended_at = ?, outcome = ? WHERE session_id = ?')
        .run(now, outcome, sessionId);
      // NOTE: a patch test counts only when completed with at least one pass in contact with the skin.
      const patch = this.db
        .prepare(
          `SELECT s.client_id AS clientId, p.area AS area FROM sessions s JOIN passes p ON p.session_id = s.session_id
           WHERE s.session_id = ? AND s.is_patch_test = 1 AND p.contact_at IS NOT NULL ORDER BY p.pass_id LIMIT 1`,
        )
        .get(sessionId) as { clientId: string; area: string } | undefined;
      const patchTestRecorded = outcome === 'completed' && patch !== undefined;
      if (patchTestRecorded) {
        this.db
          .prepare('INSERT INTO patch_tests (client_id, done_at, session_id, area, recorded_at) VALUES (?, ?, ?, ?, ?)')
          .run(patch.clientId, now, sessionId, patch.area, now);
      }
      return { result: undefined, detail: { outcome, patchTestRecorded } };
    });
  }

  openedPassesByArea(sessionId: number): Record<string, number> {
    return queries.openedPassesByArea(this.db, sessionId);
  }

  passes(sessionId: number) {
    return queries.passesOf(this.db, sessionId);
  }

  findResumableSession(clientId: string) {
    return queries.findResumableSession(this.db, clientId);
  }

  lastSessionByArea(clientId: string, options?: Parameters<Store['lastSessionByArea']>[1]) {
    return queries.lastSessionByArea(this.db, clientId, options);
  }

  isCartridgeSeen(cartridgeId: number): boolean {
    return this.db.prepare('SELECT 1 FROM cartridges WHERE cartridge_id = ?').get(cartridgeId) !== undefined;
  }

  markCartridgeUsed(cartridgeId: number, sessionId: number): void {
    requireCartridgeId(cartridgeId);
    this.write('cartridge.used', sessionId, () => {
      this.openSession(sessionId);
      this.claimCartridge(cartridgeId, sessionId);
      return { result: undefined, detail: { cartridgeId } };
    });
  }

  history(clientId?: string) {
    return queries.history(this.db, clientId);
  }

  auditLog(options: { sessionId?: number; afterId?: number } = {}): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT audit_id, at, session_id, kind, detail_json FROM audit_log
         WHERE audit_id > ? AND (? IS NULL OR session_id = ?) ORDER BY audit_id`,
      )
      .all(options.afterId ?? 0, options.sessionId ?? null, options.sessionId ?? null) as {
      audit_id: number;
      at: number;
      session_id: number | null;
      kind: string;
      detail_json: string;
    }[];
    return rows.map((row) => ({
      auditId: row.audit_id,
      atMs: row.at,
      sessionId: row.session_id,
      kind: row.kind,
      detail: JSON.parse(row.detail_json) as unknown,
    }));
  }

  integrityCheck(): string {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** An audit detail with the id of the event that caused it (objects gain `causeEventId`; other values are wrapped). */
function withCause(detail: unknown, causeEventId: number): unknown {
  if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) return { ...detail, causeEventId };
  return { value: detail ?? null, causeEventId };
}

/**
 * Opens the record file at `path` (created with its directory when absent), migrating it to the
 * latest schema. Throws StoreError (NOT_SQLITE, FOREIGN, CORRUPT, NEWER_SCHEMA, SCHEMA_MISMATCH,
 * IO) without writing to a file that is not a sound mnpen store.
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const clock = options.nowMs ?? Date.now;
  const db = openDatabase(path, clock(), options.schemaVersion);
  return new SqliteStore(path, db, clock);
}

/** Opens the store file inside a data directory (see resolveDataDir). */
export function openStoreInDataDir(dataDir: string, options: StoreOptions = {}): Store {
  return openStore(storePathIn(dataDir), options);
}
