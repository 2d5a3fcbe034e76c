// Compact JWS (RFC 7515) with EdDSA over Ed25519 only: signing, and strict verification against the trust store.
import { createHash, sign, verify } from 'node:crypto';
import { TokenFailure, type TokenFailureCode, type TokenKind, type VerifiedToken } from '../policy/index.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import type { SigningKey } from './keys.js';
import type { TrustStore } from './trust-file.js';

/** The JWS `typ` of each kind (explicit typing, RFC 8725 section 3.11): a token of one kind never passes as another. */
export const TOKEN_TYP: Readonly<Record<TokenKind, string>> = Object.freeze({
  credential: 'mnpen-credential+jwt',
  profile: 'mnpen-profile+jwt',
  revocations: 'mnpen-revocations+jwt',
});

/** The only algorithm accepted. */
export const JWS_ALG = 'EdDSA';
/** Longest token accepted, characters (a profile is about 2 kB). */
export const MAX_TOKEN_CHARS = 64 * 1024;
const ED25519_SIGNATURE_BYTES = 64;
/** NOTE: exactly these header fields, each once: `crit`, `jwk`, `jku`, `x5u`, `b64`... could change how it is read. */
const HEADER_FIELDS = ['alg', 'kid', 'typ'] as const;

/** A compact JWS of `payload` (a JSON object) as `kind`, signed by `key`. */
export function signToken(kind: TokenKind, payload: Readonly<Record<string, unknown>>, key: SigningKey): string {
  const header = encodeBase64url(JSON.stringify({ alg: JWS_ALG, typ: TOKEN_TYP[kind], kid: key.keyId }));
  const signingInput = `${header}.${encodeBase64url(JSON.stringify(payload))}`;
  return `${signingInput}.${encodeBase64url(sign(null, Buffer.from(signingInput, 'ascii'), key.privateKey))}`;
}

type Failure = Extract<VerifiedToken, { ok: false }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Members of a JSON object text (colons at depth 1, outside strings): more than its parsed keys means a duplicate. */
function memberCount(json: string): number {
  let depth = 0;
  let inString = false;
  let count = 0;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === ':' && depth === 1) count++;
  }
  return count;
}

/** A JSON object from base64url bytes, or why not. */
function jsonObjectOf(part: string, name: string): { value: Record<string, unknown>; text: string } | string {
  const bytes = decodeBase64url(part);
  if (bytes === null || bytes.length === 0) return `${name} is not canonical base64url`;
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return `${name} is not UTF-8 JSON`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} is not a JSON object`;
  return { value: value as Record<string, unknown>, text };
}

/** The header's fault, if any: the failure and why. */
function headerFault(
  header: Record<string, unknown>,
  text: string,
  kind: TokenKind,
): [TokenFailureCode, string] | null {
  if (memberCount(text) !== Object.keys(header).length)
    return [TokenFailure.MALFORMED, 'a header field is listed twice'];
  if (header.alg === 'none') return [TokenFailure.UNSIGNED, 'alg "none": the token is not signed'];
  if (header.alg !== JWS_ALG) {
    return [
      TokenFailure.ALG_NOT_ALLOWED,
      `alg ${JSON.stringify(header.alg ?? null)} is not accepted (${JWS_ALG} only)`,
    ];
  }
  const extra = Object.keys(header).filter((field) => !(HEADER_FIELDS as readonly string[]).includes(field));
  if (extra.length > 0) return [TokenFailure.MALFORMED, `header field ${extra.join(', ')} is not accepted`];
  if (header.typ !== TOKEN_TYP[kind]) {
    const other = (Object.keys(TOKEN_TYP) as TokenKind[]).find((candidate) => TOKEN_TYP[candidate] === header.typ);
    const what = other === undefined ? '' : ` (a ${other === 'revocations' ? 'revocation list' : other} token)`;
    return [TokenFailure.WRONG_TYP, `typ ${JSON.stringify(header.typ ?? null)}${what}; expected "${TOKEN_TYP[kind]}"`];
  }
  if (typeof header.kid !== 'string' || header.kid === '') return [TokenFailure.MALFORMED, 'header has no kid'];
  return null;
}

/**
 * Verifies a compact JWS as `kind` against the trusted keys. Accepts exactly: three canonical
 * base64url parts; a header of alg EdDSA, the kind's typ and a kid, each once and nothing else; a
 * kid in `trust`; a 64-byte Ed25519 signature that verifies; a JSON object payload. Anything else
 * is a failure with its code (MALFORMED, UNSIGNED, ALG_NOT_ALLOWED, WRONG_TYP, UNKNOWN_KEY,
 * BAD_SIGNATURE) and a detail. The key's roles are not judged here (policy does). Never throws.
 */
export function verifyToken(text: unknown, kind: TokenKind, trust: TrustStore): VerifiedToken {
  const fail = (failure: TokenFailureCode, detail: string): Failure => ({ ok: false, kind, failure, detail });
  if (typeof text !== 'string' || text.length === 0) return fail(TokenFailure.MALFORMED, 'no token');
  if (text.length > MAX_TOKEN_CHARS) return fail(TokenFailure.MALFORMED, `longer than ${MAX_TOKEN_CHARS} characters`);
  if (text.trimStart().startsWith('{')) return fail(TokenFailure.UNSIGNED, 'a plain JSON document, not a signed token');
  const parts = text.split('.');
  if (parts.length !== 3) return fail(TokenFailure.MALFORMED, `${parts.length} parts; a compact JWS has 3`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonObjectOf(headerPart, 'header');
  if (typeof header === 'string') return fail(TokenFailure.MALFORMED, header);
  const fault = headerFault(header.value, header.text, kind);
  if (fault !== null) return fail(...fault);
  if (signaturePart === '') return fail(TokenFailure.UNSIGNED, 'the signature is empty');
  const keyId = header.value.kid as string;
  const key = trust.keys.get(keyId);
  if (key === undefined) return fail(TokenFailure.UNKNOWN_KEY, `key ${keyId} is not in the trust file`);
  const signature = decodeBase64url(signaturePart);
  if (signature === null) return fail(TokenFailure.MALFORMED, 'signature is not canonical base64url');
  if (decodeBase64url(payloadPart) === null) return fail(TokenFailure.MALFORMED, 'payload is not canonical base64url');
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (signature.length !== ED25519_SIGNATURE_BYTES || !verifySignature(signingInput, key.publicKey, signature)) {
    return fail(TokenFailure.BAD_SIGNATURE, `the signature does not verify with key ${keyId} (${key.name})`);
  }
  const payload = jsonObjectOf(payloadPart, 'payload');
  if (typeof payload === 'string') return fail(TokenFailure.MALFORMED, payload);
  return {
    ok: true,
    kind,
    signer: { keyId, keyName: key.name, keyRoles: key.roles },
    payload: payload.value,
    tokenSha256: createHash('sha256').update(text).digest('hex'),
  };
}

function verifySignature(data: Buffer, publicKey: Parameters<typeof verify>[2], signature: Buffer): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}
