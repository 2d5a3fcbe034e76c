// Read-side queries of the record file: history, resumable sessions, last session per area.
import type Database from 'better-sqlite3';
import type { PriorAreaSession } from '../policy/session-rules.js';
import type { TreatmentMode } from '../policy/treatment-config.js';
import type { SessionOutcome } from './schema.js';
import type { AreaRecord, PassRecord, ResumableSession, SessionRecord } from './types.js';

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

function areasOf(db: Database.Database, sessionId: number): AreaRecord[] {
  const rows = db
    .prepare(
      `SELECT a.*, (SELECT count(*) FROM passes p WHERE p.session_id = a.session_id AND p.area = a.area) AS passes_opened
       FROM session_areas a WHERE a.session_id = ? ORDER BY a.position`,
    )
    .all(sessionId) as AreaRow[];
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

function sessionBase(db: Database.Database, row: SessionRow): Omit<SessionRecord, 'faults' | 'refusals'> {
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
export function passesOf(db: Database.Database, sessionId: number): PassRecord[] {
  const rows = db.prepare('SELECT * FROM passes WHERE session_id = ? ORDER BY pass_id').all(sessionId) as PassRow[];
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
export function openedPassesByArea(db: Database.Database, sessionId: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const area of areasOf(db, sessionId)) counts[area.area] = area.passesOpened;
  return counts;
}

/** Sessions newest first, with areas, faults and refusals; all clients when `clientId` is undefined. */
export function history(db: Database.Database, clientId?: string): SessionRecord[] {
  const rows = (
    clientId === undefined
      ? db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY session_id DESC`).all()
      : db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE client_id = ? ORDER BY session_id DESC`).all(clientId)
  ) as SessionRow[];
  const faults = db.prepare('SELECT at AS atMs, code, detail FROM faults WHERE session_id = ? ORDER BY fault_id');
  const refusals = db.prepare(
    'SELECT at AS atMs, reason, detail, area FROM refusals WHERE session_id = ? ORDER BY refusal_id',
  );
  return rows.map((row) => ({
    ...sessionBase(db, row),
    faults: faults.all(row.session_id) as SessionRecord['faults'],
    refusals: refusals.all(row.session_id) as SessionRecord['refusals'],
  }));
}

/** The client's latest session that never ended (a crash or kill), or null. */
export function findResumableSession(db: Database.Database, clientId: string): ResumableSession | null {
  const row = db
    .prepare(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE client_id = ? AND ended_at IS NULL ORDER BY session_id DESC LIMIT 1`,
    )
    .get(clientId) as SessionRow | undefined;
  if (row === undefined) return null;
  return {
    ...sessionBase(db, row),
    openedPassesByArea: openedPassesByArea(db, row.session_id),
    unclosedPasses: passesOf(db, row.session_id).filter((pass) => pass.endedAtMs === null),
  };
}

/**
 * Per area, the latest treated session in each mode and kind (treatment or patch test), newest
 * first, for the interval rule. Treated: at least one pass opened. A patch test is a treatment of
 * its area (flagged `isPatchTest`: the rule decides what it bars). Time: the latest of the session
 * end (or start, if it never ended) and its passes.
 */
export function lastSessionByArea(
  db: Database.Database,
  clientId: string,
  options: { mode?: TreatmentMode; excludeSessionId?: number } = {},
): Record<string, PriorAreaSession[]> {
  const rows = db
    .prepare(
      `SELECT p.area AS area, s.mode AS mode, s.is_patch_test AS isPatchTest,
              max(max(coalesce(s.ended_at, s.started_at)), max(coalesce(p.ended_at, p.contact_at, p.opened_at))) AS atMs
       FROM sessions s JOIN passes p ON p.session_id = s.session_id
       WHERE s.client_id = ? AND s.session_id IS NOT ?
         AND (? IS NULL OR s.mode = ?)
       GROUP BY s.session_id, p.area`,
    )
    .all(clientId, options.excludeSessionId ?? null, options.mode ?? null, options.mode ?? null) as {
    area: string;
    mode: TreatmentMode;
    isPatchTest: number;
    atMs: number;
  }[];
  const latest: Record<string, PriorAreaSession[]> = {};
  for (const row of rows) {
    const list = (latest[row.area] ??= []);
    const isPatchTest = row.isPatchTest === 1;
    const index = list.findIndex((prior) => prior.mode === row.mode && (prior.isPatchTest === true) === isPatchTest);
    const prior: PriorAreaSession = isPatchTest
      ? { atMs: row.atMs, mode: row.mode, isPatchTest: true }
      : { atMs: row.atMs, mode: row.mode };
    if (index < 0) list.push(prior);
    else if ((list[index] as PriorAreaSession).atMs < row.atMs) list[index] = prior;
  }
  for (const list of Object.values(latest)) list.sort((first, second) => second.atMs - first.atMs);
  return latest;
}
