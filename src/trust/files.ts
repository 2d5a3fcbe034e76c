// Key, trust and token files on disk: private keys 0600 and never overwritten, bounded reads, atomic replacement.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KeyRole } from '../policy/index.js';
import { privateKeyPem, signingKeyFromPem, type SigningKey } from './keys.js';
import {
  parseTrustEntry,
  parseTrustFile,
  trustEntryFor,
  trustFileSchema,
  withTrustedKey,
  type TrustEntry,
  type TrustFile,
  type TrustFileError,
  type TrustStore,
} from './trust-file.js';

export const PRIVATE_KEY_FILE = 'private-key.pem';
/** File name of the trust file in the data directory (the default of every `--trust`). */
export const TRUST_FILE_NAME = 'trust.json';
/** File name of the revocation list in the data directory (read when present and no `--revocations` is given). */
export const REVOCATIONS_FILE_NAME = 'revocations.jwt';
export const PUBLIC_KEY_FILE = 'public-key.json';
/** NOTE: owner read/write only; a private key readable by others is refused when read. */
export const PRIVATE_KEY_MODE = 0o600;
/** Largest file read as a key, token or document, bytes: a larger one is refused unread. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A file that cannot be used: the message names the file and, where there is one, the field. */
export class TrustFileProblem extends Error {
  override readonly name = 'TrustFileProblem';
}

/** Reads a whole file of at most `maxBytes`. Throws TrustFileProblem naming `what` and the path. */
export function readBoundedFile(path: string, what: string, maxBytes = MAX_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new TrustFileProblem(`${what} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new TrustFileProblem(`${what} ${path}: not a regular file`);
    if (stat.size > maxBytes) throw new TrustFileProblem(`${what} ${path}: ${stat.size} bytes, more than ${maxBytes}`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A token file's text without surrounding whitespace (a final newline is usual). Throws TrustFileProblem. */
export function readTokenFile(path: string, what: string): string {
  return readBoundedFile(path, what).toString('utf8').trim();
}

/** A JSON file, parsed. Throws TrustFileProblem naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readBoundedFile(path, what).toString('utf8'));
  } catch (error) {
    if (error instanceof TrustFileProblem) throw error;
    throw new TrustFileProblem(`${what} ${path}: not JSON (${(error as Error).message})`);
  }
}

const listErrors = (what: string, path: string, errors: readonly TrustFileError[]): TrustFileProblem =>
  new TrustFileProblem(`${what} ${path}: refused:\n  ${errors.map((e) => `${e.field}: ${e.message}`).join('\n  ')}`);

/** The trusted keys of a trust file. Throws TrustFileProblem listing every bad field. */
export function readTrustFile(path: string): TrustStore {
  const parsed = parseTrustFile(readJsonFile(path, 'trust file'));
  if (!parsed.ok) throw listErrors('trust file', path, parsed.errors);
  return parsed.value;
}

/**
 * A private signing key from a PEM file that only its owner may read (like ssh, a key readable by
 * group or others is refused). Throws TrustFileProblem.
 */
export function readSigningKey(path: string): SigningKey {
  const pem = readBoundedFile(path, 'private key', 16 * 1024).toString('utf8');
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new TrustFileProblem(
      `private key ${path}: permissions ${mode.toString(8).padStart(4, '0')} let others read it (chmod 600 ${path})`,
    );
  }
  const key = signingKeyFromPem(pem);
  if (!key.ok) throw new TrustFileProblem(`private key ${path}: ${key.detail}`);
  return key.key;
}

/** Writes a file that must not exist yet. Throws TrustFileProblem when it does. */
function writeNewFile(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrustFileProblem(
      `${path}: ${code === 'EEXIST' ? 'already exists (never overwritten)' : `cannot write it (${code})`}`,
    );
  }
}

/** Replaces `path` with `text` atomically (temporary file beside it, then rename). Throws TrustFileProblem. */
export function replaceFile(path: string, text: string, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode });
    renameSync(temporary, path);
  } catch (error) {
    throw new TrustFileProblem(`${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Writes `dir/private-key.pem` (mode 0600) and `dir/public-key.json` (its trust entry), creating
 * `dir` (0700) when needed. Never overwrites: throws TrustFileProblem when either exists.
 */
export function writeKeyPair(
  dir: string,
  key: SigningKey,
  name: string,
  roles: readonly KeyRole[],
): { privateKeyPath: string; publicKeyPath: string; entry: TrustEntry } {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new TrustFileProblem(`--out ${dir}: cannot create it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (statSync(path, { throwIfNoEntry: false }) !== undefined) {
      throw new TrustFileProblem(`${path}: already exists (a key is never overwritten)`);
    }
  }
  const entry = trustEntryFor(key, name, roles);
  writeNewFile(privateKeyPath, privateKeyPem(key), PRIVATE_KEY_MODE);
  writeNewFile(publicKeyPath, `${JSON.stringify(entry, null, 2)}\n`, 0o644);
  return { privateKeyPath, publicKeyPath, entry };
}

/**
 * Adds the trust entry in `entryPath` (a public-key.json) to the trust file at `trustPath`,
 * creating it when absent. Throws TrustFileProblem for a bad entry, a bad trust file or a key
 * already trusted; the trust file is then left as it was.
 */
export function addTrustedKey(trustPath: string, entryPath: string): TrustEntry {
  const entry = parseTrustEntry(readJsonFile(entryPath, 'public key'), 'key');
  if (!entry.ok) throw listErrors('public key', entryPath, entry.errors);
  let file: TrustFile | null = null;
  if (statSync(trustPath, { throwIfNoEntry: false }) !== undefined) {
    const json = readJsonFile(trustPath, 'trust file');
    const checked = parseTrustFile(json);
    if (!checked.ok) throw listErrors('trust file', trustPath, checked.errors);
    file = trustFileSchema.parse(json);
  }
  const updated = withTrustedKey(file, entry.value);
  if (!updated.ok) throw listErrors('trust file', trustPath, updated.errors);
  try {
    mkdirSync(dirname(trustPath), { recursive: true });
  } catch (error) {
    throw new TrustFileProblem(`${trustPath}: cannot create its directory (${(error as NodeJS.ErrnoException).code})`);
  }
  replaceFile(trustPath, `${JSON.stringify(updated.value, null, 2)}\n`);
  return entry.value;
}
