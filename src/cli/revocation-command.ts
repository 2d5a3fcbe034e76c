// `mnpen revocation`: a maker signs the list of withdrawn credential ids and key ids; anyone checks a signed list.
import {
  checkRevocationList,
  isoOf,
  issuesToRefusals,
  PolicyReason,
  revocationDocumentSchema,
} from '../policy/index.js';
import { signToken, verifyToken } from '../trust/index.js';
import { UsageError, parseFlagsAndFiles, type CliCommand, type CommandOutput } from './command.js';
import {
  formatRefusals,
  loadDocument,
  loadSigningKey,
  loadToken,
  loadTrust,
  printVerdict,
  runSubcommand,
  writeToken,
} from './trust-args.js';

const REVOCATION_HELP = `mnpen revocation: the signed list of revoked credentials and keys, checked at every unlock

Usage:
  mnpen revocation sign --key PRIVATE FILE [--out FILE]
  mnpen revocation verify FILE [--trust FILE] [--json]

sign     signs the list document with a maker's private key (compact JWS, typ mnpen-revocations+jwt).
         The document: {"credentialIds": ["..."], "keyIds": ["..."]}. A new list replaces the old
         one whole: keep every entry that is still revoked.
verify   valid and what it revokes, or why it cannot be trusted (then every unlock is refused)

A controller reads --revocations FILE, or $MNPEN_DATA_DIR/revocations.jwt when it exists.

  --key PRIVATE    the maker's private-key.pem (mnpen keys generate --role maker)
  --out FILE       write the token there (default: stdout)
  --trust FILE     trust file (default: $MNPEN_DATA_DIR/trust.json)
  --json           one JSON object: {"valid":true,"list":{...}} or {"valid":false,"refusals":[...]}

Exit codes: 0 signed or valid, 1 refused, 2 bad input (the flag, file or field is named).
`;

async function sign(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(argv, { key: { type: 'string' }, out: { type: 'string' } }, 1, 'list FILE');
  if (parsed === null) return help(out);
  const key = loadSigningKey(parsed.values.key);
  const path = parsed.files[0]!;
  const document = revocationDocumentSchema.safeParse(loadDocument(path, 'revocation list'));
  if (!document.success) {
    const refusals = issuesToRefusals(document.error.issues, PolicyReason.REVOCATION_LIST_INVALID, '');
    throw new UsageError(`revocation list ${path}: refused, nothing signed:\n${formatRefusals(refusals)}`);
  }
  const credentialIds = [...new Set(document.data.credentialIds ?? [])];
  const keyIds = [...new Set(document.data.keyIds ?? [])];
  const iat = Math.floor(Date.now() / 1000);
  const summary = `signed revocation list of ${credentialIds.length} credential(s) and ${keyIds.length} key(s) with key ${key.keyId}`;
  writeToken(
    signToken('revocations', { iss: key.keyId, iat, credentialIds, keyIds }, key),
    parsed.values.out,
    summary,
    out,
  );
  return 0;
}

async function verify(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(argv, { trust: { type: 'string' }, json: { type: 'boolean' } }, 1, 'list FILE');
  if (parsed === null) return help(out);
  const text = loadToken(parsed.files[0]!, 'revocation list');
  const check = checkRevocationList(verifyToken(text, 'revocations', loadTrust(parsed.values.trust)));
  if (!check.ok) return printVerdict(out, parsed.files[0]!, parsed.values.json === true, { refusals: [check.refusal] });
  const { list } = check;
  const description = [
    `valid: revocation list signed by key ${list.signedByKeyId} at ${isoOf(list.issuedAtMs)}`,
    `  revoked credentials: ${list.credentialIds.length === 0 ? 'none' : list.credentialIds.join(', ')}`,
    `  revoked keys: ${list.keyIds.length === 0 ? 'none' : list.keyIds.join(', ')}`,
  ].join('\n');
  return printVerdict(out, parsed.files[0]!, parsed.values.json === true, {
    valid: { name: 'list', value: list, text: description },
  });
}

function help(out: CommandOutput): number {
  out.stdout(REVOCATION_HELP);
  return 0;
}

export const revocationCommand: CliCommand = {
  name: 'revocation',
  synopsis: 'revocation sign|verify',
  summary: 'sign the list of revoked credentials and keys, or check one',
  help: REVOCATION_HELP,
  run: (argv, out) => runSubcommand('revocation', argv, { sign, verify }, REVOCATION_HELP, out),
};
