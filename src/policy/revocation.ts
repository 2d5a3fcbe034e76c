// Signed revocation list: credential ids and key ids a maker has withdrawn; checked at every unlock.
import { z } from 'zod';
import { PolicyReason } from './reasons.js';
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

/** Most entries a list may hold (a list is read whole at every unlock). */
export const MAX_REVOCATIONS = 10_000;

/** The document a maker writes and signs with `mnpen revocation sign` (every field optional, nothing else). */
export const revocationDocumentSchema = z.strictObject({
  credentialIds: z.array(displayText(100)).max(MAX_REVOCATIONS).optional(),
  keyIds: z.array(displayText(100)).max(MAX_REVOCATIONS).optional(),
});
export type RevocationDocument = z.infer<typeof revocationDocumentSchema>;

/** Claims of a signed revocation list: the document plus the signer (iss = its key id) and time of signing. */
export const revocationClaimsSchema = z.strictObject({
  iss: displayText(100),
  iat: numericDate,
  credentialIds: z.array(displayText(100)).max(MAX_REVOCATIONS),
  keyIds: z.array(displayText(100)).max(MAX_REVOCATIONS),
});
export type RevocationClaims = z.infer<typeof revocationClaimsSchema>;

/** A verified revocation list, as plain data. */
export interface RevocationList {
  readonly credentialIds: readonly string[];
  readonly keyIds: readonly string[];
  /** When the maker signed it, ms since epoch. */
  readonly issuedAtMs: number;
  readonly signedByKeyId: string;
}

/** A revocation list that verified, or why it cannot be trusted (the unlock then fails closed). */
export type RevocationCheck =
  { readonly ok: true; readonly list: RevocationList } | { readonly ok: false; readonly refusal: TrustRefusal };

/** NOTE: any fault in the list itself is one reason: a list that cannot be trusted refuses every unlock. */
const LIST_FAILURE_REASONS: TokenFailureReasons = {
  [TokenFailure.MALFORMED]: PolicyReason.REVOCATION_LIST_INVALID,
  [TokenFailure.UNSIGNED]: PolicyReason.REVOCATION_LIST_INVALID,
  [TokenFailure.ALG_NOT_ALLOWED]: PolicyReason.REVOCATION_LIST_INVALID,
  [TokenFailure.WRONG_TYP]: PolicyReason.REVOCATION_LIST_INVALID,
  [TokenFailure.UNKNOWN_KEY]: PolicyReason.REVOCATION_LIST_INVALID,
  [TokenFailure.BAD_SIGNATURE]: PolicyReason.REVOCATION_LIST_INVALID,
};

const listRefusal = (refusal: TrustRefusal): RevocationCheck => ({
  ok: false,
  refusal: { ...refusal, detail: `revocation list: ${refusal.detail}` },
});

/**
 * Checks a verified revocation token: signed by a key trusted as a maker, iss naming that key,
 * claims exactly as `revocationClaimsSchema`. Any fault gives REVOCATION_LIST_INVALID. Never throws.
 */
export function checkRevocationList(token: VerifiedToken): RevocationCheck {
  if (!token.ok) return listRefusal(tokenFailureRefusal(token, LIST_FAILURE_REASONS));
  const roleRefusal = signerRoleRefusal(token.signer, 'revocations', PolicyReason.REVOCATION_LIST_INVALID);
  if (roleRefusal !== null) return listRefusal(roleRefusal);
  const parsed = revocationClaimsSchema.safeParse(token.payload);
  if (!parsed.success) {
    const [first] = issuesToRefusals(parsed.error.issues, PolicyReason.REVOCATION_LIST_INVALID, '');
    return listRefusal(first!);
  }
  if (parsed.data.iss !== token.signer.keyId) {
    return listRefusal({
      reason: PolicyReason.REVOCATION_LIST_INVALID,
      field: 'iss',
      detail: `iss ${parsed.data.iss} is not the signing key ${token.signer.keyId}`,
    });
  }
  const { credentialIds, keyIds, iat } = parsed.data;
  return { ok: true, list: { credentialIds, keyIds, issuedAtMs: iat * 1000, signedByKeyId: token.signer.keyId } };
}

/**
 * The revocation refusal for a document `documentId` (a credential id; undefined for a profile)
 * signed by `keyId`, or null when neither is listed. `revocations` null: no list configured.
 */
export function revocationRefusal(
  revocations: RevocationCheck | null,
  keyId: string,
  documentId: string | undefined,
  revokedReason: TrustRefusal['reason'],
): TrustRefusal | null {
  if (revocations === null) return null;
  if (!revocations.ok) return revocations.refusal;
  const { list } = revocations;
  if (documentId !== undefined && list.credentialIds.includes(documentId)) {
    return { reason: revokedReason, detail: `credential ${documentId} is revoked (list of ${isoOf(list.issuedAtMs)})` };
  }
  if (list.keyIds.includes(keyId)) {
    return { reason: revokedReason, detail: `signing key ${keyId} is revoked (list of ${isoOf(list.issuedAtMs)})` };
  }
  return null;
}

/** An instant for a message, as 2026-03-02T09:00:00Z (a value no Date can hold is shown as a number). */
export function isoOf(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString().replace('.000Z', 'Z');
}
