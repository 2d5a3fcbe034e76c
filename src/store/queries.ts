// Read-side queries of the record file: history, resumable sessions, used budgets, last session per area.
import type { PriorAreaSession } from '../policy/session-rules.js';
import type { TreatmentMode } from '../policy/treatment-config.js';
import type { SessionOutcome } from './schema.js';
import type { Screening } from '../policy/screening.js';
import type {
  AreaRecord,
  AreaUsage,
  AuditEntry,
  CartridgeUse,
  ClientRecord,
  PassRecord,
  PatchTestRecord,
  ProfileRecord,
  ResumableSession,
  SessionRecord,
  SessionUsage,
  UnlockRecord,
} from './types.js';
import { attachOrder, statement, type SqlConnection } from './sql.js';

interface SessionRow {
  session_id: number;
  client_id: string;
  mode: TreatmentMode;
  is_patch_test: number;
  cartridge_id: number | null;
  started_at: number;
  ended_at: number | null;
  outcome: SessionOutcome | null;
}

interface AreaRow {
  area: string;
  depth_um: number;
  stroke_hz: number;
  pass_limit: number;
  passes_opened: number;
  passes: number;
  strokes: number;
  punctures: number;
  max_measured_depth_um: number | null;
  lock_reason: string | null;
  finished_at: number | null;
}

interface PassRow {
  pass_id: number;
  area: string;
  pass_number: number;
  opened_at: number;
  contact_at: number | null;
  ended_at: number | null;
  strokes: number | null;
  punctures: number | null;
}

const SESSION_COLUMNS = 'session_id, client_id, mode, is_patch_test, cartridge_id, started_at, ended_at, outcome';

function areasOf(db: SqlConnection, sessionId: number): AreaRecord[] {
  const rows = statement(
    db,
    `SELECT a.*, (SELECT count(*) FROM passes p WHERE p.session_id = a.session_id AND p.area = a.area) AS passes_opened
       FROM session_areas a WHERE a.session_id = ? ORDER BY a.position`,
  ).all(sessionId) as AreaRow[];
  return rows.map((row) => ({
    area: row.area,
    depthUm: row.depth_um,
    strokeHz: row.stroke_hz,
    passLimit: row.pass_limit,
    passesOpened: row.passes_opened,
    passes: row.passes,
    strokes: row.strokes,
    punctures: row.punctures,
    maxMeasuredDepthUm: row.max_measured_depth_um,
    lockReason: row.lock_reason,
    finishedAtMs: row.finished_at,
  }));
}

function sessionBase(
  db: SqlConnection,
  row: SessionRow,
): Omit<SessionRecord, 'faults' | 'refusals' | 'unlocks' | 'profiles'> {
  return {
    sessionId: row.session_id,
    clientId: row.client_id,
    mode: row.mode,
    isPatchTest: row.is_patch_test === 1,
    cartridgeId: row.cartridge_id,
    startedAtMs: row.started_at,
    endedAtMs: row.ended_at,
    outcome: row.outcome,
    areas: areasOf(db, row.session_id),
  };
}

/** Every pass of a session, in opening order. */
export function passesOf(db: SqlConnection, sessionId: number): PassRecord[] {
  const rows = statement(db, 'SELECT * FROM passes WHERE session_id = ? ORDER BY pass_id').all(sessionId) as PassRow[];
  return rows.map((row) => ({
    passId: row.pass_id,
    area: row.area,
    passNumber: row.pass_number,
    openedAtMs: row.opened_at,
    contactAtMs: row.contact_at,
    endedAtMs: row.ended_at,
    strokes: row.strokes,
    punctures: row.punctures,
  }));
}

/** Opened passes per planned area of a session (0 included). */
export function openedPassesByArea(db: SqlConnection, sessionId: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const area of areasOf(db, sessionId)) counts[area.area] = area.passesOpened;
  return counts;
}

/** Sessions newest first, with areas, faults and refusals; all clients when `clientId` is undefined. */
export function history(db: SqlConnection, clientId?: string): SessionRecord[] {
  const rows = (
    clientId === undefined
      ? statement(db, `SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY session_id DESC`).all()
      : statement(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE client_id = ? ORDER BY session_id DESC`).all(
          clientId,
        )
  ) as SessionRow[];
  const faults = statement(db, 'SELECT at AS "atMs", code, detail FROM faults WHERE session_id = ? ORDER BY fault_id');
  const refusals = statement(
    db,
    'SELECT at AS "atMs", reason, detail, area FROM refusals WHERE session_id = ? ORDER BY refusal_id',
  );
  const trust = statement(
    db,
    `SELECT at, kind, detail_json FROM audit_log
       WHERE session_id = ? AND kind IN ('recordUnlock', 'recordProfile') ORDER BY audit_id`,
  );
  return rows.map((row) => {
    const unlocks: UnlockRecord[] = [];
    const profiles: ProfileRecord[] = [];
    for (const entry of trust.all(row.session_id) as { at: number; kind: string; detail_json: string }[]) {
      const detail = JSON.parse(entry.detail_json) as Record<string, unknown>;
      if (entry.kind === 'recordUnlock') unlocks.push(unlockRecord(entry.at, detail));
      else profiles.push(profileRecord(entry.at, detail));
    }
    return {
      ...sessionBase(db, row),
      faults: faults.all(row.session_id) as SessionRecord['faults'],
      refusals: refusals.all(row.session_id) as SessionRecord['refusals'],
      unlocks,
      profiles,
    };
  });
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function unlockRecord(atMs: number, detail: Record<string, unknown>): UnlockRecord {
  return {
    atMs,
    credentialId: text(detail.credentialId),
    keyId: text(detail.keyId),
    clinicianId: text(detail.clinicianId),
    clinicianName: text(detail.clinicianName),
    maxDepthUm: typeof detail.maxDepthUm === 'number' ? detail.maxDepthUm : 0,
  };
}

function profileRecord(atMs: number, detail: Record<string, unknown>): ProfileRecord {
  return {
    atMs,
    profileId: text(detail.profileId),
    name: text(detail.name),
    keyId: text(detail.keyId),
    clinicName: text(detail.clinicName),
    tokenSha256: text(detail.tokenSha256),
  };
}

/** Time of the newest audit row (a clock set back writes rows older than earlier ones: the maximum, not the last). */
export function newestRecordAtMs(db: SqlConnection): number | null {
  const row = statement(db, 'SELECT max(at) AS at FROM audit_log').get() as { at: number | null };
  return row.at;
}

/**
 * Used budgets of a session (S6), summed over its passes: closed passes with their final counts,
 * open ones with their last recorded progress. Every planned area is listed (zeros included).
 */
export function sessionUsage(db: SqlConnection, sessionId: number): SessionUsage {
  const rows = statement(
    db,
    `SELECT a.area AS area, count(p.pass_id) AS "passesOpened", count(p.ended_at) AS "passesClosed",
              coalesce(sum(p.strokes), 0) AS strokes, coalesce(sum(p.punctures), 0) AS punctures,
              coalesce(sum(p.contact_ms), 0) AS "contactMs"
       FROM session_areas a LEFT JOIN passes p ON p.session_id = a.session_id AND p.area = a.area
       WHERE a.session_id = ? GROUP BY a.session_id, a.area ORDER BY a.position`,
  ).all(sessionId) as (AreaUsage & { area: string })[];
  const byArea: Record<string, AreaUsage> = {};
  const total = { strokes: 0, punctures: 0, contactMs: 0 };
  for (const { area, ...usage } of rows) {
    byArea[area] = usage;
    total.strokes += usage.strokes;
    total.punctures += usage.punctures;
    total.contactMs += usage.contactMs;
  }
  return { byArea, total };
}

/** Every cartridge a session used, in the order attached. */
export function sessionCartridges(db: SqlConnection, sessionId: number): number[] {
  const rows = statement(
    db,
    `SELECT cartridge_id FROM session_cartridges WHERE session_id = ? ORDER BY ${attachOrder(db)}`,
  ).all(sessionId) as { cartridge_id: number }[];
  return rows.map((row) => row.cartridge_id);
}

/**
 * The time of a session's latest record (its start, or its latest audit row), ms since epoch.
 * Scans the log backwards from its end: an interrupted session's rows are near it.
 */
export function lastRecordAtMs(db: SqlConnection, sessionId: number, startedAtMs: number): number {
  const row = statement(db, 'SELECT at FROM audit_log WHERE session_id = ? ORDER BY audit_id DESC LIMIT 1').get(
    sessionId,
  ) as { at: number } | undefined;
  return Math.max(startedAtMs, row?.at ?? 0);
}

/** The session's record with what a resume needs, claim excepted; null when there is no such session. */
export function resumeFacts(db: SqlConnection, sessionId: number): Omit<ResumableSession, 'claim'> | null {
  const row = statement(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE session_id = ?`).get(sessionId) as
    SessionRow | undefined;
  if (row === undefined) return null;
  const cartridgeIds = sessionCartridges(db, sessionId);
  return {
    ...sessionBase(db, row),
    openedPassesByArea: openedPassesByArea(db, sessionId),
    unclosedPasses: passesOf(db, sessionId).filter((pass) => pass.endedAtMs === null),
    lastRecordAtMs: lastRecordAtMs(db, sessionId, row.started_at),
    usage: sessionUsage(db, sessionId),
    cartridgeIds,
    currentCartridgeId: cartridgeIds.at(-1) ?? row.cartridge_id,
  };
}

/** The client's latest session that never ended (a crash or kill), with what a resume needs; or null. */
export function findResumableSession(db: SqlConnection, clientId: string): Omit<ResumableSession, 'claim'> | null {
  const row = statement(
    db,
    'SELECT session_id FROM sessions WHERE client_id = ? AND ended_at IS NULL ORDER BY session_id DESC LIMIT 1',
  ).get(clientId) as { session_id: number } | undefined;
  return row === undefined ? null : resumeFacts(db, row.session_id);
}

/**
 * Per area, the latest treated session in each mode (newest first), for the interval rule.
 * Treated: at least one pass opened. Patch-test sessions do not count (their own 24 h wait
 * governs). Time: the latest of the session end (or start, if it never ended) and its passes.
 */
export function lastSessionByArea(
  db: SqlConnection,
  clientId: string,
  options: { mode?: TreatmentMode; excludeSessionId?: number } = {},
): Record<string, PriorAreaSession[]> {
  const rows = statement(
    db,
    `SELECT p.area AS area, s.mode AS mode, max(coalesce(s.ended_at, s.started_at)) AS "sessionAtMs",
              max(coalesce(p.ended_at, p.contact_at, p.opened_at)) AS "passAtMs"
       FROM sessions s JOIN passes p ON p.session_id = s.session_id
       WHERE s.client_id = ? AND s.is_patch_test = 0 AND s.session_id IS DISTINCT FROM ?
         AND (CAST(? AS TEXT) IS NULL OR s.mode = ?)
       GROUP BY s.session_id, p.area`,
  ).all(clientId, options.excludeSessionId ?? null, options.mode ?? null, options.mode ?? null) as {
    area: string;
    mode: TreatmentMode;
    sessionAtMs: number;
    passAtMs: number;
  }[];
  const latest: Record<string, PriorAreaSession[]> = {};
  for (const row of rows) {
    const list = (latest[row.area] ??= []);
    const index = list.findIndex((prior) => prior.mode === row.mode);
    const atMs = Math.max(row.sessionAtMs, row.passAtMs);
    const prior: PriorAreaSession = { atMs, mode: row.mode };
    if (index < 0) list.push(prior);
    else if ((list[index] as PriorAreaSession).atMs < atMs) list[index] = prior;
  }
  for (const list of Object.values(latest)) list.sort((first, second) => second.atMs - first.atMs);
  return latest;
}

/** A client with the latest screening recorded, or null. */
export function client(db: SqlConnection, clientId: string): ClientRecord | null {
  const row = statement(db, 'SELECT birth_year FROM clients WHERE client_id = ?').get(clientId) as
    { birth_year: number } | undefined;
  if (row === undefined) return null;
  const latest = statement(
    db,
    'SELECT answers_json FROM screenings WHERE client_id = ? ORDER BY screening_id DESC LIMIT 1',
  ).get(clientId) as { answers_json: string } | undefined;
  const screening = latest === undefined ? null : (JSON.parse(latest.answers_json) as Screening);
  return { clientId, birthYear: row.birth_year, screening };
}

/** The client's latest patch test, or null. */
export function latestPatchTest(db: SqlConnection, clientId: string): PatchTestRecord | null {
  const row = statement(
    db,
    'SELECT done_at, session_id, area FROM patch_tests WHERE client_id = ? ORDER BY done_at DESC LIMIT 1',
  ).get(clientId) as { done_at: number; session_id: number | null; area: string | null } | undefined;
  return row === undefined ? null : { doneAtMs: row.done_at, sessionId: row.session_id, area: row.area };
}

/** The session that first used a cartridge, with its client; null when never used. */
export function cartridgeUse(db: SqlConnection, cartridgeId: number): CartridgeUse | null {
  const row = statement(
    db,
    `SELECT c.cartridge_id AS "cartridgeId", c.session_id AS "sessionId", s.client_id AS "clientId",
            c.first_used_at AS "firstUsedAtMs"
       FROM cartridges c LEFT JOIN sessions s ON s.session_id = c.session_id WHERE c.cartridge_id = ?`,
  ).get(cartridgeId) as CartridgeUse | undefined;
  return row ?? null;
}

/** Audit rows in order, after `afterId`, of one session or all. */
export function auditLog(db: SqlConnection, options: { sessionId?: number; afterId?: number }): AuditEntry[] {
  const rows = statement(
    db,
    `SELECT audit_id, at, session_id, kind, detail_json FROM audit_log
       WHERE audit_id > ? AND (CAST(? AS BIGINT) IS NULL OR session_id = ?) ORDER BY audit_id`,
  ).all(options.afterId ?? 0, options.sessionId ?? null, options.sessionId ?? null) as {
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
