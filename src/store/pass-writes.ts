// Pass records (S5, S6): opened durably before the needles run, contact, progress, close; counts only grow.
import type { StoreCore } from './core.js';
import { StoreError } from './errors.js';
import { claimCartridge, currentCartridge, guardSession, heldSession } from './session-writes.js';
import type { OpenedPass, PassResult } from './types.js';
import { requireCount } from './validate.js';
import { statement } from './sql.js';

interface PassRow {
  session_id: number;
  ended_at: number | null;
  strokes: number | null;
  punctures: number | null;
  contact_ms: number | null;
}

function passRow(core: StoreCore, passId: number): PassRow {
  const row = statement(
    core.sql,
    'SELECT session_id, ended_at, strokes, punctures, contact_ms FROM passes WHERE pass_id = ?',
  ).get(passId) as PassRow | undefined;
  if (row === undefined) throw new StoreError('NOT_FOUND', `no pass ${passId}`);
  return row;
}

function sessionOfPass(core: StoreCore, passId: number): number {
  return passRow(core, passId).session_id;
}

/** NOTE: S5/S16: the pass is on disk before this returns; the limit is checked in the same transaction. */
export function openPass(core: StoreCore, sessionId: number, area: string): OpenedPass {
  return core.write('pass.opened', sessionId, () => {
    const session = heldSession(core, sessionId);
    const row = statement(
      core.sql,
      `SELECT a.pass_limit AS "passLimit",
                (SELECT count(*) FROM passes p WHERE p.session_id = a.session_id AND p.area = a.area) AS opened
         FROM session_areas a WHERE a.session_id = ? AND a.area = ?`,
    ).get(sessionId, area) as { passLimit: number; opened: number } | undefined;
    if (row === undefined) throw new StoreError('NOT_FOUND', `area ${area} is not planned in session ${sessionId}`);
    if (row.opened >= row.passLimit) {
      throw new StoreError('PASS_LIMIT_REACHED', `${area}: ${row.opened} of ${row.passLimit} passes already opened`);
    }
    const cartridgeId = currentCartridge(core, sessionId, session.cartridge_id);
    if (cartridgeId !== null) claimCartridge(core, cartridgeId, sessionId);
    const passNumber = row.opened + 1;
    const inserted = statement(
      core.sql,
      'INSERT INTO passes (session_id, area, pass_number, opened_at) VALUES (?, ?, ?, ?) RETURNING pass_id AS id',
    ).get(sessionId, area, passNumber, core.now()) as { id: number };
    const passId = Number(inserted.id);
    return { result: { passId, passNumber }, detail: { passId, area, passNumber } };
  });
}

/** First skin contact of an opened pass (kept once). */
export function markPassContact(core: StoreCore, passId: number): void {
  const sessionId = sessionOfPass(core, passId);
  core.write('pass.contact', sessionId, () => {
    guardSession(core, sessionId);
    statement(core.sql, 'UPDATE passes SET contact_at = ? WHERE pass_id = ? AND contact_at IS NULL').run(
      core.now(),
      passId,
    );
    return { result: undefined, detail: { passId } };
  });
}

function counts(
  result: PassResult,
  previous: PassRow,
): { strokes: number; punctures: number; contactMs: number | null } {
  const strokes = requireCount(result.strokes, 'strokes');
  const punctures = requireCount(result.punctures, 'punctures');
  const contactMs = result.contactMs === undefined ? null : requireCount(result.contactMs, 'contactMs');
  // NOTE: S6: counts never go down: a report below the recorded progress keeps the progress.
  return {
    strokes: Math.max(strokes, previous.strokes ?? 0),
    punctures: Math.max(punctures, previous.punctures ?? 0),
    contactMs: contactMs === null ? previous.contact_ms : Math.max(contactMs, previous.contact_ms ?? 0),
  };
}

/** Running counts of an open pass (see Store.recordPassProgress). */
export function recordPassProgress(core: StoreCore, passId: number, progress: PassResult): void {
  const sessionId = sessionOfPass(core, passId);
  core.write('pass.progress', sessionId, () => {
    guardSession(core, sessionId);
    const previous = passRow(core, passId);
    if (previous.ended_at !== null) throw new StoreError('INVALID', `pass ${passId} is closed`);
    const next = counts(progress, previous);
    statement(core.sql, 'UPDATE passes SET strokes = ?, punctures = ?, contact_ms = ? WHERE pass_id = ?').run(
      next.strokes,
      next.punctures,
      next.contactMs,
      passId,
    );
    return { result: undefined, detail: { passId, ...next } };
  });
}

/** Closes a pass (see Store.closePass); a closed pass is final (INVALID). */
export function closePass(core: StoreCore, passId: number, result: PassResult): void {
  const sessionId = sessionOfPass(core, passId);
  core.write('pass.closed', sessionId, () => {
    guardSession(core, sessionId);
    const previous = passRow(core, passId);
    if (previous.ended_at !== null) throw new StoreError('INVALID', `pass ${passId} is closed: a closed pass is final`);
    const next = counts(result, previous);
    statement(
      core.sql,
      'UPDATE passes SET ended_at = ?, strokes = ?, punctures = ?, contact_ms = ? WHERE pass_id = ?',
    ).run(core.now(), next.strokes, next.punctures, next.contactMs, passId);
    return { result: undefined, detail: { passId, ...next } };
  });
}
