// The simulated bench's throwaway maker: a signing key made per run, trusted in the run's own data directory, issuing the credentials its scenarios ask for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IssuedCredentialRequest } from '../bench/executor/bench-target.js';
import { buildCredentialClaims } from '../policy/index.js';
import {
  TRUST_FILE_NAME,
  TRUST_FILE_VERSION,
  generateSigningKey,
  signToken,
  trustEntryFor,
  type SigningKey,
} from '../trust/index.js';

/** Largest pen serial number a credential may name. */
const MAX_PEN_SERIAL = 0xffffffff;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The clinician every bench-issued credential names. */
export const BENCH_CLINICIAN = { id: 'bench-clinician', name: 'Bench Clinician', license: 'BENCH-0001' } as const;

/**
 * A maker key that lives only in memory for one bench run (no private key is ever written): its
 * public key is the only entry of `dataDir/trust.json`, the run's own trust file. Each credential
 * is written to `dataDir` and read back through the controller's loader, as a clinician's file is.
 */
export class BenchCredentialIssuer {
  private readonly key: SigningKey = generateSigningKey();
  private issuedCount = 0;
  readonly trustPath: string;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.trustPath = join(dataDir, TRUST_FILE_NAME);
    const entry = trustEntryFor(this.key, 'Bench maker (throwaway, this run)', ['maker']);
    writeFileSync(this.trustPath, `${JSON.stringify({ version: TRUST_FILE_VERSION, keys: [entry] }, null, 2)}\n`);
  }

  /**
   * Signs a credential for the pen with serial `penSerialNumber` (or another pen), valid from now
   * for a day, or expired a day ago; returns its file. Throws Error when the claims are refused.
   */
  issue(request: IssuedCredentialRequest, penSerialNumber: number, nowMs: number): string {
    const number = ++this.issuedCount;
    const otherPen = penSerialNumber >= MAX_PEN_SERIAL ? 1 : penSerialNumber + 1;
    const issuedAtMs = request.expired ? nowMs - 2 * DAY_MS : nowMs;
    const built = buildCredentialClaims({
      issuerKeyId: this.key.keyId,
      clinicianId: BENCH_CLINICIAN.id,
      clinicianName: BENCH_CLINICIAN.name,
      license: BENCH_CLINICIAN.license,
      credentialId: `bench-credential-${number}`,
      issuedAtMs,
      expiresAtMs: request.expired ? nowMs - DAY_MS : nowMs + DAY_MS,
      pens: [request.pens === 'this-pen' ? penSerialNumber : otherPen],
      ...(request.maxDepthUm === undefined ? {} : { maxDepthUm: request.maxDepthUm }),
    });
    if (!built.ok)
      throw new Error(
        `the bench cannot issue this credential: ${built.refusals.map((r) => `${r.field ?? r.reason}: ${r.detail}`).join('; ')}`,
      );
    const path = join(this.dataDir, `credential-${number}.jwt`);
    writeFileSync(path, `${signToken('credential', built.claims, this.key)}\n`);
    return path;
  }
}
