// Scenario tests of the records' part: pass reservations (S5), records failing, resumes (S5, S6), audit effects.
import { describe, expect, it } from 'vitest';
import { TelemetryFlag } from '../protocol/index.js';
import type { ControllerEvent, ResumedSession } from './events.js';
import {
  ack,
  armEvents,
  clearFacts,
  harness,
  homePlan,
  inputOf,
  toSession,
  touch,
  type Harness,
} from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const reserved = (area: string, passNumber: number): ControllerEvent => ({
  type: 'PASS_RESERVED',
  area: area as never,
  passNumber,
});
const CONFIGURING = { connected: { session: { arming: 'configuring' } } };
const RESERVING = { connected: { session: { arming: 'reserving' } } };
/** SELECT_AREA and the three setup ACKs of `area`: the reservation of its pass is asked for next. */
const toReserving = (area: string, depthUm: number) => armEvents(area, depthUm).slice(0, -2);
const TREATING = { connected: { session: { treating: 'passInProgress' } } };
/** The effects the events cause. */
function effectsOf(h: Harness, ...events: ControllerEvent[]) {
  const from = h.effects.length;
  h.send(...events);
  return h.effects.slice(from);
}
/** A session past forehead's first pass and its debounce: the next pass's reservation is asked for. */
function reservingNext(passes = 3): Harness {
  const h = harness(inputOf(homePlan(passes)));
  h.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40), { type: 'PASS_DEBOUNCE_ELAPSED' });
  return h;
}
/** toSession with a resumed claim. */
function resumedSession(resumed: Omit<ResumedSession, 'sessionId'>): ControllerEvent[] {
  return toSession().map((event) =>
    event.type === 'SESSION_CLAIMED'
      ? { type: 'SESSION_CLAIMED', claim: { sessionId: 5, resumed: { sessionId: 5, ...resumed } } }
      : event,
  );
}

describe('pass reservations (S5)', () => {
  it('S5: the first pass is reserved before ARM, each next pass after the debounce, before the drive takes contact', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...toReserving('forehead', 250));
    expect(h.state()).toEqual(RESERVING);
    expect(h.effects.some((e) => e.type === 'armDrive')).toBe(false);
    h.send(reserved('forehead', 1), ack('ARM'), ...touch(100, 500, 0, 40));
    expect(effectsOf(h, { type: 'PASS_DEBOUNCE_ELAPSED' })).toEqual([
      { type: 'recordPassEnded', area: 'forehead', passNumber: 1, strokes: 40, punctures: 480, contactMs: 500 },
      { type: 'reservePass', area: 'forehead', passNumber: 2 },
    ]);
    expect(h.state()).toEqual({ connected: { session: 'reservingNext' } });
    expect(effectsOf(h, reserved('forehead', 2))).toEqual([]);
    expect(h.state()).toEqual({ connected: { session: 'armed' } });
    expect(effectsOf(h, { type: 'CONTACT_ON', atMs: 2000, strokeCount: 40 })).toEqual([
      { type: 'recordPassStarted', area: 'forehead', passNumber: 2, atMs: 2000 },
    ]);
  });

  it('S5: a contact before the reservation lands stops the needles (PASS_NOT_RESERVED); the pass starts once reserved', () => {
    const h = reservingNext();
    expect(effectsOf(h, { type: 'CONTACT_ON', atMs: 2000, strokeCount: 40 })).toEqual([
      { type: 'stopNeedles' },
      { type: 'recordStop', reason: 'PASS_NOT_RESERVED', detail: 'CONTACT_ON', area: 'forehead' },
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    expect(h.state()).toEqual(CONFIGURING);
    h.send(ack('SET_DEPTH_LIMIT', 250), ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    expect(h.state()).toEqual({ connected: { session: { arming: 'awaitingReservation' } } });
    expect(effectsOf(h, reserved('forehead', 2))).toEqual([{ type: 'armDrive' }]);
    expect(effectsOf(h, ack('ARM'))).toEqual([
      { type: 'recordPassStarted', area: 'forehead', passNumber: 2, atMs: 2000 },
    ]);
    expect(h.state()).toEqual(TREATING);
    expect(h.effects.filter((e) => e.type === 'reservePass')).toHaveLength(2);
  });

  it('S5: telemetry showing contact before the reservation lands does the same', () => {
    const h = reservingNext();
    const contact = telemetryOf({
      flags: TelemetryFlag.CONTACT,
      strokeCount: 45,
      commandedDepthUm: 250,
      deviceTickMs: 1900,
    });
    expect(effectsOf(h, contact).slice(0, 2)).toEqual([
      { type: 'stopNeedles' },
      { type: 'recordStop', reason: 'PASS_NOT_RESERVED', detail: 'TELEMETRY', area: 'forehead' },
    ]);
    expect(h.state()).toEqual(CONFIGURING);
  });

  it('S1 S5: re-arming after PASS_NOT_RESERVED waits for all three setup ACKs again before ARM', () => {
    const h = reservingNext();
    h.send({ type: 'CONTACT_ON', atMs: 2000, strokeCount: 40 }, reserved('forehead', 2));
    expect(h.actor.getSnapshot().context.acks).toEqual({ depthLimit: false, depth: false, speed: false });
    expect(effectsOf(h, ack('SET_DEPTH', 250))).toEqual([]);
    expect(effectsOf(h, ack('SET_SPEED', 100))).toEqual([]);
    expect(h.state()).toEqual(CONFIGURING);
    expect(effectsOf(h, ack('SET_DEPTH_LIMIT', 250))).toEqual([{ type: 'armDrive' }]);
  });

  it("S5: the answer to another area's reservation does not arm the current area", () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...toReserving('forehead', 250), { type: 'PAUSE' });
    h.send(...toReserving('cheeks', 200));
    expect(h.state()).toEqual(RESERVING);
    const effects = effectsOf(h, reserved('forehead', 1));
    expect(effects).not.toContainEqual({ type: 'armDrive' });
    expect(h.state()).toEqual(RESERVING);
    expect(h.effects).toContainEqual({ type: 'reservePass', area: 'cheeks', passNumber: 1 });
    // Forehead's answer is kept as forehead's: its pass is confirmed, cheeks' is still awaited.
    expect(h.actor.getSnapshot().context.areas.map((a) => [a.passesOpened, a.passesReserved])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(effectsOf(h, reserved('cheeks', 1))).toEqual([{ type: 'armDrive' }]);
  });

  it('S5: a new pass found on a contact edge while the drive runs does not run before its reservation is confirmed', () => {
    const lostLiftOff = harness(inputOf(homePlan(3)));
    lostLiftOff.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    const lost = effectsOf(lostLiftOff, { type: 'CONTACT_ON', atMs: 1100, strokeCount: 60 });
    expect(lost.map((e) => e.type)).not.toContain('recordPassStarted');
    expect(lost[0]).toEqual({ type: 'stopNeedles' });
    expect(lost.slice(1)).toEqual([
      { type: 'recordPassEnded', area: 'forehead', passNumber: 1, strokes: 60, punctures: 720, contactMs: 1000 },
      { type: 'recordStop', reason: 'PASS_NOT_RESERVED', detail: 'CONTACT_ON', area: 'forehead' },
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    expect(lostLiftOff.state()).toEqual(CONFIGURING);
    const early = harness(inputOf(homePlan(3)));
    early.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40));
    const beforeTimer = effectsOf(early, { type: 'CONTACT_ON', atMs: 1000, strokeCount: 60 });
    expect(beforeTimer.map((e) => e.type)).not.toContain('recordPassStarted');
    expect(beforeTimer[0]).toEqual({ type: 'stopNeedles' });
    expect(beforeTimer.slice(1)).toEqual([
      { type: 'cancelTimer', timer: 'passDebounce' },
      { type: 'recordPassEnded', area: 'forehead', passNumber: 1, strokes: 40, punctures: 480, contactMs: 500 },
      { type: 'recordStop', reason: 'PASS_NOT_RESERVED', detail: 'CONTACT_ON', area: 'forehead' },
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    expect(early.state()).toEqual(CONFIGURING);
  });

  it('S5: after a new pass found on a contact edge the area re-arms; the pass starts once its reservation is confirmed, in contact', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send({ type: 'CONTACT_ON', atMs: 1100, strokeCount: 60 });
    expect(effectsOf(h, ...toReserving('forehead', 250).slice(1))).toEqual([
      { type: 'reservePass', area: 'forehead', passNumber: 2 },
    ]);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, passesOpened: 2, passesReserved: 1 });
    expect(effectsOf(h, reserved('forehead', 2))).toEqual([{ type: 'armDrive' }]);
    expect(effectsOf(h, ack('ARM'))).toEqual([
      { type: 'recordPassStarted', area: 'forehead', passNumber: 2, atMs: 1100 },
    ]);
    expect(h.state()).toEqual(TREATING);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 2, passesOpened: 2, strokes: 60 });
  });

  it('RECORDS_UNAVAILABLE while a reservation is awaited is a fault: the drive is never armed', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...toReserving('forehead', 250));
    expect(h.state()).toEqual(RESERVING);
    expect(effectsOf(h, { type: 'RECORDS_UNAVAILABLE', detail: 'disk full' })).toEqual([
      { type: 'stopNeedles' },
      { type: 'recordFault', code: 0, reason: 'RECORDS_UNAVAILABLE', detail: 'disk full' },
      { type: 'cancelAllTimers' },
      { type: 'recordSessionEnded', outcome: 'fault', reason: 'RECORDS_UNAVAILABLE' },
    ]);
    expect(h.effects.some((e) => e.type === 'armDrive')).toBe(false);
  });

  it('RECORDS_UNAVAILABLE while treating stops the needles first, then ends and records the open pass', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(telemetryOf({ flags: TelemetryFlag.CONTACT, strokeCount: 20, commandedDepthUm: 250, deviceTickMs: 300 }));
    expect(effectsOf(h, { type: 'RECORDS_UNAVAILABLE', detail: 'disk full' }).map((e) => e.type)).toEqual([
      'stopNeedles',
      'recordFault',
      'recordPassEnded',
      'cancelAllTimers',
      'recordSessionEnded',
    ]);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, strokes: 20, contactMs: 200 });
  });
});

describe('resume (S5, S6)', () => {
  it('S5 S6: a resume continues the pass numbers and counts the exposure used towards the budgets', () => {
    const h = harness(inputOf(homePlan(3), { exposureBudgets: { sessionPunctures: 1500 } }));
    h.send(
      ...resumedSession({
        openedPassesByArea: { forehead: 2 },
        usedByArea: { forehead: { punctures: 1000, contactMs: 900 } },
      }),
    );
    expect(h.actor.getSnapshot().context.record).toMatchObject({ sessionId: 5, resumed: true });
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 2, passesOpened: 2, punctures: 1000 });
    h.send(...armEvents('cheeks', 200), ...touch(100, 500, 0, 50));
    const { areas, outcome, outcomeReason } = h.actor.getSnapshot().context;
    expect(areas.map((a) => a.lockReason)).toEqual([
      'SESSION_PUNCTURE_BUDGET_REACHED',
      'SESSION_PUNCTURE_BUDGET_REACHED',
    ]);
    expect({ outcome, outcomeReason }).toEqual({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
  });

  it('S6: a resume whose exposure already reached the session budget locks every area and completes before any depth is sent', () => {
    const h = harness(inputOf(homePlan(3), { exposureBudgets: { sessionPunctures: 1000 } }));
    h.send(
      ...resumedSession({
        openedPassesByArea: { forehead: 1 },
        usedByArea: { forehead: { punctures: 1200, contactMs: 900 } },
      }),
    );
    const { areas, outcomeReason } = h.actor.getSnapshot().context;
    expect(areas.map((a) => [a.locked, a.lockReason])).toEqual([
      [true, 'SESSION_PUNCTURE_BUDGET_REACHED'],
      [true, 'SESSION_PUNCTURE_BUDGET_REACHED'],
    ]);
    expect(outcomeReason).toBe('PLAN_COMPLETE');
    expect(h.effects.filter((e) => e.type === 'recordAreaLocked')).toHaveLength(2);
    expect(h.effects.some((e) => e.type === 'sendDepth' || e.type === 'sendDepthLimit')).toBe(false);
  });

  it('S6: a resumed area whose exposure already reached its area budget is not treated again', () => {
    const h = harness(inputOf(homePlan(3), { exposureBudgets: { areaPunctures: 1000 } }));
    const session = resumedSession({
      openedPassesByArea: { forehead: 1 },
      usedByArea: { forehead: { punctures: 1000, contactMs: 500 } },
    });
    h.send(...session.slice(0, 3));
    // The lock is recorded with the claim that brings it, with the budget's reason (S8).
    expect(effectsOf(h, session[3]!)).toEqual([
      { type: 'recordAreaLocked', area: 'forehead', reason: 'AREA_PUNCTURE_BUDGET_REACHED' },
      { type: 'requestAdmissionFacts', sessionId: 5, cartridgeId: 77 },
    ]);
    h.send(...session.slice(4));
    h.send({ type: 'SELECT_AREA', area: 'forehead' });
    expect(h.actor.getSnapshot().context.refusals.at(-1)).toEqual({ reason: 'AREA_LOCKED', detail: 'forehead' });
    expect(h.effects.some((e) => e.type === 'sendDepth')).toBe(false);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({
      locked: true,
      lockReason: 'AREA_PUNCTURE_BUDGET_REACHED',
    });
  });
});

describe('audit effects', () => {
  const outcomes: [string, ControllerEvent[], string, string | null][] = [
    ['completed', [...toSession(), { type: 'FINISH' }], 'completed', 'OPERATOR_FINISH'],
    ['refused', toSession(undefined, clearFacts({ cartridgeSeenBefore: true })), 'refused', 'CARTRIDGE_REUSED'],
    ['aborted', [...toSession(), { type: 'STOP' }], 'aborted', 'OPERATOR_STOP'],
    ['fault', [...toSession(), { type: 'PEN_FAULT', faultCode: 2 }], 'fault', 'PEN_FAULT'],
    ['emergencyStop', [...toSession(), { type: 'ESTOP' }], 'emergencyStop', 'EMERGENCY_STOP'],
  ];

  it.each(outcomes)(
    'every end is recorded once, last, with the outcome and its reason: %s',
    (_, events, outcome, reason) => {
      const h = harness(inputOf(homePlan()));
      h.send(...events, { type: 'STOP' }, { type: 'RESET' }, { type: 'ESTOP' });
      const ends = h.effects.filter((e) => e.type === 'recordSessionEnded');
      expect(ends).toEqual([{ type: 'recordSessionEnded', outcome, reason }]);
      const end = h.effects.findIndex((e) => e.type === 'recordSessionEnded');
      expect(h.effects.slice(end + 1).filter((e) => e.type.startsWith('record'))).toEqual([]);
      expect(h.actor.getSnapshot().context).toMatchObject({ outcome, outcomeReason: reason });
    },
  );

  it('the needles stop before anything is recorded, whatever ends the drive', () => {
    const inPass = [
      ...toSession(),
      ...armEvents('forehead', 250),
      { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 },
    ] as ControllerEvent[];
    const endings: ControllerEvent[] = [
      { type: 'PEN_FAULT', faultCode: 2 },
      { type: 'LINK_DEAD', reason: 'HEARTBEAT_TIMEOUT' },
      { type: 'CARTRIDGE_REMOVED' },
      { type: 'STOP' },
      { type: 'FINISH' },
      { type: 'PAUSE' },
      { type: 'CONTACT_OFF', atMs: 900, strokeCount: 80 },
      telemetryOf({ measuredDepthUm: 400, commandedDepthUm: 250, flags: TelemetryFlag.CONTACT, deviceTickMs: 200 }),
    ];
    for (const ending of endings) {
      const h = harness(inputOf(homePlan(1)));
      h.send(...inPass);
      const types = effectsOf(h, ending).map((e) => e.type);
      expect(types[0]).toBe('stopNeedles');
      expect(types.filter((type) => type.startsWith('record')).length).toBeGreaterThan(0);
    }
  });
});
