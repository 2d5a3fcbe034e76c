// Real signed tokens (ours and jose's) through verifyToken and the decisions: every rejection kind refused with its reason (S9, S2).
import { randomUUID, sign as nodeSign } from 'node:crypto';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import {
  PolicyReason,
  checkProfile,
  checkRevocationList,
  decideUnlock,
  type CredentialClaims,
  type RevocationCheck,
} from '../../src/policy/index.js';
import { Sku } from '../../src/protocol/index.js';
import { TOKEN_TYP, encodeBase64url, signToken, verifyToken, type SigningKey } from '../../src/trust/index.js';
import {
  NOW_MS,
  NOW_S,
  credentialClaims,
  namedKey,
  profileToken,
  revocationToken,
  trustStoreOf,
} from '../support/trust-fixtures.js';

const maker = namedKey('Acme Pens', ['maker']);
const otherMaker = namedKey('Other Pens', ['maker']);
const clinic = namedKey('Rose Clinic', ['clinic']);
const stranger = namedKey('Not trusted', ['maker']);
const trust = trustStoreOf([maker, otherMaker, clinic]);
const PEN = 0x00c0ffee;
const DAY_S = 86_400;

type Signer = (claims: CredentialClaims, key: SigningKey, header?: Record<string, unknown>) => Promise<string>;
const SIGNERS: [string, Signer][] = [
  [
    'ours',
    async (claims, key, header) =>
      header === undefined ? signToken('credential', claims, key) : forge(claims, key, header),
  ],
  [
    'jose',
    (claims, key, header) =>
      new jose.SignJWT({ ...claims })
        .setProtectedHeader({
          alg: 'EdDSA',
          typ: TOKEN_TYP.credential,
          kid: key.keyId,
          ...header,
        } as jose.JWTHeaderParameters)
        .sign(key.privateKey),
  ],
];

/** A token with a header of our choosing, signed by `key` over exactly its bytes (what an attacker with a key can do). */
function forge(claims: object, key: SigningKey, header: Record<string, unknown>): string {
  const input = `${encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: key.keyId, ...header }))}.${encodeBase64url(JSON.stringify(claims))}`;
  return `${input}.${encodeBase64url(nodeSign(null, Buffer.from(input), key.privateKey))}`;
}

interface UnlockCase {
  readonly token: string;
  readonly nowMs?: number;
  readonly pen?: { serialNumber: number; sku: number };
  readonly revocations?: RevocationCheck | null;
  readonly newestRecordAtMs?: number | null;
}

function unlock(c: UnlockCase) {
  return decideUnlock({
    token: verifyToken(c.token, 'credential', trust),
    nowMs: c.nowMs ?? NOW_MS,
    revocations: c.revocations ?? null,
    newestRecordAtMs: c.newestRecordAtMs ?? null,
    pen: c.pen ?? { serialNumber: PEN, sku: Sku.PRO },
  });
}
const reasonsOf = (decision: ReturnType<typeof unlock>) => (decision.ok ? [] : decision.refusals.map((r) => r.reason));
const listOf = (token: string) => checkRevocationList(verifyToken(token, 'revocations', trust));

describe.each(SIGNERS)('S9: credentials signed by %s', (_signer, signWith) => {
  const sign = (extra: Partial<CredentialClaims> = {}, key = maker.key, header?: Record<string, unknown>) =>
    signWith(credentialClaims(key, extra), key, header);

  it('S9: a valid credential unlocks this pro pen', async () => {
    const decision = unlock({ token: await sign({ pens: [PEN] }) });
    expect(decision.ok && decision.unlock.keyId).toBe(maker.key.keyId);
  });

  const rejections: [string, () => Promise<UnlockCase>, string][] = [
    [
      'alg none (header rewritten, signature dropped)',
      async () => {
        const [, payload] = (await sign()).split('.');
        const header = encodeBase64url(
          JSON.stringify({ alg: 'none', typ: TOKEN_TYP.credential, kid: maker.key.keyId }),
        );
        return { token: `${header}.${payload}.` };
      },
      PolicyReason.PRO_CREDENTIAL_UNSIGNED,
    ],
    [
      'wrong typ',
      async () => ({ token: await sign({}, maker.key, { typ: TOKEN_TYP.profile }) }),
      PolicyReason.PRO_CREDENTIAL_WRONG_TYPE,
    ],
    [
      'swapped kid',
      async () => ({ token: await sign({}, maker.key, { kid: otherMaker.key.keyId }) }),
      PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE,
    ],
    [
      'one flipped payload byte',
      async () => {
        const token = await sign();
        const at = token.indexOf('.') + 10;
        return { token: token.slice(0, at) + (token[at] === 'x' ? 'y' : 'x') + token.slice(at + 1) };
      },
      PolicyReason.PRO_CREDENTIAL_BAD_SIGNATURE,
    ],
    ['expired', async () => ({ token: await sign({ exp: NOW_S - 1 }) }), PolicyReason.PRO_CREDENTIAL_EXPIRED],
    [
      'not yet valid',
      async () => ({ token: await sign({ nbf: NOW_S + DAY_S }) }),
      PolicyReason.PRO_CREDENTIAL_NOT_YET_VALID,
    ],
    ['wrong pen', async () => ({ token: await sign({ pens: [PEN + 1] }) }), PolicyReason.PRO_CREDENTIAL_WRONG_PEN],
    [
      'revoked credential id',
      async () => {
        const jti = randomUUID();
        return {
          token: await sign({ jti }),
          revocations: listOf(revocationToken(maker.key, { credentialIds: [jti] })),
        };
      },
      PolicyReason.PRO_CREDENTIAL_REVOKED,
    ],
    [
      'revoked signing key',
      async () => ({
        token: await sign({}, otherMaker.key),
        revocations: listOf(revocationToken(maker.key, { keyIds: [otherMaker.key.keyId] })),
      }),
      PolicyReason.PRO_CREDENTIAL_REVOKED,
    ],
    [
      'a tampered revocation list',
      async () => {
        const list = revocationToken(maker.key, {});
        return {
          token: await sign(),
          revocations: listOf(`${list.slice(0, 30)}${list[30] === 'A' ? 'B' : 'A'}${list.slice(31)}`),
        };
      },
      PolicyReason.REVOCATION_LIST_INVALID,
    ],
    ['unknown key', async () => ({ token: await sign({}, stranger.key) }), PolicyReason.PRO_CREDENTIAL_UNKNOWN_KEY],
    [
      'a clinic key as issuer',
      async () => ({ token: await sign({}, clinic.key) }),
      PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER,
    ],
    [
      'iss of another maker',
      async () => ({ token: await sign({ iss: otherMaker.key.keyId }) }),
      PolicyReason.PRO_CREDENTIAL_WRONG_ISSUER,
    ],
    [
      'malformed claims',
      async () => ({ token: await sign({ maxDepthUm: 9000 }) }),
      PolicyReason.PRO_CREDENTIAL_MALFORMED,
    ],
    [
      'a clock set back behind the records',
      async () => ({ token: await sign({ exp: NOW_S + 10 }), nowMs: NOW_MS, newestRecordAtMs: NOW_MS + 60_000 }),
      PolicyReason.CLOCK_BEHIND_RECORDS,
    ],
    [
      'a home-SKU pen',
      async () => ({ token: await sign(), pen: { serialNumber: PEN, sku: Sku.HOME } }),
      PolicyReason.PRO_MODE_NEEDS_PRO_SKU,
    ],
  ];
  it.each(rejections)('S9: %s is refused', async (_label, make, reason) => {
    expect(reasonsOf(unlock(await make()))).toEqual([reason]);
  });
});

describe('S2: signed profiles end to end', () => {
  const tightening = { name: 'Rose face', areaCapsUm: { cheeks: 1000 }, treatment: { proMinIntervalDays: 42 } };
  const profile = (token: string, revocations: RevocationCheck | null = null) =>
    checkProfile(verifyToken(token, 'profile', trust), revocations);
  const reasons = (decision: ReturnType<typeof profile>) => (decision.ok ? [] : decision.refusals.map((r) => r.reason));

  it('S2: a clinic-signed tightening profile binds', () => {
    const decision = profile(profileToken(clinic.key, tightening));
    expect(decision.ok && decision.profile.settings.treatment.proMinIntervalDays).toBe(42);
  });

  it('S2: a profile signed by jose verifies and binds', async () => {
    const token = await new jose.SignJWT({ iss: clinic.key.keyId, jti: 'p-1', iat: NOW_S, profile: tightening })
      .setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYP.profile, kid: clinic.key.keyId })
      .sign(clinic.key.privateKey);
    expect(profile(token).ok).toBe(true);
  });

  it.each<[string, () => string, string]>([
    ['unsigned (plain JSON)', () => JSON.stringify(tightening), PolicyReason.PROFILE_UNSIGNED],
    [
      'unsigned (jose UnsecuredJWT)',
      () => new jose.UnsecuredJWT({ profile: tightening }).encode(),
      PolicyReason.PROFILE_UNSIGNED,
    ],
    [
      'tampered (a cap raised after signing)',
      () => {
        const [header, , signature] = profileToken(clinic.key, tightening).split('.');
        const raised = encodeBase64url(
          JSON.stringify({
            iss: clinic.key.keyId,
            jti: 'p',
            iat: NOW_S,
            profile: { ...tightening, areaCapsUm: { cheeks: 1500 } },
          }),
        );
        return `${header}.${raised}.${signature}`;
      },
      PolicyReason.PROFILE_TAMPERED,
    ],
    [
      'signed by an untrusted key',
      () => profileToken(namedKey('x', ['clinic']).key, tightening),
      PolicyReason.PROFILE_UNTRUSTED_KEY,
    ],
    ['signed by a maker key', () => profileToken(maker.key, tightening), PolicyReason.PROFILE_UNTRUSTED_KEY],
    [
      'a credential given as a profile',
      () => signToken('credential', credentialClaims(maker.key), maker.key),
      PolicyReason.PROFILE_WRONG_TYPE,
    ],
    [
      'loosening',
      () => profileToken(clinic.key, { name: 'x', areaPassLimits: { cheeks: 8 } }),
      PolicyReason.PROFILE_LOOSENS,
    ],
    [
      'invalid',
      () => profileToken(clinic.key, { name: 'x', areaCapsUm: { elbow: 100 } }),
      PolicyReason.PROFILE_INVALID,
    ],
  ])('S2: a profile %s is refused', (_label, make, reason) => {
    expect(reasons(profile(make()))).toEqual([reason]);
  });

  it('S2: a profile by a revoked clinic key is PROFILE_KEY_REVOKED', () => {
    const list = listOf(revocationToken(maker.key, { keyIds: [clinic.key.keyId] }));
    expect(reasons(profile(profileToken(clinic.key, tightening), list))).toEqual([PolicyReason.PROFILE_KEY_REVOKED]);
  });
});
