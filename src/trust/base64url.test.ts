// Tests of strict base64url: one text per byte string; padding, foreign characters and stray trailing bits refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url.js';

describe('base64url', () => {
  it('property: decode(encode(bytes)) is bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it.each([
    ['padding', 'AA=='],
    ['standard base64 +', 'a+b_'],
    ['standard base64 /', 'a/b_'],
    ['a space', 'AA AA'],
    ['a length no encoding has', 'AAAAA'],
    ['non-zero unused bits (1 byte)', 'AB'],
    ['non-zero unused bits (2 bytes)', 'AAB'],
    ['non-ASCII', 'AAé'],
  ])('refuses %s', (_label, text) => {
    expect(decodeBase64url(text)).toBeNull();
  });

  it('property: any text that decodes is the encoding of what it decodes to', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AB_-=+/z09 .'), maxLength: 12 }), (text) => {
        const bytes = decodeBase64url(text);
        if (bytes !== null) expect(encodeBase64url(bytes)).toBe(text);
      }),
    );
  });
});
