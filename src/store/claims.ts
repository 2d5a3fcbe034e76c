// Session claims (S19): at most one live claim per client, held by one open store, taken before admission.
import { goneReason, parseHolder } from './claim-holder.js';
import type { StoreCore } from './core.js';
import { StoreError } from './errors.js';
import type { ClaimRecord, ClientClaim } from './types.js';
import { optionalText, requireText } from './validate.js';
import { statement, type SqlConnection } from './sql.js';

interface ClaimRow {
  claim_id: number;
  client_id: string;
  session_id: number | null;
  holder_json: string;
  claimed_at: number;
}

function toRecord(core: StoreCore, row: ClaimRow): ClaimRecord {
  const holder = parseHolder(row.holder_json);
  const heldByThisStore = holder.token === core.holder.token;
  return {
    claimId: row.claim_id,
    clientId: row.client_id,
    sessionId: row.session_id,
    claimedAtMs: row.claimed_at,
    holder,
    heldByThisStore,
    staleBecause: heldByThisStore ? null : goneReason(holder),
  };
}

/** The live (unreleased) claim on a client, or null. */
export function liveClaim(core: StoreCore, clientId: string): ClaimRecord | null {
  const row = statement(
    core.sql,
    'SELECT claim_id, client_id, session_id, holder_json, claimed_at FROM session_claims WHERE client_id = ? AND released_at IS NULL',
  ).get(clientId) as ClaimRow | undefined;
  return row === undefined ? null : toRecord(core, row);
}

function release(db: SqlConnection, claimId: number, atMs: number, reason: string): void {
  statement(db, 'UPDATE session_claims SET released_at = ?, release_reason = ? WHERE claim_id = ?').run(
    atMs,
    reason,
    claimId,
  );
}

function describeHolder(claim: ClaimRecord): string {
  const session = claim.sessionId === null ? '' : ` (session ${claim.sessionId})`;
  return `process ${claim.holder.pid} on ${claim.holder.host} since ${new Date(claim.claimedAtMs).toISOString()}${session}`;
}

/**
 * Inside a write transaction: makes this store the holder of the client's claim, binding it to
 * `sessionId` when given. Takes a free claim, or over a claim whose holder is gone (releasing it
 * with the reason). NOTE: S19: a claim held by a live process is never taken: CLIENT_IN_SESSION.
 */
export function holdClient(core: StoreCore, clientId: string, sessionId: number | null): ClientClaim {
  const existing = liveClaim(core, clientId);
  const now = core.now();
  if (existing?.heldByThisStore === true) {
    if (sessionId !== null && existing.sessionId !== sessionId) {
      statement(core.sql, 'UPDATE session_claims SET session_id = ? WHERE claim_id = ?').run(
        sessionId,
        existing.claimId,
      );
    }
    return { ...existing, sessionId: sessionId ?? existing.sessionId, tookOverFrom: null };
  }
  if (existing !== null) {
    if (existing.staleBecause === null) {
      throw new StoreError(
        'CLIENT_IN_SESSION',
        `client ${clientId} is in a session held by ${describeHolder(existing)}: one session per client at a time`,
      );
    }
    release(core.sql, existing.claimId, now, `taken over: ${existing.staleBecause}`);
  }
  if (statement(core.sql, 'SELECT 1 FROM clients WHERE client_id = ?').get(clientId) === undefined) {
    throw new StoreError('NOT_FOUND', `no client ${clientId}`);
  }
  const inserted = statement(
    core.sql,
    'INSERT INTO session_claims (client_id, session_id, holder_json, claimed_at) VALUES (?, ?, ?, ?) RETURNING claim_id AS id',
  ).get(clientId, sessionId, JSON.stringify(core.holder), now) as { id: number };
  return { claimId: Number(inserted.id), clientId, sessionId, claimedAtMs: now, tookOverFrom: existing };
}

/** Claims the client for this store (see Store.claimClient). */
export function claimClient(core: StoreCore, clientId: string): ClientClaim {
  requireText(clientId, 'clientId', 64);
  return core.write('claim.taken', null, () => {
    const claim = holdClient(core, clientId, null);
    const tookOverFrom =
      claim.tookOverFrom === null
        ? null
        : { claimId: claim.tookOverFrom.claimId, because: claim.tookOverFrom.staleBecause };
    return { result: claim, detail: { clientId, claimId: claim.claimId, tookOverFrom } };
  });
}

/** Releases this store's claim on the client; false (and nothing written) when it holds none. */
export function releaseClient(core: StoreCore, clientId: string, reason?: string): boolean {
  const why = optionalText(reason, 'release reason', 200) ?? 'released';
  const held = liveClaim(core, clientId);
  if (held === null || !held.heldByThisStore) return false;
  return core.write('claim.released', held.sessionId, () => {
    release(core.sql, held.claimId, core.now(), why);
    return { result: true, detail: { clientId, claimId: held.claimId, reason: why } };
  });
}

/** Releases the claim bound to a session if this store holds it (inside the session's end). */
export function releaseSessionClaim(core: StoreCore, clientId: string, sessionId: number, reason: string): void {
  const held = liveClaim(core, clientId);
  if (held?.heldByThisStore === true && (held.sessionId === sessionId || held.sessionId === null)) {
    release(core.sql, held.claimId, core.now(), reason);
  }
}

/** Every live claim this store holds (released at close). */
export function ownClaims(core: StoreCore): ClaimRecord[] {
  const rows = statement(
    core.sql,
    'SELECT claim_id, client_id, session_id, holder_json, claimed_at FROM session_claims WHERE released_at IS NULL',
  ).all() as ClaimRow[];
  return rows.map((row) => toRecord(core, row)).filter((claim) => claim.heldByThisStore);
}
