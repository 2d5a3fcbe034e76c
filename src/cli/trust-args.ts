// Flags and files shared by the keys, credential, profile and revocation commands: default paths, instants, pens, refusals.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkRevocationList, type RevocationCheck, type TrustRefusal } from '../policy/index.js';
import { resolveDataDir } from '../store/index.js';
import {
  REVOCATIONS_FILE_NAME,
  TRUST_FILE_NAME,
  TrustFileProblem,
  readJsonFile,
  readSigningKey,
  readTokenFile,
  readTrustFile,
  replaceFile,
  verifyToken,
  type SigningKey,
  type TrustStore,
} from '../trust/index.js';
import { UsageError, type CommandOutput } from './command.js';

/** `--trust FILE`, else `$MNPEN_DATA_DIR/trust.json`. */
export function trustPath(flag: string | undefined): string {
  return flag ?? join(resolveDataDir(process.env), TRUST_FILE_NAME);
}

/** Runs a file read, turning its problem into a UsageError (exit 2) with `prefix` before the message. */
function asUsage<T>(prefix: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TrustFileProblem) throw new UsageError(`${prefix}${error.message}`);
    throw error;
  }
}

/** Runs a file read for `--flag`, turning its problem into a UsageError naming the flag (exit 2). */
export function forFlag<T>(flag: string, read: () => T): T {
  return asUsage(`--${flag}: `, read);
}

/** The trusted keys of `--trust` or the data directory's trust file. UsageError when missing or bad. */
export function loadTrust(flag: string | undefined): TrustStore {
  const path = trustPath(flag);
  if (flag === undefined && !existsSync(path)) {
    throw new UsageError(`--trust: no trust file at ${path} (add keys with: mnpen keys trust PUBLIC-KEY.json)`);
  }
  return forFlag('trust', () => readTrustFile(path));
}

/**
 * The checked revocation list: `--revocations FILE`, else the data directory's revocations.jwt
 * when it exists, else null (none configured). A list that fails verification is returned as a
 * failed check (the decisions then refuse); an unreadable file is a UsageError.
 */
export function loadRevocations(flag: string | undefined, trust: TrustStore): RevocationCheck | null {
  const path = flag ?? join(resolveDataDir(process.env), REVOCATIONS_FILE_NAME);
  if (flag === undefined && !existsSync(path)) return null;
  const text = forFlag('revocations', () => readTokenFile(path, 'revocation list'));
  return checkRevocationList(verifyToken(text, 'revocations', trust));
}

/** The private key of `--key`. UsageError when absent, unreadable, readable by others or not Ed25519. */
export function loadSigningKey(flag: string | undefined): SigningKey {
  if (flag === undefined || flag === '') throw new UsageError('--key PRIVATE-KEY.pem is required');
  return forFlag('key', () => readSigningKey(flag));
}

/** A JSON document named by a positional argument. UsageError naming it when unreadable. */
export function loadDocument(path: string, what: string): unknown {
  return asUsage('', () => readJsonFile(path, what));
}

/** A token file named by a positional argument. UsageError naming it when unreadable. */
export function loadToken(path: string, what: string): string {
  return asUsage('', () => readTokenFile(path, what));
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant flag, ms since epoch: a date (`2027-03-01`, midnight UTC) or a date-time with its
 * zone (`2027-03-01T09:00:00Z`, `...+01:00`); a local time without a zone is refused as ambiguous.
 * Undefined when absent; UsageError naming the flag otherwise.
 */
export function instantFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = DATE_ONLY.test(text) || DATE_TIME_WITH_ZONE.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--${flag}: expected a date such as 2027-03-01 or a date-time with a zone such as 2027-03-01T09:00:00Z, got "${text}"`,
    );
  }
  return ms;
}

/** A pen serial number (INFO.serialNumber): decimal or 0x-hex, 1..0xffffffff. UsageError naming `--pen`. */
export function penSerialFlag(text: string): number {
  const value = /^0x[0-9a-f]{1,8}$/i.test(text)
    ? Number.parseInt(text.slice(2), 16)
    : /^\d{1,10}$/.test(text)
      ? Number(text)
      : NaN;
  if (!(value >= 1 && value <= 0xffffffff)) {
    throw new UsageError(`--pen: expected a pen serial number (1..4294967295 or 0x1..0xffffffff), got "${text}"`);
  }
  return value;
}

/**
 * Writes a token to `--out` (replaced atomically) and the summary to stdout; without `--out` the
 * token alone goes to stdout (for a pipe) and the summary to stderr.
 */
export function writeToken(token: string, outPath: string | undefined, summary: string, out: CommandOutput): void {
  if (outPath === undefined) {
    out.stdout(token);
    out.stderr(summary);
    return;
  }
  forFlag('out', () => replaceFile(outPath, `${token}\n`));
  out.stdout(`${summary}\n  written to ${outPath}`);
}

/** What a verify command found: the valid document (named in the JSON output) or every refusal. */
export type Verdict =
  | { readonly valid: { readonly name: string; readonly value: unknown; readonly text: string } }
  | { readonly refusals: readonly TrustRefusal[] };

/** Prints a verdict on `file`, readable or as one JSON object; returns the exit code (0 valid, 1 refused). */
export function printVerdict(out: CommandOutput, file: string, json: boolean, verdict: Verdict): number {
  if ('valid' in verdict) {
    const { name, value, text } = verdict.valid;
    out.stdout(json ? JSON.stringify({ valid: true, [name]: value }) : text);
    return 0;
  }
  const { refusals } = verdict;
  out.stdout(json ? JSON.stringify({ valid: false, refusals }) : `refused: ${file}\n${formatRefusals(refusals)}`);
  return 1;
}

/** Refusals as lines `[REASON] field: detail`, indented. */
export function formatRefusals(refusals: readonly TrustRefusal[]): string {
  return refusals
    .map(
      (refusal) => `  [${refusal.reason}] ${refusal.field === undefined ? '' : `${refusal.field}: `}${refusal.detail}`,
    )
    .join('\n');
}

/** Runs the subcommand named by argv[0]; prints `help` for --help. UsageError for none or an unknown one. */
export async function runSubcommand(
  command: string,
  argv: readonly string[],
  subcommands: Readonly<Record<string, (argv: readonly string[], out: CommandOutput) => Promise<number>>>,
  help: string,
  out: CommandOutput,
): Promise<number> {
  const [name, ...rest] = argv;
  const expected = Object.keys(subcommands).join(', ');
  if (name === undefined) throw new UsageError(`${command}: a subcommand is required (${expected})`);
  if (name === '--help' || name === '-h') {
    out.stdout(help);
    return 0;
  }
  const run = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (run === undefined) {
    throw new UsageError(`${command}: unknown subcommand "${name}" (expected ${expected})`);
  }
  return run(rest, out);
}
