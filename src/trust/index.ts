// Public surface of the trust layer: Ed25519 keys, the trust file, compact JWS signing and strict verification, key and token files.
export * from './base64url.js';
export * from './files.js';
export * from './jws.js';
export * from './keys.js';
export * from './trust-file.js';
