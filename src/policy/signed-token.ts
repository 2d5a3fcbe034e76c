// The contract between src/trust (signatures) and the policy decisions: token kinds, key roles, verification outcomes.
import { z } from 'zod';
import type { PolicyReasonCode } from './reasons.js';

/** The kinds of signed document the controller accepts; each has its own JWS `typ` (src/trust). */
export type TokenKind = 'credential' | 'profile' | 'revocations';
export const TOKEN_KINDS: readonly TokenKind[] = ['credential', 'profile', 'revocations'];

/** What the trust file says a key may do: a maker issues credentials and revocation lists, a clinic signs profiles. */
export const KEY_ROLES = ['maker', 'clinic'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** NOTE: the role a key must hold in the trust file to sign each kind; any other signer is refused. */
export const SIGNER_ROLE: Readonly<Record<TokenKind, KeyRole>> = Object.freeze({
  credential: 'maker',
  revocations: 'maker',
  profile: 'clinic',
});

/** Why a token failed verification in src/trust, before any claim is read. */
export const TokenFailure = {
  MALFORMED: 'MALFORMED', // not a compact JWS: parts, base64url, JSON, header fields, size
  UNSIGNED: 'UNSIGNED', // a plain JSON document, `alg: none`, or an empty signature
  ALG_NOT_ALLOWED: 'ALG_NOT_ALLOWED', // any alg but EdDSA (HS256 with the public key as secret, RS256, ...)
  WRONG_TYP: 'WRONG_TYP', // a token of another kind (a profile given as a credential)
  UNKNOWN_KEY: 'UNKNOWN_KEY', // kid not in the trust file
  BAD_SIGNATURE: 'BAD_SIGNATURE', // the signature does not verify with the kid's public key
} as const;
export type TokenFailureCode = (typeof TokenFailure)[keyof typeof TokenFailure];

/** The trusted key that signed a token, as the trust file names it. */
export interface TokenSigner {
  /** RFC 7638 thumbprint of the public key (base64url SHA-256). */
  readonly keyId: string;
  readonly keyName: string;
  readonly keyRoles: readonly KeyRole[];
}

/**
 * Outcome of `verifyToken` (src/trust): plain data, so it can be a machine input. `ok` means the
 * signature verifies with a trusted key and the header is exactly right; the payload is a JSON
 * object not yet validated (the decisions here validate it).
 */
export type VerifiedToken =
  | {
      readonly ok: true;
      readonly kind: TokenKind;
      readonly signer: TokenSigner;
      readonly payload: Readonly<Record<string, unknown>>;
      /** SHA-256 (hex) of the compact token: names exactly what was applied, in records. */
      readonly tokenSha256: string;
    }
  | { readonly ok: false; readonly kind: TokenKind; readonly failure: TokenFailureCode; readonly detail: string };

/** One refusal of a signed document, with the field it concerns when there is one (S8). */
export interface TrustRefusal {
  readonly reason: PolicyReasonCode;
  readonly detail: string;
  readonly field?: string;
}

/** NOTE: text shown on a terminal or page: no control characters (an ANSI escape in a name could rewrite the screen). */
export const displayText = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^[^\p{Cc}]+$/u, 'control characters are not allowed');

/** JWT NumericDate: whole seconds since the epoch, within the range a Date can hold. */
export const numericDate = z.int().min(0).max(8.64e12);

/** Formats a zod path under `root`, as `profile.areaCapsUm.cheeks` or `pens[2]`. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let field = root;
  for (const key of path) {
    if (typeof key === 'number') field += `[${key}]`;
    else field += field === '' ? String(key) : `.${String(key)}`;
  }
  return field === '' ? '(document)' : field;
}

/** Zod issues as refusals with `reason`, one per unknown key, each naming its field under `root`. */
export function issuesToRefusals(
  issues: readonly z.core.$ZodIssue[],
  reason: PolicyReasonCode,
  root: string,
): TrustRefusal[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          reason,
          field: fieldPath(root, [...issue.path, key]),
          detail: `unknown field "${key}" (a field this controller does not understand may be a restriction: refused)`,
        }))
      : [{ reason, field: fieldPath(root, issue.path), detail: issue.message }],
  );
}

/** Which reason each token failure becomes, for one kind of document. */
export type TokenFailureReasons = Readonly<Record<TokenFailureCode, PolicyReasonCode>>;

/** The refusal for a token that failed verification, in the reasons of its kind. */
export function tokenFailureRefusal(
  token: Extract<VerifiedToken, { ok: false }>,
  reasons: TokenFailureReasons,
): TrustRefusal {
  return { reason: reasons[token.failure], detail: token.detail };
}

/** A refusal when the signer may not sign `kind` (its trust-file roles lack SIGNER_ROLE[kind]), else null. */
export function signerRoleRefusal(signer: TokenSigner, kind: TokenKind, reason: PolicyReasonCode): TrustRefusal | null {
  const role = SIGNER_ROLE[kind];
  if (signer.keyRoles.includes(role)) return null;
  return {
    reason,
    detail: `key ${signer.keyId} (${signer.keyName}) is trusted as ${signer.keyRoles.join(', ')}, not ${role}: it may not sign a ${kind === 'revocations' ? 'revocation list' : kind}`,
  };
}
