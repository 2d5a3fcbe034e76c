// Tests of the unlock decision (S9): each refusal with its own reason, fail-closed clocks, and a property against an oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sku } from '../protocol/index.js';
import { NOW_MS, NOW_S, credentialClaims, verifiedToken } from '../../test/support/trust-fixtures.js';
import {
  buildCredentialClaims,
  checkCredential,
  clockBehindRecordsRefusal,
  decideUnlock,
  type CredentialCheckInput,
  type CredentialClaims,
  type CredentialDecision,
} from './credential.js';
import { PolicyReason } from './reasons.js';
import type { RevocationCheck } from './revocation.js';
import { TokenFailure, type KeyRole, type TokenFailureCode, type VerifiedToken } from './signed-token.js';

const KEY_ID = 'maker-key-id';
const DAY_S = 86_400;
const PEN = 0x00c0ffee;

const claims = (extra: Partial<CredentialClaims> = {}): CredentialClaims =>
  credentialClaims({ keyId: KEY_ID }, { jti: 'cred-1', ...extra });

const token = (payload: Record<string, unknown> = { ...claims() }, roles: KeyRole[] = ['maker']): VerifiedToken =>
  verifiedToken('credential', payload, { keyId: KEY_ID, keyName: 'Acme Pens', keyRoles: roles });

const failed = (failure: TokenFailureCode): VerifiedToken => ({ ok: false, kind: 'credential', failure, detail: 'x' });

const revocations = (credentialIds: string[] = [], keyIds: string[] = []): RevocationCheck => ({
  ok: true,
  list: { credentialIds, keyIds, issuedAtMs: NOW_MS - 1000, signedByKeyId: KEY_ID },
});

const input = (extra: Partial<CredentialCheckInput> = {}): CredentialCheckInput => ({
  token: token(),
  nowMs: NOW_MS,
  revocations: null,
  newestRecordAtMs: null,
  ...extra,
});

const reasonsOf = (decision: CredentialDecision): string[] =>
  decision.ok ? [] : decision.refusals.map((r) => r.reason);

describe('checkCredential', () => {
  it('S9: a valid credential unlocks with clinician, credential, key and max depth', () => {
    const decision = checkCredential(input({ token: token({ ...claims({ maxDepthUm: 1500 }) }) }));
    expect(decision).toEqual({
      ok: true,
      unlock: {
        clinicianId: 'clin-042',
        clinicianName: 'Dr. Ada Lovelace',
        license: 'GMC-1234567',
        credentialId: 'cred-1',
        keyId: KEY_ID,
        keyName: 'Acme Pens',
        maxDepthUm: 1500,
        notBeforeMs: (NOW_S - DAY_S) * 1000,
        expiresAtMs: (NOW_S + 30 * DAY_S) * 1000,
        pens: null,
        tokenSha256: '0'.repeat(64),
      },
    });
  });

  it('without maxDepthUm the unlock reaches the professional maximum (2500 um)', () => {
    const decision = checkCredential(input());
    expect(decision.ok && decision.unlock.maxDepthUm).toBe(2500);
  });

  it.each<[TokenFailureCode, string]>([
    [TokenFailure.MALFORMED, PolicyReason.PRO_CREDENTIAL_MALFORMED],
    [TokenFailure.UNSIGNED, PolicyReason.PRO_CREDENTIAL_UNSIGNED],
    [TokenFailure.ALG_NOT_ALLOWED, PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE],
    [TokenFailure.WRONG_TYP, PolicyReason.PRO_CREDENTIAL_WRONG_TYPE],
    [TokenFailure.UNKNOWN_KEY, PolicyReason.PRO_CREDENTIAL_UNKNOWN_KEY],
    [TokenFailure.BAD_SIGNATURE, PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE],
  ])('S9: token failure %s is refused as %s', (failure, reason) => {
    expect(reasonsOf(checkCredential(input({ token: failed(failure) })))).toEqual([reason]);
  });

  it('S9: a key trusted only as a clinic may not issue credentials (PRO_CREDENTIAL_WRONG_ISSUER)', () => {
    expect(reasonsOf(checkCredential(input({ token: token({ ...claims() }, ['clinic']) })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER,
    ]);
  });

  it('S9: iss naming another key than the signer is PRO_CREDENTIAL_WRONG_ISSUER', () => {
    expect(reasonsOf(checkCredential(input({ token: token({ ...claims({ iss: 'other' }) }) })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER,
    ]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['no clinician', 'sub', { sub: undefined }],
    ['an unknown claim', 'aud', { aud: 'pens' }],
    ['exp not after nbf', 'exp', { exp: NOW_S - DAY_S }],
    ['exp as a date string', 'exp', { exp: '2027-01-01' }],
    ['no pens listed (empty binding)', 'pens', { pens: [] }],
    ['a pen serial 0', 'pens[0]', { pens: [0] }],
    ['maxDepthUm above 2500', 'maxDepthUm', { maxDepthUm: 3000 }],
    ['maxDepthUm fractional', 'maxDepthUm', { maxDepthUm: 1000.5 }],
    ['a control character in the name', 'name', { name: 'Dr. \u001b]0;pwned\u0007' }],
  ])('S9: claims with %s are PRO_CREDENTIAL_MALFORMED naming %s', (_label, field, change) => {
    const decision = checkCredential(input({ token: token({ ...claims(), ...change }) }));
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.refusals.map((r) => r.reason)).toContain(PolicyReason.PRO_CREDENTIAL_MALFORMED);
      expect(decision.refusals.map((r) => r.field)).toContain(field);
    }
  });

  it('S9: not yet valid one millisecond before nbf, valid at nbf', () => {
    const nbfMs = (NOW_S - DAY_S) * 1000;
    expect(reasonsOf(checkCredential(input({ nowMs: nbfMs - 1 })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_NOT_YET_VALID,
    ]);
    expect(checkCredential(input({ nowMs: nbfMs })).ok).toBe(true);
  });

  it('S9: expired at exp, valid one millisecond before', () => {
    const expMs = (NOW_S + 30 * DAY_S) * 1000;
    expect(reasonsOf(checkCredential(input({ nowMs: expMs })))).toEqual([PolicyReason.PRO_CREDENTIAL_EXPIRED]);
    expect(checkCredential(input({ nowMs: expMs - 1 })).ok).toBe(true);
  });

  it('S9: a NaN or infinite clock never unlocks', () => {
    expect(reasonsOf(checkCredential(input({ nowMs: NaN })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_NOT_YET_VALID,
      PolicyReason.PRO_CREDENTIAL_EXPIRED,
    ]);
    expect(reasonsOf(checkCredential(input({ nowMs: Infinity })))).toEqual([PolicyReason.PRO_CREDENTIAL_EXPIRED]);
    expect(checkCredential(input({ nowMs: NaN, newestRecordAtMs: NOW_MS })).ok).toBe(false);
  });

  it('S9: a pen binding: the named pen unlocks, another is PRO_CREDENTIAL_WRONG_PEN; no binding unlocks any pen', () => {
    const bound = token({ ...claims({ pens: [PEN, 7] }) });
    expect(checkCredential(input({ token: bound, penSerialNumber: PEN })).ok).toBe(true);
    expect(reasonsOf(checkCredential(input({ token: bound, penSerialNumber: 8 })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_WRONG_PEN,
    ]);
    expect(checkCredential(input({ penSerialNumber: 8 })).ok).toBe(true);
  });

  it('S9: a revoked credential id, or a revoked signing key, is PRO_CREDENTIAL_REVOKED', () => {
    expect(reasonsOf(checkCredential(input({ revocations: revocations(['cred-1']) })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_REVOKED,
    ]);
    expect(reasonsOf(checkCredential(input({ revocations: revocations([], [KEY_ID]) })))).toEqual([
      PolicyReason.PRO_CREDENTIAL_REVOKED,
    ]);
    expect(checkCredential(input({ revocations: revocations(['cred-2'], ['other-key']) })).ok).toBe(true);
  });

  it('S9: a revocation list that cannot be trusted refuses the unlock (fail closed)', () => {
    const untrusted: RevocationCheck = {
      ok: false,
      refusal: { reason: PolicyReason.REVOCATION_LIST_INVALID, detail: 'revocation list: bad signature' },
    };
    expect(reasonsOf(checkCredential(input({ revocations: untrusted })))).toEqual([
      PolicyReason.REVOCATION_LIST_INVALID,
    ]);
  });

  it('S9: a wall clock earlier than the newest record is CLOCK_BEHIND_RECORDS, even for a valid credential', () => {
    expect(reasonsOf(checkCredential(input({ newestRecordAtMs: NOW_MS + 1 })))).toEqual([
      PolicyReason.CLOCK_BEHIND_RECORDS,
    ]);
    expect(checkCredential(input({ newestRecordAtMs: NOW_MS })).ok).toBe(true);
    expect(
      reasonsOf(checkCredential(input({ token: failed(TokenFailure.BAD_SIGNATURE), newestRecordAtMs: NOW_MS + 1 }))),
    ).toEqual([PolicyReason.CLOCK_BEHIND_RECORDS, PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE]);
  });

  it('S8: every applicable refusal is listed, each with a detail', () => {
    const decision = checkCredential(
      input({
        token: token({ ...claims({ pens: [7] }) }),
        nowMs: (NOW_S + 31 * DAY_S) * 1000,
        penSerialNumber: PEN,
        revocations: revocations(['cred-1']),
      }),
    );
    expect(reasonsOf(decision)).toEqual([
      PolicyReason.PRO_CREDENTIAL_REVOKED,
      PolicyReason.PRO_CREDENTIAL_WRONG_PEN,
      PolicyReason.PRO_CREDENTIAL_EXPIRED,
    ]);
    if (!decision.ok) for (const refusal of decision.refusals) expect(refusal.detail).not.toBe('');
  });
});

describe('clockBehindRecordsRefusal', () => {
  it('no records: never behind; NaN clock with records: behind', () => {
    expect(clockBehindRecordsRefusal(0, null)).toBeNull();
    expect(clockBehindRecordsRefusal(NaN, NOW_MS)?.reason).toBe(PolicyReason.CLOCK_BEHIND_RECORDS);
  });
});

describe('decideUnlock', () => {
  it('S9: a home-SKU pen is refused PRO_MODE_NEEDS_PRO_SKU whatever the credential', () => {
    expect(reasonsOf(decideUnlock({ ...input(), pen: { serialNumber: PEN, sku: Sku.HOME } }))).toEqual([
      PolicyReason.PRO_MODE_NEEDS_PRO_SKU,
    ]);
    expect(decideUnlock({ ...input(), pen: { serialNumber: PEN, sku: Sku.PRO } }).ok).toBe(true);
  });

  it('S9 property: unlocked exactly when every rule holds (an independent oracle)', () => {
    const arbitrary = fc.record({
      failure: fc.option(fc.constantFrom(...Object.values(TokenFailure)), { freq: 3 }),
      roles: fc.constantFrom<KeyRole[]>(['maker'], ['clinic'], ['clinic', 'maker']),
      issMatches: fc.boolean(),
      nbfOffsetS: fc.integer({ min: -100 * DAY_S, max: 100 * DAY_S }),
      lengthS: fc.integer({ min: 1, max: 100 * DAY_S }),
      pens: fc.option(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 3 })),
      penSerial: fc.integer({ min: 1, max: 20 }),
      sku: fc.constantFrom(Sku.HOME, Sku.PRO, 0, 3),
      revokedId: fc.boolean(),
      revokedKey: fc.boolean(),
      listTrusted: fc.option(fc.boolean()),
      recordOffsetMs: fc.option(fc.integer({ min: -DAY_S * 1000, max: DAY_S * 1000 })),
    });
    fc.assert(
      fc.property(arbitrary, (c) => {
        const nbf = NOW_S + c.nbfOffsetS;
        const payload = { ...claims({ iss: c.issMatches ? KEY_ID : 'x', nbf, exp: nbf + c.lengthS }) };
        if (c.pens !== null) payload.pens = c.pens;
        const list: RevocationCheck | null =
          c.listTrusted === null
            ? null
            : c.listTrusted
              ? revocations(c.revokedId ? ['cred-1'] : [], c.revokedKey ? [KEY_ID] : [])
              : { ok: false, refusal: { reason: PolicyReason.REVOCATION_LIST_INVALID, detail: 'x' } };
        const decision = decideUnlock({
          token: c.failure === null ? token(payload, c.roles) : failed(c.failure),
          nowMs: NOW_MS,
          revocations: list,
          newestRecordAtMs: c.recordOffsetMs === null ? null : NOW_MS + c.recordOffsetMs,
          pen: { serialNumber: c.penSerial, sku: c.sku },
        });
        const expected =
          c.failure === null &&
          c.roles.includes('maker') &&
          c.issMatches &&
          NOW_MS >= nbf * 1000 &&
          NOW_MS < (nbf + c.lengthS) * 1000 &&
          (c.pens === null || c.pens.includes(c.penSerial)) &&
          c.sku === Sku.PRO &&
          (c.listTrusted === null || (c.listTrusted && !c.revokedId && !c.revokedKey)) &&
          (c.recordOffsetMs === null || c.recordOffsetMs <= 0);
        expect(decision.ok).toBe(expected);
        if (!decision.ok) expect(decision.refusals.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('buildCredentialClaims', () => {
  const request = {
    issuerKeyId: KEY_ID,
    clinicianId: 'clin-042',
    clinicianName: 'Dr. Ada Lovelace',
    license: 'GMC-1234567',
    credentialId: 'cred-1',
    issuedAtMs: NOW_MS + 999,
    notBeforeMs: NOW_MS + 1,
    expiresAtMs: NOW_MS + DAY_S * 1000 + 999,
  };

  it('rounds nbf up and exp down to whole seconds (never a longer validity)', () => {
    const built = buildCredentialClaims(request);
    expect(built.ok && [built.claims.iat, built.claims.nbf, built.claims.exp]).toEqual([
      NOW_S,
      NOW_S + 1,
      NOW_S + DAY_S,
    ]);
  });

  it('without a not-before the credential is valid from its issue second (valid at once)', () => {
    const { notBeforeMs: _omitted, ...rest } = request;
    const built = buildCredentialClaims(rest);
    expect(built.ok && built.claims.nbf).toBe(NOW_S);
    if (built.ok) {
      const decision = checkCredential({ ...input({ token: token({ ...built.claims }) }), nowMs: request.issuedAtMs });
      expect(decision.ok).toBe(true);
    }
  });

  it('lists pens once each and keeps maxDepthUm', () => {
    const built = buildCredentialClaims({ ...request, pens: [5, 5, 6], maxDepthUm: 1000 });
    expect(built.ok && [built.claims.pens, built.claims.maxDepthUm]).toEqual([[5, 6], 1000]);
  });

  it('refuses what checkCredential would refuse, naming the claim', () => {
    const built = buildCredentialClaims({ ...request, clinicianId: '', expiresAtMs: NOW_MS - 1, maxDepthUm: 2600 });
    expect(new Set(built.ok ? [] : built.refusals.map((r) => r.field))).toEqual(new Set(['exp', 'maxDepthUm', 'sub']));
    const expired = buildCredentialClaims({ ...request, expiresAtMs: NOW_MS - 1 });
    expect(expired.ok ? [] : expired.refusals.map((r) => r.field)).toEqual(['exp']);
  });
});
