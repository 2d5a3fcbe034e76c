// Tests of the session admission rules (S19, S8): one test per rule with its exact reason code.
import { describe, expect, it } from 'vitest';
import { clearScreening, demoClient, RuleReason, SCREENING_QUESTIONS } from './screening.js';
import {
  checkPatchTestPlan,
  checkSessionAllowed,
  estimateSessionDurationS,
  minimumAgeYears,
  type SessionRuleInput,
} from './session-rules.js';
import { DEFAULT_TREATMENT_CONFIG, tightenTreatmentConfig } from './treatment-config.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW_MS = Date.parse('2025-06-01T10:00:00Z');

function baseInput(overrides: Partial<SessionRuleInput> = {}): SessionRuleInput {
  return {
    mode: 'home',
    nowMs: NOW_MS,
    client: { birthYear: 1990, screening: clearScreening(1990, NOW_MS - HOUR_MS) },
    areas: ['forehead', 'cheeks'],
    lastSessionByArea: {},
    patchTest: { doneAtMs: NOW_MS - 3 * DAY_MS },
    isPatchTestSession: false,
    cartridgeId: 1234,
    cartridgeSeenBefore: false,
    batteryPercent: 80,
    plannedDurationS: 600,
    config: DEFAULT_TREATMENT_CONFIG,
    ...overrides,
  };
}

const reasonsOf = (input: SessionRuleInput) => checkSessionAllowed(input).refusals.map((refusal) => refusal.reason);

function withAnswer(id: string) {
  const screening = clearScreening(1990, NOW_MS - HOUR_MS);
  return { birthYear: 1990, screening: { ...screening, answers: { ...screening.answers, [id]: true } } };
}

describe('checkSessionAllowed', () => {
  it('allows a clear client with everything in order', () => {
    expect(checkSessionAllowed(baseInput())).toEqual({ allowed: true, refusals: [] });
  });

  it('allows the demo client', () => {
    const demo = demoClient(NOW_MS);
    const input = baseInput({
      client: { birthYear: demo.birthYear, screening: demo.screening },
      patchTest: { doneAtMs: demo.patchTestDoneAtMs },
    });
    expect(checkSessionAllowed(input).allowed).toBe(true);
  });

  it.each(SCREENING_QUESTIONS.map((question) => [question.id, question.reason]))(
    'S19: a declared contraindication (%s) refuses with %s',
    (id, reason) => {
      const decision = checkSessionAllowed(baseInput({ client: withAnswer(id) }));
      expect(decision.allowed).toBe(false);
      expect(decision.refusals).toEqual([{ reason, detail: expect.stringContaining(id) }]);
    },
  );

  it('S19: client younger than 22 (birth year alone, conservatively) refuses with CLIENT_TOO_YOUNG', () => {
    expect(minimumAgeYears(2003, NOW_MS)).toBe(21);
    const young = { birthYear: 2003, screening: clearScreening(2003, NOW_MS) };
    expect(reasonsOf(baseInput({ client: young }))).toEqual([RuleReason.CLIENT_TOO_YOUNG]);
    const oldEnough = { birthYear: 2002, screening: clearScreening(2002, NOW_MS) };
    expect(reasonsOf(baseInput({ client: oldEnough }))).toEqual([]);
  });

  it('S19: malformed screening refuses with SCREENING_INVALID naming the question', () => {
    const screening = clearScreening(1990, NOW_MS) as { answers: Record<string, boolean> };
    delete screening.answers.activeAcne;
    const decision = checkSessionAllowed(baseInput({ client: { birthYear: 1990, screening } }));
    expect(decision.refusals).toEqual([
      { reason: RuleReason.SCREENING_INVALID, detail: expect.stringContaining('answers.activeAcne') },
    ]);
    expect(reasonsOf(baseInput({ client: { birthYear: 1990, screening: undefined } }))).toEqual([
      RuleReason.SCREENING_INVALID,
    ]);
  });

  it('screening birth year differing from the record, or dated in the future, is SCREENING_INVALID', () => {
    expect(reasonsOf(baseInput({ client: { birthYear: 1991, screening: clearScreening(1990, NOW_MS) } }))).toEqual([
      RuleReason.SCREENING_INVALID,
    ]);
    expect(
      reasonsOf(baseInput({ client: { birthYear: 1990, screening: clearScreening(1990, NOW_MS + HOUR_MS) } })),
    ).toEqual([RuleReason.SCREENING_INVALID]);
  });

  it('screening older than 24 h refuses with SCREENING_EXPIRED (boundary exact)', () => {
    const at = (ms: number) => baseInput({ client: { birthYear: 1990, screening: clearScreening(1990, ms) } });
    expect(reasonsOf(at(NOW_MS - 24 * HOUR_MS))).toEqual([]);
    expect(reasonsOf(at(NOW_MS - 24 * HOUR_MS - 1))).toEqual([RuleReason.SCREENING_EXPIRED]);
  });

  it('S19: home interval under 7 days on an area refuses with INTERVAL_TOO_SHORT for that area only', () => {
    const decision = checkSessionAllowed(
      baseInput({ lastSessionByArea: { cheeks: { atMs: NOW_MS - 7 * DAY_MS + 1, mode: 'home' } } }),
    );
    expect(decision.refusals).toEqual([
      { reason: RuleReason.INTERVAL_TOO_SHORT, area: 'cheeks', detail: expect.stringContaining('7 days required') },
    ]);
    const exactly = baseInput({ lastSessionByArea: { cheeks: { atMs: NOW_MS - 7 * DAY_MS, mode: 'home' } } });
    expect(reasonsOf(exactly)).toEqual([]);
    const otherArea = baseInput({ lastSessionByArea: { neck: { atMs: NOW_MS - DAY_MS, mode: 'home' } } });
    expect(reasonsOf(otherArea)).toEqual([]);
  });

  it('S19: professional interval under 28 days refuses with INTERVAL_TOO_SHORT', () => {
    const prior = (ms: number) =>
      baseInput({ mode: 'pro', lastSessionByArea: { forehead: { atMs: ms, mode: 'pro' } } });
    expect(reasonsOf(prior(NOW_MS - 28 * DAY_MS + 1))).toEqual([RuleReason.INTERVAL_TOO_SHORT]);
    expect(reasonsOf(prior(NOW_MS - 28 * DAY_MS))).toEqual([]);
  });

  it('a home session after a professional one on the area waits the professional 28 days', () => {
    const input = baseInput({ lastSessionByArea: { forehead: { atMs: NOW_MS - 10 * DAY_MS, mode: 'pro' } } });
    expect(checkSessionAllowed(input).refusals[0]?.detail).toContain('at least 28 days');
  });

  it('a last-session time in the future or NaN counts as too recent', () => {
    const future = baseInput({ lastSessionByArea: { forehead: { atMs: NOW_MS + DAY_MS, mode: 'home' } } });
    expect(reasonsOf(future)).toEqual([RuleReason.INTERVAL_TOO_SHORT]);
    const unknown = baseInput({ lastSessionByArea: { forehead: { atMs: NaN, mode: 'home' } } });
    expect(reasonsOf(unknown)).toEqual([RuleReason.INTERVAL_TOO_SHORT]);
  });

  it('a clinic-tightened interval applies', () => {
    const tightened = tightenTreatmentConfig(DEFAULT_TREATMENT_CONFIG, { homeMinIntervalDays: 14 });
    if (!tightened.ok) throw new Error('expected ok');
    const input = baseInput({
      config: tightened.config,
      lastSessionByArea: { forehead: { atMs: NOW_MS - 10 * DAY_MS, mode: 'home' } },
    });
    expect(reasonsOf(input)).toEqual([RuleReason.INTERVAL_TOO_SHORT]);
  });

  it('S19: no patch test on record refuses with PATCH_TEST_MISSING', () => {
    expect(reasonsOf(baseInput({ patchTest: null }))).toEqual([RuleReason.PATCH_TEST_MISSING]);
  });

  it('S19: a patch test less than 24 h ago refuses with PATCH_TEST_TOO_RECENT (boundary exact)', () => {
    expect(reasonsOf(baseInput({ patchTest: { doneAtMs: NOW_MS - 24 * HOUR_MS + 1 } }))).toEqual([
      RuleReason.PATCH_TEST_TOO_RECENT,
    ]);
    expect(reasonsOf(baseInput({ patchTest: { doneAtMs: NOW_MS - 24 * HOUR_MS } }))).toEqual([]);
    expect(reasonsOf(baseInput({ patchTest: { doneAtMs: NaN } }))).toEqual([RuleReason.PATCH_TEST_TOO_RECENT]);
  });

  it('a patch-test session does not itself need a patch test', () => {
    expect(reasonsOf(baseInput({ patchTest: null, isPatchTestSession: true, areas: ['neck'] }))).toEqual([]);
  });

  it('S19: a cartridge used before refuses with CARTRIDGE_REUSED', () => {
    const decision = checkSessionAllowed(baseInput({ cartridgeSeenBefore: true }));
    expect(decision.refusals).toEqual([
      { reason: RuleReason.CARTRIDGE_REUSED, detail: 'cartridge 1234 was used before' },
    ]);
  });

  it.each([[null], [0], [-5], [1.5], [2 ** 32]])(
    'no valid cartridge (%s) refuses with CARTRIDGE_MISSING',
    (cartridgeId) => {
      expect(reasonsOf(baseInput({ cartridgeId }))).toEqual([RuleReason.CARTRIDGE_MISSING]);
    },
  );

  it('a battery too low to finish refuses with BATTERY_TOO_LOW (boundary exact)', () => {
    expect(reasonsOf(baseInput({ batteryPercent: 30, plannedDurationS: 600 }))).toEqual([]);
    expect(reasonsOf(baseInput({ batteryPercent: 29.9, plannedDurationS: 600 }))).toEqual([RuleReason.BATTERY_TOO_LOW]);
    expect(reasonsOf(baseInput({ batteryPercent: 19, plannedDurationS: 0 }))).toEqual([RuleReason.BATTERY_TOO_LOW]);
  });

  it.each([[NaN], [-1], [101], [Infinity]])(
    'S4: an implausible battery level (%s) refuses with BATTERY_TOO_LOW',
    (batteryPercent) => {
      expect(reasonsOf(baseInput({ batteryPercent }))).toEqual([RuleReason.BATTERY_TOO_LOW]);
    },
  );

  it('S4: invalid mode, time, duration or empty areas refuse with SESSION_INPUT_INVALID', () => {
    expect(reasonsOf(baseInput({ mode: 'clinic' as 'pro' }))).toEqual([RuleReason.SESSION_INPUT_INVALID]);
    expect(reasonsOf(baseInput({ nowMs: NaN }))).toEqual([RuleReason.SESSION_INPUT_INVALID]);
    expect(reasonsOf(baseInput({ plannedDurationS: NaN }))).toEqual([RuleReason.SESSION_INPUT_INVALID]);
    expect(reasonsOf(baseInput({ areas: [] }))).toEqual([RuleReason.SESSION_INPUT_INVALID]);
  });

  it('S8: returns every applicable reason at once', () => {
    const decision = checkSessionAllowed(
      baseInput({
        client: { birthYear: 2010, screening: withAnswer('activeAcne').screening },
        lastSessionByArea: {
          forehead: { atMs: NOW_MS - DAY_MS, mode: 'home' },
          cheeks: { atMs: NOW_MS - DAY_MS, mode: 'home' },
        },
        patchTest: null,
        cartridgeSeenBefore: true,
        batteryPercent: 5,
      }),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.refusals.map((refusal) => [refusal.reason, refusal.area])).toEqual([
      [RuleReason.CLIENT_TOO_YOUNG, undefined],
      [RuleReason.CONTRAINDICATION_ACTIVE_ACNE, undefined],
      [RuleReason.SCREENING_INVALID, undefined],
      [RuleReason.INTERVAL_TOO_SHORT, 'forehead'],
      [RuleReason.INTERVAL_TOO_SHORT, 'cheeks'],
      [RuleReason.PATCH_TEST_MISSING, undefined],
      [RuleReason.CARTRIDGE_REUSED, undefined],
      [RuleReason.BATTERY_TOO_LOW, undefined],
    ]);
  });
});

describe('checkPatchTestPlan', () => {
  const plan = (areas: { area: string; depthMm: number; passes: number }[]) =>
    checkPatchTestPlan({ areas }, DEFAULT_TREATMENT_CONFIG);
  const reasons = (areas: { area: string; depthMm: number; passes: number }[]) =>
    plan(areas).map((refusal) => refusal.reason);

  it('accepts one pass, low depth, on the jawline or the neck', () => {
    expect(plan([{ area: 'jawline', depthMm: 0.25, passes: 1 }])).toEqual([]);
    expect(plan([{ area: 'neck', depthMm: 0.1, passes: 1 }])).toEqual([]);
  });

  it('refuses another area with PATCH_TEST_AREA_NOT_ALLOWED', () => {
    expect(plan([{ area: 'cheeks', depthMm: 0.1, passes: 1 }])).toEqual([
      {
        reason: RuleReason.PATCH_TEST_AREA_NOT_ALLOWED,
        area: 'cheeks',
        detail: 'patch test on cheeks refused; allowed: jawline, neck',
      },
    ]);
  });

  it('refuses more than one area with PATCH_TEST_TOO_MANY_AREAS', () => {
    const areas = [
      { area: 'jawline', depthMm: 0.1, passes: 1 },
      { area: 'neck', depthMm: 0.1, passes: 1 },
    ];
    expect(reasons(areas)).toEqual([RuleReason.PATCH_TEST_TOO_MANY_AREAS]);
    expect(reasons([])).toEqual([RuleReason.SESSION_INPUT_INVALID]);
  });

  it.each([[0.3], [1.0], [NaN], [-0.1]])('refuses depth %s mm with PATCH_TEST_DEPTH_TOO_HIGH', (depthMm) => {
    expect(reasons([{ area: 'neck', depthMm, passes: 1 }])).toEqual([RuleReason.PATCH_TEST_DEPTH_TOO_HIGH]);
  });

  it.each([[2], [6], [0], [1.5]])('refuses %s passes with PATCH_TEST_TOO_MANY_PASSES', (passes) => {
    expect(reasons([{ area: 'neck', depthMm: 0.1, passes }])).toEqual([RuleReason.PATCH_TEST_TOO_MANY_PASSES]);
  });
});

describe('estimateSessionDurationS', () => {
  it('counts planned passes at the per-pass estimate, capped at the pass limit', () => {
    expect(estimateSessionDurationS([{ passes: 4 }, { passes: 2 }], DEFAULT_TREATMENT_CONFIG)).toBe(6 * 45);
    expect(estimateSessionDurationS([{ passes: 20 }, { passes: NaN }], DEFAULT_TREATMENT_CONFIG)).toBe(12 * 45);
  });
});
