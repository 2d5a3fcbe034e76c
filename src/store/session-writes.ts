// Session records: begin, resume with the pen's cartridge, finish an area, end; each under the client's claim.
import { TREATMENT_MODES } from '../policy/treatment-config.js';
import { holdClient, liveClaim, releaseSessionClaim } from './claims.js';
import type { StoreCore } from './core.js';
import { StoreError } from './errors.js';
import { encodeJson } from './json.js';
import { SESSION_OUTCOMES, type SessionOutcome } from './schema.js';
import type { AreaResult, BeginSessionInput } from './types.js';
import { requireCartridgeId, requireCount, requireInteger, requireText } from './validate.js';
import { attachOrder, statement } from './sql.js';

interface OpenSessionRow {
  client_id: string;
  cartridge_id: number | null;
  ended_at: number | null;
}

/** The session's row; NOT_FOUND when absent, SESSION_ENDED when it has ended. */
export function openSessionRow(core: StoreCore, sessionId: number): OpenSessionRow {
  const row = statement(core.sql, 'SELECT client_id, cartridge_id, ended_at FROM sessions WHERE session_id = ?').get(
    sessionId,
  ) as OpenSessionRow | undefined;
  if (row === undefined) throw new StoreError('NOT_FOUND', `no session ${sessionId}`);
  if (row.ended_at !== null) throw new StoreError('SESSION_ENDED', `session ${sessionId} has ended`);
  return row;
}

/** Inside a write: the open session's row, with this store holding its client's claim (bound to it). */
export function heldSession(core: StoreCore, sessionId: number): OpenSessionRow {
  const session = openSessionRow(core, sessionId);
  holdClient(core, session.client_id, sessionId);
  return session;
}

/**
 * Inside a write about a session that may have ended (a pass's contact or close): NOT_FOUND when
 * it does not exist; CLIENT_IN_SESSION when another live process holds its client's claim.
 */
export function guardSession(core: StoreCore, sessionId: number): void {
  const row = statement(core.sql, 'SELECT client_id FROM sessions WHERE session_id = ?').get(sessionId) as
    { client_id: string } | undefined;
  if (row === undefined) throw new StoreError('NOT_FOUND', `no session ${sessionId}`);
  const claim = liveClaim(core, row.client_id);
  if (claim !== null && !claim.heldByThisStore && claim.staleBecause === null) {
    throw new StoreError(
      'CLIENT_IN_SESSION',
      `session ${sessionId} belongs to a client held by process ${claim.holder.pid} on ${claim.holder.host}`,
    );
  }
}

/** The cartridge last attached to the session (the one in the pen), or the one it began with. */
export function currentCartridge(core: StoreCore, sessionId: number, began: number | null): number | null {
  const row = statement(
    core.sql,
    `SELECT cartridge_id FROM session_cartridges WHERE session_id = ? ORDER BY ${attachOrder(core.sql)} DESC LIMIT 1`,
  ).get(sessionId) as { cartridge_id: number } | undefined;
  return row?.cartridge_id ?? began;
}

/** NOTE: S19: a cartridge belongs to the first session that used it; any other session gets CARTRIDGE_REUSED. */
export function claimCartridge(core: StoreCore, cartridgeId: number, sessionId: number): void {
  statement(
    core.sql,
    'INSERT INTO cartridges (cartridge_id, session_id, first_used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  ).run(cartridgeId, sessionId, core.now());
  const owner = statement(core.sql, 'SELECT session_id FROM cartridges WHERE cartridge_id = ?').get(cartridgeId) as {
    session_id: number | null;
  };
  if (owner.session_id !== sessionId) {
    throw new StoreError(
      'CARTRIDGE_REUSED',
      `cartridge ${cartridgeId} was used in session ${String(owner.session_id)}`,
    );
  }
  statement(
    core.sql,
    'INSERT INTO session_cartridges (session_id, cartridge_id, attached_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  ).run(sessionId, cartridgeId, core.now());
}

function validateBegin(input: BeginSessionInput): string | null {
  requireText(input.clientId, 'clientId', 64);
  if (!TREATMENT_MODES.includes(input.mode)) throw new StoreError('INVALID', `unknown mode ${String(input.mode)}`);
  if (!Array.isArray(input.areas) || input.areas.length === 0)
    throw new StoreError('INVALID', 'a session needs at least one area');
  if (new Set(input.areas.map((area) => area.area)).size !== input.areas.length)
    throw new StoreError('INVALID', 'an area appears twice in the session');
  for (const area of input.areas) {
    requireText(area.area, 'area', 64);
    requireInteger(area.depthUm, `${area.area} depthUm`, 0, Number.MAX_SAFE_INTEGER);
    requireInteger(area.strokeHz, `${area.area} strokeHz`, 0, Number.MAX_SAFE_INTEGER);
    requireInteger(area.passLimit, `${area.area} passLimit`, 0, Number.MAX_SAFE_INTEGER);
  }
  if (input.cartridgeId !== null) requireCartridgeId(input.cartridgeId);
  return input.plan === undefined ? null : encodeJson(input.plan, 'plan');
}

/** See Store.beginSession. */
export function beginSession(core: StoreCore, input: BeginSessionInput): number {
  const planJson = validateBegin(input);
  return core.write('session.began', null, () => {
    holdClient(core, input.clientId, null);
    const open = statement(
      core.sql,
      'SELECT session_id FROM sessions WHERE client_id = ? AND ended_at IS NULL ORDER BY session_id DESC LIMIT 1',
    ).get(input.clientId) as { session_id: number } | undefined;
    if (open !== undefined) {
      throw new StoreError(
        'SESSION_OPEN',
        `client ${input.clientId} has session ${open.session_id} not ended: resume it, or end it (interrupted) first`,
      );
    }
    const inserted = statement(
      core.sql,
      'INSERT INTO sessions (client_id, mode, is_patch_test, cartridge_id, plan_json, started_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING session_id AS id',
    ).get(input.clientId, input.mode, input.isPatchTest ? 1 : 0, input.cartridgeId, planJson, core.now()) as {
      id: number;
    };
    const sessionId = Number(inserted.id);
    holdClient(core, input.clientId, sessionId);
    const insertArea = statement(
      core.sql,
      'INSERT INTO session_areas (session_id, area, position, depth_um, stroke_hz, pass_limit) VALUES (?, ?, ?, ?, ?, ?)',
    );
    input.areas.forEach((area, position) =>
      insertArea.run(sessionId, area.area, position, area.depthUm, area.strokeHz, area.passLimit),
    );
    if (input.cartridgeId !== null) {
      statement(
        core.sql,
        'INSERT INTO session_cartridges (session_id, cartridge_id, attached_at) VALUES (?, ?, ?)',
      ).run(sessionId, input.cartridgeId, core.now());
    }
    const { plan: _plan, ...detail } = input;
    return { result: sessionId, detail: { sessionId, ...detail } };
  });
}

/** Records a resume (the ResumableSession is read by the caller after it). See Store.resumeSession. */
export function resumeSession(core: StoreCore, sessionId: number, cartridgeId: number | null): void {
  if (cartridgeId !== null) requireCartridgeId(cartridgeId);
  core.write('session.resumed', sessionId, () => {
    const session = heldSession(core, sessionId);
    const previous = currentCartridge(core, sessionId, session.cartridge_id);
    if (cartridgeId !== null) claimCartridge(core, cartridgeId, sessionId);
    return { result: undefined, detail: { sessionId, cartridgeId, previousCartridgeId: previous } };
  });
}

/** See Store.finishArea. */
export function finishArea(
  core: StoreCore,
  sessionId: number,
  area: string,
  result: AreaResult,
  openedPasses: () => number | undefined,
): void {
  const passes = requireCount(result.passes, 'passes');
  const strokes = requireCount(result.strokes, 'strokes');
  const punctures = requireCount(result.punctures, 'punctures');
  const maxDepth = result.maxMeasuredDepthUm;
  if (maxDepth !== null && !Number.isSafeInteger(maxDepth))
    throw new StoreError('INVALID', 'maxMeasuredDepthUm must be an integer');
  const lockReason = result.lockReason ?? null;
  if (lockReason !== null) requireText(lockReason, 'lockReason', 64);
  core.write('area.finished', sessionId, () => {
    heldSession(core, sessionId);
    const opened = openedPasses();
    if (opened === undefined) throw new StoreError('NOT_FOUND', `area ${area} is not planned in session ${sessionId}`);
    if (passes > opened) throw new StoreError('INVALID', `${area}: ${passes} passes reported, only ${opened} opened`);
    statement(
      core.sql,
      `UPDATE session_areas SET passes = ?, strokes = ?, punctures = ?, max_measured_depth_um = ?, lock_reason = ?,
         finished_at = ? WHERE session_id = ? AND area = ?`,
    ).run(passes, strokes, punctures, maxDepth, lockReason, core.now(), sessionId, area);
    return { result: undefined, detail: { area, ...result } };
  });
}

/** See Store.endSession: also records a completed patch test and releases the client's claim. */
export function endSession(core: StoreCore, sessionId: number, outcome: SessionOutcome): void {
  if (!SESSION_OUTCOMES.includes(outcome)) throw new StoreError('INVALID', `unknown outcome ${String(outcome)}`);
  core.write('session.ended', sessionId, () => {
    const session = heldSession(core, sessionId);
    const now = core.now();
    statement(core.sql, 'UPDATE sessions SET ended_at = ?, outcome = ? WHERE session_id = ?').run(
      now,
      outcome,
      sessionId,
    );
    // NOTE: a patch test counts only when completed with at least one pass in contact with the skin.
    const patch = statement(
      core.sql,
      `SELECT s.client_id AS "clientId", p.area AS area FROM sessions s JOIN passes p ON p.session_id = s.session_id
         WHERE s.session_id = ? AND s.is_patch_test = 1 AND p.contact_at IS NOT NULL ORDER BY p.pass_id LIMIT 1`,
    ).get(sessionId) as { clientId: string; area: string } | undefined;
    const patchTestRecorded = outcome === 'completed' && patch !== undefined;
    if (patchTestRecorded) {
      statement(
        core.sql,
        'INSERT INTO patch_tests (client_id, done_at, session_id, area, recorded_at) VALUES (?, ?, ?, ?, ?)',
      ).run(patch.clientId, now, sessionId, patch.area, now);
    }
    releaseSessionClaim(core, session.client_id, sessionId, `session ended: ${outcome}`);
    return { result: undefined, detail: { outcome, patchTestRecorded } };
  });
}

/** See Store.markCartridgeUsed. */
export function markCartridgeUsed(core: StoreCore, cartridgeId: number, sessionId: number): void {
  requireCartridgeId(cartridgeId);
  core.write('cartridge.used', sessionId, () => {
    heldSession(core, sessionId);
    claimCartridge(core, cartridgeId, sessionId);
    return { result: undefined, detail: { cartridgeId } };
  });
}
