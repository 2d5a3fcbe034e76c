// Scenario tests of the area order and the outcome: plan order, dwell, retries, area changes, completion, FINISH, STOP.
import { describe, expect, it } from 'vitest';
import { PenState, Reason, TelemetryFlag } from '../protocol/index.js';
import { AREA_CHANGE_DWELL_MS, AREA_RETRY_DELAY_MS, MAX_AREA_ATTEMPTS } from '../policy/index.js';
import type { ControllerEvent } from './events.js';
import { ack, armEvents, harness, homePlan, inputOf, toSession, touch } from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const DELAYING = { connected: { session: { selectingArea: 'delaying' } } };
const CONFIGURING = { connected: { session: { arming: 'configuring' } } };
const AWAITING_OPERATOR = { connected: { session: { selectingArea: 'awaitingOperator' } } };
const PLAN_ORDER = inputOf(homePlan(1), { areaOrder: 'plan' });
const nextAreaDue: ControllerEvent = { type: 'NEXT_AREA_DUE' };
const armNak: ControllerEvent = { type: 'COMMAND_NAKED', command: 'ARM', reason: Reason.BATTERY_LOW };
/** The setup ACKs and the reservation of the area being armed (plan order picks the area). */
const setUp = (area: string, depthUm: number): ControllerEvent[] => [
  ack('SET_DEPTH_LIMIT', depthUm),
  ack('SET_DEPTH', depthUm),
  ack('SET_SPEED', 100),
  { type: 'PASS_RESERVED', area: area as never, passNumber: 1 },
];

describe('plan order', () => {
  it('arms the first open area at once, then each next area after the dwell, and completes by itself (PLAN_COMPLETE)', () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession());
    expect(h.state()).toEqual(DELAYING);
    expect(h.effects.slice(-1)).toEqual([{ type: 'startTimer', timer: 'nextArea', delayMs: 0 }]);
    h.send(nextAreaDue);
    expect(h.state()).toEqual(CONFIGURING);
    expect(h.effects.slice(-3)).toEqual([
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    h.send(...setUp('forehead', 250), ack('ARM'), ...touch(1000, 500, 0, 50));
    expect(h.state()).toEqual(DELAYING);
    expect(h.effects.slice(-1)).toEqual([{ type: 'startTimer', timer: 'nextArea', delayMs: AREA_CHANGE_DWELL_MS }]);
    h.send(nextAreaDue);
    expect(h.effects.slice(-3)).toEqual([
      { type: 'sendDepthLimit', limitUm: 200 },
      { type: 'sendDepth', depthUm: 200 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    expect(h.actor.getSnapshot().context.currentArea).toBe('cheeks');
    h.take();
    h.send(...setUp('cheeks', 200), ack('ARM'), ...touch(3000, 500, 50, 50));
    expect(h.state()).toBe('completed');
    expect(h.effects.slice(-1)).toEqual([
      { type: 'recordSessionEnded', outcome: 'completed', reason: 'PLAN_COMPLETE' },
    ]);
  });

  it('the dwell starts again while the pen is on the skin: no next area is armed under a hand still working', () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession(), nextAreaDue, ...setUp('forehead', 250), ack('ARM'), ...touch(1000, 500, 0, 50));
    h.take();
    h.send({ type: 'CONTACT_ON', atMs: 2000, strokeCount: 50 });
    expect(h.effects.slice(-2)).toEqual([
      { type: 'cancelTimer', timer: 'nextArea' },
      { type: 'startTimer', timer: 'nextArea', delayMs: AREA_CHANGE_DWELL_MS },
    ]);
    const from = h.effects.length;
    h.send(nextAreaDue);
    expect(h.state()).toEqual(DELAYING);
    expect(h.effects.slice(from)).toEqual([
      { type: 'cancelTimer', timer: 'nextArea' },
      { type: 'startTimer', timer: 'nextArea', delayMs: AREA_CHANGE_DWELL_MS },
    ]);
    expect(h.effects.some((e) => e.type === 'sendDepth' && e.depthUm === 200)).toBe(false);
  });

  it('the dwell counts from the lift-off: the pen must stay off the skin that long before the next area is armed', () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession(), nextAreaDue, ...setUp('forehead', 250), ack('ARM'), ...touch(1000, 500, 0, 50));
    h.send({ type: 'CONTACT_ON', atMs: 2000, strokeCount: 50 });
    const from = h.effects.length;
    h.send({ type: 'CONTACT_OFF', atMs: 2900, strokeCount: 50 });
    expect(h.effects.slice(from)).toEqual([
      { type: 'cancelTimer', timer: 'nextArea' },
      { type: 'startTimer', timer: 'nextArea', delayMs: AREA_CHANGE_DWELL_MS },
    ]);
  });

  it('the dwell counts from a lift-off that only telemetry shows (its EVENT_CONTACT lost), as from CONTACT_OFF', () => {
    // The area locks on its budget while the hand is still on it: the dwell starts under the hand.
    const h = harness(inputOf(homePlan(2), { areaOrder: 'plan', exposureBudgets: { areaPunctures: 1200 } }));
    h.send(...toSession(), nextAreaDue, ...setUp('forehead', 250), ack('ARM'));
    h.send({ type: 'CONTACT_ON', atMs: 1000, strokeCount: 0 });
    h.send(telemetryOf({ flags: TelemetryFlag.CONTACT, strokeCount: 100, commandedDepthUm: 250, deviceTickMs: 1500 }));
    expect(h.state()).toEqual(DELAYING);
    expect(h.actor.getSnapshot().context.penReadings.penContact).toBe(true);
    const from = h.effects.length;
    h.send(telemetryOf({ state: PenState.IDLE, strokeCount: 100, deviceTickMs: 2400 }));
    expect(h.actor.getSnapshot().context.penReadings.penContact).toBe(false);
    expect(h.effects.slice(from)).toEqual([
      { type: 'cancelTimer', timer: 'nextArea' },
      { type: 'startTimer', timer: 'nextArea', delayMs: AREA_CHANGE_DWELL_MS },
    ]);
  });

  it(`retries a refused arming up to ${MAX_AREA_ATTEMPTS} times, then the next area; none left: AREA_ATTEMPTS_EXHAUSTED`, () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession());
    const armedAreas: (string | null)[] = [];
    for (let attempt = 0; attempt < 2 * MAX_AREA_ATTEMPTS; attempt += 1) {
      h.send(nextAreaDue);
      armedAreas.push(h.actor.getSnapshot().context.currentArea);
      const depthUm = h.actor.getSnapshot().context.commandedDepthUm;
      h.send(ack('SET_DEPTH_LIMIT', depthUm), ack('SET_DEPTH', depthUm), ack('SET_SPEED', 100));
      h.send({ type: 'PASS_RESERVED', area: armedAreas.at(-1) as never, passNumber: 1 });
      expect(h.effects.slice(-1)).toEqual([{ type: 'armDrive' }]);
      h.send(armNak);
      if (attempt < 2 * MAX_AREA_ATTEMPTS - 1) {
        expect(h.effects.slice(-1)).toEqual([{ type: 'startTimer', timer: 'nextArea', delayMs: AREA_RETRY_DELAY_MS }]);
      }
    }
    expect(armedAreas).toEqual(['forehead', 'forehead', 'forehead', 'cheeks', 'cheeks', 'cheeks']);
    expect(h.state()).toBe('aborted');
    const { context } = h.actor.getSnapshot();
    expect(context.areas.map((a) => a.refusedArmings)).toEqual([MAX_AREA_ATTEMPTS, MAX_AREA_ATTEMPTS]);
    expect(context.refusals.filter((r) => r.reason === 'PEN_BATTERY_LOW')).toHaveLength(2 * MAX_AREA_ATTEMPTS);
    expect(context.stops.at(-1)).toEqual({
      reason: 'AREA_ATTEMPTS_EXHAUSTED',
      detail: 'the pen refused arming every open area',
    });
    expect(h.effects.slice(-1)).toEqual([
      { type: 'recordSessionEnded', outcome: 'aborted', reason: 'AREA_ATTEMPTS_EXHAUSTED' },
    ]);
  });

  it('S1 S8: a SET_DEPTH_LIMIT the pen refuses refuses the arming: needles stopped, the refusal recorded, retried in plan order', () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession(), nextAreaDue);
    h.take();
    h.send({ type: 'COMMAND_NAKED', command: 'SET_DEPTH_LIMIT', reason: Reason.BUSY_ARMED });
    expect(h.take()).toEqual(['stopNeedles', 'recordRefusal', 'startTimer']);
    expect(h.effects.slice(-2)).toEqual([
      { type: 'recordRefusal', reason: 'PEN_BUSY_ARMED', detail: 'SET_DEPTH_LIMIT refused', area: 'forehead' },
      { type: 'startTimer', timer: 'nextArea', delayMs: AREA_RETRY_DELAY_MS },
    ]);
    expect(h.state()).toEqual(DELAYING);
    // The other setup ACKs arriving late arm nothing.
    h.send(ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    expect(h.effects.some((e) => e.type === 'reservePass' || e.type === 'armDrive')).toBe(false);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ refusedArmings: 1, passesOpened: 0 });
    h.take();
    h.send(nextAreaDue);
    expect(h.actor.getSnapshot().context.currentArea).toBe('forehead');
    expect(h.effects.slice(-3)).toEqual([
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    h.send(...setUp('forehead', 250));
    expect(h.effects.slice(-1)).toEqual([{ type: 'armDrive' }]);
  });

  it('S5: a reservation made before a refused ARM is used by the retry, not asked for again', () => {
    const h = harness(PLAN_ORDER);
    h.send(...toSession(), nextAreaDue, ...setUp('forehead', 250), armNak, nextAreaDue);
    h.send(ack('SET_DEPTH_LIMIT', 250), ack('SET_DEPTH', 250));
    h.take();
    h.send(ack('SET_SPEED', 100));
    expect(h.take()).toEqual(['armDrive']);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passesOpened: 1, passes: 0, refusedArmings: 1 });
  });
});

describe('operator order and area changes', () => {
  it('completes by itself once every area is locked (PLAN_COMPLETE)', () => {
    const h = harness(inputOf(homePlan(1)));
    h.send(...toSession(), ...armEvents('forehead', 250), ...touch(1000, 500, 0, 50));
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    h.send(...armEvents('cheeks', 200), ...touch(3000, 500, 50, 50));
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
  });

  it('SELECT_AREA while arming or in contact is refused AREA_CHANGE_WHILE_ACTIVE; the same area again is nothing', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'forehead' });
    h.take();
    h.send({ type: 'SELECT_AREA', area: 'forehead' }, { type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.take()).toEqual(['recordRefusal']);
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'AREA_CHANGE_WHILE_ACTIVE', detail: 'cheeks', area: 'forehead' },
    ]);
    h.send(...armEvents('forehead', 250).slice(1), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send({ type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.actor.getSnapshot().context.refusals).toHaveLength(2);
    expect(h.actor.getSnapshot().context.currentArea).toBe('forehead');
  });

  it('SELECT_AREA while armed or lifted off moves to the other area: needles stopped, the open pass ended', () => {
    const armed = harness(inputOf(homePlan(2)));
    armed.send(...toSession(), ...armEvents('forehead', 250));
    armed.take();
    armed.send({ type: 'SELECT_AREA', area: 'cheeks' });
    expect(armed.take()).toEqual(['stopNeedles', 'sendDepthLimit', 'sendDepth', 'sendSpeed']);
    expect(armed.actor.getSnapshot().context.currentArea).toBe('cheeks');
    const lifted = harness(inputOf(homePlan(2)));
    lifted.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40));
    lifted.take();
    lifted.send({ type: 'SELECT_AREA', area: 'cheeks' });
    expect(lifted.take()).toEqual([
      'stopNeedles',
      'cancelTimer',
      'recordPassEnded',
      'sendDepthLimit',
      'sendDepth',
      'sendSpeed',
    ]);
    expect(lifted.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, locked: false });
  });

  it('S5: a pause at the pass limit locks the area instead of pausing', () => {
    const h = harness(inputOf(homePlan(1)));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.take();
    h.send({ type: 'PAUSE' });
    expect(h.take()).toEqual(['stopNeedles', 'cancelTimer', 'recordPassEnded', 'recordAreaLocked', 'recordStop']);
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ locked: true, lockReason: 'PASS_LIMIT_REACHED' });
  });
});

describe('outcome', () => {
  it('FINISH completes the session from the area choice; before the session it aborts', () => {
    const done = harness(inputOf(homePlan()));
    done.send(...toSession(), { type: 'FINISH' });
    expect(done.actor.getSnapshot().context).toMatchObject({ outcome: 'completed', outcomeReason: 'OPERATOR_FINISH' });
    const early = harness(inputOf(homePlan()));
    early.send(...toSession().slice(0, 3), { type: 'FINISH' });
    expect(early.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_FINISH' });
    expect(early.effects.filter((e) => e.type === 'stopNeedles')).toHaveLength(1);
  });

  it('STOP aborts from every state of the session, the needles stopped before anything is recorded, the end recorded once', () => {
    const operator = inputOf(homePlan(2));
    const prefixes: [typeof operator, ControllerEvent[]][] = [
      [operator, toSession()],
      [operator, [...toSession(), { type: 'SELECT_AREA', area: 'forehead' }]],
      [operator, [...toSession(), ...armEvents('forehead', 250)]],
      [operator, [...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40)]],
      [
        operator,
        [...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40), { type: 'PASS_DEBOUNCE_ELAPSED' }],
      ],
      [operator, [...toSession(), ...armEvents('forehead', 250), { type: 'PAUSE' }]],
      [PLAN_ORDER, toSession()],
    ];
    for (const [input, prefix] of prefixes) {
      const h = harness(input);
      h.send(...prefix);
      h.take();
      h.send({ type: 'STOP' });
      const effects = h.take();
      expect(effects.indexOf('stopNeedles')).toBeLessThan(effects.indexOf('recordStop'));
      expect(effects.filter((type) => type.startsWith('record')).length).toBeGreaterThan(0);
      expect(effects.filter((type) => type === 'recordSessionEnded')).toHaveLength(1);
      expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_STOP' });
    }
  });
});
