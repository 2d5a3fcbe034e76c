// Interoperability with an independent JOSE implementation (jose 6): its tokens verify with ours, ours with it; its unsecured JWT is refused.
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenFailure } from '../policy/index.js';
import { credentialClaims, namedKey, trustStoreOf } from '../../test/support/trust-fixtures.js';
import { TOKEN_TYP, signToken, verifyToken } from './jws.js';
import { keyIdOf } from './keys.js';

const maker = namedKey('Acme Pens', ['maker']);
const otherMaker = namedKey('Other Pens', ['maker']);
const trust = trustStoreOf([maker, otherMaker]);
const publicKeyOf = (key: typeof maker.key) => jose.importJWK({ ...key.publicJwk }, 'EdDSA');

describe('jose interoperability', () => {
  it('our key id is the RFC 7638 thumbprint jose computes', async () => {
    expect(keyIdOf(maker.key.publicJwk)).toBe(await jose.calculateJwkThumbprint({ ...maker.key.publicJwk }));
  });

  it('a credential signed by jose (SignJWT) verifies with ours', async () => {
    const claims = credentialClaims(maker.key);
    const token = await new jose.SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: maker.key.keyId })
      .sign(maker.key.privateKey);
    expect(verifyToken(token, 'credential', trust)).toMatchObject({ ok: true, payload: claims });
  });

  it('a token signed by jose (CompactSign) with its header fields in another order verifies with ours', async () => {
    const token = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify({ iss: maker.key.keyId })))
      .setProtectedHeader({ kid: maker.key.keyId, alg: 'EdDSA', typ: TOKEN_TYP.profile })
      .sign(maker.key.privateKey);
    expect(verifyToken(token, 'profile', trust).ok).toBe(true);
  });

  it('our tokens verify with jose (jwtVerify with the typ and the issuer checked)', async () => {
    const claims = credentialClaims(maker.key, { exp: Math.floor(Date.now() / 1000) + 3600 });
    const token = signToken('credential', claims, maker.key);
    const { payload, protectedHeader } = await jose.jwtVerify(token, await publicKeyOf(maker.key), {
      algorithms: ['EdDSA'],
      typ: TOKEN_TYP.credential,
      issuer: maker.key.keyId,
      currentDate: new Date(claims.nbf * 1000 + 1000),
    });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: maker.key.keyId });
  });

  it('jose refuses our token with one flipped payload byte, as we do', async () => {
    const token = signToken('credential', credentialClaims(maker.key), maker.key);
    const dot = token.indexOf('.');
    const mutated = `${token.slice(0, dot + 5)}${token[dot + 5] === 'A' ? 'B' : 'A'}${token.slice(dot + 6)}`;
    await expect(jose.compactVerify(mutated, await publicKeyOf(maker.key))).rejects.toThrow();
    expect(verifyToken(mutated, 'credential', trust)).toMatchObject({ ok: false });
  });

  it("jose's unsecured JWT (alg none) is refused as UNSIGNED", () => {
    const token = new jose.UnsecuredJWT({ ...credentialClaims(maker.key) }).encode();
    expect(verifyToken(token, 'credential', trust)).toMatchObject({ ok: false, failure: TokenFailure.UNSIGNED });
  });

  it('a jose token whose kid names another trusted key (swapped kid) is refused as BAD_SIGNATURE', async () => {
    const token = await new jose.SignJWT({ ...credentialClaims(maker.key) })
      .setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: otherMaker.key.keyId })
      .sign(maker.key.privateKey);
    expect(verifyToken(token, 'credential', trust)).toMatchObject({ ok: false, failure: TokenFailure.BAD_SIGNATURE });
  });

  it('a jose token with typ JWT (its default for JWTs) is refused as WRONG_TYP', async () => {
    const token = await new jose.SignJWT({ ...credentialClaims(maker.key) })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: maker.key.keyId })
      .sign(maker.key.privateKey);
    expect(verifyToken(token, 'credential', trust)).toMatchObject({ ok: false, failure: TokenFailure.WRONG_TYP });
  });
});
