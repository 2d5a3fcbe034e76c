// `mnpen keys`: generate an Ed25519 key pair, add a public key to the trust file, list the trusted keys.
import { KEY_ROLES, type KeyRole } from '../policy/index.js';
import { addTrustedKey, generateSigningKey, writeKeyPair } from '../trust/index.js';
import {
  UsageError,
  choiceFlag,
  parseFlags,
  parseFlagsAndFiles,
  type CliCommand,
  type CommandOutput,
} from './command.js';
import { forFlag, loadTrust, runSubcommand, trustPath } from './trust-args.js';

const KEYS_HELP = `mnpen keys: signing keys and the trust file

Usage:
  mnpen keys generate --out DIR --name NAME --role maker|clinic [--role ...]
  mnpen keys trust PUBLIC-KEY.json [--trust FILE]
  mnpen keys list [--trust FILE] [--json]

generate   a new Ed25519 key pair: DIR/private-key.pem (mode 0600, never overwritten; keep it on the
           signing machine, never on a treating one) and DIR/public-key.json (its trust entry:
           key id, name, roles, public key)
trust      adds a public-key.json to the trust file the controller accepts (created when absent)
list       the keys of the trust file

  --out DIR        directory for the key pair (created 0700 when absent)
  --name NAME      the key's owner as shown with everything it signs (e.g. "Acme Pens", "Rose Clinic")
  --role ROLE      maker: issues clinician credentials and revocation lists; clinic: signs profiles
  --trust FILE     trust file (default: $MNPEN_DATA_DIR/trust.json, MNPEN_DATA_DIR default ./data)

Exit codes: 0 done, 2 bad input (the message names the flag or field; nothing is written).
`;

async function generate(argv: readonly string[], out: CommandOutput): Promise<number> {
  const values = parseFlags(argv, {
    out: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
  });
  if (values === null) return help(out);
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required');
  const name = values.name?.trim();
  if (name === undefined || name === '') throw new UsageError('--name NAME is required');
  if (/\p{Cc}/u.test(name) || name.length > 200)
    throw new UsageError('--name: at most 200 characters, no control characters');
  if (values.role === undefined || values.role.length === 0) throw new UsageError('--role maker|clinic is required');
  const roles = values.role.map((role) => choiceFlag<KeyRole>('role', role, KEY_ROLES, 'maker'));
  const key = generateSigningKey();
  const written = forFlag('out', () => writeKeyPair(values.out!, key, name, roles));
  out.stdout(
    [
      `key ${key.keyId} (${name}, ${written.entry.roles.join(', ')})`,
      `  private key: ${written.privateKeyPath} (mode 0600: keep it on this machine, never on a treating one)`,
      `  public key:  ${written.publicKeyPath} (add it to a controller with: mnpen keys trust ${written.publicKeyPath})`,
    ].join('\n'),
  );
  return 0;
}

async function trust(argv: readonly string[], out: CommandOutput): Promise<number> {
  const parsed = parseFlagsAndFiles(argv, { trust: { type: 'string' } }, 1, 'PUBLIC-KEY.json');
  if (parsed === null) return help(out);
  const path = trustPath(parsed.values.trust);
  const entry = forFlag('trust', () => addTrustedKey(path, parsed.files[0]!));
  out.stdout(`trusted key ${entry.kid} (${entry.name}, ${entry.roles.join(', ')}) in ${path}`);
  return 0;
}

async function list(argv: readonly string[], out: CommandOutput): Promise<number> {
  const values = parseFlags(argv, { trust: { type: 'string' }, json: { type: 'boolean' } });
  if (values === null) return help(out);
  const keys = [...loadTrust(values.trust).keys.values()];
  if (values.json === true) {
    out.stdout(JSON.stringify(keys.map(({ keyId, name, roles }) => ({ keyId, name, roles }))));
  } else {
    out.stdout(
      keys.length === 0
        ? `no trusted keys in ${trustPath(values.trust)}`
        : keys.map((key) => `${key.keyId}  ${key.roles.join(',').padEnd(12)} ${key.name}`).join('\n'),
    );
  }
  return 0;
}

function help(out: CommandOutput): number {
  out.stdout(KEYS_HELP);
  return 0;
}

export const keysCommand: CliCommand = {
  name: 'keys',
  synopsis: 'keys generate|trust|list',
  summary: 'Ed25519 signing keys and the trust file of keys the controller accepts',
  help: KEYS_HELP,
  run: (argv, out) => runSubcommand('keys', argv, { generate, trust, list }, KEYS_HELP, out),
};
