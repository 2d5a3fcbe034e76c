// Signed clinic profile: the claims around the document, and the decision to bind it (or refuse it, with its reason).
import { z } from 'zod';
import { applyProfile, type EffectiveProfile } from './profile.js';
import { PolicyReason } from './reasons.js';
import { revocationRefusal, type RevocationCheck } from './revocation.js';
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

/** Claims of a signed profile: the clinic's key (iss), when and under which id it was signed, the document. */
export const profileClaimsSchema = z.strictObject({
  iss: displayText(100),
  jti: displayText(100),
  iat: numericDate,
  profile: z.unknown(),
});

/** A profile that verified and applies: who signed it, what it binds. Plain data (a machine input). */
export interface VerifiedProfile {
  readonly profileId: string;
  readonly keyId: string;
  /** The clinic, as the trust file names its key. */
  readonly clinicName: string;
  readonly issuedAtMs: number;
  /** SHA-256 (hex) of the signed token: recorded with the session. */
  readonly tokenSha256: string;
  readonly settings: EffectiveProfile;
}

export type ProfileDecision =
  | { readonly ok: true; readonly profile: VerifiedProfile }
  | { readonly ok: false; readonly refusals: readonly TrustRefusal[] };

const PROFILE_FAILURE_REASONS: TokenFailureReasons = {
  [TokenFailure.MALFORMED]: PolicyReason.PROFILE_INVALID,
  [TokenFailure.UNSIGNED]: PolicyReason.PROFILE_UNSIGNED,
  [TokenFailure.ALG_NOT_ALLOWED]: PolicyReason.PROFILE_TAMPERED,
  [TokenFailure.WRONG_TYP]: PolicyReason.PROFILE_WRONG_TYPE,
  [TokenFailure.UNKNOWN_KEY]: PolicyReason.PROFILE_UNTRUSTED_KEY,
  [TokenFailure.BAD_SIGNATURE]: PolicyReason.PROFILE_TAMPERED,
};

/**
 * Judges a signed profile: signature (reason from src/trust), signer trusted as a clinic with iss
 * naming its key, signing key not revoked (an untrusted revocation list refuses), then the document
 * through `applyProfile` (PROFILE_INVALID, PROFILE_LOOSENS naming the field). Never throws.
 */
export function checkProfile(token: VerifiedToken, revocations: RevocationCheck | null): ProfileDecision {
  if (!token.ok) return { ok: false, refusals: [tokenFailureRefusal(token, PROFILE_FAILURE_REASONS)] };
  const role = signerRoleRefusal(token.signer, 'profile', PolicyReason.PROFILE_UNTRUSTED_KEY);
  if (role !== null) return { ok: false, refusals: [role] };
  const parsed = profileClaimsSchema.safeParse(token.payload);
  if (!parsed.success) {
    return { ok: false, refusals: issuesToRefusals(parsed.error.issues, PolicyReason.PROFILE_INVALID, '') };
  }
  const refusals: TrustRefusal[] = [];
  if (parsed.data.iss !== token.signer.keyId) {
    refusals.push({
      reason: PolicyReason.PROFILE_UNTRUSTED_KEY,
      field: 'iss',
      detail: `iss ${parsed.data.iss} is not the signing key ${token.signer.keyId}`,
    });
  }
  const revoked = revocationRefusal(revocations, token.signer.keyId, undefined, PolicyReason.PROFILE_KEY_REVOKED);
  if (revoked !== null) refusals.push(revoked);
  const applied = applyProfile(parsed.data.profile, 'profile');
  if (!applied.ok) refusals.push(...applied.refusals);
  if (refusals.length > 0 || !applied.ok) return { ok: false, refusals };
  return {
    ok: true,
    profile: {
      profileId: parsed.data.jti,
      keyId: token.signer.keyId,
      clinicName: token.signer.keyName,
      issuedAtMs: parsed.data.iat * 1000,
      tokenSha256: token.tokenSha256,
      settings: applied.profile,
    },
  };
}
