// A maker, a clinic and an untrusted party with keys made by `mnpen keys generate`, and a controller trust file: for CLI tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, type CliRun } from './cli.js';

export interface Party {
  readonly dir: string;
  readonly privateKey: string;
  readonly publicKey: string;
  readonly keyId: string;
}

export interface TrustWorld {
  readonly dir: string;
  /** The controller's trust file: the maker's and the clinic's keys (not the stranger's). */
  readonly trust: string;
  readonly maker: Party;
  readonly clinic: Party;
  readonly stranger: Party;
}

async function generate(dir: string, name: string, role: string): Promise<Party> {
  const out = join(dir, name.replace(/\W/g, '-'));
  const run = await runCli(['keys', 'generate', '--out', out, '--name', name, '--role', role]);
  if (run.code !== 0) throw new Error(`keys generate failed: ${run.stderr}`);
  const publicKey = join(out, 'public-key.json');
  const keyId = (JSON.parse(readFileSync(publicKey, 'utf8')) as { kid: string }).kid;
  return { dir: out, privateKey: join(out, 'private-key.pem'), publicKey, keyId };
}

/** Keys for "Acme Pens" (maker), "Rose Clinic" (clinic) and "Not Trusted" (maker), the first two trusted. */
export async function createTrustWorld(): Promise<TrustWorld> {
  const dir = tempDir('mnpen-trust-');
  const trust = join(dir, 'controller', 'trust.json');
  const maker = await generate(dir, 'Acme Pens', 'maker');
  const clinic = await generate(dir, 'Rose Clinic', 'clinic');
  const stranger = await generate(dir, 'Not Trusted', 'maker');
  for (const party of [maker, clinic]) {
    const run = await runCli(['keys', 'trust', party.publicKey, '--trust', trust]);
    if (run.code !== 0) throw new Error(`keys trust failed: ${run.stderr}`);
  }
  return { dir, trust, maker, clinic, stranger };
}

/** `mnpen credential issue` for Dr. Ada Lovelace until 2099 into `world.dir/file`; `extra` flags override. */
export function issueCredential(
  world: TrustWorld,
  file: string,
  extra: readonly string[] = [],
  key = world.maker.privateKey,
): Promise<CliRun> {
  return runCli([
    'credential',
    'issue',
    '--key',
    key,
    '--clinician',
    'clin-042',
    '--name',
    'Dr. Ada Lovelace',
    '--license',
    'GMC-1234567',
    '--expires',
    '2099-01-01',
    '--out',
    join(world.dir, file),
    ...extra,
  ]);
}

/** The refusal reasons of a `--json` verify run. */
export async function refusalReasons(run: Promise<CliRun>): Promise<string[]> {
  return (await run).json<{ refusals: { reason: string }[] }>().refusals.map((refusal) => refusal.reason);
}
