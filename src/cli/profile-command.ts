// `mnpen profile`: a clinic signs its profile (refused if it loosens anything); anyone checks a signed one and sees what it binds.
import { randomUUID } from 'node:crypto';
import {
  AREA_IDS,
  DEFAULT_EXPOSURE_BUDGETS,
  DEFAULT_TREATMENT_CONFIG,
  MAX_PASSES_PER_AREA,
  PRO_AREA_CAP_UM,
  applyProfile,
  checkProfile,
  isoOf,
  type EffectiveProfile,
  type ExposureBudgets,
  type TreatmentConfigField,
  type VerifiedProfile,
} from '../policy/index.js';
import { signToken, verifyToken } from '../trust/index.js';
import { UsageError, parseFlagsAndFiles, type CliCommand, type CommandOutput } from './command.js';
import {
  formatRefusals,
  loadDocument,
  loadRevocations,
  loadSigningKey,
  loadToken,
  loadTrust,
  runSubcommand,
  printVerdict,
  writeToken,
  type Verdict,
} from './trust-args.js';

const PROFILE_HELP = `mnpen profile: signed clinic profiles that may only tighten the product's defaults

Usage:
  mnpen profile sign --key PRIVATE FILE [--out FILE]
  mnpen profile verify FILE [--trust FILE] [--revocations FILE] [--json]

sign     checks the profile document (JSON) and signs it with a clinic's private key (compact JWS,
         typ mnpen-profile+jwt); a document that loosens any default is refused, naming the field
verify   valid and what it binds, or every reason it is refused

Profile document: {"name": "...", "areaCapsUm": {"cheeks": 1200}, "areaPassLimits": {"cheeks": 4},
  "exposureBudgets": {"areaPunctures": 500000}, "treatment": {"proMinIntervalDays": 42}}
  (see docs/trust.md for every field)

  --key PRIVATE        the clinic's private-key.pem (mnpen keys generate --role clinic)
  --out FILE           write the token there (default: stdout)
  --trust FILE         trust file (default: $MNPEN_DATA_DIR/trust.json)
  --revocations FILE   revocation list (default: $MNPEN_DATA_DIR/revocations.jwt when it exists)
  --json               one JSON object: {"valid":true,"profile":{...}} or {"valid":false,"refusals":[...]}

Exit codes: 0 signed or valid, 1 refused (each reason printed), 2 bad input (the flag, file or field is named).
`;

async function sign(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(argv, { key: { type: 'string' }, out: { type: 'string' } }, 1, 'profile FILE');
  if (parsed === null) return help(out);
  const key = loadSigningKey(parsed.values.key);
  const path = parsed.files[0]!;
  const document = loadDocument(path, 'profile');
  const applied = applyProfile(document);
  if (!applied.ok)
    throw new UsageError(`profile ${path}: refused, nothing signed:\n${formatRefusals(applied.refusals)}`);
  const jti = randomUUID();
  const token = signToken(
    'profile',
    { iss: key.keyId, jti, iat: Math.floor(Date.now() / 1000), profile: document },
    key,
  );
  writeToken(token, parsed.values.out, `signed profile "${applied.profile.name}" (${jti}) with key ${key.keyId}`, out);
  return 0;
}

/** What a profile changes from the product defaults, one line each. */
export function profileChanges(settings: EffectiveProfile): string[] {
  const lines: string[] = [];
  for (const area of AREA_IDS) {
    const capUm = settings.areaCapsUm[area];
    if (capUm !== undefined) lines.push(`${area} cap ${capUm} um (default ${PRO_AREA_CAP_UM[area]})`);
    const passes = settings.passLimitsByArea[area];
    if (passes < MAX_PASSES_PER_AREA) lines.push(`${area} passes ${passes} (default ${MAX_PASSES_PER_AREA})`);
  }
  for (const field of Object.keys(DEFAULT_EXPOSURE_BUDGETS) as (keyof ExposureBudgets)[]) {
    const value = settings.exposureBudgets[field];
    if (value !== DEFAULT_EXPOSURE_BUDGETS[field])
      lines.push(`${field} ${value} (default ${DEFAULT_EXPOSURE_BUDGETS[field]})`);
  }
  for (const field of Object.keys(DEFAULT_TREATMENT_CONFIG) as TreatmentConfigField[]) {
    const value = JSON.stringify(settings.treatment[field]);
    const defaultValue = JSON.stringify(DEFAULT_TREATMENT_CONFIG[field]);
    if (value !== defaultValue) lines.push(`${field} ${value} (default ${defaultValue})`);
  }
  return lines;
}

function describeProfile(profile: VerifiedProfile): string {
  const changes = profileChanges(profile.settings);
  return [
    `valid: profile "${profile.settings.name}" (${profile.profileId})`,
    `  signed by ${profile.clinicName} (key ${profile.keyId}) at ${isoOf(profile.issuedAtMs)}`,
    `  sha256: ${profile.tokenSha256}`,
    changes.length === 0
      ? '  binds the product defaults'
      : `  binds:\n${changes.map((line) => `    ${line}`).join('\n')}`,
  ].join('\n');
}

async function verify(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(
    argv,
    {
      trust: { type: 'string' },
      revocations: { type: 'string' },
      json: { type: 'boolean' },
    },
    1,
    'profile FILE',
  );
  if (parsed === null) return help(out);
  const text = loadToken(parsed.files[0]!, 'profile');
  const trust = loadTrust(parsed.values.trust);
  const decision = checkProfile(verifyToken(text, 'profile', trust), loadRevocations(parsed.values.revocations, trust));
  const verdict: Verdict = decision.ok
    ? { valid: { name: 'profile', value: decision.profile, text: describeProfile(decision.profile) } }
    : decision;
  return printVerdict(out, parsed.files[0]!, parsed.values.json === true, verdict);
}

function help(out: CommandOutput): number {
  out.stdout(PROFILE_HELP);
  return 0;
}

export const profileCommand: CliCommand = {
  name: 'profile',
  synopsis: 'profile sign|verify',
  summary: 'sign a clinic profile (tighten only), or check one and see what it binds',
  help: PROFILE_HELP,
  run: (argv, out) => runSubcommand('profile', argv, { sign, verify }, PROFILE_HELP, out),
};
