// `mnpen session` flags: parsed and validated; every error names the flag (exit 2).
import type { SessionRequest } from '../wiring/session-request.js';
import { UsageError, choiceFlag, integerFlag, parseFlags } from './command.js';
import { readJsonInput } from './input-file.js';

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

/** The flags of a session's inputs, for commands that take them (parseFlags options). */
export const SESSION_INPUT_OPTIONS = {
  plan: { type: 'string' },
  mode: { type: 'string' },
  credential: { type: 'string' },
  profile: { type: 'string' },
  trust: { type: 'string' },
  revocations: { type: 'string' },
  db: { type: 'string' },
  client: { type: 'string' },
  screening: { type: 'string' },
  'patch-test': { type: 'boolean' },
} as const;

const sessionOptions = {
  ...SESSION_INPUT_OPTIONS,
  sim: { type: 'boolean' },
  port: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  'attempt-passes': { type: 'string' },
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
  let atMs: number | undefined;
  if (values.at !== undefined) {
    atMs = Date.parse(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(atMs)) {
      throw new UsageError(`--at: expected an ISO-8601 date-time such as 2026-11-21T10:00:00Z, got "${values.at}"`);
    }
  }
  const seed = integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1;
  return {
    ...sessionInputArgs(values, values.plan),
    source: values.port !== undefined ? { kind: 'port', path: values.port } : { kind: 'sim', seed },
    json: values.json === true,
    attemptPasses: integerFlag('attempt-passes', values['attempt-passes'], 1, 20),
    atMs,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    batteryPercent: integerFlag('battery', values.battery, 0, 100),
  };
}

/** The flags a session's inputs come from (`mnpen session`, `mnpen desktop --plan`). */
export type SessionInputArgs = Pick<
  SessionArgs,
  | 'planPath'
  | 'mode'
  | 'patchTest'
  | 'dbPath'
  | 'clientId'
  | 'screeningPath'
  | 'credentialPath'
  | 'profilePath'
  | 'trustPath'
  | 'revocationsPath'
>;

/** Reads the plan and screening files and names the signed documents: the request without its pen. Throws UsageError for a bad file. */
export function sessionRequestInputs(args: SessionInputArgs): Omit<SessionRequest, 'pen' | 'onProgress'> {
  const planJson = readJsonInput('--plan', args.planPath);
  const screening =
    args.screeningPath === undefined
      ? undefined
      : { json: readJsonInput('--screening', args.screeningPath), source: `--screening ${args.screeningPath}` };
  return {
    plan: { json: planJson, source: args.planPath },
    ...(args.mode === undefined ? {} : { modeOverride: args.mode }),
    patchTest: args.patchTest,
    ...(args.dbPath === undefined ? {} : { dbPath: args.dbPath }),
    ...(args.clientId === undefined ? {} : { clientId: args.clientId }),
    ...(screening === undefined ? {} : { screening }),
    trust: {
      ...(args.credentialPath === undefined ? {} : { credentialPath: args.credentialPath }),
      ...(args.profilePath === undefined ? {} : { profilePath: args.profilePath }),
      ...(args.trustPath === undefined ? {} : { trustPath: args.trustPath }),
      ...(args.revocationsPath === undefined ? {} : { revocationsPath: args.revocationsPath }),
    },
  };
}

type InputFlagValues = {
  [K in keyof typeof SESSION_INPUT_OPTIONS]?: (typeof SESSION_INPUT_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

/** Checks the session-input flags as `mnpen session` does (every error names the flag). */
export function sessionInputArgs(values: InputFlagValues, planPath: string): SessionInputArgs {
  return {
    planPath,
    mode: values.mode === undefined ? undefined : choiceFlag('mode', values.mode, ['home', 'pro'] as const, 'home'),
    patchTest: values['patch-test'] === true,
    dbPath: values.db,
    clientId: values.client,
    screeningPath: values.screening,
    credentialPath: nonEmpty('credential', values.credential),
    profilePath: nonEmpty('profile', values.profile),
    trustPath: nonEmpty('trust', values.trust),
    revocationsPath: nonEmpty('revocations', values.revocations),
  };
}
