// Machine inputs for signed documents as src/trust would hand them over (pure data, no crypto): credentials and clinic profiles.
import type { PresentedToken } from '../../src/machine/index.js';
import type { CredentialClaims, KeyRole, TokenFailureCode, TokenKind } from '../../src/policy/index.js';

export interface FixtureSigner {
  readonly keyId: string;
  readonly keyName: string;
  readonly keyRoles: readonly KeyRole[];
}

export const FIXTURE_MAKER: FixtureSigner = {
  keyId: 'fixture-maker-key',
  keyName: 'Fixture Maker',
  keyRoles: ['maker'],
};
export const FIXTURE_CLINIC: FixtureSigner = {
  keyId: 'fixture-clinic-key',
  keyName: 'Fixture Clinic',
  keyRoles: ['clinic'],
};

/** Valid from 2020-01-01 to 2100-01-01: any fixture clock is inside. */
const NBF_S = Date.parse('2020-01-01T00:00:00Z') / 1000;
const EXP_S = Date.parse('2100-01-01T00:00:00Z') / 1000;

function verified(kind: TokenKind, payload: Record<string, unknown>, signer: FixtureSigner): PresentedToken {
  return {
    token: { ok: true, kind, signer, payload, tokenSha256: `${kind}-sha256`.padEnd(64, '0') },
    revocations: null,
  };
}

/** A credential that verified, signed by the fixture maker, for any pen; `claims` overrides. */
export function presentedCredential(
  claims: Partial<CredentialClaims> = {},
  signer: FixtureSigner = FIXTURE_MAKER,
): PresentedToken {
  const payload: CredentialClaims = {
    iss: signer.keyId,
    sub: 'clin-042',
    jti: 'cred-0001',
    name: 'Dr. Ada Lovelace',
    license: 'GMC-1234567',
    iat: NBF_S,
    nbf: NBF_S,
    exp: EXP_S,
    ...claims,
  };
  return verified('credential', { ...payload }, signer);
}

/** A clinic profile that verified, signed by the fixture clinic; `document` is the profile document. */
export function presentedProfile(document: unknown, signer: FixtureSigner = FIXTURE_CLINIC): PresentedToken {
  return verified('profile', { iss: signer.keyId, jti: 'profile-0001', iat: NBF_S, profile: document }, signer);
}

/** A token src/trust refused (bad signature, unknown key, ...). */
export function refusedToken(kind: TokenKind, failure: TokenFailureCode, detail = 'fixture'): PresentedToken {
  return { token: { ok: false, kind, failure, detail }, revocations: null };
}
