// Tests of Ed25519 keys: PEM round trip, key ids, and PEM that is not an Ed25519 private key refused.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.js';
import { generateSigningKey, keyIdOf, privateKeyPem, publicKeyFromJwk, signingKeyFromPem } from './keys.js';

describe('signing keys', () => {
  it('a key survives PEM export and import with the same key id', () => {
    const key = generateSigningKey();
    const pem = privateKeyPem(key);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const back = signingKeyFromPem(pem);
    expect(back.ok && back.key.keyId).toBe(key.keyId);
  });

  it('the key id is 43 base64url characters and differs between keys', () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    expect(a.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.keyId).not.toBe(b.keyId);
    expect(keyIdOf(a.publicJwk)).toBe(a.keyId);
  });

  it.each([
    ['garbage', 'not a key'],
    [
      'an RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    ],
    [
      'an EC key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ],
    ['a public key', generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString()],
  ])('refuses %s as a signing key', (_label, pem) => {
    expect(signingKeyFromPem(pem).ok).toBe(false);
  });

  it('a public JWK must hold exactly 32 canonical bytes', () => {
    const { x } = generateSigningKey().publicJwk;
    expect(publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x })).not.toBeNull();
    expect(publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(Buffer.alloc(31)) })).toBeNull();
    expect(publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: `${x}=` })).toBeNull();
  });
});
