// Scenario tests of the professional unlock and the clinic profile as machine inputs (S2, S9): every refusal kind, the grant, what binds.
import { describe, expect, it } from 'vitest';
import type { ControllerInput } from './events.js';
import {
  FACTS_NOW_MS,
  PRO_CREDENTIAL,
  clearFacts,
  harness,
  homePlan,
  inputOf,
  proInfo,
  proInput,
  proPlan,
  toSession,
} from '../../test/support/machine-harness.js';
import {
  FIXTURE_CLINIC,
  presentedCredential,
  presentedProfile,
  refusedToken,
} from '../../test/support/presented-tokens.js';

const NOW_S = FACTS_NOW_MS / 1000;
const REVOKED = {
  ok: true,
  list: { credentialIds: ['cred-0001'], keyIds: [], issuedAtMs: FACTS_NOW_MS, signedByKeyId: 'fixture-maker-key' },
} as const;
const BAD_LIST = {
  ok: false,
  refusal: { reason: 'REVOCATION_LIST_INVALID', detail: 'revocation list: tampered' },
} as const;

/** Runs a pro session up to its start with `input`, `facts` as the records' answer. */
function start(input: ControllerInput, facts = clearFacts()) {
  const h = harness(input);
  h.send(...toSession(proInfo(), facts));
  if (h.actor.getSnapshot().status === 'active') h.send({ type: 'SELECT_AREA', area: 'cheeks' });
  return h;
}

describe('professional unlock (S9)', () => {
  it.each(
    (
      [
        ['no credential', inputOf(proPlan()), 'PRO_CREDENTIAL_MISSING'],
        [
          'a malformed token',
          proInput(proPlan(), { credential: refusedToken('credential', 'MALFORMED') }),
          'PRO_CREDENTIAL_MALFORMED',
        ],
        [
          'alg none',
          proInput(proPlan(), { credential: refusedToken('credential', 'UNSIGNED') }),
          'PRO_CREDENTIAL_UNSIGNED',
        ],
        [
          'a wrong typ',
          proInput(proPlan(), { credential: refusedToken('credential', 'WRONG_TYP') }),
          'PRO_CREDENTIAL_WRONG_TYPE',
        ],
        [
          'an unknown key',
          proInput(proPlan(), { credential: refusedToken('credential', 'UNKNOWN_KEY') }),
          'PRO_CREDENTIAL_UNKNOWN_KEY',
        ],
        [
          'a bad signature',
          proInput(proPlan(), { credential: refusedToken('credential', 'BAD_SIGNATURE') }),
          'PRO_CREDENTIAL_BAD_SIGNATURE',
        ],
        [
          'a clinic key as issuer',
          proInput(proPlan(), { credential: presentedCredential({}, FIXTURE_CLINIC) }),
          'PRO_CREDENTIAL_WRONG_ISSUER',
        ],
        [
          'an iss naming another key',
          proInput(proPlan(), { credential: presentedCredential({ iss: 'someone-else' }) }),
          'PRO_CREDENTIAL_WRONG_ISSUER',
        ],
        [
          'an expired credential',
          proInput(proPlan(), { credential: presentedCredential({ exp: NOW_S }) }),
          'PRO_CREDENTIAL_EXPIRED',
        ],
        [
          'a credential not yet valid',
          proInput(proPlan(), { credential: presentedCredential({ nbf: NOW_S + 1 }) }),
          'PRO_CREDENTIAL_NOT_YET_VALID',
        ],
        [
          'another pen',
          proInput(proPlan(), { credential: presentedCredential({ pens: [1002] }) }),
          'PRO_CREDENTIAL_WRONG_PEN',
        ],
        [
          'a revoked credential',
          proInput(proPlan(), { credential: { ...PRO_CREDENTIAL, revocations: REVOKED } }),
          'PRO_CREDENTIAL_REVOKED',
        ],
        [
          'an untrusted revocation list',
          proInput(proPlan(), { credential: { ...PRO_CREDENTIAL, revocations: BAD_LIST } }),
          'REVOCATION_LIST_INVALID',
        ],
      ] as [string, ControllerInput, string][]
    ).map(([name, input, reason]) => ({ name, input, reason })),
  )('S9: with $name the session is refused at admission with $reason; no depth is sent', ({ input, reason }) => {
    const h = start(input);
    const { context, value } = h.actor.getSnapshot();
    expect(value).toBe('refused');
    expect(context).toMatchObject({ outcome: 'refused', outcomeReason: reason, unlock: null });
    expect(context.refusals[0]?.reason).toBe(reason);
    expect(h.effects.filter((e) => e.type === 'recordRefusal').map((e) => 'reason' in e && e.reason)).toContain(reason);
    expect(h.effects.some((e) => ['sendDepth', 'sendDepthLimit', 'armDrive', 'recordUnlock'].includes(e.type))).toBe(
      false,
    );
  });

  it('S9: a wall clock behind the newest record refuses CLOCK_BEHIND_RECORDS, once, before the unlock is judged', () => {
    const h = start(proInput(proPlan()), clearFacts({ newestRecordAtMs: FACTS_NOW_MS + 1 }));
    const { context } = h.actor.getSnapshot();
    expect(context.outcomeReason).toBe('CLOCK_BEHIND_RECORDS');
    expect(context.refusals.filter((r) => r.reason === 'CLOCK_BEHIND_RECORDS')).toHaveLength(1);
    expect(context.unlock).toBeNull();
  });

  it('S9 S19: a home session is refused CLOCK_BEHIND_RECORDS too (a clock set back shortens intervals)', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(undefined, clearFacts({ newestRecordAtMs: FACTS_NOW_MS + 60_000 })));
    expect(h.actor.getSnapshot().context.outcomeReason).toBe('CLOCK_BEHIND_RECORDS');
    const same = harness(inputOf(homePlan()));
    same.send(...toSession(undefined, clearFacts({ newestRecordAtMs: FACTS_NOW_MS })));
    expect(same.actor.getSnapshot().context.outcome).toBeNull();
  });

  it('S9: a valid credential unlocks at admission, recorded with who and which key, and professional depth is sent', () => {
    const h = start(proInput(proPlan()));
    const { context } = h.actor.getSnapshot();
    expect(context.unlock).toMatchObject({
      credentialId: 'cred-0001',
      keyId: 'fixture-maker-key',
      clinicianId: 'clin-042',
    });
    const types = h.effects.map((e) => e.type);
    expect(types.indexOf('recordUnlock')).toBeLessThan(types.indexOf('sendDepth'));
    expect(h.effects.find((e) => e.type === 'recordUnlock')).toMatchObject({
      credentialId: 'cred-0001',
      keyId: 'fixture-maker-key',
      keyName: 'Fixture Maker',
      clinicianName: 'Dr. Ada Lovelace',
      license: 'GMC-1234567',
      maxDepthUm: 2500,
    });
    expect(h.effects.find((e) => e.type === 'sendDepth')).toEqual({ type: 'sendDepth', depthUm: 1500 });
  });

  it('S2 S9: a credential limited to 1.0 mm binds as the credential cap, with its clamp', () => {
    const h = start(proInput(proPlan(), { credential: presentedCredential({ maxDepthUm: 1000 }) }));
    const { context } = h.actor.getSnapshot();
    expect(context.areas.find((a) => a.area === 'cheeks')).toMatchObject({ capUm: 1000, capBinding: 'credential' });
    expect(h.effects.find((e) => e.type === 'sendDepthLimit')).toEqual({ type: 'sendDepthLimit', limitUm: 1000 });
    expect(context.clamps).toContainEqual({
      reason: 'DEPTH_CLAMPED_TO_CREDENTIAL_CAP',
      detail: 'plan 1500 um, credential cap 1000 um',
      area: 'cheeks',
    });
  });

  it('S9: a credential presented for a home session unlocks nothing', () => {
    const h = harness(inputOf(homePlan(), { credential: PRO_CREDENTIAL }));
    h.send(...toSession(proInfo()), { type: 'SELECT_AREA', area: 'forehead' });
    expect(h.actor.getSnapshot().context.unlock).toBeNull();
    expect(h.effects.some((e) => e.type === 'recordUnlock')).toBe(false);
    expect(h.effects.find((e) => e.type === 'sendDepth')).toEqual({ type: 'sendDepth', depthUm: 250 });
  });
});

describe('clinic profile (S2)', () => {
  it('S2: a refused profile ends the session at START_SESSION with every reason recorded; the port is never opened', () => {
    const loose = presentedProfile({ name: 'loose', areaCapsUm: { cheeks: 3000 }, areaPassLimits: { cheeks: 7 } });
    const h = harness(proInput(proPlan(), { profile: loose }));
    h.send({ type: 'START_SESSION' });
    const { context, value } = h.actor.getSnapshot();
    expect(value).toBe('refused');
    expect(context.outcomeReason).toBe('PROFILE_LOOSENS');
    expect(h.effects.map((e) => e.type)).toEqual([
      'recordRefusal',
      'recordRefusal',
      'cancelAllTimers',
      'recordSessionEnded',
    ]);
    expect(h.effects[0]).toMatchObject({
      reason: 'PROFILE_LOOSENS',
      detail: expect.stringMatching(/^profile\.areaCapsUm\.cheeks: /),
    });
  });

  it.each([
    ['UNSIGNED', 'PROFILE_UNSIGNED'],
    ['BAD_SIGNATURE', 'PROFILE_TAMPERED'],
    ['UNKNOWN_KEY', 'PROFILE_UNTRUSTED_KEY'],
    ['WRONG_TYP', 'PROFILE_WRONG_TYPE'],
  ] as const)('S2: a profile token refused %s is refused %s before the pen is contacted', (failure, reason) => {
    const h = harness(inputOf(homePlan(), { profile: refusedToken('profile', failure) }));
    h.send({ type: 'START_SESSION' });
    expect(h.actor.getSnapshot().context.outcomeReason).toBe(reason);
    expect(h.effects.some((e) => e.type === 'openLink')).toBe(false);
  });

  it('S2: a profile signed by a maker key is untrusted for profiles', () => {
    const h = harness(
      inputOf(homePlan(), { profile: presentedProfile({ name: 'x' }, { ...FIXTURE_CLINIC, keyRoles: ['maker'] }) }),
    );
    h.send({ type: 'START_SESSION' });
    expect(h.actor.getSnapshot().context.outcomeReason).toBe('PROFILE_UNTRUSTED_KEY');
  });

  it('S2: a bound profile is recorded by its hash at the claim, and its cap binds as `profile`', () => {
    const profile = presentedProfile({ name: 'Clinic A', areaCapsUm: { cheeks: 1200 } });
    const h = start(proInput(proPlan(), { profile }));
    expect(h.effects.find((e) => e.type === 'recordProfile')).toEqual({
      type: 'recordProfile',
      profileId: 'profile-0001',
      name: 'Clinic A',
      keyId: 'fixture-clinic-key',
      clinicName: 'Fixture Clinic',
      tokenSha256: profile.token.ok ? profile.token.tokenSha256 : '',
    });
    const cheeks = h.actor.getSnapshot().context.areas.find((a) => a.area === 'cheeks');
    expect(cheeks).toMatchObject({ capUm: 1200, capBinding: 'profile', depthUm: 1200 });
  });

  it('S2: a profile lowering the professional mode maximum binds as `profile` on every area', () => {
    const profile = presentedProfile({ name: 'Clinic B', treatment: { proMaxDepthUm: 800 } });
    const h = start(proInput(proPlan(), { profile }));
    const cheeks = h.actor.getSnapshot().context.areas.find((a) => a.area === 'cheeks');
    expect(cheeks).toMatchObject({ capUm: 800, capBinding: 'profile' });
    expect(h.effects.find((e) => e.type === 'sendDepth')).toEqual({ type: 'sendDepth', depthUm: 800 });
  });

  it('S19: a profile lengthening the interval refuses a session the default would allow', () => {
    const prior = { cheeks: [{ atMs: FACTS_NOW_MS - 30 * 24 * 3600_000, mode: 'pro' as const }] };
    const facts = clearFacts({ lastSessionByArea: prior });
    expect(start(proInput(proPlan()), facts).actor.getSnapshot().context.outcome).toBeNull();
    const profile = presentedProfile({ name: 'Clinic C', treatment: { proMinIntervalDays: 42 } });
    const refused = start(proInput(proPlan(), { profile }), facts).actor.getSnapshot().context;
    expect(refused.outcome).toBe('refused');
    expect(refused.refusals.map((r) => r.reason)).toContain('INTERVAL_TOO_SHORT');
  });
});
