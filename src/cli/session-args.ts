// `mnpen session` flags: parsed and validated; every error names the flag (exit 2).
import { UsageError, choiceFlag, integerFlag, parseFlags } from './command.js';

export interface SessionArgs {
  readonly source: { kind: 'sim'; seed: number } | { kind: 'port'; path: string };
  readonly planPath: string;
  readonly mode: 'home' | 'pro' | undefined;
  readonly json: boolean;
  readonly attemptPasses: number | undefined;
  readonly credentialPath: string | undefined;
  readonly profilePath: string | undefined;
  readonly trustPath: string | undefined;
  readonly revocationsPath: string | undefined;
  readonly dbPath: string | undefined;
  readonly clientId: string | undefined;
  readonly screeningPath: string | undefined;
  readonly patchTest: boolean;
  readonly atMs: number | undefined;
  readonly cartridgeId: number | undefined;
  readonly batteryPercent: number | undefined;
}

const sessionOptions = {
  sim: { type: 'boolean' },
  port: { type: 'string' },
  plan: { type: 'string' },
  mode: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  'attempt-passes': { type: 'string' },
  credential: { type: 'string' },
  profile: { type: 'string' },
  trust: { type: 'string' },
  revocations: { type: 'string' },
  db: { type: 'string' },
  client: { type: 'string' },
  screening: { type: 'string' },
  'patch-test': { type: 'boolean' },
  at: { type: 'string' },
  cartridge: { type: 'string' },
  battery: { type: 'string' },
} as const;

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.length === 0) throw new UsageError(`--${flag}: empty path`);
  return value;
}

/** Parses `mnpen session` flags; null for --help. Throws UsageError naming the flag. */
export function parseSessionArgs(argv: readonly string[]): SessionArgs | null {
  const values = parseFlags(argv, sessionOptions);
  if (values === null) return null;
  if (values.sim === true && values.port !== undefined) throw new UsageError('--sim and --port: choose one');
  if (values.sim !== true && values.port === undefined) throw new UsageError('--sim or --port PATH: one is required');
  if (values.port !== undefined && values.port.length === 0) throw new UsageError('--port: empty path');
  if (values.plan === undefined || values.plan.length === 0) throw new UsageError('--plan FILE is required');
  const mode =
    values.mode === undefined ? undefined : choiceFlag('mode', values.mode, ['home', 'pro'] as const, 'home');
  let atMs: number | undefined;
  if (values.at !== undefined) {
    atMs = Date.parse(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(atMs)) {
      throw new UsageError(`--at: expected an ISO-8601 date-time such as 2026-11-21T10:00:00Z, got "${values.at}"`);
    }
  }
  const seed = integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1;
  return {
    source: values.port !== undefined ? { kind: 'port', path: values.port } : { kind: 'sim', seed },
    planPath: values.plan,
    mode,
    json: values.json === true,
    attemptPasses: integerFlag('attempt-passes', values['attempt-passes'], 1, 20),
    credentialPath: nonEmpty('credential', values.credential),
    profilePath: nonEmpty('profile', values.profile),
    trustPath: nonEmpty('trust', values.trust),
    revocationsPath: nonEmpty('revocations', values.revocations),
    dbPath: values.db,
    clientId: values.client,
    screeningPath: values.screening,
    patchTest: values['patch-test'] === true,
    atMs,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    batteryPercent: integerFlag('battery', values.battery, 0, 100),
  };
}
