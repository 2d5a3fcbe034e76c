// `mnpen keys|credential|profile|revocation` end to end through runCli: the maker and clinic flow, every refusal, every bad input (S9, S2, S8).
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TYP, encodeBase64url, parseTrustEntry } from '../../src/trust/index.js';
import { runCli, tempDir, writeJson } from '../support/cli.js';

interface Party {
  readonly dir: string;
  readonly privateKey: string;
  readonly publicKey: string;
  readonly keyId: string;
}

let dir: string;
let trust: string;
let maker: Party;
let clinic: Party;
let stranger: Party;

async function generate(name: string, role: string): Promise<Party> {
  const out = join(dir, name.replace(/\W/g, '-'));
  const run = await runCli(['keys', 'generate', '--out', out, '--name', name, '--role', role]);
  expect(run.code, run.stderr).toBe(0);
  const publicKey = join(out, 'public-key.json');
  const keyId = (JSON.parse(readFileSync(publicKey, 'utf8')) as { kid: string }).kid;
  return { dir: out, privateKey: join(out, 'private-key.pem'), publicKey, keyId };
}

async function issue(file: string, extra: string[] = [], key = maker.privateKey) {
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
    join(dir, file),
    ...extra,
  ]);
}

const verify = (file: string, extra: string[] = []) =>
  runCli(['credential', 'verify', join(dir, file), '--trust', trust, ...extra]);
const reasonsOf = async (run: ReturnType<typeof runCli>) =>
  (await run).json<{ refusals: { reason: string }[] }>().refusals.map((r) => r.reason);

beforeAll(async () => {
  dir = tempDir('mnpen-trust-');
  trust = join(dir, 'controller', 'trust.json');
  maker = await generate('Acme Pens', 'maker');
  clinic = await generate('Rose Clinic', 'clinic');
  stranger = await generate('Not Trusted', 'maker');
  for (const party of [maker, clinic]) {
    expect((await runCli(['keys', 'trust', party.publicKey, '--trust', trust])).code).toBe(0);
  }
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

describe('S9: mnpen credential issue and verify', () => {
  it('S9: a credential the maker issued is valid (exit 0) and says who, by which key, until when', async () => {
    expect((await issue('ada.jwt', ['--pen', '0x00c0ffee', '--max-depth-mm', '1.5', '--id', 'cred-ada'])).code).toBe(0);
    const run = await verify('ada.jwt', ['--pen', String(0x00c0ffee)]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^valid: credential cred-ada for clinician clin-042/);
    expect(run.stdout).toContain(`key ${maker.keyId}`);
    expect(run.stdout).toContain('max depth: 1.5 mm');
    const json = (await verify('ada.jwt', ['--json'])).json<{ valid: boolean; unlock: { maxDepthUm: number } }>();
    expect(json).toMatchObject({ valid: true, unlock: { maxDepthUm: 1500, credentialId: 'cred-ada' } });
  });

  it('S9: without --out the token alone goes to stdout', async () => {
    const run = await runCli([
      'credential',
      'issue',
      '--key',
      maker.privateKey,
      '--clinician',
      'c',
      '--name',
      'n',
      '--license',
      'l',
      '--expires',
      '2099-01-01T00:00:00Z',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(run.stderr).toMatch(/^issued credential/);
  });

  const refusals: [string, () => Promise<string[]>, string][] = [
    ['expired', () => reasonsOf(verify('ada.jwt', ['--json', '--at', '2099-01-01'])), 'PRO_CREDENTIAL_EXPIRED'],
    [
      'not yet valid',
      async () => {
        await issue('later.jwt', ['--not-before', '2098-01-01']);
        return reasonsOf(verify('later.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_NOT_YET_VALID',
    ],
    ['wrong pen', () => reasonsOf(verify('ada.jwt', ['--json', '--pen', '7'])), 'PRO_CREDENTIAL_WRONG_PEN'],
    [
      'unknown key',
      async () => {
        await issue('stranger.jwt', [], stranger.privateKey);
        return reasonsOf(verify('stranger.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_UNKNOWN_KEY',
    ],
    [
      'a clinic key as issuer',
      async () => {
        await issue('by-clinic.jwt', [], clinic.privateKey);
        return reasonsOf(verify('by-clinic.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_WRONG_ISSUER',
    ],
    [
      'one flipped byte',
      async () => {
        const token = readFileSync(join(dir, 'ada.jwt'), 'utf8');
        const at = token.indexOf('.') + 20;
        writeFileSync(
          join(dir, 'flipped.jwt'),
          token.slice(0, at) + (token[at] === 'Q' ? 'R' : 'Q') + token.slice(at + 1),
        );
        return reasonsOf(verify('flipped.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_BAD_SIGNATURE',
    ],
    [
      'alg none',
      async () => {
        const [, payload] = readFileSync(join(dir, 'ada.jwt'), 'utf8').trim().split('.');
        const header = encodeBase64url(JSON.stringify({ alg: 'none', typ: TOKEN_TYP.credential, kid: maker.keyId }));
        writeFileSync(join(dir, 'none.jwt'), `${header}.${payload}.`);
        return reasonsOf(verify('none.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_UNSIGNED',
    ],
    [
      'a profile given as a credential',
      async () => {
        const profile = writeJson(dir, 'plain-profile.json', { name: 'p' });
        await runCli(['profile', 'sign', '--key', clinic.privateKey, profile, '--out', join(dir, 'as-credential.jwt')]);
        return reasonsOf(verify('as-credential.jwt', ['--json']));
      },
      'PRO_CREDENTIAL_WRONG_TYPE',
    ],
    [
      'revoked',
      async () => {
        const list = writeJson(dir, 'revoke-ada.json', { credentialIds: ['cred-ada'] });
        await runCli(['revocation', 'sign', '--key', maker.privateKey, list, '--out', join(dir, 'revoke-ada.jwt')]);
        return reasonsOf(verify('ada.jwt', ['--json', '--revocations', join(dir, 'revoke-ada.jwt')]));
      },
      'PRO_CREDENTIAL_REVOKED',
    ],
    [
      'a revocation list signed by an untrusted key (fail closed)',
      async () => {
        const list = writeJson(dir, 'empty-list.json', {});
        await runCli([
          'revocation',
          'sign',
          '--key',
          stranger.privateKey,
          list,
          '--out',
          join(dir, 'stranger-list.jwt'),
        ]);
        return reasonsOf(verify('ada.jwt', ['--json', '--revocations', join(dir, 'stranger-list.jwt')]));
      },
      'REVOCATION_LIST_INVALID',
    ],
  ];
  it.each(refusals)('S9: %s is refused (exit 1) with its reason', async (_label, reasons, reason) => {
    expect(await reasons()).toEqual([reason]);
  });

  it('S8: the readable refusal names each reason and exits 1', async () => {
    const run = await verify('ada.jwt', ['--at', '2099-06-01', '--pen', '7']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[PRO_CREDENTIAL_WRONG_PEN\] bound to pen 12648430, not pen 7/);
    expect(run.stdout).toMatch(/\[PRO_CREDENTIAL_EXPIRED\] expired at 2099-01-01T00:00:00Z/);
  });

  it.each<[string, string[], RegExp]>([
    ['no --key', ['--key', ''], /--key PRIVATE-KEY.pem is required/],
    [
      'a missing key file',
      ['--key', '/nonexistent/key.pem'],
      /--key: private key \/nonexistent\/key.pem: cannot read it/,
    ],
    ['a past --expires', ['--expires', '2001-01-01'], /--expires: 2001-01-01 is not in the future/],
    ['a local --expires', ['--expires', '2099-01-01T10:00'], /--expires: expected a date/],
    ['a bad --pen', ['--pen', 'pen-1'], /--pen: expected a pen serial number/],
    ['--pen 0', ['--pen', '0'], /--pen: expected a pen serial number/],
    ['--max-depth-mm 3', ['--max-depth-mm', '3'], /--max-depth-mm: expected 0.25 to 2.5 mm/],
    ['--max-depth-mm 0.2', ['--max-depth-mm', '0.2'], /--max-depth-mm/],
    ['a control character in --name', ['--name', 'Dr.\u001b[2J'], /--name: control characters/],
    ['an empty --clinician', ['--clinician', ''], /--clinician: /],
  ])('S4: issue with %s exits 2 naming the flag', async (_label, args, message) => {
    const run = await issue('bad.jwt', args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('S4: issue with a private key others can read exits 2 (like ssh)', async () => {
    chmodSync(stranger.privateKey, 0o644);
    try {
      const run = await issue('bad.jwt', [], stranger.privateKey);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/permissions 0644 let others read it/);
    } finally {
      chmodSync(stranger.privateKey, 0o600);
    }
  });

  it.each<[string, () => string[], RegExp]>([
    [
      'a missing credential file',
      () => ['credential', 'verify', join(dir, 'none-such.jwt'), '--trust', trust],
      /credential .*none-such.jwt: cannot read it/,
    ],
    ['no credential file', () => ['credential', 'verify', '--trust', trust], /credential FILE is required/],
    [
      'a bad --at',
      () => ['credential', 'verify', join(dir, 'ada.jwt'), '--trust', trust, '--at', 'tomorrow'],
      /--at: expected a date/,
    ],
    [
      'a trust file with a bad entry',
      () => [
        'credential',
        'verify',
        join(dir, 'ada.jwt'),
        '--trust',
        writeJson(dir, 'bad-trust.json', { version: 1, keys: [{ kid: 'x' }] }),
      ],
      /--trust: trust file .*: refused:\n {2}keys\[0\]\.name/,
    ],
    [
      'a trust file that is not JSON',
      () => ['credential', 'verify', join(dir, 'ada.jwt'), '--trust', join(dir, 'ada.jwt')],
      /--trust: trust file .*: not JSON/,
    ],
    [
      'a missing --revocations file',
      () => ['credential', 'verify', join(dir, 'ada.jwt'), '--trust', trust, '--revocations', join(dir, 'no.jwt')],
      /--revocations: revocation list .*cannot read it/,
    ],
    [
      'an unknown subcommand',
      () => ['credential', 'check'],
      /credential: unknown subcommand "check" \(expected issue, verify\)/,
    ],
  ])('S4: verify with %s exits 2 naming it', async (_label, args, message) => {
    const run = await runCli(args());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
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

describe('default paths: $MNPEN_DATA_DIR/trust.json and revocations.jwt', () => {
  const saved = process.env.MNPEN_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.MNPEN_DATA_DIR;
    else process.env.MNPEN_DATA_DIR = saved;
  });

  it('S9: the data directory trust file and revocation list are used when no flag is given', async () => {
    const data = join(dir, 'data');
    process.env.MNPEN_DATA_DIR = data;
    const none = await runCli(['credential', 'verify', join(dir, 'ada.jwt')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--trust: no trust file at .*data\/trust.json \(add keys with: mnpen keys trust/);
    expect((await runCli(['keys', 'trust', maker.publicKey])).code).toBe(0);
    expect((await runCli(['credential', 'verify', join(dir, 'ada.jwt')])).code).toBe(0);
    writeFileSync(join(data, 'revocations.jwt'), readFileSync(join(dir, 'revoke-ada.jwt')));
    expect(await reasonsOf(runCli(['credential', 'verify', join(dir, 'ada.jwt'), '--json']))).toEqual([
      'PRO_CREDENTIAL_REVOKED',
    ]);
  });
});

describe('help', () => {
  it('mnpen --help lists the new commands; each has its own help', async () => {
    const main = await runCli(['--help']);
    for (const name of ['keys generate', 'credential issue', 'profile sign', 'revocation sign']) {
      expect(main.stdout).toContain(name.split(' ')[0]);
    }
    for (const name of ['keys', 'credential', 'profile', 'revocation']) {
      const run = await runCli([name, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^mnpen ${name}: `));
    }
  });
});
