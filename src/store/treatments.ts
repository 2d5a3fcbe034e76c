// Treatments per area for the interval rule (S19): full sessions per mode and patch tests, each a treatment of its area.
import type { TreatmentMode } from '../policy/treatment-config.js';
import type { AreaTreatment } from './types.js';
import { statement, type SqlConnection } from './sql.js';

interface TreatmentRow {
  sessionId: number | null;
  area: string;
  mode: TreatmentMode;
  isPatchTest: number;
  startedAt: number;
  sessionAtMs: number;
  passAtMs: number;
  /** The later of the two: the treatment's time. */
  atMs: number;
}

/**
 * Per area, the latest treatment of each kind (full session in each mode, patch test), newest
 * first. A session treated an area when it opened at least one pass on it (a started pass counts,
 * whatever the outcome); its time is the latest of its end (or start) and its passes. A patch test
 * recorded outside a session counts on its area at its time (as home depth). `fullSessionsSince`
 * counts the client's treated full sessions begun after a patch test, `excludeSessionId` left out.
 */
export function lastTreatmentsByArea(
  db: SqlConnection,
  clientId: string,
  options: { excludeSessionId?: number } = {},
): Record<string, AreaTreatment[]> {
  const exclude = options.excludeSessionId ?? null;
  const rows = statement(
    db,
    `SELECT s.session_id AS "sessionId", p.area AS area, s.mode AS mode, s.is_patch_test AS "isPatchTest",
              s.started_at AS "startedAt", max(coalesce(s.ended_at, s.started_at)) AS "sessionAtMs",
              max(coalesce(p.ended_at, p.contact_at, p.opened_at)) AS "passAtMs"
       FROM sessions s JOIN passes p ON p.session_id = s.session_id
       WHERE s.client_id = ? AND s.session_id IS DISTINCT FROM ?
       GROUP BY s.session_id, p.area
       UNION ALL
       SELECT NULL, area, 'home', 1, done_at, done_at, done_at FROM patch_tests
       WHERE client_id = ? AND session_id IS NULL AND area IS NOT NULL`,
  ).all(clientId, exclude, clientId) as TreatmentRow[];
  for (const row of rows) row.atMs = Math.max(row.sessionAtMs, row.passAtMs);
  const fullStarts = [
    ...new Set(rows.filter((row) => row.isPatchTest === 0).map((row) => `${row.sessionId}:${row.startedAt}`)),
  ].map((key) => Number(key.split(':')[1]));
  const latest: Record<string, AreaTreatment[]> = {};
  for (const row of rows) {
    const isPatchTest = row.isPatchTest === 1;
    const treatment: AreaTreatment = {
      atMs: row.atMs,
      mode: row.mode,
      sessionId: row.sessionId,
      isPatchTest,
      fullSessionsSince: isPatchTest ? fullStarts.filter((startedAt) => startedAt > row.atMs).length : 0,
    };
    const list = (latest[row.area] ??= []);
    const index = list.findIndex((prior) => prior.isPatchTest === isPatchTest && prior.mode === row.mode);
    if (index < 0) list.push(treatment);
    else if ((list[index] as AreaTreatment).atMs < row.atMs) list[index] = treatment;
  }
  for (const list of Object.values(latest)) list.sort((first, second) => second.atMs - first.atMs);
  return latest;
}
