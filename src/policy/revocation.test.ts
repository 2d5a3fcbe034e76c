// Tests of the revocation list check: only a maker's list with exact claims is trusted; anything else fails closed.
import { describe, expect, it } from 'vitest';
import { NOW_MS, NOW_S, verifiedToken } from '../../test/support/trust-fixtures.js';
import { PolicyReason } from './reasons.js';
import { checkRevocationList, isoOf, revocationRefusal } from './revocation.js';
import { TokenFailure, type KeyRole } from './signed-token.js';

const KEY_ID = 'maker-key';
const list = (payload: Record<string, unknown>, roles: KeyRole[] = ['maker']) =>
  checkRevocationList(verifiedToken('revocations', payload, { keyId: KEY_ID, keyRoles: roles }));
const claims = { iss: KEY_ID, iat: NOW_S, credentialIds: ['cred-1'], keyIds: ['key-9'] };

describe('checkRevocationList', () => {
  it('a maker-signed list is trusted with its ids and time', () => {
    expect(list(claims)).toEqual({
      ok: true,
      list: { credentialIds: ['cred-1'], keyIds: ['key-9'], issuedAtMs: NOW_MS, signedByKeyId: KEY_ID },
    });
  });

  it.each<[string, ReturnType<typeof list>]>([
    [
      'a bad signature',
      checkRevocationList({ ok: false, kind: 'revocations', failure: TokenFailure.BAD_SIGNATURE, detail: 'sig' }),
    ],
    [
      'an unknown key',
      checkRevocationList({ ok: false, kind: 'revocations', failure: TokenFailure.UNKNOWN_KEY, detail: 'kid' }),
    ],
    ['a clinic signer', list(claims, ['clinic'])],
    ['iss naming another key', list({ ...claims, iss: 'other' })],
    ['no keyIds', list({ iss: KEY_ID, iat: NOW_S, credentialIds: [] })],
    ['an unknown claim', list({ ...claims, exp: NOW_S + 10 })],
    ['an id that is not a string', list({ ...claims, credentialIds: [7] })],
  ])('S9: a list with %s is REVOCATION_LIST_INVALID', (_label, result) => {
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.reason).toBe(PolicyReason.REVOCATION_LIST_INVALID);
      expect(result.refusal.detail).toMatch(/^revocation list: /);
    }
  });
});

describe('revocationRefusal', () => {
  const trusted = list(claims);
  it('names the revoked credential or key, else null', () => {
    expect(revocationRefusal(trusted, 'k', 'cred-1', PolicyReason.PRO_CREDENTIAL_REVOKED)?.detail).toMatch(
      /credential cred-1/,
    );
    expect(revocationRefusal(trusted, 'key-9', 'c', PolicyReason.PROFILE_KEY_REVOKED)?.reason).toBe(
      PolicyReason.PROFILE_KEY_REVOKED,
    );
    expect(revocationRefusal(trusted, 'k', 'c', PolicyReason.PRO_CREDENTIAL_REVOKED)).toBeNull();
    expect(revocationRefusal(null, 'key-9', 'cred-1', PolicyReason.PRO_CREDENTIAL_REVOKED)).toBeNull();
  });

  it('isoOf shows an instant no Date holds as a number', () => {
    expect(isoOf(NOW_MS)).toBe('2026-03-02T09:00:00Z');
    expect(isoOf(NaN)).toBe('NaN ms');
  });
});
