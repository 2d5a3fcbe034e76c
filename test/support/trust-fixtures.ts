// Keys, trust stores and signed tokens for tests of src/trust and the credential, profile and revocation decisions.
import { randomUUID } from 'node:crypto';
import type { CredentialClaims, KeyRole, TokenKind, VerifiedToken } from '../../src/policy/index.js';
import {
  generateSigningKey,
  parseTrustFile,
  signToken,
  trustEntryFor,
  TRUST_FILE_VERSION,
  type SigningKey,
  type TrustStore,
} from '../../src/trust/index.js';

export interface NamedKey {
  readonly key: SigningKey;
  readonly name: string;
  readonly roles: readonly KeyRole[];
}

/** A fresh key with a name and trust-file roles. */
export function namedKey(name: string, roles: readonly KeyRole[]): NamedKey {
  return { key: generateSigningKey(), name, roles };
}

/** The trust file (parsed JSON) holding `keys`. */
export function trustFileJson(keys: readonly NamedKey[]): unknown {
  return { version: TRUST_FILE_VERSION, keys: keys.map((k) => trustEntryFor(k.key, k.name, k.roles)) };
}

/** A trust store holding `keys` (through the real trust-file parser). */
export function trustStoreOf(keys: readonly NamedKey[]): TrustStore {
  const parsed = parseTrustFile(trustFileJson(keys));
  if (!parsed.ok) throw new Error(`fixture trust file refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

/** The instant every fixture is judged at: 2026-03-02T09:00:00Z. */
export const NOW_MS = Date.parse('2026-03-02T09:00:00Z');
const DAY_S = 24 * 3600;
export const NOW_S = NOW_MS / 1000;

/** Claims of a credential valid from a day before NOW_MS for 31 days, issued by `issuer`; `extra` overrides. */
export function credentialClaims(
  issuer: Pick<SigningKey, 'keyId'>,
  extra: Partial<CredentialClaims> = {},
): CredentialClaims {
  return {
    iss: issuer.keyId,
    sub: 'clin-042',
    jti: randomUUID(),
    name: 'Dr. Ada Lovelace',
    license: 'GMC-1234567',
    iat: NOW_S - DAY_S,
    nbf: NOW_S - DAY_S,
    exp: NOW_S + 30 * DAY_S,
    ...extra,
  };
}

/** A signed credential token. */
export function credentialToken(issuer: SigningKey, extra: Partial<CredentialClaims> = {}): string {
  return signToken('credential', credentialClaims(issuer, extra), issuer);
}

/** A signed profile token wrapping `document`. */
export function profileToken(clinic: SigningKey, document: unknown, extra: Record<string, unknown> = {}): string {
  return signToken(
    'profile',
    { iss: clinic.keyId, jti: randomUUID(), iat: NOW_S, profile: document, ...extra },
    clinic,
  );
}

/** A signed revocation list. */
export function revocationToken(
  maker: SigningKey,
  lists: { credentialIds?: string[]; keyIds?: string[] },
  extra: Record<string, unknown> = {},
): string {
  return signToken(
    'revocations',
    { iss: maker.keyId, iat: NOW_S, credentialIds: lists.credentialIds ?? [], keyIds: lists.keyIds ?? [], ...extra },
    maker,
  );
}

/** A verified token as src/trust returns it, without any crypto: for the pure decisions' unit tests. */
export function verifiedToken(
  kind: TokenKind,
  payload: Record<string, unknown>,
  signer: { keyId: string; keyName?: string; keyRoles: readonly KeyRole[] },
): VerifiedToken {
  return {
    ok: true,
    kind,
    signer: { keyId: signer.keyId, keyName: signer.keyName ?? 'fixture key', keyRoles: signer.keyRoles },
    payload,
    tokenSha256: '0'.repeat(64),
  };
}
