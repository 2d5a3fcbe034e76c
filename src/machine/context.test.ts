// Tests of the context's layout (few top-level keys, issue 5), its construction and the pen readings kept in it.
import { describe, expect, it } from 'vitest';
import { PenState, TelemetryFlag } from '../protocol/index.js';
import { DEFAULT_PASS_DEBOUNCE_MS } from '../policy/index.js';
import { NO_PEN_READINGS, createInitialContext, resumedAreas } from './context.js';
import { ack, armEvents, harness, homePlan, inputOf, toSession } from '../../test/support/machine-harness.js';
import { presentedProfile } from '../../test/support/presented-tokens.js';
import { telemetryOf } from '../../test/support/machine-model.js';

/** V8 keeps an object with more keys than this in dictionary mode when XState's assign copies it. */
const MAX_CONTEXT_KEYS = 19;

describe('context layout', () => {
  it('has at most 19 top-level keys, with the ones the summary reads at the top', () => {
    const keys = Object.keys(createInitialContext(inputOf(homePlan(2))));
    expect(keys.length).toBeLessThanOrEqual(MAX_CONTEXT_KEYS);
    for (const key of ['mode', 'areas', 'faults', 'refusals', 'clamps', 'stops', 'outcome', 'outcomeReason']) {
      expect(keys).toContain(key);
    }
  });

  it('keeps the same top-level keys through a session, a fault and RESET', () => {
    const h = harness(inputOf(homePlan(2)));
    const keys = Object.keys(h.actor.getSnapshot().context).sort();
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(telemetryOf({ deviceTickMs: 120, strokeCount: 2, flags: TelemetryFlag.CONTACT, measuredDepthUm: 240 }));
    h.send({ type: 'PEN_FAULT', faultCode: 0x02 }, { type: 'RESET' });
    expect(h.state()).toBe('fault');
    expect(Object.keys(h.actor.getSnapshot().context).sort()).toEqual(keys);
  });

  it('an action with nothing to change leaves the context object as it was (no copy)', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send({ type: 'START_SESSION' }, { type: 'LINK_OPENED' });
    const before = h.actor.getSnapshot().context;
    h.send(ack('SET_DEPTH', 250));
    expect(h.actor.getSnapshot().context).toBe(before);
    const armed = harness(inputOf(homePlan(2)));
    const reading = telemetryOf({ deviceTickMs: 40, strokeCount: 3, commandedDepthUm: 250, measuredDepthUm: 240 });
    armed.send(...toSession(), ...armEvents('forehead', 250), reading);
    const steady = armed.actor.getSnapshot().context;
    armed.send(reading);
    expect(armed.actor.getSnapshot().context).toBe(steady);
    // The same outside the drive (trackPenReadings): an unchanged reading while the operator chooses.
    const choosing = harness(inputOf(homePlan(2)));
    const idle = telemetryOf({ deviceTickMs: 40, strokeCount: 3, state: PenState.IDLE });
    choosing.send(...toSession(), idle);
    const unchanged = choosing.actor.getSnapshot().context;
    choosing.send(idle);
    expect(choosing.actor.getSnapshot().context).toBe(unchanged);
    choosing.send({ ...idle, deviceTickMs: 60 });
    expect(choosing.actor.getSnapshot().context.penReadings.lastPenTimeMs).toBe(60);
  });
});

describe('initial context (S4, S8)', () => {
  it('S4: an invalid or too long debounce falls back to the default, with the clamp kept', () => {
    for (const passDebounceMs of [NaN, -1, 0, Infinity, 'x' as never]) {
      const context = createInitialContext(inputOf(homePlan(), { passDebounceMs }));
      expect(context.settings.passDebounceMs).toBe(DEFAULT_PASS_DEBOUNCE_MS);
      expect(context.clamps).toEqual([
        { reason: 'SETTING_INVALID', detail: `passDebounceMs=${String(passDebounceMs)}: default used` },
      ]);
    }
    const long = createInitialContext(inputOf(homePlan(), { passDebounceMs: 400 }));
    expect(long.settings.passDebounceMs).toBe(DEFAULT_PASS_DEBOUNCE_MS);
    expect(long.clamps[0]?.detail).toBe(`passDebounceMs=400: capped to ${DEFAULT_PASS_DEBOUNCE_MS}`);
    expect(createInitialContext(inputOf(homePlan(), { passDebounceMs: 100 })).settings.passDebounceMs).toBe(100);
  });

  it('S4 S6: budgets above the default or invalid fall back, with the clamp kept; no credential is none', () => {
    const context = createInitialContext(inputOf(homePlan(), { exposureBudgets: { areaPunctures: NaN } }));
    expect(context.clamps.map((c) => c.reason)).toEqual(['SETTING_INVALID']);
    expect(context.settings).toMatchObject({ credential: null, profile: null, profileRefusals: [] });
    expect(context.unlock).toBeNull();
  });

  it('S2 S6: a clinic profile binds its rules, caps, pass limits and budgets; the input may lower a budget further', () => {
    const profile = presentedProfile({
      name: 'Clinic tight',
      areaCapsUm: { cheeks: 1200 },
      areaPassLimits: { forehead: 1 },
      exposureBudgets: { areaPunctures: 2000, sessionPunctures: 5000 },
      treatment: { proMinIntervalDays: 42 },
    });
    const context = createInitialContext(
      inputOf(homePlan(3), { profile, exposureBudgets: { areaPunctures: 2500, sessionPunctures: 4000 } }),
    );
    expect(context.settings.profile?.settings.name).toBe('Clinic tight');
    expect(context.settings.profileCapsUm).toEqual({ cheeks: 1200 });
    expect(context.settings.config.proMinIntervalDays).toBe(42);
    expect(context.settings.budgets).toMatchObject({ areaPunctures: 2000, sessionPunctures: 4000 });
    expect(context.areas.map((a) => a.passLimit)).toEqual([1, 3]);
    expect(context.clamps).toEqual([
      { reason: 'PASSES_CLAMPED_TO_PROFILE_LIMIT', detail: 'plan 3 passes, profile limit 1', area: 'forehead' },
    ]);
  });

  it('S2: a refused clinic profile binds nothing and keeps every reason, its field named', () => {
    const loose = presentedProfile({ name: 'loose', areaCapsUm: { cheeks: 3000 }, areaPassLimits: { forehead: 7 } });
    const context = createInitialContext(inputOf(homePlan(), { profile: loose }));
    expect(context.settings.profile).toBeNull();
    expect(context.settings.profileRefusals.map((r) => r.reason)).toEqual(['PROFILE_LOOSENS', 'PROFILE_LOOSENS']);
    expect(context.settings.profileRefusals[0]?.detail).toMatch(/^profile\.areaCapsUm\.cheeks: /);
  });

  it('S5 S6: a resume counts the passes opened and the exposure used; bad usage counts as none, a bad count locks', () => {
    const { areas } = createInitialContext(inputOf(homePlan(3)));
    const { areas: resumed, clamps } = resumedAreas(
      areas,
      {
        sessionId: 4,
        openedPassesByArea: { forehead: 1.5, cheeks: -1 },
        usedByArea: { forehead: { punctures: 600, contactMs: 700 }, cheeks: { punctures: NaN, contactMs: -5 } },
      },
      12,
    );
    expect(resumed[0]).toMatchObject({ passes: 2, passesOpened: 2, punctures: 600, strokes: 50, contactMs: 700 });
    expect(resumed[0]?.counter).toMatchObject({ passes: 2, totalStrokes: 50, totalContactMs: 700 });
    expect(resumed[1]).toMatchObject({ passes: 3, locked: true, punctures: 0, contactMs: 0 });
    expect(clamps).toEqual([{ reason: 'SETTING_INVALID', detail: 'priorPasses=-1: area locked', area: 'cheeks' }]);
  });
});

describe('pen readings', () => {
  it('telemetry updates time, strokes and pen state; a contact first seen in telemetry starts at that sample', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession());
    h.send(telemetryOf({ deviceTickMs: 500, strokeCount: 7, state: PenState.IDLE }));
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      ...NO_PEN_READINGS,
      lastPenTimeMs: 500,
      lastStrokeCount: 7,
      penState: PenState.IDLE,
    });
    h.send(telemetryOf({ deviceTickMs: 520, strokeCount: 9, flags: TelemetryFlag.CONTACT }));
    h.send(telemetryOf({ deviceTickMs: 540, strokeCount: 11, flags: TelemetryFlag.CONTACT }));
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      penContact: true,
      lastContactAtMs: 520,
      lastContactStrokeCount: 9,
      lastPenTimeMs: 540,
      lastStrokeCount: 11,
      penState: PenState.ARMED,
    });
  });

  it('pen time never goes back; a contact edge sets the contact readings', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), telemetryOf({ deviceTickMs: 900, strokeCount: 3, state: PenState.IDLE }));
    h.send({ type: 'CONTACT_ON', atMs: 800, strokeCount: 4 });
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      penContact: true,
      lastContactAtMs: 800,
      lastContactStrokeCount: 4,
      lastPenTimeMs: 900,
      lastStrokeCount: 4,
      penState: PenState.IDLE,
    });
  });

  it('INFO sets the pen state; RESET after a fault changes nothing in the context (the session stays ended)', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), { type: 'CONTACT_ON', atMs: 300, strokeCount: 5 });
    h.send({ type: 'PEN_FAULT', faultCode: 0x02 });
    const before = h.actor.getSnapshot().context;
    expect(before.penReadings).toEqual({
      penContact: true,
      lastContactAtMs: 300,
      lastContactStrokeCount: 5,
      lastPenTimeMs: 300,
      lastStrokeCount: 5,
      penState: PenState.IDLE,
    });
    h.take();
    h.send({ type: 'RESET' });
    expect(h.take()).toEqual(['resetPen']);
    expect(h.actor.getSnapshot().context).toBe(before);
  });
});
