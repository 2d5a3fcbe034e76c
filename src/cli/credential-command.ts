// `mnpen credential`: a maker issues a signed clinician credential; anyone checks one against a trust file.
import { randomUUID } from 'node:crypto';
import { buildCredentialClaims, checkCredential, depthMmToUm, isoOf, type ProUnlock } from '../policy/index.js';
import { signToken, verifyToken } from '../trust/index.js';
import { UsageError, parseFlags, parseFlagsAndFiles, type CliCommand, type CommandOutput } from './command.js';
import {
  formatRefusals,
  instantFlag,
  loadRevocations,
  loadSigningKey,
  loadToken,
  loadTrust,
  penSerialFlag,
  runSubcommand,
  printVerdict,
  writeToken,
  type Verdict,
} from './trust-args.js';

const CREDENTIAL_HELP = `mnpen credential: signed clinician credentials that unlock professional depth

Usage:
  mnpen credential issue --key PRIVATE --clinician ID --name NAME --license LICENSE --expires WHEN
                         [--not-before WHEN] [--pen SERIAL]... [--max-depth-mm X] [--id ID] [--out FILE]
  mnpen credential verify FILE [--trust FILE] [--revocations FILE] [--pen SERIAL] [--at WHEN] [--json]

issue    signs a credential with a maker's private key (compact JWS, typ mnpen-credential+jwt)
verify   valid, or every reason it is not: signature, issuer, revocation, pen, not-before, expiry

  --key PRIVATE        the maker's private-key.pem (mnpen keys generate --role maker)
  --clinician ID       the clinician's id
  --name NAME          the clinician's name
  --license LICENSE    the clinician's professional licence number
  --expires WHEN       end of validity: 2027-03-01 (midnight UTC) or 2027-03-01T09:00:00Z
  --not-before WHEN    start of validity (default: now)
  --pen SERIAL         bind to this pen (repeat for several; default: any professional pen)
  --max-depth-mm X     deepest depth it unlocks, 0.25-2.5 mm (default 2.5)
  --id ID              credential id, what a revocation list names (default: a random UUID)
  --out FILE           write the token there (default: stdout)
  --trust FILE         trust file (default: $MNPEN_DATA_DIR/trust.json)
  --revocations FILE   revocation list (default: $MNPEN_DATA_DIR/revocations.jwt when it exists)
  --at WHEN            judge at this time instead of now
  --json               one JSON object: {"valid":true,"unlock":{...}} or {"valid":false,"refusals":[...]}

Exit codes: 0 issued or valid, 1 refused (each reason printed), 2 bad input (the flag or file is named).
`;

/** The flag each claim comes from, to name it in an error. */
const CLAIM_FLAGS: Readonly<Record<string, string>> = {
  sub: '--clinician',
  name: '--name',
  license: '--license',
  exp: '--expires',
  nbf: '--not-before',
  pens: '--pen',
  maxDepthUm: '--max-depth-mm',
  jti: '--id',
};

function maxDepthUmFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const depthMm = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  const depthUm = depthMmToUm(depthMm);
  if (!Number.isInteger(depthUm) || depthUm < 250 || depthUm > 2500) {
    throw new UsageError(`--max-depth-mm: expected 0.25 to 2.5 mm in whole micrometres, got "${text}"`);
  }
  return depthUm;
}

async function issue(argv: readonly string[], out: CommandOutput): Promise<number> {
  const values = parseFlags(argv, {
    key: { type: 'string' },
    clinician: { type: 'string' },
    name: { type: 'string' },
    license: { type: 'string' },
    expires: { type: 'string' },
    'not-before': { type: 'string' },
    pen: { type: 'string', multiple: true },
    'max-depth-mm': { type: 'string' },
    id: { type: 'string' },
    out: { type: 'string' },
  });
  if (values === null) return help(out);
  for (const flag of ['clinician', 'name', 'license', 'expires'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  }
  const nowMs = Date.now();
  const expiresAtMs = instantFlag('expires', values.expires)!;
  if (expiresAtMs <= nowMs) throw new UsageError(`--expires: ${values.expires} is not in the future`);
  const key = loadSigningKey(values.key);
  const built = buildCredentialClaims({
    issuerKeyId: key.keyId,
    clinicianId: values.clinician!,
    clinicianName: values.name!,
    license: values.license!,
    credentialId: values.id ?? randomUUID(),
    issuedAtMs: nowMs,
    ...(values['not-before'] === undefined ? {} : { notBeforeMs: instantFlag('not-before', values['not-before'])! }),
    expiresAtMs,
    ...(values.pen === undefined ? {} : { pens: values.pen.map(penSerialFlag) }),
    ...(values['max-depth-mm'] === undefined ? {} : { maxDepthUm: maxDepthUmFlag(values['max-depth-mm']) }),
  });
  if (!built.ok) {
    const named = built.refusals.map((r) => ({ ...r, field: CLAIM_FLAGS[r.field?.split(/[.[]/)[0] ?? ''] ?? r.field }));
    throw new UsageError(`credential refused:\n${formatRefusals(named)}`);
  }
  const summary = `issued credential ${built.claims.jti} for clinician ${built.claims.sub}, signed by key ${key.keyId}, valid ${isoOf(built.claims.nbf * 1000)} to ${isoOf(built.claims.exp * 1000)}`;
  writeToken(signToken('credential', built.claims, key), values.out, summary, out);
  return 0;
}

function describeUnlock(unlock: ProUnlock): string {
  return [
    `valid: credential ${unlock.credentialId} for clinician ${unlock.clinicianId} (${unlock.clinicianName}, licence ${unlock.license})`,
    `  issued by ${unlock.keyName} (key ${unlock.keyId})`,
    `  valid from ${isoOf(unlock.notBeforeMs)} until ${isoOf(unlock.expiresAtMs)}`,
    `  pens: ${unlock.pens === null ? 'any professional pen' : unlock.pens.join(', ')}`,
    `  max depth: ${unlock.maxDepthUm / 1000} mm`,
    `  sha256: ${unlock.tokenSha256}`,
  ].join('\n');
}

async function verify(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(
    argv,
    {
      trust: { type: 'string' },
      revocations: { type: 'string' },
      pen: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
    1,
    'credential FILE',
  );
  if (parsed === null) return help(out);
  const { values } = parsed;
  const nowMs = instantFlag('at', values.at) ?? Date.now();
  const penSerialNumber = values.pen === undefined ? undefined : penSerialFlag(values.pen);
  const text = loadToken(parsed.files[0]!, 'credential');
  const trust = loadTrust(values.trust);
  const revocations = loadRevocations(values.revocations, trust);
  const decision = checkCredential({
    token: verifyToken(text, 'credential', trust),
    nowMs,
    revocations,
    newestRecordAtMs: null,
    ...(penSerialNumber === undefined ? {} : { penSerialNumber }),
  });
  const verdict: Verdict = decision.ok
    ? { valid: { name: 'unlock', value: decision.unlock, text: describeUnlock(decision.unlock) } }
    : decision;
  return printVerdict(out, parsed.files[0]!, values.json === true, verdict);
}

function help(out: CommandOutput): number {
  out.stdout(CREDENTIAL_HELP);
  return 0;
}

export const credentialCommand: CliCommand = {
  name: 'credential',
  synopsis: 'credential issue|verify',
  summary: 'issue a signed clinician credential, or check one (valid, or exactly why not)',
  help: CREDENTIAL_HELP,
  run: (argv, out) => runSubcommand('credential', argv, { issue, verify }, CREDENTIAL_HELP, out),
};
