// Tests of the signed-profile decision: each token failure, signer and revocation refusal with its reason; a good profile's settings.
import { describe, expect, it } from 'vitest';
import { NOW_MS, NOW_S, verifiedToken } from '../../test/support/trust-fixtures.js';
import { checkProfile } from './profile-token.js';
import { PolicyReason } from './reasons.js';
import type { RevocationCheck } from './revocation.js';
import { TokenFailure, type KeyRole, type TokenFailureCode } from './signed-token.js';

const KEY_ID = 'clinic-key';
const document = { name: 'Rose face', areaCapsUm: { cheeks: 1000 } };
const claims = { iss: KEY_ID, jti: 'profile-1', iat: NOW_S, profile: document };
const token = (payload: Record<string, unknown> = claims, roles: KeyRole[] = ['clinic']) =>
  verifiedToken('profile', payload, { keyId: KEY_ID, keyName: 'Rose Clinic', keyRoles: roles });
const reasonsOf = (decision: ReturnType<typeof checkProfile>) =>
  decision.ok ? [] : decision.refusals.map((r) => r.reason);
const revoking = (keyIds: string[]): RevocationCheck => ({
  ok: true,
  list: { credentialIds: [], keyIds, issuedAtMs: NOW_MS, signedByKeyId: 'maker' },
});

describe('checkProfile', () => {
  it('S2: a clinic-signed profile binds its settings, named by clinic, id and hash', () => {
    const decision = checkProfile(token(), null);
    expect(decision.ok).toBe(true);
    if (decision.ok) {
      expect(decision.profile).toMatchObject({
        profileId: 'profile-1',
        keyId: KEY_ID,
        clinicName: 'Rose Clinic',
        issuedAtMs: NOW_MS,
        tokenSha256: '0'.repeat(64),
      });
      expect(decision.profile.settings.areaCapsUm).toEqual({ cheeks: 1000 });
    }
  });

  it.each<[TokenFailureCode, string]>([
    [TokenFailure.MALFORMED, PolicyReason.PROFILE_INVALID],
    [TokenFailure.UNSIGNED, PolicyReason.PROFILE_UNSIGNED],
    [TokenFailure.ALG_NOT_ALLOWED, PolicyReason.PROFILE_TAMPERED],
    [TokenFailure.WRONG_TYP, PolicyReason.PROFILE_WRONG_TYPE],
    [TokenFailure.UNKNOWN_KEY, PolicyReason.PROFILE_UNTRUSTED_KEY],
    [TokenFailure.BAD_SIGNATURE, PolicyReason.PROFILE_TAMPERED],
  ])('S8: token failure %s is refused as %s', (failure, reason) => {
    expect(reasonsOf(checkProfile({ ok: false, kind: 'profile', failure, detail: 'x' }, null))).toEqual([reason]);
  });

  it('S8: a key trusted only as a maker is PROFILE_UNTRUSTED_KEY', () => {
    expect(reasonsOf(checkProfile(token(claims, ['maker']), null))).toEqual([PolicyReason.PROFILE_UNTRUSTED_KEY]);
  });

  it('S8: iss naming another key is PROFILE_UNTRUSTED_KEY', () => {
    expect(reasonsOf(checkProfile(token({ ...claims, iss: 'other' }), null))).toEqual([
      PolicyReason.PROFILE_UNTRUSTED_KEY,
    ]);
  });

  it('S8: a revoked clinic key is PROFILE_KEY_REVOKED; an untrusted list fails closed', () => {
    expect(reasonsOf(checkProfile(token(), revoking([KEY_ID])))).toEqual([PolicyReason.PROFILE_KEY_REVOKED]);
    expect(checkProfile(token(), revoking(['another'])).ok).toBe(true);
    const untrusted: RevocationCheck = {
      ok: false,
      refusal: { reason: PolicyReason.REVOCATION_LIST_INVALID, detail: 'x' },
    };
    expect(reasonsOf(checkProfile(token(), untrusted))).toEqual([PolicyReason.REVOCATION_LIST_INVALID]);
  });

  it('S2: a signed profile that loosens is PROFILE_LOOSENS naming profile.<field>', () => {
    const loosening = {
      name: 'x',
      areaCapsUm: { cheeks: 2000 },
      areaPassLimits: { chin: 7 },
      exposureBudgets: { areaContactMs: 10 ** 9 },
      treatment: { proMinIntervalDays: 14, sessions: 1 },
    };
    const decision = checkProfile(token({ ...claims, profile: loosening }), null);
    expect(decision.ok ? [] : decision.refusals.map((r) => `${r.field}:${r.reason}`)).toEqual([
      'profile.areaCapsUm.cheeks:PROFILE_LOOSENS',
      'profile.areaPassLimits.chin:PROFILE_LOOSENS',
      'profile.exposureBudgets.areaContactMs:PROFILE_LOOSENS',
      'profile.treatment.proMinIntervalDays:PROFILE_LOOSENS',
      'profile.treatment:PROFILE_INVALID',
    ]);
  });

  it('S4: claims without the document, or with an unknown claim, are PROFILE_INVALID', () => {
    expect(reasonsOf(checkProfile(token({ iss: KEY_ID, jti: 'p', iat: NOW_S }), null))).toEqual([
      PolicyReason.PROFILE_INVALID,
    ]);
    expect(reasonsOf(checkProfile(token({ ...claims, exp: NOW_S }), null))).toEqual([PolicyReason.PROFILE_INVALID]);
  });
});
