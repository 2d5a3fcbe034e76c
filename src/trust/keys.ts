// Ed25519 signing keys (node:crypto): generation, PEM import and export, and the key id (RFC 7638 thumbprint).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeBase64url, encodeBase64url } from './base64url.js';

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** The 32-byte public key, base64url. */
  readonly x: string;
}

/** A private key that signs, with its key id. Only on a maker's or clinic's own machine, never on a treating one. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

const ED25519_PUBLIC_KEY_BYTES = 32;

/**
 * Key id of a public key: its RFC 7638 JWK thumbprint, base64url SHA-256 of
 * `{"crv":"Ed25519","kty":"OKP","x":"..."}` (members in that order, no spaces). 43 characters.
 */
export function keyIdOf(jwk: PublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return encodeBase64url(createHash('sha256').update(canonical).digest());
}

function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicJwk = publicJwkOf(privateKey);
  return { keyId: keyIdOf(publicJwk), privateKey, publicJwk };
}

/** A fresh Ed25519 key pair from the system's random source. */
export function generateSigningKey(): SigningKey {
  return signingKeyOf(generateKeyPairSync('ed25519').privateKey);
}

/** The private key as PKCS#8 PEM (what `mnpen keys generate` writes, readable by openssl). */
export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** A signing key from PEM text, or why not (not a private key, or not Ed25519). Never throws. */
export function signingKeyFromPem(pem: string): { ok: true; key: SigningKey } | { ok: false; detail: string } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    return { ok: false, detail: `not a PEM private key (${(error as Error).message})` };
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    return { ok: false, detail: `a ${privateKey.asymmetricKeyType ?? 'unknown'} key; Ed25519 is required` };
  }
  return { ok: true, key: signingKeyOf(privateKey) };
}

/** The public key of a JWK whose `x` is a canonical base64url 32-byte key, or null. Never throws. */
export function publicKeyFromJwk(jwk: PublicJwk): KeyObject | null {
  const bytes = decodeBase64url(jwk.x);
  if (bytes === null || bytes.length !== ED25519_PUBLIC_KEY_BYTES) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  } catch {
    return null;
  }
}
