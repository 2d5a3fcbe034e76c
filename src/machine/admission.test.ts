// Scenario tests of a session's start: connection, handshake, claim, admission (S19), waiting for IDLE, start checks.
import { describe, expect, it } from 'vitest';
import { PenState, Reason } from '../protocol/index.js';
import {
  CONNECT_TIMEOUT_MS,
  PEN_IDLE_TIMEOUT_MS,
  RuleReason,
  checkSessionAllowed,
  clearScreening,
  estimateSessionDurationS,
  DEFAULT_TREATMENT_CONFIG,
} from '../policy/index.js';
import type { ControllerEvent } from './events.js';
import {
  FACTS_NOW_MS,
  ack,
  clearFacts,
  harness,
  homePlan,
  inputOf,
  proInfo,
  sampleInfo,
  toSession,
} from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const DAY_MS = 24 * 3600 * 1000;
const AWAITING_OPERATOR = { connected: { session: { selectingArea: 'awaitingOperator' } } };
const upTo = (type: ControllerEvent['type'], info = sampleInfo()) => {
  const events = toSession(info);
  return events.slice(
    0,
    events.findIndex((event) => event.type === type),
  );
};

describe('connection and handshake', () => {
  it('the port failing to open, or not in time, aborts LINK_FAILED with the timer cancelled', () => {
    const failed = harness(inputOf(homePlan()));
    failed.send({ type: 'START_SESSION' });
    expect(failed.effects).toEqual([
      { type: 'openLink' },
      { type: 'startTimer', timer: 'connect', delayMs: CONNECT_TIMEOUT_MS },
    ]);
    failed.take();
    failed.send({ type: 'LINK_FAILED', reason: 'ENOENT' });
    expect(failed.take()).toEqual(['cancelTimer', 'recordStop', 'cancelAllTimers', 'recordSessionEnded']);
    expect(failed.actor.getSnapshot().context).toMatchObject({
      outcome: 'aborted',
      outcomeReason: 'LINK_FAILED',
      stops: [{ reason: 'LINK_FAILED', detail: 'ENOENT' }],
    });
    const late = harness(inputOf(homePlan()));
    late.send({ type: 'START_SESSION' }, { type: 'CONNECT_TIMEOUT' });
    expect(late.actor.getSnapshot().context.stops).toEqual([
      { reason: 'LINK_FAILED', detail: 'the port did not open in time' },
    ]);
  });

  it('STOP or FINISH before the link is up abort the session without touching the pen', () => {
    for (const type of ['STOP', 'FINISH'] as const) {
      for (const before of [[], [{ type: 'START_SESSION' }]] as ControllerEvent[][]) {
        const h = harness(inputOf(homePlan()));
        h.send(...before, { type });
        const reason = type === 'STOP' ? 'OPERATOR_STOP' : 'OPERATOR_FINISH';
        expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: reason });
        expect(h.effects.some((e) => e.type === 'stopNeedles' || e.type === 'sendHello')).toBe(false);
      }
    }
  });

  it('no INFO after the retries aborts HANDSHAKE_TIMEOUT; implausible limits are refused', () => {
    const silent = harness(inputOf(homePlan()));
    silent.send(...upTo('INFO_RECEIVED'), { type: 'HANDSHAKE_TIMEOUT' });
    expect(silent.actor.getSnapshot().context).toMatchObject({
      outcome: 'aborted',
      outcomeReason: 'HANDSHAKE_TIMEOUT',
    });
    const odd = harness(inputOf(homePlan()));
    odd.send(...toSession(sampleInfo({ minStrokeHz: 160, maxStrokeHz: 200 })));
    expect(odd.actor.getSnapshot().context).toMatchObject({
      outcome: 'refused',
      outcomeReason: 'PEN_LIMITS_IMPLAUSIBLE',
    });
  });

  it('INFO sets the telemetry rate and asks the records to claim the client, with the pen and plan', () => {
    const h = harness(inputOf(homePlan(), { clientId: 'client-42', isPatchTest: false }));
    h.send(...upTo('SESSION_CLAIMED'));
    expect(h.effects.slice(-2)).toEqual([
      { type: 'sendTelemetryRate', rateHz: expect.any(Number) },
      {
        type: 'claimSession',
        clientId: 'client-42',
        mode: 'home',
        isPatchTest: false,
        plan: homePlan(),
        cartridgeId: 77,
        penSerialNumber: 1001,
      },
    ]);
    expect(h.state()).toEqual({ connected: 'claiming' });
  });
});

describe('the claim', () => {
  it('S19: a refused claim ends the session refused with the records reason, before any admission or depth', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...upTo('SESSION_CLAIMED'));
    h.take();
    h.send({ type: 'CLAIM_REFUSED', reason: 'CLIENT_IN_SESSION', detail: 'client c1 is in session 3' });
    expect(h.effects.slice(-3)).toEqual([
      { type: 'recordRefusal', reason: 'CLIENT_IN_SESSION', detail: 'client c1 is in session 3' },
      { type: 'cancelAllTimers' },
      { type: 'recordSessionEnded', outcome: 'refused', reason: 'CLIENT_IN_SESSION' },
    ]);
    expect(h.state()).toBe('refused');
    expect(h.effects.some((e) => e.type === 'requestAdmissionFacts' || e.type === 'sendDepth')).toBe(false);
  });

  it('RECORDS_UNAVAILABLE while claiming or admitting is a fault: nothing is treated without records', () => {
    for (const at of ['SESSION_CLAIMED', 'ADMISSION_FACTS'] as const) {
      const h = harness(inputOf(homePlan()));
      h.send(...upTo(at), { type: 'RECORDS_UNAVAILABLE', detail: 'SQLITE_BUSY' });
      expect(h.state()).toBe('fault');
      expect(h.actor.getSnapshot().context.faults).toEqual([
        { code: 0, reason: 'RECORDS_UNAVAILABLE', detail: 'SQLITE_BUSY' },
      ]);
      expect(h.actor.getSnapshot().context.outcomeReason).toBe('RECORDS_UNAVAILABLE');
    }
  });

  it('the claimed session id is the one the admission facts are asked for', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...upTo('SESSION_CLAIMED'), { type: 'SESSION_CLAIMED', claim: { sessionId: 31, resumed: null } });
    expect(h.effects.slice(-1)).toEqual([{ type: 'requestAdmissionFacts', sessionId: 31, cartridgeId: 77 }]);
    expect(h.actor.getSnapshot().context.record).toMatchObject({ sessionId: 31, resumed: false });
  });
});

describe('admission (S19)', () => {
  it('S19 S8: a refusal ends the session refused with every reason recorded, in order, before the end', () => {
    const screening = clearScreening(1990, FACTS_NOW_MS - 3600_000);
    const facts = clearFacts({
      client: { birthYear: 1990, screening: { ...screening, answers: { ...screening.answers, activeAcne: true } } },
      lastSessionByArea: { forehead: [{ atMs: FACTS_NOW_MS - 2 * DAY_MS, mode: 'home' }] },
      patchTest: null,
      cartridgeSeenBefore: true,
    });
    const h = harness(inputOf(homePlan()));
    h.send(...upTo('ADMISSION_FACTS', sampleInfo({ batteryPercent: 10 })));
    h.take();
    h.send({ type: 'ADMISSION_FACTS', facts });
    const reasons = [
      RuleReason.CONTRAINDICATION_ACTIVE_ACNE,
      RuleReason.INTERVAL_TOO_SHORT,
      RuleReason.PATCH_TEST_MISSING,
      RuleReason.CARTRIDGE_REUSED,
      RuleReason.BATTERY_TOO_LOW,
    ];
    const { context } = h.actor.getSnapshot();
    expect(context.refusals.map((r) => r.reason)).toEqual(reasons);
    expect(context.refusals[1]).toMatchObject({ reason: 'INTERVAL_TOO_SHORT', area: 'forehead' });
    const expected = checkSessionAllowed({
      mode: 'home',
      nowMs: FACTS_NOW_MS,
      client: facts.client!,
      areas: ['forehead', 'cheeks'],
      lastSessionByArea: facts.lastSessionByArea,
      patchTest: null,
      isPatchTestSession: false,
      cartridgeId: 77,
      cartridgeSeenBefore: true,
      batteryPercent: 10,
      plannedDurationS: estimateSessionDurationS(homePlan().areas, DEFAULT_TREATMENT_CONFIG),
      config: DEFAULT_TREATMENT_CONFIG,
    });
    expect(context.refusals).toEqual(expected.refusals);
    expect(h.take()).toEqual([...reasons.map(() => 'recordRefusal'), 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.effects.slice(-1)).toEqual([
      { type: 'recordSessionEnded', outcome: 'refused', reason: 'CONTRAINDICATION_ACTIVE_ACNE' },
    ]);
    expect(h.state()).toBe('refused');
  });

  it('S19: a client with no screening on record is refused SCREENING_MISSING', () => {
    const h = harness(inputOf(homePlan(), { clientId: 'c9' }));
    h.send(...toSession(sampleInfo(), clearFacts({ client: null })));
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'SCREENING_MISSING', detail: 'client c9 has no screening answers on record' },
    ]);
    expect(h.actor.getSnapshot().context.outcomeReason).toBe('SCREENING_MISSING');
  });

  it('S19: a patch-test session needs no patch test on record', () => {
    const patch = harness(inputOf(homePlan(1), { isPatchTest: true }));
    patch.send(...toSession(sampleInfo(), clearFacts({ patchTest: null })));
    expect(patch.state()).toEqual(AWAITING_OPERATOR);
    const full = harness(inputOf(homePlan(1)));
    full.send(...toSession(sampleInfo(), clearFacts({ patchTest: { doneAtMs: FACTS_NOW_MS - 3600_000 } })));
    expect(full.actor.getSnapshot().context.outcomeReason).toBe('PATCH_TEST_TOO_RECENT');
  });
});

describe('waiting for an idle pen', () => {
  it('waits after admission until the pen reports IDLE, then starts; the wait is a timer', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(sampleInfo({ state: PenState.HOMING })));
    expect(h.state()).toEqual({ connected: 'waitingForIdlePen' });
    expect(h.effects.slice(-1)).toEqual([{ type: 'startTimer', timer: 'penIdle', delayMs: PEN_IDLE_TIMEOUT_MS }]);
    h.take();
    h.send(telemetryOf({ state: PenState.HOMING, deviceTickMs: 100 }), { type: 'SELECT_AREA', area: 'forehead' });
    expect(h.state()).toEqual({ connected: 'waitingForIdlePen' });
    expect(h.take()).toEqual(['recordRefusal']);
    h.send(telemetryOf({ state: PenState.IDLE, deviceTickMs: 120 }));
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    expect(h.effects.slice(-1)).toEqual([{ type: 'cancelTimer', timer: 'penIdle' }]);
  });

  it('a pen that never reports IDLE aborts PEN_NOT_READY; a fault while waiting is a fault', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(sampleInfo({ state: PenState.UNHOMED })));
    h.take();
    h.send({ type: 'PEN_IDLE_TIMEOUT' });
    expect(h.take()).toEqual(['cancelTimer', 'recordStop', 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: 'PEN_NOT_READY' });
    const faulty = harness(inputOf(homePlan()));
    faulty.send(
      ...toSession(sampleInfo({ state: PenState.HOMING })),
      telemetryOf({ state: PenState.FAULT, faultCode: 2 }),
    );
    expect(faulty.state()).toBe('fault');
  });

  it('S1: measured depth above the session cap before the session is a fault', () => {
    const h = harness(inputOf(homePlan()));
    h.send(
      ...toSession(sampleInfo({ state: PenState.HOMING })),
      telemetryOf({ state: PenState.HOMING, measuredDepthUm: 301 }),
    );
    expect(h.state()).toBe('fault');
    expect(h.actor.getSnapshot().context.faults[0]).toMatchObject({ reason: 'MEASURED_DEPTH_ABOVE_CAP' });
  });
});

describe('start checks', () => {
  it('S9: a plan for another mode is refused before the credential is looked at', () => {
    const h = harness(inputOf(homePlan(), { mode: 'pro' }));
    h.send(...toSession(proInfo()));
    expect(h.actor.getSnapshot().context.refusals.map((r) => r.reason)).toEqual(['PLAN_MODE_MISMATCH']);
  });

  it('S8: each start check refuses with its reason and a plain detail, recorded before the end', () => {
    const cases = [
      [inputOf(homePlan(), { mode: 'pro' }), proInfo(), 'PLAN_MODE_MISMATCH', 'the plan is written for the other mode'],
      [inputOf(homePlan()), sampleInfo({ needleCount: 0 }), 'NO_CARTRIDGE', 'no cartridge with needles in the pen'],
    ] as const;
    for (const [input, info, reason, detail] of cases) {
      const h = harness(input);
      h.send(...toSession(info));
      expect(h.actor.getSnapshot().context.refusals).toEqual([{ reason, detail }]);
      expect(h.effects.slice(-3)).toEqual([
        { type: 'recordRefusal', reason, detail },
        { type: 'cancelAllTimers' },
        { type: 'recordSessionEnded', outcome: 'refused', reason },
      ]);
    }
  });

  it('S4 S8: the clamps of the settings are recorded when the session starts', () => {
    const h = harness(inputOf(homePlan(), { passDebounceMs: 400, exposureBudgets: { areaPunctures: -1 } }));
    h.send(...toSession());
    expect(h.effects.filter((e) => e.type === 'recordClamp').map((e) => 'reason' in e && e.reason)).toEqual([
      'SETTING_INVALID',
      'SETTING_INVALID',
    ]);
  });

  it('S8: a clamp the pen noted before the session is recorded once', () => {
    const h = harness(inputOf(homePlan()));
    const events = toSession();
    h.send(...events.slice(0, 3), ack('SET_TELEMETRY', 20, Reason.DEPTH_FLOORED_TO_STEP), ...events.slice(3));
    expect(h.effects.filter((e) => e.type === 'recordClamp')).toEqual([
      { type: 'recordClamp', reason: 'PEN_DEPTH_FLOORED_TO_STEP', detail: 'SET_TELEMETRY applied 20' },
    ]);
  });
});
