// `mnpen keys` end to end through runCli: key files, the trust file, default paths, help (S9, S4).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustEntry } from '../../src/trust/index.js';
import { runCli, writeJson } from '../support/cli.js';
import {
  createTrustWorld,
  issueCredential,
  refusalReasons,
  type Party,
  type TrustWorld,
} from '../support/trust-cli.js';

let dir: string;
let trust: string;
let maker: Party;
let clinic: Party;
let world: TrustWorld;

beforeAll(async () => {
  world = await createTrustWorld();
  ({ dir, trust, maker, clinic } = world);
});

describe('mnpen keys', () => {
  it('generate writes a 0600 private key and a public key that is a valid trust entry', () => {
    expect(statSync(maker.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(maker.privateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const entry = parseTrustEntry(JSON.parse(readFileSync(maker.publicKey, 'utf8')));
    expect(entry.ok && entry.value).toMatchObject({ kid: maker.keyId, name: 'Acme Pens', roles: ['maker'] });
    expect(readFileSync(maker.publicKey, 'utf8')).not.toMatch(/"d"/);
  });

  it('generate never overwrites a key (exit 2, the key unchanged)', async () => {
    const before = readFileSync(maker.privateKey, 'utf8');
    const run = await runCli(['keys', 'generate', '--out', maker.dir, '--name', 'Again', '--role', 'maker']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/already exists/);
    expect(readFileSync(maker.privateKey, 'utf8')).toBe(before);
  });

  it('list shows the trusted keys with their roles; trusting a key twice is refused', async () => {
    const list = await runCli(['keys', 'list', '--trust', trust, '--json']);
    expect(list.json<{ keyId: string; roles: string[] }[]>()).toEqual([
      { keyId: maker.keyId, name: 'Acme Pens', roles: ['maker'] },
      { keyId: clinic.keyId, name: 'Rose Clinic', roles: ['clinic'] },
    ]);
    const again = await runCli(['keys', 'trust', maker.publicKey, '--trust', trust]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already trusted/);
  });

  it.each<[string, string[], RegExp]>([
    ['no --out', ['--name', 'x', '--role', 'maker'], /--out DIR is required/],
    ['no --name', ['--out', 'x', '--role', 'maker'], /--name NAME is required/],
    ['no --role', ['--out', 'x', '--name', 'x'], /--role maker\|clinic is required/],
    ['an unknown role', ['--out', 'x', '--name', 'x', '--role', 'admin'], /--role: expected maker or clinic/],
    ['a control character in --name', ['--out', 'x', '--name', 'a\u001bb', '--role', 'maker'], /--name: .*control/],
  ])('generate with %s exits 2 naming the flag', async (_label, args, message) => {
    const run = await runCli(['keys', 'generate', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('trust with a public key whose kid is not its thumbprint exits 2 naming the field', async () => {
    const entry = JSON.parse(readFileSync(clinic.publicKey, 'utf8')) as Record<string, unknown>;
    const forged = writeJson(dir, 'forged-public.json', { ...entry, kid: maker.keyId });
    const run = await runCli(['keys', 'trust', forged, '--trust', join(dir, 'other-trust.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/key\.kid: is not the thumbprint/);
  });
});

describe('default paths: $MNPEN_DATA_DIR/trust.json and revocations.jwt', () => {
  const saved = process.env.MNPEN_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.MNPEN_DATA_DIR;
    else process.env.MNPEN_DATA_DIR = saved;
  });

  it('S9: the data directory trust file and revocation list are used when no flag is given', async () => {
    const data = join(dir, 'data');
    process.env.MNPEN_DATA_DIR = data;
    expect((await issueCredential(world, 'default-ada.jwt', ['--id', 'cred-default'])).code).toBe(0);
    const credential = join(dir, 'default-ada.jwt');
    const none = await runCli(['credential', 'verify', credential]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--trust: no trust file at .*data\/trust.json \(add keys with: mnpen keys trust/);
    expect((await runCli(['keys', 'trust', maker.publicKey])).code).toBe(0);
    expect((await runCli(['credential', 'verify', credential])).code).toBe(0);
    const list = writeJson(dir, 'revoke-default.json', { credentialIds: ['cred-default'] });
    const signed = await runCli([
      'revocation',
      'sign',
      '--key',
      maker.privateKey,
      list,
      '--out',
      join(data, 'revocations.jwt'),
    ]);
    expect(signed.code).toBe(0);
    expect(await refusalReasons(runCli(['credential', 'verify', credential, '--json']))).toEqual([
      'PRO_CREDENTIAL_REVOKED',
    ]);
  });
});

describe('help', () => {
  it('mnpen --help lists the new commands; each has its own help', async () => {
    const main = await runCli(['--help']);
    for (const synopsis of [
      'keys generate|trust|list',
      'credential issue|verify',
      'profile sign|verify',
      'revocation sign|verify',
    ]) {
      expect(main.stdout).toContain(`mnpen ${synopsis}`);
    }
    for (const name of ['keys', 'credential', 'profile', 'revocation']) {
      const run = await runCli([name, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^mnpen ${name}: `));
    }
  });

  it('a command without its subcommand exits 2 naming the choices', async () => {
    const run = await runCli(['keys']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mnpen: keys: a subcommand is required (generate, trust, list)');
  });
});
