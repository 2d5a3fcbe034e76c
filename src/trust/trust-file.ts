// The trust file: the public keys a controller accepts, each with its id, name and roles (docs/trust.md).
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { KEY_ROLES, displayText, fieldPath, type KeyRole } from '../policy/index.js';
import { keyIdOf, publicKeyFromJwk, type PublicJwk, type SigningKey } from './keys.js';

export const TRUST_FILE_VERSION = 1;
/** Most keys one trust file may hold. */
export const MAX_TRUSTED_KEYS = 1000;

const jwkSchema = z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().max(100) });

/** One trusted key: `kid` must be the thumbprint of `jwk` (checked), roles say what it may sign. */
export const trustEntrySchema = z.strictObject({
  kid: z.string().max(100),
  name: displayText(200),
  roles: z.array(z.enum(KEY_ROLES)).min(1).max(KEY_ROLES.length),
  jwk: jwkSchema,
});
export type TrustEntry = z.infer<typeof trustEntrySchema>;

export const trustFileSchema = z.strictObject({
  version: z.literal(TRUST_FILE_VERSION),
  keys: z.array(trustEntrySchema).max(MAX_TRUSTED_KEYS),
});
export type TrustFile = z.infer<typeof trustFileSchema>;

export interface TrustedKey {
  readonly keyId: string;
  readonly name: string;
  readonly roles: readonly KeyRole[];
  readonly publicKey: KeyObject;
}

/** The keys a controller accepts, by key id. */
export interface TrustStore {
  readonly keys: ReadonlyMap<string, TrustedKey>;
}

export interface TrustFileError {
  /** As `keys[1].kid`. */
  readonly field: string;
  readonly message: string;
}

export type TrustResult<T> = { ok: true; value: T } | { ok: false; errors: TrustFileError[] };

/** The trust entry for a key (what `mnpen keys generate` writes as public-key.json). */
export function trustEntryFor(key: SigningKey, name: string, roles: readonly KeyRole[]): TrustEntry {
  return { kid: key.keyId, name, roles: [...new Set(roles)], jwk: { ...key.publicJwk } };
}

function issues(root: string, error: z.ZodError): TrustFileError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldPath(root, [...issue.path, key]), message: `unknown field "${key}"` }))
      : [{ field: fieldPath(root, issue.path), message: issue.message }],
  );
}

/** A well-typed entry's key, or errors: a public key that is not 32 canonical bytes, a kid that is not its thumbprint, a role twice. */
function trustedKeyOf(entry: TrustEntry, root: string): TrustResult<TrustedKey> {
  const publicKey = publicKeyFromJwk(entry.jwk as PublicJwk);
  if (publicKey === null) {
    return {
      ok: false,
      errors: [{ field: `${root}.jwk.x`, message: 'not a base64url Ed25519 public key (32 bytes)' }],
    };
  }
  const errors: TrustFileError[] = [];
  const thumbprint = keyIdOf(entry.jwk as PublicJwk);
  if (entry.kid !== thumbprint) {
    errors.push({ field: `${root}.kid`, message: `is not the thumbprint of its public key (${thumbprint})` });
  }
  if (new Set(entry.roles).size !== entry.roles.length)
    errors.push({ field: `${root}.roles`, message: 'a role is listed twice' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { keyId: entry.kid, name: entry.name, roles: entry.roles, publicKey } };
}

/** Validates one trust entry (parsed JSON, e.g. a public-key.json). Never throws. */
export function parseTrustEntry(json: unknown, root = 'key'): TrustResult<TrustEntry> {
  const parsed = trustEntrySchema.safeParse(json);
  if (!parsed.success) return { ok: false, errors: issues(root, parsed.error) };
  const key = trustedKeyOf(parsed.data, root);
  return key.ok ? { ok: true, value: parsed.data } : key;
}

/**
 * Validates a trust file (parsed JSON) into the store of trusted keys. Every error names its
 * field; a key id listed twice is an error (two names or role sets for one key). Never throws.
 */
export function parseTrustFile(json: unknown): TrustResult<TrustStore> {
  const parsed = trustFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, errors: issues('', parsed.error) };
  const keys = new Map<string, TrustedKey>();
  const errors: TrustFileError[] = [];
  parsed.data.keys.forEach((entry, index) => {
    const root = `keys[${index}]`;
    const key = trustedKeyOf(entry, root);
    if (!key.ok) errors.push(...key.errors);
    else if (keys.has(key.value.keyId))
      errors.push({ field: `${root}.kid`, message: `key ${entry.kid} is listed twice` });
    else keys.set(key.value.keyId, key.value);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { keys } };
}

/** The trust file with `entry` added (a new file when `file` is null); an error when its key id is already there. */
export function withTrustedKey(file: TrustFile | null, entry: TrustEntry): TrustResult<TrustFile> {
  const keys = file?.keys ?? [];
  const index = keys.findIndex((existing) => existing.kid === entry.kid);
  if (index >= 0) {
    return { ok: false, errors: [{ field: `keys[${index}].kid`, message: `key ${entry.kid} is already trusted` }] };
  }
  return { ok: true, value: { version: TRUST_FILE_VERSION, keys: [...keys, entry] } };
}
