// `mnpen profile sign|verify` and `mnpen revocation sign|verify` end to end through runCli (S2, S4, S8).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/trust/index.js';
import { runCli, writeJson } from '../support/cli.js';
import { createTrustWorld, type Party, type TrustWorld } from '../support/trust-cli.js';

let dir: string;
let trust: string;
let maker: Party;
let clinic: Party;
let stranger: Party;
let world: TrustWorld;

beforeAll(async () => {
  world = await createTrustWorld();
  ({ dir, trust, maker, clinic, stranger } = world);
});

describe('S2: mnpen profile sign and verify', () => {
  const tightening = {
    name: 'Rose face',
    areaCapsUm: { cheeks: 1200 },
    areaPassLimits: { cheeks: 4 },
    treatment: { proMinIntervalDays: 42 },
  };

  it('S2: a tightening profile signs and verifies, listing what it binds', async () => {
    const document = writeJson(dir, 'profile.json', tightening);
    expect(
      (await runCli(['profile', 'sign', '--key', clinic.privateKey, document, '--out', join(dir, 'profile.jwt')])).code,
    ).toBe(0);
    const run = await runCli(['profile', 'verify', join(dir, 'profile.jwt'), '--trust', trust]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`signed by Rose Clinic (key ${clinic.keyId})`);
    expect(run.stdout).toContain('cheeks cap 1200 um (default 1500)');
    expect(run.stdout).toContain('cheeks passes 4 (default 6)');
    expect(run.stdout).toContain('proMinIntervalDays 42 (default 28)');
  });

  it('S2: examples/clinic-profile.json signs and binds what it says', async () => {
    const example = new URL('../../examples/clinic-profile.json', import.meta.url).pathname;
    const out = join(dir, 'example-profile.jwt');
    expect((await runCli(['profile', 'sign', '--key', clinic.privateKey, example, '--out', out])).code).toBe(0);
    const run = await runCli(['profile', 'verify', out, '--trust', trust, '--json']);
    const { profile } = run.json<{
      profile: { settings: { areaCapsUm: object; passLimitsByArea: { cheeks: number } } };
    }>();
    expect(profile.settings.areaCapsUm).toEqual({ cheeks: 1200, forehead: 300, chin: 800 });
    expect(profile.settings.passLimitsByArea.cheeks).toBe(4);
  });

  it('S2: a loosening profile is not signed: exit 2 naming each field with PROFILE_LOOSENS', async () => {
    const document = writeJson(dir, 'loose.json', {
      name: 'Loose',
      areaCapsUm: { cheeks: 1800 },
      treatment: { proMinIntervalDays: 14 },
    });
    const run = await runCli([
      'profile',
      'sign',
      '--key',
      clinic.privateKey,
      document,
      '--out',
      join(dir, 'loose.jwt'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[PROFILE_LOOSENS\] areaCapsUm\.cheeks: .*1500 um to 1800 um/);
    expect(run.stderr).toMatch(/\[PROFILE_LOOSENS\] treatment\.proMinIntervalDays/);
    expect(() => statSync(join(dir, 'loose.jwt'))).toThrow();
  });

  it('S4: a profile that is not JSON exits 2 naming the file', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"name":');
    const run = await runCli(['profile', 'sign', '--key', clinic.privateKey, join(dir, 'broken.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/profile .*broken.json: not JSON/);
  });

  const refused: [string, () => Promise<string>, string][] = [
    ['unsigned', async () => writeJson(dir, 'unsigned.json', tightening), 'PROFILE_UNSIGNED'],
    [
      'tampered',
      async () => {
        const [header, , signature] = readFileSync(join(dir, 'profile.jwt'), 'utf8').trim().split('.');
        const payload = encodeBase64url(
          JSON.stringify({
            iss: clinic.keyId,
            jti: 'x',
            iat: 1,
            profile: { ...tightening, areaCapsUm: { cheeks: 1500 } },
          }),
        );
        writeFileSync(join(dir, 'tampered.jwt'), `${header}.${payload}.${signature}`);
        return join(dir, 'tampered.jwt');
      },
      'PROFILE_TAMPERED',
    ],
    [
      'signed by an untrusted key',
      async () => {
        await runCli([
          'profile',
          'sign',
          '--key',
          stranger.privateKey,
          writeJson(dir, 'p2.json', tightening),
          '--out',
          join(dir, 'p2.jwt'),
        ]);
        return join(dir, 'p2.jwt');
      },
      'PROFILE_UNTRUSTED_KEY',
    ],
    [
      'signed by the maker key',
      async () => {
        await runCli([
          'profile',
          'sign',
          '--key',
          maker.privateKey,
          writeJson(dir, 'p3.json', tightening),
          '--out',
          join(dir, 'p3.jwt'),
        ]);
        return join(dir, 'p3.jwt');
      },
      'PROFILE_UNTRUSTED_KEY',
    ],
  ];
  it.each(refused)('S2: a profile %s is refused (exit 1) with its reason', async (_label, make, reason) => {
    const run = await runCli(['profile', 'verify', await make(), '--trust', trust, '--json']);
    expect(run.code).toBe(1);
    expect(run.json<{ refusals: { reason: string }[] }>().refusals.map((r) => r.reason)).toEqual([reason]);
  });
});

describe('mnpen revocation', () => {
  it('sign and verify list what is revoked; a bad document exits 2 naming the field', async () => {
    const list = writeJson(dir, 'list.json', { credentialIds: ['cred-1', 'cred-1'], keyIds: [clinic.keyId] });
    expect(
      (await runCli(['revocation', 'sign', '--key', maker.privateKey, list, '--out', join(dir, 'list.jwt')])).code,
    ).toBe(0);
    const run = await runCli(['revocation', 'verify', join(dir, 'list.jwt'), '--trust', trust, '--json']);
    expect(run.json()).toMatchObject({ valid: true, list: { credentialIds: ['cred-1'], keyIds: [clinic.keyId] } });
    const bad = await runCli([
      'revocation',
      'sign',
      '--key',
      maker.privateKey,
      writeJson(dir, 'bad-list.json', { credentials: [] }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\[REVOCATION_LIST_INVALID\] credentials: unknown field/);
  });

  it('S2: a profile by a revoked clinic key is PROFILE_KEY_REVOKED', async () => {
    const run = await runCli([
      'profile',
      'verify',
      join(dir, 'profile.jwt'),
      '--trust',
      trust,
      '--revocations',
      join(dir, 'list.jwt'),
      '--json',
    ]);
    expect(run.json<{ refusals: { reason: string }[] }>().refusals.map((r) => r.reason)).toEqual([
      'PROFILE_KEY_REVOKED',
    ]);
  });
});
