// Professional sessions end to end with documents made by the CLI: keys, credential, profile, revocation, clock across runs (S2, S9).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawPenDefaults } from '../../sim/pen-defaults.js';
import { SeededRandom } from '../../sim/random.js';
import { readSigningKey, signToken } from '../../src/trust/index.js';
import { fixture, runCli, writeJson, type CliRun, type Fixture } from '../support/cli.js';
import { createTrustWorld, issueCredential, type TrustWorld } from '../support/trust-cli.js';

const DAY_MS = 24 * 3600 * 1000;
const T0 = Date.parse('2090-03-02T09:00:00Z');
const SEED = 7;
/** The serial number of the simulated pen of `--seed 7` (drawn first from the seed). */
const PEN = drawPenDefaults(new SeededRandom(SEED)).serialNumber;
const PLAN = { mode: 'pro', areas: [{ area: 'cheeks', depthMm: 1.5, passes: 2, strokeHz: 120 }] };
const HOME_CAP_UM = 250;

interface Summary {
  outcome: string;
  outcomeReason: string | null;
  refusals: { reason: string; detail: string }[];
  clamps: { reason: string; detail: string; area?: string }[];
  unlock: { clinicianId: string; credentialId: string; maxDepthUm: number } | null;
  profile: { profileId: string; clinicName: string } | null;
  areas: {
    area: string;
    capUm: number;
    capBinding: string | null;
    passes: number;
    passLimit: number;
    maxMeasuredDepthUm: number;
  }[];
}

let world: TrustWorld;
let credential: string;

beforeAll(async () => {
  world = await createTrustWorld();
  credential = join(world.dir, 'ada.jwt');
  const run = await issueCredential(world, 'ada.jwt', [
    '--pen',
    String(PEN),
    '--expires',
    '2090-06-01',
    '--id',
    'ada-1',
  ]);
  expect(run.code, run.stderr).toBe(0);
});

/** A database (fresh by default) whose client `clientId` had a patch test at `atMs`. */
async function patchTested(clientId: string, f: Fixture = fixture(PLAN), atMs = T0): Promise<Fixture> {
  const patch = await f.session(clientId, atMs, ['--patch-test', '--seed', String(SEED)], {
    plan: 'examples/patch-test-jawline.json',
  });
  expect(patch.code, patch.stderr).toBe(0);
  return f;
}

/** A session of PLAN on the pen of SEED at `atMs`, trusting the world's keys. */
async function proSession(
  f: Fixture,
  clientId: string,
  atMs: number,
  flags: readonly string[],
): Promise<{ run: CliRun; summary: Summary }> {
  const run = await f.session(clientId, atMs, ['--seed', String(SEED), '--trust', world.trust, ...flags]);
  return { run, summary: run.json<Summary>() };
}

/** No pass was treated and no needle went past the home cap. */
function expectNothingTreated(summary: Summary): void {
  for (const area of summary.areas) {
    expect(area.passes).toBe(0);
    expect(area.maxMeasuredDepthUm).toBeLessThanOrEqual(HOME_CAP_UM);
  }
}

/** A token of `kind` signed with `privateKey` over `payload`, bypassing the CLI's checks (as an adversary could). */
function signRaw(kind: 'credential' | 'profile', privateKey: string, payload: Record<string, unknown>, file: string) {
  const key = readSigningKey(privateKey);
  const path = join(world.dir, file);
  writeFileSync(path, signToken(kind, { iss: key.keyId, ...payload }, key));
  return path;
}

describe('S9: professional unlock by a signed credential, through mnpen session', () => {
  it('S9: a valid credential bound to this pen unlocks 1.5 mm; the summary and the history name who unlocked', async () => {
    const f = await patchTested('pro-ok');
    const { run, summary } = await proSession(f, 'pro-ok', T0 + 2 * DAY_MS, ['--credential', credential]);
    expect(run.code, run.stderr).toBe(0);
    expect(summary).toMatchObject({ outcome: 'completed', unlock: { clinicianId: 'clin-042', credentialId: 'ada-1' } });
    expect(summary.areas[0]).toMatchObject({ area: 'cheeks', capUm: 1500, passes: 2 });
    expect(summary.areas[0]!.maxMeasuredDepthUm).toBeGreaterThan(1400);
    const history = await runCli(['history', '--client', 'pro-ok', '--db', f.db]);
    expect(history.stdout).toContain('unlocked by Dr. Ada Lovelace (clin-042), credential ada-1');
  });

  const refusedCases: [string, () => Promise<string[]>, string][] = [
    ['none presented', async () => [], 'PRO_CREDENTIAL_MISSING'],
    [
      'bound to another pen',
      async () => {
        await issueCredential(world, 'other-pen.jwt', ['--pen', String(PEN + 1), '--expires', '2090-06-01']);
        return ['--credential', join(world.dir, 'other-pen.jwt')];
      },
      'PRO_CREDENTIAL_WRONG_PEN',
    ],
    [
      'not yet valid',
      async () => {
        await issueCredential(world, 'later.jwt', ['--not-before', '2090-04-01', '--expires', '2090-06-01']);
        return ['--credential', join(world.dir, 'later.jwt')];
      },
      'PRO_CREDENTIAL_NOT_YET_VALID',
    ],
    [
      'signed by an untrusted maker',
      async () => {
        await issueCredential(world, 'stranger.jwt', ['--expires', '2090-06-01'], world.stranger.privateKey);
        return ['--credential', join(world.dir, 'stranger.jwt')];
      },
      'PRO_CREDENTIAL_UNKNOWN_KEY',
    ],
    [
      'signed by the clinic, not a maker',
      async () => {
        await issueCredential(world, 'clinic-signed.jwt', ['--expires', '2090-06-01'], world.clinic.privateKey);
        return ['--credential', join(world.dir, 'clinic-signed.jwt')];
      },
      'PRO_CREDENTIAL_WRONG_ISSUER',
    ],
    [
      'with its payload edited (a deeper cap)',
      async () => {
        const [header, payload, signature] = readFileSync(credential, 'utf8').trim().split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
        const edited = Buffer.from(JSON.stringify({ ...claims, maxDepthUm: 2500, pens: null })).toString('base64url');
        writeFileSync(join(world.dir, 'edited.jwt'), `${header}.${edited}.${signature}`);
        return ['--credential', join(world.dir, 'edited.jwt')];
      },
      'PRO_CREDENTIAL_BAD_SIGNATURE',
    ],
    [
      'revoked by the maker',
      async () => {
        const list = writeJson(world.dir, 'revoke.json', { credentialIds: ['ada-1'], keyIds: [] });
        const out = join(world.dir, 'revoke.jwt');
        await runCli(['revocation', 'sign', '--key', world.maker.privateKey, list, '--out', out]);
        return ['--credential', credential, '--revocations', out];
      },
      'PRO_CREDENTIAL_REVOKED',
    ],
    [
      'with a revocation list from an untrusted key (fail closed)',
      async () => {
        const list = writeJson(world.dir, 'empty-list.json', { credentialIds: [], keyIds: [] });
        const out = join(world.dir, 'stranger-list.jwt');
        await runCli(['revocation', 'sign', '--key', world.stranger.privateKey, list, '--out', out]);
        return ['--credential', credential, '--revocations', out];
      },
      'REVOCATION_LIST_INVALID',
    ],
  ];

  it.each(refusedCases.map(([name, flags, reason]) => ({ name, flags, reason })))(
    'S9: a credential $name: refused with $reason, exit 1, nothing past the home cap',
    async ({ flags, reason }) => {
      const f = await patchTested('refused');
      const { run, summary } = await proSession(f, 'refused', T0 + 2 * DAY_MS, await flags());
      expect(run.code, run.stderr).toBe(1);
      expect(summary).toMatchObject({ outcome: 'refused', outcomeReason: reason, unlock: null });
      expect(summary.refusals.map((refusal) => refusal.reason)).toContain(reason);
      expectNothingTreated(summary);
    },
  );

  it('S9: across runs on one database the clock is judged: OK, then set back (CLOCK_BEHIND_RECORDS), then past expiry', async () => {
    const f = await patchTested('clock-a');
    await patchTested('clock-b', f, T0 + 3600_000);
    await patchTested('clock-c', f, T0 + 2 * 3600_000);
    expect((await proSession(f, 'clock-a', T0 + 10 * DAY_MS, ['--credential', credential])).run.code).toBe(0);
    const back = await proSession(f, 'clock-b', T0 + 5 * DAY_MS, ['--credential', credential]);
    expect(back.run.code).toBe(1);
    expect(back.summary.outcomeReason).toBe('CLOCK_BEHIND_RECORDS');
    expectNothingTreated(back.summary);
    const late = await proSession(f, 'clock-c', Date.parse('2090-06-02T09:00:00Z'), ['--credential', credential]);
    expect(late.run.code).toBe(1);
    expect(late.summary.outcomeReason).toBe('PRO_CREDENTIAL_EXPIRED');
    expectNothingTreated(late.summary);
  });

  it('S9: a missing credential file exits 2 naming --credential; nothing is recorded as a session', async () => {
    const f = await patchTested('missing-file');
    const run = await f.session('missing-file', T0 + 2 * DAY_MS, [
      '--trust',
      world.trust,
      '--credential',
      join(world.dir, 'nope.jwt'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--credential');
    const history = await runCli(['history', '--client', 'missing-file', '--db', f.db, '--json']);
    expect(history.json<{ isPatchTest: boolean }[]>().map((session) => session.isPatchTest)).toEqual([true]);
  });
});

describe('S2: a signed clinic profile binds the session, through mnpen session', () => {
  const tight = { name: 'Rose face', areaCapsUm: { cheeks: 1200 }, areaPassLimits: { cheeks: 1 } };

  it('S2: a tightening profile binds: cheeks capped at 1.2 mm by the profile, one pass; the summary and history name it', async () => {
    const document = writeJson(world.dir, 'tight.json', tight);
    const token = join(world.dir, 'tight.jwt');
    expect((await runCli(['profile', 'sign', '--key', world.clinic.privateKey, document, '--out', token])).code).toBe(
      0,
    );
    const f = await patchTested('profiled');
    const { run, summary } = await proSession(f, 'profiled', T0 + 2 * DAY_MS, [
      '--credential',
      credential,
      '--profile',
      token,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(summary.profile).toMatchObject({ clinicName: 'Rose Clinic' });
    expect(summary.areas[0]).toMatchObject({ capUm: 1200, capBinding: 'profile', passLimit: 1, passes: 1 });
    expect(summary.areas[0]!.maxMeasuredDepthUm).toBeLessThanOrEqual(1200 + 50);
    expect(summary.clamps.map((clamp) => clamp.reason)).toEqual(
      expect.arrayContaining(['DEPTH_CLAMPED_TO_PROFILE_CAP', 'PASSES_CLAMPED_TO_PROFILE_LIMIT']),
    );
    const history = await runCli(['history', '--client', 'profiled', '--db', f.db]);
    expect(history.stdout).toMatch(/\(Rose face\) of Rose Clinic, key \S+, sha256 [0-9a-f]{64}/);
  });

  it.each(
    (
      [
        [
          'that loosens a cap (signed around the CLI)',
          () =>
            signRaw(
              'profile',
              world.clinic.privateKey,
              { jti: 'p-loose', iat: T0 / 1000, profile: { name: 'loose', areaCapsUm: { cheeks: 3000 } } },
              'loose.jwt',
            ),
          'PROFILE_LOOSENS',
        ],
        [
          'signed by an untrusted key',
          () =>
            signRaw(
              'profile',
              world.stranger.privateKey,
              { jti: 'p-stranger', iat: T0 / 1000, profile: tight },
              'stranger-profile.jwt',
            ),
          'PROFILE_UNTRUSTED_KEY',
        ],
        [
          'with its payload edited',
          () => {
            const path = signRaw(
              'profile',
              world.clinic.privateKey,
              { jti: 'p-edit', iat: T0 / 1000, profile: tight },
              'to-edit.jwt',
            );
            const [header, payload, signature] = readFileSync(path, 'utf8').trim().split('.');
            const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { profile: object };
            const edited = { ...claims, profile: { ...claims.profile, areaCapsUm: { cheeks: 1400 } } };
            writeFileSync(path, `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`);
            return path;
          },
          'PROFILE_TAMPERED',
        ],
      ] as [string, () => string, string][]
    ).map(([name, make, reason]) => ({ name, make, reason })),
  )('S2: a profile $name is refused with $reason before the pen is contacted', async ({ make, reason }) => {
    const f = await patchTested('bad-profile');
    const { run, summary } = await proSession(f, 'bad-profile', T0 + 2 * DAY_MS, [
      '--credential',
      credential,
      '--profile',
      make(),
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(summary).toMatchObject({ outcome: 'refused', outcomeReason: reason, profile: null });
    expectNothingTreated(summary);
  });
});
