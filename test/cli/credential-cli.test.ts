// `mnpen credential issue|verify` end to end through runCli: valid credentials, every refusal with its reason, every bad input (S9, S8, S4).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TYP, encodeBase64url } from '../../src/trust/index.js';
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
let stranger: Party;
let world: TrustWorld;

beforeAll(async () => {
  world = await createTrustWorld();
  ({ dir, trust, maker, clinic, stranger } = world);
});

const issue = (file: string, extra: string[] = [], key = maker.privateKey) => issueCredential(world, file, extra, key);
const verify = (file: string, extra: string[] = []) =>
  runCli(['credential', 'verify', join(dir, file), '--trust', trust, ...extra]);
const reasonsOf = refusalReasons;

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
