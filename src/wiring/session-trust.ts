// The signed documents a session is given (credential, clinic profile, revocation list): read, verified against the trust file, handed to the machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PresentedToken } from '../machine/index.js';
import { checkRevocationList, type RevocationCheck } from '../policy/index.js';
import { resolveDataDir } from '../store/index.js';
import {
  REVOCATIONS_FILE_NAME,
  TRUST_FILE_NAME,
  TrustFileProblem,
  readTokenFile,
  readTrustFile,
  verifyToken,
  type TrustStore,
} from '../trust/index.js';
import { RequestError } from './request-error.js';

/** Where a session's signed documents are. Absent paths: none given (trust and revocations: the data directory's). */
export interface SessionTrustFiles {
  readonly credentialPath?: string;
  readonly profilePath?: string;
  readonly trustPath?: string;
  readonly revocationsPath?: string;
}

/** The machine inputs the documents give: each token as verified, with the revocation list checked. */
export interface SessionTrust {
  readonly credential?: PresentedToken;
  readonly profile?: PresentedToken;
}

/**
 * Reads and verifies the documents (signature against the trust file); the machine decides what
 * they allow. Nothing is read when neither a credential nor a profile is given. Throws
 * RequestError (nothing sent to the pen) for a missing or unreadable file, naming its flag.
 * `env` gives the data directory of the default trust file and revocation list (MNPEN_DATA_DIR).
 */
export function loadSessionTrust(files: SessionTrustFiles, env: NodeJS.ProcessEnv = process.env): SessionTrust {
  if (files.credentialPath === undefined && files.profilePath === undefined) return {};
  const dataDir = resolveDataDir(env);
  const trust = loadTrustStore(files.trustPath ?? join(dataDir, TRUST_FILE_NAME), files.trustPath === undefined);
  const revocations = loadRevocationCheck(files.revocationsPath, join(dataDir, REVOCATIONS_FILE_NAME), trust);
  const read = (flag: string, path: string, what: string) => forFlag(flag, () => readTokenFile(path, what));
  return {
    ...(files.credentialPath === undefined
      ? {}
      : {
          credential: {
            token: verifyToken(read('credential', files.credentialPath, 'credential'), 'credential', trust),
            revocations,
          },
        }),
    ...(files.profilePath === undefined
      ? {}
      : {
          profile: {
            token: verifyToken(read('profile', files.profilePath, 'clinic profile'), 'profile', trust),
            revocations,
          },
        }),
  };
}

function forFlag<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TrustFileProblem) throw new RequestError(`--${flag}: ${error.message}`);
    throw error;
  }
}

function loadTrustStore(path: string, isDefault: boolean): TrustStore {
  if (isDefault && !existsSync(path)) {
    throw new RequestError(
      `--trust: no trust file at ${path} (add the maker's or clinic's key with: mnpen keys trust PUBLIC-KEY.json)`,
    );
  }
  return forFlag('trust', () => readTrustFile(path));
}

/** The checked list of `--revocations`, else of the data directory's file when present, else null. */
function loadRevocationCheck(
  flagPath: string | undefined,
  defaultPath: string,
  trust: TrustStore,
): RevocationCheck | null {
  const path = flagPath ?? defaultPath;
  if (flagPath === undefined && !existsSync(path)) return null;
  const text = forFlag('revocations', () => readTokenFile(path, 'revocation list'));
  return checkRevocationList(verifyToken(text, 'revocations', trust));
}
