// The records a clinic reads back: every session of a client (or all), with areas, outcome and cartridge.
import { isPostgresUrl, openRecords, redactUrl, StoreError, type SessionRecord } from '../store/index.js';
import { RequestError } from './request-error.js';
import { defaultDbPath } from './session-records.js';

export type { SessionRecord } from '../store/index.js';

/**
 * Sessions newest first. The database is opened for reading: it is never created or changed.
 * Throws RequestError for a missing file or one that is not a sound mnpen store (left untouched).
 */
export function readHistory(dbPath: string | undefined, clientId: string | undefined): SessionRecord[] {
  const path = defaultDbPath(dbPath);
  let store;
  try {
    store = openRecords(path, { access: 'read' });
  } catch (error) {
    if (error instanceof StoreError)
      throw new RequestError(`database ${isPostgresUrl(path) ? redactUrl(path) : path}: ${error.message}`);
    throw error;
  }
  try {
    return store.history(clientId);
  } finally {
    store.close();
  }
}

/** The sessions as `mnpen history` prints them (one line per session, one per area and refusal). */
export function formatHistory(sessions: readonly SessionRecord[], clientId: string | undefined): string {
  if (sessions.length === 0) {
    return clientId === undefined ? 'no sessions recorded' : `no sessions recorded for client ${clientId}`;
  }
  const lines: string[] = [];
  for (const session of sessions) {
    const when = new Date(session.startedAtMs).toISOString().replace('.000Z', 'Z');
    const kind = session.isPatchTest ? 'patch test' : `${session.mode} session`;
    const interrupted = session.endedAtMs === null;
    lines.push(
      `#${session.sessionId} ${when} client ${session.clientId}: ${kind}, ${session.outcome ?? 'interrupted (not ended)'}, cartridge ${session.cartridgeId ?? '-'}`,
    );
    for (const unlock of session.unlocks) {
      lines.push(
        `    unlocked by ${unlock.clinicianName} (${unlock.clinicianId}), credential ${unlock.credentialId}, key ${unlock.keyId}, up to ${unlock.maxDepthUm} um`,
      );
    }
    for (const profile of session.profiles) {
      lines.push(
        `    clinic profile ${profile.profileId} (${profile.name}) of ${profile.clinicName}, key ${profile.keyId}, sha256 ${profile.tokenSha256}`,
      );
    }
    for (const area of session.areas) {
      // NOTE: an interrupted session's passes are its opened ones: each counts (S5).
      const passes = interrupted ? `${area.passesOpened} opened` : `${area.passes}`;
      lines.push(
        `    ${area.area.padEnd(11)} ${String(area.depthUm).padStart(5)} um  passes ${passes}/${area.passLimit}  strokes ${area.strokes}  punctures ${area.punctures}`,
      );
    }
    for (const refusal of session.refusals) lines.push(`    refused [${refusal.reason}] ${refusal.detail}`);
  }
  return lines.join('\n');
}
