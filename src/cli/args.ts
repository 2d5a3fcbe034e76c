// Parses and validates `mnpen` command lines; every error names the flag and maps to exit code 2.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface SessionArgs {
  readonly command: 'session';
  readonly source: { kind: 'sim'; seed: number } | { kind: 'port'; path: string };
  readonly planPath: string;
  readonly mode: 'home' | 'pro' | undefined;
  readonly json: boolean;
  readonly attemptPasses: number | undefined;
  readonly unlock: string | undefined;
  readonly dbPath: string | undefined;
  readonly clientId: string | undefined;
  readonly screeningPath: string | undefined;
  readonly patchTest: boolean;
  readonly atMs: number | undefined;
  readonly cartridgeId: number | undefined;
  readonly batteryPercent: number | undefined;
}

export interface HistoryArgs {
  readonly command: 'history';
  readonly clientId: string | undefined;
  readonly dbPath: string | undefined;
  readonly json: boolean;
}

export interface SimPenArgs {
  readonly command: 'sim-pen';
  readonly path: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  readonly cartridgeId: number | undefined;
  /** Areas the scripted operator works (passes each); none: no operator. */
  readonly operatorAreas: readonly string[];
  readonly attemptPasses: number;
}

export type CliArgs =
  SessionArgs | HistoryArgs | SimPenArgs | { readonly command: 'help'; readonly topic: string | undefined };

const sessionOptions = {
  sim: { type: 'boolean' },
  port: { type: 'string' },
  plan: { type: 'string' },
  mode: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  'attempt-passes': { type: 'string' },
  unlock: { type: 'string' },
  db: { type: 'string' },
  client: { type: 'string' },
  screening: { type: 'string' },
  'patch-test': { type: 'boolean' },
  at: { type: 'string' },
  cartridge: { type: 'string' },
  battery: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const simPenOptions = {
  port: { type: 'string' },
  sku: { type: 'string' },
  seed: { type: 'string' },
  cartridge: { type: 'string' },
  operator: { type: 'string' },
  'attempt-passes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const historyOptions = {
  client: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integerFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${flag}: expected an integer, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag}: ${text} is outside ${min}..${max}`);
  }
  return value;
}

/** Parses argv (without node and script). Throws UsageError naming the flag for any bad input. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help', topic: command === 'help' ? rest[0] : undefined };
  }
  try {
    if (command === 'session') return parseSession(rest);
    if (command === 'history') return parseHistory(rest);
    if (command === 'sim-pen') return parseSimPen(rest);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  throw new UsageError(`unknown command "${command}" (try: mnpen --help)`);
}

function parseSession(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: sessionOptions,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { command: 'help', topic: 'session' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.sim === true && values.port !== undefined) throw new UsageError('--sim and --port: choose one');
  if (values.sim !== true && values.port === undefined) throw new UsageError('--sim or --port PATH: one is required');
  if (values.port !== undefined && values.port.length === 0) throw new UsageError('--port: empty path');
  if (values.plan === undefined || values.plan.length === 0) throw new UsageError('--plan FILE is required');
  if (values.mode !== undefined && values.mode !== 'home' && values.mode !== 'pro') {
    throw new UsageError(`--mode: expected home or pro, got "${values.mode}"`);
  }
  let atMs: number | undefined;
  if (values.at !== undefined) {
    atMs = Date.parse(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(atMs)) {
      throw new UsageError(`--at: expected an ISO-8601 date-time such as 2026-11-21T10:00:00Z, got "${values.at}"`);
    }
  }
  const seed = integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1;
  return {
    command: 'session',
    source: values.port !== undefined ? { kind: 'port', path: values.port } : { kind: 'sim', seed },
    planPath: values.plan,
    mode: values.mode as 'home' | 'pro' | undefined,
    json: values.json === true,
    attemptPasses: integerFlag('attempt-passes', values['attempt-passes'], 1, 20),
    unlock: values.unlock,
    dbPath: values.db,
    clientId: values.client,
    screeningPath: values.screening,
    patchTest: values['patch-test'] === true,
    atMs,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    batteryPercent: integerFlag('battery', values.battery, 0, 100),
  };
}

function parseHistory(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: historyOptions,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { command: 'help', topic: 'history' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return { command: 'history', clientId: values.client, dbPath: values.db, json: values.json === true };
}

function parseSimPen(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: simPenOptions,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { command: 'help', topic: 'sim-pen' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.port === undefined || values.port.length === 0) throw new UsageError('--port PATH is required');
  const sku = values.sku ?? 'home';
  if (sku !== 'home' && sku !== 'pro') throw new UsageError(`--sku: expected home or pro, got "${sku}"`);
  const operatorAreas =
    values.operator === undefined ? [] : values.operator.split(',').filter((area) => area.length > 0);
  return {
    command: 'sim-pen',
    path: values.port,
    sku,
    seed: integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    operatorAreas,
    attemptPasses: integerFlag('attempt-passes', values['attempt-passes'], 1, 20) ?? 6,
  };
}
