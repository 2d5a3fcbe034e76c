// Clinician credential: its claims, and the unlock decision the controller machine runs as a guard (S9).
import { z } from 'zod';
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';
import { Sku } from '../protocol/index.js';
import { PolicyReason } from './reasons.js';
import { isoOf, revocationRefusal, type RevocationCheck } from './revocation.js';
import {
  TokenFailure,
  displayText,
  issuesToRefusals,
  numericDate,
  signerRoleRefusal,
  tokenFailureRefusal,
  type TokenFailureReasons,
  type TrustRefusal,
  type VerifiedToken,
} from './signed-token.js';

/** Largest pen serial number (INFO.serialNumber is a u32); 0 means "not programmed" and is never bound. */
const MAX_PEN_SERIAL = 0xffffffff;

/**
 * Claims of a clinician credential (JWT names where one exists). Unknown claims are refused: a
 * claim this controller does not understand may be a restriction it would not apply.
 */
export const credentialClaimsSchema = z
  .strictObject({
    /** The issuing maker's key id: must be the key that signed. */
    iss: displayText(100),
    /** Clinician id. */
    sub: displayText(100),
    /** Credential id: what a revocation list names. */
    jti: displayText(100),
    name: displayText(200),
    license: displayText(100),
    iat: numericDate,
    nbf: numericDate,
    exp: numericDate,
    /** Serial numbers of the pens it unlocks; absent: any professional pen. */
    pens: z.array(z.int().min(1).max(MAX_PEN_SERIAL)).min(1).max(1000).optional(),
    /** Deepest depth it unlocks, um; absent: the professional maximum. */
    maxDepthUm: z.int().min(HOME_MAX_DEPTH_UM).max(PRO_MAX_DEPTH_UM).optional(),
  })
  .refine((claims) => claims.exp > claims.nbf, { path: ['exp'], message: 'exp must be later than nbf' });
export type CredentialClaims = z.infer<typeof credentialClaimsSchema>;

/** A professional unlock: who, by which credential and key, up to which depth. Plain data (a machine input). */
export interface ProUnlock {
  readonly clinicianId: string;
  readonly clinicianName: string;
  readonly license: string;
  readonly credentialId: string;
  readonly keyId: string;
  readonly keyName: string;
  /** Replaces the professional mode cap (never above 2500 um). */
  readonly maxDepthUm: number;
  readonly notBeforeMs: number;
  readonly expiresAtMs: number;
  /** Pens it is bound to; null: any professional pen. */
  readonly pens: readonly number[] | null;
  readonly tokenSha256: string;
}

export type CredentialDecision =
  | { readonly ok: true; readonly unlock: ProUnlock }
  | { readonly ok: false; readonly refusals: readonly TrustRefusal[] };

export interface CredentialCheckInput {
  /** `verifyToken(text, 'credential', trust)` (src/trust). */
  readonly token: VerifiedToken;
  /** Wall-clock time of the check, ms since epoch. */
  readonly nowMs: number;
  /** The checked revocation list; null when none is configured. */
  readonly revocations: RevocationCheck | null;
  /** Time of the newest record in the database, ms since epoch; null when there is none. */
  readonly newestRecordAtMs: number | null;
  /** When given, the credential must be bound to this pen or to none. */
  readonly penSerialNumber?: number;
}

export interface UnlockInput extends Omit<CredentialCheckInput, 'penSerialNumber'> {
  /** From the pen's INFO. */
  readonly pen: { readonly serialNumber: number; readonly sku: number };
}

const CREDENTIAL_FAILURE_REASONS: TokenFailureReasons = {
  [TokenFailure.MALFORMED]: PolicyReason.PRO_CREDENTIAL_MALFORMED,
  [TokenFailure.UNSIGNED]: PolicyReason.PRO_CREDENTIAL_UNSIGNED,
  [TokenFailure.ALG_NOT_ALLOWED]: PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE,
  [TokenFailure.WRONG_TYP]: PolicyReason.PRO_CREDENTIAL_WRONG_TYPE,
  [TokenFailure.UNKNOWN_KEY]: PolicyReason.PRO_CREDENTIAL_UNKNOWN_KEY,
  [TokenFailure.BAD_SIGNATURE]: PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE,
};

/**
 * CLOCK_BEHIND_RECORDS when the wall clock is earlier than the newest record (a clock set back
 * revives an expired credential and shortens intervals), else null. NOTE: written so that a
 * NaN clock refuses too.
 */
export function clockBehindRecordsRefusal(nowMs: number, newestRecordAtMs: number | null): TrustRefusal | null {
  if (newestRecordAtMs === null || nowMs >= newestRecordAtMs) return null;
  return {
    reason: PolicyReason.CLOCK_BEHIND_RECORDS,
    detail: `the wall clock (${isoOf(nowMs)}) is earlier than the newest record (${isoOf(newestRecordAtMs)})`,
  };
}

/**
 * Judges a credential: clock against the records, signature (reason from src/trust), signer
 * trusted as a maker with iss naming its key, claims, revocation (credential id and signing key;
 * an untrusted list refuses), pen binding when `penSerialNumber` is given, not-before and expiry
 * against `nowMs`. Every applicable refusal is listed (claims are read only once the signature
 * holds). Never throws.
 */
export function checkCredential(input: CredentialCheckInput): CredentialDecision {
  const refusals: TrustRefusal[] = [];
  const clock = clockBehindRecordsRefusal(input.nowMs, input.newestRecordAtMs);
  if (clock !== null) refusals.push(clock);
  const { token } = input;
  if (!token.ok) return { ok: false, refusals: [...refusals, tokenFailureRefusal(token, CREDENTIAL_FAILURE_REASONS)] };
  const role = signerRoleRefusal(token.signer, 'credential', PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER);
  if (role !== null) return { ok: false, refusals: [...refusals, role] };
  const parsed = credentialClaimsSchema.safeParse(token.payload);
  if (!parsed.success) {
    const malformed = issuesToRefusals(parsed.error.issues, PolicyReason.PRO_CREDENTIAL_MALFORMED, '');
    return { ok: false, refusals: [...refusals, ...malformed] };
  }
  const claims = parsed.data;
  if (claims.iss !== token.signer.keyId) {
    refusals.push({
      reason: PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER,
      field: 'iss',
      detail: `iss ${claims.iss} is not the signing key ${token.signer.keyId}`,
    });
  }
  const revoked = revocationRefusal(
    input.revocations,
    token.signer.keyId,
    claims.jti,
    PolicyReason.PRO_CREDENTIAL_REVOKED,
  );
  if (revoked !== null) refusals.push(revoked);
  if (
    input.penSerialNumber !== undefined &&
    claims.pens !== undefined &&
    !claims.pens.includes(input.penSerialNumber)
  ) {
    refusals.push({
      reason: PolicyReason.PRO_CREDENTIAL_WRONG_PEN,
      detail: `bound to pen ${claims.pens.join(', ')}, not pen ${input.penSerialNumber}`,
    });
  }
  refusals.push(...validityRefusals(claims, input.nowMs));
  if (refusals.length > 0) return { ok: false, refusals };
  return { ok: true, unlock: unlockOf(claims, token) };
}

/** NOTE: valid only when nbf <= now < exp, written so that a NaN clock is refused by both. */
function validityRefusals(claims: CredentialClaims, nowMs: number): TrustRefusal[] {
  const notBeforeMs = claims.nbf * 1000;
  const expiresAtMs = claims.exp * 1000;
  const refusals: TrustRefusal[] = [];
  if (!(nowMs >= notBeforeMs)) {
    refusals.push({
      reason: PolicyReason.PRO_CREDENTIAL_NOT_YET_VALID,
      detail: `valid from ${isoOf(notBeforeMs)}; now is ${isoOf(nowMs)}`,
    });
  }
  if (!(nowMs < expiresAtMs)) {
    refusals.push({
      reason: PolicyReason.PRO_CREDENTIAL_EXPIRED,
      detail: `expired at ${isoOf(expiresAtMs)}; now is ${isoOf(nowMs)}`,
    });
  }
  return refusals;
}

function unlockOf(claims: CredentialClaims, token: Extract<VerifiedToken, { ok: true }>): ProUnlock {
  return {
    clinicianId: claims.sub,
    clinicianName: claims.name,
    license: claims.license,
    credentialId: claims.jti,
    keyId: token.signer.keyId,
    keyName: token.signer.keyName,
    maxDepthUm: claims.maxDepthUm ?? PRO_MAX_DEPTH_UM,
    notBeforeMs: claims.nbf * 1000,
    expiresAtMs: claims.exp * 1000,
    pens: claims.pens ?? null,
    tokenSha256: token.tokenSha256,
  };
}

/**
 * The unlock decision the machine runs when a pen has answered INFO: `checkCredential` bound to
 * this pen, on a professional SKU only (PRO_MODE_NEEDS_PRO_SKU). Never throws.
 */
export function decideUnlock(input: UnlockInput): CredentialDecision {
  const decision = checkCredential({ ...input, penSerialNumber: input.pen.serialNumber });
  if (input.pen.sku === Sku.PRO) return decision;
  const sku = { reason: PolicyReason.PRO_MODE_NEEDS_PRO_SKU, detail: `pen SKU ${input.pen.sku} is not the pro SKU` };
  return { ok: false, refusals: [sku, ...(decision.ok ? [] : decision.refusals)] };
}

export interface CredentialRequest {
  readonly issuerKeyId: string;
  readonly clinicianId: string;
  readonly clinicianName: string;
  readonly license: string;
  readonly credentialId: string;
  readonly issuedAtMs: number;
  /** Start of validity; absent: the issue time (its whole second). */
  readonly notBeforeMs?: number;
  readonly expiresAtMs: number;
  readonly pens?: readonly number[];
  readonly maxDepthUm?: number;
}

/**
 * Claims for a new credential, validated exactly as `checkCredential` will read them: a given nbf
 * is rounded up and exp down to whole seconds (never a longer validity); without nbf it is iat.
 * Refusals name the claim.
 */
export function buildCredentialClaims(
  request: CredentialRequest,
): { ok: true; claims: CredentialClaims } | { ok: false; refusals: TrustRefusal[] } {
  const iat = Math.floor(request.issuedAtMs / 1000);
  const candidate = {
    iss: request.issuerKeyId,
    sub: request.clinicianId,
    jti: request.credentialId,
    name: request.clinicianName,
    license: request.license,
    iat,
    nbf: request.notBeforeMs === undefined ? iat : Math.ceil(request.notBeforeMs / 1000),
    exp: Math.floor(request.expiresAtMs / 1000),
    ...(request.pens === undefined ? {} : { pens: [...new Set(request.pens)] }),
    ...(request.maxDepthUm === undefined ? {} : { maxDepthUm: request.maxDepthUm }),
  };
  const parsed = credentialClaimsSchema.safeParse(candidate);
  if (!parsed.success) {
    return { ok: false, refusals: issuesToRefusals(parsed.error.issues, PolicyReason.PRO_CREDENTIAL_MALFORMED, '') };
  }
  return { ok: true, claims: parsed.data };
}
