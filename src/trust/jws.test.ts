// Tests of compact JWS signing and strict verification: every malformed, unsigned, mistyped, foreign or tampered token is refused with its code.
import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenFailure, type TokenFailureCode, type TokenKind, type VerifiedToken } from '../policy/index.js';
import { credentialClaims, credentialToken, namedKey, trustStoreOf } from '../../test/support/trust-fixtures.js';
import { encodeBase64url } from './base64url.js';
import { MAX_TOKEN_CHARS, TOKEN_TYP, signToken, verifyToken } from './jws.js';

const maker = namedKey('Acme Pens', ['maker']);
const otherMaker = namedKey('Other Pens', ['maker']);
const stranger = namedKey('Not trusted', ['maker']);
const trust = trustStoreOf([maker, otherMaker]);

const failureOf = (token: VerifiedToken): TokenFailureCode | 'ok' => (token.ok ? 'ok' : token.failure);
const verifyCredential = (text: unknown) => verifyToken(text, 'credential', trust);

/** A token with the given header (as JSON text) over a payload, signed over exactly those bytes by `key`. */
function withHeader(headerJson: string, key = maker.key, payload: object = credentialClaims(maker.key)): string {
  const input = `${encodeBase64url(headerJson)}.${encodeBase64url(JSON.stringify(payload))}`;
  return `${input}.${encodeBase64url(sign(null, Buffer.from(input, 'ascii'), key.privateKey))}`;
}

const header = (fields: Record<string, unknown>) => JSON.stringify(fields);
const goodHeader = (extra: Record<string, unknown> = {}) =>
  header({ alg: 'EdDSA', typ: TOKEN_TYP.credential, kid: maker.key.keyId, ...extra });

describe('signToken and verifyToken', () => {
  it('a token verifies as its kind with the signer named and the payload intact', () => {
    const claims = credentialClaims(maker.key);
    const result = verifyCredential(signToken('credential', claims, maker.key));
    expect(result).toMatchObject({
      ok: true,
      kind: 'credential',
      signer: { keyId: maker.key.keyId, keyName: 'Acme Pens', keyRoles: ['maker'] },
      payload: claims,
    });
    if (result.ok) expect(result.tokenSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the header is exactly alg, typ and kid', () => {
    const [headerPart] = credentialToken(maker.key).split('.');
    expect(JSON.parse(Buffer.from(headerPart!, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'mnpen-credential+jwt',
      kid: maker.key.keyId,
    });
  });

  it('header fields in another order verify (another signer may order them so)', () => {
    const token = withHeader(header({ kid: maker.key.keyId, typ: TOKEN_TYP.credential, alg: 'EdDSA' }));
    expect(failureOf(verifyCredential(token))).toBe('ok');
  });
});

describe('refusals with their code', () => {
  const cases: [string, () => unknown, TokenFailureCode][] = [
    ['no token', () => '', TokenFailure.MALFORMED],
    ['not a string', () => 42, TokenFailure.MALFORMED],
    ['null', () => null, TokenFailure.MALFORMED],
    ['two parts', () => credentialToken(maker.key).split('.').slice(0, 2).join('.'), TokenFailure.MALFORMED],
    ['four parts', () => `${credentialToken(maker.key)}.AAAA`, TokenFailure.MALFORMED],
    ['oversized', () => 'A'.repeat(MAX_TOKEN_CHARS + 1), TokenFailure.MALFORMED],
    ['a plain JSON document', () => JSON.stringify(credentialClaims(maker.key)), TokenFailure.UNSIGNED],
    [
      'alg none, empty signature',
      () =>
        `${encodeBase64url(header({ alg: 'none', typ: TOKEN_TYP.credential, kid: maker.key.keyId }))}.${encodeBase64url(JSON.stringify(credentialClaims(maker.key)))}.`,
      TokenFailure.UNSIGNED,
    ],
    [
      'alg none with a real signature',
      () => withHeader(header({ alg: 'none', typ: TOKEN_TYP.credential, kid: maker.key.keyId })),
      TokenFailure.UNSIGNED,
    ],
    ['alg EdDSA, empty signature', () => credentialToken(maker.key).replace(/\.[^.]+$/, '.'), TokenFailure.UNSIGNED],
    ['alg HS256', () => withHeader(goodHeader({ alg: 'HS256' })), TokenFailure.ALG_NOT_ALLOWED],
    ['alg Ed25519 (not EdDSA)', () => withHeader(goodHeader({ alg: 'Ed25519' })), TokenFailure.ALG_NOT_ALLOWED],
    [
      'alg missing',
      () => withHeader(header({ typ: TOKEN_TYP.credential, kid: maker.key.keyId })),
      TokenFailure.ALG_NOT_ALLOWED,
    ],
    ['crit header', () => withHeader(goodHeader({ crit: ['exp'] })), TokenFailure.MALFORMED],
    ['embedded jwk header', () => withHeader(goodHeader({ jwk: maker.key.publicJwk })), TokenFailure.MALFORMED],
    ['b64 header', () => withHeader(goodHeader({ b64: false })), TokenFailure.MALFORMED],
    [
      'duplicate alg (last wins in JSON.parse)',
      () => withHeader(`{"alg":"none","alg":"EdDSA","typ":"${TOKEN_TYP.credential}","kid":"${maker.key.keyId}"}`),
      TokenFailure.MALFORMED,
    ],
    [
      'duplicate kid',
      () =>
        withHeader(
          `{"alg":"EdDSA","typ":"${TOKEN_TYP.credential}","kid":"${otherMaker.key.keyId}","kid":"${maker.key.keyId}"}`,
        ),
      TokenFailure.MALFORMED,
    ],
    ['typ missing', () => withHeader(header({ alg: 'EdDSA', kid: maker.key.keyId })), TokenFailure.WRONG_TYP],
    ['typ JWT', () => withHeader(goodHeader({ typ: 'JWT' })), TokenFailure.WRONG_TYP],
    ['typ of a profile', () => withHeader(goodHeader({ typ: TOKEN_TYP.profile })), TokenFailure.WRONG_TYP],
    [
      'typ in upper case',
      () => withHeader(goodHeader({ typ: TOKEN_TYP.credential.toUpperCase() })),
      TokenFailure.WRONG_TYP,
    ],
    ['kid missing', () => withHeader(header({ alg: 'EdDSA', typ: TOKEN_TYP.credential })), TokenFailure.MALFORMED],
    ['kid a number', () => withHeader(goodHeader({ kid: 7 })), TokenFailure.MALFORMED],
    ['unknown kid', () => credentialToken(stranger.key), TokenFailure.UNKNOWN_KEY],
    [
      'swapped kid (signed by one trusted key, names another)',
      () => withHeader(goodHeader({ kid: otherMaker.key.keyId })),
      TokenFailure.BAD_SIGNATURE,
    ],
    [
      'header not JSON',
      () => `${encodeBase64url('{alg')}.e30.${encodeBase64url(Buffer.alloc(64))}`,
      TokenFailure.MALFORMED,
    ],
    ['header an array', () => withHeader('["EdDSA"]'), TokenFailure.MALFORMED],
    ['header padded base64', () => credentialToken(maker.key).replace('.', '=.'), TokenFailure.MALFORMED],
    [
      'signature too short',
      () => credentialToken(maker.key).replace(/\.[^.]+$/, `.${encodeBase64url(Buffer.alloc(32, 1))}`),
      TokenFailure.BAD_SIGNATURE,
    ],
    [
      'signature of zeros',
      () => credentialToken(maker.key).replace(/\.[^.]+$/, `.${encodeBase64url(Buffer.alloc(64))}`),
      TokenFailure.BAD_SIGNATURE,
    ],
    ['payload an array (signed)', () => withHeader(goodHeader(), maker.key, ['a']), TokenFailure.MALFORMED],
  ];
  it.each(cases)('%s', (_label, make, expected) => {
    const result = verifyCredential(make());
    expect(failureOf(result)).toBe(expected);
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
  });

  it('a token of each kind is refused as every other kind (WRONG_TYP)', () => {
    const kinds: TokenKind[] = ['credential', 'profile', 'revocations'];
    for (const signed of kinds) {
      const token = signToken(signed, { iss: maker.key.keyId }, maker.key);
      for (const expected of kinds) {
        expect(failureOf(verifyToken(token, expected, trust))).toBe(
          signed === expected ? 'ok' : TokenFailure.WRONG_TYP,
        );
      }
    }
  });

  it('a signature with non-zero unused trailing bits (same bytes to a lenient decoder) is refused', () => {
    const token = credentialToken(maker.key);
    const last = token.at(-1)!;
    // 64 bytes = 86 base64url characters: the last carries 2 data bits and 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const mutated = token.slice(0, -1) + sibling;
    expect(Buffer.from(mutated.split('.')[2]!, 'base64url')).toEqual(Buffer.from(token.split('.')[2]!, 'base64url'));
    expect(failureOf(verifyCredential(mutated))).toBe(TokenFailure.MALFORMED);
  });
});

describe('one flipped byte is refused, at every position', () => {
  const token = credentialToken(maker.key);
  const flip = (position: number, mask: number): string => {
    const bytes = Buffer.from(token, 'latin1');
    bytes[position] = bytes[position]! ^ mask;
    return bytes.toString('latin1');
  };

  it(`every byte of a ${token.length}-byte token, each of its 8 bits flipped`, () => {
    const failures = new Map<string, number>();
    for (let position = 0; position < token.length; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const result = verifyCredential(flip(position, 1 << bit));
        expect(result.ok, `byte ${position} bit ${bit}`).toBe(false);
        const code = failureOf(result);
        failures.set(code, (failures.get(code) ?? 0) + 1);
      }
    }
    expect([...failures.values()].reduce((a, b) => a + b, 0)).toBe(token.length * 8);
    expect(failures.get('ok')).toBeUndefined();
  });

  it('property: any non-zero mask at any position', () => {
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        expect(verifyCredential(flip(position, mask)).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a flip in the payload or the signature is BAD_SIGNATURE or MALFORMED, never anything weaker', () => {
    const payloadStart = token.indexOf('.') + 1;
    fc.assert(
      fc.property(
        fc.integer({ min: payloadStart, max: token.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (position, mask) => {
          if (token[position] === '.') return;
          expect([TokenFailure.BAD_SIGNATURE, TokenFailure.MALFORMED]).toContain(
            failureOf(verifyCredential(flip(position, mask))),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('never throws', () => {
  it('property: any string, and any splice of token parts', () => {
    const parts = credentialToken(maker.key).split('.');
    const piece = fc.oneof(fc.string(), fc.constantFrom(...parts), fc.base64String());
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 5 }),
        fc.constantFrom<TokenKind>('credential', 'profile', 'revocations'),
        (pieces, kind) => {
          const result = verifyToken(pieces.join('.'), kind, trust);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: any JSON value as the header over a real payload', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        expect(verifyCredential(withHeader(json)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
