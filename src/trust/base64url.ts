// Strict base64url (RFC 4648 section 5, no padding): one text for one byte string, so no byte of a token can change unnoticed.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Bytes of a canonical unpadded base64url text, or null: a character outside the alphabet,
 * padding, a length no encoding has, or unused trailing bits that are not zero (Node's decoder
 * would accept all of these and give the same bytes for two different texts).
 */
export function decodeBase64url(text: string): Buffer | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/** Unpadded base64url of bytes, or of a string's UTF-8 bytes. */
export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
